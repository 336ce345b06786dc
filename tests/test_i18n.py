"""The English and Japanese (and Spanish) catalogues cover every text of the UI."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "crm" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalog(path):
    with open(path, "rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages in the code now, extracted the way `make translations` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "--ignore-dirs=.*", "-o", str(pot), "--no-location", "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return {m.id for m in catalog(pot) if m.id}


@pytest.mark.parametrize("language", ["ja", "es"])
def test_every_message_is_translated(extracted, language):
    messages = {m.id: m for m in catalog(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")}
    missing = sorted(
        (i for i in extracted if i not in messages or not all(forms(messages[i].string))), key=str
    )
    assert missing == [], f"untranslated in {language}: run `make translations` and translate"
    fuzzy = sorted((m.id for m in messages.values() if m.id and m.fuzzy), key=str)
    assert fuzzy == []
    for message in messages.values():
        if message.id and all(forms(message.string)):
            wanted = set(PLACEHOLDER.findall(forms(message.id)[-1]))
            for form in forms(message.string):
                assert set(PLACEHOLDER.findall(form)) == wanted, message.id


def forms(text):
    """The forms of a message: one, or singular and plurals (ngettext)."""
    return [text] if isinstance(text, str) else list(text)


def test_english_catalogue_exists_for_every_message(extracted):
    english = {m.id for m in catalog(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po")}
    assert extracted - english == set()


def test_japanese_pages_are_in_japanese(client, login):
    login(language="ja")
    page = client.get("/account").data.decode()
    assert "マイアカウント" in page
    assert "Your account" not in page
