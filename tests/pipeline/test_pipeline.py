"""The pipeline page: workload buckets, stages, quiet relationships, health, trends, filters."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.accounts.models import Role
from crm.actions.models import Action, Status
from crm.extensions import db
from crm.matching.models import Stage
from crm.organizations.models import Organization, Sector

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday


def cells(html, table_id):
    """The text of each body row of the table ``table_id``: [[cell, ...], ...]."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    table = re.sub(r"<thead>.*?</thead>", "", table, flags=re.S)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    cell = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
    return [[re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in cell.findall(r)] for r in rows]


def rows_by_name(client, url, table_id):
    return {row[0]: row[1:] for row in cells(client.get(url).get_data(as_text=True), table_id)}


@pytest.fixture
def manager(login, at):
    at(NOW)
    return login(Role.MANAGER, name="Maite Manager", timezone="Europe/Madrid")


def test_pipeline_page_shows_every_section(client, manager, records):
    records.action(manager, organization_id=records.org(manager), due_date=date(2026, 11, 20))
    html = client.get("/pipeline/").get_data(as_text=True)
    for title in ("Actions by owner", "Week by week", "Matches and organizations by stage",
                  "Quiet relationships", "Coordination health"):  # fmt: skip
        assert title in html


def test_open_actions_by_owner_and_bucket_link_to_their_lists(
    client, manager, make_user, records, change
):
    ane = make_user(name="Ane Arana")
    org = records.org(ane)
    for due in (date(2026, 11, 24), date(2026, 11, 1), date(2026, 11, 25), date(2026, 12, 2),
                date(2026, 12, 3), date(2027, 1, 10)):  # fmt: skip
        records.action(ane, organization_id=org, due_date=due)
    done = records.action(ane, due_date=date(2026, 11, 1))
    old_done = records.action(ane, due_date=date(2026, 9, 1))
    cancelled = records.action(ane, due_date=date(2026, 11, 1))
    trashed = records.action(ane, due_date=date(2026, 11, 1))
    change(Action, done, status=Status.DONE, completed_at=NOW - timedelta(days=3))
    change(Action, old_done, status=Status.DONE, completed_at=NOW - timedelta(days=40))
    change(Action, cancelled, status=Status.CANCELLED, completed_at=NOW - timedelta(days=1))
    change(Action, trashed, deleted_at=NOW)
    records.action(manager, due_date=date(2026, 12, 24))

    html = client.get("/pipeline/").get_data(as_text=True)
    rows = cells(html, "workload")
    # overdue (before today), this week (today to 7 days on), later, done in the last 30 days
    assert ["Ane Arana", "2", "2", "2", "1"] in rows
    assert ["Maite Manager", "0", "0", "1", "0"] in rows
    assert rows[-1] == ["Everyone", "2", "2", "3", "1"]

    link = re.search(r'href="(/actions/\?[^"]*bucket=overdue[^"]*)"', html).group(1)
    listed = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert listed.count('href="/actions/') >= 2
    overdue = client.get(f"/actions/?owner={ane.id}&bucket=overdue").get_data(as_text=True)
    assert "(2)" in overdue
    done_list = client.get(f"/actions/?owner={ane.id}&bucket=done").get_data(as_text=True)
    assert "(1)" in done_list
    longer = client.get(f"/actions/?owner={ane.id}&bucket=done&period=90").get_data(as_text=True)
    assert "(2)" in longer


def test_buckets_follow_the_readers_today(client, login, make_user, records, at):
    at("2026-11-25T16:00:00+00:00")  # already the 26th in Tsu, still the 25th in Bilbao
    ane = make_user()
    records.action(ane, due_date=date(2026, 11, 25))
    for zone, buckets in (("Asia/Tokyo", ["1", "0"]), ("Europe/Madrid", ["0", "1"])):
        client.post("/logout")
        login(Role.MANAGER, timezone=zone)
        html = client.get("/pipeline/").get_data(as_text=True)
        assert cells(html, "workload")[0][1:3] == buckets, zone


def test_stages_give_counts_medians_and_organizations_at_their_furthest_stage(
    client, manager, records, make_match, change
):
    basque = [records.org(manager, name=f"Basque {n}") for n in range(4)]
    mie = [records.org(manager, name=f"Mie {n}", region="mie", country="JP") for n in range(4)]
    make_match(basque[0], mie[0], Stage.EXPLORING, NOW - timedelta(days=10))
    make_match(basque[1], mie[1], Stage.EXPLORING, NOW - timedelta(days=20))
    make_match(basque[2], mie[2], Stage.EXPLORING, NOW - timedelta(days=45))
    make_match(basque[0], mie[1], Stage.COLLABORATING, NOW - timedelta(days=5))
    make_match(basque[3], mie[3], Stage.CLOSED, NOW - timedelta(days=2))
    alone = records.org(manager, name="Alone")
    change(Organization, alone, created_at=NOW - timedelta(days=12))

    rows = rows_by_name(client, "/pipeline/", "stages")
    # Basque 0 and Mie 1 went further (collaborating); Basque 3 and Mie 3 are only closed.
    # matches: count, median and longest days; organizations: the same
    assert rows["Exploring"] == ["3", "20", "45", "4", "32", "45"]  # 10, 20, 45, 45 days
    assert rows["Collaborating"] == ["1", "5", "5", "2", "5", "5"]
    assert rows["Closed"] == ["1", "2", "2", "2", "2", "2"]
    assert rows["Suggested"] == ["0", "—", "—", "0", "—", "—"]
    assert rows["In no match yet"] == ["—", "—", "—", "1", "—", "12"]  # the longest: since added


