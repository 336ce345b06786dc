"""The one edit flow every edited record goes through (DATA-1).

An edit form carries the version it was loaded from and a fingerprint of every field as it was
then. A save made on an older version than the stored one, or one that loses the race to
another save (both passed the check, the second UPDATE finds no row: ``StaleDataError``), is
refused with the conflict page: every field the form edits, side by side, what you typed and
what was saved meanwhile, by whom and when. The form on that page keeps what you changed and
takes the stored value of every field you did not touch, and it is made against the version
shown, so that saving it again never reverts someone else's change.
"""

import hashlib
import json
from dataclasses import dataclass

from flask import flash, redirect, render_template, request
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from wtforms import BooleanField, FieldList, FormField, SubmitField
from wtforms.csrf.core import CSRFTokenField

from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.kinds import kind_of
from crm.records import EditConflict, check_version


class Refused(Exception):
    """The service refused the save; the message goes next to ``field`` (or above the form)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


BOOKKEEPING = ("csrf_token", "version", "loaded")


def edited_fields(form):
    """The fields a person edits: not the bookkeeping, not lists of rows added on the spot."""
    skipped = (CSRFTokenField, SubmitField, FieldList, FormField)
    return [
        field
        for field in form
        if field.name not in BOOKKEEPING
        and not isinstance(field, skipped)
        and field.name not in getattr(form, "not_compared", ())
    ]


def sent_values(field):
    """What a browser sends for ``field`` as the form shows it now, normalised for comparing."""
    if isinstance(field, BooleanField):
        values = ["y"] if field.data else []
    elif hasattr(field, "iter_choices"):
        values = [str(choice[0]) for choice in field.iter_choices() if choice[2]]
    elif field.raw_data:
        values = list(field.raw_data)
    else:
        value = field._value() if hasattr(field, "_value") else field.data
        values = [] if value is None else [str(value)]
    cleaned = (value.replace("\r\n", "\n").strip() for value in values)
    return [value for value in cleaned if value]


def fingerprint(values):
    text = json.dumps(values, ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def stamp(form, record):
    """Mark ``form`` as loaded from ``record`` as it is now."""
    form.version.data = record.version
    form.loaded.data = json.dumps(
        {field.name: fingerprint(sent_values(field)) for field in edited_fields(form)}
    )


def loaded_fingerprints(form):
    """The fingerprints the form was loaded with; {} when it came without (every field counts
    as changed, which is the safe side)."""
    try:
        loaded = json.loads(form.loaded.data or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def shown(field, values):
    """``values`` of ``field`` as a person reads them: choices by their labels."""
    if isinstance(field, BooleanField):
        return _("Yes") if values else _("No")
    if hasattr(field, "iter_choices"):
        labels = {str(choice[0]): str(choice[1]) for choice in field.iter_choices()}
        return ", ".join(labels.get(value, value) for value in values)
    return "\n".join(values)


@dataclass(frozen=True)
class Row:
    label: str
    yours: str
    theirs: str
    differs: bool


@dataclass(frozen=True)
class Conflict:
    rows: list
    by: object  # the user who saved last, or None
    at: object  # when, or None


def last_change(record):
    """The latest history entry of ``record``: who saved it meanwhile, and when."""
    return db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.entity_type == kind_of(record).name, AuditEvent.entity_id == record.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
        .options(selectinload(AuditEvent.actor))
    )


def conflict(record, mine, build_form):
    """The conflict page's form for ``mine``, the form that lost, with the comparison on it."""
    stored = build_form(record, formdata=None)
    loaded = loaded_fingerprints(mine)
    merged, rows = MultiDict(), []
    for field in edited_fields(mine):
        yours, theirs = sent_values(field), sent_values(stored[field.name])
        changed_by_me = loaded.get(field.name) != fingerprint(yours)
        merged.setlist(field.name, yours if changed_by_me else theirs)
        rows.append(
            Row(
                label=str(field.label.text),
                yours=shown(field, yours),
                theirs=shown(stored[field.name], theirs),
                differs=yours != theirs,
            )
        )
    merged.setlist("csrf_token", request.form.getlist("csrf_token"))
    form = build_form(record, formdata=merged)
    stamp(stored, record)
    form.version.data, form.loaded.data = stored.version.data, stored.loaded.data
    form.conflict = Conflict(rows=rows, **changed_by(record))
    return form


def changed_by(record):
    """Who saved ``record`` last and when: ``{"by": user or None, "at": instant}``."""
    change = last_change(record)
    if change is None:
        return {"by": None, "at": record.updated_at}
    return {"by": change.actor, "at": change.at}


def trashed_meanwhile():
    title = _("Moved to the trash")
    message = _(
        "Someone moved this record to the trash while you were editing it: nothing was saved."
    )
    return render_template("errors/error.html", code=409, title=title, message=message), 409


def edit_record(record, *, build_form, save, template, reload, done=None, context=None, saved=None):
    """Show the edit form of ``record``, save it, or show the conflict page (409).

    ``build_form(record, **kwargs)`` makes the area's form (``formdata=None`` for the stored
    values); ``save(record, form)`` calls the area's service, which flushes; ``done(record)`` is
    the page to go to after the save (the record's own page unless said) and ``saved(record)``
    what to say there; ``reload(id)``
    loads the record again (with what its form reads) after a rollback, 404 if it is gone;
    ``context(record)`` adds to the template's variables.
    """
    context = context or (lambda item: {})
    saved = saved or (lambda item: _("Saved."))
    done = done or (lambda item: kind_of(item).page(item))
    record_id = record.id
    form = build_form(record)
    if form.validate_on_submit():
        try:
            check_version(record, form.version.data)
            save(record, form)
            db.session.commit()
        except (EditConflict, StaleDataError):
            db.session.rollback()
            try:
                record = reload(record_id)
            except NotFound:
                return trashed_meanwhile()
            form = conflict(record, form, build_form)
            return render_template(template, form=form, **context(record)), 409
        except Refused as refusal:
            db.session.rollback()
            record = reload(record_id)
            if refusal.field is not None:
                form[refusal.field].errors = [*form[refusal.field].errors, refusal.message]
            else:
                flash(refusal.message, "danger")
            return render_template(template, form=form, **context(record)), 422
        flash(saved(record), "success")
        return redirect(done(record))
    if request.method == "GET":
        stamp(form, record)
    return render_template(template, form=form, **context(record))


def who_was_first(record):
    """ "Kiko Etxeberria changed it on 7 Dec 2026, 10:02." for a change someone made first."""
    change = changed_by(record)
    when = format_datetime(change["at"], "medium")
    if change["by"] is None:
        return _("It was changed on %(when)s.", when=when)
    return _("%(name)s changed it on %(when)s.", name=change["by"].name, when=when)


def one_click(record, change, reload):
    """Apply ``change(record)`` (a status change from a button) and commit.

    Returns ``(True, result, record)``, or ``(False, None, fresh record)`` when another save won
    the race: nothing of this one was kept, not even what it created along (a repeating
    action's next occurrence), and the caller says who was first (``changed_by``).
    """
    record_id = record.id
    try:
        result = change(record)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return False, None, reload(record_id)
    return True, result, record
