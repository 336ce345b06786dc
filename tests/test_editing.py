"""The one edit flow (crm.editing): a stale save shows every field side by side, and saving
from the conflict page keeps both people's changes (DATA-1)."""

import re
from datetime import UTC, datetime
from html import unescape

from crm.accounts.models import Role
from crm.meetings.models import Meeting
from tests.conftest import sign_in
from tests.forms import filled, form_data

A_MEETING = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)  # 10:00 in Bilbao, 18:00 in Tsu


def conflict_rows(html):
    """{label: (yours, theirs, differs)} of the conflict page's comparison table."""
    table = html[html.index('class="table table-sm mb-0 conflict"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(
        r"<tr( class=\"table-warning\")?>\s*<th scope=\"row\">(.*?)</th>\s*"
        r"<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>",
        table,
        re.S,
    )
    return {
        unescape(re.sub(r"<span.*?</span>", "", label)).strip(): (
            unescape(yours).strip(),
            unescape(theirs).strip(),
            bool(marked),
        )
        for marked, label, yours, theirs in rows
    }


def two_people(app, login, make_user, *, second_zone="Asia/Tokyo"):
    """Two signed-in clients: a point of contact in Bilbao and a manager in Tsu."""
    first = login(timezone="Europe/Madrid", name="Ane Etxeberria")
    other = app.test_client()
    second = make_user(Role.MANAGER, timezone=second_zone, name="Yamada Hanako")
    assert sign_in(other, second.email).status_code == 302
    return first, other


def test_meeting_moved_by_one_and_retitled_by_the_other_keeps_both(
    app, client, login, make_user, records
):
    ane, tsu = two_people(app, login, make_user)
    org = records.org(ane, name="Mie Prefectural Government")
    meeting_id = records.meeting(ane, [org], starts_at=A_MEETING, title="Screening call")
    url = f"/meetings/{meeting_id}/edit"
    form_in_bilbao = client.get(url).get_data(as_text=True)
    form_in_tsu = tsu.get(url).get_data(as_text=True)
    assert form_data(form_in_tsu)["time"] == "18:00"

    moved = client.post(url, data=filled(form_in_bilbao, time="15:00"))
    assert moved.status_code == 302
    response = tsu.post(url, data=filled(form_in_tsu, title="Screening call with the cluster"))

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    rows = conflict_rows(html)
    for label in (
        "Kind",
        "Subject",
        "Date",
        "Time",
        "Duration (minutes)",
        "Where",
        "Organizations",
        "Their people present",
        "Our people present",
        "Summary",
        "Outcomes",
    ):
        assert label in rows, label
    assert rows["Time"] == ("18:00", "23:00", True)  # in the reader's time zone, Tsu
    assert rows["Subject"] == ("Screening call with the cluster", "Screening call", True)
    assert rows["Organizations"] == ("Mie Prefectural Government",) * 2 + (False,)
    assert rows["Duration (minutes)"][2] is False
    assert "Ane Etxeberria" in html  # who saved meanwhile
    assert records.get(Meeting, meeting_id).starts_at == A_MEETING.replace(hour=14)

    merged = form_data(html)
    assert merged["title"] == "Screening call with the cluster"  # yours, changed
    assert merged["time"] == "23:00"  # theirs, which you did not change
    again = tsu.post(url, data=merged)
    assert again.status_code == 302
    saved = records.get(Meeting, meeting_id)
    assert saved.title == "Screening call with the cluster"
    assert saved.starts_at == datetime(2026, 12, 10, 14, 0, tzinfo=UTC)  # 15:00 in Bilbao


def test_a_field_both_changed_keeps_yours_on_the_conflict_page(
    app, client, login, make_user, records
):
    ane, tsu = two_people(app, login, make_user)
    org_id = records.org(ane, city="Donostia")
    url = f"/organizations/{org_id}/edit"
    first, second = client.get(url).get_data(as_text=True), tsu.get(url).get_data(as_text=True)
    assert client.post(url, data=filled(first, city="Derio")).status_code == 302
    response = tsu.post(url, data=filled(second, city="Zamudio", website="https://zamudio.eus"))
    assert response.status_code == 409
    merged = form_data(response.get_data(as_text=True))
    assert (merged["city"], merged["website"]) == ("Zamudio", "https://zamudio.eus")
