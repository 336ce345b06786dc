"""JSON in and out of the areas' WTForms forms: the form is the field specification.

A field's JSON type, its JSON Schema and the way a JSON value becomes what a browser would
have posted are all read from the form field (its class, ``coerce``, choices and validators),
so the API checks a value with exactly the form's validators and the OpenAPI document cannot
drift from the forms.
"""

import enum
from datetime import date, datetime, time

from flask_babel import gettext as _
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    IntegerField,
    SelectField,
    SelectMultipleField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from crm.editing import edited_fields

NO_CSRF = {"csrf": False}  # a form filled from JSON: a token authenticates, no cookie
STRING, INTEGER, BOOLEAN, DATE, TIME = "string", "integer", "boolean", "date", "time"
INTEGERS, STRINGS, ROWS = "integers", "strings", "rows"


def _digits(field):
    """A choice of records (``owner_id``, ``organization_id``): an id, whatever the choices
    hold today (an empty database offers none)."""
    return field.coerce is int or field.short_name.endswith("_id")


def kind_of_field(field):
    """The JSON kind of a bound form field."""
    if isinstance(field, FieldList):
        return ROWS
    if isinstance(field, BooleanField):
        return BOOLEAN
    if isinstance(field, DateField):
        return DATE
    if isinstance(field, TimeField):
        return TIME
    if isinstance(field, IntegerField):
        return INTEGER
    if isinstance(field, SelectMultipleField):
        return INTEGERS if field.coerce is int else STRINGS
    if isinstance(field, SelectField):
        return INTEGER if _digits(field) else STRING
    return STRING


def writable_fields(form):
    """The fields of ``form`` the API reads: what a person edits, and the rows of next actions."""
    rows = [field for field in form if isinstance(field, FieldList)]
    return [*edited_fields(form), *rows]


def required(field):
    return any(isinstance(v, InputRequired | DataRequired) for v in field.validators)


def _validator(field, kind):
    return next((v for v in field.validators if isinstance(v, kind)), None)


def field_schema(field):
    """The JSON Schema of a bound form field, from its kind, choices and validators."""
    kind = kind_of_field(field)
    schema = {"title": str(field.label.text)}
    if field.description:
        schema["description"] = str(field.description)
    if kind == ROWS:
        row = field.entries[0] if field.entries else field.append_entry()
        schema.update(type="array", maxItems=field.max_entries or 20, items=form_schema(row.form))
        return schema
    if kind in (INTEGERS, STRINGS):
        item = {"type": "integer"} if kind == INTEGERS else {"type": "string"}
        values = choice_values(field)
        if kind == STRINGS and values:
            item["enum"] = values
        schema.update(type="array", items=item, uniqueItems=True)
        return schema
    if kind == BOOLEAN:
        schema["type"] = "boolean"
        return schema
    schema["type"] = "integer" if kind == INTEGER else "string"
    if kind == DATE:
        schema["format"] = "date"
    elif kind == TIME:
        schema["pattern"] = "^([01][0-9]|2[0-3]):[0-5][0-9]$"
    elif kind == STRING:
        values = choice_values(field) if isinstance(field, SelectField) else None
        if values:
            schema["enum"] = values
        length = _validator(field, Length)
        if length is not None and length.max and length.max > 0:
            schema["maxLength"] = length.max
    if kind == INTEGER:
        bounds = _validator(field, NumberRange)
        if bounds is not None:
            if bounds.min is not None:
                schema["minimum"] = bounds.min
            if bounds.max is not None:
                schema["maximum"] = bounds.max
    if not required(field):
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def choice_values(field):
    """The values of a choice field whose choices are a fixed vocabulary (not records)."""
    if not hasattr(field, "iter_choices") or _digits(field):
        return None
    values = [str(choice[0]) for choice in field.iter_choices() if str(choice[0]) != ""]
    return values or None


def form_schema(form, *, for_create=False):
    fields = writable_fields(form)
    schema = {
        "type": "object",
        "properties": {field.short_name: field_schema(field) for field in fields},
        "additionalProperties": False,
    }
    if for_create:
        wanted = [f.short_name for f in fields if required(f) and kind_of_field(f) != BOOLEAN]
        if wanted:
            schema["required"] = wanted
    return schema


def plain_json(value):
    """A stored value as JSON: enums by value, dates in ISO 8601, times as HH:MM."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, list | tuple | set):
        return [plain_json(item) for item in value]
    return value


def as_kind(kind, value):
    """A stored value in the shape its form field has in JSON: lists for multiple choices
    ("en,ja" -> ["en", "ja"], nothing -> []), false for an unset check box."""
    if kind in (INTEGERS, STRINGS):
        if value is None:
            return []
        if isinstance(value, str):
            return [item for item in value.split(",") if item]
    if kind == BOOLEAN:
        return bool(value)
    return value


TYPE_WORDS = {
    STRING: "a string",
    INTEGER: "a whole number",
    BOOLEAN: "true or false",
    DATE: "a date (YYYY-MM-DD)",
    TIME: "a time (HH:MM)",
    INTEGERS: "a list of whole numbers",
    STRINGS: "a list of strings",
    ROWS: "a list of objects",
}


def _expected(kind):
    return _("Expected %(what)s.", what=TYPE_WORDS[kind])


def posted(field, value):
    """What a browser would post for ``field`` holding the JSON ``value``: a list of strings,
    or raises ValueError with the message for the field."""
    kind = kind_of_field(field)
    if value is None:
        return []
    if kind == BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError(_expected(kind))
        return ["y"] if value else []
    if kind in (INTEGERS, STRINGS):
        wanted = int if kind == INTEGERS else str
        if not isinstance(value, list) or not all(
            isinstance(item, wanted) and not isinstance(item, bool) for item in value
        ):
            raise ValueError(_expected(kind))
        return [str(item) for item in value]
    if kind == INTEGER:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(_expected(kind))
        return [str(value)]
    if not isinstance(value, str):
        raise ValueError(_expected(kind))
    return [value]


def rows_posted(field, value, errors):
    """The posted pairs of a list of sub-forms (``actions-0-title``) from JSON objects."""
    pairs = []
    if value is None:
        return pairs
    limit = field.max_entries or 20
    if (
        not isinstance(value, list)
        or len(value) > limit
        or not all(isinstance(row, dict) for row in value)
    ):
        errors[field.short_name] = [_expected(ROWS)]
        return pairs
    template = field.entries[0].form if field.entries else field.append_entry().form
    names = {sub.short_name: sub for sub in template}
    for index, row in enumerate(value):
        for key, item in row.items():
            name = f"{field.short_name}.{index}.{key}"
            if key not in names:
                errors[name] = [_("Unknown field.")]
                continue
            try:
                for posted_value in posted(names[key], item):
                    pairs.append((f"{field.name}-{index}-{key}", posted_value))
            except ValueError as error:
                errors[name] = [str(error)]
    return pairs
