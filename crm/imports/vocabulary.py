"""The words a spreadsheet may use for Zubia's choices: enum values, labels in every language,
country names and codes, sectors, users. Each lookup is by ``search_key``."""

from zoneinfo import available_timezones

from babel import Locale
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from crm.accounts.models import User
from crm.contacts.models import NameOrder
from crm.extensions import db
from crm.imports.regions import PLACES
from crm.organizations.models import Kind, Region, Sector, Size
from crm.organizations.synonyms import KIND_WORDS, SECTOR_WORDS
from crm.text import search_key

LOCALES = ("en", "ja", "es")
REGION_ALIASES = {  # a region cell may name a place in it ("Bizkaia", "津市") too
    "basque": Region.BASQUE_COUNTRY,
    "バスク": Region.BASQUE_COUNTRY,
    "三重県": Region.MIE,
    **{name: region for region, names in PLACES.items() for name in names},
}
REGION_COUNTRIES = {Region.BASQUE_COUNTRY: "ES", Region.MIE: "JP", Region.OTHER_JAPAN: "JP"}


def enum_words(enum_class, extra=None):
    """{search key: member} for each member's value and its label in every language."""
    words = {}
    for member in enum_class:
        words[search_key(member.value)] = member
        words[search_key(member.value.replace("_", " "))] = member
        for locale in LOCALES:
            with force_locale(locale):
                words.setdefault(search_key(str(member.label)), member)
    for word, member in (extra or {}).items():
        words.setdefault(search_key(word), member)
    return words


class Vocabulary:
    """Everything the checks look words up in, loaded once per file (a few queries)."""

    def __init__(self, *, with_users):
        self.kinds = enum_words(
            Kind, {word: kind for kind, words in KIND_WORDS.items() for word in words}
        )
        self.regions = enum_words(Region, REGION_ALIASES)
        self.sizes = enum_words(Size)
        self.name_orders = enum_words(NameOrder)
        self.countries = {}
        for locale in (*LOCALES, "eu"):  # a Basque list's Herrialdea says Espainia, Japonia
            for code, name in Locale.parse(locale).territories.items():
                if len(code) == 2 and code.isalpha():
                    self.countries.setdefault(search_key(name), code)
                    self.countries[search_key(code)] = code
        self.languages = {}
        for code in current_app.config["LANGUAGES"]:
            self.languages[code] = code
            for locale in (*LOCALES, code):
                self.languages[search_key(Locale.parse(code).get_display_name(locale))] = code
        self.timezones = {search_key(zone): zone for zone in available_timezones()}
        self.sectors = {}
        for sector in db.session.scalars(select(Sector)):
            for word in (sector.code, sector.name_en, sector.name_ja, sector.name_es):
                self.sectors[search_key(word)] = sector
            for word in SECTOR_WORDS.get(sector.code, ()):
                self.sectors.setdefault(search_key(word), sector)
        self.users = {}
        if with_users:
            rows = db.session.execute(select(User.id, User.email, User.name).where(User.active))
            for user_id, email, name in rows:
                self.users.setdefault(search_key(name), user_id)
                self.users[search_key(email)] = user_id
