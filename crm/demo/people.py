"""Name pools, job titles and telephone areas for the demo contacts."""

import unicodedata

from crm.contacts.models import NameOrder
from crm.organizations.models import Kind

BASQUE_GIVEN = [
    "Ane", "Jon", "Maite", "Iñaki", "Aitor", "Nerea", "Unai", "Leire", "Mikel", "Amaia",
    "Gorka", "Itziar", "Asier", "Garazi", "Xabier", "Idoia", "Koldo", "Arantxa", "Josu",
    "Edurne", "Ainhoa", "Iker", "María", "Javier", "Carmen", "Pablo", "Elena", "Igor",
]  # fmt: skip
BASQUE_FAMILY = [
    "Etxeberria", "Goikoetxea", "Agirre", "Urrutia", "Arrieta", "Zabala", "Larrañaga",
    "Ibarra", "Mendizabal", "Aranburu", "Olano", "Zubiaurre", "Elorza", "Garmendia", "Ugarte",
    "Iturbe", "Lasa", "Otxoa", "Uriarte", "Bilbao", "Azkue", "Arregi", "García", "Fernández",
    "López", "Martínez", "Ruiz", "Echevarría",
]  # fmt: skip
EUROPEAN_NAMES = {
    # country: (given names, family names): one family name, no second one
    "FR": (["Claire", "Julien", "Sophie", "Thomas", "Camille"],
           ["Dubois", "Moreau", "Laurent", "Girard", "Fournier"]),
    "BE": (["Pieter", "Els", "Marc", "Anneleen", "Luc"],
           ["Peeters", "Janssens", "Maes", "Dupont", "Lambert"]),
}  # fmt: skip

# (romaji, kanji, hiragana)
JAPANESE_FAMILY = [
    ("Yamada", "山田", "やまだ"), ("Suzuki", "鈴木", "すずき"), ("Tanaka", "田中", "たなか"),
    ("Sato", "佐藤", "さとう"), ("Takahashi", "高橋", "たかはし"), ("Ito", "伊藤", "いとう"),
    ("Watanabe", "渡辺", "わたなべ"), ("Nakamura", "中村", "なかむら"),
    ("Kobayashi", "小林", "こばやし"), ("Kato", "加藤", "かとう"), ("Yoshida", "吉田", "よしだ"),
    ("Matsumoto", "松本", "まつもと"), ("Inoue", "井上", "いのうえ"), ("Kimura", "木村", "きむら"),
    ("Hayashi", "林", "はやし"), ("Shimizu", "清水", "しみず"), ("Mori", "森", "もり"),
    ("Ikeda", "池田", "いけだ"), ("Hashimoto", "橋本", "はしもと"),
    ("Ishikawa", "石川", "いしかわ"), ("Okada", "岡田", "おかだ"), ("Maeda", "前田", "まえだ"),
    ("Fujita", "藤田", "ふじた"), ("Ogawa", "小川", "おがわ"), ("Nishimura", "西村", "にしむら"),
]  # fmt: skip
JAPANESE_GIVEN = [
    ("Taro", "太郎", "たろう"), ("Hiroshi", "博", "ひろし"), ("Takeshi", "健", "たけし"),
    ("Yuki", "由紀", "ゆき"), ("Akiko", "明子", "あきこ"), ("Naoko", "直子", "なおこ"),
    ("Kenta", "健太", "けんた"), ("Daisuke", "大輔", "だいすけ"), ("Makoto", "誠", "まこと"),
    ("Tomoko", "智子", "ともこ"), ("Sachiko", "幸子", "さちこ"), ("Yusuke", "裕介", "ゆうすけ"),
    ("Masahiro", "正博", "まさひろ"), ("Kazuki", "和樹", "かずき"), ("Emi", "恵美", "えみ"),
    ("Mayumi", "真由美", "まゆみ"), ("Satoshi", "聡", "さとし"), ("Ryo", "亮", "りょう"),
    ("Aya", "彩", "あや"), ("Kaori", "香織", "かおり"), ("Nobuo", "信夫", "のぶお"),
    ("Keiko", "恵子", "けいこ"), ("Shota", "翔太", "しょうた"), ("Miho", "美穂", "みほ"),
]  # fmt: skip

JOB_TITLES = {
    Kind.COMPANY: [
        "CEO", "Managing Director", "Export Manager", "Sales Manager", "CTO",
        "Head of Engineering", "Quality Manager", "Purchasing Manager", "R&D Engineer",
        "Responsable de Internacionalización", "Plant Manager", "Business Development Manager",
    ],
    Kind.ASSOCIATION: ["Secretary General", "Director", "Project Manager", "Member Services"],
    Kind.CLUSTER: ["Cluster Manager", "International Projects Manager", "Director", "Analyst"],
    Kind.TECHNOLOGY_CENTRE: [
        "Research Director", "Business Development Manager", "Senior Researcher",
        "Head of International Projects", "Project Leader",
    ],
    Kind.UNIVERSITY: [
        "Vice-Rector for Internationalisation", "Professor", "Associate Professor",
        "International Relations Officer", "Industry Liaison Officer",
    ],
    Kind.GOVERNMENT: [
        "Director for International Affairs", "Section Chief, Industrial Policy",
        "Trade Promotion Officer", "Deputy Director", "Senior Advisor",
    ],
    Kind.OTHER: ["Director", "Project Manager", "International Relations Manager"],
}  # fmt: skip
JAPANESE_TITLES = {
    # Japanese organizations often spell the title the Japanese way as well
    "CEO": "President / 代表取締役社長",
    "Managing Director": "Director / 取締役",
    "Export Manager": "Manager, Overseas Sales / 海外営業部 部長",
    "Section Chief, Industrial Policy": "Section Chief / 課長",
    "Deputy Director": "Deputy Director / 次長",
}

