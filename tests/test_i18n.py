"""Every language of the interface (English, Japanese, Spanish, Basque) covers every UI text."""

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.messages.pofile import read_po

from config import Config

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
         "-k", "_l", "-k", "lazy_pgettext:1c,2", "--ignore-dirs=.*", "-o", str(pot),
         "--no-location", "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    # A message is its id and its context: pgettext's "By" (uploaded by) and "By" (due date)
    # are two messages.
    return {(m.id, m.context) for m in catalog(pot) if m.id}


TRANSLATED = [code for code in Config().LANGUAGES if code != "en"]


def test_every_language_offered_has_a_catalogue():
    assert "eu" in TRANSLATED
    for code in Config().LANGUAGES:
        assert (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").is_file(), code


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(extracted, language):
    messages = {
        (m.id, m.context): m
        for m in catalog(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    }
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
    english = {
        (m.id, m.context) for m in catalog(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po")
    }
    assert extracted - english == set()


def test_japanese_pages_are_in_japanese(client, login):
    login(language="ja")
    page = client.get("/account").data.decode()
    assert "マイアカウント" in page
    assert "Your account" not in page


def test_basque_pages_are_in_basque_with_basque_dates(client, login, records):
    user = login(language="eu")
    records.action(user, title="Bidali liburuxka", due_date=date(2026, 12, 1))
    page = client.get("/actions/").data.decode()
    assert 'lang="eu"' in page
    assert "Ekintzak" in page and "Epemuga" in page
    assert "My actions" not in page
    assert format_date(date(2026, 12, 1), "medium", locale="eu") in page  # 2026(e)ko abe. 1(a)


def test_contact_form_suggests_the_salutations_of_the_contact_language(client, login, records):
    user = login(language="en")
    org = records.org(user)
    contact = records.contact(user, org, family_name="Etxeberria", language="eu")
    page = client.get(f"/contacts/{contact}/edit").data.decode()
    assert 'list="salutation-suggestions"' in page
    options = re.findall(r'<option value="([^"]*)">', page.split('id="salutation-suggestions"')[1])
    assert options[:2] == ["Etxeberria jauna", "Etxeberria andrea"]  # the contact's language
    assert options[2:4] == ["Mr Etxeberria", "Ms Etxeberria"]  # then the reader's
    assert "Sr. Etxeberria" in options
