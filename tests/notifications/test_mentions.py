"""Who ``@name`` means: pure functions, no database."""

from types import SimpleNamespace

from crm.notifications.mentions import handles, mentioned, parts

PEOPLE = [
    SimpleNamespace(id=1, name="Miren Agirre", email="miren.agirre@zubia.example"),
    SimpleNamespace(id=2, name="山田 太郎", email="yamada@mie.example"),
    SimpleNamespace(id=3, name="Ane", email="ane@zubia.example"),
    SimpleNamespace(id=4, name="山田", email="t.yamada@mie.example"),
]
NAMES = handles(PEOPLE)


def test_a_name_without_spaces_or_the_email_local_part_in_any_case():
    assert mentioned("Thanks @MirenAgirre", NAMES) == {1}
    assert mentioned("cc @MIREN.AGIRRE.", NAMES) == {1}
    assert mentioned("@yamada, see you", NAMES) == {2}


def test_a_japanese_name_runs_into_the_next_word_and_the_longest_name_wins():
    assert mentioned("@山田太郎さんと打ち合わせ", NAMES) == {2}
    assert mentioned("全角でも＠山田太郎さん", NAMES) == {2}
    assert mentioned("@山田さん", NAMES) == {4}


def test_a_latin_name_needs_a_boundary_and_an_email_address_mentions_nobody():
    assert mentioned("@anetxe will come", NAMES) == set()
    assert mentioned("@ane's slides", NAMES) == {3}
    assert mentioned("write to bob@miren.agirre or foo@ane", NAMES) == set()
    assert mentioned("", NAMES) == mentioned(None, NAMES) == set()


def test_parts_mark_each_mention_and_keep_the_rest_as_it_is():
    text = "Met @山田太郎さん and <b>@ane</b>"
    assert parts(text, NAMES) == [
        ("Met ", False),
        ("@山田太郎", True),
        ("さん and <b>", False),
        ("@ane", True),
        ("</b>", False),
    ]
    assert "".join(piece for piece, _ in parts(text, NAMES)) == text
