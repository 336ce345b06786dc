"""Three company representatives — in Japanese, Spanish and English — register for a B2B event
on its public page, are approved, ask for and accept meetings, get their agendas in two time
zones, are checked in, and say how it went; their answers become Zubia meetings and a match.

Every email is read from a real SMTP server; every field is found by its label, in the
representative's language (looked up in the catalogues, so translations do not break it).
"""

import re
import threading
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from playwright.sync_api import expect
from sqlalchemy import func, select
from werkzeug.serving import make_server

from tests.conftest import PASSWORD
from tests.public_events.factories import links_in

pytestmark = pytest.mark.e2e

PEOPLE = {
    "ja": {
        "organization": "Suzuka Precision Parts",
        "side": "mie",
        "name": "Suzuki Hana",
        "email": "hana@suzuka-parts.example",
        "zone": "Asia/Tokyo",
        "locale": "ja-JP",
        "offers": "Precision machining of aluminium parts",
        "seeks": "Automotive partners in Europe",
    },
    "es": {
        "organization": "Urola Mecanizados",
        "side": "basque_country",
        "name": "Ane Etxeberria",
        "email": "ane@urola.example",
        "zone": "Europe/Madrid",
        "locale": "es-ES",
        "offers": "Automotive components and robotics integration",
        "seeks": "Precision machining suppliers in Japan",
    },
    "en": {
        "organization": "Ona Robotics",
        "side": "basque_country",
        "name": "Jon Smith",
        "email": "jon@ona.example",
        "zone": "Europe/London",
        "locale": "en-GB",
        "offers": "Industrial robots",
        "seeks": "Machining partners",
    },
}


@pytest.fixture
def mail_app(make_app, smtp):
    """Mail to the SMTP sink; the whole cast browses from 127.0.0.1, so the per-client form
    limit is raised (tests/public_events tests the limit itself)."""
    from crm.extensions import db, limiter
    from tests.conftest import empty_tables

    app = make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
        MAIL_TIMEOUT=3,
        PUBLIC_FORM_LIMIT="500 per minute",
    )
    yield app
    with app.app_context():
        empty_tables()
        db.session.remove()
    limiter.reset()


