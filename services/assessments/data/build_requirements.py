"""Write ``requirements.json.gz``, what the occupations Njia ships require, and ``esco_skills.json.gz``,
the ESCO skills Njia matches people's skills to, from public data files.

    python -m services.assessments.data.build_requirements --data ../shared/data

Only the project's maintainers run this (the product reads the file it writes, never the public
files). For every occupation in ``occupations.json`` it keeps O*NET's skills, knowledge (suppressed
and not-relevant elements left out), technologies, alternate titles and related occupations, and
the ESCO occupations mapped to it (Nesta's crosswalk) with their titles and essential skills; then
the ESCO skills those occupations name and every transversal or cross-sector ESCO skill, with their
alternative labels, for matching what people write about themselves. It reads the files with the
importer's own readers (``skill_readers.py``).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from pathlib import Path
from typing import Any

from services.assessments import readers, skill_readers
from services.assessments.requirements import ATTRIBUTION

OUTPUT = Path(__file__).with_name("requirements.json.gz")
ESCO_OUTPUT = Path(__file__).with_name("esco_skills.json.gz")
OCCUPATIONS = Path(__file__).with_name("occupations.json")
GENERAL_REUSE = ("transversal", "cross-sector")
ABOUT = {
    "title": "What the occupations in Njia's default table require",
    "built_by": "python -m services.assessments.data.build_requirements --data <the shared data folder>",
    "sources": [
        "O*NET 29.3 Skills, Knowledge, Technology Skills, Alternate Titles and Related Occupations",
        "ESCO v1.1.1 skills, occupations and occupation-skill relations (English)",
        "Nesta ESCO-O*NET crosswalk (Nov 2020)",
    ],
    "attribution": ATTRIBUTION,
}


def sources_in(data: Path) -> skill_readers.RequirementSources:
    onet, esco = data / "onet", data / "esco"
    return skill_readers.RequirementSources(
        skills=onet / "Skills_v29_3.txt",
        knowledge=onet / "Knowledge_v29_3.txt",
        technology_skills=onet / "Technology_Skills_v29_3.txt",
        alternate_titles=onet / "Alternate_Titles_v29_3.txt",
        related_occupations=onet / "Related_Occupations_v29_3.txt",
        esco_skills=esco / "skills_en_v1_1_1.csv",
        esco_occupations=esco / "occupations_en_v1_1_1.csv",
        esco_relations=esco / "occupationSkillRelations_v1_1_1.csv",
        esco_crosswalk=data / "crosswalks" / "nesta_esco_onet_crosswalk_Nov2020.csv",
    )


def build(data: Path) -> dict[str, Any]:
    parsed = skill_readers.parse_requirements(sources_in(data), readers.Progress(io.StringIO()))
    shipped = json.loads(OCCUPATIONS.read_text(encoding="utf-8"))["occupations"]
    occupations = {}
    for row in shipped:
        doc = parsed.requirements.get(row["code"], {})
        occupations[row["code"]] = {"title": row["title"], **doc}
    named = {s["uri"] for doc in occupations.values() for s in doc.get("esco_essential", ())}
    esco_skills = {
        uri: skill
        for uri, skill in sorted(parsed.esco_skills.items())
        if uri in named or skill.get("reuse") in GENERAL_REUSE
    }
    return {"about": ABOUT, "occupations": occupations, "esco_skills": esco_skills}


def write(part: dict[str, Any], output: Path) -> None:
    text = json.dumps(part, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # mtime=0: the same data gives the same bytes, so a rebuild without changes changes no file.
    with output.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (onet/, esco/, ...)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--esco-output", type=Path, default=ESCO_OUTPUT)
    args = parser.parse_args(argv)
    table = build(args.data)
    write({"about": table["about"], "occupations": table["occupations"]}, args.output)
    write({"about": table["about"], "esco_skills": table["esco_skills"]}, args.esco_output)
    without = sorted(code for code, doc in table["occupations"].items() if not doc.get("skills"))
    print(
        f"wrote {len(table['occupations'])} occupations ({len(without)} without O*NET skill ratings: "
        f"{', '.join(without)}), {len(table['esco_skills'])} ESCO skills; "
        f"{args.output.stat().st_size} + {args.esco_output.stat().st_size} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
