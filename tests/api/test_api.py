"""The integration API: tokens, records through the forms and services, safe writes, problem
details, pagination and the OpenAPI document."""

import hashlib

from sqlalchemy import func, select

from crm.accounts.models import Role, User
from crm.api.models import ApiToken
from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.organizations.models import Organization
from tests.api.conftest import ORGANIZATION
from tests.api.factories import issue_token


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- tokens -------------------------------------------------------------------------------


def test_the_cli_prints_a_token_once_and_keeps_only_its_hash(app, runner, make_user, client):
    user = make_user(Role.POINT_OF_CONTACT)
    result = runner.invoke(
        args=["token", "create", user.email, "--name", "BI", "--scope", "read",
              "--expires-days", "30"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    assert secret.startswith("zubia_pat_") and len(secret) > 50
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in (token.prefix, token.token_hash, token.name)
        assert token.expires_at is not None and token.scope.value == "read"
    response = client.get("/api/v1/organizations", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_a_read_token_cannot_write(api):
    reader = api(scope="read")
    assert reader.get("/api/v1/organizations").status_code == 200
    response = reader.post("/api/v1/organizations", json=ORGANIZATION)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_revoked_expired_and_deactivated_tokens_stop_at_once(app, api, client, at):
    caller = api()
    assert caller.get("/api/v1/users").status_code == 200
    with app.app_context():
        db.session.get(User, caller.user.id).active = False
        db.session.commit()
    assert caller.get("/api/v1/users").status_code == 401
    with app.app_context():
        db.session.get(User, caller.user.id).active = True
        db.session.commit()
    assert caller.get("/api/v1/users").status_code == 200
    # Expired
    _, secret = issue_token(app, caller.user, expires_days=1)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/users", headers=headers).status_code == 200
    at("2099-01-01T00:00:00+00:00")
    assert client.get("/api/v1/users", headers=headers).status_code == 401


def test_rights_follow_the_users_current_role(app, api, records):
    manager = api(Role.MANAGER)
    org = records.org(manager.user)
    response = manager.delete(f"/api/v1/organizations/{org}", headers={"If-Match": '"1"'})
    assert response.status_code == 204
    with app.app_context():
        db.session.get(User, manager.user.id).role = Role.POINT_OF_CONTACT
        db.session.commit()
    # The trash is for managers: the same token, a point of contact now, may not restore.
    assert manager.post(f"/api/v1/organizations/{org}/restore").status_code == 403


def test_a_session_cookie_does_not_sign_in_the_api(client, login):
    login(Role.ADMIN)
    assert client.get("/organizations/").status_code == 200
    response = client.get("/api/v1/organizations")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "Set-Cookie" not in response.headers


def test_tokens_on_the_account_page(app, client, login):
    user = login()
    response = client.post("/account/tokens", data={"name": "Sheet", "scope": "read"})
    assert response.status_code == 302
    page = client.get("/account/tokens").get_data(as_text=True)
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
    secret = page.split('id="new-token" type="text" readonly value="')[1].split('"')[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.token_hash
    assert secret not in client.get("/account/tokens").get_data(as_text=True)  # once only
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/users", headers=headers).status_code == 401
    assert user.id == token.user_id


# --- records ------------------------------------------------------------------------------


def test_create_read_patch_delete_restore_with_history_naming_the_token(app, api):
    caller = api(Role.MANAGER)
    created = caller.post("/api/v1/organizations", json={**ORGANIZATION, "languages": ["eu"]})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert created.headers["ETag"] == '"1"' and body["languages"] == ["eu"]
    assert created.headers["Location"] == body["url"]
    url = f"/api/v1/organizations/{body['id']}"
    assert caller.get(url).get_json()["name"] == "Fundación Tecnalia"
    patched = caller.patch(url, json={"city": "Derio"}, headers={"If-Match": '"1"'})
    assert patched.status_code == 200 and patched.get_json()["city"] == "Derio"
    assert patched.headers["ETag"] == '"2"'
    assert caller.delete(url, headers={"If-Match": '"2"'}).status_code == 204
    assert caller.get(url).status_code == 404
    restored = caller.post(url + "/restore")
    assert restored.status_code == 200
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "organization")
            .order_by(AuditEvent.id)
        ).all()  # fmt: skip
        assert [e.action for e in events] == ["create", "update", "delete", "restore"]
        assert {e.actor_id for e in events} == {caller.user.id}
        assert {e.token_id for e in events} == {db.session.scalar(select(ApiToken.id))}
        assert events[1].changes == {"city": [None, "Derio"]}


def test_a_point_of_contact_cannot_set_the_owner_nor_edit_others_records(api, records, make_user):
    poc = api(Role.POINT_OF_CONTACT)
    response = poc.post("/api/v1/organizations", json={**ORGANIZATION, "owner_id": 1})
    assert response.status_code == 422
    assert "owner_id" in response.get_json()["errors"]
    other = records.org(make_user())
    response = poc.patch(
        f"/api/v1/organizations/{other}", json={"city": "Tsu"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 403


def test_meetings_with_their_next_actions_and_action_completion(api, records):
    caller = api()
    org = records.org(caller.user)
    response = caller.post(
        "/api/v1/meetings",
        json={
            "kind": "video",
            "title": "Screening call",
            "date": "2026-11-02",
            "time": "10:00",
            "organization_ids": [org],
            "actions": [{"title": "Send the brochure", "due_date": "2026-11-10"}],
        },
    )
    assert response.status_code == 201, response.get_json()
    meeting = response.get_json()
    assert meeting["starts_at"] == "2026-11-02T09:00:00+00:00"  # 10:00 in Madrid (UTC+1)
    [action] = meeting["next_actions"]
    done = caller.patch(
        f"/api/v1/actions/{action['id']}", json={"status": "done"}, headers={"If-Match": '"1"'}
    )
    assert done.status_code == 200 and done.get_json()["status"] == "done"


def test_the_forms_checks_apply_with_every_field_problem_in_the_readers_language(api):
    caller = api()
    response = caller.post(
        "/api/v1/contacts",
        json={"given_name": "", "email": "not an address", "phone": "12", "is_primary": "yes"},
        headers={"Accept-Language": "es"},
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert set(errors) == {"is_primary"}  # types first: nothing reaches the form
    response = caller.post(
        "/api/v1/contacts",
        json={"given_name": "", "email": "not an address", "phone": "12"},
        headers={"Accept-Language": "es"},
    )
    errors = response.get_json()["errors"]
    assert {"organization_id", "given_name", "family_name", "email"} <= set(errors)
    assert any("obligatorio" in message for message in errors["family_name"]), errors


# --- safe writes --------------------------------------------------------------------------


def test_two_patches_with_the_same_etag_one_wins_one_gets_412(api, records):
    caller = api()
    url = f"/api/v1/organizations/{records.org(caller.user)}"
    first = caller.patch(url, json={"city": "Derio"}, headers={"If-Match": '"1"'})
    second = caller.patch(url, json={"city": "Bilbao"}, headers={"If-Match": '"1"'})
    assert (first.status_code, second.status_code) == (200, 412)
    problem = second.get_json()
    assert problem["current"]["city"] == "Derio" and problem["current"]["version"] == 2
    assert second.headers["ETag"] == '"2"'
    assert caller.get(url).get_json()["city"] == "Derio"
    assert caller.patch(url, json={"city": "Bilbao"}).status_code == 428
    assert caller.delete(url).status_code == 428
    assert caller.delete(url, headers={"If-Match": '"1"'}).status_code == 412


def test_a_retried_create_returns_the_first_result(app, api):
    caller = api()
    headers = {"Idempotency-Key": "8f14e45f-create-tecnalia"}
    first = caller.post("/api/v1/organizations", json=ORGANIZATION, headers=headers)
    again = caller.post("/api/v1/organizations", json=ORGANIZATION, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert count(app, Organization) == 1
    other = caller.post(
        "/api/v1/organizations", json={**ORGANIZATION, "name": "Ikerlan"}, headers=headers
    )
    assert other.status_code == 422
    assert count(app, Organization) == 1


# --- problems -----------------------------------------------------------------------------


def test_bad_input_gets_problem_details_never_html_nor_500(api):
    caller = api()
    cases = [
        (caller.get("/api/v1/nothing"), 404),
        (caller.get("/api/v1/organizations/999999"), 404),
        (caller.open("PUT", "/api/v1/organizations"), 405),
        (caller.post("/api/v1/organizations", data="name=x"), 415),
        (caller.post("/api/v1/organizations", data="{", content_type="application/json"), 400),
        (caller.post("/api/v1/organizations", json=[1, 2]), 400),
        (caller.get("/api/v1/organizations?limit=0"), 400),
        (caller.get("/api/v1/organizations?sort=secret"), 400),
        (caller.get("/api/v1/organizations?cursor=%%%"), 400),
        (caller.get("/api/v1/organizations?owner=abc"), 400),
        (caller.get("/api/v1/organizations?updated_since=yesterday"), 400),
        (caller.post("/api/v1/organizations", json={"name": ["x"]}), 422),
    ]
    for response, status in cases:
        assert response.status_code == status, (response.request.url, response.data[:300])
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == status


def test_rate_limit_per_token_with_headers_and_a_429_problem(make_app, make_user):
    app = make_app(API_RATE_LIMIT="3 per minute")
    client = app.test_client()
    user = make_user()
    _, secret = issue_token(app, user)
    headers = {"Authorization": f"Bearer {secret}"}
    answers = [client.get("/api/v1/users", headers=headers) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["RateLimit-Limit"] == "3"
    assert answers[0].headers["RateLimit-Remaining"] == "2"
    assert answers[3].mimetype == "application/problem+json"
    assert "Retry-After" in answers[3].headers
    _, other = issue_token(app, user)  # another token has its own budget
    assert (
        client.get("/api/v1/users", headers={"Authorization": f"Bearer {other}"}).status_code == 200
    )


# --- lists --------------------------------------------------------------------------------


def test_cursor_pages_are_stable_under_inserts(api, records):
    caller = api()
    for name in ("Aernnova", "Biolan", "CAF", "Danobat", "Egile"):
        records.org(caller.user, name=name)
    seen, url = [], "/api/v1/organizations?limit=2&sort=name"
    first = caller.get(url).get_json()
    seen += [o["name"] for o in first["data"]]
    records.org(caller.user, name="Aaa first")  # sorts before the page we are on
    records.org(caller.user, name="Zzz last")
    url = first["next"]
    while url:
        page = caller.get(url).get_json()
        seen += [o["name"] for o in page["data"]]
        url = page["next"]
    assert seen == ["Aernnova", "Biolan", "CAF", "Danobat", "Egile", "Zzz last"]
    descending = caller.get("/api/v1/organizations?sort=-name&limit=3&region=basque_country")
    assert [o["name"] for o in descending.get_json()["data"]] == ["Zzz last", "Egile", "Danobat"]


# --- the document -------------------------------------------------------------------------


def test_openapi_is_generated_from_the_forms(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    schemas = document["components"]["schemas"]
    with app.test_request_context():
        from crm.organizations.forms import ManagerOrganizationForm

        form = ManagerOrganizationForm(formdata=None, meta={"csrf": False})
        names = {
            f.short_name for f in form if f.short_name not in ("csrf_token", "version", "loaded")
        }
    assert set(schemas["OrganizationsCreate"]["properties"]) == names | {"allow_duplicate"}
    name = schemas["OrganizationsCreate"]["properties"]["name"]
    assert name["maxLength"] == 200 and name["type"] == "string"
    assert "name" in schemas["OrganizationsCreate"]["required"]
    assert "technology_centre" in schemas["Organizations"]["properties"]["kind"]["enum"]
    assert "/api/v1/matches/{item_id}" in document["paths"]
    assert "patch" in document["paths"]["/api/v1/matches/{item_id}"]


def test_the_reference_page_runs_under_the_strict_csp(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<script>" not in html and "onload" not in html
    for asset in ("vendor/swagger-ui/swagger-ui-bundle.js", "api-docs.js"):
        assert asset in html
        assert client.get(f"/static/{asset}").status_code == 200


def test_two_simultaneous_patches_with_the_same_etag_one_200_one_412(app, api, records):
    import threading

    caller = api()
    url = f"/api/v1/organizations/{records.org(caller.user)}"
    barrier, answers = threading.Barrier(2), {}

    def patch(city):
        client = app.test_client()
        headers = {"Authorization": f"Bearer {caller.secret}", "If-Match": '"1"'}
        barrier.wait()
        answers[city] = client.patch(url, json={"city": city}, headers=headers)

    threads = [threading.Thread(target=patch, args=(city,)) for city in ("Derio", "Tsu")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(answer.status_code for answer in answers.values())
    assert statuses == [200, 412], {c: a.get_json() for c, a in answers.items()}
    winner = next(city for city, answer in answers.items() if answer.status_code == 200)
    assert caller.get(url).get_json()["city"] == winner
    assert caller.get(url).get_json()["version"] == 2


def test_the_timeline_names_the_token_of_a_change(api, client, login, records):
    caller = api()
    org = records.org(caller.user)
    caller.patch(
        f"/api/v1/organizations/{org}", json={"city": "Derio"}, headers={"If-Match": '"1"'}
    )
    login(Role.MANAGER)
    page = client.get(f"/organizations/{org}").get_data(as_text=True)
    assert "through the API, token “tests”" in page


def test_a_likely_duplicate_needs_allow_duplicate_as_on_the_page(app, api):
    caller = api()
    assert caller.post("/api/v1/organizations", json=ORGANIZATION).status_code == 201
    same = caller.post(
        "/api/v1/organizations", json={**ORGANIZATION, "name": "FUNDACIÓN  tecnalia"}
    )
    assert same.status_code == 409, same.get_json()  # case and spaces aside, as on the page
    assert same.get_json()["duplicates"][0].endswith("/api/v1/organizations/1")
    forced = caller.post(
        "/api/v1/organizations",
        json={**ORGANIZATION, "name": "FUNDACIÓN  tecnalia", "allow_duplicate": True},
    )
    assert forced.status_code == 201
    assert count(app, Organization) == 2


def test_a_token_writes_with_csrf_protection_on(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    user = make_user()
    headers = {"Authorization": f"Bearer {issue_token(app, user)[1]}"}
    response = app.test_client().post("/api/v1/organizations", json=ORGANIZATION, headers=headers)
    assert response.status_code == 201, response.get_json()
