"""Rules of assessments: checking answers, scoring, the tie rule, matching occupations.

Plain data and functions, no I/O. Scores are sums of the answers per area (an interest area
or a work value). Areas are ranked by this **tie rule**, the same for both inventories:

1. the higher score first;
2. on equal scores, the area with more answers at the top of the scale ("Strongly like",
   "Essential") first: the stronger expressed preference;
3. still equal, the inventory's own order (Holland's R, I, A, S, E, C; the work values in the
   order achievement, working conditions, recognition, relationships, support, independence).

The three-letter code of the interest profiler is the first three areas of that ranking; the
result also names the areas whose equal scores decided it and the other codes those equal scores
would allow, so a counselor can talk them through.

Matching ranks occupations by the Pearson correlation between the client's six scores and the
occupation's six-number interest profile (as public interest profilers do), among the job zones
the client chose. Where an occupation carries work values and the client has a work-values
result, the fit moves by up to ``WORK_VALUES_WEIGHT`` towards how strongly the occupation offers
the client's top values.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from services.assessments.inventories import INVENTORIES, Inventory

RIASEC_AREAS = ("R", "I", "A", "S", "E", "C")
WORK_VALUES = ("achievement", "working_conditions", "recognition", "relationships", "support", "independence")
JOB_ZONES = (1, 2, 3, 4, 5)
JOB_ZONE_LABELS = {
    1: "Little or no preparation needed",
    2: "Some preparation needed",
    3: "Medium preparation needed",
    4: "Considerable preparation needed",
    5: "Extensive preparation needed",
}
# O*NET's scales: interest profiles ("OI") run 1-7, work values ("EX", extent) 1-7.
PROFILE_RANGE = (1.0, 7.0)
WORK_VALUE_RANGE = (1.0, 7.0)
WORK_VALUES_WEIGHT = 0.15
TOP_COUNT = 3
MAX_ALTERNATIVES = 10
US = "US"

NOT_ANSWERED = "Not answered yet."
UNKNOWN_ITEM = "No such item in this assessment."


class AssessmentError(Exception):
    pass


class UnknownAssessment(AssessmentError):
    pass


def inventory_page(limit: int, after: str | None) -> tuple[list[str], str | None]:
    """Up to ``limit`` inventory keys in key order after ``after`` (from the first when None), and
    the last key shown when more follow (None: the catalog ends here)."""
    rest = [key for key in sorted(INVENTORIES) if after is None or key > after]
    return rest[:limit], (rest[limit - 1] if len(rest) > limit else None)


def inventory(key: str) -> Inventory:
    try:
        return INVENTORIES[key]
    except KeyError:
        raise UnknownAssessment(f"There is no assessment {key!r}.") from None


# Answers --------------------------------------------------------------------------------------


def check_answers(
    inv: Inventory, answers: Mapping[str, object], complete: bool = True
) -> dict[str, list[str]]:
    """Problems item by item, as ``{"answers.<item id>": [message]}``; empty when all is well.

    Unknown items and values off the scale are always problems; missing items only when the
    answers must be ``complete`` (a submission, not a draft).
    """
    problems: dict[str, list[str]] = {}
    known = set(inv.item_ids)
    off_scale = f"Must be a whole number from {inv.scale_min} to {inv.scale_max}."
    for item_id, value in answers.items():
        if item_id not in known:
            problems[f"answers.{item_id}"] = [UNKNOWN_ITEM]
        elif not is_on_scale(inv, value):
            problems[f"answers.{item_id}"] = [off_scale]
    if complete:
        for item_id in inv.item_ids:
            if item_id not in answers:
                problems[f"answers.{item_id}"] = [NOT_ANSWERED]
    return problems


def is_on_scale(inv: Inventory, value: object) -> bool:
    # bool is an int in Python; true/false is no answer on a like-dislike scale.
    return isinstance(value, int) and not isinstance(value, bool) and inv.scale_min <= value <= inv.scale_max


def unanswered(inv: Inventory, answers: Mapping[str, object]) -> list[str]:
    """Item ids still to answer, in the order they are asked: the first is where to resume."""
    return [item_id for item_id in inv.item_ids if item_id not in answers]


# Scoring ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    key: str
    scores: dict[str, int]
    strongest: dict[str, int]  # answers at the top of the scale, per area
    ranking: tuple[str, ...]  # every area, best first, by the tie rule
    ties: tuple[tuple[str, ...], ...]  # areas with equal scores that decided the top three
    alternatives: tuple[tuple[str, ...], ...]  # the other top-three orders the equal scores allow

    @property
    def top(self) -> tuple[str, ...]:
        return self.ranking[:TOP_COUNT]

    @property
    def code(self) -> str | None:
        """The three-letter code of the interest profiler (None for other inventories)."""
        return "".join(self.top) if self.key == "riasec" else None

    @property
    def alternative_codes(self) -> tuple[str, ...]:
        """The other three-letter codes the equal scores allow (interest profiler only): the
        letters of each alternative order run together, as ``code`` does; work values are
        words, so they have none."""
        return tuple("".join(order) for order in self.alternatives) if self.key == "riasec" else ()

    @property
    def is_flat(self) -> bool:
        """Every area scored the same: no interest stands out, so nothing can be matched."""
        return is_flat(self.scores)


def is_flat(scores: Mapping[str, int]) -> bool:
    """Every area scored the same (a result's or a client's latest interest profile)."""
    return len(set(scores.values())) == 1


def score(inv: Inventory, answers: Mapping[str, int]) -> Scored:
    """Scores of complete, checked answers (see ``check_answers``)."""
    problems = check_answers(inv, answers)
    if problems:
        raise AssessmentError(f"answers are not complete and on the scale: {sorted(problems)[:3]}")
    order = inv.area_keys
    scores = {area: sum(answers[item.id] for item in inv.items_of(area)) for area in order}
    strongest = {
        area: sum(1 for item in inv.items_of(area) if answers[item.id] == inv.scale_max) for area in order
    }
    ranking = rank(scores, strongest, order)
    ties = deciding_ties(scores, ranking)
    return Scored(inv.key, scores, strongest, ranking, ties, alternatives(scores, ranking))


def rank(scores: Mapping[str, int], strongest: Mapping[str, int], order: Sequence[str]) -> tuple[str, ...]:
    """The tie rule: score, then top-of-scale answers, then the inventory's order."""
    return tuple(sorted(order, key=lambda area: (-scores[area], -strongest[area], order.index(area))))


