"""A manager accepts a proposed match, moves it to "exploring", and the dashboard follows."""

import re

import pytest
from playwright.sync_api import expect

from crm.accounts.models import Role
from crm.organizations.models import Kind
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_manager_accepts_a_proposal_and_the_dashboard_counts_it(
    page, live_server, app, make_user, records
):
    from crm.demo.cli import load_sectors
    from crm.extensions import db

    with app.app_context():
        load_sectors()
        db.session.commit()
    manager = make_user(Role.MANAGER, email="miren@zubia.example")
    basque = records.org(
        manager,
        name="Precisión Mecánica Urola",
        kind=Kind.COMPANY,
        sector_ids=[3],
        capabilities="Five-axis precision machining of titanium parts",
        interests="Japanese aeronautics customers",
    )
    records.org(
        manager,
        name="Suzuka Precision Parts",
        native_name="鈴鹿精密部品",
        region="mie",
        country="JP",
        kind=Kind.COMPANY,
        sector_ids=[3],
        capabilities="Aeronautics assembly",
        interests="Suppliers of machined titanium parts",
    )
    page.goto(live_server + "/login")
    page.get_by_label("Email", exact=True).fill("miren@zubia.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Programme").click()
    expect(page.locator("#figure-companies-exploring")).to_have_text("0")

    page.goto(f"{live_server}/organizations/{basque}")
    page.get_by_role("link", name="Find partners").click()
    expect(page.get_by_text("Shared sectors: Aeronautics")).to_be_visible()
    page.get_by_role("button", name=re.compile("Accept.*鈴鹿精密部品")).click()
    expect(page.get_by_text("Match created")).to_be_visible()

    page.get_by_label("Move to stage").select_option(label="Exploring")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Exploring")

    page.get_by_role("link", name="Programme").click()
    expect(page.locator("#figure-companies-exploring")).to_have_text("2")
    expect(page.locator("#figure-exploring")).to_have_text("1")
