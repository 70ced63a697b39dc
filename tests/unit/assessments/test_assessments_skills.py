"""services/assessments/skills.py: free-text skills mapped to O*NET elements and technologies and to
ESCO skills: exact, alternative-label, fuzzy (flagged) and no match; with a small vocabulary written
here, with the vocabulary Njia ships, and with the whole ESCO file when it is beside the checkout."""

import io
from pathlib import Path

import pytest

from services.assessments.catalog import default_esco_skills, default_requirements
from services.assessments.skills import ALIASES, Concept, Vocabulary, normalize, vocabulary_of

DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
ESCO = "http://data.europa.eu/esco/skill/"

SMALL = Vocabulary(
    [
        Concept("onet", "2.A.1.b", "Active Listening"),
        Concept("onet", "technology:Microsoft Excel", "Microsoft Excel"),
        Concept("onet", "technology:Python", "Python"),
        Concept("esco", ESCO + "comm", "communication", ("conversation", "communicating")),
        Concept("esco", ESCO + "teach", "teaching communication"),
        Concept(
            "esco", ESCO + "cust", "communicate with customers", ("talk with customers", "help customers")
        ),
        Concept("esco", ESCO + "pm", "project management"),
    ]
)


@pytest.fixture(scope="module")
def shipped() -> Vocabulary:
    return vocabulary_of(default_requirements().values(), default_esco_skills())


def test_text_is_normalized_for_case_punctuation_leading_phrases_and_aliases():
    assert normalize("  Knowledge of   PYTHON. ") == "python"
    assert normalize("Strong communication skills") == "communication"
    assert normalize("MS-Excel") == "microsoft excel"
    assert normalize("C++ & C#") == "c++ and c#"
    assert normalize("skills") == "skills"  # nothing is left to drop it from


@pytest.mark.parametrize(
    ("text", "concept", "label"),
    [
        ("Active listening", "2.A.1.b", "Active Listening"),
        ("MS Excel", "technology:Microsoft Excel", "Microsoft Excel"),
        ("knowledge of Python", "technology:Python", "Python"),
        ("Communication skills", ESCO + "comm", "communication"),
    ],
)
def test_a_label_equal_after_normalizing_is_an_exact_match(text, concept, label):
    found = SMALL.match(text)
    assert (found.match, found.concept.id, found.matched_label, found.score) == ("exact", concept, label, 1.0)


def test_an_alternative_label_is_an_alt_label_match_naming_the_preferred_label():
    found = SMALL.match("Talk with customers")
    assert found.as_dict() == {
        "text": "Talk with customers",
        "scheme": "esco",
        "id": ESCO + "cust",
        "label": "communicate with customers",
        "match": "alt_label",
        "matched_label": "talk with customers",
        "score": 1.0,
    }


@pytest.mark.parametrize(("text", "concept"), [("Comunication", "comm"), ("project managment", "pm")])
def test_a_misspelling_is_a_fuzzy_match_flagged_with_its_score(text, concept):
    found = SMALL.match(text)
    assert found.match == "fuzzy" and found.concept.id == ESCO + concept
    assert 0.86 <= found.score < 1


@pytest.mark.parametrize("text", ["juggling knives", "", "   ", "!!", "listening"])
def test_text_that_names_nothing_known_is_no_match(text):
    found = SMALL.match(text)
    assert (found.match, found.concept, found.score) == ("none", None, 0.0)
    assert found.as_dict()["scheme"] is None


def test_communication_is_never_taken_for_teaching_communication():
    assert SMALL.match("communication").concept.id == ESCO + "comm"
    without_it = Vocabulary([Concept("esco", ESCO + "teach", "teaching communication")])
    assert without_it.match("communication").match == "none"
    assert without_it.match("communications").match == "none"


def test_with_the_shipped_vocabulary_each_kind_of_match_is_found(shipped):
    assert shipped.match("MS Excel").as_dict()["label"] == "Microsoft Excel"
    assert shipped.match("communication").as_dict()["label"] == "communication"
    assert shipped.match("communication").match == "exact"
    assert shipped.match("help customers").match == "alt_label"
    assert shipped.match("Comunication").match == "fuzzy"
    misspelt = shipped.match("cmmunicate verbally in Arabic")  # common words, one misspelt
    assert (misspelt.match, misspelt.concept.scheme) == (
        "fuzzy",
        "esco",
    ) and "arabic" in misspelt.matched_label.lower()


def test_every_alias_names_a_label_of_the_shipped_vocabulary(shipped):
    labels = {normalize(c.label) for c in shipped.concepts}
    labels |= {normalize(a) for c in shipped.concepts for a in c.alt_labels}
    assert sorted(target for target in ALIASES.values() if target not in labels) == []


@pytest.mark.skipif(
    not DATA.exists(), reason=f"reads the whole ESCO skills file, too large to ship: {DATA} is absent"
)
def test_with_every_esco_skill_communication_maps_to_communication_not_teaching_it():
    from services.assessments.readers import Progress
    from services.assessments.skill_readers import parse_esco_skills

    report, skills = parse_esco_skills(DATA / "esco" / "skills_en_v1_1_1.csv", Progress(io.StringIO()))
    assert (report.rows, report.used, report.skipped) == (13896, 13896, [])
    everything = vocabulary_of([], skills)
    found = everything.match("communication")
    assert (found.match, found.concept.label) == ("exact", "communication")
    assert everything.match("conversation").match == "alt_label"
    assert everything.match("Python3").concept.label == "Python (computer programming)"
