"""The matching engine: Basque ↔ Mie pairs ranked by a transparent score.

Every organization is turned into sparse vectors — its sectors, the concepts and words of what
it offers and of what it seeks (read in English, Spanish, Basque or Japanese by
crm/matching/analysis.py), its languages — so that one organization is scored against all
candidates with a few sparse matrix products, and all pairs in blocks of rows, never pair by
pair in Python. A term weighs by how rare it is across all profiles (IDF): "customer" fades,
"prepreg" counts. What one side offers and the other seeks counts most; what both offer a
little; what both seek counts against (two companies after the same customers are
competitors) unless it is a need partners share (joint research, exchange). The reasons shown
for a proposal are the same terms the score counts.
"""

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from flask import current_app
from scipy import sparse
from sqlalchemy import func, select

from crm.extensions import db
from crm.matching import analysis
from crm.organizations.models import Kind, Organization, Region, organization_sectors

# Term weights are multiplied by the term's IDF; "shared" (a need partners share) and
# "competing" (any other need both seek) apply to what both sides seek.
WEIGHTS = {
    "sector": 3.0,
    "offer": 2.0,
    "seek": 2.0,
    "both_offer": 0.25,
    "shared": 1.0,
    "competing": -0.5,
    "kind": 1.5,
    "language": 0.5,
}
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


def vocabulary_files():
    return tuple(current_app.config.get("MATCHING_VOCABULARY_FILES") or ())


def vocabulary():
    """The concepts, loaded once per set of vocabulary files."""
    return analysis.load(vocabulary_files())


@lru_cache(maxsize=100_000)
def _analysed(text, files):
    return analysis.load(files).analyse(text)


def keywords(text):
    """{term: the profile's own words for it} of a profile text: "c:" concepts, "w:" words."""
    return _analysed(text or "", vocabulary_files())


@dataclass
class Profiles:
    """Sparse vectors of a set of organizations, rows in ``ids`` order."""

    ids: list
    kinds: np.ndarray
    sectors: sparse.csr_matrix
    offers: sparse.csr_matrix
    seeks: sparse.csr_matrix
    languages: sparse.csr_matrix
    # id -> (sectors, {offered term: own words}, {sought term: own words}, languages)
    terms: dict = field(default_factory=dict)
    # per column: True for needs partners share (both seeking them is no competition)
    mutual: np.ndarray | None = None

    def as_left(self):
        """[sectors | offers | seeks]: this side as the left of one product for the score."""
        if getattr(self, "_left", None) is None:
            self._left = sparse.hstack([self.sectors, self.offers, self.seeks], format="csr")
        return self._left

    def as_right(self):
        """The other side of that product, each block weighted: sectors; what it seeks (met by
        the left's offers) and offers (both offering); what it offers (met by the left's
        needs) and seeks (both seeking: shared or competing, column by column)."""
        if getattr(self, "_right", None) is None:
            mutual = (
                np.zeros(self.seeks.shape[1], dtype=bool) if self.mutual is None else self.mutual
            )
            both_seek = np.where(mutual, WEIGHTS["shared"], WEIGHTS["competing"])
            self._right = sparse.hstack(
                [
                    WEIGHTS["sector"] * self.sectors,
                    WEIGHTS["offer"] * self.seeks + WEIGHTS["both_offer"] * self.offers,
                    WEIGHTS["seek"] * self.offers + self.seeks @ sparse.diags(both_seek),
                ],
                format="csr",
            )
        return self._right

    def row_of(self, organization_id):
        if getattr(self, "_rows", None) is None:
            self._rows = {org_id: n for n, org_id in enumerate(self.ids)}
        return self._rows[organization_id]


KIND_INDEX = {kind: n for n, kind in enumerate(Kind)}
BONUS = np.zeros((len(Kind), len(Kind)))
for pair in COMPLEMENTARY:
    first, *rest = list(pair)
    second = rest[0] if rest else first
    BONUS[KIND_INDEX[first], KIND_INDEX[second]] = BONUS[KIND_INDEX[second], KIND_INDEX[first]] = 1


def side_regions(side):
    return [region for region in Region if region.side == side]


def load_profiles(side, columns):
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
        indptr, indices = [0], []
        for row in rows:
            indices.extend(
                columns.setdefault(f"{prefix}:{term}", len(columns))
                for term in terms[row.id][position]
            )
            indptr.append(len(indices))
        return indptr, indices

    built = [matrix(position, prefix) for position, prefix in enumerate(("s", "t", "t", "l"))]
    return rows, terms, built


