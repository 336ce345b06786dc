"""The region of an imported organization whose row has no region cell: the row tells, by its
address or city, its postcode, its phone number or its country, in that order. Each rule names
itself, so the preview can say which one decided."""

import re

from flask_babel import lazy_gettext as _l

from crm.organizations.models import Region
from crm.text import search_key

EUROPE = {"AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR",
          "HR", "HU", "IE", "IS", "IT", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO",
          "SE", "SI", "SK"}  # fmt: skip
# Places whose name in an address or a city cell says the region (compared after search_key).
PLACES = {
    Region.MIE: ("三重", "mie", "津市", "四日市", "鈴鹿", "伊勢市", "松阪", "桑名", "伊賀", "名張",
                 "亀山", "鳥羽", "志摩", "尾鷲", "熊野", "いなべ", "yokkaichi", "suzuka",
                 "matsusaka", "kuwana", "nabari", "kameyama"),
    Region.BASQUE_COUNTRY: ("bizkaia", "vizcaya", "gipuzkoa", "guipuzcoa", "araba", "alava",
                            "euskadi", "pais vasco", "bilbao", "bilbo", "donostia",
                            "san sebastian", "vitoria", "gasteiz", "getxo", "barakaldo",
                            "irun", "eibar", "arrasate", "mondragon", "zamudio", "derio",
                            "elgoibar", "durango"),
}  # fmt: skip
JAPAN_POSTCODE = re.compile(r"〒?\s*(\d{3})-?\d{4}")
SPAIN_POSTCODE = re.compile(r"\d{5}")
RULES = {
    "region": _l("its region cell"),
    "address": _l("its address"),
    "postcode": _l("its postcode"),
    "phone": _l("its phone number"),
    "country": _l("its country"),
    "default": _l("the region chosen for this file"),
}


def _place_pattern(names):
    """One expression per region: Latin names as whole words, Japanese ones anywhere."""
    latin = [rf"\b{re.escape(n)}\b" for n in names if n.isascii()]
    return re.compile("|".join([*latin, *(re.escape(n) for n in names if not n.isascii())]))


PLACE_PATTERNS = {region: _place_pattern(names) for region, names in PLACES.items()}
BASQUE_AREAS = ("943", "944", "945", "946")  # Gipuzkoa, Bizkaia, Álava, Bizkaia
# A country with two regions of the programme: the chosen default may pick its home one.
HOMES = {"JP": (Region.MIE, Region.OTHER_JAPAN), "ES": (Region.BASQUE_COUNTRY, Region.OTHER_EUROPE)}


def from_place(*texts):
    key = search_key(*texts)
    return next((r for r, pattern in PLACE_PATTERNS.items() if pattern.search(key)), None)


def from_postcode(text, country):
    text = search_key(text)
    japanese = JAPAN_POSTCODE.fullmatch(text)
    if japanese and country in (None, "JP"):
        return Region.MIE if japanese.group(1).startswith("51") else Region.OTHER_JAPAN
    if SPAIN_POSTCODE.fullmatch(text) and country in (None, "ES"):
        return Region.BASQUE_COUNTRY if text[:2] in ("01", "20", "48") else Region.OTHER_EUROPE
    return None


def from_phone(text):
    """+81 59 / 0081 59 / 059 (Mie), +34 943–946 / 943–946 (the Basque Country)."""
    text = search_key(text)
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or digits.startswith("00"):
        digits = digits.removeprefix("00")
        if digits.startswith("81"):
            return Region.MIE if digits.startswith("8159") else Region.OTHER_JAPAN
        if digits.startswith("34"):
            return Region.BASQUE_COUNTRY if digits[2:5] in BASQUE_AREAS else Region.OTHER_EUROPE
        return None
    if len(digits) == 10 and digits.startswith("059"):
        return Region.MIE
    if len(digits) == 9 and digits[:3] in BASQUE_AREAS:
        return Region.BASQUE_COUNTRY
    return None


def from_country(country, default):
    """A country alone: JP and ES hold two regions each, so the file's default may say which."""
    if country in HOMES:
        home, other = HOMES[country]
        return (home, "default") if default == home else (other, "country")
    if country in EUROPE:
        return Region.OTHER_EUROPE, "country"
    return (Region.OTHER, "country") if country else (None, None)


def infer(raw, country, default):
    """(region, rule) for a row's cells ``raw``; (None, None) when nothing tells."""
    default = Region(default) if default else None
    found = from_place(raw.get("address"), raw.get("city"))
    if found:
        return found, "address"
    if raw.get("postcode") and (found := from_postcode(raw["postcode"], country)):
        return found, "postcode"
    for name in ("phone", "mobile"):
        if raw.get(name) and (found := from_phone(raw[name])):
            return found, "phone"
    if country:
        return from_country(country, default)
    return (default, "default") if default else (None, None)
