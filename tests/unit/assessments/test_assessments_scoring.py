"""services/assessments/domain.py and inventories.py: the items, checking answers, scores and the tie rule.

Every expected score below is worked out by hand from the answers written next to it.
"""

import pytest

from services.assessments.domain import (
    NOT_ANSWERED,
    UNKNOWN_ITEM,
    AssessmentError,
    check_answers,
    inventory,
    score,
    unanswered,
)
from services.assessments.inventories import INVENTORIES, RIASEC, WORK_VALUES


def riasec_answers(**per_area):
    """``R=[1, 1, ...]``: the eight answers of each area, in item order."""
    answers = {}
    for area, values in per_area.items():
        assert len(values) == 8, area
        answers.update({f"{area}{n:02d}": value for n, value in enumerate(values, start=1)})
    return answers


def value_answers(**per_value):
    codes = {
        "achievement": "ACH",
        "working_conditions": "WOR",
        "recognition": "REC",
        "relationships": "REL",
        "support": "SUP",
        "independence": "IND",
    }
    answers = {}
    for value, ratings in per_value.items():
        answers.update({f"{codes[value]}{n}": r for n, r in enumerate(ratings, start=1)})
    return answers


# The inventories -----------------------------------------------------------------------------


def test_the_interest_profiler_asks_eight_activities_for_each_of_hollands_six_areas():
    assert RIASEC.area_keys == ("R", "I", "A", "S", "E", "C")
    for area in RIASEC.area_keys:
        assert len(RIASEC.items_of(area)) == 8, area
    assert len(set(RIASEC.item_ids)) == 48


def test_work_values_asks_about_the_six_values_of_career_counseling():
    assert WORK_VALUES.area_keys == (
        "achievement",
        "working_conditions",
        "recognition",
        "relationships",
        "support",
        "independence",
    )
    for value in WORK_VALUES.area_keys:
        assert len(WORK_VALUES.items_of(value)) == 4, value


@pytest.mark.parametrize("key", sorted(INVENTORIES))
def test_every_item_label_and_area_reads_in_english_and_in_swahili(key):
    inv = INVENTORIES[key]
    texts = [inv.title, inv.description, inv.prompt, *(i.text for i in inv.items)]
    texts += [a.name for a in inv.areas] + [a.description for a in inv.areas]
    for text in texts:
        assert text["en"].strip() and text["sw"].strip(), text
        assert text["en"] != text["sw"], text
    for language in ("en", "sw"):
        labels = inv.scale_labels[language]
        assert len(labels) == inv.scale_max - inv.scale_min + 1 == 5
        assert len(set(labels)) == 5


def test_the_scale_runs_from_strongly_dislike_to_strongly_like():
    assert RIASEC.scale_labels["en"][0] == "Strongly dislike"
    assert RIASEC.scale_labels["en"][-1] == "Strongly like"
    assert RIASEC.scale_labels["sw"][-1] == "Napenda sana"


# Checking answers item by item ------------------------------------------------------------------


def test_complete_answers_on_the_scale_have_no_problems():
    answers = riasec_answers(**{a: [3] * 8 for a in "RIASEC"})
    assert check_answers(RIASEC, answers) == {}


def test_each_unknown_item_off_scale_value_and_missing_item_is_named():
    answers = riasec_answers(**{a: [3] * 8 for a in "RIASEC"})
    answers.pop("S04")
    answers.pop("C08")
    answers.update({"R01": 0, "R02": 6, "I01": "4", "I02": 2.5, "A01": True, "A02": None, "X99": 3})
    problems = check_answers(RIASEC, answers)
    assert problems["answers.X99"] == [UNKNOWN_ITEM]
    for item in ("R01", "R02", "I01", "I02", "A01", "A02"):
        assert problems[f"answers.{item}"] == ["Must be a whole number from 1 to 5."], item
    assert problems["answers.S04"] == problems["answers.C08"] == [NOT_ANSWERED]
    assert len(problems) == 9


def test_a_draft_may_leave_items_out_but_not_answer_unknown_ones():
    assert check_answers(RIASEC, {"R01": 4}, complete=False) == {}
    assert check_answers(RIASEC, {"R01": 9, "Z1": 1}, complete=False) == {
        "answers.R01": ["Must be a whole number from 1 to 5."],
        "answers.Z1": [UNKNOWN_ITEM],
    }


def test_a_draft_resumes_at_the_first_item_not_yet_answered():
    assert unanswered(RIASEC, {"R01": 4, "R02": 5})[0] == "R03"
    assert len(unanswered(RIASEC, {})) == 48


def test_scoring_refuses_incomplete_answers():
    with pytest.raises(AssessmentError):
        score(RIASEC, {"R01": 3})


def test_an_unknown_assessment_is_refused():
    with pytest.raises(AssessmentError):
        inventory("myers_briggs")


