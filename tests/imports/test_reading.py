"""Bad files are refused with a clear message before anything is stored (issue 7, item 7)."""

import io
import zipfile

import openpyxl
import pytest

from crm.imports import reading
from crm.imports.reading import FileRefused, read_table


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def refused(data, encoding="auto"):
    with pytest.raises(FileRefused) as caught:
        read_table(data, encoding)
    return caught.value.message


def xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_utf8_with_and_without_bom_and_shift_jis_are_detected():
    text = "会社名,メールアドレス\r\n三重大学,a@mie.example\r\n"
    for data, encoding in (
        (text.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + text.encode("utf-8"), "utf-8-sig"),
        (text.encode("cp932"), "cp932"),
    ):
        table = read_table(data)
        assert (table.encoding, table.header) == (encoding, ["会社名", "メールアドレス"])
        assert table.rows == [(2, ["三重大学", "a@mie.example"])]


def test_cp932_extensions_and_a_chosen_encoding():
    assert read_table("名\n髙橋\n".encode("cp932")).rows[0][1] == ["髙橋"]
    latin = "Name\nIñaki Zubizarreta\n".encode("cp1252")
    assert read_table(latin, "cp1252").rows[0][1] == ["Iñaki Zubizarreta"]
    assert "could not be read as UTF-8" in refused(latin)


def test_semicolons_tabs_and_crlf_inside_quoted_cells():
    table = read_table(b'Name;Notes\r\n"Mie";"two\r\nlines"\r\n')
    assert table.rows == [(3, ["Mie", "two\r\nlines"])]
    assert read_table(b"Name\tCity\nMie\tTsu\n").rows == [(2, ["Mie", "Tsu"])]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\r\n \r\n", "The file is empty."),
        (b"Name,Email\r\n", "header row but no data rows"),
        (b"Name,Email\r\n,\r\n", "header row but no data rows"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "not a spreadsheet"),
        (b"%PDF-1.7\n", "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "Excel 97"),
        ("Name\nMie\n".encode("utf-16"), "UTF-16"),
        (bytes(range(1, 32)) * 50, "not a spreadsheet"),
        (b"Name\n" + b"\x81\x20\xff\xfe" * 10, "could not be read as UTF-8 or Shift_JIS"),
    ],
)
def test_refused_files(data, message):
    assert message in refused(data)


def test_100000_columns_on_one_line():
    assert "at most 200" in refused(b"Name\n" + b"," * 100_000 + b"\n")
    assert "at most 200" in refused(",".join(f"c{i}" for i in range(201)).encode() + b"\nx\n")
    table = read_table(",".join(f"c{i}" for i in range(200)).encode() + b"\nx\n")
    assert len(table.header) == 200


def test_a_huge_cell_and_too_many_rows(monkeypatch):
    assert "longer than" in refused(b"Name\n" + b"x" * 200_000 + b"\n")
    monkeypatch.setattr(reading, "MAX_ROWS", 10)
    assert "more than 10 rows" in refused(b"Name\n" + b"x\n" * 20)


def test_nul_bytes_stay_in_the_cell_for_the_row_checks():
    assert read_table(b"Name\nMi\x00e\n").rows == [(2, ["Mi\x00e"])]


def test_xlsx_is_read_with_formulas_as_written():
    table = read_table(xlsx([["Name", "Size"], ["Mie", 12.0], ["Bad", "=1+1"]]))
    assert table.file_format == "xlsx"
    assert table.rows == [(2, ["Mie", "12"]), (3, ["Bad", "=1+1"])]


def test_a_zip_that_is_not_a_workbook_and_a_zip_bomb(monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("content.xml", "<x/>")
    assert "not an Excel workbook" in refused(out.getvalue())
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1000)
    assert "unpacks to more than" in refused(xlsx([["Name"], ["x" * 5000]]))


def test_a_damaged_workbook():
    data = xlsx([["Name"], ["Mie"]])
    damaged = data.replace(b"xl/worksheets/sheet1.xml", b"xl/worksheets/sheetX.xml")
    assert "could not be read" in refused(damaged) or "not a spreadsheet" in refused(damaged)
