from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from crm.forms import (
    MultiCheckboxField,
    StrictIntegerField,
    enum_choices,
    language_choices,
    strip,
    text_field,
    timezone_choices,
)
from crm.public_events.models import Side


def sector_choices(locale):
    from crm.extensions import db
    from crm.organizations.models import Sector

    sectors = db.session.scalars(db.select(Sector).order_by(Sector.id)).all()
    return [(s.id, s.name(locale)) for s in sectors]


class RegistrationForm(FlaskForm):
    """What a company representative tells the event; every text has a size limit."""

    organization_name = text_field(_l("Organization"), 200, required=True)
    side = SelectField(_l("Where your organization is"))
    tax_id = text_field(_l("Tax ID (optional)"), 40)
    name = text_field(_l("Your name"), 120, required=True)
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(), Length(max=254)],
        filters=[strip],
    )
    language = SelectField(_l("Language"))
    timezone = SelectField(_l("Time zone"))
    offers = text_field(_l("What you offer"), 2000, required=True, multiline=True)
    seeks = text_field(_l("What you seek"), 2000, required=True, multiline=True)
    sector_ids = SelectMultipleField(_l("Sectors"), coerce=int, validators=[Optional()])
    attendees = text_field(_l("Who attends (one a line)"), 1000, multiline=True)

    def __init__(self, *args, locale="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.side.choices = enum_choices(Side)
        self.language.choices = language_choices()
        self.timezone.choices = timezone_choices()
        self.sector_ids.choices = sector_choices(locale)

    def values(self):
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class LinkRequestForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(), Length(max=254)], filters=[strip]
    )


class ContinueForm(FlaskForm):
    """The button behind a mailed link: mail scanners fetch links, only people press buttons."""


class RequestForm(FlaskForm):
    requested_id = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9]{1,9}$")])
    message = text_field(_l("Short message"), 500, multiline=True)


class AnswerForm(FlaskForm):
    request_id = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9]{1,9}$")])
    decision = HiddenField(validators=[DataRequired(), Regexp(r"^(accept|decline)$")])


class AvailabilityForm(FlaskForm):
    unavailable = MultiCheckboxField(_l("Slots you cannot attend"), validators=[Optional()])


class FollowUpForm(FlaskForm):
    how_it_went = text_field(_l("How did it go?"), 2000, required=True, multiline=True)
    next_step = text_field(_l("Next step"), 500)
    wants_to_continue = BooleanField(_l("We want to continue with them"))


class SettingsForm(FlaskForm):
    slug = text_field(_l("Public address (/e/…)"), 80, required=True)
    registration_open = BooleanField(_l("Open to registration"))
    registration_deadline = DateTimeLocalField(
        _l("Registration deadline (event local time)"), validators=[Optional()]
    )
    request_deadline = DateTimeLocalField(
        _l("Meeting requests close (event local time)"), validators=[Optional()]
    )
    request_cap = StrictIntegerField(
        _l("Requests one participant may send"), validators=[NumberRange(1, 100)], default=10
    )

    def validate_slug(self, field):
        import re

        from wtforms import ValidationError

        if field.data in ("manage", "link") or not re.fullmatch(
            r"[a-z0-9]+(?:-[a-z0-9]+)*", field.data or ""
        ):
            raise ValidationError(_l("Lower-case letters, digits and hyphens only."))
