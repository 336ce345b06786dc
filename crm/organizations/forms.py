import re

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from crm.extensions import db
from crm.forms import (
    CommaListField,
    EditForm,
    MultiCheckboxField,
    PlainText,
    StrictIntegerField,
    active_user_choices,
    country_choices,
    domain_list,
    e164,
    enum_choices,
    http_url,
    optional_choices,
    strip,
    text_field,
)
from crm.organizations.fields import FIELDS
from crm.organizations.models import (
    DEFAULT_CADENCE_DAYS,
    Kind,
    LinkKind,
    Organization,
    Region,
    Sector,
    Size,
)
from crm.text import like_pattern

WORKING_LANGUAGES = [
    ("en", "English"),
    ("ja", "日本語"),
    ("es", "Español"),
    ("eu", "Euskara"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("zh", "中文"),
]


class OrganizationForm(EditForm):
    """What a point of contact may set: everything but the owner (SEC-6)."""

    name = text_field(_l("Name (Latin script)"), 200, required=True)
    native_name = text_field(
        _l("Name in native script"),
        200,
        description=_l("For Japanese organizations, e.g. 三重県庁."),
    )
    kind = SelectField(_l("Kind"), validators=[InputRequired()])
    region = SelectField(_l("Region"), validators=[InputRequired()])
    country = SelectField(_l("Country"), validators=[InputRequired()])
    city = text_field(_l("City"), 120)
    size = SelectField(_l("Size"), validators=[Optional()])
    website = StringField(
        _l("Website"),
        validators=[Optional(), Length(max=500), PlainText(), http_url],
        filters=[strip],
    )
    email = EmailField(
        _l("Email"), validators=[Optional(), Length(max=254), Email()], filters=[strip]
    )
    email_domains = StringField(
        _l("Email domains"),
        validators=[Optional(), Length(max=1000), domain_list],
        filters=[strip],
        description=_l(
            "Separated by ; — mail from anyone at these domains is about this organization."
        ),
    )
    phone = StringField(
        _l("Phone"),
        validators=[Optional(), Length(max=40)],
        filters=[strip],
        description=_l("Read in the organization's country; +34, +81 … for others."),
    )
    address = text_field(_l("Postal address"), 500, multiline=True)
    postcode = text_field(_l("Postcode"), 20)
    tax_id = text_field(
        _l("Tax ID"), 40, description=_l("CIF/NIF in Spain, 法人番号 (13 digits) in Japan.")
    )
    sector_ids = MultiCheckboxField(_l("Sectors"), coerce=int)
    languages = CommaListField(_l("Working languages"))
    export_markets = text_field(
        _l("Export markets"), 300, description=_l("Countries or regions, e.g. Germany, ASEAN.")
    )
    description = text_field(_l("Description"), 5000, multiline=True)
    capabilities = text_field(
        _l("Capabilities offered"),
        5000,
        multiline=True,
        description=_l("What they can offer a partner: technologies, products, services."),
    )
    interests = text_field(
        _l("Interests sought"),
        5000,
        multiline=True,
        description=_l("What they look for in a partner."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = enum_choices(Kind)
        self.region.choices = enum_choices(Region)
        self.country.choices = optional_choices(country_choices())
        self.size.choices = optional_choices(enum_choices(Size), "—")
        self.languages.choices = [SelectChoice(code, name) for code, name in WORKING_LANGUAGES]
        self.sector_ids.choices = sector_choices()

    def validate_phone(self, field):
        if field.data:
            field.data = e164(field.data, self.country.data or None)

    def values(self):
        """The cleaned data for the services: enums typed, empty strings as None."""
        return FIELDS.values(self)


class ManagerOrganizationForm(OrganizationForm):
    """Managers and admins also choose the owner and the contact cadence."""

    owner_id = SelectField(_l("Owner (point of contact)"), coerce=int)
    cadence_days = StrictIntegerField(
        _l("Desired contact cadence (days)"),
        default=DEFAULT_CADENCE_DAYS,
        validators=[InputRequired(), NumberRange(min=1, max=3650)],
        description=_l("The relationship counts as quiet after this many days without contact."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = active_user_choices(keep=self.owner_id.data)


class LinkForm(FlaskForm):
    kind = SelectField(_l("Link"), validators=[InputRequired()])
    target = text_field(
        _l("Other organization"),
        300,
        required=True,
        description=_l("Type part of its name in either script and pick it from the list."),
    )
    since = DateField(_l("Since"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
    note = text_field(_l("Note"), 300)

    def __init__(self, *args, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = enum_choices(LinkKind)
        self.source = source
        self.target_org = None

    def validate_target(self, field):
        """One live organization other than this one, by "Name #id" or an unambiguous name."""
        found = find_organizations(field.data, exclude=self.source.id, limit=2)
        if not found:
            raise ValidationError(_l("No organization matches this name."))
        if len(found) > 1:
            raise ValidationError(_l("Several organizations match; pick one from the list."))
        self.target_org = found[0]

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end cannot be before the start."))


def language_names(codes):
    """ "ja,en" as the form offers them: "日本語, English"."""
    names = dict(WORKING_LANGUAGES)
    return ", ".join(names.get(code, code) for code in (codes or "").split(",") if code)


def country_name(code):
    return get_locale().territories.get(code, code) if code else "—"


def organization_label(org):
    """How a picker shows an organization: unique thanks to its id."""
    return f"{org.display_name} #{org.id}"


def find_organizations(text, *, exclude=None, limit=10, where=None):
    """Live organizations for a picker: "… #id" picks one; otherwise by part of the name.
    ``where``: a condition they must meet too (a picker's scope)."""
    statement = db.select(Organization).where(Organization.deleted_at.is_(None))
    if where is not None:
        statement = statement.where(where)
    if exclude is not None:
        statement = statement.where(Organization.id != exclude)
    chosen = re.search(r"#(\d{1,9})\s*$", text or "")
    if chosen:
        statement = statement.where(Organization.id == int(chosen.group(1)))
    else:
        statement = statement.where(Organization.search_key.like(like_pattern(text), escape="\\"))
    return db.session.scalars(statement.order_by(Organization.name).limit(limit)).all()


def sector_choices():
    """Every MoU sector, named in the reader's language."""
    locale = str(get_locale())
    sectors = db.session.scalars(db.select(Sector).order_by(Sector.id))
    return [SelectChoice(sector.id, sector.name(locale)) for sector in sectors]
