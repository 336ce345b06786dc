from sqlalchemy import select

from crm.accounts.models import Role, User
from crm.extensions import db
from tests.conftest import sign_in


def test_user_create_reads_the_password_from_stdin(app, runner, client):
    result = runner.invoke(
        args=[
            "user",
            "create",
            "Kenji@Mie.Example",
            "--name",
            "鈴木 健二",
            "--role",
            "manager",
            "--timezone",
            "Asia/Tokyo",
            "--language",
            "ja",
        ],
        input="a passphrase from stdin\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created manager kenji@mie.example." in result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.name, user.role, user.timezone) == ("鈴木 健二", Role.MANAGER, "Asia/Tokyo")
    assert sign_in(client, "kenji@mie.example", "a passphrase from stdin").status_code == 302


def test_user_create_refuses_a_weak_password_and_duplicates(runner, make_user):
    result = runner.invoke(
        args=["user", "create", "a@b.example", "--name", "A", "--role", "admin"], input="short\n"
    )
    assert result.exit_code != 0 and "at least 8" in result.output
    make_user(email="taken@b.example")
    result = runner.invoke(
        args=["user", "create", "taken@b.example", "--name", "A", "--role", "admin"],
        input="long enough passphrase\n",
    )
    assert result.exit_code != 0 and "already exists" in result.output


def test_user_create_refuses_an_unknown_role(runner):
    result = runner.invoke(
        args=["user", "create", "a@b.example", "--name", "A", "--role", "owner"],
        input="long enough passphrase\n",
    )
    assert result.exit_code == 2


def test_user_list_shows_every_account(runner, make_user):
    make_user(email="ane@zubia.example", name="Ane")
    make_user(Role.MANAGER, email="miren@zubia.example", active=False)
    output = runner.invoke(args=["user", "list"]).output
    assert "ane@zubia.example\tAne\tpoint_of_contact" in output
    assert "miren@zubia.example" in output and "inactive" in output


def test_set_password_changes_it_and_ends_sessions(app, runner, client, make_user):
    user = make_user()
    sign_in(client, user.email)
    result = runner.invoke(
        args=["user", "set-password", user.email], input="a brand new passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert client.get("/account").status_code == 302
    assert sign_in(app.test_client(), user.email, "a brand new passphrase").status_code == 302
    assert runner.invoke(args=["user", "set-password", "nobody@x.example"]).exit_code == 1


def test_ensure_admin_prints_a_generated_password_once(app, runner):
    first = runner.invoke(args=["user", "ensure-admin"])
    assert first.exit_code == 0
    password = first.output.split("password: ")[1].split()[0]
    assert len(password) >= 16
    assert sign_in(app.test_client(), "admin@zubia.example", password).status_code == 302
    second = runner.invoke(args=["user", "ensure-admin"])
    assert second.exit_code == 0 and second.output == ""


def test_ensure_admin_generates_a_different_password_each_time(app, runner):
    first = runner.invoke(args=["user", "ensure-admin"]).output
    with app.app_context():
        db.session.execute(db.delete(User))
        db.session.commit()
    second = runner.invoke(args=["user", "ensure-admin"]).output
    assert first.split("password: ")[1].split()[0] != second.split("password: ")[1].split()[0]


def test_new_accounts_take_the_configured_default_timezone(app, make_app, make_user):
    tokyo = make_app(DEFAULT_TIMEZONE="Asia/Tokyo")
    result = tokyo.test_cli_runner().invoke(
        args=["user", "create", "kenji@mie.example", "--name", "Kenji", "--role", "manager"],
        input="a passphrase from stdin\n",
    )
    assert result.exit_code == 0, result.output
    admin = make_user(Role.ADMIN)
    client = tokyo.test_client()
    sign_in(client, admin.email)
    form = client.get("/admin/users/new").get_data(as_text=True)
    assert '<option selected value="Asia/Tokyo">' in form
    with tokyo.app_context():
        assert db.session.scalar(select(User.timezone).filter_by(email="kenji@mie.example")) == (
            "Asia/Tokyo"
        )
        # The column's own default, for accounts made without the service (the demo, fixtures).
        db.session.add(User(email="x@mie.example", name="X", role=Role.ADMIN, password_hash="-"))
        db.session.flush()
        assert db.session.scalar(select(User.timezone).filter_by(email="x@mie.example")) == (
            "Asia/Tokyo"
        )
        db.session.rollback()
