"""What an occupation requires (O*NET skills, knowledge, technologies; ESCO essential skills), as
the API shows it, and the attribution the data's licences ask for. Pure: documents in, views out.

A requirements document (shipped in ``data/requirements.json.gz``, or imported) holds any of
``title``, ``skills``, ``knowledge`` (``[{id, name, importance, level}]``, most important first),
``technology`` (``[{example, commodity, hot, in_demand}]``), ``alternate_titles``, ``related``
(``[{code, tier, index}]``), ``esco_mapped_by``, ``esco_occupations``, ``esco_titles`` and ``esco_essential``
(``[{uri, label, share}]``). An imported document's parts replace the shipped document's same parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ATTRIBUTION = (
    "This product includes information from the O*NET 30.1 / 30.0 / 29.3 Database by the U.S. "
    "Department of Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY "
    "4.0 license. O*NET® is a trademark of USDOL/ETA. "
    "This product uses the ESCO classification (v1.1.1) of the European Commission, © European "
    "Union, https://esco.ec.europa.eu. Reuse is authorised, provided the source is acknowledged, "
    "under Commission Decision 2011/833/EU on the reuse of Commission documents. ISCO-08 codes © ILO."
)
PARTS = (
    "title",
    "skills",
    "knowledge",
    "technology",
    "alternate_titles",
    "related",
    "esco_mapped_by",
    "esco_occupations",
    "esco_titles",
    "esco_essential",
)


def merged(shipped: Mapping[str, Any] | None, imported: Mapping[str, Any] | None) -> dict[str, Any]:
    """The shipped document with every part the import brought laid over it."""
    doc = {k: v for k, v in (shipped or {}).items() if k in PARTS}
    doc.update((k, v) for k, v in (imported or {}).items() if k in PARTS)
    return doc


def requirements_view(code: str, title: str, doc: Mapping[str, Any]) -> dict[str, Any]:
    """``GET /api/v1/occupations/{code}/requirements``."""

    def rated(part: str) -> list[dict[str, Any]]:
        return [
            {"id": r["id"], "name": r["name"], "importance": r["importance"], "level": r["level"]}
            for r in doc.get(part) or ()
        ]

    return {
        "code": code,
        "title": title,
        "skills": rated("skills"),
        "knowledge": rated("knowledge"),
        "technology": [
            {
                "example": t["example"],
                "commodity": t.get("commodity"),
                "hot": t["hot"],
                "in_demand": t["in_demand"],
            }
            for t in doc.get("technology") or ()
        ],
        "esco_essential": [
            {"uri": s["uri"], "label": s["label"], "share": s.get("share", 1.0)}
            for s in doc.get("esco_essential") or ()
        ],
        "related": [r["code"] for r in doc.get("related") or ()],
        "rated": bool(doc.get("skills") or doc.get("knowledge")),
        "attribution": ATTRIBUTION,
    }
