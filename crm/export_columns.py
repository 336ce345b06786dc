"""The columns of the CSV export of meetings: what a person wants in a spreadsheet (the other
lists export their area's ``fields``).

Each list is ``[(header, value_of(item)), ...]``; the list views load what the values need
(owners, sectors, related records) with their eager loaders. Related records in the trash are
left out of the cells as they are left out of the pages (DATA-4).
"""

from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l

from crm.fields import user_name


def _live(items):
    return "; ".join(item.display_name for item in items if not item.is_deleted)


def _local(instant):
    """``instant`` in the reader's time zone, ISO 8601 with its offset."""
    return instant.astimezone(get_timezone()).isoformat()


MEETINGS = [
    (_l("ID"), lambda m: m.id),
    (_l("Starts (UTC)"), lambda m: m.starts_at),
    (_l("Starts (your time zone)"), lambda m: _local(m.starts_at)),
    (_l("Duration (minutes)"), lambda m: m.duration_minutes),
    (_l("Kind"), lambda m: m.kind),
    (_l("Subject"), lambda m: m.title),
    (_l("Location"), lambda m: m.location),
    (_l("Organizations"), lambda m: _live(m.organizations)),
    (_l("Contacts"), lambda m: _live(m.contacts)),
    (_l("Our attendees"), lambda m: "; ".join(user.name for user in m.attendees)),
    (_l("Logged by"), lambda m: user_name(m.owner)),
    (_l("Summary"), lambda m: m.summary),
    (_l("Outcomes"), lambda m: m.outcomes),
    (_l("Created"), lambda m: m.created_at),
]
