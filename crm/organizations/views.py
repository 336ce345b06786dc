from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from crm.accounts.models import User
from crm.actions.models import Action, Status
from crm.authorization import can_edit, require_edit
from crm.clock import now_utc
from crm.contacts.models import Contact
from crm.deleting import trash_and_redirect
from crm.editing import edit_record
from crm.exports import export_list
from crm.extensions import db
from crm.listing import choice_arg, int_arg, paginate, query_args, sort_arg
from crm.organizations import picker, services
from crm.organizations.fields import FIELDS
from crm.organizations.forms import (
    LinkForm,
    ManagerOrganizationForm,
    OrganizationForm,
    country_name,
    find_organizations,
    language_names,
    organization_label,
)
from crm.organizations.models import (
    Kind,
    LinkKind,
    Organization,
    OrganizationLink,
    Region,
    Sector,
    organization_sectors,
)
from crm.organizations.synonyms import kind_words, sector_words
from crm.records import live_or_404
from crm.reminders.planning import quiet_clauses
from crm.text import like_pattern, search_key
from crm.timeline import timeline
from crm.timezones import local_today

bp = Blueprint("organizations", __name__, url_prefix="/organizations")
# The record page shows the first related records; the filtered lists show them all.
CONTACTS_SHOWN = 50
ACTIONS_SHOWN = 10

SORTS = {
    "name": (Organization.name, Organization.id),
    "region": (Organization.region, Organization.name),
    "kind": (Organization.kind, Organization.name),
    "last_contact": (Organization.last_contact_at, Organization.id),
    "contact_due": (Organization.contact_due_at, Organization.id),
    "created": (Organization.created_at, Organization.id),
}


def get_live(organization_id, *options):
    return live_or_404(Organization, organization_id, *options)


def form_class():
    return ManagerOrganizationForm if current_user.is_manager else OrganizationForm


def listed():
    """The list page's statement (filters and order, every page), its filters and its sort."""
    statement = select(Organization).where(Organization.deleted_at.is_(None))
    filters = {
        "region": choice_arg("region", Region),
        "kind": choice_arg("kind", Kind),
        "sector": int_arg("sector", None, 1, 2**31 - 1),
        "owner": int_arg("owner", None, 1, 2**31 - 1),
        "quiet": request.args.get("quiet") == "1",
        "q": request.args.get("q", "").strip()[:200],
    }
    if filters["region"]:
        statement = statement.where(Organization.region == filters["region"])
    if filters["kind"]:
        statement = statement.where(Organization.kind == filters["kind"])
    if filters["sector"]:
        statement = statement.where(in_sector(filters["sector"]))
    if filters["owner"]:
        statement = statement.where(Organization.owner_id == filters["owner"])
    if filters["quiet"]:
        statement = statement.where(*quiet_clauses(now_utc()))
    if filters["q"]:
        statement = statement.where(searched(filters["q"]))
    sort, order = sort_arg(SORTS, "name")
    statement = statement.order_by(*order).options(
        selectinload(Organization.owner), selectinload(Organization.sectors)
    )
    return statement, filters, sort


def searched(text):
    """Names (and the rest of the search key) containing ``text``; and when ``text`` is a word
    for a kind or a sector in any language ("大学", "製造業", "Administración pública"), the
    organizations of that kind or sector too."""
    key = search_key(text)
    said = [Organization.search_key.like(like_pattern(text), escape="\\")]
    if kind := kind_words().get(key):
        said.append(Organization.kind == kind)
    if sector := sector_words(db.session.scalars(select(Sector)).all()).get(key):
        said.append(in_sector(sector.id))
    return or_(*said)


def in_sector(sector_id):
    return Organization.id.in_(
        select(organization_sectors.c.organization_id).where(
            organization_sectors.c.sector_id == sector_id
        )
    )


@bp.route("/")
def index():
    statement, filters, sort = listed()
    page = paginate(statement)
    now = now_utc()
    shown = [org.id for org in page.items]
    quiet = set(
        db.session.scalars(
            select(Organization.id).where(Organization.id.in_(shown), *quiet_clauses(now))
        )
    )
    return render_template(
        "organizations/index.html",
        quiet_ids=quiet,
        page=page,
        filters=filters,
        sort=sort,
        sectors=db.session.scalars(select(Sector).order_by(Sector.id)).all(),
        owners=db.session.execute(
            select(User.id, User.name).where(User.active).order_by(User.name)
        ).all(),
        regions=list(Region),
        kinds=list(Kind),
        query_args=query_args,
        now=now,
    )


@bp.route("/export.csv")
def export():
    statement, filters, sort = listed()
    return export_list(
        "organizations", statement, FIELDS.exported, filters={**filters, "sort": sort}
    )


