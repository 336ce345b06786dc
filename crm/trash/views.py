from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.authorization import require_edit
from crm.contacts.models import Contact
from crm.extensions import db
from crm.trash.services import KINDS, RestoreRefused, move_to_trash, purge, restore

bp = Blueprint("trash", __name__, url_prefix="/trash")
SHOWN = 200


def trash_and_redirect(item, message, to):
    """Every area's delete route: check the right to edit, trash, commit, say so and go on."""
    require_edit(item)
    move_to_trash(item, actor=current_user)
    db.session.commit()
    flash(message, "info")
    return redirect(to)


def deleted(kind, record_id):
    model = KINDS.get(kind)
    item = db.session.get(model, record_id) if model else None
    if item is None or not item.is_deleted:
        abort(404)
    return item


@bp.route("/")
def index():
    groups = {}
    for kind, model in KINDS.items():
        statement = (
            select(model)
            .where(model.deleted_at.is_not(None))
            .order_by(model.deleted_at.desc())
            .limit(SHOWN)
        )
        if model is Contact:
            statement = statement.options(selectinload(Contact.organization))
        groups[kind] = db.session.scalars(statement).all()
    return render_template("trash/index.html", groups=groups)


@bp.route("/<kind>/<id:record_id>/restore", methods=["POST"])
def restore_record(kind, record_id):
    item = deleted(kind, record_id)
    try:
        restore(item, actor=current_user)
    except RestoreRefused:
        flash(_("Restore the organization of %(name)s first.", name=str(item)), "danger")
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
