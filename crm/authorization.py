"""The authorization matrix: which roles may reach each endpoint.

Every endpoint of the app has a row here; ``authorize`` (a ``before_request`` guard) enforces
it, and ``tests/test_authorization.py`` walks every route for every role from this table and
fails when a route has no row. Record-level rules (own / assigned records) are checked by the
views of each area on top of this table.
"""

from flask import abort, current_app, g, request
from flask_login import current_user

from crm.accounts.models import Role
from crm.kinds import kind_of
from crm.security import log_event

PUBLIC = "public"  # reachable without signing in
# A B2B event's participant pages: no Zubia sign-in; the view answers 403 unless the session
# holds an approved registration of that event (crm.public_events).
PARTICIPANT = "participant"
EVERYONE = frozenset(Role)  # every signed-in role
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})


class OwnRecords(frozenset):
    """Every role reaches the route; a point of contact only for records they may edit."""


OWNERS = OwnRecords(Role)


class OwnerOnly(OwnRecords):
    """Every role reaches the route, but only the record's owner may use it, managers too
    (a personal link, e.g. the digest's one-click "Mark done"): the view answers 403."""


OWNER_ONLY = OwnerOnly(Role)


class Api(str):
    """An API route (crm/api): a personal access token authenticates it — never the session
    cookie — and the row of the page route it names applies, so the API and the pages share
    one matrix. crm/api/views.py adds these rows from each collection's ``pages``."""


