"""The integration API under /api/v1 (JSON, personal access tokens), and the pages that manage
it: tokens on the account page, webhook endpoints for admins (crm/api/pages.py)."""

import contextlib
import hashlib
import time

from flask import current_app, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from crm.api import idempotency, listing, problems, schema
from crm.api.blueprint import bp
from crm.api.models import IdempotentRequest
from crm.api.problems import (
    BadBody,
    BadQuery,
    Invalid,
    NotFoundProblem,
    Precondition,
    Stale,
    Unsupported,
)
from crm.api.resources import RESOURCES, is_record, shown_columns
from crm.authorization import MATRIX, Api, require_edit
from crm.converters import MAX_ID
from crm.editing import Refused, sent_values
from crm.extensions import csrf, db, limiter
from crm.kinds import kind_of
from crm.matching.services import StageRefused
from crm.trash.services import RestoreRefused, move_to_trash, restore

PREFIX = "/api/v1"
READ_ONLY = {"id", "version", "created_at", "updated_at", "url"}


def api_limit():
    return current_app.config["API_RATE_LIMIT"]


def token_key():
    """Rate limits count per token (its hash: the secret never reaches the limiter's store)."""
    header = request.headers.get("Authorization", "")
    if header:
        return "token:" + hashlib.sha256(header.encode()).hexdigest()
    return "address:" + (request.remote_addr or "unknown")


limited = limiter.shared_limit(api_limit, scope="api", key_func=token_key)


def api_route(rule, endpoint, view, methods, page):
    """Register an API view: rate limited per token, CSRF-exempt (a token is no cookie), and
    under the matrix row of ``page``, the page route that does the same (crm.authorization)."""
    if page not in MATRIX:
        raise KeyError(f"{endpoint}: no matrix row for the page route {page}")
    view = limited(view)
    csrf.exempt(view)
    bp.add_url_rule(PREFIX + rule, endpoint, view, methods=methods)
    MATRIX[f"api.{endpoint}"] = Api(page)


@bp.after_app_request
def rate_limit_headers(response):
    if request.path.startswith("/api/"):
        current = limiter.current_limit
        if current is not None:
            # The limiter's own clock (real time), not crm.clock's: its windows are real.
            reset = max(0, int(current.reset_at - time.time()))
            response.headers["RateLimit-Limit"] = str(current.limit.amount)
            response.headers["RateLimit-Remaining"] = str(max(0, current.remaining))
            response.headers["RateLimit-Reset"] = str(reset)
        response.headers["Cache-Control"] = "no-store"
    return response


# --- representing records -------------------------------------------------------------------


def output_fields(resource):
    """``[(name, kind)]`` a writable collection shows from its form (cached for the request)."""
    cache = g.setdefault("api_fields", {})
    if resource.path not in cache:
        form = resource.schema_form()(formdata=None, meta=schema.NO_CSRF)
        cache[resource.path] = [(f.short_name, schema.kind_of_field(f)) for f in
                                schema.edited_fields(form)]  # fmt: skip
    return cache[resource.path]


def represent(resource, item):
    data = {"id": item.id}
    if resource.writable:
        for name, kind in output_fields(resource):
            getter = resource.values.get(name)
            value = getter(item) if getter else getattr(item, name, None)
            data[name] = schema.plain_json(schema.as_kind(kind, value))
    else:
        for column in shown_columns(resource):
            data[column.name] = schema.plain_json(getattr(item, column.key))
    for name, (_schema, getter) in resource.extra.items():
        data[name] = schema.plain_json(getter(item))
    if is_record(resource):
        data.update(
            version=item.version,
            created_at=schema.plain_json(item.created_at),
            updated_at=schema.plain_json(item.updated_at),
        )
    data["url"] = url_for(f"api.{resource.name}_read", item_id=item.id, _external=True)
    return data


def etag(item):
    return f'"{item.version}"'


def one(resource, item, status=200, headers=None):
    response = current_app.json.response(represent(resource, item))
    response.status_code = status
    if is_record(resource):
        response.headers["ETag"] = etag(item)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


# --- loading ---------------------------------------------------------------------------------


def options(resource):
    found = list(resource.loads)
    with contextlib.suppress(KeyError):  # sectors and users are no record kinds
        found.extend(kind_of(resource.model).editor_options())
    return found


def load(resource, item_id, *, trashed=False):
    if not 1 <= item_id <= MAX_ID:  # a larger id cannot exist (PostgreSQL ``integer``)
        raise NotFoundProblem
    model = resource.model
    statement = (
        select(model)
        .where(model.id == item_id)
        .options(*options(resource))
        .execution_options(populate_existing=True)  # fresh after a save, with what it shows
    )
    if resource.trashable:
        wanted = model.deleted_at.is_not(None) if trashed else model.deleted_at.is_(None)
        statement = statement.where(wanted)
    item = db.session.scalar(statement)
    if item is None:
        raise NotFoundProblem
    return item


# --- writing ---------------------------------------------------------------------------------


