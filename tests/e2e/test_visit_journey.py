"""A point of contact in Bilbao plans a delegation to Mie and turns a stop into a meeting."""

import re

import pytest
from playwright.sync_api import expect

from crm.organizations.models import Kind, Region
from tests.conftest import PASSWORD
from tests.e2e.picking import pick_organization

pytestmark = pytest.mark.e2e


def test_point_of_contact_plans_a_visit_and_logs_a_stop_as_a_meeting(
    page, live_server, make_user, records
):
    colleague = make_user(name="Jon Agirre")
    records.org(colleague, name="SPRI Basque Business Development Agency")
    mie = records.org(
        colleague,
        name="Mie Prefectural Government",
        native_name="三重県庁",
        kind=Kind.GOVERNMENT,
        region=Region.MIE,
        country="JP",
    )
    records.contact(colleague, mie, given_name="Taro", family_name="Yamada")
    make_user(email="ane@zubia.example", name="Ane Etxeberria", timezone="Europe/Madrid")

    page.goto(live_server + "/login")
    page.get_by_label("Email", exact=True).fill("ane@zubia.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Plan the visit
    page.goto(live_server + "/visits/")
    page.get_by_role("link", name="Plan a visit").click()
    page.get_by_label("Direction").select_option(label="Basque Country → Mie")
    page.get_by_label("Delegation", exact=True).fill("Basque aeronautics delegation to Mie")
    page.get_by_label("First day").fill("2030-05-13")
    page.get_by_label("Last day").fill("2030-05-17")
    pick_organization(page, "Lead organization", "spri", "SPRI Basque Business Development Agency")
    page.get_by_label("Purpose").fill("Meet the prefecture and the aeronautics cluster.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Basque aeronautics delegation to Mie"
    )

    # Two stops, in Tsu's local time
    for day, time, purpose in (
        ("2030-05-14", "10:00", "Courtesy call on the governor"),
        ("2030-05-15", "14:30", "Aeronautics cluster briefing"),
    ):
        page.get_by_role("link", name="Add a stop").click()
        page.get_by_label("Date").fill(day)
        page.get_by_label("Local time").fill(time)
        page.get_by_label("Duration (minutes)").fill("90")
        pick_organization(page, "Host", "三重", "三重県庁 (Mie Prefectural Government)")
        page.get_by_label("Place").fill("Tsu")
        page.get_by_label("Purpose of the stop").fill(purpose)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text(purpose, exact=True)).to_be_visible()
    first = page.locator("li", has_text="Courtesy call on the governor")
    expect(first).to_contain_text("10:00")
    expect(first).to_contain_text("your time (Europe/Madrid): 3:00")

    # Their host takes part: the host's people are offered once the stops are there
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label(re.compile("Yamada")).check()
    page.get_by_role("button", name="Save").click()

    # One click turns the first stop into a meeting
    first.get_by_role("button", name="Log as meeting").click()
    expect(page.get_by_role("status").filter(has_text="Meeting logged.")).to_be_visible()
    expect(first.get_by_role("button", name="Log as meeting")).to_have_count(0)
    first.get_by_role("link", name=re.compile("Open the meeting")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Courtesy call on the governor — 三重県庁 (Mie Prefectural Government)"
    )
    expect(page.get_by_text("During a visit")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Yamada"))).to_be_visible()
    expect(page.get_by_text("Ane Etxeberria").first).to_be_visible()