MATRIX = {
    "static": PUBLIC,
    "main.health": PUBLIC,
    "accounts.login": PUBLIC,
    "accounts.logout": PUBLIC,
    "accounts.set_language": PUBLIC,
    "main.index": EVERYONE,
    "accounts.profile": EVERYONE,
    "accounts.change_password": EVERYONE,
    "accounts.sign_out_everywhere": EVERYONE,
    "admin.users": ADMINS,
    "admin.create_user": ADMINS,
    "admin.edit_user": ADMINS,
    "organizations.index": EVERYONE,
    "organizations.detail": EVERYONE,
    "organizations.create": EVERYONE,
    "organizations.edit": OWNERS,
    "organizations.delete": OWNERS,
    "organizations.add_link": OWNERS,
    "organizations.remove_link": OWNERS,
    "organizations.suggest": EVERYONE,
    "contacts.index": EVERYONE,
    "contacts.detail": EVERYONE,
    "contacts.create": EVERYONE,
    "contacts.edit": OWNERS,
    "contacts.delete": OWNERS,
    "meetings.index": EVERYONE,
    "meetings.detail": EVERYONE,
    "meetings.create": EVERYONE,
    "contacts.options": EVERYONE,
    "meetings.edit": OWNERS,
    "meetings.delete": OWNERS,
    "actions.mine": EVERYONE,
    "actions.index": EVERYONE,
    "actions.create": EVERYONE,
    "actions.edit": OWNERS,
    "actions.set_status": OWNERS,
    "actions.delete": OWNERS,
    "actions.one_click_link": OWNER_ONLY,  # the digest's signed "Mark done" / "Snooze a week"
    "search.index": EVERYONE,
    "trash.index": MANAGERS,
    "trash.restore_record": MANAGERS,
    "trash.purge_record": ADMINS,
    "reminders.preferences": EVERYONE,
    "reminders.sent": EVERYONE,
    "notifications.index": EVERYONE,
    # Each person marks only their own: the view's UPDATE is limited to the signed-in user's
    # rows, so another person's id changes nothing.
    "notifications.read": EVERYONE,
    "notifications.read_all": EVERYONE,
    "reminders.delivery": ADMINS,
    "reminders.retry": ADMINS,
    "reminders.unsubscribe": PUBLIC,  # the signed link is the credential (RFC 8058 one-click)
    "matching.board": EVERYONE,
    "matching.proposals": EVERYONE,
    "matching.accept": EVERYONE,
    "matching.decline": EVERYONE,
    "matching.detail": EVERYONE,
    "matching.move": OWNERS,
    "dashboard.index": EVERYONE,
    "guide.index": EVERYONE,
    "guide.page": EVERYONE,
    "guide.new": EVERYONE,
    "guide.edit": EVERYONE,  # written together: every point of contact may improve any page
    "guide.delete": OWNERS,  # but only its author or a manager removes it
    "programme.agreements": EVERYONE,
    "programme.agreement": EVERYONE,
    "programme.new_agreement": EVERYONE,
    "programme.edit_agreement": OWNERS,
    "programme.delete_agreement": OWNERS,
    "programme.stories": EVERYONE,
    "programme.story": EVERYONE,
    "programme.new_story": EVERYONE,
    "programme.edit_story": OWNERS,
    "programme.delete_story": OWNERS,
    "visits.index": EVERYONE,
    "visits.detail": EVERYONE,
    "visits.create": EVERYONE,
    "visits.edit": OWNERS,
    "visits.delete": OWNERS,
    "visits.add_stop": OWNERS,
    "visits.edit_stop": OWNERS,
    "visits.delete_stop": OWNERS,
    "visits.log_stop": OWNERS,
    "events.index": EVERYONE,
    "events.detail": EVERYONE,
    "events.create": EVERYONE,
    "events.edit": OWNERS,
    "events.delete": OWNERS,
    "events.add_participant": OWNERS,
    "events.edit_participant": OWNERS,
    "events.set_status": OWNERS,
    "events.new_request": EVERYONE,  # requesters offered: the user's own organizations
    "events.decide_request": OWNERS,  # the requested organization's owner or the organizer
    "events.schedule": OWNERS,
    "events.meeting": EVERYONE,
    "events.move_meeting": OWNERS,
    "events.record_outcome": OWNERS,
    "events.open_match": OWNERS,
    "events.print_schedule": EVERYONE,
    # The public side of B2B events (issue 17): the form limits and the mailed links are the
    # guard; a participant's pages check the registration the session holds.
    "public_events.event_page": PUBLIC,
    "public_events.register": PUBLIC,
    "public_events.request_link": PUBLIC,
    "public_events.follow_link": PUBLIC,
    "public_events.sign_out": PUBLIC,
    "public_events.home": PARTICIPANT,
    "public_events.send_request": PARTICIPANT,
    "public_events.answer_request": PARTICIPANT,
    "public_events.availability": PARTICIPANT,
    "public_events.agenda_file": PARTICIPANT,
    "public_events.follow_up": PARTICIPANT,
    "public_events.manage": OWNERS,
    "public_events.decide_registration": OWNERS,
    "public_events.check_in": OWNERS,
    "public_events.attendance": OWNERS,
    "public_events.ask_follow_up": OWNERS,
    # Imports: anyone may import; a run is seen only by its importer and managers.
    "imports.index": EVERYONE,
    "imports.upload": EVERYONE,
    "imports.mapping": OWNERS,
    "imports.preview": OWNERS,
    "imports.confirm": OWNERS,
    "imports.report": OWNERS,
    "imports.report_csv": OWNERS,
    "imports.revert_run": OWNERS,
    # Data out (issue 7): everyone reads every record, so everyone may export what they see.
    "organizations.export": EVERYONE,
    "contacts.export": EVERYONE,
    "contacts.export_vcards": EVERYONE,
    "contacts.vcard_file": EVERYONE,
    "meetings.export": EVERYONE,
    "actions.export": EVERYONE,
    # Finding and merging duplicates rewrites other people's records: managers only.
    "duplicates.index": MANAGERS,
    "duplicates.merge_organizations": MANAGERS,
    "duplicates.merge_contacts": MANAGERS,
    "attachments.upload": OWNERS,  # whoever may edit the record (require_edit)
    "attachments.download": EVERYONE,
    "attachments.delete": OWNERS,
    "calendar.feed": PUBLIC,  # the secret token in the address is the credential
    "calendar.new_feed": EVERYONE,
    "calendar.turn_off": EVERYONE,
    "calendar.meeting_file": EVERYONE,
    # The follow-up pipeline (issue 6): managers review everyone's work and move it when a
    # point of contact leaves; each point of contact sees their own coordination health.
    "pipeline.index": MANAGERS,
    "pipeline.print_view": MANAGERS,
    "pipeline.export": MANAGERS,
    "pipeline.reassign": MANAGERS,
    "pipeline.health": EVERYONE,  # a point of contact sees only their own row
    "pipeline.health_export": EVERYONE,
    # Mail in (issue 15): each person's own sending addresses and participants to review
    # (managers may resolve anyone's); the text of a logged email is hidden by who logged it.
    "mailin.add_address": EVERYONE,
    "mailin.remove_address": OWNER_ONLY,  # the view answers 403 for another's address
    "mailin.reviews_page": EVERYONE,  # each person's own list
    "mailin.create_contact": OWNERS,
    "mailin.link": OWNERS,
    "mailin.dismiss": OWNERS,
    "mailin.set_private": OWNERS,
    "mailin.admin": ADMINS,
    # The integration API (issue 16). Its record routes are added by crm/api/views.py as
    # ``Api`` rows naming the page route whose row applies; these are its own pages.
    "api.openapi": PUBLIC,  # the description of the API holds no data
    "api.docs": PUBLIC,
    "api.tokens": EVERYONE,  # each person's own tokens (the account page)
    "api.create_token": EVERYONE,
    "api.revoke_token": OWNER_ONLY,  # each person revokes their own tokens
    "api.webhooks": ADMINS,
    "api.create_webhook": ADMINS,
    "api.webhook": ADMINS,
    "api.delete_webhook": ADMINS,
    "api.redeliver": ADMINS,
}


