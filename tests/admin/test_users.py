import pytest
from sqlalchemy import select

from crm.accounts.models import Role, User
from crm.audit.models import AuditEvent
from crm.extensions import db
from tests.accounts.test_sessions import editable
from tests.conftest import sign_in

NEW_USER = {
    "email": "Haruka.Yamada@Mie.Example",
    "name": "山田 遥",
    "role": "point_of_contact",
    "language": "ja",
    "timezone": "Asia/Tokyo",
    "active": "y",
    "new_password": "三重とバスクの架け橋",
    "confirm": "三重とバスクの架け橋",
}


def stored(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_admin_lists_accounts(client, login, make_user):
    login(Role.ADMIN)
    make_user(name="Ane Etxeberria")
    page = client.get("/admin/users")
    assert page.status_code == 200
    assert b"Ane Etxeberria" in page.data


def test_admin_creates_an_account_that_can_sign_in(app, client, login):
    login(Role.ADMIN)
    response = client.post("/admin/users/new", data=NEW_USER)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email="haruka.yamada@mie.example"))
        assert (user.role, user.language, user.timezone) == (
            Role.POINT_OF_CONTACT,
            "ja",
            "Asia/Tokyo",
        )
        history = db.session.scalars(select(AuditEvent).filter_by(entity_id=user.id)).all()
        assert [e.action for e in history] == ["create"]
    assert (
        sign_in(app.test_client(), "haruka.yamada@mie.example", "三重とバスクの架け橋").status_code
        == 302
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", b"Invalid email address."),
        ("email", "x@y.com\r\nBcc: z@evil.example", b"Invalid email address."),
        ("name", "", b"This field is required."),
        ("name", "   ", b"This field is required."),
        ("name", "a\x00b", b"Remove the control characters"),
        ("name", "x" * 121, b"Field cannot be longer than 120 characters."),
        ("role", "superuser", b"Not a valid choice."),
        ("timezone", "Mars/Olympus", b"Not a valid choice."),
        ("language", "xx", b"Not a valid choice."),
        ("new_password", "short", b"Use at least 8 characters."),
    ],
)
def test_bad_input_is_refused_next_to_the_field(app, client, login, field, value, message):
    login(Role.ADMIN)
    data = {**NEW_USER, field: value}
    if field == "new_password":
        data["confirm"] = value
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 200
    assert message in response.data
    with app.app_context():
        assert db.session.scalar(select(User).filter_by(name="山田 遥")) is None


def test_an_email_already_in_use_is_refused(client, login, make_user):
    login(Role.ADMIN)
    make_user(email="haruka.yamada@mie.example")
    response = client.post("/admin/users/new", data=NEW_USER)
    assert b"Another account already uses this email." in response.data


def test_admin_changes_a_role_and_history_keeps_it(app, client, login, make_user):
    admin = login(Role.ADMIN)
    member = make_user()
    response = client.post(
        f"/admin/users/{member.id}", data={**editable(member), "role": "manager", "active": "y"}
    )
    assert response.status_code == 302
    assert stored(app, member.id).role is Role.MANAGER
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).filter_by(action="update")).one()
        assert event.actor_id == admin.id
        assert event.changes == {"role": ["point_of_contact", "manager"]}


def test_admin_deactivates_an_account(app, client, login, make_user):
    login(Role.ADMIN)
    member = make_user()
    client.post(f"/admin/users/{member.id}", data={**editable(member), "active": ""})
    assert stored(app, member.id).active is False
    assert sign_in(app.test_client(), member.email).status_code == 200


def test_the_last_admin_cannot_be_demoted_or_deactivated(app, client, login):
    admin = login(Role.ADMIN)
    for change in ({"role": "manager"}, {"active": ""}):
        response = client.post(f"/admin/users/{admin.id}", data={**editable(admin), **change})
        assert response.status_code == 200
        assert b"Zubia needs at least one active admin." in response.data
    assert stored(app, admin.id).role is Role.ADMIN


def test_an_unknown_account_is_404(client, login):
    login(Role.ADMIN)
    assert client.get("/admin/users/99999").status_code == 404
    assert client.get("/admin/users/99999999999999999999").status_code == 404
    assert client.get("/admin/users/abc").status_code == 404


@pytest.mark.parametrize("role", [Role.POINT_OF_CONTACT, Role.MANAGER])
def test_others_get_403_on_every_admin_page_and_nothing_changes(
    app, client, login, make_user, role
):
    member = make_user()
    login(role)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/new").status_code == 403
    assert client.post("/admin/users/new", data=NEW_USER).status_code == 403
    assert client.get(f"/admin/users/{member.id}").status_code == 403
    response = client.post(f"/admin/users/{member.id}", data={**editable(member), "role": "admin"})
    assert response.status_code == 403
    assert b"Your role does not allow this" in response.data
    assert stored(app, member.id).role is Role.POINT_OF_CONTACT
