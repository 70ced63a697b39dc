"""``njia-assessments-import``: load O*NET and labour-market files into the assessments database.

    njia-assessments-import --onet "db_30_1_text/"                 # Occupation Data, Interests, Job Zones
    njia-assessments-import --occupation-data "Occupation Data.txt" --interests Interests.txt \\
        --job-zones "Job Zones.txt" [--work-values "Work Values.txt"] \\
        [--isco-crosswalk esco_onet_crosswalk.csv] [--nem-crosswalk nem-onet-to-soc-crosswalk.csv]
    njia-assessments-import --wages national_M2025_dl.csv --projections occupation.csv
    njia-assessments-import --labour-market kenya.csv              # Njia's own layout, any region
    njia-assessments-import --skills Skills.txt --knowledge Knowledge.txt \\
        --technology-skills "Technology Skills.txt" --alternate-titles "Alternate Titles.txt" \\
        --related-occupations "Related Occupations.txt"            # what occupations require
    njia-assessments-import --esco esco_v1.1.1_csv/ --esco-crosswalk esco_onet_crosswalk.csv

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

from services.assessments.readers import ImportFailed, ImportReport, Parsed, Progress, Sources, parse_sources
from services.assessments.skill_readers import RequirementSources, parse_requirements

with warnings.catch_warnings():  # eventlet (under nameko, under the store) announces its deprecation
    warnings.filterwarnings("ignore", message="(?s).*Eventlet is deprecated")
    from services.assessments.store import labour_id, open_store

ONET_FILES = {
    "occupation_data": "Occupation Data.txt",
    "interests": "Interests.txt",
    "job_zones": "Job Zones.txt",
    "work_values": "Work Values.txt",
}


def run_import(
    sources: Sources,
    store: Any,
    progress: Progress,
    dry_run: bool = False,
    requirements: RequirementSources | None = None,
) -> ImportReport:
    """Parse, then write what changed through the assessments store."""
    requirements = requirements or RequirementSources()
    requirements.check()
    if sources.named or not requirements.any:
        parsed = parse_sources(sources, progress)
    else:
        parsed = Parsed(ImportReport(), None, {})
    report = parsed.report
    report.dry_run = dry_run
    if requirements.any:
        needs = parse_requirements(requirements, progress)
        report.files.extend(needs.files)
        report.requirements = store.write_requirements(needs.requirements, progress, dry_run=dry_run)
        if needs.esco_skills:
            report.esco_skills = store.write_esco_skills(needs.esco_skills, progress, dry_run=dry_run)
    if parsed.occupations is not None:
        report.occupations = store.write_occupations(parsed.occupations, progress, dry_run=dry_run)
    if parsed.labour:
        docs = {
            labour_id(region, scheme, code): {"region": region, "scheme": scheme, "code": code, **record}
            for (region, scheme, code), record in parsed.labour.items()
        }
        report.labour = store.write_labour(docs, progress, dry_run=dry_run)
    writes = (report.occupations, report.labour, report.requirements, report.esco_skills)
    changed = sum(counts.changed for counts in writes if counts is not None)
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
    needs = p.add_argument_group("what occupations require (O*NET, ESCO)")
    needs.add_argument("--skills", type=Path, metavar="FILE", help='O*NET "Skills.txt"')
    needs.add_argument("--knowledge", type=Path, metavar="FILE", help='O*NET "Knowledge.txt"')
    needs.add_argument("--technology-skills", type=Path, metavar="FILE", help='O*NET "Technology Skills.txt"')
    needs.add_argument("--alternate-titles", type=Path, metavar="FILE", help='O*NET "Alternate Titles.txt"')
    needs.add_argument(
        "--related-occupations", type=Path, metavar="FILE", help='O*NET "Related Occupations.txt"'
    )
    needs.add_argument(
        "--esco",
        type=Path,
        metavar="DIR",
        help="ESCO's CSV folder: skills_en, occupations_en, occupationSkillRelations",
    )
    needs.add_argument("--esco-skills", type=Path, metavar="FILE", help="ESCO skills_en.csv")
    needs.add_argument("--esco-occupations", type=Path, metavar="FILE", help="ESCO occupations_en.csv")
    needs.add_argument(
        "--esco-relations", type=Path, metavar="FILE", help="ESCO occupationSkillRelations.csv"
    )
    needs.add_argument(
        "--esco-crosswalk",
        type=Path,
        metavar="FILE",
        help="Nesta's ESCO-O*NET crosswalk (default: --isco-crosswalk, the same file)",
    )
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


def requirement_sources_from(args: argparse.Namespace) -> RequirementSources:
    return RequirementSources.from_folders(
        args.onet,
        args.esco,
        skills=args.skills,
        knowledge=args.knowledge,
        technology_skills=args.technology_skills,
        alternate_titles=args.alternate_titles,
        related_occupations=args.related_occupations,
        esco_skills=args.esco_skills,
        esco_occupations=args.esco_occupations,
        esco_relations=args.esco_relations,
        esco_crosswalk=args.esco_crosswalk or args.isco_crosswalk,
    )


def main(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    args = parser().parse_args(argv)
    progress = Progress(err)
    try:
        sources, requirements = sources_from(args), requirement_sources_from(args)
        requirements.check()
        if sources.named or not requirements.any:
            sources.check()
        with open_store(args.mongo_uri, args.db_prefix) as store:
            report = run_import(sources, store, progress, dry_run=args.dry_run, requirements=requirements)
    except ImportFailed as exc:
        err.write(f"njia-assessments-import: {exc}\n")
        return 1
    out.write("\n".join(report.lines()) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
