"""The words a spreadsheet may use for Zubia's choices: enum values, labels in every language,
country names and codes, sectors, users. Each lookup is by ``search_key``."""

from zoneinfo import available_timezones

from babel import Locale
from flask import current_app
from sqlalchemy import select

from crm.accounts.models import User
from crm.contacts.models import NameOrder
from crm.extensions import db
from crm.imports.regions import PLACES
from crm.organizations.models import Region, Sector, Size
from crm.organizations.synonyms import enum_words, kind_words, sector_words
from crm.text import search_key

REGION_ALIASES = {  # a region cell may name a place in it ("Bizkaia", "津市") too
    "basque": Region.BASQUE_COUNTRY,
    "バスク": Region.BASQUE_COUNTRY,
    "三重県": Region.MIE,
    **{name: region for region, names in PLACES.items() for name in names},
}
REGION_COUNTRIES = {Region.BASQUE_COUNTRY: "ES", Region.MIE: "JP", Region.OTHER_JAPAN: "JP"}


class Vocabulary:
    """Everything the checks look words up in, loaded once per file (a few queries)."""

    def __init__(self, *, with_users):
        self.kinds = kind_words()
        self.regions = enum_words(Region, REGION_ALIASES)
        self.sizes = enum_words(Size)
        self.name_orders = enum_words(NameOrder)
        self.countries = {}
        languages = tuple(current_app.config["LANGUAGES"])
        for locale in languages:  # a Basque list's Herrialdea says Espainia, Japonia
            for code, name in Locale.parse(locale).territories.items():
                if len(code) == 2 and code.isalpha():
                    self.countries.setdefault(search_key(name), code)
                    self.countries[search_key(code)] = code
        self.languages = {}
        for code in current_app.config["LANGUAGES"]:
            self.languages[code] = code
            for locale in (*languages, code):
                self.languages[search_key(Locale.parse(code).get_display_name(locale))] = code
        self.timezones = {search_key(zone): zone for zone in available_timezones()}
        self.sectors = sector_words(db.session.scalars(select(Sector)).all())
        self.users = {}
        if with_users:
            rows = db.session.execute(select(User.id, User.email, User.name).where(User.active))
            for user_id, email, name in rows:
                self.users.setdefault(search_key(name), user_id)
                self.users[search_key(email)] = user_id
