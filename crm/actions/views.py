from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crm.accounts.models import User
from crm.actions import services
from crm.actions.forms import ActionForm
from crm.actions.models import Action, Status
from crm.authorization import require_edit
from crm.extensions import db
from crm.listing import choice_arg, int_arg, paginate, query_args, sort_arg
from crm.records import EditConflict, check_version
from crm.security import safe_next
from crm.timezones import local_today
from crm.trash.services import move_to_trash

bp = Blueprint("actions", __name__, url_prefix="/actions")

LATER_SHOWN = 50
SORTS = {
    "due": (Action.due_date, Action.id),
    "title": (Action.title, Action.id),
    "created": (Action.created_at, Action.id),
}


def get_live(action_id):
    action = db.session.scalar(
        select(Action)
        .where(Action.id == action_id, Action.deleted_at.is_(None))
        .options(*Action.listed())
    )
    if action is None:
        abort(404)
    return action


@bp.route("/mine")
def mine():
    """My open actions: overdue, today, this week (next 7 days), later."""
    today = local_today(current_user.timezone)
    week_end = today + timedelta(days=7)
    base = (
        select(Action)
        .where(
            Action.owner_id == current_user.id,
            Action.status == Status.OPEN,
            Action.deleted_at.is_(None),
        )
        .order_by(Action.due_date, Action.priority.desc(), Action.id)
        .options(*Action.listed())
    )
    soon = db.session.scalars(base.where(Action.due_date <= week_end)).all()
    later = db.session.scalars(base.where(Action.due_date > week_end).limit(LATER_SHOWN + 1)).all()
    groups = {
        "overdue": [a for a in soon if a.due_date < today],
        "today": [a for a in soon if a.due_date == today],
        "week": [a for a in soon if today < a.due_date <= week_end],
        "later": later[:LATER_SHOWN],
    }
    return render_template(
        "actions/mine.html", groups=groups, more_later=len(later) > LATER_SHOWN, today=today
    )


@bp.route("/")
def index():
    statement = select(Action).where(Action.deleted_at.is_(None))
    filters = {
        "status": choice_arg("status", Status)
        or (None if request.args.get("status") == "all" else Status.OPEN),
        "owner": int_arg("owner", None, 1, 2**31 - 1),
        "organization": int_arg("organization", None, 1, 2**31 - 1),
        "overdue": request.args.get("overdue") == "1",
    }
    if filters["status"]:
        statement = statement.where(Action.status == filters["status"])
    if filters["owner"]:
        statement = statement.where(Action.owner_id == filters["owner"])
    if filters["organization"]:
        statement = statement.where(Action.organization_id == filters["organization"])
    if filters["overdue"]:
        statement = statement.where(
            Action.status == Status.OPEN, Action.due_date < local_today(current_user.timezone)
        )
    sort, order = sort_arg(SORTS, "due")
    page = paginate(statement.order_by(*order).options(*Action.listed()))
    owners = db.session.execute(select(User.id, User.name).order_by(User.name)).all()
    return render_template(
        "actions/index.html",
        page=page,
        filters=filters,
        sort=sort,
        owners=owners,
        statuses=list(Status),
        query_args=query_args,
        today=local_today(current_user.timezone),
    )


@bp.route("/new", methods=["GET", "POST"])
def create():
    preset = {
        "owner_id": current_user.id,
        "organization_id": request.args.get("organization_id", ""),
        "contact_id": request.args.get("contact_id", ""),
        "due_date": local_today(current_user.timezone) + timedelta(days=7),
    }
    form = ActionForm(data=preset)
    if form.validate_on_submit():
        action = services.create_action(form.values(), actor=current_user)
        db.session.commit()
        flash(_("Action %(title)s created.", title=action.title), "success")
        return redirect(url_for("actions.mine"))
    return render_template("actions/form.html", form=form, action=None)


@bp.route("/<id:action_id>/edit", methods=["GET", "POST"])
def edit(action_id):
    action = get_live(action_id)
    require_edit(action)
    form = ActionForm(obj=action)
    if form.validate_on_submit():
        try:
            check_version(action, form.version.data)
            services.update_action(action, form.values(), actor=current_user)
            db.session.commit()
        except EditConflict:
            db.session.rollback()
            action = get_live(action_id)
            theirs = {name: getattr(action, name) for name in form.values()}
            form.version.data = action.version
            return render_template(
                "actions/form.html", form=form, action=action, conflict=theirs
            ), 409
        flash(_("Action %(title)s saved.", title=action.title), "success")
        return redirect(url_for("actions.mine"))
    if request.method == "GET":
        form.version.data = action.version
    return render_template("actions/form.html", form=form, action=action)


@bp.route("/<id:action_id>/status", methods=["POST"])
def set_status(action_id):
    """Mark done, cancel or reopen, from a list (in place with htmx) or a record page."""
    action = get_live(action_id)
    require_edit(action)
    try:
        status = Status(request.form.get("status", ""))
    except ValueError:
        abort(400)
    following = services.set_status(action, status, actor=current_user)
    db.session.commit()
    if request.headers.get("HX-Request"):
        return render_template(
            "actions/_row.html",
            action=action,
            following=following,
            today=local_today(current_user.timezone),
        )
    if status is Status.DONE:
        flash(_("Done: %(title)s.", title=action.title), "success")
        if following:
            flash(_("Next one due on %(date)s.", date=following.due_date.isoformat()), "info")
    return redirect(
        safe_next(request.form.get("next")) if request.form.get("next") else url_for("actions.mine")
    )


@bp.route("/<id:action_id>/delete", methods=["POST"])
def delete(action_id):
    action = get_live(action_id)
    require_edit(action)
    move_to_trash(action, actor=current_user)
    db.session.commit()
    flash(_("The action was moved to the trash."), "info")
    return redirect(url_for("actions.mine"))
