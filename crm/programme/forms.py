from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from crm.extensions import db
from crm.forms import (
    EditForm,
    MultiCheckboxField,
    PlainText,
    enum_choices,
    http_url,
    optional_choices,
    strip,
    text_field,
)
from crm.matching.models import Match
from crm.organizations.forms import sector_choices
from crm.organizations.models import Kind, Organization
from crm.organizations.picker import OrganizationsField, register_scope
from crm.programme.models import Achievement, AgreementStatus

INSTITUTIONS = [
    Kind.GOVERNMENT,
    Kind.ASSOCIATION,
    Kind.CLUSTER,
    Kind.UNIVERSITY,
    Kind.TECHNOLOGY_CENTRE,
]


def story_organizations():
    """Who a success story can be about: a company, or one of the two sides of a match."""
    live = Match.deleted_at.is_(None)
    sides = select(Match.basque_id).where(live).union(select(Match.mie_id).where(live))
    return or_(Organization.kind == Kind.COMPANY, Organization.id.in_(sides))


INSTITUTION_SCOPE = register_scope("institutions", lambda: Organization.kind.in_(INSTITUTIONS))
STORY_SCOPE = register_scope("story", story_organizations)


class AgreementForm(EditForm):
    title = text_field(_l("Title"), 200, required=True)
    status = SelectField(_l("Status"), validators=[InputRequired()])
    signed_on = DateField(_l("Signed on"), validators=[Optional()])
    party_ids = OrganizationsField(
        _l("Parties"), validators=[InputRequired()], scope=INSTITUTION_SCOPE,
        description=_l("The institutions that signed it, on both sides."),
    )  # fmt: skip
    sector_ids = MultiCheckboxField(_l("Sectors of common interest"), coerce=int)
    document_url = StringField(
        _l("Link to the document"),
        validators=[Optional(), Length(max=500), PlainText(), http_url],
        filters=[strip],
    )
    summary = text_field(_l("Summary"), 10000, multiline=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = enum_choices(AgreementStatus)
        self.sector_ids.choices = sector_choices()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Optional() ends the date's own checks when it is empty, so the pair is checked here.
        if self.status.data == AgreementStatus.SIGNED.value and not self.signed_on.data:
            self.signed_on.errors = [
                *self.signed_on.errors,
                _l("A signed agreement needs its signing date."),
            ]
            return False
        return valid

    def values(self):
        return {
            "title": self.title.data,
            "status": AgreementStatus(self.status.data),
            "signed_on": self.signed_on.data,
            "document_url": self.document_url.data or None,
            "summary": self.summary.data or None,
            "party_ids": list(self.party_ids.data),
            "sector_ids": list(self.sector_ids.data or []),
        }


class StoryForm(EditForm):
    title = text_field(_l("Title"), 200, required=True)
    achievement = SelectField(_l("What was achieved"), validators=[InputRequired()])
    achieved_on = DateField(_l("Date"), validators=[InputRequired()])
    match_id = SelectField(_l("The match it came from"), validators=[Optional()])
    organization_ids = OrganizationsField(
        _l("Organizations"),
        validators=[Optional()],
        scope=STORY_SCOPE,
        description=_l("Leave empty to use the two organizations of the match."),
    )
    summary = text_field(_l("The story"), 20000, multiline=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.achievement.choices = enum_choices(Achievement)
        matches = db.session.scalars(
            select(Match).where(Match.deleted_at.is_(None)).order_by(Match.id)
        ).all()
        ids = {m.basque_id for m in matches} | {m.mie_id for m in matches}
        names = dict(
            db.session.execute(
                select(Organization.id, Organization.name).where(Organization.id.in_(ids))
            ).all()
        )
        self.match_id.choices = optional_choices(
            [SelectChoice(str(m.id), f"{names[m.basque_id]} ↔ {names[m.mie_id]}") for m in matches],
            "—",
        )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.organization_ids.data and not self.match_id.data:
            self.organization_ids.errors = [
                *self.organization_ids.errors,
                _l("Choose the match or the organizations."),
            ]
            return False
        return valid

    def values(self):
        return {
            "title": self.title.data,
            "achievement": Achievement(self.achievement.data),
            "achieved_on": self.achieved_on.data,
            "match_id": int(self.match_id.data) if self.match_id.data else None,
            "organization_ids": list(self.organization_ids.data or []),
            "summary": self.summary.data or None,
        }
