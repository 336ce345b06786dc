"""What a column of an imported file can hold, and which header names suggest each field.

The synonyms cover the header rows of Google Contacts exports (current "E-mail 1 - Value" and
older "Organization 1 - Name" styles), Outlook's CSV export, and the usual Japanese and
Spanish headers. Headers are compared after ``search_key`` (case, width, accents, spaces).
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from crm.imports.models import ImportKind
from crm.text import search_key


@dataclass(frozen=True)
class Field:
    name: str
    label: object  # a lazy string
    synonyms: tuple[str, ...] = ()
    required: bool = False
    managers_only: bool = False
    help: object = None


OWNER = Field(
    "owner",
    _l("Owner (point of contact)"),
    ("owner", "owner email", "担当者", "responsable"),
    managers_only=True,
    help=_l("A user's email or name. Without it, you own what you import."),
)

ORGANIZATION_FIELDS = (
    Field(
        "name",
        _l("Name (Latin script)"),
        (
            "name",
            "organization",
            "organization name",
            "company",
            "company name",
            "会社名",
            "企業名",
            "組織名",
            "団体名",
            "法人名",
            "nombre",
            "empresa",
            "organización",
            "entidad",
        ),
        required=True,
    ),
    Field(
        "native_name",
        _l("Name in native script"),
        (
            "native name",
            "name in native script",
            "japanese name",
            "会社名(日本語)",
            "和名",
            "nombre original",
        ),
    ),
    Field(
        "kind",
        _l("Kind"),
        ("kind", "type", "organization type", "種別", "種類", "tipo"),
        help=_l("Empty cells become “Company”."),
    ),
    Field("region", _l("Region"), ("region", "地域", "región"), required=True),
    Field(
        "country",
        _l("Country"),
        ("country", "country/region", "business country/region", "国", "国名", "país"),
        help=_l("A code (JP, ES) or a name. Empty cells take the region's country."),
    ),
    Field(
        "city",
        _l("City"),
        ("city", "town", "business city", "市区町村", "都市", "所在地", "ciudad", "municipio"),
    ),
    Field("size", _l("Size"), ("size", "規模", "従業員規模", "tamaño")),
    Field(
        "website",
        _l("Website"),
        (
            "website",
            "web",
            "web site",
            "web page",
            "url",
            "homepage",
            "home page",
            "ホームページ",
            "ウェブサイト",
            "url",
            "sitio web",
            "página web",
        ),
    ),
    Field(
        "sectors",
        _l("Sectors"),
        ("sectors", "sector", "industry", "industries", "業種", "分野", "sectores"),
        help=_l("Several sectors separated by ; or , by code or name."),
    ),
    Field(
        "description",
        _l("Description"),
        ("description", "about", "概要", "説明", "事業内容", "descripción"),
    ),
    Field(
        "capabilities",
        _l("Capabilities offered"),
        ("capabilities", "capabilities offered", "offers", "強み", "capacidades"),
    ),
    Field(
        "interests",
        _l("Interests sought"),
        ("interests", "interests sought", "seeks", "関心分野", "intereses"),
    ),
    Field(
        "export_markets",
        _l("Export markets"),
        ("export markets", "輸出市場", "mercados de exportación"),
    ),
    OWNER,
)

CONTACT_FIELDS = (
    Field(
        "organization",
        _l("Organization"),
        (
            "organization",
            "organization name",
            "organization 1 - name",
            "company",
            "company name",
            "会社名",
            "会社",
            "企業名",
            "所属",
            "勤務先",
            "empresa",
            "organización",
            "entidad",
        ),
        required=True,
        help=_l("Matched by name with the organizations in Zubia."),
    ),
    Field(
        "full_name",
        _l("Full name"),
        ("full name", "name", "display name", "氏名", "名前", "お名前", "nombre completo"),
        help=_l("Split into family and given name when those columns are not mapped."),
    ),
    Field(
        "given_name",
        _l("Given name"),
        ("given name", "first name", "名", "nombre", "nombre de pila"),
    ),
    Field(
        "family_name",
        _l("Family name"),
        (
            "family name",
            "last name",
            "surname",
            "姓",
            "苗字",
            "apellido",
            "primer apellido",
            "apellidos",
        ),
    ),
    Field(
        "second_family_name",
        _l("Second family name"),
        ("second family name", "second surname", "segundo apellido"),
    ),
    Field("native_name", _l("Name in native script"), ("native name", "name in native script")),
    Field(
        "reading",
        _l("Reading"),
        (
            "reading",
            "yomi name",
            "フリガナ",
            "ふりがな",
            "よみがな",
            "氏名(フリガナ)",
            "氏名フリガナ",
        ),
    ),
    Field(
        "salutation",
        _l("How to address them"),
        ("salutation", "how to address them", "敬称", "tratamiento"),
    ),
    Field(
        "job_title",
        _l("Job title"),
        (
            "job title",
            "position",
            "organization title",
            "organization 1 - title",
            "役職",
            "肩書",
            "cargo",
            "puesto",
        ),
    ),
    Field(
        "department",
        _l("Department"),
        (
            "department",
            "organization department",
            "organization 1 - department",
            "部署",
            "部署名",
            "所属部署",
            "departamento",
        ),
        help=_l("Added to the job title."),
    ),
    Field(
        "email",
        _l("Email"),
        (
            "email",
            "e-mail",
            "email address",
            "e-mail address",
            "e-mail 1 - value",
            "email 1 - value",
            "mail",
            "メールアドレス",
            "メール",
            "eメール",
            "correo",
            "correo electrónico",
        ),
    ),
    Field(
        "phone",
        _l("Phone"),
        (
            "phone",
            "telephone",
            "business phone",
            "phone 1 - value",
            "primary phone",
            "work phone",
            "電話番号",
            "電話",
            "tel",
            "teléfono",
        ),
    ),
    Field(
        "mobile",
        _l("Mobile"),
        (
            "mobile",
            "mobile phone",
            "cell phone",
            "cell",
            "携帯",
            "携帯電話",
            "携帯番号",
            "móvil",
            "teléfono móvil",
        ),
    ),
    Field(
        "language", _l("Preferred language"), ("language", "preferred language", "言語", "idioma")
    ),
    Field("timezone", _l("Time zone"), ("time zone", "timezone", "タイムゾーン", "zona horaria")),
    Field("notes", _l("Notes"), ("notes", "note", "memo", "comments", "備考", "メモ", "notas")),
    OWNER,
)

FIELDS = {ImportKind.ORGANIZATION: ORGANIZATION_FIELDS, ImportKind.CONTACT: CONTACT_FIELDS}

# What an existing record is recognised by, per kind: the first is the default.
MATCH_KEYS = {
    ImportKind.ORGANIZATION: {
        "name": _l("Name (normalised)"),
        "native_name": _l("Name in native script"),
        "website": _l("Website"),
    },
    ImportKind.CONTACT: {
        "email": _l("Email"),
        "name": _l("Name at the same organization (normalised)"),
        "phone": _l("Phone"),
    },
}


def fields_for(kind, user):
    return [f for f in FIELDS[kind] if user.is_manager or not f.managers_only]


def header_key(header):
    """A header as compared with the synonyms: "E-MAIL  Address" and "e-mail address" agree."""
    return search_key(header).replace("_", " ").replace("（", "(").replace("）", ")")


def suggest(kind, headers, user, remembered=None):
    """{column index: field name}: the user's remembered choice for a header, else a synonym.

    Each field goes to one column at most (the first that names it).
    """
    remembered = {header_key(h): name for h, name in (remembered or {}).items()}
    allowed = {f.name for f in fields_for(kind, user)}
    by_synonym = {}
    for field in fields_for(kind, user):
        for synonym in field.synonyms:
            by_synonym.setdefault(header_key(synonym), field.name)
    mapping, used = {}, set()
    for index, header in enumerate(headers):
        key = header_key(header)
        name = remembered.get(key, by_synonym.get(key))
        if name in allowed and name not in used:
            mapping[index] = name
            used.add(name)
    return mapping
