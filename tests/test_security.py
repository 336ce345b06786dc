"""Request-wide protections: CSRF, headers, templates, hosts and production settings."""

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm import create_app
from crm.accounts.models import Role
from crm.audit.models import AuditEvent
from crm.extensions import db
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


# The one route a mail client posts to without a session or token (RFC 8058): its signed
# address is the credential (tests/reminders/test_headers.py).
CSRF_EXEMPT = {"reminders.unsubscribe"}


def api_route(endpoint):
    """The integration API: a bearer token, never the session cookie, signs it in, so a
    cross-site form cannot use it (tests/api/test_api.py) and it takes no CSRF token."""
    from crm.authorization import MATRIX, Api

    return isinstance(MATRIX.get(endpoint), Api)


def write_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        and rule.endpoint not in CSRF_EXEMPT
        and not api_route(rule.endpoint)
    ]


def test_only_the_one_click_unsubscribe_and_the_api_are_exempt_from_csrf(app):
    from crm.extensions import csrf

    api_views = {
        f"{view.__module__}.{view.__name__}"
        for endpoint, view in app.view_functions.items()
        if api_route(endpoint)
    }
    assert api_views and all(name.startswith("crm.api.endpoints.") for name in api_views)
    assert csrf._exempt_views == {"crm.reminders.views.unsubscribe"} | api_views


