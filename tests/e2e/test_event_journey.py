"""An organizer schedules the B2B meetings of an event in Tsu and prints one company's day."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

BASQUE = ["Urola Precision Machining", "Tecnalia"]
MIE = ["Suzuka Precision Parts", "Mie University"]
PAIRS = [(BASQUE[0], MIE[0]), (MIE[0], BASQUE[1]), (BASQUE[1], MIE[1]), (BASQUE[0], MIE[1])]


def set_up_event(app, organizer):
    """An upcoming event with four participants and four accepted requests, via the services."""
    from crm.accounts.models import User
    from crm.clock import now_utc
    from crm.events import services
    from crm.extensions import db
    from crm.organizations.models import Region
    from tests.events.factories import join, new_event, new_org

    day = now_utc().date() + timedelta(days=30)
    with app.test_request_context():
        actor = db.session.get(User, organizer.id)
        host = new_org(actor, "Mie Industry and Enterprise Support Center", Region.MIE)
        event = new_event(actor, host.id, name="Mie–Basque B2B Day", start_date=day, end_date=day)
        people = {name: join(event, actor, new_org(actor, name)) for name in BASQUE}
        people |= {name: join(event, actor, new_org(actor, name, Region.MIE)) for name in MIE}
        for one, two in PAIRS:
            request = services.request_meeting(event, people[one], people[two], actor=actor)
            services.decide_request(request, True, actor=actor)
        db.session.commit()


def test_organizer_schedules_b2b_meetings_and_prints_a_schedule(page, live_server, make_user, app):
    from crm.accounts.models import Role

    organizer = make_user(Role.MANAGER, email="miren@zubia.example", name="Miren Organizer")
    set_up_event(app, organizer)

    page.goto(live_server + "/login")
    page.get_by_label("Email", exact=True).fill("miren@zubia.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(live_server + "/events/")
    page.get_by_role("link", name="Mie–Basque B2B Day").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mie–Basque B2B Day")
    page.get_by_role("link", name="Schedule", exact=True).click()  # the page's third section
    schedule = page.locator("#schedule")
    expect(schedule.get_by_text("Accepted requests waiting for a slot: 4")).to_be_visible()

    schedule.get_by_role("button", name="Run the scheduler").click()
    expect(page.get_by_role("status").filter(has_text="meetings placed")).to_contain_text(
        "4 meetings placed"
    )
    grid = page.locator("#schedule table")
    for one, two in PAIRS:
        expect(grid.get_by_role("link", name=f"{one} ↔ {two}")).to_be_visible()
    expect(schedule.get_by_text("Accepted requests waiting for a slot: 0")).to_be_visible()

    # The printable day of one company: its two meetings, in time order, with the table
    page.get_by_role("link", name="Participants", exact=True).click()
    page.get_by_role("link", name="Schedule of Urola Precision Machining").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Urola Precision Machining")
    days = page.locator("tbody th[scope=colgroup]")  # the meetings grouped under their day
    expect(days).to_have_count(1)
    rows = page.locator("tbody tr:has(td)")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(MIE[0])
    expect(rows.nth(1)).to_contain_text(MIE[1])
    expect(rows.nth(0).locator("td").nth(0)).to_have_text(re.compile(r"10:00"))
    expect(page.get_by_text("Asia/Tokyo")).to_be_visible()
