"""Write a checked file, and revert it later. They flush; the view commits once.

Rows are written in bulk (one INSERT ... RETURNING for the new records, one executemany UPDATE
per set of changed fields, the history and the revert notes in bulk too), all in the caller's
transaction: an import is written whole or not at all.
"""

from sqlalchemy import bindparam, delete, func, insert, select, update

from crm.audit.services import plain, record_many
from crm.clock import now_utc
from crm.contacts import fields as contacts
from crm.contacts.models import Contact, NameOrder
from crm.extensions import db
from crm.imports.lookups import chunks
from crm.imports.models import ImportChange, ImportKind, ImportRun, RunStatus
from crm.imports.plan import CREATE, SKIP, UNCHANGED, UPDATE
from crm.organizations import fields as organizations
from crm.organizations.models import Organization, organization_sectors

MODELS = {"organization": Organization, "contact": Contact}
FIELDS = {Organization: organizations.FIELDS, Contact: contacts.FIELDS}


class ChangedMeanwhile(Exception):
    """A record matched by the preview changed before the import wrote to it."""


def new_run(kind, filename, stored_name, table, *, actor):
    run = ImportRun(
        kind=kind,
        owner_id=actor.id,
        filename=filename,
        stored_name=stored_name,
        file_format=table.file_format,
        encoding=table.encoding,
        mapping={"headers": table.header},
        status=RunStatus.UPLOADED,
        total_rows=len(table.rows),
        skipped=[],
    )
    db.session.add(run)
    db.session.flush()
    return run


def keep_mapping(run, headers, columns, options, plan):
    """Keep on the run the columns and options chosen and what they would do: the preview and
    the report show them, the confirmation writes with them, the next import starts from them."""
    run.mapping = {
        "headers": headers,
        "columns": columns,
        "remember": {headers[int(i)]: name for i, name in columns.items()},
        **options,
        "counts": {
            "create": plan.count(CREATE),
            "update": plan.count(UPDATE),
            "skip": plan.count(SKIP, UNCHANGED),
            "problems": sum(1 for row in plan.rows if row.problems),
        },
    }


def last_mapping(kind, user):
    """{header: field} of the user's last mapped import of this kind, to prefill the next."""
    mapping = db.session.scalar(
        select(ImportRun.mapping)
        .where(
            ImportRun.owner_id == user.id,
            ImportRun.kind == kind,
            ImportRun.status != RunStatus.UPLOADED,
        )
        .order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
        .limit(1)
    )
    return (mapping or {}).get("remember", {})


def derived_params(model, values):
    """The derived columns (the search key) of a record with ``values``, as bind parameters."""
    return {f"b_{name}": value for name, value in FIELDS[model].derive(values.get).items()}


def new_columns(kind, values, *, actor, now):
    """Every column of a new record, so that one executemany INSERT takes them all."""
    row = FIELDS[MODELS[kind]].new_row(values)
    return {**row, "created_at": now, "updated_at": now, "version": 1,
            "owner_id": row["owner_id"] or actor.id}  # fmt: skip


def insert_returning_ids(model, rows):
    """Insert ``rows`` and return their new ids, in the order of ``rows``."""
    if not rows:
        return []
    table = model.__table__
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLAlchemy inserts one row per statement to keep RETURNING in order on SQLite. One
        # executemany instead: SQLite gives each row max(id) + 1, and our transaction holds the
        # database's only write lock from the first row on, so the new ids are the last ones.
        db.session.execute(insert(table), rows)
        last = db.session.scalar(select(func.max(table.c.id)))
        return list(range(last - len(rows) + 1, last + 1))
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.execute(statement, rows).scalars())


def created_changes(columns, run):
    shown = {k: [None, plain(v)] for k, v in columns.items() if v is not None and k not in (
        "created_at", "updated_at", "version", "search_key", "is_primary")}  # fmt: skip
    return {**shown, "import_run": [None, run.id]}


def apply(run, plan, *, actor):
    """Write ``plan`` (checked moments ago) for ``run``; returns (created, updated, skipped)."""
    now = now_utc()
    entity = run.kind.value
    changes, audit_created = [], []
    organization_ids = create_organizations(run, plan, actor=actor, now=now)
    creating = [row for row in plan.rows if row.action == CREATE]
    columns = []
    for row in creating:
        if row.new_organization:
            row.values["organization_id"] = organization_ids[row.new_organization]
        columns.append(new_columns(entity, row.values, actor=actor, now=now))
    ids = insert_returning_ids(MODELS[entity], columns)
    for row, record_id, values in zip(creating, ids, columns, strict=True):
        audit_created.append((record_id, created_changes(values, run)))
        changes.append({"run_id": run.id, "entity_type": entity, "entity_id": record_id,
                        "row_number": row.number, "created": True, "previous": None,
                        "version": 1})  # fmt: skip
    if run.kind is ImportKind.ORGANIZATION:
        set_sectors([(i, r.sector_ids) for i, r in zip(ids, creating, strict=True)], replace=False)
        organization_ids = {row.number: row.target_id for row in plan.rows}
        organization_ids.update((row.number, i) for row, i in zip(creating, ids, strict=True))
        add_people(run, plan, organization_ids, actor=actor, now=now)
    updating = [row for row in plan.rows if row.action == UPDATE]
    update_records(run, updating, now=now)
    changes.extend(
        {"run_id": run.id, "entity_type": entity, "entity_id": row.target_id,
         "row_number": row.number, "created": False,
         "previous": {k: plain(old) for k, (old, _new) in row.changes.items()},
         "version": row.current["version"] + 1}
        for row in updating
    )  # fmt: skip
    record_many("create", entity, audit_created, actor=actor)
    record_many(
        "update",
        entity,
        [
            (row.target_id, {**{k: [plain(o), plain(n)] for k, (o, n) in row.changes.items()},
                             "import_run": [None, run.id]})
            for row in updating
        ],
        actor=actor,
    )  # fmt: skip
    if changes:
        db.session.execute(insert(ImportChange.__table__), changes)
    skipped = [[row.number, row.reasons] for row in plan.rows if row.action not in (CREATE, UPDATE)]
    run.status, run.imported_at = RunStatus.IMPORTED, now
    run.created_count, run.updated_count = len(creating), len(updating)
    run.skipped_count, run.skipped = len(skipped), skipped
    db.session.flush()
    return run


