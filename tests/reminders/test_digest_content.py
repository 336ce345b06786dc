"""What the digest says, read from the messages the SMTP server received, in en, ja and es."""

import re
from datetime import UTC, date, datetime

import pytest

from crm.extensions import db
from crm.reminders.jobs import run_pass
from tests.visits.factories import make_stop, make_visit

SECONDS = re.compile(r"\d:\d\d:\d\d")
ONE_CLICK = "http://zubia.example/actions/one-click/"


def morning(zone):
    """Monday 2 November 2026 at 08:00 local, the default reminder time."""
    if zone == "Asia/Tokyo":
        return datetime(2026, 11, 1, 23, 0, tzinfo=UTC)
    return datetime(2026, 11, 2, 7, 0, tzinfo=UTC)


@pytest.fixture
def digest(mail_app, smtp, make_user, records):
    def receive(language, zone):
        reader = make_user(timezone=zone, language=language, email="reader@zubia.example")
        other = make_user(name="Mikel Goikoetxea", email="mikel@zubia.example")
        mie = records.org(
            reader, name="Mie Prefecture", native_name="三重県庁", region="mie", country="JP"
        )
        tecnalia = records.org(reader, name="Tecnalia")
        records.action(
            reader, organization_id=mie, due_date=date(2026, 10, 30), title="Send the brochure"
        )
        # Logged by the reader, attended by someone else: still in the reader's digest.
        records.meeting(
            reader,
            [mie, tecnalia],
            title="Aerospace screening",
            starts_at=datetime(2026, 11, 2, 12, 30, tzinfo=UTC),
            location="Tsu, Prefectural Office",
            attendee_ids=[other.id],
        )
        visit = make_visit(mail_app, reader, mie, user_ids=[reader.id, other.id])
        make_stop(mail_app, reader, mie, visit_id=visit, purpose="Courtesy call")
        with mail_app.app_context():
            run_pass(morning(zone), worker="test")
            db.session.commit()
        ((_, message),) = [m for m in smtp.messages if m[0] == ["reader@zubia.example"]]
        return (
            message["Subject"],
            message.get_body(("plain",)).get_content(),
            message.get_body(("html",)).get_content(),
        )

    return receive


PM = "\u202fPM"  # CLDR puts a narrow no-break space before the day period
CASES = {
    "en": (
        "Europe/Madrid",
        "Your Zubia day: Monday, November 2, 2026",
        [
            "Overdue:",
            "- Send the brochure (due Oct 30, 2026, 三重県庁 (Mie Prefecture))",
            f"- Mon, Nov 2 1:30{PM} (Mon, Nov 2 9:30{PM} Tokyo there): Aerospace screening",
            "- Tue, Nov 3 10:00\u202fAM Tokyo: Courtesy call, 三重県庁 (Mie Prefecture) (Tsu)",
            "Travellers: Mikel Goikoetxea, Point of contact 1",
            "Mark done: " + ONE_CLICK,
            "Snooze a week: " + ONE_CLICK,
        ],
    ),
    "es": (
        "Europe/Madrid",
        "Resumen del día en Zubia: lunes, 2 de noviembre de 2026",
        [
            "Vencidas:",
            "- Send the brochure (vence el 30 oct 2026, 三重県庁 (Mie Prefecture))",
            "- lun, 2 nov 13:30 (lun, 2 nov 21:30 Tokio allí): Aerospace screening",
            "- mar, 3 nov 10:00 Tokio: Courtesy call",
        ],
    ),
    "ja": (
        "Asia/Tokyo",
        "Zubia 本日のまとめ：2026年11月2日月曜日",
        [
            "期限切れ:",
            "- Send the brochure (期限：2026/10/30, 三重県庁 (Mie Prefecture))",
            "- 11月2日(月) 21:30 (現地11月2日(月) 13:30 マドリード): Aerospace screening",
            "- 11月3日(火) 10:00 東京: Courtesy call",
        ],
    ),
}


@pytest.mark.parametrize("language", CASES)
def test_the_digest_in_each_language(digest, language):
    zone, subject_expected, lines = CASES[language]
    subject, text, html = digest(language, zone)
    assert not SECONDS.search(text) and not SECONDS.search(html)
    assert subject == subject_expected
    for line in lines:
        assert line in text
    counterpart = lines[2].split(" (", 1)[1].split("): ")[0]  # the HTML part says the same
    assert counterpart in html and "Aerospace screening" in html and "Courtesy call" in html
    assert "三重県庁 (Mie Prefecture)" in text and "Tecnalia" in text
    assert "Tsu, Prefectural Office" in text and "Courtesy call" in text
    assert text.count(ONE_CLICK) == 2 and html.count(ONE_CLICK) == 2
