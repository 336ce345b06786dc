"""Find the existing records that the rows of a file match or duplicate, a few queries a file.

Values are looked up in chunks of ``CHUNK`` (SQLite and PostgreSQL both cap the number of
parameters of one statement), so a 100,000-row file costs a few dozen queries, not 100,000.
"""

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from crm.contacts.models import Contact
from crm.extensions import db
from crm.imports.plan import SKIP, UNCHANGED, UPDATE
from crm.organizations.models import Organization, organization_sectors
from crm.text import organization_name_key, search_key

CHUNK = 5_000


def chunks(values):
    values = sorted(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def website_key(url):
    text = re.sub(r"^[a-z]+://", "", (url or "").strip().lower())
    return text.removeprefix("www.").rstrip("/")


@dataclass
class OrganizationIndex:
    by_name: dict = field(default_factory=dict)  # organization_name_key of either name -> [ids]
    by_website: dict = field(default_factory=dict)
    countries: dict = field(default_factory=dict)
    owners: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)


def organization_index():
    """Every live organization's names, website, country and owner: one query."""
    index = OrganizationIndex()
    rows = db.session.execute(
        select(
            Organization.id,
            Organization.name,
            Organization.native_name,
            Organization.website,
            Organization.country,
            Organization.owner_id,
        ).where(Organization.deleted_at.is_(None))
    )
    for org_id, name, native, website, country, owner_id in rows:
        shown = f"{native} ({name})" if native and native != name else name
        # Either name, or both as Zubia shows (and exports) them: "三重大学 (Mie University)".
        for key in {organization_name_key(n) for n in (name, native, shown) if n} - {""}:
            index.by_name.setdefault(key, []).append(org_id)
        if website:
            index.by_website.setdefault(website_key(website), []).append(org_id)
        index.countries[org_id] = country
        index.owners[org_id] = owner_id
        index.names[org_id] = shown
    return index


class FileKeys:
    """Keys already claimed by an earlier row of the same file."""

    def __init__(self, checker):
        self.checker = checker
        self.seen = {}

    def claim(self, row, what, key, message):
        if not key or (isinstance(key, tuple) and not all(key)):
            return
        first = self.seen.setdefault((what, key), row.number)
        if first != row.number:
            self.checker.problem(row, what, str(message) % {"row": first})


def match_organizations(checker, plan):
    index = organization_index()
    checker.names = index.names
    match_by = checker.options.get("match_by") or "name"
    file_keys = FileKeys(checker)
    for row in plan.rows:
        name_key = organization_name_key(row.values.get("name"))
        key = (
            website_key(row.values.get("website"))
            if match_by == "website"
            else organization_name_key(row.values.get(match_by))
        )
        hits = (index.by_website if match_by == "website" else index.by_name).get(key, [])
        if len(hits) > 1:
            checker.problem(row, match_by, _("matches several organizations in Zubia."))
        elif hits:
            row.target_id = hits[0]
            row.target_owners = {index.owners[hits[0]]}
        if not row.target_id:  # another name, but the same native name: warn, with a link
            native_key = organization_name_key(row.values.get("native_name"))
            twin = next(iter(index.by_name.get(native_key, [])), None)
            row.likely_duplicate = (twin, index.names[twin]) if twin else None
        same_name = [i for i in index.by_name.get(name_key, []) if i != row.target_id]
        if same_name and match_by != "name":
            checker.problem(
                row,
                "name",
                _(
                    "an organization with this name is already in Zubia: %(name)s (#%(id)s).",
                    name=index.names[same_name[0]],
                    id=same_name[0],
                ),
            )
        file_keys.claim(row, match_by, key, _l("same value as row %(row)s of this file."))
        if match_by != "name":
            file_keys.claim(row, "name", name_key, _l("same name as row %(row)s of this file."))


def match_people(plan):
    """Whether each organization row's person is new at it: one query for the contacts of the
    organizations the file matched, compared by email and by name."""
    rows = [row for row in plan.rows if row.person]
    matched = {row.target_id for row in rows if row.target_id}
    known = set()
    for chunk in chunks(matched):
        for contact in db.session.execute(
            select(
                Contact.organization_id,
                Contact.email,
                Contact.given_name,
                Contact.family_name,
                Contact.second_family_name,
            ).where(Contact.organization_id.in_(chunk), Contact.deleted_at.is_(None))
        ):
            known.add((contact.organization_id, contact_name_key(contact._mapping)))
            if contact.email:
                known.add((contact.organization_id, contact.email.lower()))
    for row in rows:
        keys = {
            (row.target_id, contact_name_key(row.person)),
            (row.target_id, row.person.get("email")),
        }
        row.adds_person = not row.target_id or not keys & known


def contact_name_key(values):
    return search_key(
        values.get("given_name"), values.get("family_name"), values.get("second_family_name")
    )


