from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from crm.forms import CommaListField, MultiCheckboxField
from crm.notifications.models import NotificationKind
from crm.reminders.unsubscribe import OPTIONAL

TIMES = [
    SelectChoice(minute, f"{minute // 60:02d}:{minute % 60:02d}")
    for minute in range(0, 24 * 60, 30)
]


class PreferencesForm(FlaskForm):
    digest_enabled = BooleanField(_l("Send me a daily digest"))
    digest_minute = SelectField(_l("At (your local time)"), coerce=int, choices=TIMES)
    digest_days = MultiCheckboxField(_l("On these days"), coerce=int)
    nudges_enabled = BooleanField(_l("Tell me when one of my relationships goes quiet"))
    notification_emails = CommaListField(
        _l("Email me these notifications too"),
        choices=[SelectChoice(kind.value, kind.label) for kind in NotificationKind],
    )
    emailed_kinds = MultiCheckboxField(_l("Also email me"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = get_day_names("wide", locale=get_locale())
        # Babel numbers days from Monday = 0; we store ISO weekdays (Monday = 1).
        self.digest_days.choices = [SelectChoice(day + 1, names[day]) for day in range(7)]
        self.emailed_kinds.choices = [SelectChoice(kind.value, kind.label) for kind in OPTIONAL]

    def values(self):
        emailed = set(self.notification_emails.data or [])
        return {
            "digest_enabled": self.digest_enabled.data,
            "digest_minute": self.digest_minute.data,
            "digest_days": ",".join(str(day) for day in sorted(self.digest_days.data or [])),
            "nudges_enabled": self.nudges_enabled.data,
            "notification_emails": ",".join(
                kind.value for kind in NotificationKind if kind.value in emailed
            ),
            "email_off": ",".join(
                kind.value for kind in OPTIONAL if kind.value not in (self.emailed_kinds.data or [])
            ),
        }
