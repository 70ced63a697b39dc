"""Write ``occupations.json``, the occupations table Njia ships, from public data files.

    python -m services.assessments.data.build_default_table --data ../shared/data

Only the project's maintainers run this (the product reads the JSON it writes, never the
files). It picks, for every pair of Holland area (the occupation's highest interest) and job
zone, the occupations employing the most people in the BLS projections, plus occupations
common in Kenya's labour market; their interest profiles, job zones and work values (where O*NET
rated them) come from O*NET, their ISCO-08 codes from the ESCO-O*NET crosswalk, and their US
median wages (BLS OEWS) and outlook (BLS Employment Projections) go with them. It reads the
files with the importer's own readers (readers.py).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from services.assessments import readers
from services.assessments.domain import JOB_ZONES, RIASEC_AREAS

OUTPUT = Path(__file__).with_name("occupations.json")
PER_AREA_AND_ZONE = 6
# Work that many Kenyans do or train for, kept whatever its US employment.
KENYAN_ANCHORS = (
    "11-9013.00",  # farmers, ranchers and other agricultural managers
    "45-2092.00",  # crop farmworkers
    "45-2093.00",  # farm animal workers
    "19-4012.00",  # agricultural technicians
    "19-1013.00",  # soil and plant scientists
    "29-1141.00",  # registered nurses
    "29-2061.00",  # licensed practical nurses
    "29-1051.00",  # pharmacists
    "29-2052.00",  # pharmacy technicians
    "21-1094.00",  # community health workers
    "25-2021.00",  # elementary school teachers
    "25-2031.00",  # secondary school teachers
    "21-1012.00",  # educational, guidance and career counselors
    "15-1252.00",  # software developers
    "15-1232.00",  # computer user support specialists
    "15-2051.00",  # data scientists
    "13-2011.00",  # accountants and auditors
    "43-3071.00",  # tellers
    "53-3032.00",  # heavy truck drivers
    "53-3054.00",  # taxi drivers
    "49-3023.00",  # automotive service technicians and mechanics
    "47-2111.00",  # electricians
    "47-2231.00",  # solar photovoltaic installers
    "47-2031.00",  # carpenters
    "47-2021.00",  # brickmasons and blockmasons
    "51-4121.00",  # welders
    "51-6052.00",  # tailors and dressmakers
    "39-5012.00",  # hairdressers
    "35-2014.00",  # restaurant cooks
    "51-3011.00",  # bakers
    "27-1024.00",  # graphic designers
    "27-3023.00",  # journalists
    "17-2051.00",  # civil engineers
    "33-3051.00",  # police officers
    "21-1021.00",  # child, family and school social workers
    "39-9011.00",  # childcare workers
    "41-2031.00",  # retail salespersons
    "43-4051.00",  # customer service representatives
    "43-6014.00",  # secretaries and administrative assistants
    "11-1021.00",  # general and operations managers
    "13-1111.00",  # management analysts
    "35-3031.00",  # waiters and waitresses
)
ABOUT = {
    "title": "Njia's default occupations table",
    "built_by": "python -m services.assessments.data.build_default_table --data <the shared data folder>",
    "selection": (
        f"for each Holland area (highest interest) and job zone, the {PER_AREA_AND_ZONE} occupations "
        "with the most US employment in 2024, plus occupations common in Kenya"
    ),
    "sources": [
        "O*NET 30.1 Occupation Data and Interests; O*NET 29.3 Job Zones and Work Values",
        "Nesta ESCO-O*NET crosswalk (Nov 2020) for ISCO-08 unit groups",
        "BLS O*NET-SOC to National Employment Matrix crosswalk (2024-08-29)",
        "BLS Occupational Employment and Wage Statistics, May 2025, national, cross-industry",
        "BLS Employment Projections 2024-34, table 1.2",
    ],
    "licence": (
        "This product includes information from the O*NET 30.1 / 29.3 Database by the U.S. Department "
        "of Labor, Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0 "
        "license. O*NET is a trademark of USDOL/ETA. BLS data is a U.S. government work in the "
        "public domain. ESCO classification (c) European Union; ISCO-08 (c) ILO."
    ),
}


def employment(projections: Path) -> dict[str, float]:
    """US employment in 2024 (thousands) per National Employment Matrix code."""
    text, _ = readers.read_text(projections)
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    code_at = readers.column(header, "projections", "2024 National Employment Matrix code")
    jobs_at = readers.column(header, "projections", "Employment, 2024")
    found = {}
    for row in rows[1:]:
        jobs = readers.number(readers.cell(row, jobs_at))
        if jobs is not None:
            found[readers.cell(row, code_at)] = jobs
    return found


def build(data: Path) -> dict[str, Any]:
    progress = readers.Progress(io.StringIO())
    onet, bls, walks = data / "onet", data / "bls", data / "crosswalks"
    sources = readers.Sources(
        occupation_data=onet / "Occupation_Data_v30_1.txt",
        interests=onet / "Interests_v30_1.txt",
        job_zones=onet / "Job_Zones_v29_3.txt",
        work_values=onet / "Work_Values_v29_3.txt",
        isco_crosswalk=walks / "nesta_esco_onet_crosswalk_Nov2020.csv",
        nem_crosswalk=walks / "bls_nem_onet_to_soc_crosswalk_2024-08-29.csv",
        wages=[bls / "oews_national_M2025.csv"],
        projections=[bls / "ep_table_1_2_occupational_projections_2024_34.csv"],
    )
    parsed = readers.parse_sources(sources, progress)
    occupations = parsed.occupations or {}
    jobs = employment(sources.projections[0])

    def jobs_of(code: str) -> float:
        doc = occupations[code]
        return jobs.get(doc.get("bls_code") or code[:7], jobs.get(code[:7], 0.0))

    def top_area(code: str) -> str:
        profile = occupations[code]["profile"]
        return min(RIASEC_AREAS, key=lambda a: (-profile[a], RIASEC_AREAS.index(a)))

    chosen: set[str] = set()
    for area in RIASEC_AREAS:
        for zone in JOB_ZONES:
            cell = [c for c in occupations if top_area(c) == area and occupations[c]["job_zone"] == zone]
            cell.sort(key=lambda c: (-jobs_of(c), not c.endswith(".00"), c))
            chosen.update(cell[:PER_AREA_AND_ZONE])
    missing = [code for code in KENYAN_ANCHORS if code not in occupations]
    if missing:
        print(f"not in the O*NET files, left out: {', '.join(missing)}", file=sys.stderr)
    chosen.update(code for code in KENYAN_ANCHORS if code in occupations)

    rows = []
    wanted_keys = set()
    for code in sorted(chosen):
        doc = occupations[code]
        rows.append(
            {
                "code": code,
                "title": doc["title"],
                "profile": doc["profile"],
                "job_zone": doc["job_zone"],
                "work_values": doc.get("work_values"),  # None where O*NET has not rated them
                "isco_codes": doc.get("isco_codes", []),
                "bls_code": doc.get("bls_code"),
            }
        )
        soc = code[:7]
        for candidate in (soc, doc.get("bls_code"), soc[:6] + "0"):
            if candidate:
                wanted_keys.add(("US", "soc", candidate))
    labour = [
        {"region": region, "scheme": scheme, "code": code, **parsed.labour[(region, scheme, code)]}
        for (region, scheme, code) in sorted(parsed.labour)
        if (region, scheme, code) in wanted_keys
    ]
    return {"about": ABOUT, "occupations": rows, "labour_market": labour}


def dump(table: dict[str, Any]) -> str:
    """One occupation or labour row per line: readable diffs when the table is rebuilt."""
    lines = ["{", f' "about": {json.dumps(table["about"], ensure_ascii=False)},']
    for name in ("occupations", "labour_market"):
        items = [json.dumps(row, ensure_ascii=False, sort_keys=True) for row in table[name]]
        comma = "," if name == "occupations" else ""
        lines.append(f' "{name}": [\n  ' + ",\n  ".join(items) + f"\n ]{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (onet/, bls/, ...)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    table = build(args.data)
    args.output.write_text(dump(table), encoding="utf-8")
    print(f"wrote {len(table['occupations'])} occupations, {len(table['labour_market'])} labour rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
