"""The bell in the navigation and the notifications page: read, mark read, mark all read."""

import re

from sqlalchemy import select

from crm.accounts.models import Role, User
from crm.extensions import db
from crm.notifications.models import Notification
from tests.conftest import PASSWORD, sign_in


def bell(html):
    return re.search(r'<a class="nav-link[^"]*" href="/notifications" aria-label="([^"]*)"', html)


def test_the_bell_counts_unread_in_one_query_whatever_their_number(
    app, client, make_user, records, count_queries
):
    me, other = make_user(), make_user()
    sign_in(client, me.email)
    html = client.get("/").get_data(as_text=True)
    assert bell(html).group(1) == "Notifications: none unread"
    records.action(other, owner_id=me.id, title="Action 1")
    with count_queries() as few:
        html = client.get("/").get_data(as_text=True)
    assert bell(html).group(1) == "Notifications: 1 unread notification"
    for n in range(2, 8):
        records.action(other, owner_id=me.id, title=f"Action {n}")
    with count_queries() as many:
        html = client.get("/").get_data(as_text=True)
    assert bell(html).group(1) == "Notifications: 7 unread notifications"
    assert 'text-bg-warning" aria-hidden="true">7</span>' in html
    assert len(many) == len(few), many.statements
    counts = [s for s in many.statements if "FROM notifications" in s]
    assert len(counts) == 1  # the bell asks once per page


def test_the_page_lists_unread_first_with_links_and_marks_read(app, client, make_user, records, at):
    me, other = make_user(), make_user(name="Miren Agirre")
    at("2026-12-01T09:00:00+00:00")
    first = records.action(other, owner_id=me.id, title="Call Yamada-san")
    at("2026-12-01T10:00:00+00:00")
    org = records.org(me, name="Ideko")
    with app.test_request_context():
        from crm.organizations import services
        from crm.organizations.models import Organization

        services.update_organization(
            db.session.get(Organization, org),
            {"city": "Elgoibar"},
            actor=db.session.get(User, other.id),
        )
        db.session.commit()
    sign_in(client, me.email)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.index("Miren Agirre changed Ideko") < page.index("Miren Agirre gave you an action")
    assert f'href="/organizations/{org}"' in page and f'href="/actions/{first}/edit"' in page
    with app.app_context():
        ids = {n.entity_type: n.id for n in db.session.scalars(select(Notification)).all()}
    client.post(f"/notifications/{ids['organization']}/read")
    page = client.get("/notifications").get_data(as_text=True)
    # The read one goes below the unread one, and only the unread one has a button.
    assert page.index("gave you an action") < page.index("Miren Agirre changed Ideko")
    assert page.count(">Mark read</button>") == 1
    assert bell(page).group(1) == "Notifications: 1 unread notification"
    response = client.post("/notifications/read")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ">Mark read</button>" not in page and ">Mark all read</button>" not in page
    assert bell(page).group(1) == "Notifications: none unread"


def test_another_persons_notification_cannot_be_marked(app, client, make_user, records):
    me, other, giver = make_user(), make_user(Role.MANAGER), make_user()
    records.action(giver, owner_id=me.id)
    records.action(giver, owner_id=other.id)
    with app.app_context():
        theirs = db.session.scalar(
            select(Notification.id).where(Notification.recipient_id == other.id)
        )
    sign_in(client, me.email)
    assert client.post(f"/notifications/{theirs}/read").status_code == 302
    assert client.post("/notifications/read").status_code == 302
    with app.app_context():
        read = dict(
            db.session.execute(select(Notification.recipient_id, Notification.read_at)).all()
        )
    assert read[me.id] is not None and read[other.id] is None


def test_marking_needs_the_csrf_token(make_app, make_user, records):
    app = make_app(WTF_CSRF_ENABLED=True)
    me, giver = make_user(), make_user()
    records.action(giver, owner_id=me.id)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": me.email, "password": PASSWORD, "csrf_token": token})
    assert client.post("/notifications/read").status_code == 400
    page = client.get("/notifications").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/notifications/read", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Notification.read_at)) is not None


def test_a_record_moved_to_the_trash_is_said_so_without_a_link(app, client, make_user, records):
    from crm.organizations.models import Organization
    from crm.trash.services import move_to_trash

    me, manager = make_user(), make_user(Role.MANAGER, name="Miren Agirre")
    org = records.org(me, name="Orona")
    with app.test_request_context():
        move_to_trash(db.session.get(Organization, org), actor=db.session.get(User, manager.id))
        db.session.commit()
    sign_in(client, me.email)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Miren Agirre moved Orona to the trash" in page and "no longer there" in page
    assert f'href="/organizations/{org}"' not in page
