"""Likely duplicates and merging two records into one (issue 7, item 2)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, func, select

from crm.accounts.models import Role, User
from crm.actions.models import Action
from crm.audit.models import AuditEvent
from crm.contacts.models import Contact
from crm.duplicates import merging
from crm.events.models import MeetingRequest, Participant
from crm.extensions import db
from crm.matching.models import Match, Stage
from crm.meetings.models import meeting_contacts, meeting_organizations
from crm.organizations.models import (
    LinkKind,
    Organization,
    OrganizationLink,
    Sector,
    organization_sectors,
)
from crm.programme.models import Agreement, agreement_parties
from crm.trash.services import move_to_trash
from crm.visits.models import Visit, VisitStop, visit_contacts
from tests.attachments.factories import make_attachment
from tests.events.factories import new_event

# ---------------------------------------------------------------- finding


def page(client):
    response = client.get("/duplicates/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_same_name_after_case_accents_width_and_spaces(app, client, login, records):
    manager = login(Role.MANAGER)
    ids = [
        records.org(manager, name="Fundación Tecnalia"),
        records.org(manager, name="FUNDACION   TECNALIA"),
        records.org(manager, name="Fundacio\u0301n Tecnalia"),  # combining accent
        records.org(manager, name="Ｆｕｎｄａｃｉóｎ Ｔｅｃｎａｌｉａ"),  # full width
    ]
    trashed = records.org(manager, name="fundación tecnalia")
    records.org(manager, name="Fundación Tekniker")
    records.org(manager, name="Mie University", native_name="三重 大学", region="mie")
    records.org(manager, name="Mie Univ.", native_name="三重大学", region="mie")
    with app.test_request_context():
        move_to_trash(db.session.get(Organization, trashed), actor=db.session.get(User, manager.id))
        db.session.commit()
    with app.test_request_context():
        from crm.duplicates.finding import organization_groups

        groups, total = organization_groups()
    assert total == 2
    assert [(g.ids, g.reasons) for g in groups] == [
        (tuple(ids), ["name"]),
        ((ids[-1] + 3, ids[-1] + 4), ["native_name"]),
    ]
    html = page(client)
    assert "Fundación Tekniker" not in html
    assert f"/duplicates/organizations/{ids[0]}/{ids[3]}" in html


def test_same_organization_whatever_its_legal_form(app, client, login, records):
    manager = login(Role.MANAGER)
    kansa = [
        records.org(manager, name="Kansa Kogyo", native_name="監査工業（株）", region="mie"),
        records.org(manager, name="Kansa Kogyo K.K.", native_name="監査工業株式会社", region="mie"),
    ]
    ise = [
        records.org(manager, name="Ise Bay Aero Co., Ltd."),
        records.org(manager, name="Ise Bay Aero"),
    ]
    with app.test_request_context():
        from crm.duplicates.finding import organization_groups

        groups, _total = organization_groups()
    found = {g.ids: g.reasons for g in groups}
    assert found[tuple(kansa)] == ["name", "native_name"]
    assert found[tuple(ise)] == ["name"]


def test_contacts_by_email_any_case_and_by_name_in_any_order(app, client, login, records):
    manager = login(Role.MANAGER)
    org = records.org(manager)
    other = records.org(manager, name="Mie University", region="mie")
    a = records.contact(manager, org, email="ane@tecnalia.example", given_name="Ane")
    b = records.contact(manager, other, email="ANE@Tecnalia.example", given_name="Miren")
    c = records.contact(
        manager, other, name_order="japanese", given_name="Taro", family_name="Yamada"
    )
    d = records.contact(manager, org, given_name="yamada", family_name="TARO")  # swapped
    e = records.contact(manager, org, given_name="X", family_name="Y", native_name="ﾔﾏﾀﾞ ﾀﾛｳ")
    f = records.contact(manager, org, given_name="Z", family_name="W", native_name="ヤマダタロウ")
    records.contact(manager, org, given_name="Jon", family_name="Etxeberria")
    with app.test_request_context():
        from crm.duplicates.finding import contact_groups

        groups, total = contact_groups()
    assert sorted((g.ids, tuple(g.reasons)) for g in groups) == [
        ((a, b), ("email",)),
        ((c, d), ("name",)),
        ((e, f), ("native_name",)),
    ]
    assert total == 3
    html = page(client)
    assert "same email" in html and f"/duplicates/contacts/{a}/{b}" in html


def test_page_query_count_does_not_grow(app, client, login, records, count_queries):
    manager = login(Role.MANAGER)

    def add(n):
        for i in range(n):
            org = records.org(manager, name=f"Twin {i}")
            records.org(manager, name=f"TWIN {i}")
            records.contact(manager, org, given_name=f"Ane{i}", email=f"a{i}@x.example")
            records.contact(manager, org, given_name=f"ANE{i}", email=f"A{i}@x.example")

    def queries():
        with count_queries() as counted:
            page(client)
        return len(counted)

    add(1)
    few = queries()
    add(8)
    assert queries() == few


@pytest.mark.parametrize("role", list(Role))
def test_only_managers_find_and_merge(client, login, records, role):
    user = login(role)
    a, b = records.org(user), records.org(user, name="FUNDACION TECNALIA")
    allowed = role in (Role.MANAGER, Role.ADMIN)
    assert client.get("/duplicates/").status_code == (200 if allowed else 403)
    assert client.get(f"/duplicates/organizations/{a}/{b}").status_code == (200 if allowed else 403)
    url = f"/duplicates/organizations/{a}/{b}"
    response = client.post(url, data=merge_data(client, url) if allowed else {"survivor": "a"})
    assert response.status_code == (302 if allowed else 403)


# ---------------------------------------------------------------- merging organizations


def merge_data(client, url, **choices):
    """The form as the compare page offers it (what is checked), with some choices changed."""
    import re

    html = client.get(url).get_data(as_text=True)
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        name = attrs.get("name", "")
        if name.startswith("version_") or (
            (name == "survivor" or name.startswith("keep_")) and re.search(r"\schecked[\s>]", tag)
        ):
            data[name] = attrs["value"]
    data.update(choices)
    return data


@pytest.fixture
def pair(app, records, make_user):
    """A survivor and a duplicate with something of every kind pointing at them."""
    owner = make_user(Role.MANAGER)
    s = records.org(owner, name="Fundación Tecnalia", city=None, cadence_days=30)
    m = records.org(owner, name="FUNDACION TECNALIA", city="Donostia", website="https://t.example")
    x = records.org(owner, name="Mie University", region="mie", country="JP")
    y = records.org(owner, name="Tsu Robotics", region="mie", country="JP")
    ids = {"s": s, "m": m, "x": x, "y": y}
    ids["s_primary"] = records.contact(owner, s, given_name="Ane", is_primary=True)
    ids["m_primary"] = records.contact(owner, m, given_name="Miren", is_primary=True)
    ids["m_contact"] = records.contact(owner, m, given_name="Jon")
    ids["shared_meeting"] = records.meeting(
        owner, [s, m], starts_at=datetime(2026, 1, 5, tzinfo=UTC)
    )
    ids["m_meeting"] = records.meeting(owner, [m], starts_at=datetime(2026, 6, 1, tzinfo=UTC))
    ids["m_action"] = records.action(owner, organization_id=m)
    with app.test_request_context():
        actor = db.session.get(User, owner.id)
        sector = Sector(code="auto", name_en="Automotive", name_ja="自動車", name_es="Automoción")
        db.session.add(sector)
        db.session.flush()
        db.session.execute(
            organization_sectors.insert().values(organization_id=m, sector_id=sector.id)
        )
        for frm, to, kind in ((s, m, "partner_of"), (m, x, "member_of"), (s, x, "member_of")):
            db.session.add(OrganizationLink(from_id=frm, to_id=to, kind=LinkKind(kind)))
        db.session.add(OrganizationLink(from_id=y, to_id=m, kind=LinkKind.PARTNER_OF))
        for basque, mie in ((s, x), (m, x), (m, y)):
            db.session.add(Match(basque_id=basque, mie_id=mie, owner_id=owner.id, reasons={}))
        db.session.add(Match(basque_id=m, mie_id=s, owner_id=owner.id, reasons={}))
        agreement = Agreement(title="MoU", owner_id=owner.id)
        agreement.parties = [db.session.get(Organization, m), db.session.get(Organization, s)]
        db.session.add(agreement)
        event = new_event(actor, m)
        ps = Participant(event_id=event.id, organization_id=s)
        pm = Participant(event_id=event.id, organization_id=m, offers="Robots")
        px = Participant(event_id=event.id, organization_id=x)
        db.session.add_all([ps, pm, px])
        db.session.flush()
        for requester, requested in ((pm, ps), (pm, px), (ps, px), (px, pm)):
            db.session.add(
                MeetingRequest(
                    event_id=event.id, requester_id=requester.id, requested_id=requested.id
                )
            )
        visit = Visit(
            direction="to_mie",
            title="Delegation",
            start_date=date(2026, 5, 1),
            end_date=date(2026, 5, 3),
            lead_organization_id=m,
            owner_id=owner.id,
        )
        db.session.add(visit)
        db.session.flush()
        db.session.add(
            VisitStop(
                visit_id=visit.id,
                starts_at=datetime(2026, 5, 2, tzinfo=UTC),
                host_organization_id=m,
                purpose="Lab tour",
            )
        )
        db.session.commit()
        ids.update(event=event.id, ps=ps.id, pm=pm.id, px=px.id, visit=visit.id)
    return owner, ids


def test_merging_organizations_moves_everything_and_resolves_collisions(
    app, client, login, pair, at
):
    at("2026-07-01T00:00:00+00:00")
    _, ids = pair
    s, m = ids["s"], ids["m"]
    manager = login(Role.MANAGER)
    url = f"/duplicates/organizations/{s}/{m}"
    page_html = client.get(url).get_data(as_text=True)
    assert "Donostia" in page_html and "https://t.example" in page_html
    data = merge_data(client, url, survivor="a")
    assert data["keep_city"] == "b"  # the survivor has none: the other's by default
    assert data["keep_name"] == "a"
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == f"/organizations/{s}"
    with app.app_context():
        org = db.session.get(Organization, s)
        gone = db.session.get(Organization, m)
        assert gone.deleted_at is not None
        assert (org.name, org.city, org.website) == (
            "Fundación Tecnalia",
            "Donostia",
            "https://t.example",
        )
        assert org.search_key == "fundacion tecnalia"
        # Contacts come along; one permanent point of contact stays.
        contacts = db.session.scalars(select(Contact).where(Contact.organization_id == s)).all()
        assert {c.id for c in contacts} == {ids["s_primary"], ids["m_primary"], ids["m_contact"]}
        assert {c.id for c in contacts if c.is_primary} == {ids["s_primary"]}
        assert all(c.deleted_at is None for c in contacts)
        # Meetings: the shared one keeps one link; the other one moves; last contact follows.
        links = db.session.execute(select(meeting_organizations)).all()
        assert sorted(links) == sorted([(ids["shared_meeting"], s), (ids["m_meeting"], s)])
        assert org.last_contact_at == datetime(2026, 6, 1, tzinfo=UTC)
        assert org.contact_due_at == datetime(2026, 7, 1, tzinfo=UTC)
        assert db.session.get(Action, ids["m_action"]).organization_id == s
        sectors = db.session.execute(select(organization_sectors.c.organization_id)).scalars()
        assert list(sectors) == [s]
        # Links: the one between the two disappears, the duplicate member_of too.
        org_links = db.session.execute(
            select(OrganizationLink.from_id, OrganizationLink.to_id, OrganizationLink.kind)
        ).all()
        assert sorted(org_links) == sorted(
            [(s, ids["x"], LinkKind.MEMBER_OF), (ids["y"], s, LinkKind.PARTNER_OF)]
        )
        # Matches: S-X kept, M-X closed into it, M-Y moved, M-S (itself) closed.
        matches = db.session.scalars(select(Match).order_by(Match.id)).all()
        live = {(mt.basque_id, mt.mie_id) for mt in matches if mt.deleted_at is None}
        assert live == {(s, ids["x"]), (s, ids["y"])}
        closed = [mt for mt in matches if mt.deleted_at is not None]
        assert [mt.stage for mt in closed] == [Stage.CLOSED, Stage.CLOSED]
        # Agreements: one party, not two.
        parties = db.session.execute(select(agreement_parties.c.organization_id)).scalars().all()
        assert parties == [s]
        # B2B: one participation per event, requests re-pointed, the self-request dropped.
        participants = db.session.scalars(select(Participant)).all()
        assert {(p.id, p.organization_id) for p in participants} == {
            (ids["ps"], s),
            (ids["px"], ids["x"]),
        }
        assert db.session.get(Participant, ids["ps"]).offers == "Robots"
        requests = db.session.execute(
            select(MeetingRequest.requester_id, MeetingRequest.requested_id)
        ).all()
        assert sorted(requests) == sorted([(ids["ps"], ids["px"]), (ids["px"], ids["ps"])])
        visit = db.session.get(Visit, ids["visit"])
        assert visit.lead_organization_id == s
        assert db.session.scalar(select(VisitStop.host_organization_id)) == s
        # History: one merge row on each side, naming each other.
        merges = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "merge").order_by(AuditEvent.entity_id)
        ).all()
        assert [(e.entity_id, e.actor_id) for e in merges] == [(s, manager.id), (m, manager.id)]
        assert merges[0].changes["merged_id"] == m
        assert merges[0].changes["fields_taken"] == ["city", "website"]
        assert merges[0].changes["moved"]["contact"] == 2
        assert merges[1].changes["merged_into"] == s
        assert gone.merged_into_id == s
    # The survivor's page shows the merged record's past and the merge itself.
    detail = client.get(f"/organizations/{s}").get_data(as_text=True)
    assert f"from merged record #{m}" in detail
    assert "was merged into this record" in detail
    assert client.get(f"/organizations/{m}").status_code == 404
    trash = client.get("/trash/").get_data(as_text=True)
    assert "merged into Fundación Tecnalia" in trash


def test_stale_page_gets_the_conflict_page_and_nothing_moves(app, client, login, pair, records):
    owner, ids = pair
    s, m = ids["s"], ids["m"]
    login(Role.MANAGER)
    url = f"/duplicates/organizations/{s}/{m}"
    data = merge_data(client, url)
    with app.test_request_context():
        from crm.organizations import services

        services.update_organization(
            db.session.get(Organization, m),
            {"city": "Bilbao"},
            actor=db.session.get(User, owner.id),
        )
        db.session.commit()
    response = client.post(url, data=data)
    assert response.status_code == 409
    assert "Someone changed one of these records" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Organization, m).deleted_at is None
        assert db.session.get(Contact, ids["m_contact"]).organization_id == m
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "merge")) == 0


def test_a_failure_midway_leaves_nothing_moved(app, pair, monkeypatch):
    owner, ids = pair

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merging, "_move_participants", broken)
    with app.test_request_context():
        s = db.session.get(Organization, ids["s"])
        m = db.session.get(Organization, ids["m"])
        values = {name: getattr(s, name) for name in ("name", "city")}
        with pytest.raises(RuntimeError):
            merging.merge_organizations(s, m, values, actor=db.session.get(User, owner.id))
        db.session.rollback()
    with app.app_context():
        assert db.session.get(Contact, ids["m_contact"]).organization_id == ids["m"]
        assert db.session.get(Contact, ids["m_primary"]).is_primary
        assert db.session.get(Action, ids["m_action"]).organization_id == ids["m"]
        assert (ids["m_meeting"], ids["m"]) in db.session.execute(
            select(meeting_organizations)
        ).all()
        assert db.session.get(Organization, ids["m"]).deleted_at is None
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "merge")) == 0


def test_every_reference_to_an_organization_or_contact_is_moved_by_a_merge(app):
    references = {"organizations": set(), "contacts": set()}
    for table in db.metadata.tables.values():
        for key in table.foreign_keys:
            if key.column.table.name in references and key.parent.name != merging.LINEAGE:
                references[key.column.table.name].add(f"{table.name}.{key.parent.name}")
    plain = {
        target: {f"{c.table.name}.{c.name}" for _kind, c in merging.plain_references(target)}
        for target in references
    }
    for target, found in references.items():
        assert plain[target] & merging.HANDLED[target] == set()
        assert found == merging.HANDLED[target] | plain[target], "a reference no merge moves"
    assert {"contacts.organization_id", "attachments.organization_id"} <= plain["organizations"]
    assert plain["contacts"] == {"actions.contact_id", "mailin_reviews.contact_id"}


def test_merging_a_record_with_itself_or_a_trashed_one_is_404(app, client, login, pair):
    _, ids = pair
    manager = login(Role.MANAGER)
    assert client.get(f"/duplicates/organizations/{ids['s']}/{ids['s']}").status_code == 404
    with app.test_request_context():
        move_to_trash(
            db.session.get(Organization, ids["m"]), actor=db.session.get(User, manager.id)
        )
        db.session.commit()
    assert client.get(f"/duplicates/organizations/{ids['s']}/{ids['m']}").status_code == 404
    assert (
        client.post(f"/duplicates/organizations/{ids['s']}/{ids['m']}", data={}).status_code == 404
    )


# ---------------------------------------------------------------- merging contacts


def test_merging_contacts_moves_meetings_actions_and_visits(app, client, login, records):
    manager = login(Role.MANAGER)
    org = records.org(manager)
    keep = records.contact(manager, org, given_name="Ane", email="ane@t.example")
    dupe = records.contact(
        manager, org, given_name="ANE", email="Ane@T.example", phone="+34600000000", is_primary=True
    )
    shared = records.meeting(manager, [org], contact_ids=[keep, dupe])
    only = records.meeting(manager, [org], contact_ids=[dupe])
    action = records.action(manager, organization_id=org, contact_id=dupe)
    with app.test_request_context():
        visit = Visit(
            direction="to_mie",
            title="Delegation",
            start_date=date(2026, 5, 1),
            end_date=date(2026, 5, 3),
            owner_id=manager.id,
        )
        visit.contacts = [db.session.get(Contact, dupe)]
        db.session.add(visit)
        db.session.commit()
        visit_id = visit.id
    url = f"/duplicates/contacts/{keep}/{dupe}"
    data = merge_data(client, url)
    assert data["keep_phone"] == "b" and data["keep_is_primary"] == "b"
    data["keep_given_name"] = "a"
    response = client.post(url, data=data)
    assert response.status_code == 302
    with app.app_context():
        kept = db.session.get(Contact, keep)
        assert (kept.given_name, kept.phone, kept.is_primary) == ("Ane", "+34600000000", True)
        merged = db.session.get(Contact, dupe)
        assert merged.deleted_at is not None and not merged.is_primary
        assert sorted(db.session.execute(select(meeting_contacts)).all()) == sorted(
            [(shared, keep), (only, keep)]
        )
        assert db.session.get(Action, action).contact_id == keep
        assert db.session.execute(select(visit_contacts)).all() == [(visit_id, keep)]
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "merge", AuditEvent.entity_id == keep)
        )
        assert event.changes["fields_taken"] == ["is_primary", "phone"]
    detail = client.get(f"/contacts/{keep}").get_data(as_text=True)
    assert f"from merged record #{dupe}" in detail


BADGE = 'text-bg-secondary">merged into'  # the trash's badge, not the flashed message


def merged_pair(app, client, records, manager):
    """Two contacts merged through the page: (the survivor's id, the merged one's id)."""
    org = records.org(manager)
    keep = records.contact(manager, org, given_name="Ane", family_name="Etxeberria")
    dupe = records.contact(manager, org, given_name="ANE", family_name="ETXEBERRIA")
    url = f"/duplicates/contacts/{keep}/{dupe}"
    assert client.post(url, data=merge_data(client, url)).status_code == 302
    return keep, dupe


def test_the_trash_names_the_survivor_from_the_lineage_column(app, client, login, records):
    manager = login(Role.MANAGER)
    keep, dupe = merged_pair(app, client, records, manager)
    with app.app_context():
        # Not from the history: without its merge rows the trash still knows.
        db.session.execute(delete(AuditEvent).where(AuditEvent.action == "merge"))
        db.session.commit()
        assert db.session.get(Contact, dupe).merged_into_id == keep
        survivor = str(db.session.get(Contact, keep))
    assert f"{BADGE} {survivor}" in client.get("/trash/").get_data(as_text=True)


def test_the_trash_page_reads_the_survivors_in_its_own_queries(
    app, client, login, records, count_queries
):
    manager = login(Role.MANAGER)

    def queries():
        with count_queries() as counted:
            assert client.get("/trash/").status_code == 200
        return len(counted)

    merged_pair(app, client, records, manager)
    few = queries()
    for _ in range(3):
        merged_pair(app, client, records, manager)
    assert queries() == few


def test_a_restored_merged_record_is_live_again_and_no_longer_merged(app, client, login, records):
    manager = login(Role.MANAGER)
    _keep, dupe = merged_pair(app, client, records, manager)
    assert client.post(f"/trash/contact/{dupe}/restore").status_code == 302
    with app.app_context():
        restored = db.session.get(Contact, dupe)
        assert (restored.deleted_at, restored.merged_into_id) == (None, None)
    assert client.post(f"/contacts/{dupe}/delete").status_code == 302
    assert BADGE not in client.get("/trash/").get_data(as_text=True)


def test_purging_the_survivor_forgets_the_lineage(app, client, login, records):
    admin = login(Role.ADMIN)
    keep, dupe = merged_pair(app, client, records, admin)
    assert client.post(f"/contacts/{keep}/delete").status_code == 302
    assert client.post(f"/trash/contact/{keep}/purge").status_code == 302
    with app.app_context():
        assert db.session.get(Contact, dupe).merged_into_id is None
    assert BADGE not in client.get("/trash/").get_data(as_text=True)


def test_merging_organizations_moves_their_attachments(app, client, login, pair):
    owner, ids = pair
    attachment = make_attachment(app, owner, ids["m"], name="MoU.pdf")
    login(Role.MANAGER)
    url = f"/duplicates/organizations/{ids['s']}/{ids['m']}"
    assert client.post(url, data=merge_data(client, url, survivor="a")).status_code == 302
    page = client.get(f"/organizations/{ids['s']}").get_data(as_text=True)
    assert "MoU.pdf" in page
    assert client.get(f"/attachments/{attachment}").status_code == 200
