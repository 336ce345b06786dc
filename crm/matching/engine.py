"""The matching engine: Basque ↔ Mie pairs ranked by a transparent score.

Every organization is turned into sparse binary vectors — its sectors, the keywords of what it
offers and of what it seeks, its languages — so that one organization is scored against all
candidates with a few sparse matrix products, and all pairs in blocks of rows, never pair by
pair in Python. The reasons shown for a proposal are the same terms the score counts.
"""

import re
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sqlalchemy import func, select

from crm.extensions import db
from crm.organizations.models import Kind, Organization, Region, organization_sectors
from crm.text import search_key

WEIGHTS = {"sector": 3.0, "offer": 2.0, "seek": 2.0, "shared": 1.0, "kind": 1.5, "language": 0.5}
# A Japanese word gives several bigrams: each counts half, so 加工技術 (3 bigrams) is worth 1.5
# terms, not 3.
CJK_TERM = 0.5
# Kinds that complete each other: a company with a technology centre, a university, a cluster.
COMPLEMENTARY = {
    frozenset({Kind.COMPANY, Kind.TECHNOLOGY_CENTRE}),
    frozenset({Kind.COMPANY, Kind.UNIVERSITY}),
    frozenset({Kind.COMPANY, Kind.CLUSTER}),
    frozenset({Kind.COMPANY, Kind.ASSOCIATION}),
    frozenset({Kind.CLUSTER, Kind.CLUSTER}),
    frozenset({Kind.TECHNOLOGY_CENTRE, Kind.UNIVERSITY}),
    frozenset({Kind.GOVERNMENT, Kind.GOVERNMENT}),
}
STOPWORDS = set(
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
        "their",
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
    ]
)
_LATIN = re.compile(r"[a-z0-9]+")
_CJK = re.compile(r"[\u30a0-\u30ff\u3400-\u9fff]+")  # katakana and kanji; kana particles split runs
ACRONYMS = {"ai", "ev", "3d", "5g", "iot", "ict", "rd", "hr", "cnc", "mes", "erp"}


