"""The matching engine: keywords, the weights of the score, and what it may propose."""

import numpy as np
import pytest
from scipy import sparse

from crm.matching import engine
from crm.matching.engine import CJK_TERM, WEIGHTS, Profiles, best_pairs, keywords, propose, scores
from crm.organizations.models import Kind

# keywords() -------------------------------------------------------------------------------


def test_keywords_are_singular_latin_words():
    assert keywords("Sensors, gears and robots") == {"sensor", "gear", "robot"}
    assert keywords("machined parts") == keywords("machined part") == {"machined", "part"}


def test_keywords_drop_stopwords_and_short_words():
    assert keywords("The parts for their customers and the others") == {"part", "customer"}
    assert keywords("we do it on a lot") == {"lot"}
    assert keywords("and the for with from our their that this into") == set()


def test_keywords_fold_case_accents_and_width():
    assert keywords("Fundación ROBÓTICA") == keywords("fundacion robotica")
    assert keywords("Fundación ROBÓTICA") == {"fundacion", "robotica"}
    assert keywords("ＣＦＲＰ　ＰＡＲＴＳ") == {"cfrp", "part"}  # full-width letters


def test_keywords_cut_cjk_text_into_bigrams():
    assert keywords("精密加工") == {"精密", "密加", "加工"}
    assert keywords("加") == {"加"}
    assert keywords("ロボット") == {"ロボ", "ボッ", "ット"}
    # A Latin word and a Japanese term side by side, as in bilingual profiles.
    assert keywords("CFRP部品、精密加工") == {"cfrp", "部品", "精密", "密加", "加工"}


def test_keywords_of_nothing():
    assert keywords(None) == keywords("") == set()


# scores() on hand-made profiles -----------------------------------------------------------

VOCABULARY = ["s:1", "s:2", "w:cfrp", "w:machining", "w:robot", "l:en", "l:ja", "l:es"]


def profiles(*rows):
    """Profiles from rows of (kind, sectors, offers, seeks, languages), on VOCABULARY."""

    def matrix(position, prefix):
        data = np.zeros((len(rows), len(VOCABULARY)), dtype=np.float32)
        for n, row in enumerate(rows):
            for term in row[position]:
                data[n, VOCABULARY.index(f"{prefix}:{term}")] = 1
        return sparse.csr_matrix(data)

    return Profiles(
        ids=list(range(1, len(rows) + 1)),
        kinds=np.array([engine.KIND_INDEX[row[0]] for row in rows], dtype=np.int64),
        sectors=matrix(1, "s"),
        offers=matrix(2, "w"),
        seeks=matrix(3, "w"),
        languages=matrix(4, "l"),
    )


C, U, T, CL, A, G, OTHER = (
    Kind.COMPANY,
    Kind.UNIVERSITY,
    Kind.TECHNOLOGY_CENTRE,
    Kind.CLUSTER,
    Kind.ASSOCIATION,
    Kind.GOVERNMENT,
    Kind.OTHER,
)


def one_score(basque_row, mie_row):
    return float(scores(profiles(basque_row), profiles(mie_row))[0, 0])


def test_nothing_in_common_scores_exactly_zero():
    basque = (C, {1}, {"cfrp"}, {"machining"}, {"es"})
    mie = (C, {2}, {"robot"}, {"robot"}, {"ja"})
    assert one_score(basque, mie) == 0


def test_a_shared_sector_adds_three():
    assert WEIGHTS["sector"] == 3
    assert one_score((C, {1}, set(), set(), set()), (C, {1}, set(), set(), set())) == 3
    assert one_score((C, {1, 2}, set(), set(), set()), (C, {1, 2}, set(), set(), set())) == 6


def test_what_the_basque_side_offers_and_the_other_seeks_adds_two():
    assert one_score((C, set(), {"cfrp"}, set(), set()), (C, set(), set(), {"cfrp"}, set())) == 2


def test_what_the_basque_side_seeks_and_the_other_offers_adds_two():
    assert one_score((C, set(), set(), {"robot"}, set()), (C, set(), {"robot"}, set(), set())) == 2