# city: its telephone area code (after the country code)
PHONE_AREAS = {
    "Bilbao": "944", "Zamudio": "944", "Derio": "944", "Barakaldo": "944", "Bermeo": "946",
    "Amorebieta-Etxano": "946", "Donostia-San Sebastián": "943", "Eibar": "943",
    "Elgoibar": "943", "Azkoitia": "943", "Arrasate-Mondragón": "943",
    "Vitoria-Gasteiz": "945", "San Adrián": "948", "Azpeitia": "943", "Beasain": "943",
    "Bergara": "943", "Ermua": "943", "Legazpi": "943", "Oñati": "943", "Ordizia": "943",
    "Tolosa": "943", "Zumarraga": "943", "Durango": "946", "Gernika-Lumo": "946",
    "Llodio": "946", "Mungia": "946",
    "Tsu": "592", "Yokkaichi": "593", "Suzuka": "593", "Ise": "596", "Matsusaka": "598",
    "Kuwana": "594", "Shima": "599", "Inabe": "594", "Kameyama": "595", "Iga": "595",
    "Nabari": "595", "Toba": "599", "Nagoya": "52", "Toulouse": "5", "Brussels": "2",
}  # fmt: skip
COUNTRY_CODES = {"ES": "+34", "JP": "+81", "FR": "+33", "BE": "+32"}
LANDLINE_DIGITS = {"ES": 9, "JP": 9, "FR": 9, "BE": 8}  # of the national number
MOBILES = {"ES": ("6", 9), "JP": ("90", 10), "FR": ("6", 9), "BE": ("47", 9)}
ZONES = {"ES": "Europe/Madrid", "JP": "Asia/Tokyo", "FR": "Europe/Paris", "BE": "Europe/Brussels"}


def ascii_name(text):
    """For an e-mail address: "Iñaki" gives "inaki"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode().lower().replace(" ", "")


def phone(rng, country, area, digits):
    """An E.164 number: country code, area, and random digits up to the national length."""
    rest = "".join(str(rng.randint(0, 9)) for _ in range(digits - len(area) - 1))
    return f"{COUNTRY_CODES[country]}{area}{rng.randint(2, 8)}{rest}"


def name(rng, country):
    """A name as written at home: 山田 太郎 (やまだ たろう), or Ane Etxeberria Goikoetxea."""
    if country == "JP":
        family, family_kanji, family_kana = rng.choice(JAPANESE_FAMILY)
        given, given_kanji, given_kana = rng.choice(JAPANESE_GIVEN)
        return {
            "name_order": NameOrder.JAPANESE,
            "given_name": given,
            "family_name": family,
            "native_name": f"{family_kanji} {given_kanji}",
            "reading": f"{family_kana} {given_kana}",
            "salutation": f"{family_kanji}様",  # how a letter to them begins
            "language": "ja",
        }
    given_names, family_names = EUROPEAN_NAMES.get(country, (BASQUE_GIVEN, BASQUE_FAMILY))
    family, second = rng.sample(family_names, 2)
    return {
        "name_order": NameOrder.WESTERN,
        "given_name": rng.choice(given_names),
        "family_name": family,
        "second_family_name": second if country == "ES" else None,  # Spanish: two surnames
        "language": "es" if country == "ES" and rng.random() < 0.8 else "en",
    }


def person(rng, entry, taken):
    """The fields of a new contact at the catalogue organization ``entry``.

    ``taken`` holds the (given, family) names already used; the new one is added to it.
    """
    country = entry.country
    data = name(rng, country)
    while (data["given_name"], data["family_name"]) in taken:
        data = name(rng, country)
    taken.add((data["given_name"], data["family_name"]))
    title = rng.choice(JOB_TITLES[entry.kind])
    if country == "JP":
        title = JAPANESE_TITLES.get(title, title)
    mailbox = f"{ascii_name(data['given_name'])}.{ascii_name(data['family_name'])}"
    mobile = phone(rng, country, *MOBILES[country]) if rng.random() < 0.5 else None
    return {
        **data,
        "job_title": title,
        "email": f"{mailbox}@{entry.domain}",
        "phone": phone(rng, country, PHONE_AREAS[entry.city], LANDLINE_DIGITS[country]),
        "mobile": mobile,
        "timezone": ZONES[country],
    }
