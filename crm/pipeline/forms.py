from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from crm.accounts.models import User
from crm.extensions import db
from crm.forms import active_user_choices


class ReassignForm(FlaskForm):
    """Who leaves (anyone, even an account already closed) and who takes over (active)."""

    from_user = SelectField(_l("Move the work of"), coerce=int, validators=[InputRequired()])
    to_user = SelectField(_l("Give it to"), coerce=int, validators=[InputRequired()])
    fingerprint = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = db.session.execute(select_users()).all()
        self.from_user.choices = [SelectChoice(i, name) for i, name in everyone]
        self.to_user.choices = active_user_choices()

    def validate_to_user(self, field):
        if field.data == self.from_user.data:
            raise ValidationError(_l("Choose someone else than the person whose work moves."))


def select_users():
    return db.select(User.id, User.name).order_by(User.name)
