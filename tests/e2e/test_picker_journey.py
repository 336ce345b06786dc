"""Logging a meeting with the keyboard alone: the organization picker as a combobox, its people
preselected, a quick due date, and Enter in a one-line field that does not send the form."""

from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm import clock
from crm.actions.models import Action
from crm.extensions import db
from crm.meetings.models import Meeting
from tests.e2e.test_records_journey import sign_in

pytestmark = pytest.mark.e2e
SUZUKA = "鈴鹿精密部品株式会社 (Suzuka Precision Parts)"  # as pickers and pages name it


def test_a_meeting_logged_with_the_keyboard_through_the_picker(
    page, live_server, make_user, records, app
):
    clock.set_now(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))  # 1 December 00:30 in Madrid
    ane = make_user(email="ane@zubia.example", name="Ane Etxeberria", timezone="Europe/Madrid")
    make_user(email="admin@zubia.example", name="Zubia admin", role="admin")
    suzuka = records.org(ane, name="Suzuka Precision Parts", native_name="鈴鹿精密部品株式会社")
    records.org(ane, name="Suzuki Motor")
    records.contact(ane, suzuka, given_name="Taro", family_name="Yamada")
    records.contact(ane, suzuka, given_name="Hanako", family_name="Sato")
    sign_in(page, live_server, ane.email)

    page.goto(live_server + "/meetings/new")
    page.get_by_label("Subject").fill("Screening call")
    # Enter in the subject does not send the half-filled form.
    page.get_by_label("Subject").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a meeting")
    expect(page.get_by_role("alert")).to_have_count(0)

    combobox = page.get_by_role("combobox", name="Search organizations")
    combobox.focus()
    page.keyboard.type("suzu")
    listbox = page.get_by_role("listbox", name="Matching organizations")
    expect(listbox.get_by_role("option")).to_have_count(2)
    expect(combobox).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    active = combobox.get_attribute("aria-activedescendant")
    expect(page.locator(f"#{active}")).to_have_text(SUZUKA)
    expect(page.locator(f"#{active}")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")

    # The chip, with a button to take it away, and the form still not sent.
    expect(listbox).to_be_hidden()
    expect(combobox).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("button", name=f"Remove {SUZUKA}")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a meeting")
    # Its two people are preselected; the admin account is nobody's colleague.
    expect(page.get_by_label("Taro Yamada")).to_be_checked()
    expect(page.get_by_label("Hanako Sato")).to_be_checked()
    expect(page.get_by_label("Zubia admin")).to_have_count(0)

    # Escape closes the list without choosing.
    combobox.fill("suzuki")
    expect(listbox.get_by_role("option")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    combobox.fill("")

    page.get_by_label("Next action").first.fill("Send our capabilities deck")
    page.get_by_label("Next action").first.press("Enter")
    page.get_by_role("group", name="Pick a day in one click").first.get_by_role(
        "button", name="Next week"
    ).click()
    expect(page.get_by_label("By").first).to_have_value("2026-12-08")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Screening call")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=SUZUKA).first).to_be_visible()
    expect(main.get_by_role("link", name="Suzuki Motor")).to_have_count(0)
    expect(main.get_by_text("Taro Yamada")).to_be_visible()
    expect(main.get_by_role("link", name="Send our capabilities deck", exact=True)).to_be_visible()
    with app.app_context():
        meeting = db.session.scalars(
            select(Meeting).options(
                selectinload(Meeting.organizations), selectinload(Meeting.contacts)
            )
        ).one()
        assert [o.id for o in meeting.organizations] == [suzuka]
        assert sorted(c.given_name for c in meeting.contacts) == ["Hanako", "Taro"]
        action = db.session.scalars(select(Action).where(Action.meeting_id == meeting.id)).one()
        assert (action.title, action.due_date) == ("Send our capabilities deck", date(2026, 12, 8))
