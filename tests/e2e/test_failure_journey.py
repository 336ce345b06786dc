"""Marking an action done while the database is locked: the page says nothing was saved."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_records_journey import sign_in
from tests.test_failures import app, database_file, write_lock  # noqa: F401 - its SQLite app

pytestmark = pytest.mark.e2e


def test_a_done_click_that_meets_the_lock_reloads_the_page_with_the_message(
    page,
    live_server,
    make_user,
    records,
    database_file,  # noqa: F811
):
    user = make_user(email="ane@zubia.example")
    records.action(user, title="Send the brochure")
    sign_in(page, live_server, "ane@zubia.example")
    page.goto(live_server + "/actions/mine")

    with write_lock(database_file), page.expect_navigation():  # htmx reloads the page
        page.get_by_role("button", name="Mark done").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Zubia's database is busy or out of reach, so nothing was saved. "
        "Please try again in a moment."
    )
    expect(page.get_by_role("button", name="Mark done")).to_be_visible()
