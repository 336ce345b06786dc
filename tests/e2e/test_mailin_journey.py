"""A point of contact BCCs Zubia, sees the email on the partner's timeline, and makes the
colleague on copy a contact (issue 15)."""

import re

import pytest
from playwright.sync_api import expect

from crm.extensions import db, limiter
from tests.conftest import PASSWORD, empty_tables
from tests.mailin.conftest import (
    MAILIN_ADDRESS,
    corpus,
    dovecot,
    mail_settings,
    scene,
    tls_cert,
)

pytestmark = pytest.mark.e2e
__all__ = [
    "dovecot",
    "mail_settings",
    "scene",
    "tls_cert",
]  # fixtures this journey shares with tests/mailin


@pytest.fixture
def app(make_app, mail_settings):
    app = make_app(**mail_settings)
    yield app
    with app.app_context():
        empty_tables()
        db.session.remove()
    limiter.reset()


def test_a_bcc_lands_on_the_timeline_and_its_unknown_participant_becomes_a_contact(
    page, live_server, app, dovecot, scene
):
    dovecot.deliver(corpus("outlook-bcc.eml"))  # Ane wrote to Mikel, Jon on copy, Zubia in Bcc
    result = app.test_cli_runner().invoke(args=["mailin", "run"])
    assert result.output.strip() == "1 messages: logged 1", result.output

    page.goto(live_server + "/login")
    page.get_by_label("Email", exact=True).fill("ane@zubia.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server}/account")
    expect(page.locator("#mail-in").get_by_role("link", name=MAILIN_ADDRESS)).to_be_visible()

    page.goto(f"{live_server}/organizations/{scene['tecnalia']}")
    page.get_by_role("link", name="Propuesta de taller Bilbao–Tsu").first.click()
    expect(page.get_by_role("heading", name="Propuesta de taller Bilbao–Tsu")).to_be_visible()
    email = page.locator("#email")
    expect(email.get_by_text(re.compile("Adjunto la propuesta de colaboración"))).to_be_visible()
    expect(email.get_by_text("Jon Ugarte <jon.ugarte@tecnalia.com>")).to_be_visible()
    expect(page.get_by_role("link", name="Propuesta colaboración.pdf")).to_be_visible()

    page.goto(f"{live_server}/mail/review")
    item = page.get_by_role("listitem").filter(has_text="jon.ugarte@tecnalia.com")
    item.get_by_role("link", name="Create contact").click()
    expect(page.get_by_label("Given name")).to_have_value("Jon")
    expect(page.get_by_label("Family name")).to_have_value("Ugarte")
    expect(page.get_by_label("Organization")).to_have_value(str(scene["tecnalia"]))
    page.get_by_label("Job title").fill("Project manager")
    page.get_by_role("button", name="Create contact").click()

    expect(page.get_by_role("status").filter(has_text="is a contact now")).to_be_visible()
    expect(page.get_by_text("Nobody to review.")).to_be_visible()
    page.goto(f"{live_server}/organizations/{scene['tecnalia']}")
    page.get_by_role("link", name="Propuesta de taller Bilbao–Tsu").first.click()
    expect(page.get_by_role("link", name="Jon Ugarte")).to_be_visible()