def authorize():
    """Let the request through, send it to sign-in, or answer 403, as the matrix says."""
    if request.endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    allowed = MATRIX.get(request.endpoint)
    if isinstance(allowed, Api):
        return authorize_token(allowed)
    if allowed in (PUBLIC, PARTICIPANT):
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if allowed is None or current_user.role not in allowed:
        forbid(f"{request.endpoint} not allowed for {current_user.role}")
    return None


def authorize_token(page):
    """Authenticate an API request by its bearer token and check the page's row for its user:
    their role and state now, not when the token was made (crm/api/tokens.py)."""
    from crm.api.models import Scope
    from crm.api.tokens import authenticate

    login_manager = current_app.login_manager
    login_manager._update_request_context_with_user()  # nobody, whatever cookie came along
    token = authenticate(request.headers.get("Authorization"))
    if token is None:
        log_event("api_unauthenticated", endpoint=request.endpoint)
        abort(401)
    g.api_token = token
    login_manager._update_request_context_with_user(token.user)
    if token.scope is Scope.READ and request.method not in ("GET", "HEAD"):
        forbid(f"{request.endpoint}: token {token.id} may only read")
    allowed = MATRIX[page]
    if allowed != PUBLIC and token.user.role not in allowed:
        forbid(f"{request.endpoint} not allowed for {token.user.role}")
    return None


def may_reach(user, endpoint):
    """Whether the matrix lets ``user`` reach ``endpoint`` (for links: the guard decides)."""
    allowed = MATRIX.get(endpoint)
    if allowed == PUBLIC:
        return True
    if allowed == PARTICIPANT:  # a string: "in" below would test for a substring
        return False
    return user.is_authenticated and allowed is not None and user.role in allowed


def forbid(reason):
    """Log an authorization failure and answer 403."""
    log_event("forbidden", user_id=getattr(current_user, "id", None), reason=reason)
    abort(403)


def editor_ids(record):
    """The users who may edit ``record`` besides managers and admins, as its kind declares
    (crm.kinds: by default its owner). The kind's ``editor_loads`` must be loaded by the view.
    """
    return kind_of(record).editors(record)


def can_edit(user, record):
    return user.is_manager or user.id in editor_ids(record)


def require_edit(record):
    """403 unless the signed-in user may change ``record`` (SEC-5)."""
    if not can_edit(current_user, record):
        forbid(f"{type(record).__name__} {record.id} not editable by user {current_user.id}")
