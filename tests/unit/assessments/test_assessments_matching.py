"""services/assessments/domain.py: matching occupations to a client's scores, and who sees a result."""

import pytest

from services.assessments.catalog import default_table, overlay
from services.assessments.domain import (
    WORK_VALUES_WEIGHT,
    LabourFigures,
    Occupation,
    OccupationTable,
    may_see_result,
    outlook_of,
    pearson,
)

#                         R    I    A    S    E    C
NURSE = Occupation("29-1141.00", "Registered Nurses", (3.0, 5.0, 1.0, 7.0, 2.0, 4.0), 4, ("2221",))
ACCOUNTANT = Occupation("13-2011.00", "Accountants", (1.0, 3.0, 1.0, 2.0, 5.0, 7.0), 4, ("2411",))
MECHANIC = Occupation("49-3023.00", "Automotive Mechanics", (7.0, 4.0, 1.0, 2.0, 2.0, 3.0), 3, ("7231",))
TEACHER = Occupation("25-2021.00", "Elementary School Teachers", (1.0, 2.0, 4.0, 7.0, 3.0, 2.0), 4)
AIDE = Occupation("31-1131.00", "Nursing Assistants", (3.0, 5.0, 1.0, 7.0, 2.0, 4.0), 2)
FLAT = Occupation("99-9999.00", "No profile to speak of", (4.0,) * 6, 2)
TABLE = OccupationTable([NURSE, ACCOUNTANT, MECHANIC, TEACHER, AIDE, FLAT])


def scores(r, i, a, s, e, c):
    return {"R": r, "I": i, "A": a, "S": s, "E": e, "C": c}


# Pearson's correlation, worked by hand -------------------------------------------------------


def test_a_profile_correlates_fully_with_any_profile_of_the_same_shape():
    assert pearson([1, 2, 3, 4, 5, 6], [2, 4, 6, 8, 10, 12]) == pytest.approx(1.0)
    assert pearson([1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]) == pytest.approx(-1.0)


def test_pearson_matches_the_hand_computed_value():
    # centred: (-2.5, -1.5, -0.5, 0.5, 1.5, 2.5) and (-2.5, -0.5, -1.5, 1.5, 0.5, 2.5)
    # products sum to 15.5; each sum of squares is 17.5; r = 15.5 / 17.5
    assert pearson([1, 2, 3, 4, 5, 6], [1, 3, 2, 5, 4, 6]) == pytest.approx(15.5 / 17.5)


def test_a_flat_profile_has_no_correlation():
    assert pearson([3, 3, 3, 3, 3, 3], [1, 2, 3, 4, 5, 6]) is None


# Matching ----------------------------------------------------------------------------------------


def test_a_social_investigative_client_is_matched_to_nursing_first():
    # Same shape as the nurse's profile (scores = 8 + 4 x profile): a perfect fit.
    matches = TABLE.match(scores(20, 28, 12, 36, 16, 24))
    assert [m.occupation.code for m in matches[:2]] == ["29-1141.00", "31-1131.00"]
    assert matches[0].fit == pytest.approx(1.0)
    assert matches[-1].occupation is MECHANIC or matches[-1].occupation is ACCOUNTANT
    assert "99-9999.00" not in [m.occupation.code for m in matches]  # a flat profile fits nothing


def test_a_conventional_enterprising_client_is_matched_to_accounting_first():
    matches = TABLE.match(scores(8, 16, 8, 12, 32, 40))
    assert matches[0].occupation is ACCOUNTANT
    assert matches[0].interest_fit > 0.95
    assert [m.fit for m in matches] == sorted((m.fit for m in matches), reverse=True)


def test_the_job_zones_the_client_chooses_filter_the_matches():
    matches = TABLE.match(scores(20, 28, 12, 36, 16, 24), job_zones=[2])
    assert [m.occupation.code for m in matches] == ["31-1131.00"]  # the nurse needs zone 4
    assert TABLE.match(scores(20, 28, 12, 36, 16, 24), job_zones=[5]) == []


def test_equal_fits_list_the_lower_code_first_and_the_limit_is_kept():
    matches = TABLE.match(scores(20, 28, 12, 36, 16, 24), limit=2)
    assert [m.occupation.code for m in matches] == ["29-1141.00", "31-1131.00"]
    assert matches[0].fit == matches[1].fit


def test_a_client_with_a_flat_profile_gets_no_matches():
    assert TABLE.match(scores(24, 24, 24, 24, 24, 24)) == []


def test_work_values_move_an_occupation_that_offers_the_clients_top_values_ahead():
    offers = Occupation("21-1012.00", "Career Counselors", (1, 2, 3, 7, 4, 2), 5, work_values=(7,) * 6)
    lacks = Occupation("21-1011.00", "Addiction Counselors", (1, 2, 3, 7, 4, 2), 5, work_values=(1,) * 6)
    table = OccupationTable([lacks, offers])
    client = scores(12, 16, 20, 36, 24, 16)  # 8 + 4 x the profile: interest fit 1 for both
    plain = table.match(client)
    assert [m.values_fit for m in plain] == [None, None]  # no values result: interests alone
    boosted = table.match(client, top_values=["achievement", "independence", "support"])
    assert [m.occupation.code for m in boosted] == ["21-1012.00", "21-1011.00"]
    assert boosted[0].values_fit == 1.0 and boosted[1].values_fit == 0.0
    assert boosted[0].fit == pytest.approx((1 - WORK_VALUES_WEIGHT) * 1.0 + WORK_VALUES_WEIGHT * 1.0)
    assert boosted[1].fit == pytest.approx((1 - WORK_VALUES_WEIGHT) * 1.0 - WORK_VALUES_WEIGHT)


