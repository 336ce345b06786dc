"""A point of contact imports a spreadsheet of contacts in Chromium, from upload to a record."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_records_journey import sign_in

pytestmark = pytest.mark.e2e

CSV = (
    "Company,Vorname,Last Name,E-mail Address,Business Phone\r\n"
    "Mie University,Taro,Yamada,t.yamada@mie-u.example,+81 59-232-1211\r\n"
    "Mie University,Hanako,Suzuki,not-an-email,+81 59-232-1212\r\n"
)


def test_point_of_contact_imports_contacts(page, live_server, make_user, records, tmp_path):
    owner = make_user(email="ane@zubia.example", name="Ane Etxeberria")
    records.org(owner, name="Mie University", native_name="三重大学", region="mie", country="JP")
    upload = tmp_path / "contacts.csv"
    upload.write_text(CSV, encoding="utf-8")
    sign_in(page, live_server, "ane@zubia.example")

    page.get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Contacts").check()
    page.get_by_label("File (CSV or Excel .xlsx)").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and map the columns").click()

    expect(page.get_by_role("heading", name="Map the columns")).to_be_visible()
    # "Vorname" is not a header Zubia knows: map it by hand
    page.get_by_label("Vorname").select_option(label="Given name")
    expect(page.get_by_label("Company")).to_have_value("organization")
    page.get_by_role("button", name="Check every row").click()

    expect(page.get_by_role("heading", name="Check before importing")).to_be_visible()
    problem = page.get_by_role("row", name=re.compile("Suzuki"))
    expect(problem).to_contain_text("Email: Invalid email address.")
    expect(page.locator("#summary")).to_contain_text("1 will be created")
    page.get_by_role("button", name="Import 1 rows").click()

    expect(page.get_by_role("heading", name="Import report")).to_be_visible()
    expect(page.locator("#summary")).to_contain_text("1 created, 0 updated, 1 skipped.")
    page.get_by_role("link", name="Taro Yamada").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Yamada")
    expect(page.get_by_text("+81592321211")).to_be_visible()
