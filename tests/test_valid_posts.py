"""Every write route, posted once with a VALID form by a role allowed to use it, answers
without a server error: the authorization walk sends empty forms, which never reach the save.

A form page sends back its own form as a browser would (``tests.forms``) with the fields a
person fills in; a button sends what its form sends. A POST route without a row in ``VALID``
fails the first test, so a new write route must say here what a valid post is.
"""

import io

import pytest

from crm.accounts.models import Role
from crm.authorization import MATRIX, PARTICIPANT, PUBLIC, OwnRecords
from tests import test_authorization
from tests.conftest import PASSWORD
from tests.forms import filled
from tests.test_authorization import routes

NEW_PASSWORD = "a long new phrase between Bilbao and Tsu"
FORM = "form"  # send back the form of the page at the same address


def form(**changes):
    return (FORM, changes)


def button(**data):
    return ("button", data)


def on_page(page_of, **changes):
    """The form posting to this address lives on another page: ``page_of(url, places)``."""
    return (page_of, changes)


def b2b_page(url, places):
    return url.rsplit("/", 1)[0]  # /events/b2b/<id>/move: the B2B meeting's page


# endpoint -> what a valid post is, and the statuses a valid post answers with.
VALID = {
    "accounts.change_password": form(
        current_password=PASSWORD, new_password=NEW_PASSWORD, confirm=NEW_PASSWORD
    ),
    "accounts.login": button(email="nobody@zubia.example", password=PASSWORD),
    "accounts.logout": button(),
    "accounts.profile": form(name="Ane Etxeberria"),
    "accounts.set_language": button(language="ja"),
    "accounts.sign_out_everywhere": button(),
    "actions.create": form(title="Send the brochure"),
    "actions.delete": button(),
    "actions.edit": form(title="Send the brochure again"),
    "actions.set_status": button(status="done"),
    "actions.one_click_link": button(),
    "admin.create_user": form(
        email="new@zubia.example", name="Miren", new_password=NEW_PASSWORD, confirm=NEW_PASSWORD
    ),
    "admin.edit_user": form(name="Miren Agirre"),
    "api.create_token": form(name="BI dashboard", scope="read"),
    "api.create_webhook": form(url="http://93.184.215.14/zubia", events=["organization.created"]),
    "api.delete_webhook": button(),
    "api.redeliver": button(),
    "api.revoke_token": button(),
    "attachments.delete": button(),
    "attachments.upload": form(file=lambda: (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "minutes.pdf")),
    "calendar.new_feed": button(),
    "calendar.turn_off": button(),
    "contacts.create": form(given_name="Miren", family_name="Agirre", organization_id="{mie}"),
    "contacts.delete": button(),
    "contacts.edit": form(job_title="CTO"),
    "duplicates.merge_contacts": form(),
    "duplicates.merge_organizations": form(),
    "events.add_participant": form(organization="{basque_label}"),
    "events.create": form(
        name="Mie–Basque B2B",
        city="Tsu",
        start_date="2027-02-10",
        end_date="2027-02-11",
        organizer_name="{mie_label}",
    ),
    "events.decide_request": button(decision="accept"),
    "events.delete": button(),
    "events.edit": form(city="Yokkaichi"),
    "events.edit_participant": form(offers="Gear hobbing"),
    "events.move_meeting": on_page(b2b_page),
    "events.new_request": form(),
    "events.open_match": button(),
    "events.record_outcome": on_page(
        b2b_page, **{"outcome-attendance": "held", "outcome-outcome": "A plant visit."}
    ),
    "events.schedule": button(),
    "events.set_status": button(status="attended"),
    "guide.delete": button(),
    "guide.edit": form(body="Bow slightly; exchange cards with both hands."),
    "guide.new": form(title="Business cards", slug="business-cards", body="Both hands."),
    "imports.confirm": button(),
    "imports.mapping": form(),
    "imports.revert_run": button(),
    "imports.upload": form(
        kind="organization",
        file=lambda: (io.BytesIO(b"Name,Region\nTecnalia,Basque Country\n"), "orgs.csv"),
    ),
    "mailin.add_address": button(email="ane.gmail@spri.eus"),
    "mailin.admin": form(),
    "mailin.create_contact": form(given_name="Jon", family_name="Ugarte"),
    "mailin.dismiss": button(),
    "mailin.link": on_page(lambda url, places: url),  # its one select: fewer fields than others
    "mailin.remove_address": button(),
    "mailin.set_private": button(private="1"),
    "matching.accept": button(basque_id="{basque}", mie_id="{mie}"),
    "matching.decline": button(basque_id="{basque}", mie_id="{mie}"),
    "matching.move": button(stage="introduced"),
    "meetings.create": form(
        title="Screening call", date="2026-11-02", time="10:00", organization_ids=["{mie}"]
    ),
    "meetings.delete": button(),
    "meetings.edit": form(title="Screening call, second round"),
    "notifications.read": button(),
    "notifications.read_all": button(),
    "organizations.add_link": button(kind="partner_of", target="Tecnalia"),
    "organizations.create": form(
        name="Suzuka University", kind="university", region="mie", country="JP"
    ),
    "organizations.delete": button(),
    "organizations.edit": form(city="Derio"),
    "organizations.remove_link": button(),
    "pipeline.reassign": on_page(
        lambda url, places: f"{url}?from_user={places['other']}&to_user={places['user']}"
    ),
    "programme.delete_agreement": button(),
    "programme.delete_story": button(),
    "programme.edit_agreement": form(party_ids=["{basque_body}", "{mie_body}"]),
    "programme.edit_story": form(organization_ids=["{basque}", "{mie}"]),
    "programme.new_agreement": form(title="MoU", party_ids=["{basque_body}", "{mie_body}"]),
    "programme.new_story": form(
        title="Precision machining", achieved_on="2026-10-01", organization_ids=["{mie}"]
    ),
    "public_events.answer_request": button(request_id="{b2b_request}", decision="accept"),
    "public_events.ask_follow_up": button(),
    "public_events.attendance": button(attendance="held"),
    "public_events.availability": button(),
    "public_events.check_in": button(),
    "public_events.decide_registration": button(decision="decline"),
    "public_events.follow_link": button(),
    "public_events.follow_up": button(),
    "public_events.manage": form(slug="tsu-b2b-meetings", request_cap="5"),
    "public_events.register": form(
        organization_name="Tecnalia",
        name="Ane Etxeberria",
        email="ane@tecnalia.example",
        offers="Robotics integration",
        seeks="Precision machining",
    ),
    "public_events.request_link": form(email="ane@tecnalia.example"),
    "public_events.send_request": button(message="Shall we meet?"),
    "public_events.sign_out": button(),
    "reminders.preferences": form(),
    "reminders.retry": button(),
    "reminders.unsubscribe": button(),
    "trash.purge_record": button(),
    "trash.restore_record": button(),
    "visits.add_stop": form(purpose="Courtesy call", time="10:00", host_organization_id="{mie}"),
    "visits.create": form(
        title="Delegation to Mie",
        start_date="2026-11-02",
        end_date="2026-11-06",
        lead_organization_id="{mie}",
    ),
    "visits.delete": button(),
    "visits.delete_stop": button(),
    "visits.edit": form(outcomes="A joint call in spring."),
    "visits.edit_stop": form(place="Tsu"),
    "visits.log_stop": button(),
}

