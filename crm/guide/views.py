from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.authorization import can_edit
from crm.deleting import trash_and_redirect
from crm.editing import edit_record
from crm.extensions import db
from crm.guide.forms import PageForm
from crm.guide.models import GuidePage
from crm.guide.rendering import render
from crm.guide.services import create_page, update_page
from crm.records import live_or_404

bp = Blueprint("guide", __name__, url_prefix="/guide")


def get_live(slug):
    page = db.session.scalar(
        select(GuidePage)
        .where(GuidePage.slug == slug, GuidePage.deleted_at.is_(None))
        .options(selectinload(GuidePage.updated_by))
    )
    if page is None:
        abort(404)
    return page


@bp.route("/")
def index():
    pages = db.session.scalars(
        select(GuidePage).where(GuidePage.deleted_at.is_(None)).order_by(GuidePage.title)
    ).all()
    return render_template("guide/index.html", pages=pages)


@bp.route("/<slug>")
def page(slug):
    found = get_live(slug)
    return render_template(
        "guide/page.html",
        page=found,
        html=render(found.body),
        can_delete=can_edit(current_user, found),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = PageForm()
    if form.validate_on_submit():
        page = create_page(form.values(), actor=current_user)
        db.session.commit()
        return redirect(url_for("guide.page", slug=page.slug))
    return render_template("guide/form.html", form=form, page=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug):
    page = get_live(slug)
    return edit_record(
        page,
        build_form=lambda page, **kwargs: PageForm(obj=page, page=page, **kwargs),
        save=lambda page, form: update_page(page, form.values(), actor=current_user),
        template="guide/form.html",
        saved=lambda page: _("Page saved."),
        reload=lambda page_id: live_or_404(GuidePage, page_id),
        context=lambda page: {"page": page},
    )


@bp.route("/<slug>/delete", methods=["POST"])
def delete(slug):
    found = get_live(slug)
    return trash_and_redirect(
        found, _("%(name)s was moved to the trash.", name=found.title), url_for("guide.index")
    )
