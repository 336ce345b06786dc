"""The pipeline's filters (region, sector, owner, period), shared with the lists it links to.

A count on the pipeline page links to a list with the same filters, and that list exports
the same rows: every one of them reads its filters here and turns them into SQL here.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from crm.accounts.models import User
from crm.actions.models import Action, Status
from crm.clock import now_utc
from crm.extensions import db
from crm.listing import choice_arg, int_arg
from crm.organizations.models import Organization, Region, Sector, organization_sectors

PERIODS = {
    30: _l("Last 30 days"),
    90: _l("Last 90 days"),
    180: _l("Last 6 months"),
    365: _l("Last 12 months"),
}
DEFAULT_PERIOD = 30


@dataclass(frozen=True)
class Filters:
    region: Region | None = None
    sector: int | None = None
    owner: int | None = None
    period: int = DEFAULT_PERIOD

    @classmethod
    def from_request(cls):
        """The filters in the query string; anything unreadable is left out."""
        period = int_arg("period", DEFAULT_PERIOD, 1, 365)
        return cls(
            region=choice_arg("region", Region),
            sector=int_arg("sector", None, 1, 2**31 - 1),
            owner=int_arg("owner", None, 1, 2**31 - 1),
            period=period if period in PERIODS else DEFAULT_PERIOD,
        )

    def args(self, **changes):
        """The filters as query arguments (for links), defaults left out, with ``changes``."""
        args = {
            "region": self.region.value if self.region else None,
            "sector": self.sector,
            "owner": self.owner,
            "period": self.period if self.period != DEFAULT_PERIOD else None,
            **changes,
        }
        return {key: value for key, value in args.items() if value is not None}

    def plain(self):
        """The filters for the export's history row."""
        return {"region": self.region, "sector": self.sector, "owner": self.owner,
                "period": self.period}  # fmt: skip

    @property
    def since(self):
        """The start of the period: "done in the period" counts from here."""
        return now_utc() - timedelta(days=self.period)

    def about(self, *organization_ids):
        """WHERE clauses: one of ``organization_ids`` (columns) is in the region and sector.

        A record about no organization is left out as soon as a region or sector is chosen.
        """
        clauses = []
        if self.region:
            in_region = select(Organization.id).where(Organization.region == self.region)
            clauses.append(or_(*(column.in_(in_region) for column in organization_ids)))
        if self.sector:
            in_sector = select(organization_sectors.c.organization_id).where(
                organization_sectors.c.sector_id == self.sector
            )
            clauses.append(or_(*(column.in_(in_sector) for column in organization_ids)))
        return clauses

    def about_each(self, organization_id):
        """The clauses of ``about`` for one column, as EXISTS tested on each row.

        For the figures that read a period of a large table through its date index: given
        ``IN (the sector's organizations)``, SQLite reads every record of each of those
        organizations, over all the years, to keep the few of the period (3 to 5 times slower
        on the bench's data set). The table read must not be ``organizations`` itself, which
        the region test would correlate with.
        """
        clauses = []
        if self.region:
            clauses.append(
                exists().where(
                    Organization.id == organization_id, Organization.region == self.region
                )
            )
        if self.sector:
            sectors = organization_sectors.c
            clauses.append(
                exists().where(
                    sectors.organization_id == organization_id, sectors.sector_id == self.sector
                )
            )
        return clauses

    def owned(self, owner_id):
        """WHERE clauses: ``owner_id`` (a column) is the chosen owner."""
        return [owner_id == self.owner] if self.owner else []


BUCKETS = {
    "overdue": _l("Overdue"),
    "week": _l("Due this week"),
    "later": _l("Later"),
    "done": _l("Done in the period"),
}


def due_conditions(today):
    """The open buckets' conditions on the due date: "this week" is today and 7 days on."""
    week_end = today + timedelta(days=7)
    return {
        "overdue": Action.due_date < today,
        "week": Action.due_date.between(today, week_end),
        "later": Action.due_date > week_end,
    }


def bucket_clauses(bucket, today, since):
    """WHERE clauses on actions for one of ``BUCKETS``."""
    if bucket == "done":
        return [Action.status == Status.DONE, Action.completed_at >= since]
    return [Action.status == Status.OPEN, due_conditions(today)[bucket]]


def bucket_arg():
    """``?bucket=`` (or the older ``?overdue=1``) as a key of ``BUCKETS``, or None."""
    bucket = request.args.get("bucket")
    if bucket in BUCKETS:
        return bucket
    return "overdue" if request.args.get("overdue") == "1" else None


def filter_choices():
    """The options of the filter forms, as (value, label) pairs."""
    locale = str(get_locale())
    sectors = db.session.scalars(select(Sector).order_by(Sector.id))
    return {
        "regions": [(region.value, region.label) for region in Region],
        "sectors": [(sector.id, sector.name(locale)) for sector in sectors],
        "people": db.session.execute(select(User.id, User.name).order_by(User.name)).all(),
        "periods": list(PERIODS.items()),
        "buckets": list(BUCKETS.items()),
    }
