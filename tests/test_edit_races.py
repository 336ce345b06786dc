"""Two saves that both pass the version check: the second UPDATE finds no row of its version
(StaleDataError). The person whose save lost gets the conflict page or is told who was first,
never a 500, and nothing is half-saved (DATA-1)."""

import threading
from datetime import date

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from crm.accounts.models import Role
from crm.actions.models import Action, Status
from crm.contacts.models import Contact
from crm.extensions import db
from crm.organizations.models import Organization
from tests.conftest import sign_in
from tests.forms import filled


@pytest.fixture
def race(app, make_user):
    """``race(model, requests)``: run two requests at once, each in its own thread and signed-in
    client, holding both at their first flush of a changed ``model`` until both have passed
    every check before it. Returns the two responses."""

    def run(model, first, second):
        clients = []
        for _ in range(2):
            client = app.test_client()
            assert sign_in(client, make_user(Role.MANAGER).email).status_code == 302
            clients.append(client)
        pairs = zip((first, second), clients, strict=True)
        prepared = [request(client) for request, client in pairs]
        barrier, waited = threading.Barrier(2, timeout=10), threading.local()

        def hold(session, flush_context, instances):
            if getattr(waited, "done", False) or not any(
                isinstance(item, model) for item in session.dirty
            ):
                return
            waited.done = True
            barrier.wait()

        responses = [None, None]

        def send(n):
            responses[n] = prepared[n]()

        event.listen(Session, "before_flush", hold)
        try:
            threads = [threading.Thread(target=send, args=(n,)) for n in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
        finally:
            event.remove(Session, "before_flush", hold)
        return responses, clients

    return run


def edit(url, **changes):
    """A request that opens the edit form at ``url`` and sends it back with ``changes``."""

    def prepare(client):
        page = client.get(url).get_data(as_text=True)
        return lambda: client.post(url, data=filled(page, **changes))

    return prepare


def test_two_saves_of_one_organization_at_once(app, race, records, make_user):
    org_id = records.org(make_user(), city="Donostia")
    url = f"/organizations/{org_id}/edit"
    responses, _clients = race(Organization, edit(url, city="Derio"), edit(url, city="Zamudio"))
    codes = sorted(response.status_code for response in responses)
    assert codes == [302, 409]
    lost = next(r for r in responses if r.status_code == 409).get_data(as_text=True)
    won = next(r for r in responses if r.status_code == 302)
    assert "Someone else saved this record" in lost
    stored = records.get(Organization, org_id)
    assert stored.city in ("Derio", "Zamudio") and stored.version == 2
    assert f'<td class="text-break text-pre">{stored.city}</td>' in lost  # saved meanwhile
    assert won.headers["Location"].endswith(f"/organizations/{org_id}")


def test_two_saves_of_one_contact_at_once(app, race, records, make_user):
    owner = make_user()
    contact_id = records.contact(owner, records.org(owner), job_title="Engineer")
    url = f"/contacts/{contact_id}/edit"
    responses, _clients = race(Contact, edit(url, job_title="CTO"), edit(url, job_title="CEO"))
    assert sorted(response.status_code for response in responses) == [302, 409]
    stored = records.get(Contact, contact_id)
    assert stored.job_title in ("CTO", "CEO") and stored.version == 2


def test_a_repeating_action_marked_done_twice_at_once_repeats_once(
    app, client, race, records, make_user
):
    owner = make_user(name="Ane Etxeberria")
    action_id = records.action(
        owner, due_date=date(2026, 12, 1), repeat_every=1, repeat_unit="weeks"
    )

    def done(client):
        return lambda: client.post(f"/actions/{action_id}/status", data={"status": "done"})

    responses, clients = race(Action, done, done)
    assert [response.status_code for response in responses] == [302, 302]
    told = ["Already “Done”" in c.get("/actions/mine").get_data(as_text=True) for c in clients]
    assert sorted(told) == [False, True]  # the one who was second is told, and by whom
    with app.app_context():
        actions = db.session.scalars(select(Action).order_by(Action.id)).all()
        assert [a.status for a in actions] == [Status.DONE, Status.OPEN]
        assert actions[1].due_date == date(2026, 12, 8)
        assert db.session.scalar(select(func.count()).select_from(Action)) == 2
