"""A point of contact in Bilbao works a new Mie relationship from start to first follow-up."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def sign_in(page, live_server, email):
    page.goto(live_server + "/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_point_of_contact_logs_a_meeting_and_closes_its_action(page, live_server, make_user, app):
    from crm.demo.cli import load_sectors
    from crm.extensions import db

    with app.app_context():
        load_sectors()
        db.session.commit()
    make_user(email="ane@zubia.example", name="Ane Etxeberria", timezone="Europe/Madrid")
    sign_in(page, live_server, "ane@zubia.example")

    # A Mie organization with its Japanese name
    page.get_by_role("link", name="Organizations").click()
    page.get_by_role("link", name="New organization").click()
    page.get_by_label("Name (Latin script)").fill("Suzuka Precision Parts")
    page.get_by_label("Name in native script").fill("鈴鹿精密部品株式会社")
    page.get_by_label("Kind").select_option(label="Company")
    page.get_by_label("Region").select_option(label="Mie Prefecture")
    page.get_by_label("Country").select_option("JP")
    page.get_by_label("City").fill("Suzuka")
    page.get_by_label("Aeronautics").check()
    page.get_by_label("Capabilities offered").fill("5-axis precision machining of aluminium parts")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("鈴鹿精密部品株式会社")

    # A contact there, family name first
    page.get_by_role("link", name="Add contact").click()
    page.get_by_label("Name order").select_option(label="Family name first (Japanese)")
    page.get_by_label("Given name").fill("Taro")
    page.get_by_label("Family name", exact=True).fill("Yamada")
    page.get_by_label("Name in native script").fill("山田 太郎")
    page.get_by_label("Reading").fill("やまだ たろう")
    page.get_by_label("Email", exact=True).fill("t.yamada@suzuka-precision.example")
    page.get_by_label("Phone", exact=True).fill("+81 59 382 1111")
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_label("Permanent point of contact of the organization").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("山田 太郎")
    expect(page.get_by_text("+81593821111")).to_be_visible()

    # Log a video call with a next action
    page.get_by_role("link", name="Log a meeting").click()
    page.get_by_label("Kind").select_option(label="Video call")
    page.get_by_label("Subject").fill("Screening call: machining capabilities")
    page.get_by_label("Date").fill("2026-11-20")
    page.get_by_label("Time", exact=True).fill("09:30")
    page.get_by_label("Yamada").check()
    page.get_by_label("Outcomes").fill("They want a partner for aeronautics tenders.")
    page.get_by_label("Next action").first.fill("Send our capabilities deck")
    page.get_by_label("By").first.fill("2026-11-27")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Screening call: machining capabilities"
    )
    expect(page.get_by_text("In Asia/Tokyo")).to_be_visible()

    # Find it again through search, in either script
    page.get_by_role("searchbox", name="Search").fill("鈴鹿")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name=re.compile("鈴鹿精密部品株式会社"))).to_be_visible()
    page.get_by_role("searchbox", name="Search").first.fill("screening")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Screening call: machining capabilities")).to_be_visible()

    # And close the action from My actions
    page.get_by_role("link", name="My actions").click()
    item = page.locator("li", has_text="Send our capabilities deck")
    item.get_by_role("button", name=re.compile("Mark done")).click()
    expect(
        page.get_by_role("status").filter(has_text="Send our capabilities deck")
    ).to_contain_text("Done")
    page.reload()
    expect(page.get_by_text("Send our capabilities deck")).to_have_count(0)
