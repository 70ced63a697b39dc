"""``njia-assessments-import``: load O*NET and labour-market files into the assessments database.

    njia-assessments-import --onet "db_30_1_text/"                 # Occupation Data, Interests, Job Zones
    njia-assessments-import --occupation-data "Occupation Data.txt" --interests Interests.txt \\
        --job-zones "Job Zones.txt" [--work-values "Work Values.txt"] \\
        [--isco-crosswalk esco_onet_crosswalk.csv] [--nem-crosswalk nem-onet-to-soc-crosswalk.csv]
    njia-assessments-import --wages national_M2025_dl.csv --projections occupation.csv
    njia-assessments-import --labour-market kenya.csv              # Njia's own layout, any region

Rows that cannot be used are skipped and reported with their line and the reason; they never
stop the import. Importing again updates what changed and adds what is new: occupations are
keyed by their O*NET-SOC code, labour-market figures by region and SOC or ISCO-08 code. Every
running assessments service notices the change and reloads its in-memory table.

The files are read by ``readers.py``; writing goes through the store.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any, TextIO

from services.assessments.readers import ImportFailed, ImportReport, Progress, Sources, parse_sources

with warnings.catch_warnings():  # eventlet (under nameko, under the store) announces its deprecation
    warnings.filterwarnings("ignore", message="(?s).*Eventlet is deprecated")
    from services.assessments.store import labour_id, open_store

ONET_FILES = {
    "occupation_data": "Occupation Data.txt",
    "interests": "Interests.txt",
    "job_zones": "Job Zones.txt",
    "work_values": "Work Values.txt",
}


def run_import(sources: Sources, store: Any, progress: Progress, dry_run: bool = False) -> ImportReport:
    """Parse, then write what changed through the assessments store."""
    parsed = parse_sources(sources, progress)
    report = parsed.report
    report.dry_run = dry_run
    if parsed.occupations is not None:
        report.occupations = store.write_occupations(parsed.occupations, progress, dry_run=dry_run)
    if parsed.labour:
        docs = {
            labour_id(region, scheme, code): {"region": region, "scheme": scheme, "code": code, **record}
            for (region, scheme, code), record in parsed.labour.items()
        }
        report.labour = store.write_labour(docs, progress, dry_run=dry_run)
    changed = (report.occupations.changed if report.occupations else 0) + (
        report.labour.changed if report.labour else 0
    )
    if not dry_run:
        store.record_import(report.lines(), changed)
    return report


# Command line --------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="njia-assessments-import",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    onet = p.add_argument_group("O*NET database (text files)")
    onet.add_argument("--onet", type=Path, metavar="DIR", help="a folder holding O*NET's text files")
    onet.add_argument("--occupation-data", type=Path, metavar="FILE", help='"Occupation Data.txt"')
    onet.add_argument("--interests", type=Path, metavar="FILE", help='"Interests.txt"')
    onet.add_argument("--job-zones", type=Path, metavar="FILE", help='"Job Zones.txt" (text or Excel layout)')
    onet.add_argument("--work-values", type=Path, metavar="FILE", help='"Work Values.txt" (optional)')
    onet.add_argument("--isco-crosswalk", type=Path, metavar="FILE", help="ESCO-O*NET crosswalk (ISCO-08)")
    onet.add_argument("--nem-crosswalk", type=Path, metavar="FILE", help="BLS O*NET-SOC to NEM crosswalk")
    labour = p.add_argument_group("labour-market figures")
    labour.add_argument(
        "--wages", type=Path, action="append", default=[], metavar="FILE", help="BLS OEWS wages CSV"
    )
    labour.add_argument(
        "--projections", type=Path, action="append", default=[], metavar="FILE", help="BLS projections CSV"
    )
    labour.add_argument(
        "--labour-market",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="Njia's CSV layout: region,scheme,code,median_wage,currency,wage_period,... (any region)",
    )
    p.add_argument("--dry-run", action="store_true", help="read and report; write nothing")
    p.add_argument("--mongo-uri", help="default: NJIA_MONGO_URI")
    p.add_argument("--db-prefix", help="default: NJIA_MONGO_DB_PREFIX")
    return p


def sources_from(args: argparse.Namespace) -> Sources:
    sources = Sources(
        occupation_data=args.occupation_data,
        interests=args.interests,
        job_zones=args.job_zones,
        work_values=args.work_values,
        isco_crosswalk=args.isco_crosswalk,
        nem_crosswalk=args.nem_crosswalk,
        wages=list(args.wages),
        projections=list(args.projections),
        labour_market=list(args.labour_market),
    )
    if args.onet:
        if not args.onet.is_dir():
            raise ImportFailed(f"--onet {args.onet} is not a folder")
        for name, filename in ONET_FILES.items():
            if getattr(sources, name) is None and (args.onet / filename).exists():
                setattr(sources, name, args.onet / filename)
    return sources


def main(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    args = parser().parse_args(argv)
    progress = Progress(err)
    try:
        sources = sources_from(args)
        sources.check()
        with open_store(args.mongo_uri, args.db_prefix) as store:
            report = run_import(sources, store, progress, dry_run=args.dry_run)
    except ImportFailed as exc:
        err.write(f"njia-assessments-import: {exc}\n")
        return 1
    out.write("\n".join(report.lines()) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
