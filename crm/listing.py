"""Server-side paging, sorting and filtering shared by the list pages."""

from flask import request

from crm.extensions import db

MAX_PAGE = 100_000
MAX_PER_PAGE = 100


def int_arg(name, default, low, high):
    """A query-string integer clamped to [low, high]; anything unreadable gives the default."""
    raw = request.args.get(name, "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        return default
    return min(max(int(raw), low), high)


def paginate(statement, per_page=25):
    """One page of ``statement`` (page and per_page from the query string, clamped)."""
    return db.paginate(
        statement,
        page=int_arg("page", 1, 1, MAX_PAGE),
        per_page=int_arg("per_page", per_page, 1, MAX_PER_PAGE),
        error_out=False,
        count=True,
    )


def sort_arg(allowed, default):
    """The ORDER BY for ``?sort=key`` or ``?sort=-key``; keys outside ``allowed`` are ignored."""
    raw = request.args.get("sort", default)
    key = raw.removeprefix("-")
    if key not in allowed:
        raw, key = default, default.removeprefix("-")
    columns = allowed[key]
    columns = columns if isinstance(columns, tuple) else (columns,)
    descending = raw.startswith("-")
    return raw, [c.desc() if descending else c.asc() for c in columns]


def choice_arg(name, enum_class):
    """``?name=value`` as a member of ``enum_class``, or None."""
    try:
        return enum_class(request.args.get(name, ""))
    except ValueError:
        return None


def query_args(**changes):
    """The current query string with some arguments changed (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return args
