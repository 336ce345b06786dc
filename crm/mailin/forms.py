from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField
from wtforms.validators import Email, InputRequired, Length

from crm.forms import strip, text_field


class AddressForm(FlaskForm):
    email = EmailField(
        _l("Another address you send from"),
        validators=[InputRequired(), Length(max=254), Email()],
        filters=[strip],
    )


class ContactFromMailForm(FlaskForm):
    given_name = text_field(_l("Given name"), 100, required=True)
    family_name = text_field(_l("Family name"), 100, required=True)
    name_order = SelectField(
        _l("Name order"),
        choices=[("western", _l("Given name first")), ("japanese", _l("Family name first"))],
    )
    organization_id = SelectField(_l("Organization"), coerce=int, validators=[InputRequired()])
    job_title = text_field(_l("Job title"), 150)


class LinkForm(FlaskForm):
    contact_id = SelectField(_l("Existing contact"), coerce=int, validators=[InputRequired()])


class MailinSettingsForm(FlaskForm):
    store_bodies = BooleanField(_l("Keep the text of logged emails"))