def create_organizations(run, plan, *, actor, now):
    """The organizations a contact import creates ("create missing organizations")."""
    columns = [
        new_columns("organization", {**values, "country": _country(values)}, actor=actor, now=now)
        for values in plan.new_organizations.values()
    ]
    ids = write_created(run, "organization", columns, [None] * len(columns), actor=actor)
    return dict(zip(plan.new_organizations, ids, strict=True))


def add_people(run, plan, organization_ids, *, actor, now):
    """The contacts an organization file's person column (担当者, Contact) adds at them."""
    imported = (CREATE, UPDATE, UNCHANGED)
    rows = [row for row in plan.rows if row.person and row.adds_person and row.action in imported]
    columns = [
        new_columns("contact", {**row.person, "name_order": NameOrder(row.person["name_order"]),
                                "organization_id": organization_ids[row.number],
                                "owner_id": row.values.get("owner_id")}, actor=actor, now=now)
        for row in rows
    ]  # fmt: skip
    write_created(run, "contact", columns, [row.number for row in rows], actor=actor)
    return len(rows)


def write_created(run, entity, columns, row_numbers, *, actor):
    """Insert new records with their history and their revert notes; their ids, in order."""
    if not columns:
        return []
    ids = insert_returning_ids(MODELS[entity], columns)
    record_many(
        "create", entity, [(i, created_changes(c, run)) for i, c in zip(ids, columns, strict=True)],
        actor=actor,
    )  # fmt: skip
    db.session.execute(
        insert(ImportChange.__table__),
        [
            {"run_id": run.id, "entity_type": entity, "entity_id": i, "row_number": number,
             "created": True, "previous": None, "version": 1}
            for i, number in zip(ids, row_numbers, strict=True)
        ],
    )  # fmt: skip
    return ids


def _country(values):
    from crm.imports.vocabulary import REGION_COUNTRIES

    return REGION_COUNTRIES.get(values["region"]) or "ZZ"


def update_records(run, rows, *, now):
    """One executemany UPDATE per set of changed fields, each guarded by the version read."""
    model = MODELS[run.kind.value]
    groups = {}
    for row in rows:
        names = tuple(sorted(k for k in row.changes if k != "sector_ids"))
        groups.setdefault(names, []).append(row)
    for names, group in groups.items():
        params = []
        for row in group:
            merged = {**row.current, **{k: new for k, (_old, new) in row.changes.items()}}
            params.append({"b_id": row.target_id, "b_version": row.current["version"],
                           **derived_params(model, merged),
                           **{f"b_{k}": merged[k] for k in names}})  # fmt: skip
        write_versioned(model, (*names, *FIELDS[model].derived), params, now)
    if model is Organization:
        set_sectors(
            [(r.target_id, r.changes["sector_ids"][1]) for r in rows if "sector_ids" in r.changes],
            replace=True,
        )


def write_versioned(model, names, params, now, **fixed):
    """UPDATE ``names`` (from b_<name> parameters) and ``fixed`` where id and version are as read.

    The version guard makes an edit saved since the check a ChangedMeanwhile (the caller rolls
    back) rather than a silent overwrite (DATA-1).
    """
    if not params:
        return
    table = model.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values(
            {name: bindparam(f"b_{name}") for name in names}
            | fixed
            | {"version": table.c.version + 1, "updated_at": now}
        )
    )
    result = db.session.execute(statement, params)
    dialect = db.session.get_bind().dialect
    if dialect.supports_sane_multi_rowcount and result.rowcount != len(params):
        raise ChangedMeanwhile


def set_sectors(pairs, *, replace):
    pairs = [(org_id, ids) for org_id, ids in pairs if ids is not None]
    if replace:
        for chunk in chunks({org_id for org_id, _ids in pairs}):
            db.session.execute(
                delete(organization_sectors).where(
                    organization_sectors.c.organization_id.in_(chunk)
                )
            )
    rows = [{"organization_id": o, "sector_id": s} for o, ids in pairs for s in sorted(set(ids))]
    if rows:
        db.session.execute(insert(organization_sectors), rows)
