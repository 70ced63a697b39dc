"""What assessments shows and tells: the API's views of inventories, drafts, results and
occupations, a kept result's document and the ``assessment.completed`` data. Plain functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.assessments import chart, domain
from services.assessments.inventories import Inventory
from services.assessments.titles import TitleHit
from shared.clock import isoformat

EVENT_MATCHES = 5
CHART_LEADERS = 3


# Inventories and drafts ----------------------------------------------------------------------------


def inventory_summary(inv: Inventory, lang: str) -> dict[str, Any]:
    return {
        "key": inv.key,
        "title": inv.title[lang],
        "description": inv.description[lang],
        "item_count": len(inv.items),
        "minutes": inv.minutes,
    }


def inventory_view(inv: Inventory, lang: str) -> dict[str, Any]:
    return {
        "key": inv.key,
        "title": inv.title[lang],
        "description": inv.description[lang],
        "prompt": inv.prompt[lang],
        "language": lang,
        "scale": {"min": inv.scale_min, "max": inv.scale_max, "labels": list(inv.scale_labels[lang])},
        "areas": [
            {"key": a.key, "name": a.name[lang], "description": a.description[lang]} for a in inv.areas
        ],
        "items": [{"id": item.id, "text": item.text[lang], "area": item.area} for item in inv.items],
    }


def draft_view(inv: Inventory, doc: Mapping[str, Any], zone: str) -> dict[str, Any]:
    left = domain.unanswered(inv, doc["answers"])
    return {
        "key": inv.key,
        "answers": doc["answers"],
        "answered": len(inv.items) - len(left),
        "total": len(inv.items),
        "next_item_id": left[0] if left else None,
        "updated_at": isoformat(doc["updated_at"].astimezone(ZoneInfo(zone))),
    }


# Results ------------------------------------------------------------------------------------------


def result_document(
    result_id: str,
    scored: domain.Scored,
    facts: Mapping[str, Any],
    matches: Sequence[domain.Match],
    notes: list[str],
    at: datetime,
) -> dict[str, Any]:
    """A new result as it is kept. ``facts``: ``client_id``, ``org_id``, ``branch_id``, ``answers``,
    ``job_zones`` and ``region``."""
    return {
        "_id": result_id,
        "key": scored.key,
        "client_id": facts["client_id"],
        "org_id": facts["org_id"],
        "branch_id": facts["branch_id"],
        "answers": facts["answers"],
        "scores": scored.scores,
        "strongest": scored.strongest,
        "ranking": list(scored.ranking),
        "code": scored.code,
        "top_values": list(scored.top) if scored.key == "work_values" else [],
        "ties": ["=".join(group) for group in scored.ties],  # FerretDB keeps no arrays in arrays
        "alternative_codes": list(scored.alternative_codes),
        "job_zones": facts["job_zones"],
        "region": facts["region"],
        "matches": [match_view(m) for m in matches],
        "notes": notes,
        "created_at": at,
    }


def completed_data(
    doc: Mapping[str, Any], title: str, client: dict[str, Any], counselors: list[dict[str, Any]]
) -> dict[str, Any]:
    """``assessment.completed`` of a new result (``client``: the client as a participant)."""
    return {
        "result_id": doc["_id"],
        "key": doc["key"],
        "title": title,
        "org_id": doc["org_id"],
        "branch_id": doc["branch_id"],
        "client": client,
        "counselors": counselors,
        "scores": doc["scores"],
        "code": doc["code"],
        "top_values": doc["top_values"],
        "top_matches": [
            {"soc_code": m["soc_code"], "title": m["title"], "fit": m["fit"]}
            for m in doc["matches"][:EVENT_MATCHES]
        ],
        "result_path": f"/results/{doc['_id']}",
        "completed_at": doc["created_at"],
    }


def result_view(doc: Mapping[str, Any], lang: str, zone: str) -> dict[str, Any]:
    inv = domain.inventory(doc["key"])
    per_area = len(inv.items) // len(inv.areas)
    return {
        "id": doc["_id"],
        "key": doc["key"],
        "title": inv.title[lang],
        "client_id": doc["client_id"],
        "scores": doc["scores"],
        "score_range": {"min": per_area * inv.scale_min, "max": per_area * inv.scale_max},
        "code": doc.get("code"),
        "ranking": doc["ranking"],
        "top_values": doc.get("top_values", []),
        "ties": [tie.split("=") for tie in doc.get("ties", [])],
        "alternative_codes": doc.get("alternative_codes", []),
        "job_zones": doc.get("job_zones", []),
        "region": doc.get("region"),
        "matches": doc.get("matches", []),
        "notes": doc.get("notes", []),
        "created_at": isoformat(doc["created_at"].astimezone(ZoneInfo(zone))),
    }


def result_chart(doc: Mapping[str, Any], lang: str) -> str:
    """The result as an SVG: the interest profiler's hexagon, the work values' bars."""
    inv = domain.inventory(doc["key"])
    score_range = result_view(doc, lang, "UTC")["score_range"]
    low, high = score_range["min"], score_range["max"]
    bars = [chart.Bar(a.key, a.name[lang], int(doc["scores"][a.key])) for a in inv.areas]
    if doc["key"] == "riasec":
        subtitle = f"{'Msimbo' if lang == 'sw' else 'Code'}: {doc['code']}"
        return chart.hexagon(inv.title[lang], subtitle, bars, low, high, doc["ranking"][:CHART_LEADERS])
    by_key = {bar.key: bar for bar in bars}
    ordered = [by_key[key] for key in doc["ranking"]]
    top = doc["ranking"][:CHART_LEADERS]
    subtitle = ", ".join(by_key[key].name for key in top)
    return chart.bars(inv.title[lang], subtitle, ordered, low, high, top)


# Occupations and matches -----------------------------------------------------------------------------


def match_view(match: domain.Match) -> dict[str, Any]:
    occupation, figures = match.occupation, match.figures
    return {
        "soc_code": occupation.code,
        "title": occupation.title,
        "fit": round(match.fit, 3),
        "interest_fit": round(match.interest_fit, 3),
        "values_fit": None if match.values_fit is None else round(match.values_fit, 3),
        **occupation_facts(occupation, figures, match.local_figures),
        "shared_areas": str(match.facts.get("shared_areas", "")),
    }


def matches_page(
    matches: Sequence[domain.Match],
    region: str | None,
    top_values: list[str],
    notes: list[str],
    next_cursor: str | None = None,
) -> dict[str, Any]:
    return {
        "items": [match_view(m) for m in matches],
        "next_cursor": next_cursor,
        "region": region,
        "top_values": top_values,
        "notes": notes,
    }


def occupation_facts(
    occupation: domain.Occupation, figures: domain.LabourFigures | None, local: bool
) -> dict[str, Any]:
    return {
        "soc_code": occupation.code,
        "title": occupation.title,
        "job_zone": occupation.job_zone,
        "job_zone_label": domain.JOB_ZONE_LABELS[occupation.job_zone],
        "profile": dict(zip(domain.RIASEC_AREAS, occupation.profile, strict=True)),
        "occupation_code": occupation.top_areas,
        "shared_areas": "",
        "isco_codes": list(occupation.isco_codes),
        "median_wage": figures.median_wage if figures else None,
        "median_wage_at_least": bool(figures and figures.wage_at_least),
        "wage_currency": figures.currency if figures else None,
        "wage_period": figures.wage_period if figures else None,
        "wage_year": figures.wage_year if figures else None,
        "outlook": figures.outlook if figures else None,
        "employment_change_pct": figures.employment_change_pct if figures else None,
        "projection_period": figures.projection_period if figures else None,
        "labour_region": figures.region if figures else None,
        "local_figures": local,
        "labour_source": figures.source if figures else None,
    }


def occupation_view(
    occupation: domain.Occupation, figures: domain.LabourFigures | None, local: bool
) -> dict[str, Any]:
    """One occupation with its figures and, where it carries them, its work values."""
    facts = occupation_facts(occupation, figures, local)
    values = occupation.work_values
    facts["work_values"] = dict(zip(domain.WORK_VALUES, values, strict=True)) if values else None
    return facts


def occupation_hits(
    hits: Sequence[TitleHit], table: domain.OccupationTable, lang: str, next_cursor: str | None
) -> dict[str, Any]:
    """A page of ``GET /api/v1/occupations?q=``: each hit with the occupation's job zone."""
    items = []
    for hit in hits:
        occupation = table.get(hit.code)
        items.append({**hit.as_dict(), "job_zone": occupation.job_zone if occupation else None})
    return {"items": items, "next_cursor": next_cursor, "language": lang}


# Career pathways ---------------------------------------------------------------------------------------

STEP_SKILLS = 5  # the weightiest missing skills shown for each step


def pathway_step(
    occupation: domain.Occupation,
    figures: domain.LabourFigures | None,
    local: bool,
    interest_fit: float | None,
    step_gap: Mapping[str, Any],
) -> dict[str, Any]:
    """One step of a path: the occupation's preparation, wages and outlook, fit and skills to add."""
    facts = occupation_facts(occupation, figures, local)
    keep = ("soc_code", "title", "job_zone", "job_zone_label", "median_wage", "wage_currency", "wage_period")
    return {
        **{k: facts[k] for k in keep},
        "outlook": facts["outlook"],
        "labour_region": facts["labour_region"],
        "local_figures": local,
        "interest_fit": None if interest_fit is None else round(interest_fit, 3),
        "coverage": step_gap["coverage"],
        "skills_to_add": [
            {"label": m["label"], "kind": m["kind"], "importance": m["importance"]}
            for m in step_gap["missing"][:STEP_SKILLS]
        ],
    }
