"""Text normalisation for search and duplicate detection."""

import re
import unicodedata

_LATIN_MARKS = re.compile("[\u0300-\u036f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
# Longer names are cut: a 600-character key stays under PostgreSQL's B-tree entry size (2,704
# bytes) even in 4-byte characters, and NFKC may lengthen text (㍿ becomes 株式会社).
KEY_LENGTH = 600


def search_key(*parts):
    """A form of ``parts`` that matches regardless of case, accents and character width.

    "Fundación" and "FUNDACION" give the same key; full-width "ＭＩＥ" gives "mie"; half-width
    katakana become full-width. Only Latin diacritics are removed: the voiced marks of kana
    (が, ぱ) are part of the letter and stay.
    """
    text = _CONTROL.sub(" ", " ".join(p for p in parts if p))  # a NUL cannot reach the database
    text = unicodedata.normalize("NFKC", text)
    text = _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text))
    text = unicodedata.normalize("NFC", text).casefold()
    return _SPACES.sub(" ", text).strip()[:KEY_LENGTH]


def like_pattern(query):
    """A LIKE pattern that finds ``query`` anywhere; % _ and \\ in the query are literal."""
    escaped = search_key(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Legal forms, as search_key leaves them (NFKC makes ㈱ "(株)"): an organization's name with
# and without one is the same organization: 監査工業（株） = 監査工業株式会社, "X Co., Ltd." = "X".
_LEGAL_JA = re.compile(
    r"^(?:株式会社|有限会社|合同会社|\(株\)|\(有\))\s*|\s*(?:株式会社|有限会社|合同会社|\(株\)|\(有\))$"
)
_LEGAL_LATIN = re.compile(
    r"(?:[\s,]+(?:co\.?,?\s*ltd|ltd|limited|inc|incorporated|corp|corporation|llc|gmbh|k\.?\s?k|"
    r"s\.?\s?l\.?\s?u|s\.?\s?l|s\.?\s?a|s\.?\s?coop|s\.?\s?a\.?\s?l)\.?)+$"
)


def without_legal_form(name):
    """``search_key`` of an organization's name without its legal form (unless that is all)."""
    key = search_key(name)
    return _LEGAL_JA.sub("", _LEGAL_LATIN.sub("", key)).strip() or key


def organization_name_key(name):
    """An organization's name as duplicates compare it: legal form, case, width, spaces aside."""
    return without_legal_form(name).replace(" ", "")
