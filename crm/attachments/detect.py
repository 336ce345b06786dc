"""What an uploaded file really is, decided from its bytes (SEC-11).

Neither the file's name nor the Content-Type sent by the browser is trusted: the first bytes
(and, for Office documents, the ZIP's table of contents) decide the type. Only types that are
inert once downloaded are kept: PDF, PNG, JPEG, GIF, WebP, UTF-8 text and CSV, and Office
Open XML / OpenDocument files without macros. Everything else is refused with a reason.

The name is looked at only to tell CSV from plain text and to refuse a name that claims
another type (``photo.png`` renamed ``minutes.pdf``): the file a colleague downloads opens in
the application its name promises.
"""

import codecs
import re
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

CHUNK = 64 * 1024
# Zip bombs: the archive's own table of contents must promise a sane amount of data.
ZIP_MAX_ENTRIES = 5_000
ZIP_MAX_UNCOMPRESSED = 256 * 1024 * 1024
ZIP_MAX_RATIO = 100  # per entry, beyond ZIP_RATIO_FLOOR bytes (XML compresses ~10-20 times)
ZIP_RATIO_FLOOR = 1024 * 1024


class Refused(ValueError):
    """The file is not accepted; ``message`` says why, for the person who sent it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    extensions: tuple[str, ...]  # the first one is added to a name that has none

    @property
    def extension(self):
        return self.extensions[0]


PDF = FileType("application/pdf", _l("PDF document"), (".pdf",))
PNG = FileType("image/png", _l("PNG image"), (".png",))
JPEG = FileType("image/jpeg", _l("JPEG image"), (".jpg", ".jpeg", ".jpe", ".jfif"))
GIF = FileType("image/gif", _l("GIF image"), (".gif",))
WEBP = FileType("image/webp", _l("WebP image"), (".webp",))
TEXT = FileType("text/plain", _l("Text"), (".txt", ".text", ".md", ".log"))
CSV = FileType("text/csv", _l("CSV table"), (".csv", ".tsv"))
_OOXML = "application/vnd.openxmlformats-officedocument."
DOCX = FileType(_OOXML + "wordprocessingml.document", _l("Word document"), (".docx",))
XLSX = FileType(_OOXML + "spreadsheetml.sheet", _l("Excel workbook"), (".xlsx",))
PPTX = FileType(_OOXML + "presentationml.presentation", _l("PowerPoint slides"), (".pptx",))
_ODF = "application/vnd.oasis.opendocument."
ODT = FileType(_ODF + "text", _l("OpenDocument text"), (".odt",))
ODS = FileType(_ODF + "spreadsheet", _l("OpenDocument spreadsheet"), (".ods",))
ODP = FileType(_ODF + "presentation", _l("OpenDocument presentation"), (".odp",))

TYPES = {t.content_type: t for t in (PDF, PNG, JPEG, GIF, WEBP, TEXT, CSV, DOCX, XLSX, PPTX)}
TYPES.update({t.content_type: t for t in (ODT, ODS, ODP)})
_BY_EXTENSION = {ext: t for t in TYPES.values() for ext in t.extensions}
_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
_OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_ODF_TYPES = {t.content_type: t for t in (ODT, ODS, ODP)}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Names that a browser or desktop would run or render, whatever the content.
_RISKY = (
    "svg svgz html htm xhtml xht xml xsl js mjs hta exe com bat cmd scr pif msi dll ps1 vbs vbe "
    "wsf jar sh lnk url reg docm xlsm pptm dotm"
)
RISKY_EXTENSIONS = frozenset(f".{ext}" for ext in _RISKY.split())
_MACROS = ("vbaproject.bin", "vbadata.xml")
_EXTENSION = re.compile(r"\.[0-9a-z]{1,10}$", re.IGNORECASE)


def extension(name):
    """The name's extension in lower case (``.pdf``), or '' when it has none."""
    match = _EXTENSION.search(name)
    return match.group(0).lower() if match else ""


