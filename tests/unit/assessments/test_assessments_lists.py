"""services/assessments: which results a list reads for each caller, and which results get matches."""

from dataclasses import dataclass

from services.assessments import matching
from services.assessments.domain import counselor_clients, inventory_page, results_scope, score
from services.assessments.inventories import RIASEC, WORK_VALUES


@dataclass(frozen=True)
class Viewer:
    user_id: str
    org_id: str
    role: str
    branch_id: str | None = "brn_town"


def test_a_client_lists_their_own_results_only():
    amina = Viewer("usr_amina", "org_nakuru", "client")
    assert results_scope(amina, None, None) == {"org_id": "org_nakuru", "client_id": "usr_amina"}
    assert results_scope(amina, "riasec", "usr_amina") == {
        "org_id": "org_nakuru",
        "key": "riasec",
        "client_id": "usr_amina",
    }
    assert results_scope(amina, None, "usr_baraka") is None


def test_a_branch_admin_lists_their_branch_and_an_org_admin_the_organization():
    branch_admin = Viewer("usr_admin", "org_nakuru", "branch_admin")
    assert results_scope(branch_admin, None, "usr_amina") == {
        "org_id": "org_nakuru",
        "branch_id": "brn_town",
        "client_id": "usr_amina",
    }
    assert results_scope(Viewer("usr_boss", "org_nakuru", "org_admin", None), "work_values", None) == {
        "org_id": "org_nakuru",
        "key": "work_values",
    }


def test_a_counselor_lists_the_results_of_their_own_clients():
    counselor = Viewer("usr_counselor", "org_nakuru", "counselor")
    assert results_scope(counselor, None, "usr_amina") == {"org_id": "org_nakuru"}
    assert counselor_clients(["usr_amina", "usr_baraka"], None) == ["usr_amina", "usr_baraka"]
    assert counselor_clients(["usr_amina", "usr_baraka"], "usr_baraka") == ["usr_baraka"]
    assert counselor_clients(["usr_amina"], "usr_someone_else") == []


def test_only_an_interest_profile_that_is_not_flat_is_matched():
    varied = score(RIASEC, {item.id: 1 + i % 5 for i, item in enumerate(RIASEC.items)})
    flat = score(RIASEC, {item.id: 3 for item in RIASEC.items})
    values = score(WORK_VALUES, {item.id: WORK_VALUES.scale_max for item in WORK_VALUES.items})
    assert matching.wants_matches(varied)
    assert not matching.wants_matches(flat)
    assert not matching.wants_matches(values)
    assert matching.notes_of(flat, "en")[-1] == matching.unmatched_note({"R": 1}, "en")
    assert matching.unmatched_note(None, "sw") != matching.unmatched_note({"R": 1}, "sw")


def test_the_catalog_pages_in_key_order_and_says_when_it_ends():
    assert inventory_page(50, None) == (["riasec", "work_values"], None)
    assert inventory_page(1, None) == (["riasec"], "riasec")
    assert inventory_page(1, "riasec") == (["work_values"], None)
    assert inventory_page(2, "work_values") == ([], None)


def test_a_window_of_ranked_matches_says_where_the_next_starts():
    ranked = list(range(7))  # what the table ranked: one past the page when more follow
    assert matching.window(ranked, 0, 3) == ([0, 1, 2], 3)
    assert matching.window(ranked, 3, 3) == ([3, 4, 5], 6)
    assert matching.window(ranked, 6, 3) == ([6], None)
    assert matching.window(ranked[:6], 3, 3) == ([3, 4, 5], None)
