from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from crm.actions.fields import FIELDS
from crm.actions.models import Priority, RepeatUnit
from crm.contacts.choices import follow
from crm.forms import (
    EditForm,
    OptionalSelectField,
    StrictIntegerField,
    active_user_choices,
    enum_choices,
    optional_choices,
    optional_int,
    text_field,
)
from crm.organizations.picker import OrganizationField


class ActionForm(EditForm):
    """Anyone may give an action to anyone: the owner field is in every role's form."""

    title = text_field(_l("What"), 200, required=True)
    details = text_field(_l("Details"), 10000, multiline=True)
    owner_id = SelectField(_l("Who"), coerce=int, validators=[InputRequired()])
    due_date = DateField(_l("Due date"), validators=[InputRequired()])
    priority = SelectField(_l("Priority"), default=Priority.NORMAL.value)
    organization_id = OrganizationField(_l("Organization"), validators=[Optional()])
    contact_id = OptionalSelectField(_l("Contact"), coerce=optional_int, validators=[Optional()])
    repeat_every = StrictIntegerField(
        _l("Repeat every"),
        validators=[Optional(), NumberRange(1, 52)],
        description=_l("Completing a repeating action creates the next one."),
    )
    repeat_unit = SelectField(_l("Unit"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = active_user_choices(keep=self.owner_id.data)
        self.priority.choices = enum_choices(Priority)
        self.repeat_unit.choices = optional_choices(enum_choices(RepeatUnit), "—")
        fresh = kwargs.get("obj") is None and request.method == "GET"
        follow(self.contact_id, self.organization_id.chosen_ids, fresh=fresh)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Optional() ends the unit's own checks when it is empty, so the pair is checked here.
        if self.repeat_every.data and not self.repeat_unit.data:
            self.repeat_unit.errors = [*self.repeat_unit.errors, _l("Choose weeks or months.")]
            return False
        return valid

    def values(self):
        data = FIELDS.values(self)
        if data["repeat_unit"] is None:
            data["repeat_every"] = None
        return data
