"""Revert an import as a whole: what it created goes to the trash, what it updated gets its
previous values back.

A record edited after the import (its version moved on) is left as it is, and so is an
organization the import created that has since been given contacts or actions of its own:
reverting them would undo someone else's work. ``plan`` lists those so the page can say so
before anything happens; ``apply`` then reverts the rest, in the caller's transaction.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from crm.actions.models import Action
from crm.audit.services import plain, record_many
from crm.clock import now_utc
from crm.contacts.models import Contact
from crm.extensions import db
from crm.imports.lookups import chunks
from crm.imports.models import ImportChange, RunStatus
from crm.imports.services import (
    FIELDS,
    MODELS,
    derived_params,
    set_sectors,
    write_versioned,
)
from crm.organizations.models import Organization


@dataclass
class RevertPlan:
    trash: dict = field(default_factory=dict)  # entity type -> [(id, version)]
    restore: dict = field(default_factory=dict)  # entity type -> [(change, current columns)]
    kept: list = field(default_factory=list)  # [entity type, id, name, reason]
    done: int = 0  # created records that are already in the trash

    @property
    def count(self):
        return self.trashed + self.restored

    @property
    def trashed(self):
        return sum(map(len, self.trash.values()))

    @property
    def restored(self):
        return sum(map(len, self.restore.values()))


def name_of(entity_type, columns):
    if entity_type == "organization":
        return columns["name"]
    return f"{columns['given_name']} {columns['family_name']}"


def plan(run):
    result = RevertPlan()
    changes = db.session.execute(
        select(ImportChange).where(ImportChange.run_id == run.id).order_by(ImportChange.id)
    ).scalars().all()  # fmt: skip
    for entity_type, model in MODELS.items():
        mine = [c for c in changes if c.entity_type == entity_type]
        current = {}
        for chunk in chunks({c.entity_id for c in mine}):
            table = model.__table__
            current.update(
                (r.id, dict(r._mapping))
                for r in db.session.execute(select(table).where(table.c.id.in_(chunk)))
            )
        for change in mine:
            now = current.get(change.entity_id)
            if now is None:
                result.kept.append([entity_type, change.entity_id, "",
                                    _("deleted for good since the import")])  # fmt: skip
            elif change.created and now["deleted_at"] is not None:
                result.done += 1
            elif now["version"] != change.version:
                result.kept.append([entity_type, change.entity_id, name_of(entity_type, now),
                                    _("changed since the import")])  # fmt: skip
            elif change.created:
                result.trash.setdefault(entity_type, []).append((change.entity_id, now["version"]))
            else:
                result.restore.setdefault(entity_type, []).append((change, now))
    keep_organizations_with_new_dependents(run, result, changes)
    return result


def keep_organizations_with_new_dependents(run, result, changes):
    """Created organizations that now hold contacts or actions the import did not create."""
    orgs = {org_id for org_id, _v in result.trash.get("organization", [])}
    if not orgs:
        return
    imported = {c.entity_id for c in changes if c.entity_type == "contact" and c.created}
    busy = set()
    for chunk in chunks(orgs):
        for model in (Contact, Action):
            for record_id, org_id in db.session.execute(
                select(model.id, model.organization_id).where(
                    model.organization_id.in_(chunk), model.deleted_at.is_(None)
                )
            ):
                if model is Action or record_id not in imported:
                    busy.add(org_id)
    names = dict(
        db.session.execute(select(Organization.id, Organization.name).where(
            Organization.id.in_(list(busy)[:1000]))).all()
    ) if busy else {}  # fmt: skip
    result.trash["organization"] = [p for p in result.trash["organization"] if p[0] not in busy]
    for org_id in sorted(busy):
        result.kept.append(["organization", org_id, names.get(org_id, ""),
                            _("has contacts or actions added since the import")])  # fmt: skip


def apply(run, revert_plan, *, actor):
    now = now_utc()
    for entity_type, pairs in revert_plan.trash.items():
        params = [{"b_id": i, "b_version": v} for i, v in pairs]
        write_versioned(MODELS[entity_type], (), params, now, deleted_at=now,
                        deleted_by_id=actor.id)  # fmt: skip
        record_many(
            "delete",
            entity_type,
            [(i, {"import_run": [run.id, None]}) for i, _v in pairs],
            actor=actor,
        )
    for entity_type, items in revert_plan.restore.items():
        restore(run, MODELS[entity_type], entity_type, items, now=now, actor=actor)
    run.status, run.reverted_at = RunStatus.REVERTED, now
    run.mapping = {**run.mapping, "kept": revert_plan.kept}
    db.session.flush()


def restore(run, model, entity_type, items, *, now, actor):
    groups = {}
    for change, current in items:
        names = tuple(sorted(k for k in change.previous if k != "sector_ids"))
        groups.setdefault(names, []).append((change, current))
    for names, group in groups.items():
        params = []
        for change, current in group:
            merged = {**current, **{k: change.previous[k] for k in names}}
            params.append(
                {"b_id": change.entity_id, "b_version": current["version"]}
                | derived_params(model, merged)
                | {f"b_{k}": merged[k] for k in names}
            )
        write_versioned(model, (*names, *FIELDS[model].derived), params, now)
    if model is Organization:
        set_sectors(
            [(c.entity_id, c.previous["sector_ids"]) for c, _cur in items
             if "sector_ids" in c.previous],
            replace=True,
        )  # fmt: skip
    record_many(
        "update",
        entity_type,
        [
            (change.entity_id,
             {**{k: [plain(current.get(k)) if k != "sector_ids" else None, v]
                 for k, v in change.previous.items()},
              "import_run": [run.id, None]})
            for change, current in items
        ],
        actor=actor,
    )  # fmt: skip
