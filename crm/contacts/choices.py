"""The people a form offers once organizations are chosen (a meeting's "their people present",
an action's contact, a visit's participants), and which of them to tick for the user.

The list follows the organization picker: static/forms.js asks ``contacts.options`` for it
when the organizations change; without JavaScript, the picker's "Search" (or the list's "Show
their people") sends the form back and the page comes back with the list redone. An
organization with one or two people has them ticked the first time the list shows them;
the organizations already shown travel with the form (``NAME-seen``), so someone unticked on
purpose stays unticked.
"""

from flask import request
from wtforms import Form, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice

from crm.contacts.models import Contact
from crm.extensions import db
from crm.forms import MultiCheckboxField, optional_int
from crm.organizations.models import Organization
from crm.organizations.picker import searching

PRESELECT_AT_MOST = 2
SEEN_SUFFIX = "-seen"


def live_contacts(organization_ids):
    ids = [i for i in organization_ids if isinstance(i, int) and 0 < i < 2**31]
    if not ids:
        return []
    return db.session.execute(
        db.select(Contact, Organization.name)
        .join(Organization, Organization.id == Contact.organization_id)
        .where(Contact.organization_id.in_(ids), Contact.deleted_at.is_(None))
        .order_by(Organization.name, Contact.family_name, Contact.given_name)
    ).all()


def contact_choices(organization_ids, *, with_organization=False):
    """The live contacts of the organizations: the people who could have been there."""
    return [
        SelectChoice(c.id, f"{c.display_name} — {org}" if with_organization else c.display_name)
        for c, org in live_contacts(organization_ids)
    ]


def to_preselect(organization_ids, seen=()):
    """The contacts to tick: all the people of each organization not seen yet that has one or
    two."""
    by_organization = {}
    for contact, _name in live_contacts([i for i in organization_ids if i not in set(seen)]):
        by_organization.setdefault(contact.organization_id, []).append(contact.id)
    return [i for ids in by_organization.values() if len(ids) <= PRESELECT_AT_MOST for i in ids]


def ids_in(values):
    return [int(v) for v in values if isinstance(v, str) and v.isascii() and v.isdigit()][:200]


def follow(field, organization_ids, *, fresh, with_organization=False):
    """Offer in ``field`` (a multiple or single choice of contacts) the people of
    ``organization_ids``, ticking those of new organizations with one or two people.

    ``fresh``: a new record's form shown for the first time. Otherwise people are ticked for the
    user only when the form comes back from a search; a real save keeps what was sent.
    """
    again = searching()
    seen = ids_in(request.form.getlist(field.name + SEEN_SUFFIX)) if again else []
    offer(
        field,
        organization_ids,
        preselect=fresh or again,
        seen=seen,
        with_organization=with_organization,
    )


def offer(field, organization_ids, *, preselect, seen=(), with_organization=False):
    field.choices = contact_choices(organization_ids, with_organization=with_organization)
    field.organization_ids = list(organization_ids)
    field.with_organization = with_organization
    if not preselect:
        return
    ticked = to_preselect(organization_ids, seen)
    offered = {choice.value for choice in field.choices}
    if isinstance(field, SelectMultipleField):
        field.data = [i for i in dict.fromkeys([*(field.data or []), *ticked]) if i in offered]
    elif field.data is None and len(ticked) == 1:
        field.data = ticked[0]


def options_field(name, *, multiple, checked):
    """A contacts field named ``name`` alone, holding ``checked``: what contacts.options
    renders for a form's list."""
    field = MultiCheckboxField(coerce=int) if multiple else SelectField(coerce=optional_int)
    form = type("ContactOptions", (Form,), {name: field})(
        data={name: checked if multiple else (checked[0] if checked else None)}
    )
    return form[name]
