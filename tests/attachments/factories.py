"""Sample files and attachments made through the services, for these tests and the walk."""

import io
import struct
import zipfile
import zlib

from crm.accounts.models import User
from crm.attachments import services
from crm.attachments.detect import detect
from crm.extensions import db
from crm.kinds import kind_named

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png(width=1, height=1):
    """A real, decodable PNG image."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def zipped(entries, first=None):
    """A ZIP archive of ``entries`` ({name: bytes}); ``first`` is stored uncompressed first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1], zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(extra=None):
    return zipped(
        {
            "[Content_Types].xml": b"<?xml version='1.0'?><Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
            **(extra or {}),
        }
    )


def odf(mimetype="application/vnd.oasis.opendocument.text"):
    return zipped(
        {"content.xml": b"<office:document-content/>"}, first=("mimetype", mimetype.encode())
    )


def make_attachment(app, owner, record_id, kind="organization", name="MoU.pdf", data=PDF):
    """Attach ``data`` as ``name`` to the record, as ``owner`` would; return the attachment id."""
    with app.test_request_context():
        parent = db.session.get(kind_named(kind).model, record_id)
        stream = io.BytesIO(data)
        item = services.attach(
            parent, stream, name, detect(stream, name), actor=db.session.get(User, owner.id)
        )
        db.session.commit()
        return item.id
