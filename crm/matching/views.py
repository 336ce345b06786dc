from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from crm.accounts.models import User
from crm.actions.models import Action
from crm.authorization import can_edit, require_edit
from crm.clock import now_utc
from crm.editing import one_click, who_was_first
from crm.extensions import db
from crm.matching import engine, services
from crm.matching.models import PIPELINE, STUCK_DAYS, Match, Stage, StageChange
from crm.meetings.models import Meeting
from crm.organizations.filters import Filters
from crm.organizations.models import Organization, Region, Sector
from crm.records import live_or_404
from crm.timezones import local_today

bp = Blueprint("matching", __name__, url_prefix="/matching")
LOADED = (
    selectinload(Match.basque).selectinload(Organization.owner),
    selectinload(Match.mie).selectinload(Organization.owner),
    selectinload(Match.owner),
)


@bp.app_template_global()
def concept_label(code, locale):
    """A matching concept in the reader's language (its code if the vocabulary lost it)."""
    concept = engine.vocabulary().concepts.get(code)
    return concept.label(locale) if concept else code


def get_live(match_id):
    return live_or_404(Match, match_id, *LOADED)


@bp.route("/")
def board():
    """Matches grouped by stage, with how long each has been in its stage."""
    filters = Filters.from_request()  # the pipeline's: the pipeline page links here
    statement = select(Match).where(
        Match.deleted_at.is_(None),
        *filters.about(Match.basque_id, Match.mie_id),
        *filters.owned(Match.owner_id),
    )
    matches = db.session.scalars(statement.order_by(Match.stage_since).options(*LOADED)).all()
    columns = {
        stage: [m for m in matches if m.stage is stage] for stage in [*PIPELINE, Stage.CLOSED]
    }
    return render_template(
        "matching/board.html",
        columns=columns,
        filters=filters,
        now=now_utc(),
        stuck=timedelta(days=STUCK_DAYS),
        sectors=db.session.scalars(select(Sector).order_by(Sector.id)).all(),
        regions=list(Region),
        owners=db.session.execute(select(User.id, User.name).order_by(User.name)).all(),
    )


@bp.route("/organizations/<id:organization_id>")
def proposals(organization_id):
    """The engine's proposals for one organization, each with the reasons behind it."""
    org = db.session.scalar(
        select(Organization).where(
            Organization.id == organization_id, Organization.deleted_at.is_(None)
        )
    )
    if org is None:
        abort(404)
    found = services.proposals(org.id, limit=10)
    partner_ids = {p.mie_id if org.region.side == "eu" else p.basque_id for p in found}
    partners = {
        o.id: o
        for o in db.session.scalars(select(Organization).where(Organization.id.in_(partner_ids)))
    }
    sectors = {s.id: s for s in db.session.scalars(select(Sector))}
    return render_template(
        "matching/proposals.html", org=org, found=found, partners=partners, sectors=sectors
    )


def pair_from_form():
    first = int_form("basque_id")
    second = int_form("mie_id")
    if first is None or second is None:
        abort(400)
    return first, second


def int_form(name):
    raw = request.form.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


@bp.route("/accept", methods=["POST"])
def accept():
    first, second = pair_from_form()
    try:
        match = services.accept(first, second, actor=current_user)
        db.session.commit()
    except ValueError:
        db.session.rollback()
        flash(_("A match joins one organization of each side of the bridge."), "danger")
        return redirect(request.referrer or url_for("matching.board"))
    except IntegrityError:
        db.session.rollback()
        flash(_("These two organizations are already a match."), "info")
        return redirect(url_for("matching.board"))
    flash(_("Match created: %(pair)s.", pair=str(get_live(match.id))), "success")
    return redirect(url_for("matching.detail", match_id=match.id))


@bp.route("/decline", methods=["POST"])
def decline():
    first, second = pair_from_form()
    try:
        services.decline(first, second, actor=current_user)
        db.session.commit()
    except (ValueError, IntegrityError):
        db.session.rollback()
    flash(_("This pair will not be proposed again."), "info")
    return redirect(url_for("matching.proposals", organization_id=int_form("from_id") or first))


@bp.route("/<id:match_id>")
def detail(match_id):
    match = get_live(match_id)
    history = db.session.scalars(
        select(StageChange)
        .where(StageChange.match_id == match.id)
        .order_by(StageChange.at)
        .options(selectinload(StageChange.by))
    ).all()
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.match_id == match.id, Meeting.deleted_at.is_(None))
        .order_by(Meeting.starts_at.desc())
    ).all()
    actions = db.session.scalars(
        select(Action)
        .where(Action.match_id == match.id, Action.deleted_at.is_(None))
        .order_by(Action.due_date)
        .options(*Action.listed())
    ).all()
    sectors = {s.id: s for s in db.session.scalars(select(Sector))}
    return render_template(
        "matching/detail.html",
        match=match,
        history=history,
        meetings=meetings,
        actions=actions,
        stages=[*PIPELINE, Stage.CLOSED],
        sectors=sectors,
        can_edit=can_edit(current_user, match),
        today=local_today(current_user.timezone),
    )


@bp.route("/<id:match_id>/stage", methods=["POST"])
def move(match_id):
    match = get_live(match_id)
    require_edit(match)
    try:
        stage = Stage(request.form.get("stage", ""))
    except ValueError:
        abort(400)
    reason = (request.form.get("reason") or "").strip()[:300] or None
    try:
        moved, _none, match = one_click(
            match, lambda m: services.move(m, stage, actor=current_user, reason=reason), get_live
        )
    except services.StageRefused:
        db.session.rollback()
        flash(_("Say why: going back a stage or closing a match needs a reason."), "danger")
        return redirect(url_for("matching.detail", match_id=match_id))
    if moved:
        flash(_("The match is now at “%(stage)s”.", stage=stage.label), "success")
    else:
        message = _("The match is at “%(stage)s”.", stage=match.stage.label)
        flash(f"{message} {who_was_first(match)}", "warning")
    return redirect(url_for("matching.detail", match_id=match.id))
