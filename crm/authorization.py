"""The authorization matrix: which roles may reach each endpoint.

Every endpoint of the app has a row here; ``authorize`` (a ``before_request`` guard) enforces
it, and ``tests/test_authorization.py`` walks every route for every role from this table and
fails when a route has no row. Record-level rules (own / assigned records) are checked by the
views of each area on top of this table.
"""

from flask import abort, current_app, request
from flask_login import current_user

from crm.accounts.models import Role
from crm.security import log_event

PUBLIC = "public"  # reachable without signing in
EVERYONE = frozenset(Role)  # every signed-in role
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})

MATRIX = {
    "static": PUBLIC,
    "main.health": PUBLIC,
    "accounts.login": PUBLIC,
    "accounts.logout": PUBLIC,
    "accounts.set_language": PUBLIC,
    "main.index": EVERYONE,
    "accounts.profile": EVERYONE,
    "accounts.change_password": EVERYONE,
    "admin.users": ADMINS,
    "admin.create_user": ADMINS,
    "admin.edit_user": ADMINS,
}


def authorize():
    """Let the request through, send it to sign-in, or answer 403, as the matrix says."""
    if request.endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    allowed = MATRIX.get(request.endpoint)
    if allowed == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if allowed is None or current_user.role not in allowed:
        forbid(f"{request.endpoint} not allowed for {current_user.role}")
    return None


def forbid(reason):
    """Log an authorization failure and answer 403."""
    log_event("forbidden", user_id=getattr(current_user, "id", None), reason=reason)
    abort(403)
