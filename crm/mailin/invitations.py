"""Calendar invitations in mail (RFC 5546 iTIP over iCalendar): REQUEST and CANCEL."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar


@dataclass
class Invitation:
    method: str  # "REQUEST" or "CANCEL"
    uid: str
    sequence: int
    starts_at: datetime  # UTC
    utc_offset_minutes: int | None  # of the organizer's zone at the start
    duration_minutes: int
    summary: str
    location: str


def read_invitation(text):
    """The first event of an iTIP REQUEST or CANCEL in ``text``, or None."""
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception:  # not iCalendar: it stays an attachment-less curiosity
        return None
    method = str(calendar.get("METHOD", "")).upper()
    if method not in ("REQUEST", "CANCEL"):
        return None
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID", "")).strip()
        start = event.get("DTSTART")
        if not uid or start is None:
            continue
        start = start.dt
        if isinstance(start, date) and not isinstance(start, datetime):
            start = datetime(start.year, start.month, start.day)
        offset = start.utcoffset() if start.tzinfo else None
        start_utc = start.astimezone(UTC) if start.tzinfo else start.replace(tzinfo=UTC)
        end = event.get("DTEND")
        if end is not None and isinstance(end.dt, datetime):
            end_utc = end.dt.astimezone(UTC) if end.dt.tzinfo else end.dt.replace(tzinfo=UTC)
            minutes = int((end_utc - start_utc).total_seconds() // 60)
        elif event.get("DURATION") is not None:
            minutes = int(event.get("DURATION").dt.total_seconds() // 60)
        else:
            minutes = 60
        return Invitation(
            method=method,
            uid=uid[:255],
            sequence=int(event.get("SEQUENCE", 0) or 0),
            starts_at=start_utc,
            utc_offset_minutes=int(offset / timedelta(minutes=1)) if offset is not None else None,
            duration_minutes=max(1, min(minutes, 24 * 60)),
            summary=str(event.get("SUMMARY", "")).strip(),
            location=str(event.get("LOCATION", "")).strip(),
        )
    return None
