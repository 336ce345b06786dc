from math import ceil

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import load_only, selectinload

from crm.authorization import require_edit
from crm.contacts.models import Contact
from crm.exports import csv_response
from crm.extensions import db
from crm.imports import revert, services, storage
from crm.imports.checking import Checker
from crm.imports.fields import FIELDS, MATCH_KEYS, suggest
from crm.imports.forms import ConfirmForm, UploadForm, encoding_choices, mapping_form
from crm.imports.models import ImportChange, ImportKind, ImportRun, RunStatus
from crm.imports.plan import CREATE, SKIP, UNCHANGED, UPDATE
from crm.imports.reading import ENCODINGS, MAX_COLUMNS, MAX_ROWS, FileRefused, read_table
from crm.kinds import kind_of
from crm.listing import choice_arg, int_arg, paginate
from crm.organizations.models import Organization

bp = Blueprint("imports", __name__, url_prefix="/imports")
PREVIEW_PER_PAGE = 50
SAMPLE_ROWS = 3
FILTERS = {
    "all": None,
    "problems": lambda line: bool(line["p"]),
    CREATE: lambda line: line["a"] == CREATE,
    UPDATE: lambda line: line["a"] == UPDATE,
    SKIP: lambda line: line["a"] in (SKIP, UNCHANGED),
}


@bp.url_value_preprocessor
def allow_large_upload(endpoint, values):
    """The upload takes files up to IMPORT_MAX_BYTES (the app's limit is lower).

    Set here because URL value preprocessors run before every ``before_request`` function,
    and CSRFProtect's reads the form (and so enforces the limit) in one of those.
    """
    if endpoint == "imports.upload":
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]


@bp.errorhandler(413)
def too_large(error):
    limit = current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024)
    message = _(
        "The file is too big: Zubia imports files of up to %(limit)s MB. Split it into smaller "
        "files, or save it as CSV (usually smaller than .xlsx), and upload again.",
        limit=limit,
    )
    if request.endpoint != "imports.upload":
        message = _("What you sent is larger than Zubia accepts.")
    return render_template(
        "errors/error.html", code=413, title=_("Too large"), message=message
    ), 413


def get_run(run_id):
    run = db.session.get(ImportRun, run_id, options=[selectinload(ImportRun.owner)])
    if run is None:
        abort(404)
    require_edit(run)
    return run


def file_gone(run):
    flash(_("The file of this import is no longer kept (files are deleted a day after upload). "
            "Upload it again."), "warning")  # fmt: skip
    return redirect(url_for("imports.upload", kind=run.kind.value))


