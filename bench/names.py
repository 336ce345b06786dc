"""Word pools for the generated records: Basque, European and Japanese names, trades, places.

Family names are drawn with Zipf weights (the first of each pool is the most common), as real
surnames are, so a search for a common name finds many rows at any data-set size.
"""

from functools import cache
from itertools import accumulate

BASQUE_GIVEN = (
    "Ane", "Iker", "Miren", "Jon", "Itziar", "Unai", "Nerea", "Aitor",
    "Leire", "Gorka", "Amaia", "Mikel", "Irati", "Asier", "Maialen", "Xabier",
)  # fmt: skip
BASQUE_FAMILY = (
    "Etxeberria", "Agirre", "Goikoetxea", "Zubizarreta", "Etxebarria", "Garmendia",
    "Arrieta", "Elorza", "Etxeandia", "Urrutia", "Zabala", "Larrañaga", "Olaizola",
    "Iturbe", "Aranburu", "Etxenike",
)  # fmt: skip
EUROPEAN_GIVEN = (
    "María", "José", "Carmen", "Javier", "Lucía", "Pablo", "Elena", "Marc",
    "Sophie", "Thomas", "Giulia", "Lukas",
)  # fmt: skip
EUROPEAN_FAMILY = (
    "García", "Fernández", "López", "Martínez", "Sánchez", "Romero", "Müller",
    "Dubois", "Rossi", "Schmidt", "Navarro", "Ortiz",
)  # fmt: skip
# (kanji, romaji, kana)
JAPANESE_FAMILY = (
    ("山田", "Yamada", "やまだ"), ("鈴木", "Suzuki", "すずき"), ("田中", "Tanaka", "たなか"),
    ("佐藤", "Sato", "さとう"), ("高橋", "Takahashi", "たかはし"), ("伊藤", "Ito", "いとう"),
    ("渡辺", "Watanabe", "わたなべ"), ("中村", "Nakamura", "なかむら"),
    ("小林", "Kobayashi", "こばやし"), ("山本", "Yamamoto", "やまもと"),
    ("加藤", "Kato", "かとう"), ("吉田", "Yoshida", "よしだ"),
    ("松本", "Matsumoto", "まつもと"), ("井上", "Inoue", "いのうえ"),
)  # fmt: skip
JAPANESE_GIVEN = (
    ("太郎", "Taro", "たろう"), ("遥", "Haruka", "はるか"), ("健二", "Kenji", "けんじ"),
    ("美咲", "Misaki", "みさき"), ("翔", "Sho", "しょう"), ("陽菜", "Hina", "ひな"),
    ("大輔", "Daisuke", "だいすけ"), ("結衣", "Yui", "ゆい"), ("拓也", "Takuya", "たくや"),
    ("さくら", "Sakura", "さくら"),
)  # fmt: skip

# (Spanish, English, Japanese, romaji)
TRADES = (
    ("Mecanizados", "Machining", "精工", "Seiko"),
    ("Composites", "Composites", "化学", "Kagaku"),
    ("Robótica", "Robotics", "ロボティクス", "Robotics"),
    ("Aeroestructuras", "Aerostructures", "航空", "Koku"),
    ("Fundiciones", "Foundry", "鋳造", "Chuzo"),
    ("Automoción", "Automotive", "自動車部品", "Jidosha Buhin"),
    ("Biotech", "Biotech", "バイオ", "Bio"),
    ("Alimentación", "Foods", "食品", "Shokuhin"),
    ("Ingeniería", "Engineering", "製作所", "Seisakusho"),
    ("Materiales", "Materials", "マテリアル", "Material"),
)
COMPANY_FORMS = ("S.L.", "S.A.", "S.Coop.")
INSTITUTION_WORDS = {
    "association": ("Asociación de", "協会", "Association"),
    "cluster": ("Cluster de", "クラスター", "Cluster"),
    "technology_centre": ("Centro Tecnológico de", "技術センター", "Technology Centre"),
    "university": ("Universidad de", "大学", "University"),
    "government": ("Agencia de", "振興局", "Promotion Agency"),
    "other": ("Fundación", "財団", "Foundation"),
}

