"""Read an uploaded spreadsheet (CSV or .xlsx) into a header and rows of text, or refuse it.

Every refusal is a ``FileRefused`` with a message for the person who uploaded the file; a
refused file is never stored. The checks look at the content, never at the file's name.
"""

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _

MAX_COLUMNS = 200
MAX_ROWS = 200_000
# A longer cell is not a name or a note but a broken file (csv's own default is the same).
MAX_CELL_CHARS = 131_072
# A line with this many separators cannot hold 200 columns of data: refused before parsing, so
# that a line of 100,000 commas never becomes 100,000 cells in memory.
MAX_SEPARATORS = 10_000
# An .xlsx is a zip: what its parts unpack to is checked before openpyxl opens it (zip bombs).
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
SAMPLE_CHARS = 65_536

ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "cp932": "Shift_JIS",
    "cp1252": "Windows-1252",
}
AUTO_ORDER = ("utf-8", "cp932")  # Shift_JIS as Windows writes it is cp932 (NEC/IBM extensions)

# Files people upload by mistake, recognised by their first bytes.
SIGNATURES = {
    b"\xd0\xcf\x11\xe0": "xls",
    b"%PDF": "pdf",
    b"\x89PNG": "image",
    b"GIF8": "image",
    b"\xff\xd8\xff": "image",
    b"\x1f\x8b": "archive",
    b"7z\xbc\xaf": "archive",
    b"Rar!": "archive",
}
MANY = ":::"  # Google Contacts' separator of the values of one cell
_MANY_SPLIT = re.compile(r":::|[\r\n]+")  # a line of its own also holds a value of its own
# Outlook writes these for an empty date (Birthday, Anniversary): no date at all.
EMPTY_DATE = re.compile(r"0{1,2}/0{1,2}/0{2,4}")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_BINARY_CONTROL = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r\x0c")


def split_many(text):
    """The values of a multi-value cell ("a ::: * b", or one per line), as they are written."""
    return [value.strip() for value in _MANY_SPLIT.split(text or "") if value.strip()]


def cell_text(text):
    """A cell as the checker reads it: trimmed, and empty when it is Outlook's empty date."""
    text = text.strip()
    return "" if EMPTY_DATE.fullmatch(text) else text


class FileRefused(Exception):
    """The upload cannot be imported; ``message`` says why, in plain words."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    file_format: str  # "csv" or "xlsx"
    encoding: str | None
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells), blank rows left out


def detect_format(data):
    """ "csv" or "xlsx" from the content, or FileRefused."""
    if not data.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise FileRefused(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    for signature, kind in SIGNATURES.items():
        if data.startswith(signature):
            if kind == "xls":
                raise FileRefused(
                    _(
                        "This is an Excel 97–2003 workbook (.xls). Save it as .xlsx or as CSV "
                        "and upload it again."
                    )
                )
            raise FileRefused(_("This file is not a spreadsheet: upload a CSV or .xlsx file."))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRefused(_("This file is in UTF-16. Save it as “CSV UTF-8” and upload it again."))
    return "csv"


def read_table(data, encoding="auto"):
    """The file's header and rows. ``encoding`` ("auto" or a key of ENCODINGS) is for CSV."""
    file_format = detect_format(data)
    if file_format == "xlsx":
        header, rows = _xlsx_cells(data)
        used = None
    else:
        text, used = decode(data, encoding)
        header, rows = _csv_cells(text)
    return _table(file_format, used, header, rows)


def decode(data, choice="auto"):
    """(text, encoding used). UTF-8 with or without a BOM, then Shift_JIS, unless chosen."""
    has_bom = data.startswith(codecs.BOM_UTF8)
    if choice == "auto":
        candidates = ("utf-8-sig",) if has_bom else AUTO_ORDER
    elif choice in ENCODINGS:
        candidates = ("utf-8-sig",) if has_bom and choice.startswith("utf-8") else (choice,)
    else:
        raise FileRefused(_("Choose one of the encodings offered."))
    for name in candidates:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if choice == "auto" and name == "cp932" and _PRIVATE_USE.search(text):
            continue  # Western bytes (é, ñ) read as Shift_JIS land in its user-defined area
        _check_text(text)
        return text, name
    if choice == "auto":
        raise FileRefused(
            _(
                "The file could not be read as UTF-8 or Shift_JIS. Save it as “CSV UTF-8” in "
                "your spreadsheet program, or choose its encoding below."
            )
        )
    raise FileRefused(_("The file could not be read as %(encoding)s.", encoding=ENCODINGS[choice]))


