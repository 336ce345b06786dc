"""A contact file's phone columns: which number is the main phone, which the mobile, and which
are kept as other phones, each with its label.

Outlook exports a column per kind of phone (Business Phone, Business Phone 2, Home Phone,
Company Main Phone, Primary Phone, Business Fax, Pager …), Google pairs "Phone 1 - Label" (or
the older "Phone 1 - Type") with "Phone 1 - Value", Apple writes "Phone (work)". The label of a
number is its row's type cell, else its column's header without the word "Phone" ("Home Phone 2"
→ "Home"). Of the columns mapped to the phone, the first non-empty one in this order is the main
phone, ties going to the file's column order:

1. a starred type ("* Work": Google's primary), then Primary, Main or a plain "Phone" column;
2. Business / Work (Business Phone, then Business Phone 2): the person's own line;
3. Company Main: the switchboard reaches the organization, not the person;
4. Other;
5. Home: Zubia is for work, so a home number is the main phone only when there is no other;
6. any other label.

A fax, pager, car, assistant … label is never the main phone, and a Mobile label fills the
mobile when its own column left it empty. Every other non-empty number is kept as an other
phone, in the same order (faxes, pagers … last): "Home: +34 944 00 90 02; Fax: +81 59 123 4567".
"""

import re

from crm.fields import PHONE_HEADERS
from crm.forms import join_phones, split_phones
from crm.imports.reading import split_many
from crm.text import search_key

COLUMNS = ("phone", "other_phones")  # the fields whose numbers are labelled
TYPE = "phone_type"  # a column whose cells label the phone column right after it
RANKS = (
    {"primary", "main", "pref", "phone"},
    {"business", "work", "office", "会社", "勤務先", "trabajo", "lana", "lanekoa"},
    {"company main", "company"},
    {"other", "otro", "beste", "その他"},
    {"home", "自宅", "casa", "particular", "etxea", "etxekoa"},
)
NEVER_MAIN = re.compile(
    r"fax|ファクス|ファックス|pager|\bcar\b|assistant|callback|radio|tty|telex|isdn"
)
MOBILE = {"mobile", "cell", "cellular", "iphone", "movil", "mugikorra", "携帯", "携帯電話"}
_HEADER_SUFFIX = re.compile(r"\s*-\s*(?:value|type|label)\s*$", re.IGNORECASE)
_PHONE_WORDS = re.compile(r"\b(?:tele)?phone\b|\bnumber\b|'s\b|\d+|[()]", re.IGNORECASE)
_PLAIN = {search_key(header) for header in PHONE_HEADERS}
# Headers of a column that is a list of labelled numbers itself (a Zubia export's), whose
# unlabelled numbers therefore take no label from it.
LIST_HEADERS = ("other phones", "otros teléfonos", "beste telefonoak")


def column_label(header, lists=()):
    """The label a column gives its numbers: "Home Phone 2" → "Home", "Phone (work)" → "Work",
    "Assistant's Phone" → "Assistant"; "Phone 2 - Value" or "電話" stay plain: "Phone", "電話";
    a list's header (LIST_HEADERS, ``lists``: the field's label) gives none."""
    if search_key(header) in {search_key(h) for h in (*LIST_HEADERS, *lists)}:
        return None
    text = _HEADER_SUFFIX.sub("", header.strip())
    label = " ".join(_PHONE_WORDS.sub(" ", text).split())
    if not label or search_key(label) in _PLAIN:
        label = " ".join(re.sub(r"\d+", " ", text).split()) or text
    return label[:1].upper() + label[1:]


def rank(label):
    key = search_key(label)
    if key in _PLAIN:
        return 0
    return next((n for n, words in enumerate(RANKS) if key in words), len(RANKS))


def is_mobile(label):
    return search_key(label) in MOBILE


def compose(raw, numbers):
    """Set ``raw``'s phone, mobile and other phones from ``numbers``: [(field, label, cell)]
    in column order, for the phone and other-phone columns of a row."""
    found = []  # (rank, label, number); rank None: never the main phone
    for name, label, text in numbers:
        if name == "other_phones":  # a Zubia export's "Home: +34…; Fax: +81…" (' its mark)
            found += [(None, own or label, n) for own, n in split_phones(text.removeprefix("'"))]
            continue
        label = label or "Phone"
        starred = label.startswith("*")
        label = label.lstrip("* ") or "Phone"
        place = -1 if starred else rank(label)
        if NEVER_MAIN.search(search_key(label)) or is_mobile(label):
            place = None
        found += [(place, label, number) for number in split_many(text)]
    if not raw.get("mobile"):
        mobile = next((entry for entry in found if is_mobile(entry[1])), None)
        if mobile:
            found.remove(mobile)
            raw["mobile"] = mobile[2]
    candidates = [entry for entry in found if entry[0] is not None]
    if candidates:
        main = min(candidates, key=lambda entry: entry[0])  # the first of its rank
        found.remove(main)
        raw["phone"] = main[2]
    if found:  # the person's own lines first, faxes, pagers … last; else in column order
        found.sort(key=lambda entry: len(RANKS) + 1 if entry[0] is None else entry[0])
        raw["other_phones"] = join_phones((label, number) for _rank, label, number in found)
