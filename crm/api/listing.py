"""Lists of the API: filters, sorting and cursor pagination."""

import base64
import json
from datetime import date, datetime

from flask import request
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from crm.api import schema
from crm.api.problems import BadQuery
from crm.extensions import db

PAGE_SIZE, MAX_PAGE_SIZE = 50, 100


def encode_cursor(sort, value, item_id):
    raw = json.dumps([sort, schema.plain_json(value), item_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text, sort, column):
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        name, value, item_id = json.loads(raw)
        if name != sort or not isinstance(item_id, int):
            raise ValueError
        return typed(column, value), item_id
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadQuery("cursor", _("This cursor is not valid for this list.")) from error


def typed(column, value):
    python = column.type.python_type
    if value is None:
        raise ValueError
    if python is datetime:
        return datetime.fromisoformat(value)
    if python is date:
        return date.fromisoformat(value)
    if python is int:
        if not isinstance(value, int):
            raise ValueError
        return value
    if isinstance(value, str):
        enum_class = getattr(column.type, "enum_class", None)
        return enum_class(value) if enum_class else value
    raise ValueError


def query_value(name, spec):
    raw = request.args.get(name, "")
    kind = spec.get("type")
    if kind == "integer":
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 2**31 - 1:
            raise BadQuery(name, _("Expected a whole number."))
        return int(raw)
    if spec.get("format") == "date-time":
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise BadQuery(name, _("Expected a date and time (ISO 8601).")) from None
        if value.tzinfo is None:
            raise BadQuery(name, _("Give the time zone (Z or +09:00)."))
        return value
    if "enum" in spec and raw not in spec["enum"]:
        raise BadQuery(name, _("Not one of the allowed values."))
    if len(raw) > spec.get("maxLength", 200):
        raise BadQuery(name, _("Too long."))
    return raw


def page(resource, options):
    """The records of the page the query string asks for, and the query string of the next
    page (None on the last). Keyset pagination on (sort key, id): a record added or removed
    meanwhile neither repeats another nor pushes one off a page."""
    model = resource.model
    statement = select(model)
    if resource.trashable:
        statement = statement.where(model.deleted_at.is_(None))
    for name, spec in resource.filters.items():
        if name in request.args:
            statement = statement.where(spec.clause(query_value(name, spec.schema)))
    sort = request.args.get("sort", resource.default_sort)
    descending = sort.startswith("-")
    if sort.lstrip("-") not in resource.sorts:
        raise BadQuery("sort", _("Not one of the allowed values."))
    column = resource.sorts[sort.lstrip("-")]
    limit = request.args.get("limit", str(PAGE_SIZE))
    if not limit.isascii() or not limit.isdigit() or not 1 <= int(limit) <= MAX_PAGE_SIZE:
        raise BadQuery("limit", _("Expected a whole number from 1 to 100."))
    limit = int(limit)
    if "cursor" in request.args:
        value, last_id = decode_cursor(request.args["cursor"], sort, column)
        after = column < value if descending else column > value
        same = and_(column == value, (model.id < last_id) if descending else (model.id > last_id))
        statement = statement.where(or_(after, same))
    order = (column.desc(), model.id.desc()) if descending else (column, model.id)
    statement = statement.order_by(*order).limit(limit + 1).options(*options)
    items = db.session.scalars(statement).unique().all()
    if len(items) <= limit:
        return items, None
    last = items[limit - 1]
    args = request.args.to_dict()
    args["cursor"] = encode_cursor(sort, getattr(last, column.key), last.id)
    return items[:limit], args
