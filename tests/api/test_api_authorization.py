"""TEST-1 / SEC-5 for the API: every API route, for every role and a request without a
token, against the row of the page route it shares (crm.authorization ``Api`` rows), with a
record the user owns and one somebody else owns. The page walk (tests/test_authorization.py)
leaves these routes to this one: a token, not a session, signs them in."""

import re

import pytest

from crm.accounts.models import Role
from crm.authorization import MATRIX, Api
from tests import test_authorization
from tests.api.factories import issue_token
from tests.test_authorization import expect

build = test_authorization.build  # the walk's fixture: the path's records, owned by the user
ROLES = [None, *Role]
ITEM = re.compile(r"<int\(signed=True\):item_id>")
KIND = {
    "organizations": "organization",
    "contacts": "contact",
    "meetings": "meeting",
    "actions": "action",
    "matches": "match",
    "visits": "visit",
    "events": "event",
    "users": "user",
}


def api_routes():
    app = test_authorization.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if isinstance(MATRIX.get(rule.endpoint), Api)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    )


CASES = [
    (endpoint, method, rule, owns)
    for endpoint, method, rule in api_routes()
    for owns in ((True, False) if ITEM.search(rule) else (True,))
]


def test_every_collection_route_is_walked():
    verbs = {endpoint.rsplit("_", 1)[1] for endpoint, *_ in CASES}
    assert verbs == {"list", "read", "create", "update", "delete", "restore"}
    assert len({endpoint for endpoint, *_ in CASES}) >= 35


@pytest.fixture
def sector_id(app):
    from crm.demo.cli import load_sectors
    from crm.extensions import db
    from crm.organizations.models import Sector

    with app.app_context():
        load_sectors()
        db.session.commit()
        return db.session.query(Sector.id).first()[0]


def path_for(rule, owner, build, sector_id, deleted):
    collection = rule.split("/")[3]
    if collection == "sectors":
        return ITEM.sub(str(sector_id), rule)
    return build(ITEM.sub(f"<id:{KIND[collection]}_id>", rule), owner, deleted=deleted)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "no-token")
@pytest.mark.parametrize(
    ("endpoint", "method", "rule", "owns"),
    CASES,
    ids=[f"{e}-{m}-{'own' if o else 'others'}" for e, m, _, o in CASES],
)
def test_api_route_follows_the_matrix(
    app, client, make_user, build, sector_id, endpoint, method, rule, owns, role
):
    user = make_user(role) if role is not None else None
    owner = user if (owns and user is not None) else make_user()
    restoring = endpoint.endswith("_restore")
    url = path_for(rule, owner, build, sector_id, deleted=restoring)
    headers = {"If-Match": "*"}
    if user is not None:
        headers["Authorization"] = f"Bearer {issue_token(app, user)[1]}"
    response = client.open(url, method=method, json={}, headers=headers)
    assert response.mimetype in ("application/json", "application/problem+json") or (
        response.status_code == 204
    ), response.data[:300]
    page = MATRIX[endpoint]
    outcome = "sign-in" if role is None else expect(page, role, owns)
    if outcome == "sign-in":
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    elif outcome == "forbidden":
        assert response.status_code == 403, response.get_json()
    else:
        assert response.status_code not in (401, 403, 404, 500), response.get_json()
