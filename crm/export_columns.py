"""The columns of the CSV exports of the four main lists: what a person wants in a spreadsheet.

Each list is ``[(header, value_of(item)), ...]``; the list views load what the values need
(owners, sectors, related records) with their eager loaders. Related records in the trash are
left out of the cells as they are left out of the pages (DATA-4).
"""

from flask_babel import get_locale, get_timezone
from flask_babel import lazy_gettext as _l


def _name(user):
    return user.name if user is not None else None


def _live(items):
    return "; ".join(item.display_name for item in items if not item.is_deleted)


def _live_one(item):
    return None if item is None or item.is_deleted else item.display_name


def _sectors(org):
    locale = str(get_locale())
    return "; ".join(sector.name(locale) for sector in org.sectors)


def _local(instant):
    """``instant`` in the reader's time zone, ISO 8601 with its offset."""
    return instant.astimezone(get_timezone()).isoformat()


ORGANIZATIONS = [
    (_l("ID"), lambda o: o.id),
    (_l("Name"), lambda o: o.name),
    (_l("Native name"), lambda o: o.native_name),
    (_l("Kind"), lambda o: o.kind),
    (_l("Region"), lambda o: o.region),
    (_l("Country"), lambda o: o.country),
    (_l("City"), lambda o: o.city),
    (_l("Size"), lambda o: o.size),
    (_l("Sectors"), _sectors),
    (_l("Website"), lambda o: o.website),
    (_l("Working languages"), lambda o: o.languages),
    (_l("Export markets"), lambda o: o.export_markets),
    (_l("Owner"), lambda o: _name(o.owner)),
    (_l("Contact every (days)"), lambda o: o.cadence_days),
    (_l("Last contact"), lambda o: o.last_contact_at),
    (_l("Next contact due"), lambda o: o.contact_due_at),
    (_l("Description"), lambda o: o.description),
    (_l("Capabilities"), lambda o: o.capabilities),
    (_l("Interests"), lambda o: o.interests),
    (_l("Created"), lambda o: o.created_at),
    (_l("Updated"), lambda o: o.updated_at),
]

CONTACTS = [
    (_l("ID"), lambda c: c.id),
    (_l("Given name"), lambda c: c.given_name),
    (_l("Family name"), lambda c: c.family_name),
    (_l("Second family name"), lambda c: c.second_family_name),
    (_l("Name in own script"), lambda c: c.native_name),
    (_l("Reading"), lambda c: c.reading),
    (_l("Name order"), lambda c: c.name_order),
    (_l("Salutation"), lambda c: c.salutation),
    (_l("Organization"), lambda c: c.organization.display_name),
    (_l("Organization ID"), lambda c: c.organization_id),
    (_l("Job title"), lambda c: c.job_title),
    (_l("Email"), lambda c: c.email),
    (_l("Phone"), lambda c: c.phone),
    (_l("Mobile"), lambda c: c.mobile),
    (_l("Language"), lambda c: c.language),
    (_l("Time zone"), lambda c: c.timezone),
    (_l("Permanent point of contact"), lambda c: c.is_primary),
    (_l("Owner"), lambda c: _name(c.owner)),
    (_l("Notes"), lambda c: c.notes),
    (_l("Created"), lambda c: c.created_at),
    (_l("Updated"), lambda c: c.updated_at),
]

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
    (_l("Logged by"), lambda m: _name(m.owner)),
    (_l("Summary"), lambda m: m.summary),
    (_l("Outcomes"), lambda m: m.outcomes),
    (_l("Created"), lambda m: m.created_at),
]

ACTIONS = [
    (_l("ID"), lambda a: a.id),
    (_l("Due"), lambda a: a.due_date),
    (_l("What"), lambda a: a.title),
    (_l("Status"), lambda a: a.status),
    (_l("Priority"), lambda a: a.priority),
    (_l("Who"), lambda a: _name(a.owner)),
    (_l("Organization"), lambda a: _live_one(a.organization)),
    (_l("Contact"), lambda a: _live_one(a.contact)),
    (_l("Details"), lambda a: a.details),
    (_l("Completed"), lambda a: a.completed_at),
    (_l("Created"), lambda a: a.created_at),
]
