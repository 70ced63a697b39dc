"""A client's skills, mapped, and the gap to an occupation's requirements. Pure: the profile's
skills, the vocabulary and the requirements come in as arguments.

Only ``exact`` and ``alt_label`` matches count as skills the client has; ``fuzzy`` ones are listed
``to_confirm`` (a person says yes or no) and count for nothing until then. Requirements are
weighted by importance: O*NET skills and knowledge by their importance (1-5), each ESCO essential
skill by ``ESCO_WEIGHT`` (O*NET's "important") times the share of the mapped ESCO occupations it
is essential to (a skill every shop manager needs weighs more than one only pawnshop managers
need); ``coverage`` is the weight the client has over the
whole. Technologies do not count towards coverage; the hot ones the client lacks are listed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from services.assessments.requirements import ATTRIBUTION
from services.assessments.skills import Vocabulary

ESCO_WEIGHT = 3.0
COUNTED = ("exact", "alt_label")


def mapped_skills(skills: Sequence[Mapping[str, Any]], vocabulary: Vocabulary) -> list[dict[str, Any]]:
    """Each profile skill (``{name, source}``) with its match ``{scheme, id, label, match, ...}``."""
    mapped = []
    for skill in skills:
        name = str(skill.get("name") or "")
        found = vocabulary.match(name).as_dict()
        del found["text"]
        mapped.append({"name": name, "source": skill.get("source"), **found})
    return mapped


def _key(scheme: str | None, concept_id: str | None) -> tuple[str, str]:
    return (scheme or "", concept_id or "")


def skills_gap(
    code: str, title: str, requirements: Mapping[str, Any], mapped: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """``GET /api/v1/clients/{id}/skills-gap?occupation=``."""
    evidence: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for skill in mapped:
        if skill["match"] in COUNTED:
            said = {"name": skill["name"], "source": skill["source"], "match": skill["match"]}
            evidence.setdefault(_key(skill["scheme"], skill["id"]), []).append(said)
    needed = [
        {"scheme": "onet", "kind": part, "id": e["id"], "label": e["name"], "importance": e["importance"],
         "level": e["level"], "weight": e["importance"]}
        for part in ("skills", "knowledge")
        for e in requirements.get(part) or ()
    ] + [
        {"scheme": "esco", "kind": "esco_essential", "id": s["uri"], "label": s["label"], "importance": None,
         "level": None, "weight": round(ESCO_WEIGHT * float(s.get("share", 1.0)), 3)}
        for s in requirements.get("esco_essential") or ()
    ]  # fmt: skip
    have: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    for need in needed:
        found = evidence.get(_key(need["scheme"], need["id"]))
        (have if found else missing).append({**need, "evidence": found or []})
    missing.sort(key=lambda n: (-n["weight"], n["label"].lower()))
    total = sum(n["weight"] for n in needed)
    techs = {_key("onet", f"technology:{t['example']}") for t in requirements.get("technology") or ()}
    return {
        "occupation": {"code": code, "title": title},
        "have": have,
        "missing": missing,
        "coverage": round(sum(n["weight"] for n in have) / total, 3) if total else None,
        "hot_technologies_missing": [
            t["example"]
            for t in requirements.get("technology") or ()
            if t["hot"] and not evidence.get(_key("onet", f"technology:{t['example']}"))
        ],
        "technologies_had": sorted(
            {s["label"] for s in mapped if s["match"] in COUNTED and _key(s["scheme"], s["id"]) in techs}
        ),
        "to_confirm": [s for s in mapped if s["match"] == "fuzzy"],
        "evidence": {
            "skills": len(mapped),
            "counted": sum(1 for s in mapped if s["match"] in COUNTED),
            "sources": sorted({str(s["source"]) for s in mapped if s.get("source")}),
        },
        "attribution": ATTRIBUTION,
    }