# Scores and the tie rule --------------------------------------------------------------------------


def test_scores_are_the_sums_of_each_areas_answers_and_the_code_is_the_top_three():
    answers = riasec_answers(
        R=[1, 1, 1, 1, 1, 1, 1, 1],  # 8
        I=[2, 2, 2, 2, 2, 2, 2, 2],  # 16
        A=[3, 3, 3, 3, 3, 3, 3, 3],  # 24
        S=[5, 5, 5, 5, 5, 5, 5, 5],  # 40
        E=[4, 4, 4, 4, 4, 4, 4, 4],  # 32
        C=[1, 2, 3, 4, 5, 1, 2, 3],  # 21
    )
    result = score(RIASEC, answers)
    assert result.scores == {"R": 8, "I": 16, "A": 24, "S": 40, "E": 32, "C": 21}
    assert result.code == "SEA"
    assert result.ranking == ("S", "E", "A", "C", "I", "R")
    assert result.ties == () and result.alternatives == ()
    assert result.strongest == {"R": 0, "I": 0, "A": 0, "S": 8, "E": 0, "C": 1}


def test_equal_scores_go_to_the_area_with_more_strongly_like_answers():
    answers = riasec_answers(
        R=[5, 5, 5, 1, 1, 1, 1, 1],  # 20
        I=[4, 4, 4, 4, 4, 4, 4, 4],  # 32, no "strongly like"
        A=[3, 3, 3, 3, 3, 3, 3, 3],  # 24
        S=[5, 5, 5, 5, 4, 2, 2, 4],  # 32, four "strongly like"
        E=[2, 2, 2, 2, 2, 2, 2, 2],  # 16
        C=[1, 1, 1, 1, 1, 1, 1, 1],  # 8
    )
    result = score(RIASEC, answers)
    assert result.scores["I"] == result.scores["S"] == 32
    assert result.code == "SIA"  # S before I: more answers of 5
    assert result.ties == (("S", "I"),)
    assert result.alternatives == (("I", "S", "A"),)
    assert result.alternative_codes == ("ISA",)


def test_equal_scores_and_equal_strong_answers_follow_hollands_order():
    answers = riasec_answers(
        R=[1, 1, 1, 1, 1, 1, 1, 1],  # 8
        I=[2, 2, 2, 2, 2, 2, 2, 2],  # 16
        A=[5, 5, 5, 5, 4, 4, 4, 4],  # 36
        S=[3, 3, 3, 3, 2, 2, 2, 2],  # 20
        E=[5, 5, 3, 3, 3, 3, 3, 3],  # 28, two 5s
        C=[3, 3, 3, 5, 3, 3, 3, 5],  # 28, two 5s
    )
    result = score(RIASEC, answers)
    assert result.code == "AEC"  # E before C: E comes first in R, I, A, S, E, C
    assert result.ties == (("E", "C"),)
    assert result.alternative_codes == ("ACE",)


def test_a_three_way_tie_for_third_place_names_every_other_code_it_allows():
    answers = riasec_answers(
        R=[3] * 8,  # 24
        I=[4] * 8,  # 32
        A=[3] * 8,  # 24
        S=[5] * 8,  # 40
        E=[3] * 8,  # 24
        C=[1] * 8,  # 8
    )
    result = score(RIASEC, answers)
    assert result.code == "SIR"
    assert result.ties == (("R", "A", "E"),)
    assert result.alternative_codes == ("SIA", "SIE")


def test_the_same_answer_to_everything_is_a_flat_profile_with_many_readings():
    result = score(RIASEC, riasec_answers(**{a: [3] * 8 for a in "RIASEC"}))
    assert set(result.scores.values()) == {24}
    assert result.is_flat
    assert result.code == "RIA"
    assert len(result.alternatives) == 10  # capped: 119 other orders are possible


def test_work_values_report_the_top_three_values_with_the_same_tie_rule():
    answers = value_answers(
        achievement=[5, 5, 5, 4],  # 19, three 5s
        working_conditions=[3, 3, 3, 3],  # 12
        recognition=[2, 2, 2, 2],  # 8
        relationships=[5, 5, 4, 4],  # 18
        support=[4, 4, 4, 4],  # 16
        independence=[4, 5, 5, 5],  # 19, three 5s
    )
    result = score(WORK_VALUES, answers)
    assert result.scores == {
        "achievement": 19,
        "working_conditions": 12,
        "recognition": 8,
        "relationships": 18,
        "support": 16,
        "independence": 19,
    }
    assert result.top == ("achievement", "independence", "relationships")
    assert result.code is None
    assert result.ties == (("achievement", "independence"),)
    # The other reading is an order of values, words kept apart: no code runs them together.
    assert result.alternatives == (("independence", "achievement", "relationships"),)
    assert result.alternative_codes == ()