@pytest.fixture
def mail_server(mail_app):
    server = make_server("127.0.0.1", 0, mail_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def set_up_event(app, organizer):
    from crm.accounts.models import User
    from crm.clock import now_utc
    from crm.extensions import db
    from crm.organizations.models import Region
    from tests.events.factories import new_event, new_org

    day = now_utc().date() + timedelta(days=30)
    with app.test_request_context():
        actor = db.session.get(User, organizer.id)
        host = new_org(actor, "Mie Industry and Enterprise Support Center", Region.MIE)
        event = new_event(actor, host.id, name="Mie–Basque B2B Day", start_date=day, end_date=day)
        db.session.commit()
        return event.id


def test_three_representatives_register_meet_and_follow_up(
    browser, mail_app, mail_server, smtp, make_user
):
    from crm.accounts.models import Role
    from crm.actions.models import Action
    from crm.clock import now_utc
    from crm.events.models import B2BMeeting
    from crm.extensions import db
    from crm.matching.models import Match
    from crm.meetings.models import Meeting
    from crm.reminders.jobs import run_pass

    def t(language, text, **values):
        with mail_app.test_request_context(), force_locale(language):
            return _(text, **values)

    def deliver():
        with mail_app.app_context():
            run_pass(now_utc(), worker="journey")

    def open_latest_link(page, person, language):
        (*_, token) = links_in(smtp, person["email"])
        page.goto(f"{mail_server}/e/link/{token}")
        page.get_by_role("button", name=t(language, "Continue to my registration")).click()

    organizer = make_user(Role.MANAGER, email="miren@zubia.example", name="Miren Organizer")
    event_id = set_up_event(mail_app, organizer)

    staff = browser.new_context(locale="en-GB", timezone_id="Europe/Madrid").new_page()
    staff.goto(mail_server + "/login")
    staff.get_by_label("Email", exact=True).fill("miren@zubia.example")
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    staff.goto(f"{mail_server}/events/{event_id}")
    staff.get_by_role("link", name="Public page and registrations").click()
    settings = staff.locator("main form").first
    settings.get_by_label("Public address (/e/…)").fill("mie-basque-b2b")
    settings.get_by_label("Open to registration").check()
    settings.get_by_role("button", name="Save the public page").click()
    expect(staff.get_by_role("status").first).to_contain_text("Public page settings saved")

    pages = {}
    for language, person in PEOPLE.items():
        context = browser.new_context(locale=person["locale"], timezone_id=person["zone"])
        page = pages[language] = context.new_page()
        page.goto(f"{mail_server}/e/mie-basque-b2b")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_have_text("Mie–Basque B2B Day")
        page.get_by_role("link", name=t(language, "Register"), exact=True).click()
        form = page.locator("main form")
        form.get_by_label(t(language, "Organization"), exact=True).fill(person["organization"])
        form.get_by_label(t(language, "Where your organization is"), exact=True).select_option(
            person["side"]
        )
        form.get_by_label(t(language, "Your name"), exact=True).fill(person["name"])
        form.get_by_label(t(language, "Email"), exact=True).fill(person["email"])
        expect(form.get_by_label(t(language, "Language"), exact=True)).to_have_value(language)
        form.get_by_label(t(language, "Time zone"), exact=True).select_option(person["zone"])
        form.get_by_label(t(language, "What you offer"), exact=True).fill(person["offers"])
        form.get_by_label(t(language, "What you seek"), exact=True).fill(person["seeks"])
        form.get_by_label(t(language, "Who attends (one a line)"), exact=True).fill(
            f"{person['name']}\nKoldo"
        )
        form.get_by_role("button", name=t(language, "Register")).click()
        expect(page.get_by_role("status").first).to_be_visible()
    deliver()
    for language, person in PEOPLE.items():
        open_latest_link(pages[language], person, language)
        expect(pages[language].locator("#registration-status")).to_have_text(
            t(language, "Waiting for the organizer")
        )

    staff.reload()
    for person in PEOPLE.values():
        staff.get_by_role("button", name=f"Approve {person['organization']}").click()
        expect(staff.get_by_role("status").first).to_contain_text("Registration approved")
    deliver()
    for language, person in PEOPLE.items():
        page = pages[language]
        open_latest_link(page, person, language)  # the approval's email has a new link
        expect(page.locator("#registration-status")).to_have_text(t(language, "Approved"))

    # The Japanese company cannot meet at 10:00; the two Basque ones ask it for a meeting.
    ja = pages["ja"]
    ja.locator("#availability").get_by_label(re.compile("10:00")).check()
    ja.get_by_role("button", name=t("ja", "Save my availability")).click()
    target = PEOPLE["ja"]["organization"]
    for language in ("es", "en"):
        page = pages[language]
        page.get_by_label(t(language, "Message to %(name)s", name=target)).fill("Shall we meet?")
        page.get_by_role(
            "button", name=t(language, "Request a meeting with %(name)s", name=target)
        ).click()
        expect(page.locator("#requests .request-row")).to_have_count(1)
    deliver()
    received = [m for r, m in smtp.messages if PEOPLE["ja"]["email"] in r]
    assert received[-1]["Content-Language"] == "ja"
    assert "Shall we meet?" in received[-1].get_body(("plain",)).get_content()
    open_latest_link(ja, PEOPLE["ja"], "ja")
    for language in ("es", "en"):
        name = PEOPLE[language]["organization"]
        ja.get_by_role("button", name=f"{t('ja', 'Accept')} — {name}").click()
    deliver()
    for language in ("es", "en"):
        told = [m for r, m in smtp.messages if PEOPLE[language]["email"] in r][-1]
        assert told["Content-Language"] == language

    staff.goto(f"{mail_server}/e/manage/{event_id}")
    staff.get_by_role("button", name="Run the scheduler").click()  # the event's own scheduler
    expect(staff.get_by_role("status").first).to_contain_text("2 meetings placed")
    with mail_app.app_context():  # the Japanese company's 10:00 was left free
        slots = db.session.scalars(select(B2BMeeting.slot_start)).all()
        assert all(s.astimezone(ZoneInfo("Asia/Tokyo")).hour * 60 + s.minute != 600 for s in slots)
    deliver()

    # Agendas: the Spaniard sees Tsu's time and Madrid's (8 hours behind in winter).
    es = pages["es"]
    open_latest_link(es, PEOPLE["es"], "es")
    item = es.locator("#agenda .agenda-item").first
    expect(item.locator(".event-time")).to_contain_text("10:30")
    expect(item.locator(".own-time")).to_contain_text("2:30")
    expect(item).to_contain_text(PEOPLE["ja"]["name"])  # whom they meet
    open_latest_link(ja, PEOPLE["ja"], "ja")
    expect(ja.locator("#agenda .agenda-item")).to_have_count(2)
    expect(ja.locator("#agenda .own-time")).to_have_count(0)  # Tokyo is the event's zone
    with es.expect_download() as download:
        es.get_by_role("link", name=t("es", "Download the agenda (.ics)")).click()
    assert download.value.suggested_filename == "mie-basque-b2b-agenda.ics"

    # On the day, on a phone: check-in and attendance.
    phone = browser.new_context(
        locale="en-GB", timezone_id="Asia/Tokyo", viewport={"width": 390, "height": 844}
    ).new_page()
    phone.goto(mail_server + "/login")
    phone.get_by_label("Email", exact=True).fill("miren@zubia.example")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.goto(f"{mail_server}/e/manage/{event_id}/check-in")
    for person in PEOPLE.values():
        phone.get_by_role("button", name=f"Check in {person['organization']}").click()
    expect(phone.locator(".check-in-status").filter(has_text="Attended")).to_have_count(3)
    for _n in range(2):
        phone.locator("#meetings ~ ul li").filter(has_text="Not recorded yet").first.get_by_role(
            "button", name="Held"
        ).click()
    expect(phone.locator(".attendance").filter(has_text="Held")).to_have_count(2)

    # Afterwards: everyone says how it went; the Japanese and the Spanish want to continue.
    staff.goto(f"{mail_server}/e/manage/{event_id}")
    staff.get_by_role("button", name="Ask participants how it went").click()
    expect(staff.get_by_role("status").first).to_contain_text("3 participants asked")
    deliver()
    answers = {
        ("es", "ja"): True,
        ("en", "ja"): False,
        ("ja", "es"): True,
        ("ja", "en"): False,
    }
    opened = set()
    for (language, other), more in answers.items():
        page = pages[language]
        if language not in opened:  # each link works once: one per person
            open_latest_link(page, PEOPLE[language], language)  # straight to the answers
            expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "How did it go?"))
            opened.add(language)
        card = page.locator("section.card").filter(has_text=PEOPLE[other]["organization"])
        card.get_by_label(t(language, "How did it go?"), exact=True).fill(f"Good talk, {other}")
        card.get_by_label(t(language, "Next step")).fill("Send samples")
        if more:
            card.get_by_label(t(language, "We want to continue with them")).check()
        card.get_by_role("button").click()
        expect(card.locator(".answered")).to_be_visible()

    with mail_app.app_context():
        meetings = db.session.scalars(select(Meeting)).all()
        assert len(meetings) == 2
        assert db.session.scalar(select(func.count(Match.id))) == 1
        linked = db.session.scalars(select(B2BMeeting).where(B2BMeeting.match_id.is_not(None)))
        assert len(linked.all()) == 1
        # Every "next step" became an action for the owner of the answering organization.
        assert db.session.scalar(select(func.count(Action.id))) == 4
    staff.goto(f"{mail_server}/meetings/")
    expect(staff.get_by_role("link", name="B2B: Mie–Basque B2B Day")).to_have_count(2)
