"""Forty screened SMEs, twenty on each side of the bridge, generated from a fixed seed.

Each speciality says what such a company offers and seeks in words the matching engine reads
(keywords overlap between specialities that complete each other: a foundry seeks the
machining a machine shop offers), so proposals pair a Basque foundry with a Mie machine shop
rather than at random. Names are built the way each side names its firms: "Mecanizados
Elgoibar S.L.", or "Kameyama Stamping Co., Ltd." / 亀山プレス工業株式会社.
"""

import random
import re
from typing import NamedTuple

from crm.demo.catalogue import ORGANIZATIONS, DemoOrganization
from crm.demo.people import JAPANESE_FAMILY, ascii_name
from crm.organizations.models import Kind, Region, Size

SEED = 1974


class Speciality(NamedTuple):
    es: str  # the Basque firm's name begins with it
    en: str  # the Mie firm's English name ends with it
    ja: str  # and its Japanese name
    what: str  # what kind of firm, for the description
    sectors: tuple[str, ...]  # the first always, one or two of the others
    offers: tuple[str, ...]
    seeks: tuple[str, ...]


SPECIALITIES = {
    "machining": Speciality(
        "Mecanizados", "Precision Machining", "精密加工", "machine shop",
        ("manufacturing", "automotive", "aeronautics"),
        ("CNC precision machining of aluminium and steel parts",
         "5-axis milling of complex aeronautics parts",
         "turning and grinding of shafts in small and medium batches",
         "machining of titanium parts with full traceability"),
        ("aluminium castings and forgings to machine", "automotive customers",
         "aeronautics customers", "automation of machine tending"),
    ),
    "casting": Speciality(
        "Fundiciones", "Casting", "鋳造", "foundry",
        ("manufacturing", "automotive"),
        ("aluminium die casting", "ductile-iron sand casting",
         "low-pressure casting of aluminium wheels and housings",
         "investment casting of steel parts"),
        ("precision machining partners to deliver finished parts",
         "automation of casting finishing", "automotive customers",
         "simulation of casting processes"),
    ),
    "stamping": Speciality(
        "Estampaciones", "Stamping", "プレス工業", "stamping plant",
        ("automotive", "manufacturing"),
        ("sheet-metal stamping with progressive dies", "deep drawing of automotive parts",
         "hot stamping of high-strength steel", "welded sheet-metal assemblies"),
        ("servo press lines", "press dies and die design", "automotive customers",
         "vision inspection of stamped parts"),
    ),
    "dies": Speciality(
        "Matricería", "Mold & Die", "金型", "mould and die maker",
        ("manufacturing", "automotive"),
        ("press dies and die design", "injection moulds for technical plastic parts",
         "die repair and maintenance"),
        ("stamping partners", "coatings for dies and moulds", "plastic injection customers"),
    ),
    "forging": Speciality(
        "Forjas", "Forging", "鍛造", "forge",
        ("manufacturing", "automotive", "aeronautics"),
        ("hot forging of steel parts", "cold forging of fasteners and shafts",
         "ring rolling for aeronautics engines"),
        ("precision machining partners", "heat treatment", "automotive customers",
         "aeronautics customers"),
    ),
    "composites": Speciality(
        "Composites", "Composites", "複合材", "composites workshop",
        ("advanced-materials", "aeronautics", "automotive"),
        ("CFRP composite parts", "prepreg layup and autoclave curing",
         "thermoplastic composite forming"),
        ("carbon fibre prepreg suppliers", "aeronautics customers",
         "composite testing and certification"),
    ),
    "resins": Speciality(
        "Plásticos Técnicos", "Resin", "樹脂", "resin compounder",
        ("advanced-materials", "automotive"),
        ("engineering resins and compounds", "injection moulding of technical plastic parts",
         "carbon fibre prepreg for composite parts"),
        ("injection moulds", "composite parts makers", "automotive customers"),
    ),
    "automation": Speciality(
        "Automatización", "Automation", "オートメーション", "system integrator",
        ("robotics", "industry-4-0"),
        ("robot cells for machine tending", "vision inspection systems",
         "PLC programming and line integration"),
        ("collaborative robots to integrate", "machining and casting plants to automate",
         "food processing end users"),
    ),
    "coatings": Speciality(
        "Recubrimientos", "Surface Treatment", "表面処理", "heat-treatment and coatings plant",
        ("advanced-materials", "manufacturing"),
        ("PVD coatings for cutting tools and dies", "heat treatment and surface hardening",
         "ceramic coatings"),
        ("cutting tools and dies makers", "automotive parts customers",
         "aeronautics qualification"),
    ),
    "electronics": Speciality(
        "Electrónica Industrial", "Electronics", "電子", "electronics maker",
        ("industry-4-0", "robotics"),
        ("machine monitoring software and IoT sensors", "predictive maintenance",
         "embedded control electronics"),
        ("machining plants for pilots", "casting and stamping plants for pilots",
         "robot makers for integration"),
    ),
    "ceramics": Speciality(
        "Cerámicas Técnicas", "Ceramics", "セラミックス", "ceramics maker",
        ("advanced-materials", "manufacturing"),
        ("technical ceramics and ceramic parts", "ceramic coatings", "ceramic cutting inserts"),
        ("coatings partners", "aeronautics customers", "cutting tools makers"),
    ),
    "food": Speciality(
        "Conservas", "Foods", "食品", "food processor",
        ("agri-food",),
        ("food processing and export packaging", "small batches for delicatessen stores",
         "shelf-life studies and quality certification"),
        ("importers and distributors", "food processing automation", "fermentation know-how"),
    ),
    "biotech": Speciality(
        "Biotech", "Bio", "バイオ", "biotech start-up",
        ("biotechnology", "agri-food"),
        ("precision fermentation and enzymes", "functional ingredients from seaweed",
         "microbial testing"),
        ("marine biomass and seaweed", "food makers", "fermentation partners"),
    ),
}  # fmt: skip

