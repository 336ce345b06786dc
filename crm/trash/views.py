from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

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
        if kind.mergeable:  # the survivor's name, in the same query
            statement = statement.options(joinedload(model.merged_into))
        groups[kind] = db.session.scalars(statement).all()
    return render_template("trash/index.html", groups=groups)


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