def test_a_signed_in_browser_cannot_write_through_the_api(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    admin = make_user(Role.ADMIN)
    client = csrf_client(app, admin)
    before = row_counts(app)
    response = client.post("/api/v1/organizations", json={"name": "Forged"})
    assert response.status_code == 401
    assert row_counts(app) == before


def example_url(rule, user_id):
    return re.sub(r"<[^>]+>", str(user_id), rule.rule)


def row_counts(app):
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def csrf_client(app, user):
    """A client signed in through the real form, token and all."""
    client = app.test_client()
    page = client.get("/login").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def test_sec4_every_state_change_needs_a_csrf_token(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    admin = make_user(Role.ADMIN)
    client = csrf_client(app, admin)
    rules = write_rules(app)
    assert rules, "no write routes found"
    before = row_counts(app)
    for rule in rules:
        response = client.post(example_url(rule, admin.id), data={"name": "x", "language": "ja"})
        assert response.status_code == 400, rule.rule
        assert b"The form expired or was sent from elsewhere" in response.data
    assert row_counts(app) == before


def test_sec4_a_token_from_another_session_is_refused(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    admin, other = make_user(Role.ADMIN), make_user()
    client, stranger = csrf_client(app, admin), csrf_client(app, other)
    page = stranger.get("/account").data.decode()
    foreign_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/account",
        data={"name": "Renamed", "language": "en", "timezone": "UTC", "csrf_token": foreign_token},
    )
    assert response.status_code == 400


def test_sec4_get_requests_change_nothing(app, login, client):
    admin = login(Role.ADMIN)
    before = row_counts(app)
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            client.get(example_url(rule, admin.id))
    # A download (CSV, vCard) is a read; DATA-5 keeps a history row of who exported what.
    with app.app_context():
        before["audit_events"] += db.session.scalar(
            select(func.count()).where(AuditEvent.action == "export")
        )
    assert row_counts(app) == before


def get_urls(app, user_id):
    return [
        example_url(rule, user_id)
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static"
    ] + ["/static/app.css", "/static/vendor/htmx/htmx.min.js", "/no-such-page"]


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "default-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_sec9_headers_on_every_page_signed_out(app, client):
    for url in get_urls(app, 1):
        assert_security_headers(client.get(url))


def test_sec9_headers_and_no_store_on_every_page_signed_in(app, client, login):
    admin = login(Role.ADMIN)
    for url in get_urls(app, admin.id):
        response = client.get(url)
        assert_security_headers(response)
        if "/static/" not in url:
            assert response.headers["Cache-Control"] == "no-store", url
            assert b'="None"' not in response.data, url


def test_sec9_headers_on_the_500_page_which_shows_no_traceback(make_app, login):
    app = make_app()

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret detail")

    from crm.authorization import MATRIX, PUBLIC

    MATRIX["boom"] = PUBLIC
    try:
        response = app.test_client().get("/boom")
    finally:
        del MATRIX["boom"]
    assert response.status_code == 500
    assert b"Something went wrong" in response.data
    assert b"secret detail" not in response.data and b"Traceback" not in response.data
    assert_security_headers(response)


def test_sec9_production_sends_hsts(make_app):
    app = make_app(HSTS_SECONDS=31536000)
    header = app.test_client().get("/login").headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", header).group(1)) >= 31536000


def templates():
    return sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_sec9_templates_have_no_inline_script_style_or_handlers(path):
    source = path.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", source), "inline <script>"
    assert not re.search(r"<style\b", source), "inline <style>"
    assert not re.search(r"\son[a-z]+\s*=", source), "on* handler attribute"
    assert not re.search(r"\sstyle\s*=", source), "style attribute"


# Sanitised by nh3 before it is marked safe (tests/guide checks scripts cannot get through).
SAFE_ALLOWLIST: set[str] = {"crm/guide/rendering.py"}


@pytest.mark.parametrize(
    "path",
    [*templates(), *sorted((ROOT / "crm").rglob("*.py"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_sec8_no_unescaped_output(path):
    source = path.read_text(encoding="utf-8")
    if str(path.relative_to(ROOT)) in SAFE_ALLOWLIST:
        return
    for pattern in (
        r"\|\s*safe\b",
        r"Markup\(",
        r"autoescape\s+false",
        r"render_template_string\(",
    ):
        assert not re.search(pattern, source), pattern


def test_sec12_untrusted_host_is_refused_in_production(make_app):
    app = make_app(TRUSTED_HOSTS=["zubia.example.org"])
    client = app.test_client()
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", headers={"Host": "zubia.example.org"}).status_code == 200


def test_sec12_external_links_use_base_url_not_the_request_host(make_app):
    from crm.urls import external_url

    app = make_app(BASE_URL="https://zubia.example.org/crm")
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert external_url("admin.edit_user", user_id=7) == (
            "https://zubia.example.org/crm/admin/users/7"
        )
    with app.app_context():  # the scheduler has no request at all
        assert external_url("main.index") == "https://zubia.example.org/crm/"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "k" * 40, "FLASK_DEBUG": "1"}, "debug"),
        ({"SECRET_KEY": "k" * 40, "BASE_URL": "http://zubia.example.org"}, "ALLOW_HTTP_BASE_URL"),
        ({"SECRET_KEY": "k" * 40}, "https://"),  # the default BASE_URL is http://127.0.0.1
        (
            {"SECRET_KEY": "k" * 40, "BASE_URL": "http://z.example", "ALLOW_HTTP_BASE_URL": "0"},
            "BASE_URL",
        ),
    ],
)
def test_sec13_production_refuses_unsafe_settings(monkeypatch, tmp_path, env, message):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.delenv("ALLOW_HTTP_BASE_URL", raising=False)
    monkeypatch.setenv("ZUBIA_INSTANCE_PATH", str(tmp_path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SystemExit) as exc:
        create_app("production")
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_sec13_production_starts_with_sound_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("ZUBIA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("BASE_URL", "https://zubia.example.org")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["HSTS_SECONDS"] >= 31536000


def test_production_may_serve_plain_http_when_told_so(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("ZUBIA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("BASE_URL", "http://zubia.lan")
    monkeypatch.setenv("ALLOW_HTTP_BASE_URL", "1")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    assert create_app("production").config["BASE_URL"] == "http://zubia.lan"


def test_uploads_larger_than_the_limit_get_413(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/login", data={"email": "a" * 2048, "password": "x"})
    assert response.status_code == 413
    assert b"larger than Zubia accepts" in response.data
