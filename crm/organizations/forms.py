from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from crm.extensions import db
from crm.forms import (
    MultiCheckboxField,
    StrictIntegerField,
    VersionField,
    active_user_choices,
    country_choices,
    enum_choices,
    http_url,
    optional_choices,
    strip,
    text_field,
)
from crm.organizations.models import Kind, LinkKind, Organization, Region, Sector, Size


class OrganizationForm(FlaskForm):
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
        _l("Website"), validators=[Optional(), Length(max=500), http_url], filters=[strip]
    )
    sector_ids = MultiCheckboxField(_l("Sectors"), coerce=int)
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
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = enum_choices(Kind)
        self.region.choices = enum_choices(Region)
        self.country.choices = optional_choices(country_choices())
        self.size.choices = optional_choices(enum_choices(Size), "—")
        sectors = db.session.scalars(db.select(Sector).order_by(Sector.id))
        locale = str(get_locale())
        self.sector_ids.choices = [SelectChoice(s.id, s.name(locale)) for s in sectors]

    def values(self):
        """The cleaned data for the services: enums typed, empty strings as None."""
        data = {name: field.data for name, field in self._fields.items()}
        for name in ("native_name", "city", "website", "description", "capabilities", "interests"):
            data[name] = data[name] or None
        data["kind"], data["region"] = Kind(data["kind"]), Region(data["region"])
        data["size"] = Size(data["size"]) if data["size"] else None
        data.pop("csrf_token", None)
        data.pop("version")
        return data


class ManagerOrganizationForm(OrganizationForm):
    """Managers and admins also choose the owner and the contact cadence."""

    owner_id = SelectField(_l("Owner (point of contact)"), coerce=int)
    cadence_days = StrictIntegerField(
        _l("Desired contact cadence (days)"),
        default=90,
        validators=[InputRequired(), NumberRange(min=1, max=3650)],
        description=_l("The relationship counts as quiet after this many days without contact."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = active_user_choices()


class LinkForm(FlaskForm):
    kind = SelectField(_l("Link"), validators=[InputRequired()])
    target_id = SelectField(_l("Other organization"), coerce=int, validators=[InputRequired()])
    since = DateField(_l("Since"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
    note = text_field(_l("Note"), 300)

    def __init__(self, *args, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = enum_choices(LinkKind)
        others = db.session.execute(
            db.select(Organization.id, Organization.name, Organization.native_name)
            .where(Organization.deleted_at.is_(None), Organization.id != source.id)
            .order_by(Organization.name)
        )
        self.target_id.choices = [
            SelectChoice(i, f"{native} ({name})" if native else name) for i, name, native in others
        ]

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end cannot be before the start."))