@bp.route("/")
def index():
    statement = select(ImportRun).options(selectinload(ImportRun.owner))
    if not current_user.is_manager:
        statement = statement.where(ImportRun.owner_id == current_user.id)
    page = paginate(statement.order_by(ImportRun.created_at.desc(), ImportRun.id.desc()))
    return render_template("imports/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
def upload():
    form = UploadForm(data={"kind": choice_arg("kind", ImportKind) or ImportKind.CONTACT.value})
    error = None
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            table = read_table(data, form.encoding.data)
        except FileRefused as refused:
            error = refused.message
        else:
            gone = storage.expire_stale_runs()
            stored = storage.save(data)
            run = services.new_run(
                ImportKind(form.kind.data),
                storage.display_name(form.file.data.filename),
                stored,
                table,
                actor=current_user,
            )
            db.session.commit()
            for name in gone:
                storage.discard(name)
            return redirect(url_for("imports.mapping", run_id=run.id))
    status = 400 if error or form.errors else 200
    return render_template(
        "imports/upload.html", form=form, error=error, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS
    ), status


def columns_from(form, headers):
    return {str(i): form[f"column_{i}"].data for i in range(len(headers))}


def check_mapping(form, headers, kind):
    """Each field taken by one column at most (but those that take many); the same error next
    to every column after."""
    many = {f.name for f in FIELDS[kind] if f.many}
    taken, ok = {}, True
    for index in range(len(headers)):
        name = form[f"column_{index}"].data
        if name and name in taken and name not in many:
            form[f"column_{index}"].errors.append(
                _("“%(header)s” already goes to this field.", header=headers[taken[name]])
            )
            ok = False
        taken.setdefault(name, index)
    return ok


@bp.route("/<id:run_id>/mapping", methods=["GET", "POST"])
def mapping(run_id):
    run = get_run(run_id)
    if run.status not in (RunStatus.UPLOADED, RunStatus.PREVIEWED):
        return redirect(url_for("imports.report", run_id=run.id))
    encoding = request.args.get("encoding") or run.encoding or "auto"
    encoding = encoding if encoding in ENCODINGS or encoding == "auto" else "auto"
    error, table = None, None
    try:
        table = storage.load(run, encoding if run.file_format == "csv" else None)
    except storage.FileGone:
        return file_gone(run)
    except FileRefused as refused:
        error = refused.message
    saved = run.mapping
    headers = table.header if table else saved["headers"]
    if saved.get("columns") and headers == saved["headers"]:
        data = {f"column_{i}": name for i, name in saved["columns"].items()}
        data.update({k: saved[k] for k in ("match_by", "on_match", "create_organizations",
                                            "new_region") if k in saved})  # fmt: skip
    else:
        suggested = suggest(run.kind, headers, current_user,
                            services.last_mapping(run.kind, current_user))  # fmt: skip
        data = {f"column_{i}": name for i, name in suggested.items()}
    form = mapping_form(run.kind, headers, current_user, data=data)
    if form.validate_on_submit() and table is not None and check_mapping(form, headers, run.kind):
        options = {name: form[name].data for name in ("match_by", "on_match",
                   "create_organizations", "new_region") if name in form}  # fmt: skip
        columns = columns_from(form, headers)
        checker = Checker(run.kind, columns, options, current_user)
        rows = checker.clean(table)
        checked = [row.to_json() for row in rows]  # before plan() adds to them
        plan = checker.plan(rows)
        write_preview(run, plan)
        storage.save_checked(run, checked, checker.phones)
        run.encoding = table.encoding
        services.keep_mapping(run, headers, columns, options, plan)
        run.status = RunStatus.PREVIEWED
        db.session.commit()
        return redirect(url_for("imports.preview", run_id=run.id))
    samples = [cells for _n, cells in table.rows[:SAMPLE_ROWS]] if table else []
    return render_template(
        "imports/mapping.html",
        run=run,
        form=form,
        headers=headers,
        samples=samples,
        error=error,
        encoding=encoding,
        encodings=encoding_choices(),
        fields=[f for f in FIELDS[run.kind] if f.help or f.required],
    )


def write_preview(run, plan):
    storage.write_preview(
        run,
        ({"n": row.number, "a": row.action, "l": row.label, "d": row.detail, "p": row.problems,
          "note": row.note, "t": row.target_id,
          "twin": row.likely_duplicate if row.action == CREATE else None} for row in plan.rows),
    )  # fmt: skip


class ListPage:
    """The part of Flask-SQLAlchemy's Pagination the pagination macro uses, for a plain list."""

    def __init__(self, items, page, per_page, total):
        self.items, self.page, self.per_page, self.total = items, page, per_page, total
        self.pages = max(1, ceil(total / per_page))
        self.has_prev, self.has_next = page > 1, page < self.pages
        self.prev_num = page - 1 if self.has_prev else None
        self.next_num = page + 1 if self.has_next else None

    def iter_pages(self, left_edge=1, left_current=2, right_current=3, right_edge=1):
        last = 0
        for number in range(1, self.pages + 1):
            if (
                number <= left_edge
                or self.page - left_current <= number <= self.page + right_current
                or number > self.pages - right_edge
            ):
                if last + 1 != number:
                    yield None
                yield number
                last = number


@bp.route("/<id:run_id>/preview")
def preview(run_id):
    run = get_run(run_id)
    if run.status is not RunStatus.PREVIEWED:
        return redirect(url_for("imports.mapping" if run.status is RunStatus.UPLOADED
                                else "imports.report", run_id=run.id))  # fmt: skip
    show = request.args.get("show", "all")
    show = show if show in FILTERS else "all"
    counts = run.mapping["counts"]
    total = run.total_rows if show == "all" else counts[show]
    number = int_arg("page", 1, 1, max(1, ceil(total / PREVIEW_PER_PAGE)))
    keep = FILTERS[show] or (lambda line: True)
    try:
        lines = storage.read_preview(run, keep, (number - 1) * PREVIEW_PER_PAGE, PREVIEW_PER_PAGE)
    except storage.FileGone:
        return file_gone(run)
    return render_template(
        "imports/preview.html",
        run=run,
        page=ListPage(lines, number, PREVIEW_PER_PAGE, total),
        counts=counts,
        show=show,
        form=ConfirmForm(),
        match_label=MATCH_KEYS[run.kind].get(run.mapping.get("match_by"), ""),
    )


@bp.route("/<id:run_id>/confirm", methods=["POST"])
def confirm(run_id):
    run = get_run(run_id)
    form = ConfirmForm()
    if run.status is not RunStatus.PREVIEWED or not form.validate_on_submit():
        return redirect(url_for("imports.mapping", run_id=run.id))
    saved = run.mapping
    checker = Checker(run.kind, saved["columns"], saved, current_user)
    try:
        checked = storage.load_checked(run)
        if checked is None:
            rows = checker.clean(storage.load(run))
        else:
            rows, checker.phones = checked
    except storage.FileGone:
        return file_gone(run)
    except FileRefused as refused:  # cannot happen to a file that was read before; be clear
        flash(refused.message, "danger")
        return redirect(url_for("imports.mapping", run_id=run.id))
    # The cells were checked for the preview; what they match is decided again, as records
    # may have been added or edited since.
    plan = checker.plan(rows)
    stored = run.stored_name
    try:
        services.apply(run, plan, actor=current_user)
        run.stored_name = None
        db.session.commit()
    except (services.ChangedMeanwhile, SQLAlchemyError) as failure:
        db.session.rollback()
        current_app.logger.warning("import %s not written: %r", run_id, failure)
        flash(_("Nothing was imported: some records changed while the file was being written, "
                "or the database refused a row. Check the preview and confirm again."),
              "danger")  # fmt: skip
        return redirect(url_for("imports.preview", run_id=run_id))
    storage.discard(stored)
    flash(_("Import done: %(created)s created, %(updated)s updated, %(skipped)s skipped.",
            created=run.created_count, updated=run.updated_count,
            skipped=run.skipped_count), "success")  # fmt: skip
    return redirect(url_for("imports.report", run_id=run.id))


NAMED_BY = {  # the columns a record's display name is made of
    Organization: ("name", "native_name"),
    Contact: ("given_name", "family_name", "second_family_name", "native_name", "name_order"),
}


def record_names(pairs):
    """{(entity type, id): (display name, deleted_at)} of the records of one page of the
    report: one query per kind of record on it (an organization file adds contacts, a contact
    file organizations)."""
    names = {}
    for model, columns in NAMED_BY.items():
        entity_type = kind_of(model).name
        ids = [record_id for kind, record_id in pairs if kind == entity_type]
        if not ids:
            continue
        shown = load_only(*(getattr(model, c) for c in (*columns, "deleted_at")), raiseload=True)
        for record in db.session.scalars(select(model).options(shown).where(model.id.in_(ids))):
            names[entity_type, record.id] = (str(record), record.deleted_at)
    return names


def changes_statement(run):
    """Everything the import wrote: the organizations it created for contacts (no row of
    their own) first, then the rows in file order."""
    return (
        select(ImportChange)
        .where(ImportChange.run_id == run.id)
        .order_by(
            ImportChange.row_number.is_(None).desc(), ImportChange.row_number, ImportChange.id
        )
    )


@bp.route("/<id:run_id>")
def report(run_id):
    run = get_run(run_id)
    if run.status in (RunStatus.UPLOADED, RunStatus.PREVIEWED):
        return redirect(url_for("imports.mapping", run_id=run.id))
    changes = db.paginate(
        changes_statement(run),
        page=int_arg("page", 1, 1, 100_000),
        per_page=PREVIEW_PER_PAGE,
        error_out=False,
    )
    skipped_number = int_arg("skipped_page", 1, 1, 100_000)
    start = (skipped_number - 1) * PREVIEW_PER_PAGE
    skipped = ListPage(
        run.skipped[start : start + PREVIEW_PER_PAGE],
        skipped_number,
        PREVIEW_PER_PAGE,
        len(run.skipped),
    )
    names = record_names([(change.entity_type, change.entity_id) for change in changes.items])
    organizations = db.session.scalar(  # created for the contacts of a contact import
        select(func.count())
        .select_from(ImportChange)
        .where(ImportChange.run_id == run.id, ImportChange.entity_type != run.kind.value)
    )
    return render_template(
        "imports/report.html",
        run=run,
        changes=changes,
        names=names,
        skipped=skipped,
        organizations=organizations,
    )


@bp.route("/<id:run_id>/report.csv")
def report_csv(run_id):
    run = get_run(run_id)
    if run.status in (RunStatus.UPLOADED, RunStatus.PREVIEWED):
        return redirect(url_for("imports.mapping", run_id=run.id))

    skipped = run.skipped  # csv_response commits: the run's attributes expire before streaming
    statement = changes_statement(run)

    def rows():
        changes = db.session.execute(
            statement.with_only_columns(
                ImportChange.row_number,
                ImportChange.created,
                ImportChange.entity_type,
                ImportChange.entity_id,
            )
        ).all()
        for start in range(0, len(changes), 1000):
            batch = changes[start : start + 1000]
            names = record_names([(kind, entity_id) for _n, _c, kind, entity_id in batch])
            for number, created, kind, entity_id in batch:
                outcome = _("created") if created else _("updated")
                name = names.get((kind, entity_id), ("", None))[0]
                yield number, outcome, entity_id, name, ""
        for number, reasons in skipped:
            yield number, _("skipped"), None, "", reasons

    header = [_("Row"), _("Outcome"), _("Record id"), _("Name"), _("Reasons")]
    return csv_response(f"import-{run_id}", header, rows(), filters={"import_run": run_id})


@bp.route("/<id:run_id>/revert", methods=["GET", "POST"])
def revert_run(run_id):
    run = get_run(run_id)
    if run.status is not RunStatus.IMPORTED:
        flash(_("Only a completed import can be reverted."), "warning")
        return redirect(url_for("imports.report", run_id=run.id))
    plan = revert.plan(run)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            revert.apply(run, plan, actor=current_user)
            db.session.commit()
        except (services.ChangedMeanwhile, SQLAlchemyError):
            db.session.rollback()
            flash(_("Nothing was reverted: some records changed meanwhile. Try again."), "danger")
            return redirect(url_for("imports.revert_run", run_id=run_id))
        flash(_("Import reverted: %(count)s records put back, %(kept)s left as they are.",
                count=plan.count, kept=len(plan.kept)), "success")  # fmt: skip
        return redirect(url_for("imports.report", run_id=run.id))
    return render_template("imports/revert.html", run=run, plan=plan, form=form)
