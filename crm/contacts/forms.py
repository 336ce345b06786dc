from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional

from crm.contacts.fields import FIELDS
from crm.contacts.models import NameOrder
from crm.forms import (
    EditForm,
    active_user_choices,
    e164,
    email_list,
    enum_choices,
    language_choices,
    optional_choices,
    phone_list,
    strip,
    text_field,
    timezone_choices,
)
from crm.organizations.picker import OrganizationField

# How a letter to someone begins in each language, with their family name: offered as suggestions
# on the salutation field, the contact's own language first. Without a family name yet, the word
# alone ("Jauna", "Sr.", "様").
SALUTATIONS = {
    "eu": ("{family} jauna", "{family} andrea"),
    "es": ("Sr. {family}", "Sra. {family}"),
    "ja": ("{family}様", "{family}さん"),
    "en": ("Mr {family}", "Ms {family}"),
}


class ContactForm(EditForm):
    """What a point of contact may set: everything but the owner (SEC-6)."""

    organization_id = OrganizationField(_l("Organization"), validators=[InputRequired()])
    name_order = SelectField(_l("Name order"), validators=[InputRequired()])
    given_name = text_field(_l("Given name"), 100, required=True)
    family_name = text_field(_l("Family name"), 100, required=True)
    second_family_name = text_field(
        _l("Second family name"), 100, description=_l("Basque and Spanish names carry two.")
    )
    native_name = text_field(
        _l("Name in native script"), 100, description=_l("Family name first, e.g. 山田 太郎.")
    )
    reading = text_field(_l("Reading"), 100, description=_l("In kana, e.g. やまだ たろう."))
    salutation = text_field(
        _l("How to address them"),
        60,
        description=_l("As you would write it in a letter: 山田様, Yamada-san, Jauna / Andrea."),
    )
    job_title = text_field(_l("Job title"), 150)
    email = EmailField(
        _l("Email"), validators=[Optional(), Length(max=254), Email()], filters=[strip]
    )
    other_emails = StringField(
        _l("Other email addresses"),
        validators=[Optional(), Length(max=1000), email_list],
        filters=[strip],
        description=_l("Separated by ; — replies from them are the same person."),
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)], filters=[strip])
    mobile = StringField(_l("Mobile"), validators=[Optional(), Length(max=40)], filters=[strip])
    other_phones = StringField(
        _l("Other phones"),
        validators=[Optional(), Length(max=1000)],
        filters=[strip],
        description=_l(
            "Separated by ; each with its label if you like: "
            "Home: +34 944 00 90 02; Fax: +81 59 123 4567."
        ),
    )
    language = SelectField(_l("Preferred language"), validators=[Optional()])
    timezone = SelectField(
        _l("Time zone"),
        validators=[Optional()],
        description=_l("Leave empty to use the usual one of the organization's region."),
    )
    is_primary = BooleanField(_l("Permanent point of contact of the organization"))
    notes = text_field(_l("Notes"), 10000, multiline=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._countries = {org.id: org.country for org in self.organization_id.chosen}
        self.name_order.choices = enum_choices(NameOrder)
        self.language.choices = optional_choices(language_choices(), "—")
        self.timezone.choices = optional_choices(timezone_choices(), "—")
        self.salutation.render_kw = {"list": "salutation-suggestions"}

    def salutation_suggestions(self, reader_language):
        """Salutations to offer: the contact's language first, then the reader's, then the rest."""
        order = dict.fromkeys([self.language.data, reader_language, *SALUTATIONS])
        suggestions = []
        for code in (code for code in order if code in SALUTATIONS):
            family = (self.family_name.data or "").strip()
            native = (self.native_name.data or "").split()
            if code == "ja" and native:  # written family name first: 山田 太郎
                family = native[0]
            for pattern in SALUTATIONS[code]:
                text = pattern.format(family=family).strip()
                suggestions.append(text[:1].upper() + text[1:])
        return list(dict.fromkeys(suggestions))

    def _region(self):
        return self._countries.get(self.organization_id.data)

    def validate_phone(self, field):
        if field.data:
            field.data = e164(field.data, self._region())

    def validate_mobile(self, field):
        if field.data:
            field.data = e164(field.data, self._region())

    def validate_other_phones(self, field):
        if field.data:
            field.data = phone_list(field.data, self._region())

    def values(self):
        """The cleaned data for the services: typed, empty strings as None."""
        return FIELDS.values(self)


class ManagerContactForm(ContactForm):
    owner_id = SelectField(_l("Owner (point of contact)"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = active_user_choices(keep=self.owner_id.data)
