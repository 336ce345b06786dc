from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from crm.forms import enum_choices, optional_choices
from crm.imports.fields import MATCH_KEYS, fields_for
from crm.imports.models import ImportKind
from crm.imports.reading import ENCODINGS
from crm.organizations.models import Region


def encoding_choices():
    return [SelectChoice("auto", _l("Detect automatically")),
            *(SelectChoice(k, v) for k, v in ENCODINGS.items() if k != "utf-8-sig")]  # fmt: skip


class UploadForm(FlaskForm):
    kind = RadioField(_l("What the file holds"), validators=[InputRequired()])
    file = FileField(
        _l("File (CSV or Excel .xlsx)"),
        validators=[FileRequired(_l("Choose a file to import."))],
    )
    encoding = SelectField(
        _l("Text encoding of a CSV file"),
        default="auto",
        description=_l("UTF-8 (with or without BOM) and Shift_JIS are recognised by themselves."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = enum_choices(ImportKind)
        self.encoding.choices = encoding_choices()


def mapping_form(kind, headers, user, **kwargs):
    """A form with one "goes to field" choice per column, plus how to match existing records."""
    choices = [SelectChoice("", _l("— ignore this column —"))] + [
        SelectChoice(f.name, f.label) for f in fields_for(kind, user)
    ]

    class MappingForm(FlaskForm):
        match_by = SelectField(
            _l("Recognise existing records by"),
            choices=[SelectChoice(key, label) for key, label in MATCH_KEYS[kind].items()],
        )
        on_match = RadioField(
            _l("When a row matches a record already in Zubia"),
            choices=[
                SelectChoice("update", _l("Update it with the file's non-empty cells")),
                SelectChoice("skip", _l("Leave it as it is and skip the row")),
            ],
            default="update",
        )

    if kind is ImportKind.CONTACT:
        MappingForm.create_organizations = BooleanField(
            _l("Create missing organizations"),
            description=_l("Otherwise a row whose organization is not in Zubia is skipped."),
        )
        MappingForm.new_region = SelectField(
            _l("Region of the organizations created"),
            choices=enum_choices(Region),
            default=Region.BASQUE_COUNTRY.value,
            description=_l("When the contact's row does not tell (a +81 59 phone is in Mie)."),
        )
    else:
        MappingForm.new_region = SelectField(
            _l("Region when a row has none"),
            choices=optional_choices(enum_choices(Region), _l("— none: such rows are refused —")),
            default="",
            description=_l(
                "Rows without a region cell take it from their address, postcode, phone number "
                "or country first; the preview says which."
            ),
        )
    for index, header in enumerate(headers):
        setattr(MappingForm, f"column_{index}", SelectField(header, choices=choices, default=""))
    return MappingForm(**kwargs)


class ConfirmForm(FlaskForm):
    """Only the CSRF token: confirm, revert."""
