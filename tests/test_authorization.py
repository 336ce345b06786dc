"""TEST-1 / SEC-5: every route, for every role, against the matrix in crm/authorization.py.

Routes on one record are walked with a record the user owns, one somebody else owns, and one
in the trash (404 for everyone outside the trash pages).
"""

import enum
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from crm import create_app
from crm.accounts.models import Role, User
from crm.audit.models import AuditEvent
from crm.authorization import MATRIX, PARTICIPANT, PUBLIC, Api, OwnerOnly, OwnRecords
from crm.extensions import db
from tests.api.factories import api_token, webhook_delivery, webhook_endpoint
from tests.attachments.factories import make_attachment
from tests.calendar.factories import feed_token
from tests.events.factories import event_record
from tests.imports.factories import import_run
from tests.mailin.factories import address_of, review_of
from tests.public_events.factories import walk_records
from tests.visits.factories import make_stop, make_visit

PARTICIPANT_PRINCIPAL = "participant"  # a B2B event's registrant, by a mailed link's session
ROLES = [None, *Role, PARTICIPANT_PRINCIPAL]  # None: not signed in
PARAM = re.compile(r"<(?:[^:>]+:)?([^>]+)>")


def routes():
    """Every page route; the API's routes (token, not session) have their own walk in
    tests/api/test_api_authorization.py."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and not isinstance(MATRIX.get(rule.endpoint), Api)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    )


def test_every_route_has_a_row_in_the_matrix():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - MATRIX.keys() == set(), "routes without an authorization row"
    assert MATRIX.keys() - endpoints == set(), "matrix rows for routes that do not exist"


@pytest.fixture
def build(records, make_user, app):
    """``build(path, owner)`` fills the path's parameters with records owned by ``owner``."""
    from crm.organizations import services
    from crm.organizations.models import LinkKind, Organization

    def public(owner, org, upto):
        value, registrant, request_id = walk_records(app, owner, org, upto)
        fill.registrant = registrant  # whom a participant principal is, on this path
        fill.request = request_id  # a request sent to them
        return value

    def fill(path, owner, deleted=False):
        values = {}
        names = PARAM.findall(path)
        org = records.org(owner)
        if "link_id" in names:
            other = records.org(owner, name="Mie University")
            with app.test_request_context():
                source, target = (
                    db.session.get(Organization, org),
                    db.session.get(Organization, other),
                )
                link = services.add_link(
                    source,
                    target,
                    {"kind": LinkKind.PARTNER_OF},
                    actor=db.session.get(User, owner.id),
                )
                db.session.commit()
                values["link_id"] = link.id
        makers = {
            "organization_id": lambda: org,
            "contact_id": lambda: records.contact(owner, org),
            "meeting_id": lambda: records.meeting(owner, [org]),
            "action_id": lambda: records.action(owner, organization_id=org),
            "user_id": lambda: make_user().id,
            "kind": lambda: "organization",
            "record_id": lambda: trashed_org(owner),
            "message_id": lambda: outbox_row(owner),
            "notification_id": lambda: notification_of(owner, org),
            "match_id": lambda: match_of(owner, org),
            "event_id": lambda: event_record(app, owner, org, "event"),
            "participant_id": lambda: event_record(app, owner, org, "participant"),
            "request_id": lambda: event_record(app, owner, org, "request"),
            "b2b_id": lambda: event_record(app, owner, org, "b2b"),
            "visit_id": lambda: make_visit(app, owner, org),
            "stop_id": lambda: make_stop(app, owner, org),
            "slug": lambda: guide_page(owner),
            "run_id": lambda: import_run(app, owner),
            "other_organization_id": lambda: records.org(owner, name="Tecnalia"),
            "other_contact_id": lambda: records.contact(owner, org, given_name="Miren"),
            "attachment_id": lambda: make_attachment(app, owner, org),
            "token": lambda: feed_token(app, owner),
            "unsubscribe_token": lambda: unsubscribe_token(owner),
            "listing": lambda: "quiet",
            "ticket": lambda: one_click_ticket(owner, org),
            "review_id": lambda: review_of(app, records, owner, org),
            "address_id": lambda: address_of(app, owner),
            "token_id": lambda: api_token(app, owner),
            "endpoint_id": lambda: webhook_endpoint(app, owner),
            "delivery_id": lambda: webhook_delivery(app, owner),
            "event_slug": lambda: public(owner, org, "event_slug"),
            "registration_id": lambda: public(owner, org, "registration_id"),
            "link_token": lambda: public(owner, org, "link_token"),
        }
        for name in names:
            if name not in values:
                maker = makers.get(name)
                values[name] = maker() if maker else any_record(name.removesuffix("_id"), owner)
        if deleted:
            trash_all(values, owner)
        return PARAM.sub(lambda m: str(values[m.group(1)]), path)

    def guide_page(owner):
        from crm.guide.models import GuidePage

        with app.app_context():
            slug = f"etiquette-{owner.id}"
            # The every-page walk builds several guide paths for one owner: one page serves all.
            if db.session.scalar(select(GuidePage.slug).where(GuidePage.slug == slug)) is None:
                db.session.add(GuidePage(slug=slug, title="Etiquette", owner_id=owner.id))
                db.session.commit()
            return slug

    def any_record(kind_name, owner):
        """A record of a registered kind the walk has no maker for: its required columns filled
        with a plain value of their type, owned by ``owner`` when the kind has owners."""
        from crm.kinds import kind_named

        model = kind_named(kind_name).model
        values = {"owner_id": owner.id} if "owner_id" in model.__table__.c else {}
        for column in model.__table__.c:
            if column.nullable or column.primary_key or column.default or column.server_default:
                continue
            assert not column.foreign_keys, f"the walk needs a maker for {kind_name}_id"
            values[column.name] = plain(column.type.python_type)
        with app.app_context():
            item = model(**values)
            db.session.add(item)
            db.session.commit()
            return item.id

    def match_of(owner, org):
        from crm.matching.models import Match

        partner = records.org(owner, name="Mie University", region="mie", country="JP")
        with app.app_context():
            match = Match(basque_id=org, mie_id=partner, owner_id=owner.id, reasons={})
            db.session.add(match)
            db.session.commit()
            return match.id

    def notification_of(owner, org):
        from crm.notifications.models import Notification, NotificationKind

        with app.app_context():
            row = Notification(
                recipient_id=owner.id,
                kind=NotificationKind.CHANGED,
                entity_type="organization",
                entity_id=org,
            )
            db.session.add(row)
            db.session.commit()
            return row.id

    def one_click_ticket(owner, org):
        """A digest's "Mark done" link for an action of ``owner``."""
        from crm.actions.models import Action
        from crm.actions.oneclick import make_ticket
        from crm.clock import now_utc

        action_id = records.action(owner, organization_id=org)
        with app.app_context():
            return make_ticket(db.session.get(Action, action_id), "done", now_utc())

    def outbox_row(owner):
        from crm.reminders.models import OutboxMessage

        with app.app_context():
            row = OutboxMessage(
                dedupe_key=f"test:{owner.id}", kind="nudge", recipient_id=owner.id, status="failed"
            )
            db.session.add(row)
            db.session.commit()
            return row.id

    def unsubscribe_token(owner):
        from crm.reminders.models import Kind
        from crm.reminders.unsubscribe import token

        with app.app_context():
            return token(owner, Kind.VISIT)

    def trashed_org(owner):
        org = records.org(owner, name="Trashed")
        trash_all({"organization_id": org}, owner)
        return org

    def trash_all(values, owner):
        from crm.kinds import kind_named
        from crm.trash.services import move_to_trash

        with app.test_request_context():
            for name, value in values.items():
                kind = kind_named(name.removesuffix("_id"))
                if kind and kind.trashable:
                    item = db.session.get(kind.model, value)
                    if not item.is_deleted:
                        move_to_trash(item, actor=db.session.get(User, owner.id))
            db.session.commit()

    fill.app = app
    return fill


