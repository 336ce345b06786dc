"""TEST-1 / SEC-5: every route, for every role, against the matrix in crm/authorization.py."""

import re

import pytest

from crm import create_app
from crm.accounts.models import Role
from crm.authorization import MATRIX, PUBLIC

ROLES = [None, *Role]  # None: not signed in


def all_routes():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    )


def test_every_route_has_a_row_in_the_matrix():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - MATRIX.keys() == set(), "routes without an authorization row"
    assert MATRIX.keys() - endpoints == set(), "matrix rows for routes that do not exist"


def expected(endpoint, role):
    allowed = MATRIX[endpoint]
    if allowed == PUBLIC:
        return "allowed"
    if role is None:
        return "sign-in"
    return "allowed" if role in allowed else "forbidden"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
@pytest.mark.parametrize(("endpoint", "method", "path"), all_routes())
def test_route_follows_the_matrix(client, login, make_user, endpoint, method, path, role):
    target = make_user()
    if role is not None:
        login(role)
    url = re.sub(r"<[^>]+>", str(target.id), path)
    response = client.open(url, method=method, data={})
    outcome = expected(endpoint, role)
    if outcome == "sign-in":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    elif outcome == "forbidden":
        assert response.status_code == 403
    else:
        assert response.status_code not in (401, 403), response.status_code
        assert not response.headers.get("Location", "").startswith("/login?")
