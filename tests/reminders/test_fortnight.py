"""A simulated fortnight of a programme of 5 people and 200 organizations, 60 of them imported
on day 1, with hourly passes through a real SMTP server: what each person receives per day."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from crm.accounts.models import Role, User
from crm.extensions import db
from crm.reminders.jobs import run_pass
from crm.reminders.models import Kind, OutboxMessage

DAY1 = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday
DAYS = 14
DIGEST_CLASS = {Kind.DIGEST, Kind.NUDGE}


def people(make_user):
    return [
        make_user(email="ane@zubia.example", timezone="Europe/Madrid", language="es"),
        make_user(
            Role.MANAGER, email="miren@zubia.example", timezone="Europe/Madrid", language="en"
        ),
        # The digest off, nudges on: the only one who gets nudge emails.
        make_user(email="jon@zubia.example", timezone="Europe/Madrid", digest_enabled=False),
        make_user(email="haruka@zubia.example", timezone="Asia/Tokyo", language="ja"),
        make_user(email="kenji@zubia.example", timezone="Asia/Tokyo", language="ja"),
    ]


def organizations(app, at, users):
    """140 organizations added long ago (some contacted, some with a planned meeting or an open
    action) and 60 imported on day 1, the owners spread, cadences of 30 and 90 days."""
    from crm.actions.services import create_action
    from crm.meetings.services import create_meeting
    from crm.organizations.models import Kind as OrgKind
    from crm.organizations.models import Organization, Region

    def add(n, prefix):
        made = []
        for i in range(n):
            mie = i % 2 == 1
            org = Organization(
                name=f"{prefix} {i:03d}",
                kind=OrgKind.COMPANY,
                region=Region.MIE if mie else Region.BASQUE_COUNTRY,
                country="JP" if mie else "ES",
                cadence_days=30 if i % 3 else 90,
                owner_id=users[i % len(users)].id,
            )
            db.session.add(org)
            made.append(org)
        db.session.flush()
        return made

    with app.test_request_context():
        staff = [db.session.get(User, u.id) for u in users]
        at(DAY1 - timedelta(days=120))
        old = add(140, "Established")
        db.session.commit()
        at(DAY1 - timedelta(days=1))
        for i, org in enumerate(old):
            owner = staff[i % len(staff)]
            if i % 4 == 0:  # contacted 40 days ago: quiet on a 30-day cadence only
                create_meeting(meeting(org, owner, DAY1 - timedelta(days=40)), actor=owner)
            elif i % 4 == 1:  # a meeting planned on day 5
                create_meeting(meeting(org, owner, DAY1 + timedelta(days=4, hours=9)), actor=owner)
            elif i % 8 == 2:  # an open action due on day 10
                create_action(
                    {
                        "title": f"Call {org.name}",
                        "owner_id": owner.id,
                        "organization_id": org.id,
                        "due_date": (DAY1 + timedelta(days=9)).date(),
                    },
                    actor=owner,
                )
        db.session.commit()
        at(DAY1 + timedelta(hours=10))
        add(60, "Imported")  # the import of day 1, never contacted
        db.session.commit()


def meeting(org, owner, starts_at):
    return {
        "kind": "video",
        "title": f"Call with {org.name}",
        "starts_at": starts_at,
        "organization_ids": [org.id],
        "attendee_ids": [owner.id],
    }


def reassign(app, source, target, manager):
    """Everything of ``source`` moves to ``target``, as the pipeline's reassignment does."""
    from crm.organizations.filters import Filters
    from crm.pipeline import reassign as moves

    with app.test_request_context():
        source, target, actor = (db.session.get(User, u.id) for u in (source, target, manager))
        moving = moves.parts(source.id, Filters(), None, DAY1.date())
        moves.move(moving, moves.preview(moving), source, target, actor)
        db.session.commit()


def per_person_per_day(app, smtp):
    """{(email, local date): Counter of kinds} of the messages the SMTP server received."""
    with app.app_context():
        rows = {
            row.message_id: row
            for row in db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.sent_at.isnot(None))
            )
        }
        zones = {u.email: u.timezone for u in db.session.scalars(select(User))}
    days = {}
    for (recipient,), message in smtp.messages:
        row = rows[message["Message-ID"]]
        sent = row.sent_at if row.sent_at.tzinfo else row.sent_at.replace(tzinfo=UTC)
        day = sent.astimezone(ZoneInfo(zones[recipient])).date()
        days.setdefault((recipient, day), Counter())[row.kind] += 1
    return days


@pytest.mark.timeout(600)
def test_a_fortnight_gives_each_person_at_most_one_digest_class_email_a_day(
    mail_app, smtp, make_user, at
):
    users = people(make_user)
    organizations(mail_app, at, users)
    for hour in range(DAYS * 24):
        now = DAY1 + timedelta(hours=hour)
        if hour == 7 * 24 + 12:  # day 8: Ane leaves, everything of hers goes to Haruka
            reassign(mail_app, users[0], users[3], users[1])
        at(now)
        with mail_app.app_context():
            run_pass(now, worker="test")
    days = per_person_per_day(mail_app, smtp)
    digest_class = {key: sum(c[k] for k in DIGEST_CLASS) for key, c in days.items()}
    worst = max(digest_class.values())
    print(f"\nmost digest-class emails for one person on one day: {worst}")
    busiest = max(sum(c.values()) for c in days.values())
    print(f"most emails of any kind for one person on one day: {busiest}")
    for (email, day), kinds in sorted(days.items()):
        print(email, day, dict((k.value, n) for k, n in kinds.items()))
    assert worst <= 1, sorted((v, k) for k, v in digest_class.items())[-3:]
    texts = [message.get_body(("plain",)).get_content() for _, message in smtp.messages]
    # Past the cap a digest says "and N more" with a link to the reader's quiet organizations.
    assert any("/organizations/?" in t and "quiet=1" in t for t in texts)
    # Organizations imported on day 1 are not quiet before their cadence has passed.
    assert not any("Imported" in t for t in texts)
    # Jon (digest off, nudges on) still hears about his quiet relationships, once a day.
    assert any(c[Kind.NUDGE] for (email, _), c in days.items() if email == "jon@zubia.example")
    assert all(c[Kind.NUDGE] == 0 for (email, _), c in days.items() if email != "jon@zubia.example")


@pytest.mark.parametrize("minute", [2 * 60 + 30, 8 * 60])  # in the repeated hour, and after
def test_the_madrid_autumn_switch_neither_doubles_nor_skips_the_digest(
    mail_app, smtp, make_user, records, at, minute
):
    """Passes every 30 minutes from Friday to Tuesday around Sunday 25 October 2026."""
    from datetime import date

    reader = make_user(
        email="reader@zubia.example",
        timezone="Europe/Madrid",
        digest_days="1,2,3,4,5,6,7",
        digest_minute=minute,
    )
    records.action(reader, due_date=date(2026, 10, 20), title="Overdue all along")
    now = datetime(2026, 10, 23, 12, 0, tzinfo=UTC)
    while now < datetime(2026, 10, 27, 12, 0, tzinfo=UTC):
        at(now)
        with mail_app.app_context():
            run_pass(now, worker="test")
        now += timedelta(minutes=30)
    days = per_person_per_day(mail_app, smtp)
    mine = sorted(day for (email, day), kinds in days.items() if email == "reader@zubia.example")
    assert [d.day for d in mine] == [23, 24, 25, 26, 27]  # Sunday the 25th once, like the rest
    assert all(days[("reader@zubia.example", d)][Kind.DIGEST] == 1 for d in mine)
