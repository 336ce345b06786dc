"""The fields of an organization (see ``crm.fields``), with the header names imports know."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from crm.fields import (
    CHECKER,
    CREATED,
    ID,
    IMPORT,
    OWNER,
    READ,
    SERVICE,
    UPDATED,
    Field,
    Fields,
    email_field,
    phone_field,
)
from crm.organizations.models import DEFAULT_CADENCE_DAYS, Kind, Region, Size
from crm.text import search_key


def sector_names(org):
    locale = str(get_locale())
    return "; ".join(sector.name(locale) for sector in org.sectors)


FIELDS = Fields(
    ID,
    Field(
        "name",
        _l("Name (Latin script)"),
        (
            "name",
            "organization",
            "organization name",
            "company",
            "company name",
            "会社名(英語)",
            "会社名(英字)",
            "英文社名",
            "英語名",
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
            "japanese name",
            "会社名",
            "企業名",
            "組織名",
            "団体名",
            "法人名",
            "会社名(日本語)",
            "和名",
            "nombre original",
        ),
        help=_l("Japanese lists' 会社名. Without a Latin name, it is the name too."),
    ),
    Field(
        "kind",
        _l("Kind"),
        ("kind", "type", "organization type", "種別", "種類", "tipo"),
        cell=CHECKER,
        help=_l("Empty cells become “Company”."),
        default=Kind.COMPANY,
        from_form=Kind,
    ),
    Field(
        "region",
        _l("Region"),
        ("region", "地域", "región"),
        cell=CHECKER,
        required=True,
        from_form=Region,
    ),
    Field(
        "country",
        _l("Country"),
        ("country", "country/region", "business country/region", "国", "国名", "país"),
        cell=CHECKER,
        help=_l("A code (JP, ES) or a name. Empty cells take the region's country."),
    ),
    Field(
        "city",
        _l("City"),
        ("city", "town", "business city", "市区町村", "都市", "ciudad", "municipio"),
    ),
    Field(
        "size", _l("Size"), ("size", "規模", "従業員規模", "tamaño"), cell=CHECKER, from_form=Size
    ),
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
            "sitio web",
            "página web",
        ),
    ),
    email_field(),
    phone_field("代表電話"),
    Field(
        "address",
        _l("Postal address"),
        ("address", "street", "住所", "所在地", "dirección", "domicilio", "helbidea"),
    ),
    Field(
        "postcode",
        _l("Postcode"),
        ("postal code", "zip", "zip code", "郵便番号", "〒", "código postal", "cp", "posta kodea"),
    ),
    Field(
        "tax_id",
        _l("Tax ID"),
        (
            "tax id",
            "vat",
            "vat number",
            "cif",
            "nif",
            "cif/nif",
            "法人番号",
            "identificación fiscal",
        ),
    ),
    Field(
        "sector_ids",
        _l("Sectors"),
        ("sectors", "sector", "industry", "industries", "業種", "分野", "sectores"),
        role=SERVICE,
        cell=CHECKER,
        help=_l("Several sectors separated by ; or , by code or name."),
        export=sector_names,
        key="sectors",
    ),
    Field(
        "description",
        _l("Description"),
        ("description", "about", "概要", "説明", "事業内容", "descripción"),
    ),
    Field(
        "capabilities",
        _l("Capabilities offered"),
        ("capabilities", "offers", "強み", "capacidades", "capacidades ofrecidas"),
    ),
    Field(
        "interests",
        _l("Interests sought"),
        ("interests", "seeks", "関心分野", "intereses", "intereses buscados"),
    ),
    Field("languages", _l("Working languages"), from_form=",".join),
    Field("export_markets", _l("Export markets"), ("輸出市場", "mercados de exportación")),
    # A person at the organization, whom the import adds as its contact.
    Field(
        "contact_name",
        _l("Contact person"),
        (
            "contact",
            "contact person",
            "contact name",
            "担当者",
            "担当者名",
            "ご担当者",
            "連絡先担当者",
            "persona de contacto",
            "contacto",
            "harremanetarako pertsona",
        ),
        role=IMPORT,
        cell=CHECKER,
        help=_l(
            "Added as a contact at the organization, with the contact person's email and "
            "phone if the file has them, else the row's."
        ),
    ),
    Field(
        "contact_email",
        _l("Contact person's email"),
        (
            "contact email",
            "contact e-mail",
            "担当者メール",
            "担当者メールアドレス",
            "email del contacto",
            "correo del contacto",
        ),
        role=IMPORT,
        cell=CHECKER,
    ),
    Field(
        "contact_phone",
        _l("Contact person's phone"),
        ("contact phone", "担当者電話", "担当者電話番号", "teléfono del contacto"),
        role=IMPORT,
        cell=CHECKER,
    ),
    OWNER,
    Field(
        "cadence_days",
        _l("Desired contact cadence (days)"),
        default=DEFAULT_CADENCE_DAYS,
    ),
    Field("last_contact_at", _l("Last contact"), role=READ),
    Field("contact_due_at", _l("Next contact due"), role=READ),
    CREATED,
    UPDATED,
    derived={"search_key": lambda get: search_key(get("name"), get("native_name"))},
)
