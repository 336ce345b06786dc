from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, func, select

from crm.actions import oneclick, services
from crm.actions.fields import FIELDS
from crm.actions.filters import bucket_arg, bucket_clauses, filter_choices
from crm.actions.forms import ActionForm
from crm.actions.models import Action, Status
from crm.authorization import require_edit
from crm.clock import now_utc
from crm.deleting import trash_and_redirect
from crm.editing import edit_record, one_click, who_was_first
from crm.exports import export_list
from crm.extensions import db
from crm.listing import choice_arg, int_arg, paginate, query_args, sort_arg
from crm.matching.services import linked_match
from crm.organizations.filters import Filters
from crm.records import live_or_404
from crm.security import log_event, safe_next
from crm.timezones import local_today

bp = Blueprint("actions", __name__, url_prefix="/actions")

GROUPS = ("overdue", "today", "week", "later")
GROUP_SHOWN = 25
SORTS = {
    "due": (Action.due_date, Action.id),
    "title": (Action.title, Action.id),
    "created": (Action.created_at, Action.id),
}


def get_live(action_id):
    return live_or_404(Action, action_id, *Action.listed())


@bp.route("/mine")
def mine():
    """My open actions: overdue, today, this week (next 7 days), later."""
    today = local_today(current_user.timezone)
    bucket = case(
        (Action.due_date < today, 0),
        (Action.due_date == today, 1),
        (Action.due_date <= today + timedelta(days=7), 2),
        else_=3,
    )
    order = (Action.due_date, Action.priority.desc(), Action.id)
    # The first actions of each group and each group's size, in one query.
    ranked = (
        select(
            Action.id,
            bucket.label("bucket"),
            func.row_number().over(partition_by=bucket, order_by=order).label("rank"),
            func.count().over(partition_by=bucket).label("total"),
        )
        .where(
            Action.owner_id == current_user.id,
            Action.status == Status.OPEN,
            Action.deleted_at.is_(None),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.id, ranked.c.bucket, ranked.c.total).where(ranked.c.rank <= GROUP_SHOWN)
    ).all()
    actions = db.session.scalars(
        select(Action)
        .where(Action.id.in_([row.id for row in rows]))
        .order_by(*order)
        .options(*Action.listed())
    ).all()
    where = {row.id: row.bucket for row in rows}
    groups = {name: [a for a in actions if where[a.id] == n] for n, name in enumerate(GROUPS)}
    totals = {GROUPS[row.bucket]: row.total for row in rows}
    return render_template("actions/mine.html", groups=groups, totals=totals, today=today)


def listed():
    """The list page's statement (filters and order, every page), its filters and its sort.

    Besides status and organization, the list takes the pipeline's filters (region, sector,
    owner, period) and buckets, so that every count on the pipeline page opens its rows here.
    """
    scope = Filters.from_request()
    filters = {
        "status": choice_arg("status", Status)
        or (None if request.args.get("status") == "all" else Status.OPEN),
        "organization": int_arg("organization", None, 1, 2**31 - 1),
        "bucket": bucket_arg(),
        **scope.args(),
        "period": scope.period,
    }
    statement = select(Action).where(
        Action.deleted_at.is_(None),
        *scope.about(Action.organization_id),
        *scope.owned(Action.owner_id),
    )
    if filters["bucket"]:
        today = local_today(current_user.timezone)
        statement = statement.where(*bucket_clauses(filters["bucket"], today, scope.since))
    elif filters["status"]:
        statement = statement.where(Action.status == filters["status"])
    if filters["organization"]:
        statement = statement.where(Action.organization_id == filters["organization"])
    sort, order = sort_arg(SORTS, "due")
    return statement.order_by(*order).options(*Action.listed()), filters, sort