def plain(kind):
    """A value of the Python type ``kind``: an enum's first member, a date, a word..."""
    if issubclass(kind, enum.Enum):
        return next(iter(kind))
    return {
        str: "Sample",
        int: 1,
        bool: False,
        date: date(2026, 1, 1),
        datetime: datetime(2026, 1, 1, tzinfo=UTC),
    }[kind]


def audit_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


def expect(endpoint, role, owns):
    allowed = MATRIX[endpoint]
    if allowed == PUBLIC:
        return "allowed"
    if allowed == PARTICIPANT:  # the registrant of the path's event; of another, refused
        return "allowed" if role == PARTICIPANT_PRINCIPAL and owns else "forbidden"
    if role == PARTICIPANT_PRINCIPAL:
        return "sign-in"
    if role is None:
        return "sign-in"
    if isinstance(allowed, OwnerOnly) and not owns:
        return "forbidden"
    if isinstance(allowed, OwnRecords) and role is Role.POINT_OF_CONTACT and not owns:
        return "forbidden"
    return "allowed" if role in allowed else "forbidden"


CASES = [
    (endpoint, method, path, owns)
    for endpoint, method, path in routes()
    for owns in ((True, False) if PARAM.search(path) and "trash." not in endpoint else (True,))
]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: getattr(r, "value", r) or "anonymous")
@pytest.mark.parametrize(
    ("endpoint", "method", "path", "owns"),
    CASES,
    ids=[f"{e}-{m}-{'own' if o else 'others'}" for e, m, _, o in CASES],
)
def test_route_follows_the_matrix(
    app, client, login, make_user, build, endpoint, method, path, owns, role
):
    user = login(role) if isinstance(role, Role) else None
    owner = user if (owns and user is not None) else make_user()
    url = build(path, owner)
    if role == PARTICIPANT_PRINCIPAL:
        hold_registration(app, client, make_user, build, owns)
    before = audit_count(app)
    response = client.open(url, method=method, data={})
    outcome = expect(endpoint, role, owns)
    if outcome == "sign-in":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    elif outcome == "forbidden":
        assert response.status_code == 403
        assert audit_count(app) == before, "a refused request wrote something"
    else:
        assert response.status_code not in (401, 403, 404, 500), response.status_code
        assert not response.headers.get("Location", "").startswith("/login?")


