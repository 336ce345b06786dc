"""Visit and B2B event reminders: 7 days and 1 day before, at each participant's morning."""

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.reminders.jobs import run_pass
from crm.reminders.models import Delivery, Kind, OutboxMessage


@pytest.fixture
def visit(app, make_user, records):
    from crm.accounts.models import User
    from crm.visits.models import Direction, Visit

    tsu = make_user(timezone="Asia/Tokyo", language="ja", email="haruka@mie.example")
    bilbao = make_user(timezone="Europe/Madrid", email="ane@zubia.example")
    with app.app_context():
        item = Visit(
            direction=Direction.TO_MIE,
            title="Basque aeronautics delegation to Mie",
            start_date=date(2026, 12, 10),
            end_date=date(2026, 12, 12),
            owner_id=bilbao.id,
        )
        item.users = [db.session.get(User, tsu.id), db.session.get(User, bilbao.id)]
        db.session.add(item)
        db.session.commit()
        return item.id, tsu, bilbao


def rows(app, kind):
    with app.app_context():
        return db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        ).all()


def at_pass(app, instant):
    with app.app_context():
        run_pass(datetime.fromisoformat(instant), worker="test")


def test_each_participant_is_reminded_7_days_and_1_day_before_in_their_morning(app, visit):
    _visit_id, tsu, bilbao = visit
    at_pass(app, "2026-12-02T23:30:00+00:00")  # 3 Dec 08:30 in Tsu, 00:30 in Bilbao
    assert [(r.recipient_id, r.dedupe_key.rsplit(":", 1)[1]) for r in rows(app, Kind.VISIT)] == [
        (tsu.id, "d7")
    ]
    at_pass(app, "2026-12-03T08:00:00+00:00")  # 09:00 in Bilbao
    at_pass(app, "2026-12-03T09:00:00+00:00")
    assert len(rows(app, Kind.VISIT)) == 2
    at_pass(app, "2026-12-09T07:30:00+00:00")  # the day before, both mornings reached
    keys = sorted(r.dedupe_key.rsplit(":", 2)[1:] for r in rows(app, Kind.VISIT))
    assert keys == [
        [str(tsu.id), "d1"],
        [str(tsu.id), "d7"],
        [str(bilbao.id), "d1"],
        [str(bilbao.id), "d7"],
    ]


def test_a_missed_day_is_caught_up_once_within_its_window(app, visit):
    _, tsu, _ = visit
    at_pass(app, "2026-12-05T23:30:00+00:00")  # down on 3-5 Dec; 6 Dec 08:30 in Tsu
    at_pass(app, "2026-12-06T23:30:00+00:00")
    assert [
        r.dedupe_key.rsplit(":", 1)[1] for r in rows(app, Kind.VISIT) if r.recipient_id == tsu.id
    ] == ["d7"]


def test_the_reminder_arrives_in_japanese_with_its_links(make_app, smtp, visit, app):
    mail_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=3)
    at_pass(mail_app, "2026-12-02T23:30:00+00:00")
    ((recipients, message),) = [m for m in smtp.messages if "Basque aeronautics" in m[1]["Subject"]]
    assert recipients == ["haruka@mie.example"]
    text = message.get_body(("plain",)).get_content()
    assert "/visits/" in text and "/guide/" in text


def test_a_cancelled_visit_sends_nothing(app, visit, make_app, smtp):
    visit_id, _, _ = visit
    from crm.visits.models import Visit

    with app.app_context():
        db.session.get(Visit, visit_id).deleted_at = datetime(2026, 12, 1, tzinfo=UTC)
        db.session.commit()
    mail_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=3)
    at_pass(mail_app, "2026-12-02T23:30:00+00:00")
    assert [m for m in smtp.messages if "Basque aeronautics" in m[1]["Subject"]] == []


def test_event_reminders_reach_the_organizer_and_the_owners_of_participants(
    app, make_user, records
):
    from crm.events.models import Event, Host, Participant

    organizer, poc = make_user(timezone="Asia/Tokyo"), make_user(timezone="Europe/Madrid")
    org = records.org(poc, name="Ideko")
    with app.app_context():
        event = Event(
            name="Mie B2B meetings", city="Tsu", country=Host.JAPAN,
            start_date=date(2026, 12, 10), end_date=date(2026, 12, 10),
            session_start=time(9, 0), session_end=time(12, 0), owner_id=organizer.id,
        )  # fmt: skip
        db.session.add(event)
        db.session.flush()
        db.session.add(Participant(event_id=event.id, organization_id=org))
        db.session.commit()
    at_pass(app, "2026-12-03T09:00:00+00:00")
    assert sorted(r.recipient_id for r in rows(app, Kind.EVENT)) == sorted([organizer.id, poc.id])
    assert {r.status for r in rows(app, Kind.EVENT)} <= {Delivery.PENDING, Delivery.SENT}


def test_the_visit_reminder_gives_the_itinerary_in_local_times_and_the_travellers(
    make_app, smtp, visit, records
):
    from tests.visits.factories import make_stop

    visit_id, tsu, bilbao = visit
    mail_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=3)
    host = records.org(bilbao, name="Mie Prefecture", region="mie", country="JP")
    start = datetime(2026, 12, 10, 1, 0, tzinfo=UTC)  # 10:00 in Tsu
    make_stop(mail_app, bilbao, host, visit_id=visit_id, starts_at=start, purpose="Courtesy call")
    at_pass(mail_app, "2026-12-03T07:30:00+00:00")  # 08:30 in Bilbao, 7 days before
    (message,) = [m for to, m in smtp.messages if to == ["ane@zubia.example"]]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Thu, Dec 10 10:00\u202fAM Tokyo: Courtesy call, Mie Prefecture (Tsu)" in part
        assert f"Travellers: {tsu.name}, {bilbao.name}" in part  # by name