def test_quiet_relationships_are_sorted_by_how_far_past_their_cadence(
    client, manager, records, change
):
    late = records.org(manager, name="Late by 30")
    later = records.org(manager, name="Late by 100")
    fine = records.org(manager, name="Within cadence")
    never = records.org(manager, name="Never contacted")
    gone = records.org(manager, name="In the trash")
    for org, days in ((late, 30), (later, 100), (fine, -5), (gone, 300)):
        change(Organization, org, last_contact_at=NOW - timedelta(days=60 + days), cadence_days=60,
               contact_due_at=NOW - timedelta(days=days))  # fmt: skip
    change(Organization, never, created_at=NOW - timedelta(days=110))  # 60-day cadence
    change(Organization, gone, deleted_at=NOW)

    html = client.get("/pipeline/").get_data(as_text=True)
    rows = cells(html, "quiet")
    assert [(row[0], row[-1]) for row in rows] == [
        ("Late by 100", "100"),
        ("Never contacted", "50"),
        ("Late by 30", "30"),
    ]
    assert rows[1][2] == "Never"
    assert "Quiet relationships (3)" in html


def test_health_shows_each_person_side_by_side_for_managers(
    client, manager, make_user, records, change
):
    ane = make_user(name="Ane Arana")
    orgs = [records.org(ane, name=f"Org {n}") for n in range(4)]
    for org, days in zip(orgs, (10, 20, 40), strict=False):
        change(Organization, org, last_contact_at=NOW - timedelta(days=days))
    records.action(ane, due_date=date(2026, 11, 1))
    done = records.action(ane, due_date=date(2026, 11, 30))
    change(Action, done, status=Status.DONE, completed_at=NOW - timedelta(days=2))
    records.meeting(ane, [orgs[0]], starts_at=NOW - timedelta(days=3))
    records.meeting(ane, [orgs[0]], starts_at=NOW - timedelta(days=45))
    records.meeting(ane, [orgs[0]], starts_at=NOW + timedelta(days=3))  # not held yet

    rows = rows_by_name(client, "/pipeline/health", "health")
    # overdue, organizations, never contacted, median days since contact, completed, meetings
    assert rows["Ane Arana"] == ["1", "4", "1", "20", "1", "1"]
    assert rows["Maite Manager"] == ["0", "0", "0", "—", "0", "0"]


def test_median_of_an_even_number_of_organizations_is_the_mean_of_the_middle_two(
    client, manager, records, change
):
    for n, days in enumerate((10, 20, 30, 50)):
        org = records.org(manager, name=f"Org {n}")
        change(Organization, org, last_contact_at=NOW - timedelta(days=days))
    assert rows_by_name(client, "/pipeline/health", "health")["Maite Manager"][3] == "25"


def test_a_point_of_contact_sees_only_their_own_health(client, login, make_user, records, at):
    at(NOW)
    other = make_user(name="Someone Else")
    records.action(other, due_date=date(2026, 11, 1))
    me = login(name="Iñaki Point")
    html = client.get(f"/pipeline/health?owner={other.id}").get_data(as_text=True)
    assert [row[0] for row in cells(html, "health")] == ["Iñaki Point"]
    assert "Someone Else" not in html
    csv = client.get("/pipeline/health.csv").get_data(as_text=True)
    assert "Iñaki Point" in csv and "Someone Else" not in csv
    assert client.get("/pipeline/").status_code == 403
    assert me.role is Role.POINT_OF_CONTACT