def list_view(resource):
    items, following = listing.page(resource, options(resource))
    body = {"data": [represent(resource, item) for item in items], "next": None}
    if following is not None:
        body["next"] = url_for(request.endpoint, _external=True, **following)
    return body


def json_body():
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        raise Unsupported
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadBody
    return body


def formdata(form, body, base, *, extra=()):
    """The form's posted data: ``base`` (what the stored record or a new one sends) with the
    JSON ``body`` on top, and the problems of values of the wrong type or unknown names."""
    data, errors = MultiDict(base), {}
    fields = {field.short_name: field for field in schema.writable_fields(form)}
    for name, value in body.items():
        if name in READ_ONLY or name in extra:
            continue
        field = fields.get(name)
        if field is None:
            errors[name] = [_("Unknown field, or one your role may not set.")]
        elif schema.kind_of_field(field) == schema.ROWS:
            for key, item in schema.rows_posted(field, value, errors):
                data.add(key, item)
        else:
            try:
                data.setlist(field.name, schema.posted(field, value))
            except ValueError as error:
                errors[name] = [str(error)]
    return data, errors


def base_values(form):
    base = MultiDict()
    for field in schema.edited_fields(form):
        base.setlist(field.name, sent_values(field))
    return base


def validated(form_class_or_builder, body, base_form, *, extra=(), **kwargs):
    data, errors = formdata(base_form, body, base_values(base_form), extra=extra)
    if errors:
        raise Invalid(errors)
    form = form_class_or_builder(formdata=data, meta=schema.NO_CSRF, **kwargs)
    if not form.validate():
        raise Invalid(problems.field_problems(form))
    return form


def create_view(resource):
    body = json_body()
    key = idempotency.idempotency_key()
    if key and (earlier := idempotency.remembered(key, body)) is not None:
        return earlier
    form_class = resource.form_class()
    blank = form_class(formdata=None, meta=schema.NO_CSRF, data=new_defaults(resource))
    flags = (ALLOW_DUPLICATE,) if resource.duplicates else ()
    form = validated(form_class, body, blank, extra=flags, data=new_defaults(resource))
    if resource.duplicates and (refusal := duplicate_refusal(resource, form, body)):
        return refusal
    try:
        item = resource.create(form)
        db.session.flush()
    except Refused as refusal:
        db.session.rollback()
        raise Invalid({refusal.field or "": [refusal.message]}) from None
    item = load_fresh(resource, item.id)
    location = url_for(f"api.{resource.name}_read", item_id=item.id, _external=True)
    if key:
        db.session.add(
            IdempotentRequest(
                token_id=g.api_token.id,
                key=key,
                fingerprint=idempotency.fingerprint(body),
                status=201,
                body=represent(resource, item),
                location=location,
            )
        )
    try:
        db.session.commit()
    except IntegrityError:  # the same key, at the same time, from another request: it won
        db.session.rollback()
        if key and (earlier := idempotency.remembered(key, body)) is not None:
            return earlier
        raise
    return one(resource, item, 201, {"Location": location})


ALLOW_DUPLICATE = "allow_duplicate"


def duplicate_refusal(resource, form, body):
    """409 naming the likely duplicates, as the page shows them, unless the body says to
    create it anyway."""
    allowed = body.get(ALLOW_DUPLICATE, False)
    if not isinstance(allowed, bool):
        raise Invalid({ALLOW_DUPLICATE: [_("Expected true or false.")]})
    found = [] if allowed else resource.duplicates(form)
    if not found:
        return None
    return problems.problem(
        409,
        _("Likely duplicates exist; send allow_duplicate: true to create it anyway."),
        kind="likely-duplicate",
        duplicates=[
            url_for(f"api.{resource.name}_read", item_id=item.id, _external=True) for item in found
        ],
    )


def new_defaults(resource):
    """What the page's "new" form starts from: the user owns and attends what they create."""
    return {"owner_id": current_user.id, "attendee_ids": [current_user.id]}


def load_fresh(resource, item_id):
    return load(resource, item_id)


def require_if_match():
    """428 without If-Match, whether or not the record exists."""
    if not request.headers.get("If-Match"):
        raise Precondition(428)


def if_match(item):
    """412 (with the record as it is) when If-Match names another version."""
    if request.if_match.is_strong(str(item.version)) or request.if_match.star_tag:
        return
    if request.if_match.contains_weak(str(item.version)):
        return
    raise Stale(item)


def stale(resource, item_id):
    db.session.rollback()
    return Stale(load(resource, item_id))


