from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.utils import secure_filename

from crm.accounts.models import User
from crm.actions.models import Action, Status
from crm.audit.services import record
from crm.authorization import can_edit, require_edit
from crm.clock import now_utc
from crm.contacts import choices, services
from crm.contacts.fields import FIELDS
from crm.contacts.forms import ContactForm, ManagerContactForm
from crm.contacts.models import Contact
from crm.contacts.vcard import vcard
from crm.deleting import trash_and_redirect
from crm.editing import edit_record
from crm.exports import export_list, record_export, stream
from crm.extensions import db
from crm.forms import split_phones
from crm.listing import choice_arg, int_arg, paginate, query_args, sort_arg
from crm.organizations.models import Organization, Region
from crm.records import live_or_404
from crm.text import like_pattern
from crm.timeline import timeline
from crm.timezones import local_clock, local_today

bp = Blueprint("contacts", __name__, url_prefix="/contacts")
bp.add_app_template_filter(split_phones, "phones")  # a contact's other phones, with labels

SORTS = {
    "name": (Contact.family_name, Contact.given_name, Contact.id),
    "organization": (Organization.name, Contact.family_name, Contact.id),
    "created": (Contact.created_at, Contact.id),
}


def get_live(contact_id):
    # A contact of an organization in the trash is in the trash with it (crm.trash.services).
    return live_or_404(
        Contact, contact_id, selectinload(Contact.organization), selectinload(Contact.owner)
    )


def form_class():
    return ManagerContactForm if current_user.is_manager else ContactForm


def listed():
    """The list page's statement (filters and order, every page), its filters and its sort."""
    statement = select(Contact).where(Contact.deleted_at.is_(None))
    filters = {
        "region": choice_arg("region", Region),
        "owner": int_arg("owner", None, 1, 2**31 - 1),
        "organization": int_arg("organization", None, 1, 2**31 - 1),
        "primary": request.args.get("primary") == "1",
        "q": request.args.get("q", "").strip()[:200],
    }
    sort, order = sort_arg(SORTS, "name")
    if filters["region"] or sort.lstrip("-") == "organization":
        statement = statement.join(Organization)
    if filters["region"]:
        statement = statement.where(Organization.region == filters["region"])
    if filters["owner"]:
        statement = statement.where(Contact.owner_id == filters["owner"])
    if filters["organization"]:
        statement = statement.where(Contact.organization_id == filters["organization"])
    if filters["primary"]:
        statement = statement.where(Contact.is_primary)
    if filters["q"]:
        statement = statement.where(
            Contact.search_key.like(like_pattern(filters["q"]), escape="\\")
        )
    statement = statement.order_by(*order).options(
        selectinload(Contact.organization), selectinload(Contact.owner)
    )
    return statement, filters, sort


@bp.route("/")
def index():
    statement, filters, sort = listed()
    page = paginate(statement)
    owners = db.session.execute(
        select(User.id, User.name).where(User.active).order_by(User.name)
    ).all()
    return render_template(
        "contacts/index.html",
        page=page,
        filters=filters,
        sort=sort,
        owners=owners,
        regions=list(Region),
        query_args=query_args,
    )


@bp.route("/export.csv")
def export():
    statement, filters, sort = listed()
    return export_list("contacts", statement, FIELDS.exported, filters={**filters, "sort": sort})


@bp.route("/export.vcf")
def export_vcards():
    """The filtered list (every page) as one address-book file."""
    statement, filters, sort = listed()
    record_export("contacts-vcard", {**filters, "sort": sort})
    cards = (vcard(contact) for contact in stream(statement))
    return vcard_response(stream_with_context(cards), f"contacts-{now_utc():%Y-%m-%d}")


@bp.route("/<id:contact_id>/vcard.vcf")
def vcard_file(contact_id):
    contact = get_live(contact_id)
    body, name = vcard(contact), contact.latin_name
    record("export", contact, actor=current_user, changes={"format": "vcard"})
    db.session.commit()
    return vcard_response(body, name)


def vcard_response(body, name):
    """``body`` as a .vcf download named after ``name`` (RFC 6266, non-ASCII names kept)."""
    ascii_name = secure_filename(name) or "contact"
    return Response(
        body,
        mimetype="text/vcard",
        headers={
            "Content-Disposition": (
                f'attachment; filename="{ascii_name}.vcf"; '
                f"filename*=UTF-8''{quote(name + '.vcf', safe='')}"
            ),
            "Cache-Control": "no-store",
        },
    )


@bp.route("/<id:contact_id>")
def detail(contact_id):
    contact = get_live(contact_id)
    open_actions = db.session.scalars(
        select(Action)
        .where(
            Action.contact_id == contact.id,
            Action.deleted_at.is_(None),
            Action.status == Status.OPEN,
        )
        .order_by(Action.due_date)
        .options(*Action.listed())
    ).all()
    clock = local_clock(contact.zone, now_utc(), current_user.timezone) if contact.zone else None
    return render_template(
        "contacts/detail.html",
        contact=contact,
        clock=clock,
        open_actions=open_actions,
        timeline=timeline("contact", contact.id),
        can_edit=can_edit(current_user, contact),
        today=local_today(current_user.timezone),
    )


@bp.route("/new", methods=["GET", "POST"])
def create():
    preset = int_arg("organization_id", None, 1, 2**31 - 1)
    form = form_class()(data={"owner_id": current_user.id, "organization_id": preset})
    if form.validate_on_submit():
        contact = services.create_contact(form.values(), actor=current_user)
        db.session.commit()
        flash(_("Contact %(name)s created.", name=contact.latin_name), "success")
        return redirect(url_for("contacts.detail", contact_id=contact.id))
    return render_template("contacts/form.html", form=form, contact=None)


@bp.route("/<id:contact_id>/edit", methods=["GET", "POST"])
def edit(contact_id):
    contact = get_live(contact_id)
    require_edit(contact)
    return edit_record(
        contact,
        build_form=lambda contact, **kwargs: form_class()(obj=contact, **kwargs),
        save=lambda contact, form: services.update_contact(
            contact, form.values(), actor=current_user
        ),
        template="contacts/form.html",
        saved=lambda contact: _("Contact %(name)s saved.", name=contact.latin_name),
        reload=get_live,
        context=lambda contact: {"contact": contact},
    )


@bp.route("/<id:contact_id>/delete", methods=["POST"])
def delete(contact_id):
    contact = get_live(contact_id)
    return trash_and_redirect(
        contact,
        _("%(name)s was moved to the trash.", name=contact.latin_name),
        url_for("organizations.detail", organization_id=contact.organization_id),
    )


@bp.route("/options")
def options():
    """The people of the chosen organizations as a form's contacts list shows them, those of
    organizations not seen yet with one or two people ticked (static/forms.js swaps them in)."""
    name = request.args.get("name") or "contact_ids"
    if not name.isidentifier() or len(name) > 40:
        abort(404)
    multiple = request.args.get("multiple") == "true"
    field = choices.options_field(
        name, multiple=multiple, checked=choices.ids_in(request.args.getlist("checked"))
    )
    choices.offer(
        field,
        choices.ids_in(request.args.getlist("organization_ids"))[:50],
        preselect=True,
        seen=choices.ids_in(request.args.getlist("seen")),
        with_organization=request.args.get("with_organization") == "true",
    )
    return render_template("contacts/_options.html", f=field)
