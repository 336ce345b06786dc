"""Organization operations shared by views, CLI and demo data. They flush; the caller commits."""

from sqlalchemy import or_, select

from crm.audit.services import diff, record
from crm.clock import now_utc
from crm.extensions import db
from crm.organizations.fields import FIELDS
from crm.organizations.models import Organization, OrganizationLink, Sector
from crm.text import like_pattern, organization_name_key, without_legal_form


def sectors_by_id(ids):
    if not ids:
        return []
    return db.session.scalars(select(Sector).where(Sector.id.in_(ids)).order_by(Sector.id)).all()


def _apply(org, data):
    changes = diff(org, data, [f for f in FIELDS.written if f in data])
    if "sector_ids" in data:
        new = sectors_by_id(data["sector_ids"])
        old_codes, new_codes = [s.code for s in org.sectors], [s.code for s in new]
        if sorted(old_codes) != sorted(new_codes):
            changes["sectors"] = [sorted(old_codes), sorted(new_codes)]
            org.sectors = new
            org.updated_at = now_utc()  # a change of sectors alone changes the profile too
    if "cadence_days" in changes:
        org.set_last_contact(org.last_contact_at)
    FIELDS.refresh(org)
    return changes


def create_organization(data, *, actor):
    org = Organization(owner_id=actor.id, sectors=[])
    changes = _apply(org, {**FIELDS.defaults, **data})
    db.session.add(org)
    db.session.flush()
    record("create", org, actor=actor, changes=changes)
    return org


def update_organization(org, data, *, actor):
    changes = _apply(org, data)
    if changes:
        db.session.flush()
        record("update", org, actor=actor, changes=changes)
    return changes


def add_link(source, target, data, *, actor):
    link = OrganizationLink(source=source, target=target, **data)
    db.session.add(link)
    db.session.flush()
    record(
        "link",
        source,
        actor=actor,
        changes={"link": [None, f"{data['kind'].value} #{target.id}"]},
    )
    return link


def remove_link(link, *, actor):
    record(
        "unlink",
        Organization,
        link.from_id,
        actor=actor,
        changes={"link": [f"{link.kind.value} #{link.to_id}", None]},
    )
    db.session.delete(link)


def likely_duplicates(name, native_name, *, limit=5):
    """Live organizations whose name or native name is ``name`` or ``native_name`` but for
    legal form, case, width and spacing: a few candidates by SQL, compared exactly here."""
    wanted = {organization_name_key(n) for n in (name, native_name) if n} - {""}
    words = [max(without_legal_form(n).split(), key=len) for n in (name, native_name) if n]
    if not wanted or not words:
        return []
    candidates = db.session.scalars(
        select(Organization)
        .where(
            Organization.deleted_at.is_(None),
            or_(*(Organization.search_key.like(like_pattern(w), escape="\\") for w in words)),
        )
        .order_by(Organization.id)
        .limit(200)
    )
    found = [
        org
        for org in candidates
        if wanted & {organization_name_key(n) for n in (org.name, org.native_name) if n}
    ]
    return found[:limit]
