"""The culture guide: written together, shown as sanitised Markdown."""

import pytest
from sqlalchemy import select

from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.guide.models import GuidePage
from crm.guide.services import create_page, update_page


def write(client, **fields):
    data = {"title": "Business cards (meishi)", "slug": "business-cards", "body": "", **fields}
    return client.post("/guide/new", data=data)


def test_a_point_of_contact_writes_a_page_and_another_improves_it(app, client, login, make_user):
    login()
    body = "## Exchanging *meishi*\n\n- Give and receive with both hands\n- Read it before"
    response = write(client, body=body)
    assert response.status_code == 302
    page = client.get("/guide/business-cards").get_data(as_text=True)
    assert "<h2>Exchanging <em>meishi</em></h2>" in page and "<li>Give and receive" in page
    other = app.test_client()
    from tests.conftest import sign_in

    sign_in(other, make_user().email)
    edit = other.get("/guide/business-cards/edit").get_data(as_text=True)
    version = edit.split('name="version" type="hidden" value="')[1].split('"')[0]
    other.post(
        "/guide/business-cards/edit",
        data={"title": "Business cards (meishi)", "slug": "business-cards",
              "body": body + "\n- Bow slightly", "version": version},
    )  # fmt: skip
    assert "Bow slightly" in client.get("/guide/business-cards").get_data(as_text=True)


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        "{{7*7}}",
    ],
)
def test_sec8_markdown_cannot_carry_a_script(client, login, attack):
    login()
    write(client, body=f"Hello\n\n{attack}")
    page = client.get("/guide/business-cards").get_data(as_text=True)
    article = page.split('<article class="guide">')[1].split("</article>")[0]
    assert "<script" not in article and "onerror" not in article and "<iframe" not in article
    assert "javascript:" not in article and "49" not in article


@pytest.mark.parametrize(
    ("slug", "message"),
    [("Business Cards", "lower-case"), ("../etc", "lower-case"), ("", "required")],
)
def test_bad_addresses_are_refused(app, client, login, slug, message):
    login()
    response = write(client, slug=slug)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(GuidePage)).all() == []


def test_two_pages_cannot_share_an_address(client, login):
    login()
    write(client)
    assert "Another page already has this address." in write(client).get_data(as_text=True)


def test_the_service_notes_who_wrote_and_who_saved_last_in_the_history(app, make_user):
    author, editor = make_user(), make_user()
    with app.test_request_context():
        page = create_page(
            {"title": "Calendars", "slug": "calendars", "body": "Obon"}, actor=author
        )
        changes = update_page(
            page, {"title": "Calendars", "slug": "calendars", "body": "Golden Week"}, actor=editor
        )
        assert changes == {"body": ["Obon", "Golden Week"]}
        assert (page.owner_id, page.updated_by_id) == (author.id, editor.id)
        history = db.session.execute(
            select(AuditEvent.action, AuditEvent.actor_id)
            .where(AuditEvent.entity_type == "guide_page", AuditEvent.entity_id == page.id)
            .order_by(AuditEvent.id)
        ).all()
        assert [tuple(row) for row in history] == [("create", author.id), ("update", editor.id)]