# region: (share, countries, cities)
REGIONS = {
    "basque_country": (40, ("ES",), ("Bilbao", "Donostia", "Vitoria-Gasteiz", "Eibar", "Durango")),
    "mie": (30, ("JP",), ("Tsu", "Yokkaichi", "Suzuka", "Matsusaka", "Ise", "Kuwana")),
    "other_japan": (12, ("JP",), ("Tokyo", "Nagoya", "Osaka", "Yokohama")),
    "other_europe": (13, ("FR", "DE", "IT", "ES"), ("Paris", "Munich", "Milan", "Madrid")),
    "other": (5, ("US", "KR", "MX"), ("Boston", "Seoul", "Monterrey")),
}
CITY_KANJI = {
    "Tsu": "津",
    "Yokkaichi": "四日市",
    "Suzuka": "鈴鹿",
    "Matsusaka": "松阪",
    "Ise": "伊勢",
    "Kuwana": "桑名",
    "Tokyo": "東京",
    "Nagoya": "名古屋",
    "Osaka": "大阪",
    "Yokohama": "横浜",
}
LOCATIONS = {region: ("Online", *cities) for region, (_, _, cities) in REGIONS.items()}
REGION_SHARES = {region: share for region, (share, _, _) in REGIONS.items()}
JAPAN = ("mie", "other_japan")
KINDS = {
    "company": 70,
    "association": 6,
    "cluster": 4,
    "technology_centre": 6,
    "university": 5,
    "government": 5,
    "other": 4,
}
SIZES = (None, "micro", "small", "medium", "large")

JOB_TITLES = (
    "CEO", "Managing director", "Sales manager", "R&D director", "Project engineer",
    "International officer", "Plant manager", "Procurement lead", "部長", "課長", "主任研究員",
)  # fmt: skip
MEETING_KINDS = ("in_person", "video", "call", "email", "event", "visit")
MEETING_TOPICS = (
    "Kick-off meeting", "Follow-up call", "Site visit", "Trade mission debrief",
    "Project proposal review", "Introduction", "Reunión de seguimiento", "Visita a planta",
    "打ち合わせ", "工場見学", "Joint R&D call", "Fair stand meeting",
)  # fmt: skip
SENTENCES = (
    "Presented our capabilities in precision machining and composite parts.",
    "They are looking for a European partner for an automotive supply-chain project.",
    "Agreed to exchange NDAs and share technical specifications before the next call.",
    "Discussed co-funding through the regional innovation programme.",
    "The plant visit showed a high level of automation on the assembly lines.",
    "Interest in a joint stand at the next aerospace fair.",
    "次回は三重県の工場で詳細な打ち合わせを行う予定。",
    "Se acordó preparar una propuesta conjunta antes de fin de trimestre.",
    "Follow up with the procurement team about sample parts and lead times.",
    "They asked for references from Basque technology centres.",
)
ACTION_VERBS = (
    "Send the proposal to",
    "Call",
    "Prepare the visit of",
    "Share the NDA with",
    "Introduce a technology centre to",
    "Book a follow-up with",
)


@cache
def zipf_weights(pool):
    """Cumulative weights 1, 1/2, 1/3, ... for the members of ``pool``."""
    return list(accumulate(1 / rank for rank in range(1, len(pool) + 1)))


def family(rng, pool):
    return rng.choices(pool, cum_weights=zipf_weights(pool))[0]


def organization_name(rng, region, kind, city):
    """(name, native name) of an organization, in the style of its region."""
    spanish, english, japanese, romaji = rng.choice(TRADES)
    if kind != "company":
        prefix, suffix_ja, suffix_en = INSTITUTION_WORDS[kind]
        if region in JAPAN:
            return f"{city} {english} {suffix_en}", f"{CITY_KANJI[city]}{japanese}{suffix_ja}"
        return f"{prefix} {spanish} {city}", None
    if region in JAPAN:
        kanji, latin, _ = family(rng, JAPANESE_FAMILY)
        return f"{latin} {romaji} Co., Ltd.", f"{kanji}{japanese}株式会社"
    pool = BASQUE_FAMILY if region == "basque_country" else EUROPEAN_FAMILY
    return f"{family(rng, pool)} {spanish} {rng.choice(COMPANY_FORMS)}", None


def person(rng, region):
    """The name columns of a person from ``region``."""
    if region in JAPAN:
        kanji, latin, kana = family(rng, JAPANESE_FAMILY)
        given_kanji, given_latin, given_kana = rng.choice(JAPANESE_GIVEN)
        return {
            "name_order": "japanese",
            "given_name": given_latin,
            "family_name": latin,
            "second_family_name": None,
            "native_name": f"{kanji} {given_kanji}",
            "reading": f"{kana} {given_kana}",
        }
    basque = region == "basque_country"
    pool = BASQUE_FAMILY if basque else EUROPEAN_FAMILY
    return {
        "name_order": "western",
        "given_name": rng.choice(BASQUE_GIVEN if basque else EUROPEAN_GIVEN),
        "family_name": family(rng, pool),
        "second_family_name": family(rng, pool),
        "native_name": None,
        "reading": None,
    }
