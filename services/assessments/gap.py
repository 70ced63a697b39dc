"""A client's skills, mapped, and the gap to an occupation's requirements. Pure: the profile's
skills, the vocabulary and the requirements come in as arguments.

Only ``exact`` and ``alt_label`` matches count as skills the client has; ``fuzzy`` ones are listed
``to_confirm`` and count for nothing until a person confirms them (``PUT
/api/v1/clients/{id}/skills/{skill}``: confirm, reject, or re-map to another concept). Requirements are
weighted by importance: O*NET skills and knowledge by their importance (1-5), each ESCO essential
skill by ``ESCO_WEIGHT`` (O*NET's "important") times the share of the mapped ESCO occupations it
is essential to (a skill every shop manager needs weighs more than one only pawnshop managers
need); ``coverage`` is the weight the client has over the
whole. Technologies do not count towards coverage; the hot ones the client lacks are listed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from services.assessments.requirements import ATTRIBUTION
from services.assessments.skills import Concept, Vocabulary
from services.assessments.titles import TitleIndex

ESCO_WEIGHT = 3.0
# How a position's title found its occupation, in the words skills use: words alone are to confirm.
TITLE_MATCH = {"title": "exact", "alternate_title": "alt_label", "words": "fuzzy"}
COUNTED = ("exact", "alt_label")


DECISIONS = ("confirm", "reject", "remap")


def decision_key(name: str) -> str:
    """A skill's name as decisions are kept by: case and spacing aside."""
    return " ".join(name.casefold().split())


def mapped_skills(
    skills: Sequence[Mapping[str, Any]],
    vocabulary: Vocabulary,
    decisions: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Each profile skill (``{name, source}``) with its match ``{scheme, id, label, match, ...}`` and
    the decision a person made about it (``decision``: confirm, reject or remap, else ``None``):
    a confirmed match counts, however it was found; a rejected one never does; a re-mapped skill
    counts as the concept chosen (``match`` stays what the matcher found, for the record)."""
    mapped = []
    for skill in skills:
        name = str(skill.get("name") or "")
        found = vocabulary.match(name).as_dict()
        del found["text"]
        decision = (decisions or {}).get(decision_key(name))
        if decision and decision["action"] == "remap":
            found.update(scheme=decision["scheme"], id=decision["id"], label=decision["label"])
        mapped.append(
            {
                "name": name,
                "source": skill.get("source"),
                **found,
                "decision": dict(decision) if decision else None,
                "counts": _counts(found["match"], decision),
            }
        )
    return mapped


def _counts(match: str, decision: Mapping[str, Any] | None) -> bool:
    if decision is None:
        return match in COUNTED
    if decision["action"] == "reject":
        return False
    return decision["action"] == "remap" or match != "none"


def decision_doc(action: str, concept: Concept | None, by: str, role: str, at: datetime) -> dict[str, Any]:
    """What is kept of a person's decision about one skill (``concept`` for a re-map)."""
    doc: dict[str, Any] = {"action": action, "by": by, "role": role, "at": at.isoformat()}
    if concept is not None:
        doc.update(scheme=concept.scheme, id=concept.id, label=concept.label)
    return doc


def mapped_positions(positions: Sequence[Mapping[str, Any]], titles: TitleIndex) -> list[dict[str, Any]]:
    """Each position of the profile with the occupation its title names (``{code, title,
    matched_title, match}``; ``match`` ``exact``, ``alt_label``, ``fuzzy`` when only its words were
    found, or ``none`` with ``occupation: null``)."""
    mapped = []
    for position in positions:
        title = str(position.get("title") or "")
        hits = titles.search(title) if title else []
        best = hits[0] if hits and hits[0].match in TITLE_MATCH else None
        occupation = (
            {"code": best.code, "title": best.title, "matched_title": best.matched_title} if best else None
        )
        mapped.append(
            {
                "title": title,
                "organization": position.get("organization"),
                "start": position.get("start"),
                "end": position.get("end"),
                "source": position.get("source"),
                "occupation": occupation,
                "match": TITLE_MATCH[best.match] if best else "none",
            }
        )
    return mapped


def _key(scheme: str | None, concept_id: str | None) -> tuple[str, str]:
    return (scheme or "", concept_id or "")


def skills_gap(
    code: str, title: str, requirements: Mapping[str, Any], mapped: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """``GET /api/v1/clients/{id}/skills-gap?occupation=``."""
    evidence: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for skill in mapped:
        if skill["counts"]:
            said = {"name": skill["name"], "source": skill["source"], "match": skill["match"]}
            if skill["decision"]:
                said["decision"] = skill["decision"]["action"]
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
            {s["label"] for s in mapped if s["counts"] and _key(s["scheme"], s["id"]) in techs}
        ),
        "to_confirm": [s for s in mapped if s["match"] == "fuzzy" and s["decision"] is None],
        "evidence": {
            "skills": len(mapped),
            "counted": sum(1 for s in mapped if s["counts"]),
            "sources": sorted({str(s["source"]) for s in mapped if s.get("source")}),
        },
        "attribution": ATTRIBUTION,
    }
