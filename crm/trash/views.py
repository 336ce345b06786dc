from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.kinds import kind_named, kinds
from crm.trash.services import RestoreRefused, purge, restore

bp = Blueprint("trash", __name__, url_prefix="/trash")
SHOWN = 200


def deleted(name, record_id):
    kind = kind_named(name)
    item = db.session.get(kind.model, record_id) if kind and kind.trashable else None
    if item is None or not item.is_deleted:
        abort(404)
    return item


@bp.route("/")
def index():
    groups = {}
    for kind in kinds(trashable=True):
        model = kind.model
        statement = (
            select(model)
            .where(model.deleted_at.is_not(None))
            .order_by(model.deleted_at.desc())
            .limit(SHOWN)
        )
        if kind.shown_with:
            statement = statement.options(selectinload(getattr(model, kind.shown_with)))
        groups[kind] = db.session.scalars(statement).all()
    return render_template("trash/index.html", groups=groups, merged=merged_into(groups))


def merged_into(groups):
    """{(kind, id): the survivor's name} for the shown records that were merged into another."""
    mergeable = [kind for kind in groups if kind.mergeable]
    shown = [item.id for kind in mergeable for item in groups[kind]]
    if not shown:
        return {}
    rows = db.session.execute(
        select(AuditEvent.entity_type, AuditEvent.entity_id, AuditEvent.changes).where(
            AuditEvent.action == "merge",
            AuditEvent.entity_type.in_([kind.name for kind in mergeable]),
            AuditEvent.entity_id.in_(shown),
        )
    )
    return {
        (kind, record_id): changes["into_name"]
        for kind, record_id, changes in rows
        if changes.get("merged_into")
    }


@bp.route("/<kind>/<id:record_id>/restore", methods=["POST"])
def restore_record(kind, record_id):
    item = deleted(kind, record_id)
    try:
        restore(item, actor=current_user)
    except RestoreRefused as refused:
        flash(refused.args[0], "danger")
        return redirect(url_for("trash.index"))
    db.session.commit()
    flash(_("%(name)s was restored.", name=str(item)), "success")
    return redirect(url_for("trash.index"))


@bp.route("/<kind>/<id:record_id>/purge", methods=["POST"])
def purge_record(kind, record_id):
    item = deleted(kind, record_id)
    name = str(item)
    purge(item, actor=current_user)
    db.session.commit()
    flash(_("%(name)s was deleted for good.", name=name), "info")
    return redirect(url_for("trash.index"))
