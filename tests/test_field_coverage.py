"""Every field is declared once, in its area's ``fields``, and everything reads that declaration:
a column or a form field declared nowhere fails here (the way a form field missing from the
service's list was once dropped silently), and so does a declaration nothing can honour."""

import pytest
from flask_login import login_user
from sqlalchemy import inspect

from crm.accounts.models import User
from crm.actions import fields as actions
from crm.actions.forms import ActionForm
from crm.actions.models import Action
from crm.contacts import fields as contacts
from crm.contacts.forms import ContactForm, ManagerContactForm
from crm.contacts.models import Contact
from crm.editing import BOOKKEEPING
from crm.fields import IMPORT, SERVICE, TEXT
from crm.imports.fields import FIELDS as IMPORTED
from crm.imports.models import ImportKind
from crm.meetings import fields as meetings
from crm.meetings.forms import MeetingForm
from crm.meetings.models import Meeting
from crm.organizations import fields as organizations
from crm.organizations.forms import ManagerOrganizationForm, OrganizationForm
from crm.organizations.models import Organization
from crm.records import Record

# Per area: its fields, the form managers use, the form of a point of contact.
AREAS = {
    "organization": (organizations.FIELDS, ManagerOrganizationForm, OrganizationForm),
    "contact": (contacts.FIELDS, ManagerContactForm, ContactForm),
    "meeting": (meetings.FIELDS, MeetingForm, MeetingForm),
    "action": (actions.FIELDS, ActionForm, ActionForm),
}
MODELS = {"organization": Organization, "contact": Contact, "meeting": Meeting, "action": Action}
# Form fields that become other fields: a meeting's local date and time (and which of a
# repeated hour) give its UTC start; its next-action rows become actions.
COMPOSED = {"meeting": {"date", "time", "occurrence", "actions"}}


def kept_columns():
    """Columns every kept record has: its version, the trash, a merge's lineage."""
    return {"version", "deleted_at", "deleted_by_id", "merged_into_id"}


def form_fields(app, form_class):
    with app.test_request_context():
        login_user(User(id=1, name="Reader"), force=True)  # a form may default to "me"
        return {field.name for field in form_class(formdata=None)} - set(BOOKKEEPING)


@pytest.mark.parametrize("area", AREAS)
def test_every_column_is_declared(area):
    fields = AREAS[area][0]
    model = MODELS[area]
    assert issubclass(model, Record)
    columns = {column.key for column in inspect(model).columns}
    declared = {f.name for f in fields if f.role != IMPORT} | set(fields.derived)
    assert columns - declared - kept_columns() == set(), f"{area}: columns declared nowhere"
    stored = set(fields.written) | set(fields.derived)
    assert stored <= columns, f"{area}: declared as written, but no such column"


@pytest.mark.parametrize("area", AREAS)
def test_every_form_field_is_declared_and_reaches_the_service(app, area):
    fields, manager_form, form = AREAS[area]
    edited = set(fields.edited)
    composed = COMPOSED.get(area, set())
    assert form_fields(app, manager_form) - composed <= edited, f"{area}: fields the service drops"
    assert form_fields(app, form) <= form_fields(app, manager_form)
    services = {f.name for f in fields if f.role == SERVICE}
    assert services <= form_fields(app, manager_form), f"{area}: nothing sets {services}"


@pytest.mark.parametrize("kind", ImportKind)
def test_imported_fields_are_read_by_the_form_or_the_checker(app, kind):
    fields, _manager, form = AREAS[kind.value]
    text = {f.name for f in fields.imported if f.cell == TEXT}
    assert text <= form_fields(app, form), "text cells are checked by the form's own field"
    assert [f.name for f in IMPORTED[kind]] == [f.import_name for f in fields.imported]


@pytest.mark.parametrize("area", AREAS)
def test_export_headers_are_distinct(area):
    fields = AREAS[area][0]
    headers = [str(label) for label, _cell in fields.exported]
    assert len(headers) == len(set(headers)), f"{area}: two export columns share a header"


def test_the_organization_page_shows_every_field_its_form_edits(client, login, records):
    from crm.organizations.models import Kind, Region, Size

    user = login()
    values = {
        "name": "Ise Bay Aero Parts",
        "native_name": "伊勢湾航空部品株式会社",
        "kind": Kind.COMPANY,
        "region": Region.MIE,
        "country": "JP",
        "city": "Yokkaichi",
        "size": Size.MEDIUM,
        "website": "https://isebay-aero.example",
        "email": "info@isebay-aero.example",
        "email_domains": "isebay-aero.example; isebay.example",
        "phone": "+81593451234",
        "address": "1-2-3 Kasumigaura, Yokkaichi, Mie",
        "postcode": "510-0011",
        "tax_id": "1190001234567",
        "description": "Machining for airframes.",
        "capabilities": "Titanium 5-axis machining",
        "interests": "European tier-1 buyers",
        "languages": "ja,en",
        "export_markets": "Germany, ASEAN",
        "cadence_days": 45,
    }
    org_id = records.org(user, **values)
    page = client.get(f"/organizations/{org_id}").get_data(as_text=True)
    shown = {
        **values,
        "kind": "Company",
        "region": "Mie Prefecture",
        "country": "Japan",
        "size": "Medium (50–249)",
        "languages": "日本語, English",
        "cadence_days": "45",
    }
    for name, text in shown.items():
        assert str(text) in page, name
    assert set(shown) >= set(organizations.FIELDS.written) - {"owner_id"}
