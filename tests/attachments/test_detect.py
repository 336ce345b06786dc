"""SEC-11: the type of a file comes from its bytes; names are labels, cleaned for headers."""

import io
import zipfile

import pytest
from werkzeug.http import parse_options_header

from crm.attachments import detect as d
from crm.attachments.names import clean_name, content_disposition
from tests.attachments.factories import PDF, docx, odf, png, zipped


def kind_of(data, name):
    return d.detect(io.BytesIO(data), name)


def refusal(data, name):
    with pytest.raises(d.Refused) as refused:
        kind_of(data, name)
    return str(refused.value.message)


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (PDF, "MoU.pdf", d.PDF),
        (png(), "photo.PNG", d.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "visit.jpeg", d.JPEG),
        (b"GIF89a" + b"\x00" * 16, "logo.gif", d.GIF),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 16, "photo.webp", d.WEBP),
        ("Minutes: 三重県庁, Eusko Jaurlaritza\n".encode(), "minutes.txt", d.TEXT),
        ("\ufeffname;email\nAne;ane@example.eus\n".encode(), "contacts.csv", d.CSV),
        (b"a\tb\n1\t2\n", "table.tsv", d.CSV),
        (docx(), "proposal.docx", d.DOCX),
        (
            zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}),
            "b.xlsx",
            d.XLSX,
        ),
        (zipped({"[Content_Types].xml": b"<Types/>", "ppt/p.xml": b"<p/>"}), "s.pptx", d.PPTX),
        (odf(), "notes.odt", d.ODT),
        (odf("application/vnd.oasis.opendocument.spreadsheet"), "budget.ods", d.ODS),
        (png(), "scan", d.PNG),  # no extension: the content decides
    ],
)
def test_sec11_accepted_types_are_recognised_by_content(data, name, expected):
    assert kind_of(data, name) is expected


def test_sec11_the_browser_name_does_not_decide_the_type():
    # A PDF named .txt is not text, and text named .pdf is not a PDF: both are refused.
    assert "PDF document" in refusal(PDF, "notes.txt")
    assert "Text" in refusal(b"hello", "report.pdf")


def test_sec11_a_png_renamed_pdf_is_refused_with_the_right_extension():
    message = refusal(png(), "contract.pdf")
    assert "PNG image" in message and ".pdf" in message and ".png" in message


def test_sec11_a_csv_containing_a_png_is_refused():
    message = refusal(png(), "contacts.csv")
    assert "PNG image" in message and ".csv" in message


@pytest.mark.parametrize("name", ["drawing.svg", "drawing.txt", "drawing", "page.html", "feed.xml"])
def test_sec11_svg_with_a_script_is_refused_whatever_its_name(name):
    svg = b'\xef\xbb\xbf  <?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    svg += b"<script>alert(document.cookie)</script></svg>"
    assert "SVG" in refusal(svg, name) or "not accepted" in refusal(svg, name)


@pytest.mark.parametrize("name", ["run.exe", "readme.html", "x.svg", "macro.docm", "a.JS"])
def test_sec11_names_that_would_run_or_render_are_refused_even_for_plain_text(name):
    assert "not accepted" in refusal(b"just some words", name)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64, "not accepted"),  # a program
        ("三重県の議事録".encode("shift_jis"), "UTF-8"),
        (b"text with a NUL \x00 inside", "not accepted"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Old Microsoft Office"),
        (zipped({"a.txt": b"hello"}), "ZIP archives are not accepted"),
        (b"PK\x03\x04 not really a zip", "damaged"),
        (docx({"word/vbaProject.bin": b"\x00macro"}), "macros"),
        (odf("application/x-unknown"), "ZIP archives"),
    ],
)
def test_sec11_other_files_are_refused_with_a_reason(data, expected):
    assert expected in refusal(data, "file")


def test_sec11_a_zip_bomb_is_refused_from_its_table_of_contents():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w") as entry:
            for _ in range(64):
                entry.write(b"\x00" * 1024 * 1024)
    assert len(buffer.getvalue()) < 200 * 1024
    assert "unpacks to far more data" in refusal(buffer.getvalue(), "bomb.docx")


def test_sec11_too_many_entries_is_a_bomb_too(monkeypatch):
    monkeypatch.setattr(d, "ZIP_MAX_ENTRIES", 3)
    data = docx({"word/a.xml": b"a", "word/b.xml": b"b"})
    assert "unpacks to far more data" in refusal(data, "many.docx")


def test_detection_leaves_the_stream_at_its_start():
    for data, name in ((PDF, "a.pdf"), (docx(), "a.docx"), (b"hello", "a.txt")):
        stream = io.BytesIO(data)
        d.detect(stream, name)
        assert stream.tell() == 0


def test_download_name_gets_the_extension_of_its_type():
    assert d.download_name("scan", d.PNG) == "scan.png"
    assert d.download_name("IMG_0001.heic", d.JPEG) == "IMG_0001.heic.jpg"
    assert d.download_name("photo.JPEG", d.JPEG) == "photo.JPEG"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../x", "x"),
        ("..\\..\\windows\\system32\\x.txt", "x.txt"),
        ("/etc/passwd", "passwd"),
        ("CON.txt", "_CON.txt"),
        ("con", "_con"),
        ("lpt1.tar.gz", "_lpt1.tar.gz"),
        ("a\x00b.txt", "ab.txt"),
        ("tab\there.txt", "tab here.txt"),
        ("line1\r\nBcc: x.pdf", "line1 Bcc_ x.pdf"),
        ('say "hi".pdf', "say _hi_.pdf"),
        ("gnp\u202e.exe", "gnp.exe"),
        ("議事録\u30002026年.pdf", "議事録 2026年.pdf"),
        ("e\u0301.txt", "é.txt"),
        ("  .hidden. ", "hidden"),
        ("...", ""),
        ("\ud800.txt", "txt"),
    ],
)
def test_sec11_names_are_cleaned(raw, expected):
    assert clean_name(raw) == expected


def test_sec11_a_300_character_name_is_cut_to_255_keeping_its_extension():
    name = clean_name("a" * 296 + ".pdf")
    assert len(name) == 255 and name.endswith("a.pdf")
    assert len(clean_name("ü" * 300)) == 255


def header_names(header):
    value, options = parse_options_header(header)
    assert value == "attachment"
    return options


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("minutes.pdf", "minutes.pdf"),
        ("議事録 2026.pdf", "2026.pdf"),
        ("三重県.pdf", "attachment.pdf"),
        ("José Ñúñez.docx", "Jose Nunez.docx"),
        ("山田太郎", "attachment"),
        ("../../x", "x"),
        ('a"b\r\nc;.txt', "a_b c;.txt"),
    ],
)
def test_sec11_content_disposition_has_an_ascii_fallback_and_the_utf8_name(name, fallback):
    header = content_disposition(name)
    assert "\r" not in header and "\n" not in header
    assert header.isascii()
    assert f'filename="{fallback}"' in header
    assert header_names(header)["filename"] == clean_name(name)  # filename* wins when present
    if clean_name(name) != fallback:
        assert "filename*=UTF-8''" in header