def singular(word):
    """A rough English singular: enough to match "parts" with "part" and "alloys" with "alloy"."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def keywords(text):
    """The terms of a profile text: Latin words (singular) and CJK character bigrams."""
    key = search_key(text or "").replace("r&d", "rd")
    words = {
        singular(word) for word in _LATIN.findall(key) if len(word) > 2 or word in ACRONYMS
    } - STOPWORDS
    for run in _CJK.findall(key):
        words.update(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return words


@dataclass
class Profiles:
    """Sparse vectors of a set of organizations, rows in ``ids`` order."""

    ids: list
    kinds: np.ndarray
    sectors: sparse.csr_matrix
    offers: sparse.csr_matrix
    seeks: sparse.csr_matrix
    languages: sparse.csr_matrix
    terms: dict = field(default_factory=dict)  # id -> (sectors, offers, seeks, languages) sets


KIND_INDEX = {kind: n for n, kind in enumerate(Kind)}
BONUS = np.zeros((len(Kind), len(Kind)))
for pair in COMPLEMENTARY:
    first, *rest = list(pair)
    second = rest[0] if rest else first
    BONUS[KIND_INDEX[first], KIND_INDEX[second]] = BONUS[KIND_INDEX[second], KIND_INDEX[first]] = 1


def side_regions(side):
    return [region for region in Region if region.side == side]


def load_profiles(side, vocabulary):
    """The live organizations of one side of the bridge ("eu" or "jp") as sparse vectors."""
    rows = db.session.execute(
        select(
            Organization.id,
            Organization.kind,
            Organization.capabilities,
            Organization.interests,
            Organization.languages,
        )
        .where(Organization.deleted_at.is_(None), Organization.region.in_(side_regions(side)))
        .order_by(Organization.id)
    ).all()
    sectors_of = {}
    for org_id, sector_id in db.session.execute(
        select(organization_sectors.c.organization_id, organization_sectors.c.sector_id)
    ):
        sectors_of.setdefault(org_id, set()).add(sector_id)
    terms = {
        row.id: (
            sectors_of.get(row.id, set()),
            keywords(row.capabilities),
            keywords(row.interests),
            {lang for lang in (row.languages or "").split(",") if lang},
        )
        for row in rows
    }

    def matrix(position, prefix):
        indptr, indices, data = [0], [], []
        for row in rows:
            for term in terms[row.id][position]:
                indices.append(vocabulary.setdefault(f"{prefix}:{term}", len(vocabulary)))
                data.append(CJK_TERM if prefix == "w" and _CJK.match(term) else 1.0)
            indptr.append(len(indices))
        return indptr, indices, data

    built = [matrix(position, prefix) for position, prefix in enumerate(("s", "w", "w", "l"))]
    return rows, terms, built


def finish(rows, terms, built, width):
    def csr(parts):
        indptr, indices, data = parts
        values = np.sqrt(np.array(data, dtype=np.float32))  # a product of two halves: a half
        return sparse.csr_matrix((values, indices, indptr), shape=(len(rows), width))

    return Profiles(
        ids=[row.id for row in rows],
        kinds=np.array([KIND_INDEX[row.kind] for row in rows], dtype=np.int64),
        sectors=csr(built[0]),
        offers=csr(built[1]),
        seeks=csr(built[2]),
        languages=csr(built[3]),
        terms=terms,
    )


_cache: dict = {}


def fingerprint():
    """Changes whenever a profile may have: organizations added, edited, trashed or re-sectored."""
    return db.session.execute(
        select(
            func.count(Organization.id),
            func.max(Organization.updated_at),
            func.max(Organization.deleted_at),
            select(func.count()).select_from(organization_sectors).scalar_subquery(),
        )
    ).one()


def both_sides():
    """(Basque-side profiles, Japanese-side profiles) on one shared vocabulary.

    Built once per process and kept while the organizations' fingerprint stays the same:
    a proposal costs one small query and the sparse products, not 20,000 profiles rebuilt.
    """
    key = (str(db.engine.url), tuple(fingerprint()))
    if key not in _cache:
        vocabulary = {}
        eu, jp = load_profiles("eu", vocabulary), load_profiles("jp", vocabulary)
        width = max(len(vocabulary), 1)
        _cache.clear()
        _cache[key] = finish(*eu, width), finish(*jp, width)
    return _cache[key]


def scores(basque, mie, basque_rows=None, mie_rows=None):
    """Dense scores of (some) Basque-side rows against (some) Japanese-side rows."""

    def pick(profiles, rows):
        if rows is None:
            return (
                profiles.sectors,
                profiles.offers,
                profiles.seeks,
                profiles.languages,
                profiles.kinds,
            )
        return (
            profiles.sectors[rows],
            profiles.offers[rows],
            profiles.seeks[rows],
            profiles.languages[rows],
            profiles.kinds[rows],
        )

    b_sectors, b_offers, b_seeks, b_languages, b_kinds = pick(basque, basque_rows)
    m_sectors, m_offers, m_seeks, m_languages, m_kinds = pick(mie, mie_rows)
    total = WEIGHTS["sector"] * (b_sectors @ m_sectors.T)
    total = total + WEIGHTS["offer"] * (b_offers @ m_seeks.T)
    total = total + WEIGHTS["seek"] * (b_seeks @ m_offers.T)
    total = total + WEIGHTS["shared"] * (b_seeks @ m_seeks.T)  # partners of equals seek alike
    languages = (b_languages @ m_languages.T).toarray() > 0
    kinds = BONUS[b_kinds[:, None], m_kinds[None, :]]
    return total.toarray() + WEIGHTS["kind"] * kinds + WEIGHTS["language"] * languages


@dataclass
class Proposal:
    basque_id: int
    mie_id: int
    score: float
    reasons: dict


def explain(left_terms, right_terms, left_kind, right_kind):
    sectors = sorted(left_terms[0] & right_terms[0])
    return {
        "sectors": sectors,
        "offers": sorted(left_terms[1] & right_terms[2]),  # what the Basque side offers
        "seeks": sorted(left_terms[2] & right_terms[1]),  # what it finds on the Mie side
        "shared": sorted(left_terms[2] & right_terms[2]),  # what both look for
        "complementary": bool(BONUS[left_kind, right_kind]),
        "languages": sorted(left_terms[3] & right_terms[3]),
    }


def propose(organization_id, limit=10, excluded=frozenset()):
    """The best partners on the other side for one organization, with their reasons."""
    eu, jp = both_sides()
    if organization_id in eu.ids:
        own, other, flip = eu, jp, False
    elif organization_id in jp.ids:
        own, other, flip = jp, eu, True
    else:
        return []
    row = own.ids.index(organization_id)
    values = scores(other, own, mie_rows=[row])[:, 0] if flip else scores(own, other, [row])[0]
    order = np.argsort(-values, kind="stable")
    proposals = []
    for index in order:
        partner = other.ids[index]
        pair = (partner, organization_id) if flip else (organization_id, partner)
        if values[index] <= 0 or pair in excluded:
            continue
        basque, mie = (other, own) if flip else (own, other)
        b_index, m_index = (index, row) if flip else (row, index)
        reasons = explain(
            basque.terms[pair[0]], mie.terms[pair[1]], basque.kinds[b_index], mie.kinds[m_index]
        )
        proposals.append(Proposal(pair[0], pair[1], round(float(values[index]), 2), reasons))
        if len(proposals) == limit:
            break
    return proposals


def best_pairs(per_organization=5, block=512, excluded=frozenset()):
    """Top partners of every Basque-side organization, computed in blocks of rows."""
    eu, jp = both_sides()
    result = {}
    if not eu.ids or not jp.ids:
        return result
    top = min(per_organization, len(jp.ids))
    for start in range(0, len(eu.ids), block):
        chunk = scores(eu, jp, basque_rows=list(range(start, min(start + block, len(eu.ids)))))
        best = np.argpartition(-chunk, top - 1, axis=1)[:, :top]
        for offset, columns in enumerate(best):
            basque = eu.ids[start + offset]
            ranked = sorted(columns, key=lambda c, r=offset: (-chunk[r, c], jp.ids[c]))
            result[basque] = [
                (jp.ids[c], float(chunk[offset, c]))
                for c in ranked
                if chunk[offset, c] > 0 and (basque, jp.ids[c]) not in excluded
            ]
    return result