def hold_registration(app, client, make_user, build, owns):
    """The browser holds the approved registration of the path's event, or, when not
    ``owns``, one of another event."""
    from crm.public_events.models import Registrant

    registrant = getattr(build, "registrant", None)
    if registrant is None or not owns:
        stranger = make_user()
        _slug, registrant, _request = walk_records(
            app, stranger, records_org(app, stranger), "event_slug"
        )
    with app.app_context():
        event_id = db.session.get(Registrant, registrant).event_id
    with client.session_transaction() as session:
        session["b2b"] = {str(event_id): registrant}


def records_org(app, owner):
    from tests.events.factories import new_org

    with app.test_request_context():
        org = new_org(db.session.get(User, owner.id), "Another Event Firm")
        db.session.commit()
        return org.id


RECORD_ROUTES = [
    (endpoint, method, path)
    for endpoint, method, path in routes()
    if re.search(r"<id:(organization|contact|meeting|action)_id>", path)
]


@pytest.mark.parametrize(("endpoint", "method", "path"), RECORD_ROUTES)
def test_a_record_in_the_trash_is_404_outside_the_trash(
    client, login, build, endpoint, method, path
):
    manager = login(Role.MANAGER)
    response = client.open(build(path, manager, deleted=True), method=method, data={})
    assert response.status_code == 404