def test_in_the_default_table_each_occupation_is_its_own_best_match():
    table = overlay(default_table(), [], [])
    for code in ("29-1141.00", "15-1252.00", "13-2011.00", "47-2111.00", "27-1024.00", "11-1021.00"):
        occupation = table.get(code)
        assert occupation is not None, code
        client = {a: 8 + 4 * v for a, v in zip("RIASEC", occupation.profile, strict=True)}
        best = table.match(client, limit=1)[0]
        assert best.occupation.code == code and best.fit == pytest.approx(1.0), code


def test_in_the_default_table_a_work_values_result_changes_the_ranking():
    table = overlay(default_table(), [], [])
    social = scores(14, 22, 12, 38, 20, 18)  # code SIE
    plain = table.match(social, limit=20)
    assert all(m.values_fit is None for m in plain)  # no work-values result: interests alone
    rankings = {}
    for top in (
        ("achievement", "independence", "recognition"),
        ("support", "working_conditions", "relationships"),
    ):
        matches = table.match(social, top_values=top, limit=20)
        assert sum(m.values_fit is not None for m in matches) >= 15, "the shipped table lacks work values"
        rankings[top] = [m.occupation.code for m in matches]
    first, second = rankings.values()
    assert first != [m.occupation.code for m in plain] and second != [m.occupation.code for m in plain]
    assert first != second  # different values, different order


def test_matches_share_the_clients_strongest_areas():
    table = overlay(default_table(), [], [])
    matches = table.match(scores(36, 12, 10, 14, 12, 30), limit=5)  # R, then C
    assert all(m.occupation.top_areas[0] in "RC" for m in matches), [m.occupation.top_areas for m in matches]
    assert all("R" in str(m.facts["shared_areas"]) for m in matches)


# Labour-market figures by region ------------------------------------------------------------------


US_NURSE = LabourFigures("US", "soc", "29-1141", 93600.0, "USD", "year", outlook="about as fast as average")
KE_NURSE = LabourFigures("KE", "isco", "2221", 65000.0, "KES", "month", outlook="faster than average")
US_MECHANIC = LabourFigures("US", "soc", "49-3023", 49670.0, "USD", "year")
US_MECHANIC_OUTLOOK = LabourFigures("US", "soc", "49-3020", outlook="little or no change")
LABOUR = OccupationTable(
    [NURSE, MECHANIC, ACCOUNTANT], [US_NURSE, KE_NURSE, US_MECHANIC, US_MECHANIC_OUTLOOK]
)


def test_a_kenyan_branch_sees_kenyan_figures_found_by_the_isco_code():
    figures, local = LABOUR.figures_for(NURSE, "KE")
    assert figures == KE_NURSE and local


def test_without_figures_for_the_branchs_region_the_us_figures_are_shown_and_marked():
    figures, local = LABOUR.figures_for(MECHANIC, "KE")
    assert figures is not None and figures.region == "US" and not local
    figures, local = LABOUR.figures_for(NURSE, "UG")
    assert figures == US_NURSE and not local
    assert LABOUR.figures_for(NURSE, None) == (US_NURSE, False)


def test_a_us_branch_sees_its_own_figures():
    assert LABOUR.figures_for(NURSE, "US") == (US_NURSE, True)


def test_a_missing_outlook_is_taken_from_the_broad_soc_group_of_the_same_region():
    figures, _ = LABOUR.figures_for(MECHANIC, "US")
    assert figures.median_wage == 49670.0 and figures.outlook == "little or no change"


def test_no_figures_anywhere_is_no_figures():
    assert LABOUR.figures_for(ACCOUNTANT, "KE") == (None, False)


def test_matches_carry_the_figures_of_the_clients_region():
    matches = LABOUR.match(scores(20, 28, 12, 36, 16, 24), region="KE")
    nurse = next(m for m in matches if m.occupation is NURSE)
    mechanic = next(m for m in matches if m.occupation is MECHANIC)
    assert nurse.figures == KE_NURSE and nurse.local_figures
    assert mechanic.figures.region == "US" and not mechanic.local_figures


@pytest.mark.parametrize(
    ("change", "outlook"),
    [
        (15.8, "much faster than average"),
        (7.5, "much faster than average"),  # rounds to 8
        (4.9, "faster than average"),  # rounds to 5
        (3.1, "about as fast as average"),
        (1.4, "little or no change"),
        (-1.0, "little or no change"),
        (-1.6, "decline"),
    ],
)
def test_projected_change_is_described_in_bls_words(change, outlook):
    assert outlook_of(change) == outlook


# Who may see a result -------------------------------------------------------------------------------------


def can_see(role, **overrides):
    facts = {
        "client_id": "usr_amina",
        "org_id": "org_nakuru",
        "branch_id": "brn_town",
        "viewer_id": "usr_viewer",
        "viewer_role": role,
        "viewer_org": "org_nakuru",
        "viewer_branch": "brn_town",
        "counsels_client": False,
    }
    return may_see_result(**{**facts, **overrides})


def test_the_client_their_counselors_and_their_admins_see_a_result():
    assert can_see("client", viewer_id="usr_amina")
    assert can_see("counselor", counsels_client=True)
    assert can_see("branch_admin")
    assert can_see("org_admin", viewer_branch=None)


def test_other_clients_other_counselors_and_other_branches_admins_do_not():
    assert not can_see("client")
    assert not can_see("counselor")
    assert not can_see("branch_admin", viewer_branch="brn_lakeside")


def test_nobody_of_another_organization_sees_a_result():
    for role in ("client", "counselor", "branch_admin", "org_admin"):
        assert not can_see(role, viewer_org="org_mombasa", viewer_id="usr_amina", counsels_client=True)