@bp.route("/<id:organization_id>")
def detail(organization_id):
    org = get_live(
        organization_id, selectinload(Organization.owner), selectinload(Organization.sectors)
    )
    contacts = db.session.scalars(
        select(Contact)
        .where(Contact.organization_id == org.id, Contact.deleted_at.is_(None))
        .order_by(Contact.is_primary.desc(), Contact.family_name, Contact.given_name)
        .limit(CONTACTS_SHOWN + 1)
    ).all()
    open_actions = db.session.scalars(
        select(Action)
        .where(
            Action.organization_id == org.id,
            Action.deleted_at.is_(None),
            Action.status == Status.OPEN,
        )
        .order_by(Action.due_date)
        .limit(ACTIONS_SHOWN + 1)
        .options(*Action.listed())
    ).all()
    links = db.session.scalars(
        select(OrganizationLink)
        .where(or_(OrganizationLink.from_id == org.id, OrganizationLink.to_id == org.id))
        .options(selectinload(OrganizationLink.source), selectinload(OrganizationLink.target))
    ).all()
    links = [link for link in links if not (link.source.is_deleted or link.target.is_deleted)]
    return render_template(
        "organizations/detail.html",
        org=org,
        contacts=contacts[:CONTACTS_SHOWN],
        more_contacts=len(contacts) > CONTACTS_SHOWN,
        open_actions=open_actions[:ACTIONS_SHOWN],
        more_actions=len(open_actions) > ACTIONS_SHOWN,
        links=links,
        timeline=timeline("organization", org.id),
        can_edit=can_edit(current_user, org),
        now=now_utc(),
        today=local_today(current_user.timezone),
        link_form=LinkForm(source=org) if can_edit(current_user, org) else None,
        country_name=country_name,
        language_names=language_names,
    )


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = form_class()(data={"owner_id": current_user.id})
    duplicates = []
    if form.validate_on_submit():
        # A likely duplicate is shown with a link; creating it anyway takes one more tick.
        duplicates = services.likely_duplicates(form.name.data, form.native_name.data)
        if not duplicates or request.form.get("not_duplicate"):
            org = services.create_organization(form.values(), actor=current_user)
            db.session.commit()
            flash(_("Organization %(name)s created.", name=org.name), "success")
            return redirect(url_for("organizations.detail", organization_id=org.id))
    return render_template("organizations/form.html", form=form, org=None, duplicates=duplicates)


def organization_form(org, **kwargs):
    return form_class()(obj=org, data={"sector_ids": [s.id for s in org.sectors]}, **kwargs)


def load_for_edit(organization_id):
    return get_live(organization_id, selectinload(Organization.sectors))


@bp.route("/<id:organization_id>/edit", methods=["GET", "POST"])
def edit(organization_id):
    org = load_for_edit(organization_id)
    require_edit(org)
    return edit_record(
        org,
        build_form=organization_form,
        save=lambda org, form: services.update_organization(org, form.values(), actor=current_user),
        template="organizations/form.html",
        saved=lambda org: _("Organization %(name)s saved.", name=org.name),
        reload=load_for_edit,
        context=lambda org: {"org": org},
    )


@bp.route("/<id:organization_id>/delete", methods=["POST"])
def delete(organization_id):
    org = get_live(organization_id)
    return trash_and_redirect(
        org, _("%(name)s was moved to the trash.", name=org.name), url_for("organizations.index")
    )


@bp.route("/<id:organization_id>/links", methods=["POST"])
def add_link(organization_id):
    org = get_live(organization_id)
    require_edit(org)
    form = LinkForm(source=org)
    if form.validate_on_submit():
        target = form.target_org
        data = {k: form[k].data for k in ("since", "until")}
        data.update(kind=LinkKind(form.kind.data), note=form.note.data or None)
        services.add_link(org, target, data, actor=current_user)
        db.session.commit()
        flash(_("Link added."), "success")
    else:
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "danger")
    return redirect(url_for("organizations.detail", organization_id=org.id) + "#links")


@bp.route("/suggest")
def suggest():
    """Suggestions for an organization picker: <option>s for a <datalist> (htmx), or with
    ``format=json`` [{id, label}] for the picker's combobox (static/picker.js), in ``scope``."""
    text = (request.args.get("q") or request.args.get("target") or "")[:200]
    scope = request.args.get("scope", "")
    if scope and scope not in picker.SCOPES:
        abort(404)
    where = picker.scoped(scope) if scope else None
    found = find_organizations(text, where=where) if text.strip() else []
    if request.args.get("format") == "json":
        return jsonify([{"id": org.id, "label": org.display_name} for org in found])
    return render_template("organizations/_suggestions.html", found=found, label=organization_label)


@bp.route("/<id:organization_id>/links/<id:link_id>/delete", methods=["POST"])
def remove_link(organization_id, link_id):
    org = get_live(organization_id)
    require_edit(org)
    link = db.session.get(OrganizationLink, link_id)
    if link is None or org.id not in (link.from_id, link.to_id):
        abort(404)
    services.remove_link(link, actor=current_user)
    db.session.commit()
    flash(_("Link removed."), "info")
    return redirect(url_for("organizations.detail", organization_id=org.id) + "#links")
