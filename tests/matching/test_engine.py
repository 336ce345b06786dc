"""The matching engine: keywords, the weights of the score, and what it may propose."""

import math

import numpy as np
import pytest
from scipy import sparse

from crm.matching import engine
from crm.matching.engine import WEIGHTS, Profiles, best_pairs, keywords, propose, scores
from crm.organizations.models import Kind

# keywords(): concepts in four languages, and the words no concept covers ------------------


def concepts(text):
    return {term[2:] for term in keywords(text) if term.startswith("c:")}


def test_the_same_concept_in_english_spanish_basque_and_japanese(app):
    with app.app_context():
        for text in (
            "5-axis machining",
            "mecanizado en 5 ejes",
            "5 ardatzeko mekanizazioa",
            "5軸加工",
        ):
            assert {"machining_5axis", "machining"} <= concepts(text), text
        for text in ("joint research", "investigación conjunta", "ikerketa bateratua", "共同研究"):
            assert "joint_research" in concepts(text), text


def test_the_profiles_own_words_are_kept_for_the_reasons(app):
    with app.app_context():
        assert keywords("5軸加工機によるチタン合金の切削")["c:machining_5axis"] == "5軸加工"
        assert keywords("チタン合金の切削")["c:titanium"] == "チタン合金"
        assert keywords("Mecanizado en 5 ejes")["c:machining_5axis"] == "mecanizado 5 ejes"


def test_keywords_are_concepts_and_singular_words(app):
    with app.app_context():
        assert set(keywords("CNC machining of titanium parts")) == {
            "c:machining",
            "c:titanium",
            "w:part",
        }
        assert set(keywords("The parts for their customers and the others")) == {
            "w:part",
            "c:customers",
            "w:other",
        }
        assert set(keywords("and the for with from our their that this into")) == set()


def test_spanish_plurals_accents_and_basque_case_endings(app):
    with app.app_context():
        for text in ("Rectificadora", "rectificadoras", "RECTIFICADORAS"):
            assert concepts(text) == {"grinding"}, text
        assert concepts("Investigación") == concepts("investigacion") == {"joint_research"}
        for text in ("robotak", "robotekin", "robota", "robotentzat"):
            assert concepts(text) == {"robotics"}, text
        for text in ("bezeroak", "bezeroekin", "bezeroentzat"):
            assert concepts(text) == {"customers"}, text


def test_japanese_is_cut_into_words_not_bigrams(app):
    with app.app_context():
        assert set(keywords("精密加工")) == {"c:precision_machining", "c:machining"}
        assert set(keywords("協働ロボット")) == {"c:cobots", "c:robotics"}
        # Words no concept knows stay words, in their normalised form (コネクタ = コネクター);
        # particles and kana are left out.
        assert set(keywords("コネクタの射出成形")) == {"w:コネクター", "c:injection_moulding"}
        assert keywords("コネクタ").keys() == keywords("コネクター").keys()
        # A bilingual profile.
        assert set(keywords("CFRP部品、精密加工")) >= {"c:composites", "w:部品", "c:machining"}


def test_keywords_fold_case_accents_and_width(app):
    with app.app_context():
        assert keywords("Fundación ROBÓTICA").keys() == keywords("fundacion robotica").keys()
        assert set(keywords("ＣＦＲＰ　ＰＡＲＴＳ")) == {"c:composites", "w:part"}


def test_keywords_of_nothing(app):
    with app.app_context():
        assert keywords(None) == keywords("") == {}


def test_extra_vocabulary_files_add_concepts_and_terms(app, tmp_path):
    extra = tmp_path / "extra.toml"
    extra.write_text(
        '[concepts.pearls]\nen = ["pearl", "pearls"]\nja = ["真珠"]\n'
        '[concepts.titanium]\nes = ["Ti-6Al-4V"]\n',
        encoding="utf-8",
    )
    with app.app_context():
        assert "pearls" not in concepts("Akoya pearls")
    app.config["MATCHING_VOCABULARY_FILES"] = [str(extra)]
    with app.app_context():
        assert concepts("Akoya pearls") == concepts("アコヤ真珠") == {"pearls"}
        assert concepts("piezas de Ti-6Al-4V") >= {"titanium"}
        assert engine.vocabulary().concepts["pearls"].label("ja") == "真珠"
        assert engine.vocabulary().concepts["pearls"].label("eu") == "pearl"  # English if none


# scores() on hand-made profiles -----------------------------------------------------------

