from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TimeField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from crm.events.models import Attendance, Host, Registration
from crm.forms import EditForm, StrictIntegerField, enum_choices, text_field
from crm.organizations.forms import find_organizations

MAX_DAYS = 14  # the grid of a longer "event" would be a programme, not a B2B event


def organization_field(label):
    return text_field(
        label,
        300,
        required=True,
        description=_l("Type part of its name in either script and pick it from the list."),
    )


def picked_organization(field):
    """The one live organization a picker names ("Name #id" or an unambiguous name)."""
    found = find_organizations(field.data, limit=2)
    if not found:
        raise ValidationError(_l("No organization matches this name."))
    if len(found) > 1:
        raise ValidationError(_l("Several organizations match; pick one from the list."))
    return found[0]


class EventForm(EditForm):
    name = text_field(_l("Name"), 200, required=True)
    country = SelectField(_l("Country"), validators=[InputRequired()])
    city = text_field(_l("City"), 120, required=True)
    start_date = DateField(_l("First day"), validators=[InputRequired()])
    end_date = DateField(_l("Last day"), validators=[InputRequired()])
    organizer_name = organization_field(_l("Organizer"))
    session_start = TimeField(
        _l("B2B session starts"),
        default=time(10, 0),
        validators=[InputRequired()],
        description=_l("Local time where the event is held, every day of the event."),
    )
    session_end = TimeField(
        _l("B2B session ends"), default=time(13, 0), validators=[InputRequired()]
    )
    slot_minutes = StrictIntegerField(
        _l("Slot length (minutes)"), default=30, validators=[InputRequired(), NumberRange(5, 240)]
    )
    tables = StrictIntegerField(
        _l("Number of tables"), default=10, validators=[InputRequired(), NumberRange(1, 200)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = enum_choices(Host)
        self.organizer_org = None

    def validate_end_date(self, field):
        if not (field.data and self.start_date.data):
            return
        if field.data < self.start_date.data:
            raise ValidationError(_l("The last day cannot be before the first."))
        if (field.data - self.start_date.data).days >= MAX_DAYS:
            raise ValidationError(_l("A B2B event lasts %(days)s days at most.", days=MAX_DAYS))

    def validate_organizer_name(self, field):
        self.organizer_org = picked_organization(field)

    def validate_session_end(self, field):
        start, end = self.session_start.data, field.data
        if not (start and end):
            return
        if end <= start:
            raise ValidationError(_l("The session must end after it starts."))
        length = datetime.combine(datetime.min, end) - datetime.combine(datetime.min, start)
        minutes = self.slot_minutes.data
        if isinstance(minutes, int) and length.total_seconds() < minutes * 60:
            raise ValidationError(_l("The session is shorter than one slot."))

    def values(self):
        return {
            "name": self.name.data,
            "country": Host(self.country.data),
            "city": self.city.data,
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "organizer_id": self.organizer_org.id,
            "session_start": self.session_start.data,
            "session_end": self.session_end.data,
            "slot_minutes": self.slot_minutes.data,
            "tables": self.tables.data,
        }


class ParticipantForm(EditForm):
    status = SelectField(_l("Registration"), validators=[InputRequired()])
    offers = text_field(
        _l("Offers at this event"),
        5000,
        multiline=True,
        description=_l("Left empty, the organization's capabilities are used."),
    )
    seeks = text_field(
        _l("Seeks at this event"),
        5000,
        multiline=True,
        description=_l("Left empty, the organization's interests are used."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = enum_choices(Registration)

    def values(self):
        return {
            "status": Registration(self.status.data),
            "offers": self.offers.data or None,
            "seeks": self.seeks.data or None,
        }


class AddParticipantForm(ParticipantForm):
    organization = organization_field(_l("Organization"))

    def validate_organization(self, field):
        self.organization_org = picked_organization(field)


class StatusForm(FlaskForm):
    status = SelectField(_l("Registration"), validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = enum_choices(Registration)


class RequestForm(FlaskForm):
    """Who asks whom; the view offers as requesters only the participants the user acts for."""

    requester_id = SelectField(_l("Requested by"), coerce=int, validators=[InputRequired()])
    requested_id = SelectField(_l("Meeting with"), coerce=int, validators=[InputRequired()])

    def __init__(self, *args, requesters=(), participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.requester_id.choices = [SelectChoice(p.id, str(p)) for p in requesters]
        self.requested_id.choices = [SelectChoice(p.id, str(p)) for p in participants]

    def validate_requested_id(self, field):
        if field.data == self.requester_id.data:
            raise ValidationError(_l("An organization cannot request a meeting with itself."))


class MoveForm(FlaskForm):
    slot = SelectField(_l("Slot"), validators=[InputRequired()])
    table = SelectField(_l("Table"), coerce=int, validators=[InputRequired()])

    def __init__(self, *args, slots=(), tables=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.slot.choices = [SelectChoice(value, label) for value, label in slots]
        self.table.choices = [SelectChoice(n, str(n)) for n in range(1, tables + 1)]

    def slot_start(self):
        return datetime.fromisoformat(self.slot.data)


class OutcomeForm(FlaskForm):
    attendance = SelectField(_l("Attendance"), validators=[InputRequired()])
    outcome = text_field(
        _l("Outcome"),
        5000,
        multiline=True,
        description=_l(
            "What was said and agreed; an outcome between the two sides can open a match."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attendance.choices = enum_choices(Attendance)

    def values(self):
        return {
            "attendance": Attendance(self.attendance.data),
            "outcome": self.outcome.data or None,
        }
