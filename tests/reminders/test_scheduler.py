"""The scheduler process: one job in code, in UTC, observable, and safe to run twice (SCH-*)."""

import os
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from apscheduler.events import EVENT_JOB_EXECUTED
from apscheduler.jobstores.memory import MemoryJobStore
from sqlalchemy import func, select

from crm.extensions import db
from crm.reminders.jobs import HEARTBEAT, build_scheduler, health, run_pass
from crm.reminders.models import Delivery, OutboxMessage, SchedulerHeartbeat

ROOT = Path(__file__).resolve().parents[2]


def test_sch1_sch7_the_jobs_are_defined_in_code_in_utc(app):
    scheduler = build_scheduler(app, background=True)
    jobs = scheduler.get_jobs()
    # The reminders' pass, the webhooks' outbox of the integration API (crm/api) and the
    # expiry of unanswered B2B meeting requests (crm/public_events).
    assert {job.id for job in jobs} == {"reminders-pass", "webhooks-pass", "b2b-requests-expire"}
    assert str(scheduler.timezone) == "UTC"
    for job in jobs:
        assert job.coalesce is True and job.max_instances == 1 and job.misfire_grace_time is None
    assert not scheduler.running
    scheduler.start(paused=True)
    try:
        assert list(scheduler._jobstores) == ["default"]
        assert isinstance(scheduler._jobstores["default"], MemoryJobStore)  # nothing pickled
    finally:
        scheduler.shutdown(wait=False)


def test_a_real_scheduler_runs_the_pass_and_beats(app, make_user):
    make_user(timezone="UTC")
    scheduler = build_scheduler(app, background=True)
    done = threading.Event()
    scheduler.add_listener(lambda event: done.set(), EVENT_JOB_EXECUTED)
    scheduler.start()
    try:
        assert done.wait(20), "the pass never ran"
    finally:
        scheduler.shutdown(wait=True)
    with app.app_context():
        beat = db.session.get(SchedulerHeartbeat, HEARTBEAT)
        assert beat is not None and beat.last_pass_at is not None


def test_sch8_health_turns_stale_after_twice_the_interval(app, client):
    start = datetime(2026, 11, 26, 8, tzinfo=UTC)
    with app.app_context():
        assert health(start)["stale"] is True  # never ran
        run_pass(start, worker="test")
        assert health(start + timedelta(seconds=119))["stale"] is False
        assert health(start + timedelta(seconds=121))["stale"] is True
    body = client.get("/health").json
    assert body["last_reminder_pass"].startswith("2026-11-26T08:00")


def test_sch8_a_pass_run_into_the_future_does_not_hide_a_dead_scheduler(app, runner, client, at):
    start = datetime(2026, 11, 26, 8, tzinfo=UTC)
    at(start)
    result = runner.invoke(args=["reminders", "run", "--now", "2026-11-27T08:00:00+00:00"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert health(start)["stale"] is True  # the last pass is a day ahead
        assert health(start + timedelta(days=1, seconds=-59))["stale"] is False  # clock skew
        assert health(start + timedelta(days=1, seconds=-61))["stale"] is True
    assert client.get("/health").json["reminders_stale"] is True


def test_reminders_run_cli_does_one_pass_for_a_given_instant(app, runner, make_user, records):
    user = make_user(timezone="Asia/Tokyo")
    records.action(user, due_date=date(2026, 11, 20))
    result = runner.invoke(args=["reminders", "run", "--now", "2026-11-26T08:30:00+09:00"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("enqueued 1;")  # Thursday 08:30 in Tsu: the digest
    bad = runner.invoke(args=["reminders", "run", "--now", "2026-11-26T08:30:00"])
    assert bad.exit_code != 0 and "offset" in bad.output


def test_sch2_three_processes_started_together_send_each_reminder_once(
    app, settings, smtp, make_user
):
    with app.app_context():
        users = [make_user(email=f"poc{n}@zubia.example") for n in range(30)]
        from crm.reminders.planning import enqueue

        enqueue(
            [
                {"dedupe_key": f"summary:{u.id}:test", "kind": "manager_summary",
                 "recipient_id": u.id, "payload": {"week": "2026-W48"}}
                for u in users
            ],
            datetime(2026, 11, 26, 7, tzinfo=UTC),
        )  # fmt: skip
        from crm.accounts.models import User
        from crm.actions.services import create_action

        with app.test_request_context():
            create_action(
                {"title": "overdue", "owner_id": users[0].id, "due_date": date(2026, 11, 1)},
                actor=db.session.get(User, users[0].id),
            )
        db.session.commit()
    env = {
        **os.environ,
        "DATABASE_URL": settings["SQLALCHEMY_DATABASE_URI"],
        "ZUBIA_INSTANCE_PATH": settings["INSTANCE_PATH"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "BASE_URL": "http://zubia.example",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "reminders", "run",
               "--now", "2026-11-26T07:30:00+00:00"]  # fmt: skip
    processes = [subprocess.Popen(command, cwd=ROOT, env=env) for _ in range(3)]
    assert [p.wait(timeout=60) for p in processes] == [0, 0, 0]
    received = [m["Message-ID"] for _, m in smtp.messages if "2026-W48" in m["Subject"]]
    assert len(received) == 30 and len(set(received)) == 30
    with app.app_context():
        statuses = db.session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.dedupe_key.like("summary:%:test"))
            .group_by(OutboxMessage.status)
        ).all()
    assert statuses == [(Delivery.SENT, 30)]