build = test_authorization.build  # the walk's fixture: the path's records, owned by the user
WRITES = [(endpoint, path) for endpoint, method, path in routes() if method == "POST"]


def test_every_write_route_says_what_a_valid_post_is():
    assert {endpoint for endpoint, _ in WRITES} == VALID.keys()


def allowed_role(endpoint):
    allowed = MATRIX[endpoint]
    if allowed in (PUBLIC, PARTICIPANT) or isinstance(allowed, OwnRecords):
        return Role.POINT_OF_CONTACT  # on records of their own
    return min(allowed, key=lambda role: list(Role).index(role))


def placed(value, places):
    """``value`` with its {placeholders} filled in; a callable makes a fresh value (a file)."""
    if callable(value):
        return value()
    if isinstance(value, list):
        return [placed(item, places) for item in value]
    return value.format(**places)


@pytest.fixture
def places(records, make_user):
    """Records a valid form refers to: one organization of each side and another user."""
    from crm.organizations.models import Kind, Region

    owner = make_user()
    basque = records.org(owner, name="Tecnalia", kind=Kind.COMPANY)
    mie = records.org(owner, name="Mie University", kind=Kind.COMPANY, region=Region.MIE)
    return {
        "basque": basque,
        "mie": mie,
        "basque_label": f"Tecnalia #{basque}",
        "basque_body": records.org(owner, name="SPRI", kind=Kind.GOVERNMENT),
        "mie_body": records.org(
            owner, name="Mie Prefecture", kind=Kind.GOVERNMENT, region=Region.MIE
        ),
        "mie_label": f"Mie University #{mie}",
        "other": owner.id,
    }


@pytest.mark.parametrize(("endpoint", "path"), WRITES, ids=[e for e, _ in WRITES])
def test_a_valid_post_never_answers_a_server_error(client, login, build, places, endpoint, path):
    user = login(allowed_role(endpoint))
    url = build(path, user)
    how, values = VALID[endpoint]
    places = {**places, "user": user.id, "b2b_request": getattr(build, "request", "")}
    if MATRIX[endpoint] == PARTICIPANT:  # the approved registrant of the path's event
        test_authorization.hold_registration(build.app, client, None, build, True)
    values = {name: placed(value, places) for name, value in values.items()}
    if how == "button":
        response = client.post(url, data=values)
    else:
        page = client.get(url if how == FORM else how(url, places))
        assert page.status_code == 200, page.status_code
        files = {k: v for k, v in values.items() if isinstance(v, tuple)}
        texts = {k: v for k, v in values.items() if k not in files}
        action = None if how == FORM else url
        data = filled(page.get_data(as_text=True), action, **texts).to_dict(flat=False)
        response = client.post(url, data={**data, **files}, content_type="multipart/form-data")
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]
    # Valid, so it was saved and the person moved on; a request form whose only pair of
    # participants has asked already says so on the form; a one-click unsubscribe answers the
    # mail client with a page (RFC 8058), not a redirect it may not follow.
    answered = ("events.new_request", "reminders.unsubscribe")
    expected = (200,) if endpoint in answered else (302, 303)
    assert response.status_code in expected, response.get_data(as_text=True)[:2000]
