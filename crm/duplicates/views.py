"""Duplicates: the list of likely duplicates, and the page that merges two records into one."""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.accounts.models import User
from crm.actions.models import Action
from crm.contacts import fields as contact_fields
from crm.contacts.forms import ManagerContactForm
from crm.contacts.models import Contact
from crm.duplicates import finding, merging
from crm.duplicates.forms import merge_form
from crm.extensions import db
from crm.kinds import Kind, kind_of, kinds
from crm.meetings.models import meeting_contacts, meeting_organizations
from crm.organizations import fields as organization_fields
from crm.organizations.forms import ManagerOrganizationForm
from crm.organizations.models import Organization
from crm.records import EditConflict, check_version

bp = Blueprint("duplicates", __name__, url_prefix="/duplicates")


@dataclass(frozen=True)
class Merging:
    """How one record kind declared ``mergeable`` (crm.kinds) is found, shown and merged."""

    kind: Kind
    fields: tuple
    edit_form: type  # where the field labels come from
    loaded: tuple
    merge: object
    counts: object
    groups: object  # () -> (the likely duplicate groups, their number)
    section: str  # the id of the list's section

    @property
    def name(self):
        return self.kind.name

    @property
    def model(self):
        return self.kind.model

    @property
    def detail(self):
        return self.kind.detail


def _counted(column, ids, deleted_at=None):
    """{id: rows referring to it} for ``column`` (live rows only when ``deleted_at`` given)."""
    statement = select(column, func.count()).where(column.in_(ids)).group_by(column)
    if deleted_at is not None:
        statement = statement.where(deleted_at.is_(None))
    return dict(db.session.execute(statement).all())


ORGANIZATIONS = Merging(
    kind=kind_of(Organization),
    fields=organization_fields.FIELDS.written,
    edit_form=ManagerOrganizationForm,
    loaded=(selectinload(Organization.owner), selectinload(Organization.sectors)),
    merge=merging.merge_organizations,
    counts=lambda ids: {
        _("Contacts"): _counted(Contact.organization_id, ids, Contact.deleted_at),
        _("Meetings"): _counted(meeting_organizations.c.organization_id, ids),
        _("Actions"): _counted(Action.organization_id, ids, Action.deleted_at),
    },
    groups=finding.organization_groups,
    section="organizations",
)
CONTACTS = Merging(
    kind=kind_of(Contact),
    fields=contact_fields.FIELDS.written,
    edit_form=ManagerContactForm,
    loaded=(selectinload(Contact.organization), selectinload(Contact.owner)),
    merge=merging.merge_contacts,
    counts=lambda ids: {
        _("Meetings"): _counted(meeting_contacts.c.contact_id, ids),
        _("Actions"): _counted(Action.contact_id, ids, Action.deleted_at),
    },
    groups=finding.contact_groups,
    section="contacts",
)
MERGINGS = {found.name: found for found in (ORGANIZATIONS, CONTACTS)}


@bp.route("/")
def index():
    sections = []
    for kind in kinds(mergeable=True):
        found = MERGINGS[kind.name]
        sections.append((found.section, kind.plural, *found.groups()))
    return render_template("duplicates/index.html", sections=sections, shown=finding.SHOWN)


@bp.route("/organizations/<id:organization_id>/<id:other_organization_id>", methods=["GET", "POST"])
def merge_organizations(organization_id, other_organization_id):
    return merge(ORGANIZATIONS, organization_id, other_organization_id)


@bp.route("/contacts/<id:contact_id>/<id:other_contact_id>", methods=["GET", "POST"])
def merge_contacts(contact_id, other_contact_id):
    return merge(CONTACTS, contact_id, other_contact_id)


def pair(kind, first_id, second_id):
    """The two live records, in the URL's order; 404 if either is missing or in the trash."""
    if first_id == second_id:
        abort(404)
    found = {
        item.id: item
        for item in db.session.scalars(
            select(kind.model)
            .where(kind.model.id.in_([first_id, second_id]), kind.model.deleted_at.is_(None))
            .options(*kind.loaded)
        )
    }
    if len(found) != 2:
        abort(404)
    return found[first_id], found[second_id]


def merge(kind, first_id, second_id):
    a, b = pair(kind, first_id, second_id)
    form = merge_form(kind, a, b)
    if form.validate_on_submit():
        survivor, merged = (a, b) if form.survivor.data == "a" else (b, a)
        try:
            check_version(a, form.version_a.data)
            check_version(b, form.version_b.data)
            kind.merge(survivor, merged, form.chosen_values(survivor), actor=current_user)
            db.session.commit()
        except EditConflict:
            db.session.rollback()
            a, b = pair(kind, first_id, second_id)
            return render_page(kind, merge_form(kind, a, b, fresh=True), a, b, conflict=True), 409
        flash(
            _("%(merged)s was merged into %(survivor)s.", merged=str(merged), survivor=survivor),
            "success",
        )
        return redirect(url_for(kind.detail, **kind.kind.url_args(survivor)))
    return render_page(kind, form, a, b)


def render_page(kind, form, a, b, conflict=False):
    counts = kind.counts([a.id, b.id])
    owners = {
        user.id: user.name
        for user in db.session.scalars(
            select(User).where(User.id.in_({a.owner_id, b.owner_id} - {None}))
        )
    }
    return render_template(
        "duplicates/merge.html",
        kind=kind,
        form=form,
        a=a,
        b=b,
        counts=counts,
        owners=owners,
        conflict=conflict,
    )
