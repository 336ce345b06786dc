"""Likely duplicates among live organizations and contacts, grouped, with the reason.

Same email: a GROUP BY on the lower-cased address. Same name: the stored ``search_key`` columns
cannot be grouped on for this (an organization's holds its name *and* native name, a contact's
its email and reading too), and the normalisation itself (NFKC width folding, Latin accents
removed, casefold) has no portable SQL form. So the names are read in one narrow query and
bucketed by ``name_key`` (organizations by ``organization_name_key``, legal forms aside:
監査工業（株） and 監査工業株式会社 are one): one pass, a fixed number of queries at any size.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.contacts.models import Contact
from crm.extensions import db
from crm.organizations.models import Organization
from crm.text import organization_name_key, search_key

REASONS = {
    "email": _l("same email"),
    "name": _l("same name"),
    "native_name": _l("same name in own script"),
}
SHOWN = 200  # groups per kind on the page; the count says how many there are


@dataclass
class Group:
    ids: tuple
    reasons: list = field(default_factory=list)
    records: list = field(default_factory=list)

    @property
    def reason_labels(self):
        return [REASONS[reason] for reason in self.reasons]


def name_key(*parts):
    """Case, accents, width and spacing aside, in any order: "Etxeberria Ane" = "ane etxeberria".

    Spaces are dropped, not just folded: 山田 太郎, 山田　太郎 and 山田太郎 are one name.
    """
    words = sorted(search_key(part) for part in parts if part and search_key(part))
    return "".join(words).replace(" ", "")


def organization_groups():
    rows = db.session.execute(
        select(Organization.id, Organization.name, Organization.native_name).where(
            Organization.deleted_at.is_(None)
        )
    )
    buckets = defaultdict(set)
    for org_id, name, native in rows:
        buckets["name", organization_name_key(name)].add(org_id)
        if native:
            buckets["native_name", organization_name_key(native)].add(org_id)
    groups, total = _groups(buckets)
    _load(groups, select(Organization).options(selectinload(Organization.owner)), Organization)
    return groups, total


def contact_groups():
    live = Contact.deleted_at.is_(None)
    email = func.lower(Contact.email)
    shared = (
        select(email)
        .where(live, Contact.email.is_not(None), Contact.email != "")
        .group_by(email)
        .having(func.count() > 1)
    )
    buckets = defaultdict(set)
    for contact_id, address in db.session.execute(
        select(Contact.id, email).where(live, email.in_(shared))
    ):
        buckets["email", address].add(contact_id)
    for contact_id, given, family, second, native in db.session.execute(
        select(
            Contact.id,
            Contact.given_name,
            Contact.family_name,
            Contact.second_family_name,
            Contact.native_name,
        ).where(live)
    ):
        buckets["name", name_key(given, family, second)].add(contact_id)
        if native:
            buckets["native_name", name_key(native)].add(contact_id)
    groups, total = _groups(buckets)
    statement = select(Contact).options(
        selectinload(Contact.organization), selectinload(Contact.owner)
    )
    _load(groups, statement, Contact)
    return groups, total


def _groups(buckets):
    """Buckets of two or more records, one group per set of records with all its reasons."""
    by_ids = {}
    for (reason, key), ids in sorted(buckets.items()):
        if len(ids) < 2 or not key:
            continue
        group = by_ids.setdefault(tuple(sorted(ids)), Group(tuple(sorted(ids))))
        if reason not in group.reasons:
            group.reasons.append(reason)
    groups = sorted(by_ids.values(), key=lambda g: g.ids)
    return groups[:SHOWN], len(groups)


def _load(groups, statement, model):
    """The records of the shown groups, in one query."""
    wanted = {record_id for group in groups for record_id in group.ids}
    if not wanted:
        return
    found = {item.id: item for item in db.session.scalars(statement.where(model.id.in_(wanted)))}
    for group in groups:
        group.records = [found[record_id] for record_id in group.ids]
