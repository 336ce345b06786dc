"""Programme figures per quarter, computed from the records (never typed into a template)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract, func, select

from crm.events.models import Event, Participant, Registration
from crm.extensions import db
from crm.matching.models import PIPELINE, Match, Stage, StageChange
from crm.meetings.models import Meeting, meeting_organizations
from crm.organizations.models import Kind, Organization, organization_sectors
from crm.programme.models import Agreement, SuccessStory, agreement_sectors, story_organizations
from crm.visits.models import Direction, Visit

EXPLORING_OR_BEYOND = PIPELINE[PIPELINE.index(Stage.EXPLORING) :]
TOOK_PART = [Registration.REGISTERED, Registration.ATTENDED]


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day):
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self):
        return f"{self.year} Q{self.number}"

    @property
    def start(self):
        return date(self.year, 3 * self.number - 2, 1)

    def following(self):
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)


def quarters(first, last):
    found, quarter = [], first
    while (quarter.year, quarter.number) <= (last.year, last.number):
        found.append(quarter)
        quarter = quarter.following()
    return found


def per_quarter(column, *where):
    """{Quarter: count} of rows whose ``column`` (a date or datetime) falls in each quarter."""
    year, month = extract("year", column), extract("month", column)
    rows = db.session.execute(
        select(year, month, func.count()).where(column.is_not(None), *where).group_by(year, month)
    )
    counts = defaultdict(int)
    for y, m, n in rows:
        counts[Quarter(int(y), (int(m) - 1) // 3 + 1)] += n
    return counts


def in_sector(organization_column, sector_id):
    return organization_column.in_(
        select(organization_sectors.c.organization_id).where(
            organization_sectors.c.sector_id == sector_id
        )
    )


def series(today, sector_id=None):
    """Every figure of the dashboard, per quarter: {name: {Quarter: count}}, and the totals."""
    meeting_filter = [Meeting.deleted_at.is_(None)]
    match_filter = [Match.deleted_at.is_(None)]
    story_filter = [SuccessStory.deleted_at.is_(None)]
    agreement_filter = [Agreement.deleted_at.is_(None), Agreement.status != "draft"]
    if sector_id:
        meeting_filter.append(
            Meeting.id.in_(
                select(meeting_organizations.c.meeting_id).where(
                    in_sector(meeting_organizations.c.organization_id, sector_id)
                )
            )
        )
        match_filter.append(
            in_sector(Match.basque_id, sector_id) | in_sector(Match.mie_id, sector_id)
        )
        story_filter.append(
            SuccessStory.id.in_(
                select(story_organizations.c.story_id).where(
                    in_sector(story_organizations.c.organization_id, sector_id)
                )
            )
        )
        agreement_filter.append(
            Agreement.id.in_(
                select(agreement_sectors.c.agreement_id).where(
                    agreement_sectors.c.sector_id == sector_id
                )
            )
        )
    exploring = per_quarter(
        StageChange.at,
        StageChange.to_stage == Stage.EXPLORING,
        StageChange.match_id.in_(select(Match.id).where(*match_filter)),
    )
    event_filter = [Event.deleted_at.is_(None), Event.start_date <= today]
    participant_filter = [Participant.status.in_(TOOK_PART)]
    visit_filter = [Visit.deleted_at.is_(None), Visit.start_date <= today]
    if sector_id:
        participant_filter.append(in_sector(Participant.organization_id, sector_id))
        event_filter.append(Event.id.in_(select(Participant.event_id).where(*participant_filter)))
        visit_filter.append(in_sector(Visit.lead_organization_id, sector_id))
    companies = set()
    for basque_id, mie_id in db.session.execute(
        select(Match.basque_id, Match.mie_id).where(
            Match.stage.in_(EXPLORING_OR_BEYOND), *match_filter
        )
    ):
        companies.update((basque_id, mie_id))
    companies = db.session.scalar(  # companies only: clusters and universities explore too
        select(func.count())
        .select_from(Organization)
        .where(Organization.id.in_(companies), Organization.kind == Kind.COMPANY)
    )
    took_part = (
        select(Participant.organization_id)
        .join(Event, Event.id == Participant.event_id)
        .where(*event_filter, *participant_filter)
        .subquery()
    )
    return {
        "events": per_quarter(Event.start_date, *event_filter),
        "visits_to_mie": per_quarter(
            Visit.start_date, Visit.direction == Direction.TO_MIE, *visit_filter
        ),
        "visits_to_basque_country": per_quarter(
            Visit.start_date, Visit.direction == Direction.TO_BASQUE_COUNTRY, *visit_filter
        ),
        "meetings": per_quarter(Meeting.starts_at, *meeting_filter),
        "exploring": exploring,
        "stories": per_quarter(SuccessStory.achieved_on, *story_filter),
        "agreements": per_quarter(Agreement.signed_on, *agreement_filter),
    }, {
        "companies_exploring": companies,
        "events_held": db.session.scalar(
            select(func.count()).select_from(Event).where(*event_filter)
        ),
        "organizations_in_events": db.session.scalar(
            select(func.count(func.distinct(took_part.c.organization_id)))
        ),
    }
