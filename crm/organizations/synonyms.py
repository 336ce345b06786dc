"""Other words people use for the kinds of organization and the MoU sectors, in English,
Japanese, Spanish and Basque, besides the labels of the catalogues: "製造業" is manufacturing
even though the sector's Japanese label is ものづくり. Imports and the organization list's search
read them (compared after ``search_key``, so case, width and accents do not matter)."""

from functools import cache

from flask import current_app
from flask_babel import force_locale

from crm.organizations.models import Kind
from crm.text import search_key

KIND_WORDS = {
    Kind.COMPANY: ("enterprise", "firm", "business", "sme", "企業", "会社", "株式会社",
                   "中小企業", "empresa", "pyme", "sociedad", "enpresa"),
    Kind.ASSOCIATION: ("business association", "chamber of commerce", "団体", "協会", "組合",
                       "商工会議所", "asociación", "cámara de comercio", "elkartea"),
    Kind.CLUSTER: ("クラスター", "クラスター団体", "clúster", "klusterra"),
    Kind.TECHNOLOGY_CENTRE: ("technology center", "research centre", "research center",
                             "research institute", "研究所", "研究機関", "技術センター",
                             "centro tecnológico", "centro de investigación",
                             "teknologia zentroa"),
    Kind.UNIVERSITY: ("college", "大学", "高専", "universidad", "unibertsitatea"),
    Kind.GOVERNMENT: ("government", "public administration", "public body", "行政機関", "行政",
                      "自治体", "県庁", "市役所", "administración pública", "gobierno",
                      "ayuntamiento", "diputación", "gobernua", "udala", "aldundia"),
}  # fmt: skip

SECTOR_WORDS = {
    "rd-innovation": ("r&d", "research and development", "innovation", "研究開発", "i+d",
                      "i+d+i", "investigación", "ikerketa"),
    "automotive": ("automobile", "cars", "自動車産業", "自動車部品", "automóvil", "movilidad",
                   "automobilgintza"),
    "aeronautics": ("aerospace", "aviation", "航空", "航空機", "宇宙", "aeroespacial",
                    "aeronautika"),
    "manufacturing": ("industry", "製造業", "製造", "ものづくり産業", "manufactura",
                      "industria manufacturera", "fabrikazioa"),
    "industry-4-0": ("industry 4.0", "digital manufacturing", "iot", "スマート工場",
                     "industria 4.0", "industria 4.0 eta digitalizazioa"),
    "advanced-materials": ("materials", "composites", "素材", "材料", "新素材", "materiales",
                           "materialak"),
    "robotics": ("automation", "robots", "ロボット", "自動化", "robótica", "automatización",
                 "robotika"),
    "biotechnology": ("biotech", "life sciences", "バイオ", "ライフサイエンス", "biotecnología",
                      "bioteknologia"),
    "agri-food": ("food", "agriculture", "food and beverage", "食品", "農業", "食品産業",
                  "agroalimentario", "alimentación", "elikagaiak", "nekazaritza"),
}  # fmt: skip


def enum_words(enum_class, extra=None):
    """{search key: member} for each member's value and its label in every language."""
    words = {}
    for member in enum_class:
        words[search_key(member.value)] = member
        words[search_key(member.value.replace("_", " "))] = member
        for locale in current_app.config["LANGUAGES"]:
            with force_locale(locale):
                words.setdefault(search_key(str(member.label)), member)
    for word, member in (extra or {}).items():
        words.setdefault(search_key(word), member)
    return words


@cache
def kind_words():
    """{search key: Kind} of every word for a kind of organization."""
    return enum_words(Kind, {word: kind for kind, words in KIND_WORDS.items() for word in words})


def sector_words(sectors):
    """{search key: sector} of every word for each of ``sectors`` (code, names, synonyms)."""
    words = {}
    for sector in sectors:
        names = (sector.code, sector.name_en, sector.name_ja, sector.name_es, sector.name_eu)
        for word in filter(None, names):  # a sector may have no Basque name yet
            words[search_key(word)] = sector
    for sector in sectors:
        for word in SECTOR_WORDS.get(sector.code, ()):
            words.setdefault(search_key(word), sector)
    return words
