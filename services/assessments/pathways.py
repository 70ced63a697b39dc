"""Career pathways: from the occupation a client holds (or could start in) to the ones they aim at,
one move at a time through O*NET's related occupations. Plain data, no I/O.

A move goes from an occupation to one O*NET lists as related to it (its own list, or a list naming
it: a cashier's list names the retail supervisor, the supervisor's names the manager), never down
in job zone: a path climbs or moves across, it does not step back to qualify for less. Paths are
ranked by how closely related each move is (O*NET's tiers), fewer moves first, then by how well
the target fits the client's interests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_STEPS = 3
MAX_PATHS = 5
# How near a related occupation is, by O*NET's tier: "Primary-Short" the closest few.
TIER_WEIGHTS = {"Primary-Short": 1.0, "Primary-Long": 0.8, "Supplemental": 0.6}
NAMED_BY_OTHER = 0.85  # a move found only on the other occupation's list counts for a bit less
STEP_COST = 0.25  # every move costs this on top of its distance: shorter paths first
FIT_WEIGHT = 0.3  # how much the target's interest fit counts against the moves' cost

# A related-occupations graph: code → {neighbour code: nearness 0..1}.
Graph = dict[str, dict[str, float]]


@dataclass(frozen=True)
class Path:
    """Occupation codes in order (the start first when it is where the client is now), and its cost."""

    codes: tuple[str, ...]
    cost: float


def related_graph(related: Mapping[str, Iterable[Mapping[str, Any]]], known: Iterable[str]) -> Graph:
    """The graph of moves among ``known`` occupations from each one's related list (both ways)."""
    codes = set(known)
    graph: Graph = {code: {} for code in codes}
    for code, items in related.items():
        if code not in codes:
            continue
        for item in items:
            other = str(item.get("code") or "")
            if other not in codes or other == code:
                continue
            weight = TIER_WEIGHTS.get(str(item.get("tier")), TIER_WEIGHTS["Supplemental"])
            graph[code][other] = max(graph[code].get(other, 0.0), weight)
            graph[other][code] = max(graph[other].get(code, 0.0), weight * NAMED_BY_OTHER)
    return graph


def find_paths(
    graph: Graph,
    zones: Mapping[str, int],
    start: str,
    targets: Sequence[str],
    fit: Callable[[str], float | None],
    max_steps: int = MAX_STEPS,
) -> list[Path]:
    """Every path of 1 to ``max_steps`` moves from ``start`` to one of ``targets``, never down in job
    zone and never through an occupation twice, cheapest first."""
    wanted = set(targets) - {start}
    found: list[Path] = []

    def walk(codes: tuple[str, ...], cost: float) -> None:
        here = codes[-1]
        for following, nearness in sorted(graph.get(here, {}).items()):
            if following in codes or zones.get(following, 0) < zones.get(here, 0):
                continue
            spent = cost + (1.0 - nearness) + STEP_COST
            route = (*codes, following)
            if following in wanted:
                found.append(Path(route, round(spent - FIT_WEIGHT * (fit(following) or 0.0), 4)))
            if len(route) - 1 < max_steps:
                walk(route, spent)

    walk((start,), 0.0)
    return sorted(found, key=lambda p: (p.cost, len(p.codes), p.codes))


def best_paths(
    graph: Graph,
    zones: Mapping[str, int],
    starts: Sequence[str],
    targets: Sequence[str],
    fit: Callable[[str], float | None],
    limit: int = MAX_PATHS,
) -> list[Path]:
    """Up to ``limit`` paths from any of ``starts`` toward ``targets``: the cheapest, but at most two
    toward any one target, so the client sees more than one direction."""
    candidates = sorted(
        (path for start in starts for path in find_paths(graph, zones, start, targets, fit)),
        key=lambda p: (p.cost, len(p.codes), p.codes),
    )
    chosen: list[Path] = []
    per_target: dict[str, int] = {}
    for path in candidates:
        if per_target.get(path.codes[-1], 0) >= 2:
            continue
        per_target[path.codes[-1]] = per_target.get(path.codes[-1], 0) + 1
        chosen.append(path)
        if len(chosen) == limit:
            break
    return chosen


def current_occupation(positions: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The position a client holds now (no end date), else their latest, among those whose title
    names an occupation (``gap.mapped_positions``); None when none does."""
    named = [p for p in positions if p.get("occupation")]
    if not named:
        return None
    ongoing = [p for p in named if not p.get("end")]
    pool = ongoing or named
    # ISO dates compare as text; an ongoing position without a start date still beats none.
    return max(pool, key=lambda p: (str(p.get("end") or "9999"), str(p.get("start") or "")))


def entry_points(zones: Mapping[str, int], matches: Sequence[str], count: int = 3) -> list[str]:
    """Where a client with no work yet could start: their best matches needing the least preparation."""
    ranked = sorted(enumerate(matches), key=lambda item: (zones.get(item[1], 9), item[0]))
    return [code for _, code in ranked[:count]]
