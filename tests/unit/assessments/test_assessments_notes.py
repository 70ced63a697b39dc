"""services/assessments/notes.py: the note beside a result whose top three were decided by equal scores."""

from services.assessments.domain import score
from services.assessments.inventories import RIASEC, WORK_VALUES
from services.assessments.notes import ties_note


def riasec_answers(**per_area):
    return {f"{area}{n:02d}": value for area, values in per_area.items() for n, value in enumerate(values, 1)}


def value_answers(**per_value):
    prefixes = {
        "achievement": "ACH",
        "working_conditions": "WOR",
        "recognition": "REC",
        "relationships": "REL",
        "support": "SUP",
        "independence": "IND",
    }
    return {f"{prefixes[v]}{n}": r for v, ratings in per_value.items() for n, r in enumerate(ratings, 1)}


# achievement 19 and independence 19 (three "Essential" each), relationships 18: one other reading.
TIED_VALUES = value_answers(
    achievement=[5, 5, 5, 4],
    working_conditions=[3, 3, 3, 3],
    recognition=[2, 2, 2, 2],
    relationships=[5, 5, 4, 4],
    support=[4, 4, 4, 4],
    independence=[4, 5, 5, 5],
)


def test_a_work_values_tie_names_the_other_top_three_value_by_value():
    note = ties_note(WORK_VALUES, score(WORK_VALUES, TIED_VALUES), "en")
    assert note == (
        "Some values scored the same (Achievement = Independence); your top three could also be read as "
        "Independence, Achievement, Relationships. Equal scores are ordered by the number of “Essential” "
        "answers, then Achievement, Working conditions, Recognition, Relationships, Support, Independence."
    )
    assert "independenceachievement" not in note.lower()


def test_a_work_values_tie_reads_in_swahili_with_the_values_swahili_names():
    note = ties_note(WORK_VALUES, score(WORK_VALUES, TIED_VALUES), "sw")
    assert note == (
        "Baadhi ya maadili yalipata alama sawa (Mafanikio = Uhuru); maadili yako makuu matatu yanaweza pia "
        "kusomeka Uhuru, Mafanikio, Mahusiano. Alama sawa hupangwa kwa idadi ya majibu ya “Muhimu kabisa”, "
        "kisha Mafanikio, Mazingira ya kazi, Kutambuliwa, Mahusiano, Msaada, Uhuru."
    )


def test_several_other_readings_of_the_values_are_kept_apart_from_one_another():
    answers = value_answers(
        achievement=[5, 5, 5, 5],  # 20
        working_conditions=[4, 4, 4, 4],  # 16
        recognition=[4, 4, 4, 4],  # 16
        relationships=[4, 4, 4, 4],  # 16
        support=[1, 1, 1, 1],
        independence=[1, 1, 1, 1],
    )
    note = ties_note(WORK_VALUES, score(WORK_VALUES, answers), "en")
    assert note is not None
    assert "(Working conditions = Recognition = Relationships)" in note
    assert (
        "could also be read as Achievement, Recognition, Relationships; Achievement, Recognition, "
        "Working conditions; Achievement, Relationships, Recognition; Achievement, Relationships, "
        "Working conditions; Achievement, Working conditions, Relationships. "
    ) in note


def test_an_interest_tie_still_names_the_other_three_letter_codes():
    answers = riasec_answers(
        R=[5, 5, 5, 1, 1, 1, 1, 1],  # 20
        I=[4, 4, 4, 4, 4, 4, 4, 4],  # 32, no "strongly like"
        A=[3, 3, 3, 3, 3, 3, 3, 3],  # 24
        S=[5, 5, 5, 5, 4, 2, 2, 4],  # 32, four "strongly like"
        E=[2, 2, 2, 2, 2, 2, 2, 2],
        C=[1, 1, 1, 1, 1, 1, 1, 1],
    )
    scored = score(RIASEC, answers)
    assert ties_note(RIASEC, scored, "en") == (
        "Some areas scored the same (S=I); your code could also be read as ISA. "
        "Equal scores are ordered by the number of top answers, then R, I, A, S, E, C."
    )
    assert ties_note(RIASEC, scored, "sw") == (
        "Baadhi ya maeneo yalipata alama sawa (S=I); msimbo wako unaweza pia kusomeka ISA. "
        "Alama sawa hupangwa kwa idadi ya majibu ya juu kabisa, kisha R, I, A, S, E, C."
    )


def test_no_equal_scores_at_the_top_means_no_note():
    answers = value_answers(
        achievement=[5, 5, 5, 5],
        working_conditions=[4, 4, 4, 4],
        recognition=[3, 3, 3, 3],
        relationships=[2, 2, 2, 2],
        support=[1, 1, 1, 1],
        independence=[1, 1, 1, 1],
    )
    assert ties_note(WORK_VALUES, score(WORK_VALUES, answers), "en") is None
