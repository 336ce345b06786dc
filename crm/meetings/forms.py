from datetime import datetime

from flask import request
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from wtforms import DateField, FieldList, FormField, SelectField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.form import Form
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from crm.actions.models import Priority
from crm.contacts.choices import follow
from crm.forms import (
    EditForm,
    MultiCheckboxField,
    StrictIntegerField,
    active_user_choices,
    enum_choices,
    text_field,
)
from crm.meetings.fields import FIELDS
from crm.meetings.models import MeetingKind
from crm.organizations.picker import OrganizationsField
from crm.timezones import local_to_utc, wall_clock_problem

OCCURRENCES = [
    SelectChoice("", "—"),
    SelectChoice("0", _l("The first time (summer time)")),
    SelectChoice("1", _l("The second time (winter time)")),
]


class NextActionRow(Form):
    """One next action decided in the meeting; left empty, it is ignored."""

    title = text_field(_l("Next action"), 200)
    owner_id = SelectField(_l("Who"), coerce=int, validators=[Optional()])
    due_date = DateField(lazy_pgettext("due date", "By"), validators=[Optional()])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Optional() ends the date's own checks when it is empty, so the pair is checked here.
        if self.title.data and not self.due_date.data:
            self.due_date.errors = [*self.due_date.errors, _l("When should it be done?")]
            return False
        return valid


class MeetingForm(EditForm):
    kind = SelectField(_l("Kind"), validators=[InputRequired()])
    title = text_field(_l("Subject"), 200, required=True)
    date = DateField(_l("Date"), validators=[InputRequired()])
    time = TimeField(_l("Time"), validators=[InputRequired()])
    occurrence = SelectField(
        _l("Which one, when the clocks go back"),
        choices=OCCURRENCES,
        default="",
        description=_l("Needed only for a time that happens twice on the night clocks go back."),
    )
    duration_minutes = StrictIntegerField(
        _l("Duration (minutes)"), default=60, validators=[InputRequired(), NumberRange(1, 24 * 60)]
    )
    location = text_field(_l("Where"), 200)
    organization_ids = OrganizationsField(_l("Organizations"), validators=[InputRequired()])
    contact_ids = MultiCheckboxField(_l("Their people present"), coerce=int)
    attendee_ids = MultiCheckboxField(_l("Our people present"), coerce=int)
    summary = text_field(_l("Summary"), 20000, multiline=True)
    outcomes = text_field(_l("Outcomes"), 20000, multiline=True)
    actions = FieldList(FormField(NextActionRow), min_entries=2, max_entries=5)

    def __init__(self, *args, zone="UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.kind.choices = enum_choices(MeetingKind)
        self.attendee_ids.choices = active_user_choices(keep=self.attendee_ids.data)
        fresh = kwargs.get("obj") is None and request.method == "GET"
        follow(self.contact_ids, self.organization_ids.chosen_ids, fresh=fresh)
        for row in self.actions:
            row.owner_id.choices = active_user_choices(keep=row.owner_id.data)
            if row.owner_id.data is None:
                row.owner_id.data = current_user.id

    def validate_time(self, field):
        if not (self.date.data and field.data):
            return
        naive = datetime.combine(self.date.data, field.data)
        problem = wall_clock_problem(naive, self.zone)
        if problem == "nonexistent":
            raise ValidationError(
                _l(
                    "This time does not exist in %(zone)s: the clocks jump forward then.",
                    zone=self.zone,
                )
            )

    def validate_occurrence(self, field):
        """A time that happens twice (the night clocks go back) needs its occurrence chosen.

        Checked here rather than in validate_time: WTForms resets a field's errors when it
        validates it, and this field comes after the time.
        """
        if self.date.data and self.time.data and field.data not in ("0", "1"):
            naive = datetime.combine(self.date.data, self.time.data)
            if wall_clock_problem(naive, self.zone) == "ambiguous":
                self.time.errors.append(_l("This time happens twice; choose which one below."))
                raise ValidationError(
                    _l("This time happens twice in %(zone)s; choose which.", zone=self.zone)
                )

    def starts_at(self):
        naive = datetime.combine(self.date.data, self.time.data)
        return local_to_utc(naive, self.zone, fold=int(self.occurrence.data or 0))

    def values(self):
        return {
            **FIELDS.values(self),
            "starts_at": self.starts_at(),
            "organization_ids": list(self.organization_ids.data),
            "contact_ids": list(self.contact_ids.data or []),
            "attendee_ids": list(self.attendee_ids.data or []),
        }

    def new_actions(self):
        return [
            {
                "title": row.title.data,
                "owner_id": row.owner_id.data,
                "due_date": row.due_date.data,
                "priority": Priority.NORMAL,
            }
            for row in self.actions
            if row.title.data
        ]