def detect(stream, name):
    """The FileType of the seekable binary ``stream``; raise Refused when it is not accepted."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    kind = _by_signature(head) or _zip(stream, head) or _text(stream, name)
    _check_name(name, kind)
    return kind


def _by_signature(head):
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(_OLE2):
        raise Refused(
            _l(
                "Old Microsoft Office files (.doc, .xls, .ppt) and password-protected documents "
                "are not accepted. Save it as .docx, .xlsx, .pptx or PDF without a password."
            )
        )
    return None


def _zip(stream, head):
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return None
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            _check_zip_sizes(entries)
            names = [entry.filename for entry in entries]
            if any(n.lower().rsplit("/", 1)[-1] in _MACROS for n in names):
                raise Refused(_l("Documents with macros are not accepted. Save it without them."))
            if names and names[0] == "mimetype" and entries[0].file_size < 100:
                with archive.open(entries[0]) as marker:
                    mimetype = marker.read(100).decode("ascii", "replace").strip()
                if mimetype in _ODF_TYPES:
                    return _ODF_TYPES[mimetype]
            if "[Content_Types].xml" in names:
                for folder, kind in _OOXML_PARTS:
                    if any(n.startswith(folder) for n in names):
                        return kind
    except Refused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError, ValueError):
        raise Refused(_l("This file looks damaged: it could not be read as a document.")) from None
    finally:
        stream.seek(0)
    raise Refused(
        _l(
            "ZIP archives are not accepted, only Word, Excel, PowerPoint and OpenDocument "
            "files. Attach the files one by one."
        )
    )


def _check_zip_sizes(entries):
    total = sum(entry.file_size for entry in entries)
    bomb = len(entries) > ZIP_MAX_ENTRIES or total > ZIP_MAX_UNCOMPRESSED
    bomb = bomb or any(
        entry.file_size > ZIP_RATIO_FLOOR
        and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    if bomb:
        raise Refused(_l("This document unpacks to far more data than it holds; it is refused."))


def _text(stream, name):
    """CSV or plain text when the whole file is UTF-8 without NUL; None otherwise."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    start = ""
    try:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            if b"\x00" in chunk:
                raise Refused(_unsupported())
            text = decoder.decode(chunk)
            if len(start) < 256:
                start += text[:256]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise Refused(
            _l(
                "This file is neither a document nor an image Zubia accepts, nor UTF-8 text. "
                'If it is a text or CSV file, save it as UTF-8 (in Excel: "CSV UTF-8").'
            )
        ) from None
    finally:
        stream.seek(0)
    if start.lstrip().startswith("<"):
        raise Refused(
            _l("SVG, HTML and XML files are not accepted. Save it as PDF or PNG and attach that.")
        )
    return CSV if extension(name) in CSV.extensions else TEXT


def _unsupported():
    return _l(
        "This type of file is not accepted. Zubia keeps PDF, PNG, JPEG, GIF and WebP images, "
        "UTF-8 text and CSV, and Word, Excel, PowerPoint and OpenDocument files."
    )


def _check_name(name, kind):
    ext = extension(name)
    if not ext or ext in kind.extensions:
        return
    if ext in RISKY_EXTENSIONS:
        raise Refused(_l("Files whose name ends in %(ext)s are not accepted.", ext=ext))
    claimed = _BY_EXTENSION.get(ext)
    if claimed is not None:
        raise Refused(
            _l(
                "By its content this file is “%(kind)s”, but its name ends in %(ext)s. Rename "
                "it to end in %(right)s and attach it again.",
                kind=kind.label,
                ext=ext,
                right=kind.extension,
            )
        )


def download_name(name, kind):
    """The name to offer on download: ``name`` with the type's extension if it lacks one."""
    return name if extension(name) in kind.extensions else name + kind.extension


def label_of(content_type):
    kind = TYPES.get(content_type)
    return kind.label if kind else content_type
