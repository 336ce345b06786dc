from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from crm.api.models import Scope
from crm.api.webhooks import event_types
from crm.forms import (
    MultiCheckboxField,
    PlainText,
    StrictIntegerField,
    enum_choices,
    strip,
    text_field,
)


class TokenForm(FlaskForm):
    name = text_field(_l("What it is for"), 100, required=True)
    scope = SelectField(_l("Rights"), validators=[InputRequired()])
    expires_days = StrictIntegerField(
        _l("Expires after (days)"),
        validators=[Optional(), NumberRange(1, 3650)],
        description=_l("Leave empty for a token that does not expire."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope.choices = enum_choices(Scope)


class WebhookForm(FlaskForm):
    url = StringField(
        _l("Address (URL)"),
        validators=[InputRequired(), Length(max=2000), PlainText()],
        filters=[strip],
        description=_l("Events are POSTed here, signed with the endpoint's secret."),
    )
    events = MultiCheckboxField(
        _l("Events"),
        description=_l("None ticked: every event."),
    )
    description = text_field(_l("Description"), 200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.events.choices = [SelectChoice(name, name) for name in ("*", *event_types())]
