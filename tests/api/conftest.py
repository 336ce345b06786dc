import pytest

from crm.accounts.models import Role
from tests.api.factories import issue_token


@pytest.fixture
def api(app, client, make_user):
    """``api(role, scope)`` -> a caller with a fresh user's token: ``caller.get(path)`` etc."""

    class Caller:
        def __init__(self, user, secret):
            self.user, self.secret = user, secret

        def open(self, method, path, **kwargs):
            headers = {"Authorization": f"Bearer {self.secret}", **kwargs.pop("headers", {})}
            return client.open(path, method=method, headers=headers, **kwargs)

        def get(self, path, **kwargs):
            return self.open("GET", path, **kwargs)

        def post(self, path, **kwargs):
            return self.open("POST", path, **kwargs)

        def patch(self, path, **kwargs):
            return self.open("PATCH", path, **kwargs)

        def delete(self, path, **kwargs):
            return self.open("DELETE", path, **kwargs)

    def make(role=Role.MANAGER, scope="write", **fields):
        user = make_user(role, **fields)
        return Caller(user, issue_token(app, user, scope)[1])

    return make


ORGANIZATION = {
    "name": "Fundación Tecnalia",
    "kind": "technology_centre",
    "region": "basque_country",
    "country": "ES",
}
