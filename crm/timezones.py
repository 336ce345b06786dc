"""Local time at the other end of the bridge."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from crm.clock import now_utc

WORKING_HOURS = range(9, 18)  # 09:00-17:59 local, Monday to Friday


@dataclass
class LocalClock:
    zone: str
    time: datetime
    working: bool
    ahead: timedelta  # how far this clock is ahead of the viewer's (negative: behind)

    @property
    def ahead_hours(self):
        return self.ahead.total_seconds() / 3600


def local_clock(zone, now, viewer_zone="UTC"):
    local = now.astimezone(ZoneInfo(zone))
    viewer = now.astimezone(ZoneInfo(viewer_zone))
    ahead = local.utcoffset() - viewer.utcoffset()
    working = local.weekday() < 5 and local.hour in WORKING_HOURS
    return LocalClock(zone, local, working, ahead)


def local_today(zone):
    """Today's date where ``zone`` is: "due today" means the reader's today."""
    return now_utc().astimezone(ZoneInfo(zone)).date()


def quick_dates(zone):
    """The due dates a date field offers as one-click choices: tomorrow, in a week and in two
    weeks, from today where ``zone`` is (a Tokyo user's tomorrow starts nine hours before
    Madrid's)."""
    today = local_today(zone)
    return [
        (_l("Tomorrow"), today + timedelta(days=1)),
        (_l("Next week"), today + timedelta(days=7)),
        (_l("In two weeks"), today + timedelta(days=14)),
    ]


def local_to_utc(naive, zone, fold=0):
    """A wall-clock time in ``zone`` as UTC, with ``fold`` choosing the repeated hour."""
    return naive.replace(tzinfo=ZoneInfo(zone), fold=fold).astimezone(ZoneInfo("UTC"))


def wall_clock_problem(naive, zone):
    """None, "nonexistent" (skipped by a DST jump) or "ambiguous" (happens twice)."""
    tz = ZoneInfo(zone)
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        return "ambiguous" if _round_trips(first) else "nonexistent"
    return None


def _round_trips(aware):
    back = aware.astimezone(ZoneInfo("UTC")).astimezone(aware.tzinfo)
    return back.replace(tzinfo=None, fold=0) == aware.replace(tzinfo=None, fold=0)