# How many of each speciality, on each side, and the towns they are found in.
BASQUE_PLAN = [
    ("machining", 3, ("Eibar", "Elgoibar", "Azpeitia", "Ermua", "Bergara")),
    ("casting", 2, ("Beasain", "Legazpi", "Durango")),
    ("stamping", 2, ("Durango", "Amorebieta-Etxano", "Oñati")),
    ("forging", 2, ("Legazpi", "Zumarraga", "Llodio")),
    ("dies", 1, ("Bergara", "Eibar")),
    ("composites", 1, ("Vitoria-Gasteiz",)),
    ("automation", 2, ("Bergara", "Oñati", "Durango", "Mungia")),
    ("coatings", 2, ("Elgoibar", "Vitoria-Gasteiz", "Llodio")),
    ("electronics", 1, ("Mungia", "Vitoria-Gasteiz")),
    ("food", 3, ("Gernika-Lumo", "Tolosa", "Ordizia")),
    ("biotech", 1, ("Vitoria-Gasteiz", "Tolosa")),
]
MIE_PLAN = [
    ("machining", 3, ("Suzuka", "Kameyama", "Iga", "Yokkaichi")),
    ("casting", 2, ("Kuwana", "Inabe")),
    ("stamping", 2, ("Kameyama", "Suzuka", "Tsu")),
    ("forging", 1, ("Kuwana", "Tsu")),
    ("dies", 1, ("Matsusaka", "Tsu")),
    ("resins", 2, ("Yokkaichi",)),
    ("automation", 2, ("Tsu", "Nabari", "Kameyama")),
    ("coatings", 1, ("Suzuka", "Yokkaichi")),
    ("electronics", 2, ("Kameyama", "Nabari", "Iga")),
    ("ceramics", 1, ("Iga",)),
    ("food", 2, ("Ise", "Toba", "Matsusaka")),
    ("biotech", 1, ("Tsu", "Ise")),
]
# Basque valleys: a firm may be named after its valley rather than its town.
VALLEYS = {
    "Eibar": "Deba", "Elgoibar": "Deba", "Ermua": "Deba", "Bergara": "Deba", "Oñati": "Deba",
    "Beasain": "Goierri", "Legazpi": "Goierri", "Zumarraga": "Goierri", "Ordizia": "Goierri",
    "Durango": "Durangaldea", "Llodio": "Aiaraldea", "Gernika-Lumo": "Busturialdea",
    "Amorebieta-Etxano": "Arratia", "Azpeitia": "Iraurgi", "Mungia": "Uribe",
    "Tolosa": "Tolosaldea", "Vitoria-Gasteiz": "Araba", "Bermeo": "Busturialdea",
}  # fmt: skip
BASQUE_FAMILIES = ("Arrieta", "Garmendia", "Iturbe", "Olano", "Lasa", "Ugarte", "Zabala")
MIE_TOWNS = {
    "Suzuka": "鈴鹿", "Kameyama": "亀山", "Iga": "伊賀", "Yokkaichi": "四日市", "Kuwana": "桑名",
    "Inabe": "いなべ", "Tsu": "津", "Matsusaka": "松阪", "Nabari": "名張", "Ise": "伊勢",
    "Toba": "鳥羽",
}  # fmt: skip
# Not every Basque food firm cans fish: what it makes goes with where it is.
BASQUE_FOOD = {"Gernika-Lumo": "Conservas", "Ordizia": "Quesos", "Tolosa": "Alimentaria"}
FOOD_OFFERS = {
    "Conservas": "canned seafood and conserves",
    "Alimentaria": "sauces and ready meals",
    "Quesos": "Idiazabal sheep cheese and dairy products",
    "Ise": "Ise tea, matcha and tea sweets",
    "Toba": "processed seafood from Ise Bay: oysters, nori and dried fish",
    "Matsusaka": "Matsusaka beef ready meals and sauces",
}
SIZES = (Size.MICRO, Size.SMALL, Size.SMALL, Size.SMALL, Size.MEDIUM, Size.MEDIUM)
BASQUE_MARKETS = ("France", "Germany", "Mexico", "United States", "China", "Japan")
MIE_MARKETS = ("China", "Thailand", "United States", "Germany", "Spain", "Vietnam")


