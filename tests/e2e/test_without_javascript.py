"""Zubia with JavaScript off in Chromium: the navigation's menus open (by keyboard too) at a
phone's width and a desktop's, and the organization picker is a search, then a box to tick."""

import pytest
from playwright.sync_api import expect

from crm.accounts.models import Role
from tests.e2e.test_records_journey import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "java_script_enabled": False}


@pytest.mark.parametrize("width", [390, 1280])
def test_the_menus_open_without_javascript(page, live_server, make_user, width):
    page.set_viewport_size({"width": width, "height": 900})
    admin = make_user(Role.ADMIN, name="Miren Goikoetxea")
    sign_in(page, live_server, admin.email)
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Organizations")).to_be_visible()

    more = navigation.locator("summary", has_text="More")
    more.focus()
    page.keyboard.press("Enter")
    navigation.get_by_role("link", name="Trash").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trash")

    page.get_by_role("navigation", name="Main").locator("summary", has_text=admin.name).click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Email", exact=True)).to_be_visible()


def test_a_meeting_without_javascript_search_then_tick(page, live_server, make_user, records):
    ane = make_user(name="Ane Etxeberria")
    fagor = records.org(ane, name="Fagor Arrasate")
    records.contact(ane, fagor, given_name="Miren", family_name="Etxeberria")
    sign_in(page, live_server, ane.email)
    page.goto(live_server + "/meetings/new")
    page.get_by_label("Subject").fill("Press line visit")
    page.get_by_label("Search organizations").fill("fagor")
    # Enter in a field sends the form through its first button, the picker's Search: the
    # page comes back with the matches, nothing saved and nothing typed lost.
    page.get_by_label("Search organizations").press("Enter")
    expect(page.get_by_label("Subject")).to_have_value("Press line visit")
    page.get_by_label("Fagor Arrasate").check()
    page.get_by_role("button", name="Show the people of the chosen organizations").click()
    expect(page.get_by_label("Miren Etxeberria")).to_be_checked()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Press line visit")
    expect(page.get_by_role("main").get_by_text("Miren Etxeberria").first).to_be_visible()