def test_both_directions_add_up():
    basque = (C, set(), {"cfrp", "machining"}, {"robot"}, set())
    mie = (C, set(), {"robot"}, {"cfrp", "machining"}, set())
    assert one_score(basque, mie) == 3 * 2


def test_offering_the_same_thing_is_no_match_but_seeking_it_together_counts_one():
    """Two competitors offering machining are no match; two partners looking for the same
    thing (joint research, a student exchange) are a little one."""
    assert WEIGHTS["shared"] == 1
    assert (
        one_score((C, set(), {"machining"}, set(), set()), (C, set(), {"machining"}, set(), set()))
        == 0
    )
    assert (
        one_score((C, set(), set(), {"machining"}, set()), (C, set(), set(), {"machining"}, set()))
        == 1
    )


@pytest.mark.parametrize(
    ("left", "right", "bonus"),
    [
        (C, T, 1.5),
        (T, C, 1.5),
        (C, U, 1.5),
        (C, CL, 1.5),
        (A, C, 1.5),
        (CL, CL, 1.5),
        (T, U, 1.5),
        (G, G, 1.5),
        (C, C, 0),
        (U, U, 0),
        (C, G, 0),
        (OTHER, C, 0),
    ],
)
def test_complementary_kinds_add_one_and_a_half(left, right, bonus):
    assert (
        one_score((left, set(), set(), set(), set()), (right, set(), set(), set(), set())) == bonus
    )


def test_a_shared_language_adds_half_a_point_once():
    assert one_score((C, set(), set(), set(), {"en"}), (C, set(), set(), set(), {"en"})) == 0.5
    both = one_score((C, set(), set(), set(), {"en", "ja"}), (C, set(), set(), set(), {"ja", "en"}))
    assert both == 0.5
    assert one_score((C, set(), set(), set(), {"es"}), (C, set(), set(), set(), {"ja"})) == 0


def test_the_contributions_add_up():
    basque = (C, {1, 2}, {"cfrp"}, {"robot"}, {"es", "en"})
    mie = (U, {2}, {"robot"}, {"cfrp", "machining"}, {"ja", "en"})
    assert one_score(basque, mie) == 3 + 2 + 2 + 1.5 + 0.5


def test_scores_of_all_rows_or_some_rows():
    basque = profiles(
        (C, {1}, {"cfrp"}, set(), {"en"}),
        (T, set(), set(), {"robot"}, {"es"}),
    )
    mie = profiles(
        (C, {1}, set(), {"cfrp"}, {"en"}),
        (C, set(), {"robot"}, set(), {"ja"}),
        (U, set(), set(), set(), set()),
    )
    full = scores(basque, mie)
    assert full.tolist() == [[5.5, 0, 1.5], [1.5, 3.5, 1.5]]
    assert scores(basque, mie, basque_rows=[1]).tolist() == [full[1].tolist()]
    assert scores(basque, mie, mie_rows=[2]).tolist() == full[:, [2]].tolist()


# propose() on stored organizations --------------------------------------------------------

BASQUE_MACHINING = {
    "name": "Mecanizados Goierri",
    "region": "basque_country",
    "sectors": ["manufacturing", "aeronautics"],
    "capabilities": "CNC machining of titanium parts",
    "interests": "Japanese robot suppliers",
    "languages": "es,en",
}
MIE_BUYER = {
    "name": "Suzuka Body Parts",
    "region": "mie",
    "sectors": ["manufacturing", "automotive"],
    "capabilities": "Industrial robot cells",
    "interests": "Machining of titanium parts",
    "languages": "ja,en",
}