def idf(sides, width):
    """sqrt of each column's IDF over all profiles of both sides (1 for sectors, languages):
    a product of two sides' values gives the term's IDF."""
    frequency = np.zeros(width)
    total = 0
    for rows, _terms, built in sides:
        total += len(rows)
        for _indptr, indices in (built[1], built[2]):  # offered and sought: counted twice
            frequency += np.bincount(np.asarray(indices, dtype=np.int64), minlength=width)
    weights = np.log((1 + 2 * total) / (1 + frequency)) + 1
    return np.sqrt(weights).astype(np.float32)


def finish(rows, terms, built, width, weights, mutual):
    def csr(parts, weighted):
        indptr, indices = parts
        values = weights[indices] if weighted else np.ones(len(indices), dtype=np.float32)
        return sparse.csr_matrix((values, indices, indptr), shape=(len(rows), width))

    return Profiles(
        ids=[row.id for row in rows],
        kinds=np.array([KIND_INDEX[row.kind] for row in rows], dtype=np.int64),
        sectors=csr(built[0], False),
        offers=csr(built[1], True),
        seeks=csr(built[2], True),
        languages=csr(built[3], False),
        terms=terms,
        mutual=mutual,
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
    key = (str(db.engine.url), tuple(fingerprint()), vocabulary_files())
    if key not in _cache:
        columns = {}
        eu, jp = load_profiles("eu", columns), load_profiles("jp", columns)
        width = max(len(columns), 1)
        weights = idf((eu, jp), width)
        concepts = vocabulary().concepts
        mutual = np.zeros(width, dtype=bool)
        for term, column in columns.items():
            if term.startswith("t:c:") and concepts[term[4:]].mutual:
                mutual[column] = True
        _cache.clear()
        _cache[key] = finish(*eu, width, weights, mutual), finish(*jp, width, weights, mutual)
        for profiles in _cache[key]:  # the score's products, built here, not in a proposal
            profiles.as_left(), profiles.as_right()
    return _cache[key]


def scores(basque, mie, basque_rows=None, mie_rows=None):
    """Dense scores of (some) Basque-side rows against (some) Japanese-side rows."""

    def pick(profiles, rows):
        if rows is None:
            return profiles.languages, profiles.kinds
        return profiles.languages[rows], profiles.kinds[rows]

    b_languages, b_kinds = pick(basque, basque_rows)
    m_languages, m_kinds = pick(mie, mie_rows)
    left, right = basque.as_left(), mie.as_right()
    if basque_rows is not None:
        left = left[basque_rows]
    if mie_rows is not None:
        right = right[mie_rows]
    total = left @ right.T  # sectors, offer-seek both ways, both offering, both seeking
    languages = (b_languages @ m_languages.T).toarray() > 0
    kinds = BONUS[b_kinds[:, None], m_kinds[None, :]]
    return total.toarray() + WEIGHTS["kind"] * kinds + WEIGHTS["language"] * languages


@dataclass
class Proposal:
    basque_id: int
    mie_id: int
    score: float
    reasons: dict


def common(basque_words, mie_words, keep=lambda term: True):
    """The terms of two profiles that the score counted, each with both sides' own words:
    [{"concept": code or None, "term": word, "basque": words, "mie": words}]."""
    found = []
    for term in sorted(basque_words.keys() & mie_words.keys()):
        if keep(term):
            kind, name = term.split(":", 1)
            found.append(
                {
                    "concept": name if kind == "c" else None,
                    "term": name,
                    "basque": basque_words[term],
                    "mie": mie_words[term],
                }
            )
    return found


def explain(left_terms, right_terms, left_kind, right_kind):
    concepts = vocabulary().concepts

    def shared_need(term):
        return term.startswith("c:") and concepts[term[2:]].mutual

    return {
        "sectors": sorted(left_terms[0] & right_terms[0]),
        "offers": common(left_terms[1], right_terms[2]),  # what the Basque side offers
        "seeks": common(left_terms[2], right_terms[1]),  # what it finds on the Mie side
        "both_offer": common(left_terms[1], right_terms[1]),
        "shared": common(left_terms[2], right_terms[2], shared_need),  # partners' shared needs
        "competing": common(left_terms[2], right_terms[2], lambda t: not shared_need(t)),
        "complementary": bool(BONUS[left_kind, right_kind]),
        "languages": sorted(left_terms[3] & right_terms[3]),
    }


def propose(organization_id, limit=10, excluded=frozenset()):
    """The best partners on the other side for one organization, with their reasons."""
    eu, jp = both_sides()
    if organization_id in eu.terms:
        own, other, flip = eu, jp, False
    elif organization_id in jp.terms:
        own, other, flip = jp, eu, True
    else:
        return []
    row = own.row_of(organization_id)
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