def sentence(phrases):
    """ "CNC machining; heat treatment." from the phrases, keeping their capitals."""
    text = "; ".join(phrases)
    return text[0].upper() + text[1:] + "."


def profile(rng, speciality, market, speciality_offer=None):
    """Sectors, capabilities and interests: two or three of what such a firm does and seeks."""
    first, *others = speciality.sectors
    sectors = (first, *rng.sample(others, min(len(others), rng.choice((1, 1, 2)))))
    offers = rng.sample(speciality.offers, 2 + (len(speciality.offers) > 3))
    seeks = rng.sample(speciality.seeks, 2)
    capabilities = sentence(([speciality_offer] if speciality_offer else []) + offers)
    return sectors, capabilities, sentence([*seeks, f"partners in {market}"])


LEGAL = re.compile(r"\s+(Co\., Ltd\.|S\.L\.|S\.A\.|S\.Coop\.|Inc\.|K\.K\.)$")


def base(name):
    """The name without its legal form: "Forjas Zumarraga S.A." gives "Forjas Zumarraga"."""
    return LEGAL.sub("", name)


def slug(name):
    """ "Tsu Mold & Die" gives "tsu-mold-die.example"."""
    return "-".join(ascii_name(word) for word in re.findall(r"\w+", name)) + ".example"


class Names:
    """The names and domains taken so far; a new name must not read like one of them."""

    def __init__(self, entries):
        self.words = [base(entry.name).split() for entry in entries]
        self.domains = {entry.domain for entry in entries}

    def close(self, name):
        """Same place and trade as another firm ("Conservas Bermeo" beside "Conservas
        Artesanas Bermeo", "Suzuka Precision Machining" beside "Suzuka Precision Parts")."""
        words = base(name).split()
        return slug(base(name)) in self.domains or any(
            words[0] == other[0] and (words[-1] == other[-1] or len(set(words) & set(other)) > 1)
            for other in self.words
        )

    def take(self, name):
        self.words.append(base(name).split())
        self.domains.add(slug(base(name)))
        return slug(base(name))


def basque_name(rng, word, town, names):
    suffix = rng.choice(("S.L.", "S.L.", "S.A.", "S.Coop."))
    for place in (town, VALLEYS[town], *rng.sample(BASQUE_FAMILIES, len(BASQUE_FAMILIES))):
        name = f"{word} {place.split('-')[0]} {suffix}"
        if not names.close(name):
            return name, None
    raise ValueError(name)


def mie_name(rng, speciality, town, names):
    """(English name, Japanese name): after the town or, as often, the founding family."""
    families = rng.sample(JAPANESE_FAMILY, len(JAPANESE_FAMILY))
    for romaji, kanji in [(town, MIE_TOWNS[town])] + [(f[0], f[1]) for f in families]:
        name = f"{romaji} {speciality.en} Co., Ltd."
        if not names.close(name):
            return name, f"{kanji}{speciality.ja}株式会社"
    raise ValueError(name)


FOUNDED = {"biotech": (2009, 2021), "electronics": (1978, 2015)}  # others: (1948, 2008)


def generate():
    """The SMEs, in a fixed order: Basque ones first."""
    rng = random.Random(SEED)
    names = Names(ORGANIZATIONS)
    smes = []
    for region, plan in ((Region.BASQUE_COUNTRY, BASQUE_PLAN), (Region.MIE, MIE_PLAN)):
        basque = region is Region.BASQUE_COUNTRY
        for key, count, towns in plan:
            speciality = SPECIALITIES[key]
            # Food firms each in their own town; others may share one (a different name then).
            for town in rng.sample(towns if key == "food" else towns * count, count):
                if basque:
                    word = BASQUE_FOOD[town] if key == "food" else speciality.es
                    name, native = basque_name(rng, word, town, names)
                else:
                    word = town
                    name, native = mie_name(rng, speciality, town, names)
                domain = names.take(name)
                # What a food firm makes depends on what it is called, or on where it is.
                sectors, capabilities, interests = profile(
                    rng,
                    speciality,
                    "Japan" if basque else "Europe",
                    FOOD_OFFERS.get(word) if key == "food" else None,
                )
                owned = "Family-owned" if rng.random() < 0.6 else "Independent"
                if name.endswith("S.Coop."):
                    owned = "Worker-owned cooperative"
                founded = rng.randint(*FOUNDED.get(key, (1948, 2008)))
                smes.append(
                    DemoOrganization(
                        name=name,
                        native_name=native,
                        kind=Kind.COMPANY,
                        region=region,
                        country="ES" if basque else "JP",
                        city=town,
                        size=rng.choice(SIZES),
                        domain=domain,
                        sectors=sectors,
                        description=f"{owned} {speciality.what} founded in {founded} in {town}.",
                        capabilities=capabilities,
                        interests=interests,
                        languages="es,en" if basque else "ja,en",
                        export_markets=", ".join(
                            rng.sample(BASQUE_MARKETS if basque else MIE_MARKETS, 2)
                        ),
                    )
                )
    return smes


SMES = generate()
