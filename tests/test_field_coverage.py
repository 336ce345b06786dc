"""A field added to a model or a form must reach the service and the record page: nothing
edited may be dropped silently (the way a form field missing from ``services.FIELDS`` was)."""

import pytest
from sqlalchemy import inspect

from crm.actions import services as actions
from crm.actions.forms import ActionForm
from crm.actions.models import Action
from crm.contacts import services as contacts
from crm.contacts.forms import ManagerContactForm
from crm.contacts.models import Contact
from crm.editing import BOOKKEEPING
from crm.organizations import services as organizations
from crm.organizations.forms import ManagerOrganizationForm
from crm.organizations.models import Organization
from crm.records import Record

# Per area: the form managers use, the service's fields, what its writer handles besides them,
# and the columns nobody edits (each says why).
AREAS = {
    "organization": (
        Organization,
        ManagerOrganizationForm,
        organizations.FIELDS,
        {"owner_id", "sector_ids"},
        {"last_contact_at", "contact_due_at", "search_key", "merged_into_id"},  # derived
    ),
    "contact": (
        Contact,
        ManagerContactForm,
        contacts.FIELDS,
        set(),
        {"search_key", "merged_into_id"},  # derived (merged_into_id by a merge)
    ),
    "action": (
        Action,
        ActionForm,
        actions.FIELDS,
        set(),
        {"created_by_id", "status", "completed_at"},  # set by who creates it and by set_status
    ),
}


def bookkeeping_columns():
    """Columns every kept record has: id, version, timestamps, the trash."""
    return {"id", "version", "created_at", "updated_at", "deleted_at", "deleted_by_id"}


@pytest.mark.parametrize("area", AREAS)
def test_every_column_is_edited_or_said_to_be_derived(area):
    model, _form, fields, handled, derived = AREAS[area]
    columns = {column.key for column in inspect(model).columns}
    assert issubclass(model, Record)
    unaccounted = columns - set(fields) - handled - derived - bookkeeping_columns()
    assert unaccounted == set(), f"{area}: columns no form, service or rule writes"


@pytest.mark.parametrize("area", AREAS)
def test_every_form_field_reaches_the_service(app, area):
    _model, form_class, fields, handled, _derived = AREAS[area]
    with app.test_request_context():
        edited = {field.name for field in form_class(formdata=None)} - set(BOOKKEEPING)
    assert edited <= set(fields) | handled, f"{area}: form fields the service drops"


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
    assert set(shown) >= set(organizations.FIELDS)
