"""Career pathways through O*NET's related occupations (services/assessments/pathways.py), on the
table and related lists Njia ships."""

from __future__ import annotations

import pytest

from services.assessments import catalog, pathways

CASHIER, SUPERVISOR, MANAGER = "41-2011.00", "41-1011.00", "11-1021.00"


@pytest.fixture(scope="module")
def shipped():
    occupations, _ = catalog.default_table()
    zones = {o.code: o.job_zone for o in occupations}
    related = {code: doc.get("related") or [] for code, doc in catalog.default_requirements().items()}
    return pathways.related_graph(related, zones), zones


def no_fit(code: str) -> float | None:
    return None


def test_a_cashier_reaches_management_through_retail_supervision_never_stepping_down(shipped) -> None:
    graph, zones = shipped

    paths = pathways.best_paths(graph, zones, [CASHIER], [MANAGER], no_fit)

    assert paths, "no path from cashier to general and operations manager"
    assert paths[0].codes == (CASHIER, SUPERVISOR, MANAGER)
    for path in paths:
        path_zones = [zones[code] for code in path.codes]
        assert path_zones == sorted(path_zones) and path_zones[-1] > path_zones[0]
        assert 2 <= len(path.codes) <= pathways.MAX_STEPS + 1


def test_related_lists_count_both_ways_but_a_listed_move_counts_more() -> None:
    graph = pathways.related_graph({"a": [{"code": "b", "tier": "Primary-Short"}]}, ["a", "b", "c"])

    assert graph["a"]["b"] == 1.0
    assert graph["b"]["a"] == pytest.approx(pathways.NAMED_BY_OTHER)
    assert graph["c"] == {}


def test_no_path_goes_down_in_job_zone_or_through_an_occupation_twice() -> None:
    graph = {
        "start": {"low": 1.0, "mid": 0.6},
        "low": {"top": 1.0},
        "mid": {"start": 1.0, "top": 0.6},
        "top": {},
    }
    zones = {"start": 2, "low": 1, "mid": 3, "top": 4}

    found = pathways.find_paths(graph, zones, "start", ["top"], no_fit)

    assert [p.codes for p in found] == [("start", "mid", "top")]


def test_shorter_and_closer_paths_come_first_and_interest_fit_breaks_near_ties() -> None:
    graph = {"s": {"a": 1.0, "b": 1.0, "t1": 0.6}, "a": {"t2": 1.0}, "b": {}, "t1": {}, "t2": {}}
    zones = dict.fromkeys(graph, 2)

    found = pathways.find_paths(graph, zones, "s", ["t1", "t2"], {"t2": 0.9}.get)

    assert [p.codes for p in found] == [("s", "a", "t2"), ("s", "t1")]


def test_at_most_two_paths_head_for_one_target_so_other_directions_show() -> None:
    graph = {"s": {"a": 1.0, "b": 1.0, "c": 1.0, "u": 0.5}, "a": {"t": 1.0}, "b": {"t": 1.0}, "c": {"t": 1.0}}
    graph.update({"t": {}, "u": {}})
    zones = dict.fromkeys(graph, 2)

    chosen = pathways.best_paths(graph, zones, ["s"], ["t", "u"], no_fit)

    assert [p.codes[-1] for p in chosen].count("t") == 2
    assert ("s", "u") in [p.codes for p in chosen]


def test_the_job_held_now_is_the_start_else_the_latest() -> None:
    cashier = {"title": "Cashier", "start": "2021-03", "end": None, "occupation": {"code": CASHIER}}
    earlier = {"title": "Rider", "start": "2018", "end": "2020", "occupation": {"code": "53-3099.00"}}
    unnamed = {"title": "Juggler", "start": "2022", "occupation": None}

    assert pathways.current_occupation([earlier, cashier, unnamed]) is cashier
    assert pathways.current_occupation([earlier, unnamed]) is earlier
    assert pathways.current_occupation([unnamed]) is None


def test_a_client_without_work_starts_where_their_matches_need_least_preparation() -> None:
    zones = {"doctor": 5, "clerk": 2, "nurse": 3, "aide": 2}

    assert pathways.entry_points(zones, ["doctor", "clerk", "nurse", "aide"], count=2) == ["clerk", "aide"]