def match_contacts(checker, plan):
    match_by = checker.options.get("match_by") or "email"
    rows = plan.rows
    emails = {r.values["email"] for r in rows if r.values.get("email")}
    org_ids = {r.values["organization_id"] for r in rows if r.values.get("organization_id")}
    phones = {r.values.get("phone") for r in rows} - {None} if match_by == "phone" else set()
    columns = select(
        Contact.id,
        Contact.organization_id,
        Contact.given_name,
        Contact.family_name,
        Contact.second_family_name,
        Contact.email,
        Contact.phone,
        Contact.owner_id,
    ).where(Contact.deleted_at.is_(None))
    found = {}
    for values, condition in (
        (emails, Contact.email.in_),
        (org_ids, Contact.organization_id.in_),
        (phones, lambda chunk: or_(Contact.phone.in_(chunk), Contact.mobile.in_(chunk))),
    ):
        for chunk in chunks(values):
            found.update((r.id, r) for r in db.session.execute(columns.where(condition(chunk))))
    by_email, by_name, by_phone = {}, {}, {}
    for contact in found.values():
        if contact.email:
            by_email.setdefault(contact.email.lower(), contact)
        by_name.setdefault((contact.organization_id, contact_name_key(contact._mapping)), contact)
        if contact.phone:
            by_phone.setdefault(contact.phone, contact)
    organization_owners = checker.org_index.owners
    checker.names = {c.id: f"{c.given_name} {c.family_name}" for c in found.values()}
    file_keys = FileKeys(checker)
    for row in rows:
        email = row.values.get("email")
        name_key = (row.values.get("organization_id") or row.new_organization,
                    contact_name_key(row.values))  # fmt: skip
        keys = {"email": email, "name": name_key, "phone": row.values.get("phone")}
        target = {"email": by_email, "name": by_name, "phone": by_phone}[match_by].get(
            keys[match_by]
        )
        if target is not None:
            row.target_id = target.id
            row.target_owners = {target.owner_id, organization_owners.get(target.organization_id)}
        for what, index in (("email", by_email), ("name", by_name)):
            usable = all(keys[what]) if what == "name" else keys[what]
            other = index.get(keys[what]) if usable else None
            if other is not None and what != match_by and other.id != row.target_id:
                checker.problem(row, "email" if what == "email" else "family_name", _(
                    "looks like %(name)s (#%(id)s), already in Zubia with the same %(what)s.",
                    name=checker.names[other.id], id=other.id,
                    what=_("email") if what == "email" else _("name"),
                ))  # fmt: skip
        file_keys.claim(
            row, match_by, keys[match_by], _l("same value as row %(row)s of this file.")
        )
        if match_by != "name" and all(name_key):
            file_keys.claim(row, "family_name", name_key,
                            _l("same name as row %(row)s of this file."))  # fmt: skip


def plan_updates(checker, plan):
    """Decide update, unchanged or skip for the rows that match a record, from its values now."""
    matched = [row for row in plan.rows if row.target_id and not row.problems]
    if checker.options.get("on_match") == "skip":
        for row in matched:
            row.action = SKIP
            row.note = _("already in Zubia as %(name)s (#%(id)s); left as it is.",
                         name=checker.names[row.target_id], id=row.target_id)  # fmt: skip
        return
    model = Organization if plan.kind.value == "organization" else Contact
    table = model.__table__
    current = {}
    for chunk in chunks({row.target_id for row in matched}):
        current.update(
            (r.id, dict(r._mapping)) for r in db.session.execute(
                select(table).where(table.c.id.in_(chunk))
            )
        )  # fmt: skip
    sectors = current_sectors(current) if model is Organization else {}
    for row in matched:
        if not (checker.actor.is_manager or checker.actor.id in row.target_owners):
            checker.problem(
                row,
                "owner",
                _(
                    "%(name)s (#%(id)s) is in Zubia and you may not "
                    "change it; its owner or a manager can.",
                    name=checker.names[row.target_id],
                    id=row.target_id,
                ),
            )
            continue
        before = current[row.target_id]
        row.current = before
        row.changes = {
            name: [before[name], value]
            for name, value in row.values.items()
            if value is not None and before[name] != value
        }
        if row.sector_ids is not None and sorted(set(row.sector_ids)) != sectors.get(
            row.target_id, []
        ):
            row.changes["sector_ids"] = [
                sectors.get(row.target_id, []),
                sorted(set(row.sector_ids)),
            ]
        if row.changes:
            row.action = UPDATE
        else:
            row.action = UNCHANGED
            row.note = _("%(name)s (#%(id)s) already holds these values.",
                         name=checker.names[row.target_id], id=row.target_id)  # fmt: skip


def current_sectors(current):
    sectors = {}
    for chunk in chunks(current):
        for org_id, sector_id in db.session.execute(
            select(organization_sectors.c.organization_id, organization_sectors.c.sector_id)
            .where(organization_sectors.c.organization_id.in_(chunk))
            .order_by(organization_sectors.c.sector_id)
        ):
            sectors.setdefault(org_id, []).append(sector_id)
    return sectors