def _check_text(text):
    sample = text[:SAMPLE_CHARS]
    controls = sum(1 for ch in sample if ch in _BINARY_CONTROL)
    if controls > max(8, len(sample) // 100):
        raise FileRefused(_("This file is not a spreadsheet: upload a CSV or .xlsx file."))


def _delimiter(text):
    first = text[: text.find("\n")] if "\n" in text else text
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_cells(text):
    delimiter = _delimiter(text)
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_SEPARATORS and line.count(delimiter) > MAX_SEPARATORS:
            raise _too_many_columns(number)
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        cells = [(reader.line_num, row) for row in _checked(reader)]
    except csv.Error:
        raise FileRefused(
            _(
                "Line %(line)s could not be read: a cell is longer than %(limit)s characters or "
                "a quote is not closed.",
                line=reader.line_num,
                limit=f"{MAX_CELL_CHARS:,}",
            )
        ) from None
    return _split_header(cells)


def _checked(rows):
    for count, row in enumerate(rows):
        if count > MAX_ROWS:
            raise FileRefused(
                _(
                    "The file has more than %(limit)s rows. Split it into smaller files.",
                    limit=f"{MAX_ROWS:,}",
                )
            )
        yield row


def _split_header(cells):
    """The first non-blank row is the header; row numbers are the file's (header = 1)."""
    cells = [(number, row) for number, row in cells if any(c.strip() for c in row)]
    if not cells:
        raise FileRefused(_("The file is empty."))
    (_first, header), rows = cells[0], cells[1:]
    for number, row in cells:
        if len(row) > MAX_COLUMNS and any(c.strip() for c in row[MAX_COLUMNS:]):
            raise _too_many_columns(number)
    if not rows:
        raise FileRefused(_("The file has a header row but no data rows."))
    return header, rows


def _too_many_columns(line):
    return FileRefused(
        _(
            "Row %(line)s has more than %(limit)s columns; Zubia reads at most %(limit)s. "
            "Check that the file is a list of records, one per row.",
            line=line,
            limit=MAX_COLUMNS,
        )
    )


def _xlsx_cells(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused(
            _("This file is not a spreadsheet: upload a CSV or .xlsx file.")
        ) from None
    if "xl/workbook.xml" not in {part.filename for part in parts}:
        raise FileRefused(_("This zip file is not an Excel workbook: upload a CSV or .xlsx file."))
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise FileRefused(
            _(
                "This workbook unpacks to more than %(size)s MB; Zubia does not open it. Save "
                "the sheet as CSV and upload that.",
                size=MAX_UNPACKED_BYTES // (1024 * 1024),
            )
        )
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            cells = [
                (number, _trimmed([_xlsx_text(value) for value in values]))
                for number, values in enumerate(
                    _checked(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)), start=1
                )
            ]
        finally:
            workbook.close()
    except FileRefused:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a damaged workbook
        raise FileRefused(
            _(
                "The workbook could not be read. Open it in your spreadsheet program and save "
                "it again."
            )
        ) from None
    return _split_header(cells)


def _trimmed(cells):
    """A row without its trailing empty cells (openpyxl pads every row to ``max_col``)."""
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _xlsx_text(value):
    """A cell as text: whole numbers without ".0", dates as ISO dates, formulas as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _table(file_format, encoding, header, rows):
    width = min(MAX_COLUMNS, max(len(header), *(len(cells) for _number, cells in rows)))
    names = []
    for index in range(width):
        name = header[index].strip() if index < len(header) else ""
        names.append(name or _("Column %(number)s", number=index + 1))
    padded = [(number, (cells + [""] * (width - len(cells)))[:width]) for number, cells in rows]
    return Table(file_format, encoding, names, padded)
