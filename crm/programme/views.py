from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.authorization import can_edit, require_edit
from crm.deleting import trash_and_redirect
from crm.editing import edit_record
from crm.events.models import Event
from crm.extensions import db
from crm.programme import services
from crm.programme.forms import AgreementForm, StoryForm
from crm.programme.models import Agreement, SuccessStory
from crm.records import live_or_404
from crm.visits.models import Visit

bp = Blueprint("programme", __name__, url_prefix="/programme")
FOLLOWERS_SHOWN = 50

AGREEMENT_LOADED = (
    selectinload(Agreement.parties),
    selectinload(Agreement.sectors),
    selectinload(Agreement.owner),
)
STORY_LOADED = (
    selectinload(SuccessStory.organizations),
    selectinload(SuccessStory.match),
    selectinload(SuccessStory.owner),
)


def agreement_url(item):
    return url_for("programme.agreement", agreement_id=item.id)


def story_url(item):
    return url_for("programme.story", story_id=item.id)


def create_page(form, save, template, detail_url):
    if form.validate_on_submit():
        item = save(None, form.values(), actor=current_user)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(detail_url(item))
    return render_template(template, form=form, item=None)


def edit_page(item, build_form, save, template, reload):
    return edit_record(
        item,
        build_form=build_form,
        save=lambda item, form: save(item, form.values(), actor=current_user),
        template=template,
        reload=reload,
        context=lambda item: {"item": item},
    )


@bp.route("/agreements/")
def agreements():
    items = db.session.scalars(
        select(Agreement)
        .where(Agreement.deleted_at.is_(None))
        .order_by(Agreement.signed_on.desc().nulls_last(), Agreement.id.desc())
        .options(*AGREEMENT_LOADED)
    ).all()
    return render_template("programme/agreements.html", items=items)


@bp.route("/agreements/<id:agreement_id>")
def agreement(agreement_id):
    item = live_or_404(Agreement, agreement_id, *AGREEMENT_LOADED)
    visits, events = [], []
    if item.signed_on:  # what the agreement set in motion: the visits and events since
        visits = db.session.scalars(
            select(Visit)
            .where(Visit.deleted_at.is_(None), Visit.start_date >= item.signed_on)
            .order_by(Visit.start_date)
            .limit(FOLLOWERS_SHOWN)
        ).all()
        events = db.session.scalars(
            select(Event)
            .where(Event.deleted_at.is_(None), Event.start_date >= item.signed_on)
            .order_by(Event.start_date)
            .limit(FOLLOWERS_SHOWN)
        ).all()
    return render_template(
        "programme/agreement.html",
        item=item,
        visits=visits,
        events=events,
        can_edit=can_edit(current_user, item),
    )


@bp.route("/agreements/new", methods=["GET", "POST"])
def new_agreement():
    return create_page(
        AgreementForm(), services.save_agreement, "programme/agreement_form.html", agreement_url
    )


def load_agreement(agreement_id):
    return live_or_404(Agreement, agreement_id, *AGREEMENT_LOADED)


def agreement_form(item, **kwargs):
    parties, sectors = [o.id for o in item.parties], [s.id for s in item.sectors]
    return AgreementForm(obj=item, data={"party_ids": parties, "sector_ids": sectors}, **kwargs)


@bp.route("/agreements/<id:agreement_id>/edit", methods=["GET", "POST"])
def edit_agreement(agreement_id):
    item = load_agreement(agreement_id)
    require_edit(item)
    return edit_page(
        item,
        agreement_form,
        services.save_agreement,
        "programme/agreement_form.html",
        load_agreement,
    )


@bp.route("/agreements/<id:agreement_id>/delete", methods=["POST"])
def delete_agreement(agreement_id):
    item = live_or_404(Agreement, agreement_id)
    return trash_and_redirect(
        item,
        _("%(name)s was moved to the trash.", name=item.title),
        url_for("programme.agreements"),
    )


@bp.route("/stories/")
def stories():
    items = db.session.scalars(
        select(SuccessStory)
        .where(SuccessStory.deleted_at.is_(None))
        .order_by(SuccessStory.achieved_on.desc(), SuccessStory.id.desc())
        .options(*STORY_LOADED)
    ).all()
    return render_template("programme/stories.html", items=items)


@bp.route("/stories/<id:story_id>")
def story(story_id):
    item = live_or_404(SuccessStory, story_id, *STORY_LOADED)
    return render_template("programme/story.html", item=item, can_edit=can_edit(current_user, item))


@bp.route("/stories/new", methods=["GET", "POST"])
def new_story():
    form = StoryForm(data={"match_id": request.args.get("match_id", "")})
    return create_page(form, services.save_story, "programme/story_form.html", story_url)


def load_story(story_id):
    return live_or_404(SuccessStory, story_id, *STORY_LOADED)


def story_form(item, **kwargs):
    organizations = [o.id for o in item.organizations]
    return StoryForm(obj=item, data={"organization_ids": organizations}, **kwargs)


@bp.route("/stories/<id:story_id>/edit", methods=["GET", "POST"])
def edit_story(story_id):
    item = load_story(story_id)
    require_edit(item)
    return edit_page(item, story_form, services.save_story, "programme/story_form.html", load_story)


@bp.route("/stories/<id:story_id>/delete", methods=["POST"])
def delete_story(story_id):
    item = live_or_404(SuccessStory, story_id)
    return trash_and_redirect(
        item, _("%(name)s was moved to the trash.", name=item.title), url_for("programme.stories")
    )
