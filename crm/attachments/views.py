"""Upload, download and delete files attached to records (SEC-11).

Every signed-in user may download the files of a record they can see; only whoever may edit
the record may attach or delete. A file whose record is in the trash is not found (404).
"""

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from crm.attachments import services, storage
from crm.attachments.detect import label_of
from crm.attachments.forms import AttachmentForm
from crm.attachments.names import content_disposition
from crm.authorization import require_edit
from crm.extensions import db
from crm.i18n import file_size
from crm.kinds import kind_named, kind_of, kinds
from crm.records import live_or_404

bp = Blueprint("attachments", __name__)


def record_url(parent):
    return kind_of(parent).page(parent, _anchor="attachments")


def upload_url(parent):
    return url_for("attachments.upload", **{kind_of(parent).id_arg: parent.id})


def upload(**ids):
    ((key, record_id),) = ids.items()
    kind = kind_named(key.removesuffix("_id"))
    parent = live_or_404(kind.model, record_id, *kind.editor_options())
    require_edit(parent)
    form = AttachmentForm()
    status = 200
    if form.validate_on_submit():
        try:
            item = services.attach(
                parent, form.file.data.stream, form.name, form.kind, actor=current_user
            )
        except storage.NotStored:  # the folder is full or read-only; the log says which
            form.file.errors.append(
                _(
                    "The file could not be stored, so nothing was saved. "
                    "Please tell an administrator."
                )
            )
            status = 507  # Insufficient Storage: the server could not keep what was sent
        else:
            db.session.commit()
            flash(_("%(name)s was attached.", name=item.original_name), "success")
            return redirect(record_url(parent))
    page = render_template(
        "attachments/upload.html",
        form=form,
        parent=parent,
        back=record_url(parent),
        action=upload_url(parent),
    )
    return page, status


# One upload page under each attachable record's page: /organizations/<id>/attachments...
for _kind in kinds(attachable=True):
    bp.add_url_rule(f"{_kind.url}/attachments", "upload", upload, methods=["GET", "POST"])


@bp.route("/attachments/<id:attachment_id>")
def download(attachment_id):
    item, _parent = services.live_attachment(attachment_id)
    if item is None:
        abort(404)
    mimetype = item.content_type
    if mimetype.startswith("text/"):
        mimetype += "; charset=utf-8"
    if not storage.path_of(item.stored_name).is_file():
        current_app.logger.error("attachment %s: file %s is missing", item.id, item.stored_name)
        abort(404)
    response = send_from_directory(
        storage.upload_folder(),
        storage.relative_path(item.stored_name),
        mimetype=mimetype,
        etag=item.sha256,
    )
    # Always a download, never shown by the browser: nothing uploaded can run in our origin.
    response.headers["Content-Disposition"] = content_disposition(item.original_name)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/attachments/<id:attachment_id>/delete", methods=["POST"])
def delete(attachment_id):
    item, parent = services.live_attachment(attachment_id, with_editors=True)
    if item is None:
        abort(404)
    require_edit(parent)
    services.detach(item, parent, actor=current_user)
    db.session.commit()
    flash(_("%(name)s was moved to the trash.", name=item.original_name), "info")
    return redirect(record_url(parent))


@dataclass
class Panel:
    """What the Attachments card of a record page shows (templates/_macros/attachments.html)."""

    items: list
    form: AttachmentForm
    upload_url: str


@bp.app_template_global()
def attachment_panel(record):
    return Panel(
        items=services.attachments_of(record),
        form=AttachmentForm(formdata=None),
        upload_url=upload_url(record),
    )


bp.add_app_template_filter(file_size, "filesize")
bp.add_app_template_filter(label_of, "file_kind")
