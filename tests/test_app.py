import threading

from crm import clock, create_app


def test_sch1_create_app_starts_no_scheduler():
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    names = [thread.name for thread in threading.enumerate()]
    assert not [name for name in names if "apscheduler" in name.lower()], names


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ZUBIA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("BASE_URL", "https://zubia.example.org/")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("MAIL_PORT", "587")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/3")
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")
    assert app.config["BASE_URL"] == "https://zubia.example.org"
    assert (app.config["MAIL_SERVER"], app.config["MAIL_PORT"]) == ("smtp.example.org", 587)
    assert app.config["MAIL_USE_TLS"] is True
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert app.instance_path == str(tmp_path)


def test_the_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("ZUBIA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'zubia.sqlite3'}"


def test_health_answers_with_the_database_state(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json["database"] == "ok"


def test_the_home_page_shows_both_ends_of_the_bridge(client, login, at):
    at("2026-07-01T07:30:00+00:00")  # 09:30 in Bilbao (CEST), 16:30 in Tsu
    login()
    page = client.get("/").data.decode()
    assert "9:30\u202fAM" in page or "9:30 AM" in page
    assert "4:30\u202fPM" in page or "4:30 PM" in page
    assert page.count("working hours") == 2


def test_the_clock_can_stand_still():
    from datetime import UTC, datetime

    instant = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    clock.set_now(instant)
    try:
        assert clock.now_utc() == instant
    finally:
        clock.set_now(None)
    assert clock.now_utc() != instant
