"""The fields of a contact (see ``crm.fields``), with the header names imports know."""

from flask_babel import lazy_gettext as _l

from crm.contacts.models import NameOrder
from crm.fields import (
    CHECKER,
    CREATED,
    ID,
    IMPORT,
    OWNER,
    UPDATED,
    Field,
    Fields,
    email_field,
    phone_field,
)
from crm.text import search_key


def organization_name(contact):
    return contact.organization.display_name


def contact_key(get):
    return search_key(
        get("given_name"),
        get("family_name"),
        get("second_family_name"),
        get("native_name"),
        get("reading"),
        get("email"),
    )


FIELDS = Fields(
    ID,
    Field(
        "organization_id",
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
        cell=CHECKER,
        required=True,
        help=_l("Matched by name with the organizations in Zubia."),
        export=organization_name,
        key="organization",
    ),
    Field(
        "full_name",
        _l("Full name"),
        ("full name", "name", "display name", "氏名", "名前", "お名前", "nombre completo"),
        role=IMPORT,
        cell=CHECKER,
        help=_l("Split into family and given name when those columns are not mapped."),
    ),
    Field("name_order", _l("Name order"), from_form=NameOrder),
    Field("given_name", _l("Given name"), ("first name", "名", "nombre", "nombre de pila")),
    Field(
        "family_name",
        _l("Family name"),
        ("last name", "surname", "姓", "苗字", "apellido", "primer apellido", "apellidos"),
    ),
    Field(
        "second_family_name",
        _l("Second family name"),
        ("second surname", "segundo apellido"),
    ),
    Field(
        "middle_name",
        _l("Middle name"),
        ("middle name", "second name", "segundo nombre", "bigarren izena"),
        role=IMPORT,
        cell=CHECKER,
        help=_l("Added to the given name."),
    ),
    Field("native_name", _l("Name in native script"), ("native name",)),
    Field(
        "reading",
        _l("Reading"),
        ("yomi name", "フリガナ", "ふりがな", "よみがな", "氏名(フリガナ)", "氏名フリガナ"),
    ),
    Field(
        "reading_family",
        _l("Reading of the family name"),
        ("phonetic last name", "surname yomi", "姓(フリガナ)", "姓フリガナ", "セイ", "せい"),
        role=IMPORT,
        cell=CHECKER,
        help=_l("With the reading of the given name, the reading."),
    ),
    Field(
        "reading_given",
        _l("Reading of the given name"),
        ("phonetic first name", "given yomi", "名(フリガナ)", "名フリガナ", "メイ", "めい"),
        role=IMPORT,
        cell=CHECKER,
    ),
    Field(
        "salutation",
        _l("How to address them"),
        ("salutation", "敬称", "tratamiento"),
    ),
    Field(
        "job_title",
        _l("Job title"),
        (
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
            "organization department",
            "organization 1 - department",
            "部署",
            "部署名",
            "所属部署",
            "departamento",
        ),
        role=IMPORT,
        cell=CHECKER,
        help=_l("Added to the job title."),
    ),
    email_field("e-mail 1 - value", "email 1 - value"),
    Field(
        "other_emails",
        _l("Other email addresses"),
        (
            "e-mail 2 address",
            "e-mail 3 address",
            "e-mail 2 - value",
            "e-mail 3 - value",
            "email 2",
            "email 3",
            "e-mail 2",
            "e-mail 3",
            "other email",
            "otro correo",
        ),
        many=True,
        help=_l("Several columns may go here; a cell may hold several, separated by :::."),
    ),
    phone_field("business phone", "phone 1 - value", "primary phone", "work phone"),
    Field(
        "mobile",
        _l("Mobile"),
        (
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
        "language",
        _l("Preferred language"),
        ("language", "言語", "idioma"),
        cell=CHECKER,
    ),
    Field(
        "timezone",
        _l("Time zone"),
        ("timezone", "タイムゾーン", "zona horaria"),
        cell=CHECKER,
    ),
    Field("is_primary", _l("Permanent point of contact of the organization"), default=False),
    Field("notes", _l("Notes"), ("note", "memo", "comments", "備考", "メモ", "notas")),
    OWNER,
    CREATED,
    UPDATED,
    derived={"search_key": contact_key},
)
