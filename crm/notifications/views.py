from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import DBAPIError

from crm.extensions import db
from crm.notifications import listing, mentions
from crm.notifications.services import (  # importing it connects the history's signal
    active_users,
    mark_read,
    unread_count,
)

bp = Blueprint("notifications", __name__)


@bp.app_template_global()
def unread_notifications():
    """The bell's count: one query per page, however often the page asks.

    None when the database cannot say: the 503 page shows the bell without a count.
    """
    if "unread_notifications" not in g:
        try:
            g.unread_notifications = unread_count(current_user.id)
        except DBAPIError:
            db.session.rollback()
            g.unread_notifications = None
    return g.unread_notifications


@bp.app_template_global()
def mention_parts(text):
    """``text`` in pieces with its ``@name`` mentions marked (the people read once per page)."""
    if "mention_handles" not in g:
        g.mention_handles = mentions.handles(active_users())
    return mentions.parts(text, g.mention_handles)


@bp.route("/notifications")
def index():
    items = listing.latest(current_user.id)
    return render_template("notifications/index.html", items=items, shown=listing.SHOWN)


@bp.route("/notifications/<id:notification_id>/read", methods=["POST"])
def read(notification_id):
    """Mark one of mine read; another person's notification is not mine to mark."""
    mark_read(current_user.id, notification_id)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/read", methods=["POST"])
def read_all():
    if mark_read(current_user.id):
        flash(_("All your notifications are marked read."), "success")
    db.session.commit()
    return redirect(url_for("notifications.index"))
