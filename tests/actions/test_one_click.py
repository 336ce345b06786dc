"""The digest's one-click "Mark done" and "Snooze a week": links read from the real message."""

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import func, select

from crm.accounts.models import Role
from crm.actions.models import Action, Status
from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.reminders.jobs import run_pass
from tests.conftest import sign_in

MORNING = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # Thursday, 09:00 in Bilbao
LINK = re.compile(r"(Mark done|Snooze a week): (http://zubia\.example(/actions/one-click/\S+))")


@pytest.fixture
def digest(mail_app, smtp, make_user, records):
    """Ane's digest with one overdue action: its id and its two links (paths)."""
    ane = make_user(timezone="Europe/Madrid", email="ane@zubia.example")
    action = records.action(ane, due_date=date(2026, 11, 20), title="Send the brochure")
    with mail_app.app_context():
        run_pass(MORNING, worker="test")
    ((_, message),) = smtp.messages
    text = message.get_body(("plain",)).get_content()
    links = {label: path for label, _url, path in LINK.findall(text)}
    html = message.get_body(("html",)).get_content()
    assert all(f'href="http://zubia.example{path}"' in html for path in links.values())
    return ane, action, links["Mark done"], links["Snooze a week"]


def state(app, action_id):
    with app.app_context():
        action = db.session.get(Action, action_id)
        history = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.entity_type == "action", AuditEvent.entity_id == action_id)
        )
        return action.status, action.due_date, action.version, history


def test_mark_done_asks_then_works_once(app, client, digest, at):
    ane, action, done, _snooze = digest
    at(MORNING + timedelta(hours=1))
    sign_in(client, ane.email)
    before = state(app, action)
    page = client.get(done)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Mark this action done?" in html and 'method="post"' in html and "csrf_token" in html
    assert state(app, action) == before  # opening the link changes nothing
    response = client.post(done)
    assert response.status_code == 302 and response.headers["Location"] == "/actions/mine"
    status, _due, version, history = state(app, action)
    assert status is Status.DONE and version == before[2] + 1 and history == before[3] + 1
    again = client.get(done)
    assert again.status_code == 410
    html = again.get_data(as_text=True)
    assert "This link was already used" in html and f"/actions/{action}/edit" in html
    assert client.post(done).status_code == 410
    assert state(app, action)[2] == version


def test_snooze_a_week_moves_the_due_date_a_week_from_today(app, client, digest, at):
    ane, action, _done, snooze = digest
    at(MORNING + timedelta(hours=1))
    sign_in(client, ane.email)
    assert "Snooze this action for a week?" in client.get(snooze).get_data(as_text=True)
    assert client.post(snooze).status_code == 302
    status, due, _version, _history = state(app, action)
    assert status is Status.OPEN and due == date(2026, 12, 3)
    assert client.post(snooze).status_code == 410  # once


def test_an_expired_link_says_so(app, client, digest, at):
    ane, action, done, _snooze = digest
    at(MORNING + timedelta(days=8))
    sign_in(client, ane.email)
    response = client.get(done)
    assert response.status_code == 410
    html = response.get_data(as_text=True)
    assert "This link has expired" in html and f"/actions/{action}/edit" in html
    assert client.post(done).status_code == 410
    assert state(app, action)[0] is Status.OPEN


@pytest.mark.parametrize("role", [Role.POINT_OF_CONTACT, Role.MANAGER])
def test_another_users_link_is_refused(app, client, login, digest, at, role):
    _ane, action, done, _snooze = digest
    at(MORNING + timedelta(hours=1))
    login(role)
    before = state(app, action)
    response = client.get(done)
    assert response.status_code == 403
    assert "This link is not yours" in response.get_data(as_text=True)
    assert client.post(done).status_code == 403
    assert state(app, action) == before


def test_signed_out_the_sign_in_page_then_back_to_the_link(app, client, digest, at):
    ane, _action, done, _snooze = digest
    at(MORNING + timedelta(hours=1))
    response = client.get(done)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login" and quote(done, safe="") in location.query
    back = sign_in(client, ane.email, next=done)
    assert back.status_code == 302 and back.headers["Location"] == done
    assert "Mark this action done?" in client.get(done).get_data(as_text=True)


def test_a_tampered_link_does_not_work(app, client, digest, at):
    ane, action, done, _snooze = digest
    at(MORNING + timedelta(hours=1))
    sign_in(client, ane.email)
    tampered = done[:-2] + ("AA" if not done.endswith("AA") else "BB")
    response = client.get(tampered)
    assert response.status_code == 400
    assert "This link does not work" in response.get_data(as_text=True)
    assert client.post(tampered).status_code == 400
    assert state(app, action)[0] is Status.OPEN


def test_the_confirmation_is_protected_against_forged_posts(make_app, digest, at):
    ane, action, done, _snooze = digest
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    at(MORNING + timedelta(hours=1))
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    token = token or re.search(r'name="csrf_token" value="([^"]+)"', page)
    sign_in(client, ane.email, csrf_token=token.group(1))
    assert client.post(done).status_code == 400  # no CSRF token: refused
    assert state(app, action)[0] is Status.OPEN
    form = client.get(done).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert client.post(done, data={"csrf_token": token}).status_code == 302
    assert state(app, action)[0] is Status.DONE
