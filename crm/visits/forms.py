from flask import request
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, TimeField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from crm.contacts.choices import follow
from crm.forms import (
    EditForm,
    MultiCheckboxField,
    StrictIntegerField,
    active_user_choices,
    enum_choices,
    text_field,
)
from crm.meetings.forms import OCCURRENCES, MeetingForm
from crm.organizations.picker import OrganizationField
from crm.visits.models import Direction


class VisitForm(EditForm):
    direction = SelectField(_l("Direction"), validators=[InputRequired()])
    title = text_field(_l("Delegation"), 200, required=True)
    start_date = DateField(_l("First day"), validators=[InputRequired()])
    end_date = DateField(_l("Last day"), validators=[InputRequired()])
    lead_organization_id = OrganizationField(_l("Lead organization"), validators=[InputRequired()])
    description = text_field(_l("Purpose"), 20000, multiline=True)
    user_ids = MultiCheckboxField(_l("Our people in the delegation"), coerce=int)
    contact_ids = MultiCheckboxField(_l("Their people taking part"), coerce=int)
    outcomes = text_field(_l("Outcomes"), 20000, multiline=True)

    def __init__(self, *args, host_ids=(), stop_days=(), **kwargs):
        """``host_ids``: the stops' hosts, whose people may take part too; ``stop_days``: the
        itinerary's local days, which the visit's dates must keep covering."""
        super().__init__(*args, **kwargs)
        self.stop_days = sorted(stop_days)
        self.direction.choices = enum_choices(Direction)
        self.user_ids.choices = active_user_choices(keep=self.user_ids.data)
        self.host_ids = sorted(host_ids)
        fresh = kwargs.get("obj") is None and request.method == "GET"
        organizations = [*self.lead_organization_id.chosen_ids, *self.host_ids]
        follow(self.contact_ids, organizations, fresh=fresh, with_organization=True)

    def validate_end_date(self, field):
        start, end = self.start_date.data, field.data
        if start and end and end < start:
            raise ValidationError(_l("The last day cannot come before the first day."))
        if (
            start
            and end
            and self.stop_days
            and (self.stop_days[0] < start or self.stop_days[-1] > end)
        ):
            raise ValidationError(
                _l(
                    "The itinerary has stops from %(first)s to %(last)s; keep those days.",
                    first=format_date(self.stop_days[0], "medium"),
                    last=format_date(self.stop_days[-1], "medium"),
                )
            )

    def values(self):
        return {
            "direction": Direction(self.direction.data),
            "title": self.title.data,
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "lead_organization_id": self.lead_organization_id.data,
            "description": self.description.data or None,
            "outcomes": self.outcomes.data or None,
            "user_ids": list(self.user_ids.data or []),
            "contact_ids": list(self.contact_ids.data or []),
        }


class StopForm(EditForm):
    """A stop, its local date and time entered where the delegation will be (``zone``)."""

    date = DateField(_l("Date"), validators=[InputRequired()])
    time = TimeField(_l("Local time"), validators=[InputRequired()])
    occurrence = SelectField(
        _l("Which one, when the clocks go back"),
        choices=OCCURRENCES,
        default="",
        description=_l("Needed only for a time that happens twice on the night clocks go back."),
    )
    duration_minutes = StrictIntegerField(
        _l("Duration (minutes)"), default=60, validators=[InputRequired(), NumberRange(1, 24 * 60)]
    )
    host_organization_id = OrganizationField(_l("Host"), validators=[InputRequired()])
    place = text_field(_l("Place"), 200)
    purpose = text_field(_l("Purpose of the stop"), 200, required=True)

    # The meeting form's checks of a wall-clock time (gaps and repeats of DST nights) and its
    # conversion to UTC hold for a stop as they are: the same fields, the same ``zone``.
    validate_time = MeetingForm.validate_time
    validate_occurrence = MeetingForm.validate_occurrence
    starts_at = MeetingForm.starts_at

    def __init__(self, *args, zone, first_day, last_day, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.first_day, self.last_day = first_day, last_day

    def validate_date(self, field):
        if field.data and not (self.first_day <= field.data <= self.last_day):
            raise ValidationError(
                _l(
                    "The visit runs from %(first)s to %(last)s.",
                    first=format_date(self.first_day, "medium"),
                    last=format_date(self.last_day, "medium"),
                )
            )

    def values(self):
        return {
            "starts_at": self.starts_at(),
            "duration_minutes": self.duration_minutes.data,
            "host_organization_id": self.host_organization_id.data,
            "place": self.place.data or None,
            "purpose": self.purpose.data,
        }
