"""Outcome measures (services/assessments/measures.py): items, scoring, reliability and change."""

from __future__ import annotations

import pytest

from services.assessments import measures
from services.assessments.measures import CAREER_READINESS, DESTINATION, SESSION_PULSE


def all_answers(value: int) -> dict[str, int]:
    return dict.fromkeys(CAREER_READINESS.item_ids, value)


def test_every_item_and_label_is_written_in_english_and_swahili() -> None:
    for m in measures.MEASURES.values():
        assert m.title["en"] and m.title["sw"] and m.description["en"] and m.description["sw"]
        for item in m.items:
            assert item.text["en"].strip() and item.text["sw"].strip(), item.id
            assert item.text["en"] != item.text["sw"], item.id
        for sub in m.subscales:
            assert sub.name["en"] and sub.name["sw"]
        if m.scale_labels:
            assert len(m.scale_labels["en"]) == len(m.scale_labels["sw"]) == m.scale_max - m.scale_min + 1
    for label, _ in measures.DESTINATIONS.values():
        assert label["en"] and label["sw"]


def test_readiness_has_ten_to_sixteen_items_in_three_or_four_subscales_some_reversed() -> None:
    assert 10 <= len(CAREER_READINESS.items) <= 16
    assert 3 <= len(CAREER_READINESS.subscales) <= 4
    assert any(item.reverse for item in CAREER_READINESS.items)
    assert len(SESSION_PULSE.items) == 3
    assert DESTINATION.kind == "destination"


def test_reverse_keyed_items_count_the_other_way() -> None:
    agreeing = all_answers(5)  # agrees with every statement, the doubting ones too

    scored = measures.score(CAREER_READINESS, agreeing)

    # Each subscale has one reversed statement of three: (5 + 5 + 1) / 3.
    assert scored["subscales"] == dict.fromkeys(("self", "options", "deciding", "acting"), 3.667)
    assert scored["score"] == 3.667


def test_a_ready_client_scores_high_in_every_subscale() -> None:
    ready = {item.id: 1 if item.reverse else 5 for item in CAREER_READINESS.items}

    scored = measures.score(CAREER_READINESS, ready)

    assert scored["score"] == 5.0 and set(scored["subscales"].values()) == {5.0}


def test_up_to_a_fifth_of_the_items_missing_is_prorated() -> None:
    answers = {**all_answers(4), "CR01": None, "CR04": None}  # 2 of 12 missing: under 20 %

    scored = measures.score(CAREER_READINESS, answers)

    assert scored["answered"] == 10 and scored["reason"] is None
    assert scored["subscales"]["self"] == pytest.approx((4 + 2) / 2, abs=0.001)


def test_more_missing_gives_no_score_and_says_why() -> None:
    answers = {**all_answers(4), "CR01": None, "CR04": None, "CR07": None}  # 3 of 12: 25 %

    scored = measures.score(CAREER_READINESS, answers)

    assert scored["score"] is None and scored["reason"] == "insufficient_items"
    assert measures.score(SESSION_PULSE, {"SP01": 5, "SP02": 4})["reason"] == "insufficient_items"


def test_answers_off_the_scale_or_unknown_are_named() -> None:
    faults = measures.check_answers(
        CAREER_READINESS, {"CR01": 6, "CR02": 0, "CR03": "4", "CR99": 3, "CR04": 3}
    )

    assert set(faults) == {"CR01", "CR02", "CR03", "CR99"}


def test_cronbach_alpha_of_consistent_answers_is_high_and_of_noise_low() -> None:
    consistent = [[v, v, v, v] for v in (1, 2, 3, 4, 5, 2, 4)]
    noisy = [[1, 5, 3, 2], [5, 1, 2, 4], [3, 3, 5, 1], [2, 4, 1, 5], [4, 2, 4, 3]]

    assert measures.cronbach_alpha(consistent) == 1.0
    noise = measures.cronbach_alpha(noisy)
    assert noise is not None and noise < 0.3
    assert measures.cronbach_alpha([[1, 2, 3]]) is None


def test_reliable_change_waits_for_enough_responses_then_compares_with_the_error() -> None:
    early = measures.reliable_change(2.5, 4.0, 0.8, 0.85, 12)
    assert early["rci"] is None and "50" in early["note"] and early["change"] == 1.5

    # SEdiff = 0.8 * sqrt(2) * sqrt(0.15) = 0.438: a change of 1.5 is reliable, of 0.5 not.
    assert measures.reliable_change(2.5, 4.0, 0.8, 0.85, 60)["reliable"] is True
    small = measures.reliable_change(2.5, 3.0, 0.8, 0.85, 60)
    assert small["reliable"] is False and small["rci"] == pytest.approx(1.141, abs=0.001)


def test_only_complete_responses_count_toward_alpha() -> None:
    rows = measures.keyed_rows(CAREER_READINESS, [all_answers(4), {**all_answers(4), "CR05": None}])

    assert len(rows) == 1 and rows[0][2] == 2.0  # CR03 is reversed


def test_work_study_and_service_are_career_outcomes_seeking_is_not() -> None:
    outcomes = {key for key in measures.DESTINATIONS if measures.is_career_outcome(key)}

    assert "self_employed" in outcomes and "further_education" in outcomes and "volunteering" in outcomes
    assert "seeking" not in outcomes and "not_seeking" not in outcomes