@bp.route("/")
def index():
    statement, filters, sort = listed()
    page = paginate(statement)
    return render_template(
        "actions/index.html",
        page=page,
        filters=filters,
        sort=sort,
        statuses=list(Status),
        **filter_choices(),
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
    match = linked_match(int_arg("match_id", None, 1, 2**31 - 1))
    if form.validate_on_submit():
        data = {**form.values(), "match_id": match.id if match else None}
        action = services.create_action(data, actor=current_user)
        db.session.commit()
        flash(_("Action %(title)s created.", title=action.title), "success")
        return redirect(url_for("actions.mine"))
    return render_template("actions/form.html", form=form, action=None, match=match)


@bp.route("/<id:action_id>/edit", methods=["GET", "POST"])
def edit(action_id):
    action = get_live(action_id)
    require_edit(action)
    return edit_record(
        action,
        build_form=lambda action, **kwargs: ActionForm(obj=action, **kwargs),
        save=lambda action, form: services.update_action(action, form.values(), actor=current_user),
        template="actions/form.html",
        done=lambda action: url_for("actions.mine"),
        saved=lambda action: _("Action %(title)s saved.", title=action.title),
        reload=get_live,
        context=lambda action: {"action": action},
    )


@bp.route("/<id:action_id>/status", methods=["POST"])
def set_status(action_id):
    """Mark done, cancel or reopen, from a list (in place with htmx) or a record page."""
    action = get_live(action_id)
    require_edit(action)
    try:
        status = Status(request.form.get("status", ""))
    except ValueError:
        abort(400)
    changed, following, action = (
        one_click(action, lambda a: services.set_status(a, status, actor=current_user), get_live)
        if action.status is not status
        else (False, None, action)
    )
    # When someone was first, their change stands and this click changed nothing.
    note = None if changed else _("Already “%(status)s”.", status=action.status.label)
    if request.headers.get("HX-Request"):
        return render_template(
            "actions/_row.html",
            action=action,
            following=following,
            today=local_today(current_user.timezone),
            note=note and f"{note} {who_was_first(action)}",
        )
    if note:
        flash(f"{note} {who_was_first(action)}", "warning")
    if changed and status is Status.DONE:
        flash(_("Done: %(title)s.", title=action.title), "success")
        if following:
            flash(_("Next one due on %(date)s.", date=following.due_date.isoformat()), "info")
    return redirect(
        safe_next(request.form.get("next")) if request.form.get("next") else url_for("actions.mine")
    )


@bp.route("/one-click/<ticket>", methods=["GET", "POST"])
def one_click_link(ticket):
    """A digest's "Mark done" / "Snooze a week": GET asks to confirm, POST (CSRF) does it,
    through the same services as the buttons, so history and versions are kept."""
    data = oneclick.read_ticket(ticket)
    if data is None:
        return render_template("actions/one_click.html", state="invalid", action=None), 400
    action = db.session.get(Action, data["a"], options=Action.listed())
    if action is None or action.is_deleted:
        return render_template("actions/one_click.html", state="gone", action=None), 410
    if action.owner_id != current_user.id:
        log_event("forbidden", user_id=current_user.id, reason=f"one-click of action {action.id}")
        return render_template("actions/one_click.html", state="others", action=action), 403
    if oneclick.expired(data, now_utc()):
        return render_template("actions/one_click.html", state="expired", action=action), 410
    if action.version != data["v"] or not action.is_open:
        return render_template("actions/one_click.html", state="used", action=action), 410
    operation = data["o"]
    if request.method == "GET":
        return render_template(
            "actions/one_click.html", state="confirm", action=action, operation=operation
        )
    if operation == "done":
        change = lambda a: services.set_status(a, Status.DONE, actor=current_user)  # noqa: E731
    else:
        later = local_today(current_user.timezone) + oneclick.SNOOZE
        change = lambda a: services.update_action(a, {"due_date": later}, actor=current_user)  # noqa: E731
    changed, _following, action = one_click(action, change, get_live)
    if not changed:
        return render_template("actions/one_click.html", state="used", action=action), 410
    if operation == "done":
        flash(_("Done: %(title)s.", title=action.title), "success")
    else:
        flash(
            _("%(title)s is now due on %(date)s.", title=action.title, date=format_date(later)),
            "success",
        )
    return redirect(url_for("actions.mine"))


@bp.route("/export.csv")
def export():
    statement, filters, sort = listed()
    return export_list("actions", statement, FIELDS.exported, filters={**filters, "sort": sort})


@bp.route("/<id:action_id>/delete", methods=["POST"])
def delete(action_id):
    return trash_and_redirect(
        get_live(action_id), _("The action was moved to the trash."), url_for("actions.mine")
    )
