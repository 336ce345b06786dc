from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from crm.accounts.models import Role, default_timezone
from crm.accounts.passwords import password_problem
from crm.accounts.services import find_user, normalize_email
from crm.forms import PlainText, language_choices, nfc, strip, timezone_choices


class LoginForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Length(max=320)], filters=[strip])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class NewPasswordMixin:
    def validate_new_password(self, field):
        problem = password_problem(field.data)
        if problem:
            raise ValidationError(problem)


def new_password_fields():
    return (
        PasswordField(_l("New password"), validators=[DataRequired()]),
        PasswordField(
            _l("Repeat the new password"),
            validators=[DataRequired(), EqualTo("new_password", _l("The passwords differ."))],
        ),
    )


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=1024)]
    )
    new_password, confirm = new_password_fields()


class ProfileForm(FlaskForm):
    name = StringField(
        _l("Display name"),
        validators=[DataRequired(), Length(max=120), PlainText()],
        filters=[strip, nfc],
    )
    language = SelectField(_l("Language"))
    timezone = SelectField(_l("Time zone"), default=default_timezone)  # for new accounts

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        self.timezone.choices = timezone_choices()


class UserForm(ProfileForm):
    """An admin's form for any account."""

    email = EmailField(
        _l("Email"), validators=[DataRequired(), Length(max=254), Email()], filters=[strip]
    )
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, r.label) for r in Role])
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user

    def validate_email(self, field):
        other = find_user(field.data)
        if other is not None and other is not self._user:
            raise ValidationError(_l("Another account already uses this email."))
        field.data = normalize_email(field.data)


class NewUserForm(NewPasswordMixin, UserForm):
    new_password, confirm = new_password_fields()
