"""The CSV writer every export uses (SEC-10): BOM, quoting and formula neutralisation."""

import csv
import datetime as dt
import io

from hypothesis import given
from hypothesis import strategies as st

from crm.exports import BOM, FORMULA_TRIGGERS, PLAIN_NUMBER, csv_chunks, neutralise

DANGEROUS = [
    ('=HYPERLINK("http://evil.test","x")', '\'=HYPERLINK("http://evil.test","x")'),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("  =1+1", "'  =1+1"),
    ("\0x", "'\0x"),
]
HARMLESS = ['"a,b"', "line1\nline2", "山田太郎", "José Ñúñez", "a=b", "", "x-1",
            "+34 944 00 90 02", "+81592311111", "-15", "+81-59-231-1111"]  # fmt: skip


def read_back(header, rows):
    text = "".join(csv_chunks(header, rows))
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))


def test_dangerous_cells_round_trip_with_the_prefix():
    rows = read_back(["name"], [[value] for value, _ in DANGEROUS])
    assert [row[0] for row in rows[1:]] == [expected for _, expected in DANGEROUS]


def test_harmless_cells_round_trip_unchanged_and_quoted():
    rows = read_back(["name", "n"], [[value, 7] for value in HARMLESS])
    assert [row[0] for row in rows[1:]] == HARMLESS
    assert all(row[1] == "7" for row in rows[1:])


def test_values_are_written_as_spreadsheet_friendly_text():
    assert neutralise(None) == ""
    assert neutralise(True) == "yes"
    assert neutralise(dt.date(2026, 11, 25)) == "2026-11-25"
    assert neutralise(3) == 3


def test_rows_stream_in_batches():
    chunks = list(csv_chunks(["n"], ([i] for i in range(1200))))
    assert len(chunks) == 1 + 3  # header, 500, 500, 200


@given(st.lists(st.text(max_size=30), min_size=1, max_size=5))
def test_no_exported_cell_starts_with_a_trigger(cells):
    row = read_back(["h"] * len(cells), [cells])[1]
    for cell in row:
        if PLAIN_NUMBER.fullmatch(cell.lstrip(" ")):
            continue  # a number, shown as it is
        assert not cell.startswith(FORMULA_TRIGGERS)
        assert not cell.lstrip(" ").startswith(FORMULA_TRIGGERS) or cell.startswith("'")
