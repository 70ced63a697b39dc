"""The occupations table Njia ships, laid under what was imported, and the regions of branches.

The table is the default Njia ships (``data/occupations.json``) with whatever
``njia-assessments-import`` wrote to the database laid over it: an imported occupation replaces
the default one with the same O*NET-SOC code and adds the rest; imported labour figures replace
those of the same region and code. Each process keeps the result in memory (``store.OccupationCatalog``).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping
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
from services.assessments.titles import TitleIndex


@lru_cache(maxsize=1)
def default_table() -> tuple[tuple[Occupation, ...], tuple[LabourFigures, ...]]:
    """The table shipped inside the package (written by ``data/build_default_table.py``)."""
    raw = json.loads(resources.files("services.assessments.data").joinpath("occupations.json").read_text())
    return (
        tuple(occupation_from_doc(doc) for doc in raw["occupations"]),
        tuple(figures_from_doc(doc) for doc in raw["labour_market"]),
    )


@lru_cache(maxsize=1)
def default_requirements() -> dict[str, dict[str, Any]]:
    """What the shipped occupations require, by O*NET-SOC code (``data/build_requirements.py``)."""
    raw = resources.files("services.assessments.data").joinpath("requirements.json.gz").read_bytes()
    occupations: dict[str, dict[str, Any]] = json.loads(gzip.decompress(raw))["occupations"]
    return occupations


@lru_cache(maxsize=1)
def default_esco_skills() -> dict[str, dict[str, Any]]:
    """The ESCO skills shipped for matching people's skills: ``{uri: {label, alt_labels, ...}}``."""
    raw = resources.files("services.assessments.data").joinpath("esco_skills.json.gz").read_bytes()
    skills: dict[str, dict[str, Any]] = json.loads(gzip.decompress(raw))["esco_skills"]
    return skills


def title_index(
    table: OccupationTable, shipped: Mapping[str, Mapping[str, Any]], imported: Iterable[Mapping[str, Any]]
) -> TitleIndex:
    """Every occupation of the table and of the requirements by its titles: its own, O*NET's
    alternate titles and the titles of the ESCO occupations mapped to it (imported ones replacing
    the shipped ones part by part)."""
    docs = {code: dict(doc) for code, doc in shipped.items()}
    for doc in imported:
        code = str(doc["_id"])
        docs.setdefault(code, {}).update((k, v) for k, v in doc.items() if k != "_id")
    titles = {o.code: o.title for o in table.occupations}
    codes = sorted(set(titles) | {code for code, doc in docs.items() if doc.get("title")})
    return TitleIndex(
        (
            code,
            titles.get(code) or str(docs[code]["title"]),
            [*docs.get(code, {}).get("alternate_titles", ()), *docs.get(code, {}).get("esco_titles", ())],
        )
        for code in codes
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