VOCABULARY = [
    "s:1",
    "s:2",
    "w:cfrp",
    "w:machining",
    "w:robot",
    "w:exchange",
    "l:en",
    "l:ja",
    "l:es",
]
MUTUAL = np.array([term == "w:exchange" for term in VOCABULARY])


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
        mutual=MUTUAL,
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


def test_offering_the_same_thing_counts_a_little_and_seeking_it_counts_against():
    """Two machining shops may share work: a little. Two companies seeking the same thing
    (customers, suppliers) are competitors: against. Partners sharing a need that takes two
    (an exchange, joint research) are a match: one."""
    assert (WEIGHTS["both_offer"], WEIGHTS["competing"], WEIGHTS["shared"]) == (0.25, -0.5, 1)
    machining = {"machining"}
    assert (
        one_score((C, set(), machining, set(), set()), (C, set(), machining, set(), set())) == 0.25
    )
    assert (
        one_score((C, set(), set(), machining, set()), (C, set(), set(), machining, set())) == -0.5
    )
    exchange = {"exchange"}
    assert one_score((U, set(), set(), exchange, set()), (U, set(), set(), exchange, set())) == 1


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
        # Each of the four terms is in 2 of 2 profiles: IDF log(5 / 3) + 1.
        idf = math.log(5 / 3) + 1
        # manufacturing; machining, titanium, parts offered; robots sought; English.
        assert proposal.score == round(3 + 3 * 2 * idf + 2 * idf + 0.5, 2)
        assert proposal.reasons == {
            "sectors": [sector_ids["manufacturing"]],
            "offers": [
                {"concept": "machining", "term": "machining", "basque": "cnc", "mie": "machining"},
                {
                    "concept": "titanium",
                    "term": "titanium",
                    "basque": "titanium",
                    "mie": "titanium",
                },
                {"concept": None, "term": "part", "basque": "parts", "mie": "parts"},
            ],
            "seeks": [
                {"concept": "robotics", "term": "robotics", "basque": "robot", "mie": "robot cells"}
            ],
            "both_offer": [],
            "shared": [],
            "competing": [],
            "complementary": False,
            "languages": ["en"],
        }
        # From the Mie side: the same pair, the same score and reasons.
        (back,) = propose(mie)
        assert (back.basque_id, back.mie_id, back.score) == (basque, mie, proposal.score)
        assert back.reasons == proposal.reasons


def test_a_spanish_profile_meets_a_japanese_one(app, make_orgs):
    basque, _mie = make_orgs(
        [
            {**BASQUE_MACHINING, "capabilities": "Mecanizado en 5 ejes de piezas de titanio"},
            {**MIE_BUYER, "interests": "チタン合金部品の5軸加工", "capabilities": ""},
        ]
    )
    with app.app_context():
        (proposal,) = propose(basque)
    offered = {
        item["concept"]: (item["basque"], item["mie"]) for item in proposal.reasons["offers"]
    }
    assert offered["machining_5axis"] == ("mecanizado 5 ejes", "5軸加工")
    assert offered["titanium"] == ("titanio", "チタン合金")


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
        assert [item["concept"] for item in found[0].reasons["offers"]] == ["machining", "titanium"]


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

    def counted(key):
        return [item["concept"] or item["term"] for item in proposal.reasons[key]]

    assert counted("offers") == ["composites", "joint_research", "recycling"]
    research = next(i for i in proposal.reasons["offers"] if i["concept"] == "joint_research")
    assert (research["basque"], research["mie"]) == ("contract research", "共同研究")
    assert counted("seeks") == ["carbon_fibre", "composites"]
    assert counted("both_offer") == ["composites"]
    assert counted("competing") == ["composites"]  # both look for composites
    assert proposal.reasons["complementary"] is True
    assert proposal.reasons["languages"] == ["en"]


def test_reasons_of_matches_stored_before_concepts_still_show(app, client, login, make_orgs):
    from crm.extensions import db
    from crm.matching.models import Match

    basque, mie = make_orgs([BASQUE_MACHINING, MIE_BUYER])
    with app.app_context():
        old = {"sectors": [], "offers": ["titanium", "精密"], "seeks": [], "shared": ["robot"]}
        match = Match(basque_id=basque, mie_id=mie, reasons=old)
        db.session.add(match)
        db.session.commit()
        match_id = match.id
    login()
    page = client.get(f"/matching/{match_id}").get_data(as_text=True)
    assert "titanium, 精密" in page and "robot" in page


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
        assert [partner for partner, _ in pairs[basque]][:2] == mie_ids[1:3]


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
