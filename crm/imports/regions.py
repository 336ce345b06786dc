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


def from_place(*texts):
    key = search_key(*texts)
    for region, names in PLACES.items():
        for name in names:
            if name.isascii():
                if re.search(rf"\b{re.escape(name)}\b", key):
                    return region
            elif name in key:
                return region
    return None


def from_postcode(text, country):
    text = search_key(text)
    japanese = JAPAN_POSTCODE.fullmatch(text)
    if japanese and country in (None, "JP"):
        return Region.MIE if japanese.group(1).startswith("51") else Region.OTHER_JAPAN
    if SPAIN_POSTCODE.fullmatch(text) and country in (None, "ES"):
        return Region.BASQUE_COUNTRY if text[:2] in ("01", "20", "48") else Region.OTHER_EUROPE
    return None


def from_phone(text):
    digits = re.sub(r"\D", "", search_key(text))
    international = digits.startswith(("81", "34")) and search_key(text).startswith(("+", "00"))
    digits = digits.removeprefix("00")
    if international and digits.startswith("81"):
        return Region.MIE if digits.startswith("8159") else Region.OTHER_JAPAN
    if international and digits.startswith("34"):
        return (
            Region.BASQUE_COUNTRY
            if digits[2:5] in ("943", "944", "945", "946")
            else Region.OTHER_EUROPE
        )
    if digits.startswith("059") and len(digits) == 10:
        return Region.MIE
    if digits[:3] in ("943", "944", "945", "946") and len(digits) == 9:
        return Region.BASQUE_COUNTRY
    return None


def from_country(country):
    if country == "JP":
        return Region.OTHER_JAPAN
    if country in EUROPE:
        return Region.OTHER_EUROPE
    return Region.OTHER if country else None


def infer(raw, country, default):
    """(region, rule) for a row's cells ``raw``; (None, None) when nothing tells."""
    found = from_place(raw.get("address"), raw.get("city"))
    if found:
        return found, "address"
    if raw.get("postcode") and (found := from_postcode(raw["postcode"], country)):
        return found, "postcode"
    for name in ("phone", "mobile"):
        if raw.get(name) and (found := from_phone(raw[name])):
            return found, "phone"
    if found := from_country(country):
        return found, "country"
    if default:
        return Region(default), "default"
    return None, None
