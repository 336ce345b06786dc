"""What a column of an imported file can hold, and which header names suggest each field.

The fields and their synonyms are the areas' own (``crm/<area>/fields.py``); a header equal to
a field's label, in English or in the reader's language, suggests it too, so a Zubia export
imports back as it is. The synonyms cover the header rows of Google Contacts exports (current
"E-mail 1 - Value" and older "Organization 1 - Name" styles), Outlook's CSV export, and the
usual Japanese and Spanish headers. Headers are compared after ``search_key`` (case, width,
accents, spaces).
"""

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from crm.contacts import fields as contacts
from crm.imports.models import ImportKind
from crm.organizations import fields as organizations
from crm.text import search_key


@dataclass(frozen=True)
class Field:
    name: str
    label: object  # a lazy string
    synonyms: tuple[str, ...] = ()
    required: bool = False
    managers_only: bool = False
    help: object = None
    many: bool = False


def offered(fields):
    """An area's imported fields, by the names the mapping and the checker use."""
    return tuple(
        Field(f.import_name, f.label, f.synonyms, f.required, f.managers_only, f.help, f.many)
        for f in fields.imported
    )


FIELDS = {
    ImportKind.ORGANIZATION: offered(organizations.FIELDS),
    ImportKind.CONTACT: offered(contacts.FIELDS),
}

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


def labels(label):
    """A lazy label in English and in the reader's language."""
    with force_locale("en"):
        english = str(label)
    return english, str(label)


def header_key(header):
    """A header as compared with the synonyms: "E-MAIL  Address" and "e-mail address" agree."""
    return search_key(header).replace("_", " ").replace("（", "(").replace("）", ")")


def suggest(kind, headers, user, remembered=None):
    """{column index: field name}: the user's remembered choice for a header, else a synonym.

    Each field goes to one column at most (the first that names it), unless it takes many.
    """
    remembered = {header_key(h): name for h, name in (remembered or {}).items()}
    allowed = {f.name for f in fields_for(kind, user)}
    many = {f.name for f in fields_for(kind, user) if f.many}
    by_synonym = {}
    for field in fields_for(kind, user):
        for synonym in (*labels(field.label), *field.synonyms):
            by_synonym.setdefault(header_key(synonym), field.name)
    mapping, used = {}, set()
    for index, header in enumerate(headers):
        key = header_key(header)
        name = remembered.get(key, by_synonym.get(key))
        if name in allowed and (name not in used or name in many):
            mapping[index] = name
            used.add(name)
    return mapping
