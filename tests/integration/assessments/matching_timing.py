"""Scoring plus matching against O*NET's full table, timed in process (for `make bench` to take up).

    .venv/bin/python -m tests.integration.assessments.matching_timing [--data ../shared/data] [--runs 2000]

Reads the public O*NET and BLS files with the importer's readers, builds the in-memory table a
service holds (923 occupations with US figures), then times scoring a random complete set of
interest-profiler answers and matching it (top 20, all job zones and zones 2-3) and prints p50/p99.
Without the public files (a plain clone) it times the table Njia ships instead, and says so.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time
from pathlib import Path

from services.assessments import domain, readers
from services.assessments.catalog import default_table, overlay
from services.assessments.inventories import RIASEC

ROOT = Path(__file__).resolve().parents[3]


def table_of(data: Path) -> domain.OccupationTable:
    sources = readers.Sources(
        occupation_data=data / "onet" / "Occupation_Data_v30_1.txt",
        interests=data / "onet" / "Interests_v30_1.txt",
        job_zones=data / "onet" / "Job_Zones_v29_3.txt",
        isco_crosswalk=data / "crosswalks" / "nesta_esco_onet_crosswalk_Nov2020.csv",
        nem_crosswalk=data / "crosswalks" / "bls_nem_onet_to_soc_crosswalk_2024-08-29.csv",
        wages=[data / "bls" / "oews_national_M2025.csv"],
        projections=[data / "bls" / "ep_table_1_2_occupational_projections_2024_34.csv"],
    )
    parsed = readers.parse_sources(sources, readers.Progress(io.StringIO()))
    occupations = [
        domain.occupation_from_doc({"code": c, **d}) for c, d in (parsed.occupations or {}).items()
    ]
    labour = [
        domain.figures_from_doc({"region": r, "scheme": s, "code": c, **record})
        for (r, s, c), record in parsed.labour.items()
    ]
    return domain.OccupationTable(occupations, labour)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    if (args.data / "onet").is_dir():
        table = table_of(args.data)
    else:
        print(f"{args.data} is absent: timing the occupations table Njia ships instead of O*NET's")
        table = overlay(default_table(), [], [])
    rng = random.Random(5)
    for label, zones in (("all job zones", None), ("job zones 2-3", [2, 3])):
        times = []
        for _ in range(args.runs):
            answers = {item_id: rng.randint(1, 5) for item_id in RIASEC.item_ids}
            start = time.perf_counter()
            scored = domain.score(RIASEC, answers)
            table.match(scored.scores, zones, ("achievement", "support", "independence"), "KE", 20)
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"score + match, {len(table)} occupations, {label}: p50 {percentile(times, 0.5):.2f} ms, "
            f"p99 {percentile(times, 0.99):.2f} ms, mean {statistics.fmean(times):.2f} ms ({args.runs} runs)"
        )


if __name__ == "__main__":
    main()
