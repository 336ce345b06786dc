"""A profile's words as concepts of the multilingual vocabulary, in English, Spanish, Basque or
Japanese alike, and the words no concept covers as normalised terms.

Japanese is segmented by SudachiPy (short units, normalised forms: ベヤリング = ベアリング);
Latin words are folded (case, accents, width) and reduced per language: English and Spanish by
the Snowball stemmers, Basque by stripping the common case endings (-ak, -eko, -ekin, -entzat …).
A text is read once in each of the three Latin languages, since a profile does not say its
language; a vocabulary term matches where its reduced words follow each other in a clause.
"""

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer
from sudachipy import Dictionary, SplitMode

from crm.text import search_key

BUILT_IN = Path(__file__).with_name("concepts.toml")
LATIN_LANGUAGES = ("en", "es", "eu")
LANGUAGES = (*LATIN_LANGUAGES, "ja")

STOPWORDS = set(
    # English
    [
        "and",
        "the",
        "for",
        "with",
        "from",
        "our",
        "their",
        "that",
        "this",
        "into",
        "other",
        "more",
        "also",
        "such",
        "based",
        "them",
        "they",
        "your",
        "will",
        "have",
        "has",
        "are",
        "was",
        "were",
        "can",
        "its",
        "than",
        "which",
        "who",
        "what",
        "when",
        "where",
        "while",
        "of",
        "in",
        "on",
        "to",
        "by",
        "as",
        "at",
        "or",
        "an",
        "a",
        "be",
        "we",
        "us",
        "it",
        "is",
        "need",
        "needs",
        "want",
        "wants",
        "able",
        "de",
        "del",
        "la",
        "las",
        "el",
        "los",
        "en",
        "y",
        "e",
        "o",
        "u",
        "para",
        "por",
        "con",
        "sin",
        "que",
        "un",
        "una",
        "unos",
        "unas",
        "su",
        "sus",
        "nuestro",
        "nuestra",
        "nuestros",
        "nuestras",
        "al",
        "lo",
        "como",
        "se",
        "es",
        "son",
        "quieren",
        "quiere",
        "necesitan",
        "ser",
        "dar",
        "eta",
        "edo",
        "bat",
        "batzuk",
        "du",
        "dute",
        "duten",
        "dira",
        "da",
        "gure",
        "beren",
        "nahi",
        "behar",
        "gisa",
    ]
)
_TOKEN = re.compile(r"[a-z0-9]+|[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆ー]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_HIRAGANA = re.compile(r"^[\u3040-\u309fー]+$")
_CLAUSE = re.compile(r"[,.;:!?()\[\]/、。;:・「」『』()【】\n]+")
# Basque case endings and the article, longest first; a stem keeps at least four letters.
_BASQUE_ENDINGS = sorted(
    [
        "ak",
        "ek",
        "a",
        "ko",
        "eko",
        "ren",
        "aren",
        "en",
        "ean",
        "an",
        "etan",
        "etako",
        "etara",
        "etatik",
        "tik",
        "ra",
        "era",
        "rekin",
        "ekin",
        "arekin",
        "entzat",
        "arentzat",
        "rentzat",
        "tzat",
        "z",
        "az",
        "ez",
        "ean",
        "ek",
        "etan",
        "k",
        "ri",
        "ari",
        "ei",
    ],
    key=len,
    reverse=True,
)
_SKIPPED_POS = {"助詞", "助動詞", "補助記号", "記号", "空白", "接頭辞"}
ACRONYMS = {"ai", "ev", "3d", "5g", "iot", "ict", "rd", "hr", "cnc", "mes", "erp", "b2b"}


@lru_cache(maxsize=1)
def _tokenizer():
    return Dictionary(dict="core").tokenizer(mode=SplitMode.A)


_stemmers = {
    "en": snowballstemmer.stemmer("english"),
    "es": snowballstemmer.stemmer("spanish"),
}


@lru_cache(maxsize=200_000)
def reduce(word, language):
    """``word`` (folded, Latin) as the vocabulary of ``language`` compares it."""
    if word.isdigit() or len(word) <= 3:
        return word
    if language == "eu":
        for ending in _BASQUE_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 4:
                return word[: -len(ending)]
        return word
    if language == "es" and word.endswith("s"):
        word = word[:-1]
    return _stemmers[language].stemWord(word)


@lru_cache(maxsize=100_000)
def _japanese(run):
    """(normalised form, is a content noun, as written) of the short units of a Japanese run."""
    units = []
    for morpheme in _tokenizer().tokenize(run):
        pos = morpheme.part_of_speech()
        if pos[0] in _SKIPPED_POS:
            continue
        form = morpheme.normalized_form()
        content = pos[0] == "名詞" and pos[1] != "数詞" and not _HIRAGANA.match(form)
        units.append((form, content, morpheme.surface()))
    return units


def _singular(word):
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


@dataclass(frozen=True)
class Token:
    surface: str  # as written (folded)
    latin: bool
    content: bool  # counts as a term of its own when no concept covers it
    written: str = ""  # Japanese: as written, before normalisation


def tokens(clause):
    """The tokens of one clause, stopwords and particles left out."""
    found = []
    for raw in _TOKEN.findall(clause):
        if _CJK.match(raw):
            found.extend(Token(form, False, content, raw) for form, content, raw in _japanese(raw))
        elif raw not in STOPWORDS:
            found.append(Token(raw, True, len(raw) > 2 or raw in ACRONYMS or raw.isdigit()))
    return found


def clauses(text):
    key = search_key(text or "").replace("r&d", "rd")
    return [part for part in _CLAUSE.split(key) if part.strip()]


def keys(clause_tokens, language):
    return tuple(reduce(t.surface, language) if t.latin else t.surface for t in clause_tokens)


@dataclass
class Concept:
    code: str
    terms: dict  # language -> [terms as written]
    broader: tuple = ()
    mutual: bool = False  # both sides seeking it is a partnership (joint research, exchange)

    def label(self, language):
        for lang in (language, "en", *LANGUAGES):
            if self.terms.get(lang):
                return self.terms[lang][0]
        return self.code


@dataclass
class Vocabulary:
    concepts: dict  # code -> Concept
    index: dict  # language -> {tuple of keys: code}
    longest: int

    def analyse(self, text):
        """{term: the words of ``text`` it was read from}: "c:code" for concepts (and their
        broader ones), "w:word" for the content words no concept covers."""
        found = {}
        for clause in clauses(text):
            clause_tokens = tokens(clause)
            covered = set()
            for language in LATIN_LANGUAGES:
                index, stream = self.index[language], keys(clause_tokens, language)
                start = 0
                while start < len(stream):
                    for size in range(min(self.longest, len(stream) - start), 0, -1):
                        code = index.get(stream[start : start + size])
                        if code:
                            words = clause_tokens[start : start + size]
                            self._add(found, code, _written(words))
                            covered.update(range(start, start + size))
                            start += size
                            break
                    else:
                        start += 1
            for n, token in enumerate(clause_tokens):
                if n not in covered and token.content:
                    term = _singular(token.surface) if token.latin else token.surface
                    found.setdefault(f"w:{term}", token.written or token.surface)
        return found

    def _add(self, found, code, words):
        found.setdefault(f"c:{code}", words)
        for broader in self.concepts[code].broader:
            if broader in self.concepts:
                self._add(found, broader, words)


def _written(words):
    text = ""
    for token in words:
        if text and token.latin and (text[-1].isascii() and text[-1].isalnum()):
            text += " "
        text += token.written or token.surface
    return text


def parse(paths):
    """The vocabulary of the TOML files at ``paths``; later files add terms and concepts."""
    concepts = {}
    for path in paths:
        with open(path, "rb") as stream:
            data = tomllib.load(stream)
        for code, entry in data.get("concepts", {}).items():
            concept = concepts.setdefault(code, Concept(code, {}))
            for language in LANGUAGES:
                concept.terms.setdefault(language, []).extend(entry.get(language, []))
            concept.broader = tuple({*concept.broader, *entry.get("broader", [])})
            concept.mutual = entry.get("mutual", concept.mutual)
    index = {language: {} for language in LATIN_LANGUAGES}
    for code, concept in concepts.items():
        for language in LANGUAGES:
            for term in concept.terms.get(language, []):
                for clause in clauses(term):
                    clause_tokens = tokens(clause)
                    # A Japanese or language-neutral term (CFRP) is read in every pass.
                    for reading in LATIN_LANGUAGES if language == "ja" else (language,):
                        key = keys(clause_tokens, reading)
                        if key:
                            index[reading].setdefault(key, code)
    longest = max((len(key) for table in index.values() for key in table), default=1)
    return Vocabulary(concepts, index, longest)


@lru_cache(maxsize=8)
def load(extra=()):
    """The built-in vocabulary and the extra files (``MATCHING_VOCABULARY_FILES``), cached."""
    return parse([BUILT_IN, *extra])
