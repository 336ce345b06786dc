"""Two people on one meeting, in two browsers: one in Bilbao moves it from 10:00 to 15:00, the
other in Tsu, who opened the form before, changes its subject. Nobody's change is lost."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from crm.accounts.models import Role
from crm.meetings.models import Meeting
from tests.e2e.test_records_journey import sign_in

pytestmark = pytest.mark.e2e


def test_a_moved_meeting_is_not_moved_back_by_a_second_editor(
    browser, live_server, make_user, records
):
    ane = make_user(
        email="ane@zubia.example", name="Ane Etxeberria", timezone="Europe/Madrid", language="en"
    )
    make_user(
        Role.MANAGER,
        email="hanako@zubia.example",
        name="Yamada Hanako",
        timezone="Asia/Tokyo",
        language="en",
    )
    org = records.org(ane, name="Mie Prefectural Government")
    meeting_id = records.meeting(
        ane, [org], title="Screening call", starts_at=datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    )
    bilbao = browser.new_context(locale="en-GB", timezone_id="Europe/Madrid").new_page()
    tsu = browser.new_context(locale="en-GB", timezone_id="Asia/Tokyo").new_page()
    for page, email in ((bilbao, "ane@zubia.example"), (tsu, "hanako@zubia.example")):
        sign_in(page, live_server, email)
        page.goto(f"{live_server}/meetings/{meeting_id}/edit")

    expect(bilbao.get_by_label("Time", exact=True)).to_have_value("10:00")
    expect(tsu.get_by_label("Time", exact=True)).to_have_value("18:00")

    bilbao.get_by_label("Time", exact=True).fill("15:00")
    bilbao.get_by_role("button", name="Save").click()
    expect(bilbao.get_by_text("Meeting saved.")).to_be_visible()

    tsu.get_by_label("Subject").fill("Screening call with the aeronautics cluster")
    tsu.get_by_role("button", name="Save").click()
    conflict = tsu.get_by_role("alert").filter(has_text="Someone else saved this record")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Ane Etxeberria")
    time_row = conflict.get_by_role("row", name="Time differs")
    expect(time_row).to_contain_text("18:00")
    expect(time_row).to_contain_text("23:00")
    expect(time_row).to_contain_text("differs")
    for label in ("Subject", "Date", "Duration (minutes)", "Organizations", "Our people present"):
        expect(conflict.get_by_role("row").filter(has_text=label).first).to_be_visible()
    expect(tsu.get_by_label("Time", exact=True)).to_have_value("23:00")  # theirs, untouched
    expect(tsu.get_by_label("Subject")).to_have_value("Screening call with the aeronautics cluster")

    tsu.get_by_role("button", name="Save").click()
    expect(tsu.get_by_text("Meeting saved.")).to_be_visible()
    saved = records.get(Meeting, meeting_id)
    assert saved.title == "Screening call with the aeronautics cluster"
    assert saved.starts_at == datetime(2026, 12, 10, 14, 0, tzinfo=UTC)  # 15:00 in Bilbao