def test_propose_gives_the_other_side_with_its_score_and_reasons(app, make_orgs, sector_ids):
    basque, mie = make_orgs([BASQUE_MACHINING, MIE_BUYER])
    with app.app_context():
        (proposal,) = propose(basque)
        assert (proposal.basque_id, proposal.mie_id) == (basque, mie)
        # manufacturing; machining, titanium, part offered; robot sought; English.
        assert proposal.score == 3 + 3 * 2 + 2 + 0.5
        assert proposal.reasons == {
            "sectors": [sector_ids["manufacturing"]],
            "offers": ["machining", "part", "titanium"],
            "seeks": ["robot"],
            "shared": [],
            "complementary": False,
            "languages": ["en"],
        }
        # From the Mie side: the same pair, the same score and reasons.
        (back,) = propose(mie)
        assert (back.basque_id, back.mie_id, back.score) == (basque, mie, proposal.score)
        assert back.reasons == proposal.reasons


def test_propose_never_gives_an_organization_of_the_same_side(app, make_orgs):
    twin = {**BASQUE_MACHINING, "name": "Twin", "capabilities": "Japanese robot suppliers"}
    other_europe = {**twin, "name": "Usinage Bordeaux", "region": "other_europe"}
    mie_twin = {**MIE_BUYER, "name": "Mie twin", "interests": "Industrial robot cells"}
    aichi = {**MIE_BUYER, "name": "Aichi buyer", "region": "other_japan"}
    nowhere = {**MIE_BUYER, "name": "Region unknown", "region": "other"}
    basque, twin_id, europe_id, mie, mie_twin_id, aichi_id, nowhere_id = make_orgs(
        [BASQUE_MACHINING, twin, other_europe, MIE_BUYER, mie_twin, aichi, nowhere]
    )
    japan, europe = {mie, mie_twin_id, aichi_id}, {basque, twin_id, europe_id}
    with app.app_context():
        for organization in europe:
            found = propose(organization)
            assert {p.mie_id for p in found} == japan
            assert {p.basque_id for p in found} == {organization}
        for organization in japan:
            found = propose(organization)
            assert {p.basque_id for p in found} == europe
            assert {p.mie_id for p in found} == {organization}
        # An organization on neither side has no proposals.
        assert propose(nowhere_id) == []


def test_propose_skips_trashed_organizations(app, make_orgs, trash):
    basque, mie, other = make_orgs([BASQUE_MACHINING, MIE_BUYER, {**MIE_BUYER, "name": "B"}])
    trash(mie)
    with app.app_context():
        assert [p.mie_id for p in propose(basque)] == [other]
        assert propose(mie) == []
    trash(basque)
    with app.app_context():
        assert propose(other) == []


def test_propose_skips_excluded_pairs_from_either_side(app, make_orgs):
    basque, mie, other = make_orgs([BASQUE_MACHINING, MIE_BUYER, {**MIE_BUYER, "name": "B"}])
    with app.app_context():
        assert [p.mie_id for p in propose(basque, excluded={(basque, mie)})] == [other]
        assert propose(mie, excluded={(basque, mie)}) == []
        assert [p.basque_id for p in propose(other, excluded={(basque, mie)})] == [basque]
        # The pair is (Basque-side id, Japanese-side id): the reverse order excludes nothing.
        assert len(propose(basque, excluded={(mie, basque)})) == 2


def test_propose_leaves_out_pairs_with_nothing_in_common(app, make_orgs):
    basque, _ = make_orgs(
        [
            BASQUE_MACHINING,
            {"name": "Ise Pearls", "region": "mie", "capabilities": "Akoya", "languages": "ja"},
        ]
    )
    with app.app_context():
        assert propose(basque) == []


def test_propose_ranks_by_score_and_stops_at_the_limit(app, make_orgs):
    mie = [
        {**MIE_BUYER, "name": f"Mie {n}", "interests": " ".join(words)}
        for n, words in enumerate([[], ["machining"], ["machining", "titanium"], ["titanium"]])
    ]
    basque, *mie_ids = make_orgs([BASQUE_MACHINING, *mie])
    with app.app_context():
        found = propose(basque, limit=3)
        assert [p.mie_id for p in found] == [mie_ids[2], mie_ids[1], mie_ids[3]]
        assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)
        assert found[0].reasons["offers"] == ["machining", "titanium"]


