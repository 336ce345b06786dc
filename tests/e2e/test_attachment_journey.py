"""A point of contact attaches the minutes of a meeting as a PDF, then downloads them."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.attachments.factories import PDF
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_point_of_contact_attaches_minutes_to_a_meeting_and_downloads_them(
    page, live_server, make_user, records
):
    ane = make_user(email="ane@zubia.example", name="Ane Etxeberria", timezone="Europe/Madrid")
    mie = records.org(ane, name="Mie Prefectural Government")
    meeting = records.meeting(ane, [mie], title="Kick-off with the prefecture")

    page.goto(live_server + "/login")
    page.get_by_label("Email", exact=True).fill("ane@zubia.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server}/meetings/{meeting}")
    card = page.locator("#attachments")
    expect(card.get_by_text("No files attached yet.")).to_be_visible()
    card.get_by_label("File").set_input_files(
        files=[{"name": "Acta reunión Tsu.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    card.get_by_role("button", name="Attach").click()

    expect(page).to_have_url(re.compile(rf"/meetings/{meeting}#attachments$"))
    expect(page.get_by_role("status").filter(has_text="was attached")).to_be_visible()
    link = card.get_by_role("link", name="Acta reunión Tsu.pdf")
    expect(link).to_be_visible()
    expect(card.get_by_role("cell", name="PDF document")).to_be_visible()
    expect(card.get_by_role("cell", name="Ane Etxeberria")).to_be_visible()

    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "Acta reunión Tsu.pdf"
    assert Path(download.path()).read_bytes() == PDF

    # A file that is no PDF at all, named .pdf, is refused next to the field.
    card.get_by_label("File").set_input_files(
        files=[{"name": "photo.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a" + bytes(9)}]
    )
    card.get_by_role("button", name="Attach").click()
    expect(page.get_by_text(re.compile("GIF image.*ends in .pdf"))).to_be_visible()