def test_trends_count_per_local_week_across_the_dst_change(client, login, records, change, at):
    at("2026-11-04T10:00:00+00:00")  # Wednesday; Madrid left summer time on Sunday 25 October
    manager = login(Role.MANAGER, timezone="Europe/Madrid")
    # 00:30 on Monday 26 October in Madrid is 23:30 UTC on Sunday: it belongs to the new week
    for instant in ("2026-10-25T23:30:00+00:00", "2026-10-25T22:30:00+00:00",
                    "2026-11-03T09:00:00+00:00"):  # fmt: skip
        action = records.action(manager, due_date=date(2026, 12, 1))
        change(Action, action, created_at=datetime.fromisoformat(instant))
    done = records.action(manager, due_date=date(2026, 12, 1))
    change(Action, done, status=Status.DONE, completed_at=datetime(2026, 11, 2, 8, tzinfo=UTC),
           created_at=datetime(2026, 9, 1, tzinfo=UTC))  # fmt: skip
    org = records.org(manager)
    records.meeting(manager, [org], starts_at=datetime(2026, 10, 27, 9, tzinfo=UTC))

    with client.application.test_request_context():
        from flask_login import login_user

        from crm.accounts.models import User
        from crm.organizations.filters import Filters
        from crm.pipeline import figures

        login_user(db.session.get(User, manager.id))
        trends = figures.trends(Filters(), datetime(2026, 11, 4, 10, tzinfo=UTC), "Europe/Madrid")
    assert len(trends.weeks) == 8 and trends.weeks[-1] == date(2026, 11, 2)
    week = {w: n for n, w in enumerate(trends.weeks)}
    assert trends.created[week[date(2026, 10, 19)]] == 1  # 23:30 on Sunday 25th in Madrid
    assert trends.created[week[date(2026, 10, 26)]] == 1  # 00:30 on Monday 26th in Madrid
    assert trends.created[week[date(2026, 11, 2)]] == 1
    assert sum(trends.created) == 3  # the one done was created before the eight weeks
    assert trends.completed[week[date(2026, 11, 2)]] == 1 and sum(trends.completed) == 1
    assert trends.meetings[week[date(2026, 10, 26)]] == 1
    html = client.get("/pipeline/").get_data(as_text=True)
    assert html.count("<svg") >= 2 and "Actions created and completed" in html


def test_region_sector_owner_and_period_filter_every_section(
    client, manager, make_user, records, sectors, change
):
    with client.application.app_context():
        robotics = db.session.scalar(select(Sector.id).where(Sector.code == "robotics"))
    ane, mikel = make_user(name="Ane Arana"), make_user(name="Mikel Goikoetxea")
    robots = records.org(ane, name="Robots", sector_ids=[robotics])
    food = records.org(mikel, name="Food", region="mie", country="JP")
    for org in (robots, food):  # added long ago, never contacted: quiet
        change(Organization, org, created_at=NOW - timedelta(days=200))
    records.action(ane, organization_id=robots, due_date=date(2026, 11, 1))
    records.action(mikel, organization_id=food, due_date=date(2026, 11, 1))
    records.action(mikel, due_date=date(2026, 11, 1))  # about no organization

    def owners(query):
        html = client.get(f"/pipeline/?{query}").get_data(as_text=True)
        workload, quiet = cells(html, "workload")[:-1], cells(html, "quiet")
        return [row[0] for row in workload], [row[0] for row in quiet]

    # the most overdue first
    assert owners("") == (["Mikel Goikoetxea", "Ane Arana"], ["Robots", "Food"])
    assert owners(f"sector={robotics}") == (["Ane Arana"], ["Robots"])
    assert owners("region=mie") == (["Mikel Goikoetxea"], ["Food"])
    assert owners(f"owner={mikel.id}") == (["Mikel Goikoetxea"], ["Food"])
    html = client.get(f"/pipeline/?sector={robotics}&period=90").get_data(as_text=True)
    assert f"sector={robotics}" in html and 'value="90" selected' in html


def test_unreadable_filters_are_ignored(client, manager):
    response = client.get("/pipeline/?region=atlantis&sector=x&owner=-1&period=7")
    assert response.status_code == 200
    assert 'value="30" selected' in response.get_data(as_text=True)


def test_print_view_has_the_figures_without_forms_or_links(client, manager, records):
    records.action(manager, organization_id=records.org(manager), due_date=date(2026, 11, 1))
    html = client.get("/pipeline/print").get_data(as_text=True)
    assert "Actions by owner" in html and '<form method="get"' not in html
    workload = re.search(r'<table[^>]*id="workload".*?</table>', html, re.S).group(0)
    assert "href" not in workload


def test_pipeline_page_runs_the_same_number_of_queries_for_more_rows(
    client, manager, make_user, records, make_match, count_queries
):
    def add(n):
        for k in range(n):
            person = make_user()
            basque = records.org(person, name=f"B{n}{k}")
            mie = records.org(person, name=f"M{n}{k}", region="mie", country="JP")
            make_match(basque, mie, Stage.EXPLORING, NOW - timedelta(days=k), person)
            records.action(person, organization_id=basque, due_date=date(2026, 11, 1))
            records.meeting(person, [basque], starts_at=NOW - timedelta(days=k + 1))

    def queries():
        with count_queries() as counted:
            assert client.get("/pipeline/").status_code == 200
        return len(counted)

    add(2)
    few = queries()
    add(6)
    assert queries() == few
    assert few <= 30
