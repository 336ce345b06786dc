"""A manager moves one person's overdue actions in one sector to someone else, then exports them.

Pipeline filtered by sector → that owner's overdue count → "Reassign these actions" → preview
→ move → the new owner's list with the same filters → CSV export.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crm.accounts.models import Role
from crm.actions.models import Action
from crm.extensions import db
from crm.organizations.models import Sector
from tests.e2e.test_records_journey import sign_in

pytestmark = pytest.mark.e2e

MARCH_2, MARCH_24 = date(2026, 3, 2), date(2026, 3, 24)
MOVING = ["Send the NDA to Aernnova", "Call Aernnova about the Mie visit"]


def test_manager_reassigns_overdue_actions_of_one_sector_and_exports_them(
    page, live_server, app, at, make_user, sectors, records
):
    at("2026-03-10T09:00:00+00:00")  # a Tuesday; today is 10 March in Madrid
    with app.app_context():
        ids = dict(db.session.execute(select(Sector.code, Sector.id)).all())
    make_user(Role.MANAGER, email="miren@zubia.example", name="Miren Agirre")
    ane = make_user(email="ane@zubia.example", name="Ane Etxeberria")
    koldo = make_user(email="koldo@zubia.example", name="Koldo Arana")
    aernnova = records.org(ane, name="Aernnova Aerospace", sector_ids=[ids["aeronautics"]])
    cie = records.org(ane, name="CIE Automotive", sector_ids=[ids["automotive"]])
    moving = [
        records.action(ane, title=MOVING[0], organization_id=aernnova, due_date=date(2026, 2, 27)),
        records.action(ane, title=MOVING[1], organization_id=aernnova, due_date=date(2026, 3, 6)),
    ]
    staying = [
        # overdue, but in another sector
        records.action(ane, title="Chase CIE's brochure", organization_id=cie, due_date=MARCH_2),
        # in the sector, but not overdue
        records.action(ane, title="Book the visit", organization_id=aernnova, due_date=MARCH_24),
    ]
    sign_in(page, live_server, "miren@zubia.example")

    page.get_by_role("link", name="Pipeline").click()
    ane_row = page.locator("#workload").get_by_role("row", name=re.compile("Ane Etxeberria"))
    expect(ane_row.get_by_role("cell").first).to_have_text("3")  # every overdue one
    page.get_by_label("Sector").select_option(label="Aeronautics")
    page.get_by_role("button", name="Show").click()
    expect(ane_row.get_by_role("cell").first).to_have_text("2")  # only the aeronautics ones
    ane_row.get_by_role("link", name="2", exact=True).click()

    expect(page).to_have_url(re.compile(r"/actions/\?.*bucket=overdue"))
    listed = page.get_by_role("table").get_by_role("row")
    expect(listed).to_have_count(3)  # header and two actions
    expect(page.get_by_role("table")).to_contain_text(MOVING[0])
    expect(page.get_by_role("table")).to_contain_text(MOVING[1])
    page.get_by_role("link", name="Reassign these actions").click()

    expect(page.get_by_role("heading", name="Reassign work")).to_be_visible()
    expect(page.get_by_text("Only the open actions of the filtered list move.")).to_be_visible()
    expect(page.get_by_label("Move the work of")).to_have_value(str(ane.id))
    expect(page.get_by_label("Give it to")).not_to_have_attribute("aria-invalid", "true")
    page.get_by_label("Give it to").select_option(label="Koldo Arana")
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="What moves from Ane Etxeberria to Koldo Arana")
    expect(preview.get_by_role("heading", name="Open actions (2)")).to_be_visible()
    expect(preview.get_by_role("listitem")).to_have_text(MOVING)
    page.get_by_role("button", name="Move 2 records").click()

    moved = "Moved from Ane Etxeberria to Koldo Arana: 2 open actions."
    expect(page.get_by_text(moved)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/actions/\?.*owner={koldo.id}"))
    expect(page).to_have_url(re.compile(rf"sector={ids['aeronautics']}"))
    expect(page).to_have_url(re.compile("bucket=overdue"))
    expect(listed).to_have_count(3)
    for title in MOVING:
        expect(page.get_by_role("row", name=re.compile(title))).to_contain_text("Koldo Arana")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    data = download.value.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 3  # the header and the two moved actions
    assert all(title in text for title in MOVING)
    assert text.count("Koldo Arana") == 2
    assert "Ane Etxeberria" not in text and "Chase CIE" not in text and "Book the visit" not in text

    owners = {i: records.get(Action, i).owner_id for i in moving + staying}
    assert owners == {**dict.fromkeys(moving, koldo.id), **dict.fromkeys(staying, ane.id)}