def deciding_ties(scores: Mapping[str, int], ranking: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    top = set(ranking[:TOP_COUNT])
    groups = []
    for _, members in itertools.groupby(ranking, key=lambda area: scores[area]):
        group = tuple(members)
        if len(group) > 1 and top & set(group):
            groups.append(group)
    return tuple(groups)


def alternatives(scores: Mapping[str, int], ranking: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Top-three orders other than the chosen one that the scores alone would allow.

    Each order is a tuple of area keys: a Holland letter or a work value's word.
    """
    groups = [tuple(members) for _, members in itertools.groupby(ranking, key=lambda a: scores[a])]
    needed, used = TOP_COUNT, []
    for group in groups:
        if needed <= 0:
            break
        used.append((group, min(needed, len(group))))
        needed -= len(group)
    options = [list(itertools.permutations(group, take)) for group, take in used]
    chosen = tuple(ranking[:TOP_COUNT])
    found = sorted(
        {tuple(itertools.chain.from_iterable(parts)) for parts in itertools.product(*options)} - {chosen}
    )
    return tuple(found[:MAX_ALTERNATIVES])


# Occupations and labour-market figures -----------------------------------------------------------


@dataclass(frozen=True)
class LabourFigures:
    """Wages and outlook of one occupation in one region, keyed by a SOC or ISCO-08 code."""

    region: str
    scheme: str  # "soc" or "isco"
    code: str
    median_wage: float | None = None
    currency: str | None = None
    wage_period: str | None = None  # "year", "month" or "hour"
    wage_year: str | None = None
    wage_at_least: bool = False  # the wage is above what the source publishes
    employment_change_pct: float | None = None
    projection_period: str | None = None
    outlook: str | None = None
    source: str | None = None

    def filled_from(self, other: LabourFigures) -> LabourFigures:
        """These figures, with what they lack taken from ``other`` (same region only)."""
        if other.region != self.region:
            return self
        wage_from = other if self.median_wage is None and other.median_wage is not None else self
        outlook_from = other if self.outlook is None and other.outlook is not None else self
        if wage_from is self and outlook_from is self:
            return self
        sources = "; ".join(dict.fromkeys(s for s in (self.source, other.source) if s)) or None
        return replace(
            self,
            median_wage=wage_from.median_wage,
            currency=wage_from.currency,
            wage_period=wage_from.wage_period,
            wage_year=wage_from.wage_year,
            wage_at_least=wage_from.wage_at_least,
            outlook=outlook_from.outlook,
            employment_change_pct=outlook_from.employment_change_pct,
            projection_period=outlook_from.projection_period,
            source=sources,
        )

    @property
    def complete(self) -> bool:
        return self.median_wage is not None and self.outlook is not None


@dataclass(frozen=True)
class Occupation:
    code: str  # O*NET-SOC code, e.g. "15-1252.00"
    title: str
    profile: tuple[float, ...]  # R, I, A, S, E, C
    job_zone: int
    isco_codes: tuple[str, ...] = ()
    bls_code: str | None = None  # the BLS projections' code where it differs from the SOC code
    work_values: tuple[float, ...] | None = None  # in WORK_VALUES order

    @property
    def soc_code(self) -> str:
        """The 6-digit SOC code: O*NET-SOC without its ``.00`` detail."""
        return self.code[:7]

    @property
    def top_areas(self) -> str:
        """The occupation's own three-letter code (highest profile values; ties in RIASEC order)."""
        order = sorted(range(6), key=lambda i: (-self.profile[i], i))
        return "".join(RIASEC_AREAS[i] for i in order[:TOP_COUNT])


@dataclass(frozen=True)
class Match:
    occupation: Occupation
    fit: float
    interest_fit: float
    values_fit: float | None
    figures: LabourFigures | None
    local_figures: bool
    facts: dict[str, object] = field(default_factory=dict)


def outlook_of(change_pct: float) -> str:
    """BLS's words for projected employment change over ten years (percent, rounded)."""
    pct = round(change_pct)
    if pct >= 8:
        return "much faster than average"
    if pct >= 5:
        return "faster than average"
    if pct >= 2:
        return "about as fast as average"
    if pct >= -1:
        return "little or no change"
    return "decline"


def _centred(values: Sequence[float]) -> tuple[tuple[float, ...], float]:
    mean = sum(values) / len(values)
    centred = tuple(v - mean for v in values)
    norm = math.sqrt(sum(c * c for c in centred))
    return centred, norm


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The correlation of two profiles; None when either is flat (it has no direction)."""
    cx, nx = _centred(xs)
    cy, ny = _centred(ys)
    if nx == 0 or ny == 0:
        return None
    return sum(a * b for a, b in zip(cx, cy, strict=True)) / (nx * ny)


def values_fit(occupation: Occupation, top_values: Sequence[str]) -> float | None:
    """0-1: how strongly the occupation offers the client's top values (None if it carries none)."""
    if occupation.work_values is None or not top_values:
        return None
    low, high = WORK_VALUE_RANGE
    extents = [occupation.work_values[WORK_VALUES.index(v)] for v in top_values]
    return sum((e - low) / (high - low) for e in extents) / len(extents)


class OccupationTable:
    """Every occupation with its profile prepared for fast matching, and the labour figures."""

    def __init__(self, occupations: Iterable[Occupation], labour: Iterable[LabourFigures] = ()) -> None:
        self.occupations = tuple(sorted(occupations, key=lambda o: o.code))
        self._by_code = {o.code: o for o in self.occupations}
        self._rows: list[tuple[Occupation, float, float, float, float, float, float, float]] = []
        for occupation in self.occupations:
            centred, norm = _centred(occupation.profile)
            if norm > 0:  # a flat profile correlates with nothing
                d0, d1, d2, d3, d4, d5 = centred
                self._rows.append((occupation, d0, d1, d2, d3, d4, d5, 1.0 / norm))
        self._labour: dict[tuple[str, str, str], LabourFigures] = {}
        for figures in labour:
            self._labour[(figures.region, figures.scheme, figures.code)] = figures
        self.regions = frozenset(region for region, _, _ in self._labour)

    def __len__(self) -> int:
        return len(self.occupations)

    def get(self, code: str) -> Occupation | None:
        return self._by_code.get(code)

    def match(
        self,
        scores: Mapping[str, float],
        job_zones: Collection[int] | None = None,
        top_values: Sequence[str] = (),
        region: str | None = None,
        limit: int = 20,
    ) -> list[Match]:
        """The best-fitting occupations, best first; none when the scores are flat."""
        client, norm = _centred([float(scores[area]) for area in RIASEC_AREAS])
        if norm == 0 or limit <= 0:
            return []
        c0, c1, c2, c3, c4, c5 = client
        inv_client = 1.0 / norm
        zones = set(job_zones) if job_zones else None
        top_values = tuple(top_values)
        weight = WORK_VALUES_WEIGHT
        ranked: list[tuple[float, float, str, Occupation, float | None]] = []
        for occupation, d0, d1, d2, d3, d4, d5, inv in self._rows:
            if zones is not None and occupation.job_zone not in zones:
                continue
            r = (c0 * d0 + c1 * d1 + c2 * d2 + c3 * d3 + c4 * d4 + c5 * d5) * inv * inv_client
            boost = values_fit(occupation, top_values) if occupation.work_values is not None else None
            fit = r if boost is None else (1 - weight) * r + weight * (2 * boost - 1)
            ranked.append((-fit, -r, occupation.code, occupation, boost))
        # Best fit first; equal fits by interest fit, then by code (a stable, explainable order).
        best = heapq.nsmallest(limit, ranked, key=lambda row: (row[0], row[1], row[2]))
        client_top = _top_of(scores)
        matches = []
        for negative_fit, negative_r, _, occupation, boost in best:
            figures, local = self.figures_for(occupation, region)
            shared = "".join(a for a in occupation.top_areas if a in client_top)
            matches.append(
                Match(occupation, -negative_fit, -negative_r, boost, figures, local, {"shared_areas": shared})
            )
        return matches

    def figures_for(self, occupation: Occupation, region: str | None) -> tuple[LabourFigures | None, bool]:
        """The figures of the client's region when there are any, else the US figures (``local`` False)."""
        if region and region != US:
            local = self._figures_in(occupation, region)
            if local is not None:
                return local, True
        us = self._figures_in(occupation, US)
        return us, region == US and us is not None

    def _figures_in(self, occupation: Occupation, region: str) -> LabourFigures | None:
        keys = [("soc", occupation.soc_code)]
        if occupation.bls_code and occupation.bls_code != occupation.soc_code:
            keys.append(("soc", occupation.bls_code))
        keys += [("isco", code) for code in occupation.isco_codes]
        keys.append(("soc", occupation.soc_code[:6] + "0"))  # the broad SOC group
        found: LabourFigures | None = None
        for scheme, code in keys:
            figures = self._labour.get((region, scheme, code))
            if figures is None:
                continue
            found = figures if found is None else found.filled_from(figures)
            if found.complete:
                break
        return found


def _top_of(scores: Mapping[str, float]) -> str:
    ordered = sorted(RIASEC_AREAS, key=lambda a: (-scores[a], RIASEC_AREAS.index(a)))
    return "".join(ordered[:TOP_COUNT])


# Who may see a result ---------------------------------------------------------------------------------


def may_see_result(
    *,
    client_id: str,
    org_id: str,
    branch_id: str | None,
    viewer_id: str,
    viewer_role: str,
    viewer_org: str,
    viewer_branch: str | None,
    counsels_client: bool,
) -> bool:
    """The client, the client's counselors and the admins of the client's branch (or organization)."""
    if viewer_org != org_id:
        return False
    if viewer_id == client_id or viewer_role == "org_admin":
        return True
    if viewer_role == "branch_admin":
        return viewer_branch is not None and viewer_branch == branch_id
    return viewer_role == "counselor" and counsels_client


class Viewer(Protocol):
    """Who asks (``shared.auth.Caller`` is one)."""

    @property
    def user_id(self) -> str: ...
    @property
    def org_id(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def branch_id(self) -> str | None: ...


def may_see(viewer: Viewer, result: Mapping[str, Any], counsels_client: bool) -> bool:
    """``may_see_result`` of a kept result; ``counsels_client``: the viewer counsels its client."""
    return may_see_result(
        client_id=result["client_id"],
        org_id=result["org_id"],
        branch_id=result.get("branch_id"),
        viewer_id=viewer.user_id,
        viewer_role=viewer.role,
        viewer_org=viewer.org_id,
        viewer_branch=viewer.branch_id,
        counsels_client=counsels_client,
    )


def results_scope(viewer: Viewer, key: str | None, client_id: str | None) -> dict[str, Any] | None:
    """What a list of results reads for ``viewer`` (``client_id``: the client asked for, if any);
    None when they may see none of those. A counselor's list is further kept to their clients
    (``counselor_clients``)."""
    scope: dict[str, Any] = {"org_id": viewer.org_id}
    if key:
        scope["key"] = key
    if viewer.role == "counselor":
        return scope
    if viewer.role == "client":
        if client_id and client_id != viewer.user_id:
            return None
        return {**scope, "client_id": viewer.user_id}
    if viewer.role == "branch_admin":
        scope["branch_id"] = viewer.branch_id
    if client_id:
        scope["client_id"] = client_id
    return scope


def counselor_clients(clients: list[str], client_id: str | None) -> list[str]:
    """The clients whose results a counselor's list reads: theirs, or the one asked for if theirs."""
    if client_id:
        return [client_id] if client_id in clients else []
    return clients


# Documents (the packaged table, the database) -------------------------------------------------


def occupation_from_doc(doc: Mapping[str, object]) -> Occupation:
    profile = doc["profile"]
    values = doc.get("work_values")
    assert isinstance(profile, Mapping)
    code = doc.get("code", doc.get("_id"))
    return Occupation(
        code=str(code),
        title=str(doc["title"]),
        profile=tuple(float(profile[a]) for a in RIASEC_AREAS),
        job_zone=int(str(doc["job_zone"])),
        isco_codes=tuple(str(c) for c in _sequence(doc.get("isco_codes"))),
        bls_code=str(doc["bls_code"]) if doc.get("bls_code") else None,
        work_values=tuple(float(values[v]) for v in WORK_VALUES) if isinstance(values, Mapping) else None,
    )


def figures_from_doc(doc: Mapping[str, object]) -> LabourFigures:
    def number(name: str) -> float | None:
        value = doc.get(name)
        return float(str(value)) if value is not None else None

    def text(name: str) -> str | None:
        value = doc.get(name)
        return str(value) if value is not None else None

    return LabourFigures(
        region=str(doc["region"]),
        scheme=str(doc["scheme"]),
        code=str(doc["code"]),
        median_wage=number("median_wage"),
        currency=text("currency"),
        wage_period=text("wage_period"),
        wage_year=text("wage_year"),
        wage_at_least=bool(doc.get("wage_at_least")),
        employment_change_pct=number("employment_change_pct"),
        projection_period=text("projection_period"),
        outlook=text("outlook"),
        source=text("source"),
    )


def _sequence(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []
