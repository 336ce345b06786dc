from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.actions.models import Action, Status
from crm.actions.services import set_status
from crm.authorization import can_edit, require_edit
from crm.clock import now_utc
from crm.deleting import trash_and_redirect
from crm.editing import edit_record
from crm.exports import export_list
from crm.extensions import db
from crm.listing import choice_arg, int_arg, paginate, query_args
from crm.matching.services import linked_match
from crm.meetings import services
from crm.meetings.fields import FIELDS
from crm.meetings.forms import MeetingForm
from crm.meetings.models import Meeting, MeetingKind, meeting_organizations
from crm.organizations.models import Organization, Region
from crm.records import live_or_404
from crm.text import like_pattern
from crm.timezones import local_today

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

LOADED = (
    selectinload(Meeting.organizations),
    selectinload(Meeting.contacts),
    selectinload(Meeting.attendees),
    selectinload(Meeting.owner),
)


def get_live(meeting_id):
    return live_or_404(Meeting, meeting_id, *LOADED)


def listed():
    """The list page's statement (filters and order, every page) and its filters."""
    statement = select(Meeting).where(Meeting.deleted_at.is_(None))
    filters = {
        "kind": choice_arg("kind", MeetingKind),
        "region": choice_arg("region", Region),
        "organization": int_arg("organization", None, 1, 2**31 - 1),
        "mine": request.args.get("mine") == "1",
        "q": request.args.get("q", "").strip()[:200],
    }
    if filters["kind"]:
        statement = statement.where(Meeting.kind == filters["kind"])
    if filters["region"] or filters["organization"]:
        orgs = select(meeting_organizations.c.meeting_id).join(
            Organization, Organization.id == meeting_organizations.c.organization_id
        )
        if filters["region"]:
            orgs = orgs.where(Organization.region == filters["region"])
        if filters["organization"]:
            orgs = orgs.where(Organization.id == filters["organization"])
        statement = statement.where(Meeting.id.in_(orgs))
    if filters["mine"]:
        statement = statement.where(Meeting.owner_id == current_user.id)
    if filters["q"]:
        statement = statement.where(
            Meeting.search_key.like(like_pattern(filters["q"]), escape="\\")
        )
    return statement.order_by(Meeting.starts_at.desc(), Meeting.id.desc()).options(*LOADED), filters


@bp.route("/")
def index():
    statement, filters = listed()
    page = paginate(statement)
    return render_template(
        "meetings/index.html",
        page=page,
        filters=filters,
        kinds=list(MeetingKind),
        regions=list(Region),
        query_args=query_args,
    )


@bp.route("/export.csv")
def export():
    statement, filters = listed()
    return export_list("meetings", statement, FIELDS.exported, filters=filters)


@bp.route("/<id:meeting_id>")
def detail(meeting_id):
    meeting = get_live(meeting_id)
    actions = db.session.scalars(
        select(Action)
        .where(Action.meeting_id == meeting.id, Action.deleted_at.is_(None))
        .order_by(Action.due_date)
        .options(*Action.listed())
    ).all()
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        actions=actions,
        counterpart_zones=counterpart_zones(meeting),
        can_edit=can_edit(current_user, meeting),
        today=local_today(current_user.timezone),
    )


def counterpart_zones(meeting):
    """The other side's time zones, for showing the meeting in their local time too."""
    zones = {c.timezone for c in meeting.contacts if c.timezone}
    zones |= {o.region.timezone for o in meeting.organizations if o.region.timezone}
    return sorted(zones - {current_user.timezone})


def local_fields(meeting, zone):
    local = meeting.starts_at.astimezone(ZoneInfo(zone))
    return {
        "date": local.date(),
        "time": local.time().replace(tzinfo=None),
        "occurrence": str(local.fold),
        "organization_ids": [o.id for o in meeting.organizations],
        "contact_ids": [c.id for c in meeting.contacts],
        "attendee_ids": [u.id for u in meeting.attendees],
    }


@bp.route("/new", methods=["GET", "POST"])
def create():
    preset_org = int_arg("organization_id", None, 1, 2**31 - 1)
    preset_contact = int_arg("contact_id", None, 1, 2**31 - 1)
    closing = action_to_close(int_arg("action_id", None, 1, 2**31 - 1))
    if closing is not None:
        preset_org = preset_org or closing.organization_id
        preset_contact = preset_contact or closing.contact_id
    now = now_utc().astimezone(ZoneInfo(current_user.timezone))
    form = MeetingForm(
        zone=current_user.timezone,
        data={
            "date": now.date(),
            "time": now.time().replace(second=0, microsecond=0, tzinfo=None),
            "organization_ids": [preset_org] if preset_org else [],
            "contact_ids": [preset_contact] if preset_contact else [],
            "attendee_ids": [current_user.id],
        },
    )
    match = linked_match(int_arg("match_id", None, 1, 2**31 - 1))
    if form.validate_on_submit():
        data = {**form.values(), "match_id": match.id if match else None}
        meeting = services.create_meeting(data, actor=current_user, new_actions=form.new_actions())
        if closing is not None and request.form.get("close_action"):
            # The meeting and the action it settles are saved together or not at all (DATA-2).
            set_status(closing, Status.DONE, actor=current_user)
        db.session.commit()
        flash(_("Meeting logged."), "success")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template(
        "meetings/form.html", form=form, meeting=None, closing=closing, match=match
    )


def action_to_close(action_id):
    """The open action this meeting settles (``?action_id=``), if the user may close it."""
    if action_id is None:
        return None
    action = db.session.scalar(
        select(Action).where(
            Action.id == action_id, Action.deleted_at.is_(None), Action.status == Status.OPEN
        )
    )
    if action is None:
        abort(404)
    require_edit(action)
    return action


def meeting_form(meeting, **kwargs):
    zone = current_user.timezone
    return MeetingForm(obj=meeting, zone=zone, data=local_fields(meeting, zone), **kwargs)


def save_meeting(meeting, form):
    services.update_meeting(meeting, form.values(), actor=current_user)
    services.add_next_actions(meeting, form.new_actions(), actor=current_user)


@bp.route("/<id:meeting_id>/edit", methods=["GET", "POST"])
def edit(meeting_id):
    meeting = get_live(meeting_id)
    require_edit(meeting)
    return edit_record(
        meeting,
        build_form=meeting_form,
        save=save_meeting,
        template="meetings/form.html",
        saved=lambda meeting: _("Meeting saved."),
        reload=get_live,
        context=lambda meeting: {"meeting": meeting},
    )


@bp.route("/<id:meeting_id>/delete", methods=["POST"])
def delete(meeting_id):
    return trash_and_redirect(
        get_live(meeting_id), _("The meeting was moved to the trash."), url_for("meetings.index")
    )