def test_reasons_name_the_shared_sectors_terms_and_kinds(app, make_orgs, sector_ids):
    basque, mie = make_orgs(
        [
            {
                "name": "Tecnalia",
                "kind": "technology_centre",
                "region": "basque_country",
                "sectors": ["rd-innovation", "advanced-materials", "biotechnology"],
                "capabilities": "Contract research on CFRP recycling; 共同研究",
                "interests": "Carbon fibre suppliers",
                "languages": "es,eu,en",
            },
            {
                "name": "Yokkaichi Fibres",
                "native_name": "四日市ファイバー株式会社",
                "kind": "company",
                "region": "mie",
                "sectors": ["advanced-materials", "rd-innovation", "agri-food"],
                "capabilities": "Carbon fibre tows",
                "interests": "CFRP recycling, 共同研究",
                "languages": "ja,en",
            },
        ]
    )
    with app.app_context():
        (proposal,) = propose(basque)
    assert proposal.mie_id == mie
    assert proposal.reasons["sectors"] == sorted(
        [sector_ids["rd-innovation"], sector_ids["advanced-materials"]]
    )
    assert proposal.reasons["offers"] == ["cfrp", "recycling", "共同", "同研", "研究"]
    assert proposal.reasons["seeks"] == ["carbon", "fibre"]
    assert proposal.reasons["complementary"] is True
    assert proposal.reasons["languages"] == ["en"]
    # two Latin terms offered, three Japanese bigrams at half weight each
    assert proposal.score == 2 * 3 + (2 + 3 * CJK_TERM) * 2 + 2 * 2 + 1.5 + 0.5


# best_pairs() -----------------------------------------------------------------------------


def test_best_pairs_gives_up_to_five_partners_per_basque_organization(app, make_orgs, trash):
    interests = [
        "machining titanium parts robot",
        "machining titanium parts",
        "machining titanium",
        "machining",
        "titanium",
        "parts",
        "",
    ]
    mie = [
        {**MIE_BUYER, "name": f"Mie {n}", "interests": text, "capabilities": "robot"}
        for n, text in enumerate(interests)
    ]
    ids = make_orgs([BASQUE_MACHINING, {**BASQUE_MACHINING, "name": "Small"}, *mie])
    basque, small, mie_ids = ids[0], ids[1], ids[2:]
    trash(mie_ids[0])
    with app.app_context():
        pairs = best_pairs()
        assert set(pairs) == {basque, small}
        for organization in (basque, small):
            ranked = pairs[organization]
            assert len(ranked) == 5
            assert [score for _, score in ranked] == sorted(
                (score for _, score in ranked), reverse=True
            )
            assert mie_ids[0] not in [partner for partner, _ in ranked]
            # The same partners and scores as propose() gives, best first.
            expected = [(p.mie_id, p.score) for p in propose(organization, limit=5)]
            assert [(partner, round(score, 2)) for partner, score in ranked] == expected
        assert [partner for partner, _ in pairs[basque]][:3] == mie_ids[1:4]


def test_best_pairs_with_few_partners(app, make_orgs):
    basque, mie = make_orgs([BASQUE_MACHINING, MIE_BUYER])
    with app.app_context():
        assert list(best_pairs()) == [basque]
        assert [partner for partner, _ in best_pairs()[basque]] == [mie]
        assert best_pairs(per_organization=1, block=1) == best_pairs()


def test_best_pairs_in_blocks_gives_the_same_result(app, make_orgs):
    basque = [{**BASQUE_MACHINING, "name": f"EU {n}", "interests": f"robot {n}"} for n in range(5)]
    mie = [{**MIE_BUYER, "name": f"JP {n}", "capabilities": f"robot {n}"} for n in range(7)]
    make_orgs([*basque, *mie])
    with app.app_context():
        assert best_pairs(block=2) == best_pairs(block=512)
        assert len(best_pairs(block=2)) == 5


def test_best_pairs_of_an_empty_side(app, make_orgs):
    make_orgs([BASQUE_MACHINING])
    with app.app_context():
        assert best_pairs() == {}
