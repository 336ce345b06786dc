"""Fields and validators that every area's forms share."""

import re
import unicodedata
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import available_timezones

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import current_app, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from crm.converters import MAX_ID

SEARCH = "_search"  # the name of an organization picker's "Search" button

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


class StrictIntegerField(IntegerField):
    """An integer typed with ASCII digits only: no "１２", "1_000", "1e3" or " NaN "."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip() and not _ASCII_INT.fullmatch(valuelist[0].strip()):
            self.data = None
            raise ValueError(_l("Enter a whole number."))
        super().process_formdata(valuelist)


_ASCII_INT = re.compile(r"-?[0-9]{1,9}")


def optional_int(value):
    """A choice's coerce for "an id or none": the empty choice is None."""
    return None if value in (None, "") else int(value)


class OptionalSelectField(SelectField):
    """A choice that may be left empty (``coerce=optional_int`` makes the empty one None)."""

    def pre_validate(self, form):
        if self.data is not None:
            super().pre_validate(form)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CommaListField(MultiCheckboxField):
    """Checkboxes for a column stored as "en,ja"."""

    def process_data(self, value):
        if isinstance(value, str):
            value = [item for item in value.split(",") if item]
        super().process_data(value)


class VersionField(HiddenField):
    """The version of the record the form was loaded with (DATA-1)."""

    def process_formdata(self, valuelist):
        value = valuelist[0] if valuelist else ""
        self.data = int(value) if value.isascii() and value.isdigit() else None


class EditForm(FlaskForm):
    """A form that edits a stored record: it carries the version and the field values it was
    loaded with, for the edit flow's conflict check (crm.editing).

    A post sent by an organization picker's "Search" button (crm.organizations.picker) is not
    a submission: the view shows the form again, every value kept, with what the search found.
    """

    version = VersionField()
    loaded = HiddenField()

    def is_submitted(self):
        return super().is_submitted() and SEARCH not in request.form


def http_url(form, field):
    """Website fields accept http and https addresses only (SEC-8)."""
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError(_l("Enter an address that starts with http:// or https://."))


def country_choices():
    territories = get_locale().territories
    codes = sorted(
        (code for code in territories if len(code) == 2 and code.isalpha()),
        key=lambda code: territories[code],
    )
    return [SelectChoice(code, territories[code]) for code in codes]


def optional_choices(choices, blank=""):
    return [SelectChoice("", blank), *choices]


def enum_choices(enum_class):
    return [SelectChoice(member.value, member.label) for member in enum_class]


def active_user_choices(keep=()):
    """The people a form may name (owners, attendees, colleagues): active accounts but the
    system ones (``SYSTEM_ACCOUNTS``); ``keep``, the id or ids the record names already, stay
    offered so that saving it again does not fail."""
    from crm.accounts.models import User
    from crm.extensions import db

    keep = [keep] if isinstance(keep, int) else list(keep or ())
    # Only ids that can exist: a posted 10**30 would overflow the database's integer.
    keep = [i for i in keep if isinstance(i, int) and 0 < i <= MAX_ID]
    people = User.active & User.email.not_in(system_accounts())
    users = db.session.execute(
        db.select(User.id, User.name).where(people | User.id.in_(keep)).order_by(User.name)
    ).all()
    return [SelectChoice(user_id, name) for user_id, name in users]


def system_accounts():
    """The addresses of the accounts that are not people (the bootstrap admin)."""
    return [email.lower() for email in current_app.config["SYSTEM_ACCOUNTS"]]


def text_field(label, max_length, required=False, multiline=False, description=None):
    """A trimmed, NFC-normalised text field that refuses control characters."""
    validators = [DataRequired() if required else Optional(), Length(max=max_length)]
    validators.append(PlainText(multiline=multiline))
    field = TextAreaField if multiline else StringField
    return field(label, validators=validators, filters=[strip, nfc], description=description)


# Digits (full-width ones too), spaces and the usual punctuation, then an optional extension.
# phonenumbers reads letters as keypad digits (+34 6OO… with the letter O): we do not.
PHONE_SHAPE = re.compile(r"[+\d\s().\-/]+(?:\s*(?:ext\.?|x|#)\s*\d{1,8})?", re.IGNORECASE)


def e164(value, region):
    """``value`` as an international E.164 number (";ext=" kept), or ValidationError."""
    value = unicodedata.normalize(
        "NFKC", value
    )  # full-width "＋８１…" as typed on a Japanese keyboard
    try:
        number = phonenumbers.parse(value, region) if PHONE_SHAPE.fullmatch(value) else None
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_l("Enter a valid phone number, with its country code (+34, +81)."))
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{formatted};ext={number.extension}" if number.extension else formatted


DOMAIN = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def domain_list(form, field):
    """Several mail domains separated by ; , or spaces ("@" allowed): lower-case, "; "-joined."""
    if not field.data:
        return
    domains = [d.lstrip("@").lower() for d in re.split(r"[;,\s]+", field.data) if d]
    for domain in domains:
        try:
            ascii_domain = domain.encode("idna").decode()
        except UnicodeError:
            ascii_domain = ""
        if not DOMAIN.fullmatch(ascii_domain):
            raise ValidationError(_l("“%(domain)s” is not a mail domain.", domain=domain))
    field.data = "; ".join(dict.fromkeys(domains))


def email_list(form, field):
    """Several addresses separated by ; , or spaces, each valid: kept lower-case, "; "-joined."""
    if not field.data:
        return
    addresses = [a for a in re.split(r"[;,\s]+", field.data) if a]
    for address in addresses:
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError:
            raise ValidationError(
                _l("“%(address)s” is not a valid email address.", address=address)
            ) from None
    field.data = "; ".join(dict.fromkeys(a.lower() for a in addresses))


# Numbers of a list are separated by ";" (but the ";ext=" of an E.164 number) or line breaks;
# each may start with its label: "Home: +34 944 00 90 02; Fax: +81 59 123 4567".
_PHONE_ITEMS = re.compile(r";(?!ext=)|[\r\n]+")
_PHONE_LABEL = re.compile(r"([^:+\d()][^:]*?)\s*:\s*(.+)", re.DOTALL)


def split_phones(text):
    """[(label or None, number as written)] of a list of phone numbers."""
    items = []
    for item in _PHONE_ITEMS.split(text or ""):
        item = item.strip()
        if item:
            labelled = _PHONE_LABEL.fullmatch(item)
            items.append(labelled.groups() if labelled else (None, item))
    return items


def join_phones(items):
    """The stored form of [(label or None, number)]: "Home: +34944009002; +81591234567"."""
    return "; ".join(f"{label}: {number}" if label else number for label, number in items)


TOO_MANY_PHONES = _l("Too many numbers to keep: 1,000 characters at most.")


def phone_list(text, region, max_length=1000):
    """A list of labelled numbers, each in E.164 (read in ``region``), without repeats."""
    items = []
    for label, number in split_phones(text):
        try:
            items.append((label, e164(number, region)))
        except ValidationError:
            raise ValidationError(
                _l(
                    "“%(number)s” is not a valid phone number; write it with its country code "
                    "(+34, +81).",
                    number=number,
                )
            ) from None
    joined = join_phones(dict.fromkeys(items))
    if len(joined) > max_length:  # E.164 adds the country code to each national number
        raise ValidationError(TOO_MANY_PHONES)
    return joined
