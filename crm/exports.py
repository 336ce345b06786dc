"""CSV exports that spreadsheet programs open safely (SEC-10).

Every export goes through ``csv_response``: UTF-8 with a byte-order mark (so Excel shows
Japanese text correctly), one audit row naming who exported what with which filters (DATA-5),
and every text cell neutralised against formula injection.
"""

import csv
import enum
import io
import re
from datetime import date, datetime

from flask import Response, stream_with_context
from flask_babel import get_locale, get_timezone
from flask_login import current_user

from crm.audit.services import plain, record
from crm.clock import now_utc
from crm.extensions import db

BOM = "\ufeff"
# A spreadsheet reads a cell starting with one of these as a formula (or as a control
# character that makes the next one start it); leading spaces do not stop it.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
# ... except a plain number: a phone number in international form ("+34 944 00 90 02") or a
# signed amount runs nothing, and a prefix would stay in the cell and break the way back in.
PLAIN_NUMBER = re.compile(r"[+\-]?\d[\d .\-/]*")
BATCH = 500


def neutralise(value):
    """The text of one cell, prefixed with ``'`` when a spreadsheet would evaluate it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, enum.Enum):
        value = getattr(value, "label", value.value)
    elif isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if runs_as_formula(text) else text


def runs_as_formula(text):
    stripped = text.lstrip(" ")
    if text.startswith(FORMULA_TRIGGERS) or stripped.startswith(FORMULA_TRIGGERS):
        return not PLAIN_NUMBER.fullmatch(stripped)
    return False


def csv_chunks(header, rows):
    """The file as text chunks: the BOM and header first, then ``BATCH`` rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(str(cell)) for cell in header])
    yield BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for number, row in enumerate(rows, start=1):
        writer.writerow([neutralise(cell) for cell in row])
        if number % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def record_export(name, filters):
    """Write the export's history row (who, what, with which filters) and commit it (DATA-5).

    Filters left empty are not worth keeping; values become plain JSON. The reader's language
    and time zone are settled first: once committed, the signed-in user's row is expired and
    the rows that stream afterwards cannot read it.
    """
    get_locale(), get_timezone()
    kept = {k: plain(v) for k, v in (filters or {}).items() if v not in (None, "", False)}
    record("export", name, None, actor=current_user, changes={"filters": kept})
    db.session.commit()


def csv_response(name, header, rows, *, filters=None):
    """Stream ``rows`` as ``<name>-<date>.csv`` after recording the export in the history.

    ``rows`` may be a lazy iterable (a query result): it is read while the response streams,
    inside the request context.
    """
    record_export(name, filters)
    filename = f"{name}-{now_utc():%Y-%m-%d}.csv"
    return Response(
        stream_with_context(csv_chunks(header, rows)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def export_list(name, statement, columns, *, filters=None):
    """Every row of a list page's ``statement`` (its filters and order, all pages) as CSV.

    ``columns`` is a sequence of ``(header, value_of(item))``. The query runs only when the
    response streams, ``BATCH`` rows at a time: the statement's eager loaders run once per
    batch and memory stays flat however long the list is.
    """
    return csv_response(
        name, [header for header, _ in columns], _rows(statement, columns), filters=filters
    )


def _rows(statement, columns):
    for item in stream(statement):
        yield [value_of(item) for _, value_of in columns]


def stream(statement):
    """The records of ``statement``, read ``BATCH`` at a time when the caller iterates."""
    yield from db.session.scalars(statement.execution_options(yield_per=BATCH))