def update_view(resource, item_id):
    """Check the body as the form would, then the version (If-Match), then save."""
    body = json_body()
    require_if_match()
    item = load(resource, item_id)
    require_edit(item)
    moves = checked_moves(resource, body)
    form = None
    if resource.writable:
        stored = resource.edit_form(item, formdata=None, meta=schema.NO_CSRF)
        fields = {name: value for name, value in body.items() if name not in moves}
        data, errors = formdata(stored, fields, base_values(stored), extra=resource.moves)
        if errors:
            raise Invalid(errors)
        form = resource.edit_form(item, formdata=data, meta=schema.NO_CSRF)
        if not form.validate():
            raise Invalid(problems.field_problems(form))
    else:
        unknown = set(body) - set(resource.moves) - READ_ONLY - {"reason"}
        if unknown:
            message = _("Unknown field, or one your role may not set.")
            raise Invalid({name: [message] for name in sorted(unknown)})
    if_match(item)
    try:
        if form is not None:
            resource.update(item, form)
        for name, value in moves.items():
            apply_move(resource, item, name, value, body)
        db.session.flush()
        db.session.commit()
    except StaleDataError:  # another save won between our check and our UPDATE
        raise stale(resource, item_id) from None
    except Refused as refusal:
        db.session.rollback()
        raise Invalid({refusal.field or "": [refusal.message]}) from None
    return one(resource, load_fresh(resource, item_id))


def checked_moves(resource, body):
    """The values of the fields the form does not hold (an action's status, a match's stage)."""
    moves, errors = {}, {}
    for name in resource.moves:
        if name in body:
            if body[name] not in MOVE_SCHEMAS[resource.path][name]["enum"]:
                errors[name] = [_("Not one of the allowed values.")]
            moves[name] = body[name]
    reason = body.get("reason")
    if "stage" in resource.moves and not (reason is None or (isinstance(reason, str)
                                                           and len(reason) <= 300)):  # fmt: skip
        errors["reason"] = [_("Expected a string of at most 300 characters.")]
    if errors:
        raise Invalid(errors)
    return moves


def apply_move(resource, item, name, value, body):
    handler = resource.moves[name]
    try:
        handler(item, value, body)
    except StageRefused:
        db.session.rollback()
        message = _("Say why: going back a stage or closing a match needs a reason.")
        raise Invalid({"reason": [message]}) from None


def move_schemas():
    from crm.actions.models import Status
    from crm.matching.models import Stage

    return {
        "actions": {"status": {"type": "string", "enum": [s.value for s in Status]}},
        "matches": {
            "stage": {"type": "string", "enum": [s.value for s in Stage]},
        },
    }


MOVE_SCHEMAS = move_schemas()


def delete_view(resource, item_id):
    require_if_match()
    item = load(resource, item_id)
    require_edit(item)
    if_match(item)
    try:
        move_to_trash(item, actor=current_user)
        db.session.commit()
    except StaleDataError:
        raise stale(resource, item_id) from None
    return "", 204


def restore_view(resource, item_id):
    item = load(resource, item_id, trashed=True)
    try:
        restore(item, actor=current_user)
        db.session.commit()
    except RestoreRefused as refusal:
        db.session.rollback()
        return problems.problem(409, str(refusal), kind="restore-refused")
    return one(resource, load_fresh(resource, item_id))


def read_view(resource, item_id):
    return one(resource, load(resource, item_id))


# --- routes ----------------------------------------------------------------------------------


def handled(view):
    """Turn the API's own exceptions into problem details."""

    def run(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except NotFoundProblem:
            return problems.problem(404)
        except Unsupported:
            return problems.problem(415)
        except BadBody:
            return problems.problem(400, _("Send a JSON object."))
        except BadQuery as error:
            return problems.problem(400, str(error), kind="bad-query", errors=error.errors)
        except Invalid as error:
            db.session.rollback()
            return problems.invalid(error.errors)
        except Precondition:
            return problems.problem(428, _("Send If-Match with the record's ETag."))
        except Stale as error:
            resource = kwargs["resource"]
            response = problems.problem(
                412,
                _("Someone changed this record after the version you sent: nothing was saved."),
                kind="stale",
                current=represent(resource, error.item),
            )
            response.headers["ETag"] = etag(error.item)
            return response

    run.__name__ = view.__name__
    return run


def _bind(view, resource):
    def bound(**kwargs):
        return handled(view)(resource=resource, **kwargs)

    bound.__name__ = f"{resource.name}_{view.__name__}"
    return bound


VERBS = (  # verb, rule, methods, view
    ("list", "", ["GET"], list_view),
    # Any integer, so that 0 or a huge id is a 404 of the API rather than a routing miss.
    ("read", "/<int(signed=True):item_id>", ["GET"], read_view),
    ("create", "", ["POST"], create_view),
    ("update", "/<int(signed=True):item_id>", ["PATCH"], update_view),
    ("delete", "/<int(signed=True):item_id>", ["DELETE"], delete_view),
    ("restore", "/<int(signed=True):item_id>/restore", ["POST"], restore_view),
)


def offered(resource, verb):
    if verb in ("list", "read"):
        return True
    if verb == "update":
        return resource.writable or bool(resource.moves)
    return resource.writable


for _resource in RESOURCES:
    for _verb, _rule, _methods, _view in VERBS:
        if offered(_resource, _verb):
            api_route(
                f"/{_resource.path}{_rule}",
                f"{_resource.name}_{_verb}",
                _bind(_view, _resource),
                _methods,
                _resource.pages[_verb],
            )
