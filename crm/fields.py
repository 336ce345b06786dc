"""One declaration per field of an area, read by everything that handles the field.

An area lists its fields once (``crm/<area>/fields.py``): the service writes the ``written``
ones, the form's ``values`` are cleaned by them, the importer offers the ``imported`` ones (and
reads text cells through the form field of the same name), its bulk writes build rows with
``new_row`` (the same defaults and derived columns as the service), the CSV export's columns
are ``exported`` and the demo copies what it has with ``pick``. A field added to a model and to
its form therefore reaches the service, the import and the export by one line here, and
``tests/test_field_coverage.py`` fails when a column or a form field is declared nowhere.
"""

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

from flask_babel import lazy_gettext as _l

# What a field is to the area:
EDITED = "edited"  # set by the form (and the import), written by the service's diff
SERVICE = "service"  # set by the form, written by the service's own code (sectors, owner)
READ = "read"  # shown in exports, set by nobody's form (ids, timestamps, derived state)
IMPORT = "import"  # read from imported files only, turned into other fields (full name)

# How the importer reads a cell of an imported field:
TEXT = "text"  # through the form's field of the same name: its filters and validators
CHECKER = "checker"  # by the import's checker (vocabulary lookups, names split, phones)


@dataclass(frozen=True)
class Field:
    name: str  # the column, the form field and the key of the service's data
    label: object  # a lazy string: the export header and the import's field name
    synonyms: tuple[str, ...] = ()  # header names of imported files; none: not imported
    role: str = EDITED
    cell: str = TEXT
    required: bool = False  # an imported row without it is refused (unless it updates)
    managers_only: bool = False  # only managers may import it
    help: object = None  # what the import's mapping page says about it
    default: object = None  # a new record's value when none is given
    from_form: Callable | None = None  # the form's non-empty data → the stored value
    export: Callable | bool = True  # a record → its cell; True: the attribute; False: none
    key: str | None = None  # the import's name for it, when not ``name`` (sectors, owner)
    many: bool = False  # an import may map several columns to it (E-mail 2, E-mail 3 …)

    @property
    def import_name(self):
        return self.key or self.name

    def cell_of(self):
        if self.export is True:
            return attrgetter(self.name)
        return self.export


class Fields(tuple):
    """An area's fields, in the order forms, imports and exports show them.

    ``derived`` maps a column to the function that computes it from a record's values
    (``get(name)``): the service and the import's bulk writes both call it, so the search key
    of a record is the same whichever way it was written.
    """

    def __new__(cls, *fields, derived=None):
        self = super().__new__(cls, fields)
        self.derived = derived or {}
        # Read on every save and for every row of an import: worked out once.
        self.written = self.names(EDITED)  # what the service writes by comparing values
        self.edited = self.names(EDITED, SERVICE)  # everything a form may send to the service
        self.defaults = {f.name: f.default for f in fields if f.default is not None}
        return self

    def __getitem__(self, name):
        if isinstance(name, str):
            return next(f for f in self if f.name == name)
        return super().__getitem__(name)

    def names(self, *roles):
        return tuple(f.name for f in self if f.role in roles)

    @property
    def imported(self):
        return tuple(f for f in self if f.synonyms)

    @property
    def exported(self):
        """The CSV export's columns: ``[(header, value_of(record)), ...]``."""
        return [(f.label, f.cell_of()) for f in self if f.export is not False and f.role != IMPORT]

    def values(self, form):
        """The data of ``form`` for the service: empty strings and lists as None, typed."""
        data = {}
        for field in self:
            if field.role not in (EDITED, SERVICE) or field.name not in form:
                continue
            value = form[field.name].data
            if value == "" or value == []:
                value = None
            if value is not None and field.from_form is not None:
                value = field.from_form(value)
            data[field.name] = value
        return data

    def derive(self, get):
        """The derived columns, from ``get(name)`` (a record's attribute or a row's value)."""
        return {name: compute(get) for name, compute in self.derived.items()}

    def refresh(self, record):
        """Set the derived columns of ``record`` from its current values."""
        for name, value in self.derive(lambda name: getattr(record, name)).items():
            setattr(record, name, value)

    def new_row(self, values):
        """Every written and derived column of a new record, for a bulk INSERT."""
        row = {}
        for name in self.written:
            value = values.get(name)
            row[name] = self.defaults.get(name) if value is None else value
        return {**row, **self.derive(row.get)}

    def pick(self, mapping):
        """The edited fields ``mapping`` holds (the demo's catalogues)."""
        return {name: mapping[name] for name in self.edited if name in mapping}


def user_name(user):
    return user.name if user is not None else None


def live_name(record):
    """A related record's name for an export cell, or nothing once it is in the trash."""
    return None if record is None or record.is_deleted else record.display_name


def live_names(records):
    return "; ".join(record.display_name for record in records if not record.is_deleted)


# Header names of an email or phone column, whatever the record (contact or organization).
EMAIL_HEADERS = ("e-mail", "email address", "e-mail address", "mail", "メールアドレス", "メール",
                 "eメール", "correo", "correo electrónico", "posta elektronikoa",
                 "helbide elektronikoa", "e-posta")  # fmt: skip
PHONE_HEADERS = ("telephone", "tel", "tel.", "phone number", "電話番号", "電話", "teléfono",
                 "telefonoa", "telefono zenbakia")  # fmt: skip


def email_field(*headers):
    return Field("email", _l("Email"), (*EMAIL_HEADERS, *headers), from_form=str.lower)


def phone_field(*headers, **options):
    return Field("phone", _l("Phone"), (*PHONE_HEADERS, *headers), **options)


OWNER = Field(
    "owner_id",
    _l("Owner (point of contact)"),
    ("owner", "owner email", "担当者", "responsable"),
    cell=CHECKER,
    managers_only=True,
    help=_l("A user's email or name. Without it, you own what you import."),
    export=lambda record: user_name(record.owner),
    key="owner",
)
ID = Field("id", _l("ID"), role=READ)
CREATED = Field("created_at", _l("Created"), role=READ)
UPDATED = Field("updated_at", _l("Updated"), role=READ)
