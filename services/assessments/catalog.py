"""The occupations table Njia ships, laid under what was imported, and the regions of branches.

The table is the default Njia ships (``data/occupations.json``) with whatever
``njia-assessments-import`` wrote to the database laid over it: an imported occupation replaces
the default one with the same O*NET-SOC code and adds the rest; imported labour figures replace
those of the same region and code. Each process keeps the result in memory (``store.OccupationCatalog``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from services.assessments.domain import (
    LabourFigures,
    Occupation,
    OccupationTable,
    figures_from_doc,
    occupation_from_doc,
)


@lru_cache(maxsize=1)
def default_table() -> tuple[tuple[Occupation, ...], tuple[LabourFigures, ...]]:
    """The table shipped inside the package (written by ``data/build_default_table.py``)."""
    raw = json.loads(resources.files("services.assessments.data").joinpath("occupations.json").read_text())
    return (
        tuple(occupation_from_doc(doc) for doc in raw["occupations"]),
        tuple(figures_from_doc(doc) for doc in raw["labour_market"]),
    )


def overlay(
    defaults: tuple[tuple[Occupation, ...], tuple[LabourFigures, ...]],
    occupations: list[Occupation],
    labour: list[LabourFigures],
) -> OccupationTable:
    by_code = {o.code: o for o in defaults[0]}
    by_code.update((o.code, o) for o in occupations)
    figures = {(f.region, f.scheme, f.code): f for f in defaults[1]}
    figures.update(((f.region, f.scheme, f.code), f) for f in labour)
    return OccupationTable(by_code.values(), figures.values())


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """IANA zone -> ISO 3166 country, from the tz database's own ``zone.tab`` (package tzdata)."""
    countries = {}
    text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            country, _, zone = line.split("\t")[:3]
            countries[zone] = country
    return countries


def region_of_timezone(zone: str | None) -> str | None:
    """The country a branch's time zone lies in (``Africa/Nairobi`` -> ``KE``), if it names one."""
    return _zone_countries().get(zone or "")


def kept_branch(branch_id: str, org_id: str, name: str, timezone: str) -> dict[str, Any]:
    """A branch as assessments keeps it (from ``branch.created``, or asked of accounts): its region
    says whose labour figures its clients see."""
    return {
        "branch_id": branch_id,
        "org_id": org_id,
        "name": name,
        "timezone": timezone,
        "region": region_of_timezone(timezone),
    }
