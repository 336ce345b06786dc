"""The list filters on organizations (region, sector, owner, period) that the pipeline, the
action list and the match board share.

A count on the pipeline page links to a list with the same filters, and that list exports
the same rows: every one of them reads its filters here and turns them into SQL here.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from crm.clock import now_utc
from crm.listing import choice_arg, int_arg
from crm.organizations.models import Organization, Region, organization_sectors

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
