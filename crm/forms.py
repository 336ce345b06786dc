"""Fields and validators that every area's forms share."""

import re
import unicodedata
from functools import cache
from zoneinfo import available_timezones

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import ValidationError
from wtforms.fields.choices import SelectChoice

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]")


class PlainText:
    """Refuse NUL and control characters (and line breaks unless ``multiline``)."""

    def __init__(self, multiline=False):
        self.multiline = multiline

    def __call__(self, form, field):
        value = field.data or ""
        if _CONTROL.search(value) or (not self.multiline and _LINE_BREAK.search(value)):
            raise ValidationError(_l("Remove the control characters or line breaks."))
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
            raise ValidationError(_l("This text contains characters that cannot be stored."))


def strip(value):
    """A filter for text fields: surrounding blanks are not part of a name."""
    return value.strip() if isinstance(value, str) else value


def nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


@cache
def timezone_choices():
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return [SelectChoice("UTC", "UTC"), *(SelectChoice(z, z.replace("_", " ")) for z in zones)]


def language_choices():
    return [SelectChoice(code, name) for code, name in current_app.config["LANGUAGES"].items()]
