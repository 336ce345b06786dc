from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import ValidationError

from crm.attachments.detect import TYPES, Refused, detect, download_name
from crm.attachments.names import FALLBACK, MAX_LENGTH, clean_name, shorten
from crm.i18n import file_size

ACCEPT = ",".join(sorted({ext for kind in TYPES.values() for ext in kind.extensions}))


class AttachmentForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to attach."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The request limit (MAX_CONTENT_LENGTH) answers 413 above this; static/app.js warns first.
        self.max_bytes = current_app.config["MAX_CONTENT_LENGTH"]
        self.file.render_kw = {
            "accept": ACCEPT,
            "data-max-bytes": self.max_bytes,
            "data-too-large": _l(
                "This file is larger than %(size)s, the most Zubia accepts.",
                size=file_size(self.max_bytes),
            ),
        }

    def validate_file(self, field):
        """Check the bytes; on success ``kind`` and ``name`` say what is kept (SEC-11)."""
        stream = field.data.stream
        stream.seek(0, 2)
        if stream.tell() == 0:
            raise ValidationError(_l("This file is empty (0 bytes). Choose another one."))
        name = clean_name(field.data.filename) or FALLBACK
        try:
            self.kind = detect(stream, name)
        except Refused as refused:
            raise ValidationError(refused.message) from None
        self.name = shorten(download_name(name, self.kind), MAX_LENGTH)
