"""njia-assessments-import against the real database: the public files (samples shipped in
tests/fixtures/public_data, and the whole files beside the checkout when there), broken files,
re-imports."""

import io
from pathlib import Path

import pytest

from services.assessments.importer import main
from services.assessments.store import open_store

DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "public_data"
needs_data = pytest.mark.skipif(
    not DATA.exists(),
    reason=f"imports the whole public files, too large to ship: {DATA} is not beside the checkout",
)


def onet_args(data: Path) -> list[str]:
    onet, walks = data / "onet", data / "crosswalks"
    return [
        "--occupation-data",
        str(onet / "Occupation_Data_v30_1.txt"),
        "--interests",
        str(onet / "Interests_v30_1.txt"),
        "--job-zones",
        str(onet / "Job_Zones_v29_3.txt"),
        "--isco-crosswalk",
        str(walks / "nesta_esco_onet_crosswalk_Nov2020.csv"),
        "--nem-crosswalk",
        str(walks / "bls_nem_onet_to_soc_crosswalk_2024-08-29.csv"),
    ]


def labour_args(data: Path) -> list[str]:
    bls = data / "bls"
    return [
        "--wages",
        str(bls / "oews_national_M2025.csv"),
        "--projections",
        str(bls / "ep_table_1_2_occupational_projections_2024_34.csv"),
    ]


ONET_ARGS, LABOUR_ARGS = onet_args(DATA), labour_args(DATA)
ONET = DATA / "onet"


def run(db_prefix, *args):
    out, err = io.StringIO(), io.StringIO()
    code = main([*args, "--db-prefix", db_prefix], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def newer_job_zones(path: Path, tmp_path: Path) -> Path:
    """A newer Job Zones file: software developers need more preparation now."""
    zones = path.read_text().replace(
        "15-1252.00\tSoftware Developers\t4\t", "15-1252.00\tSoftware Developers\t5\t"
    )
    newer = tmp_path / "Job Zones.txt"
    newer.write_text(zones)
    return newer


def test_an_import_of_the_sampled_public_files_then_a_reimport_updates_rather_than_duplicates(
    db_prefix, tmp_path
):
    work_values = ["--work-values", str(SAMPLES / "onet" / "Work_Values_v29_3.txt")]
    everything = [*onet_args(SAMPLES), *work_values, *labour_args(SAMPLES)]
    code, report, progress = run(db_prefix, *everything)
    assert code == 0, progress
    assert "Occupations: 11 were added, 0 updated, 0 unchanged" in report
    assert "1 x no interest profile in Interests" in report
    assert "skipped 1 x NEM code turned into a date by a spreadsheet (own SOC code used)" in report
    with open_store(db_prefix=db_prefix) as store:
        assert store.occupations.count_documents({}) == 11
        labour_rows = store.labour_market.count_documents({})
        nurse = store.occupations.find_one({"_id": "29-1141.00"})
        assert nurse["job_zone"] == 4 and nurse["isco_codes"] == ["2221"] and nurse["profile"]["S"] == 5.62
        assert nurse["work_values"]["relationships"] > 5
        developers = store.labour_market.find_one({"_id": "US:soc:15-1252"})
        assert developers["median_wage"] == 135980.0 and developers["outlook"] == "much faster than average"
        first_version = store.catalog_version()
        assert first_version

    code, report, _ = run(db_prefix, *everything)
    assert code == 0
    assert "Occupations: 0 were added, 0 updated, 11 unchanged" in report
    assert f"Labour-market rows: 0 were added, 0 updated, {labour_rows} unchanged" in report

    args = onet_args(SAMPLES)
    args[args.index("--job-zones") + 1] = str(
        newer_job_zones(SAMPLES / "onet" / "Job_Zones_v29_3.txt", tmp_path)
    )
    code, report, _ = run(db_prefix, *args)
    assert "Occupations: 0 were added, 1 updated, 10 unchanged" in report
    with open_store(db_prefix=db_prefix) as store:
        assert store.occupations.find_one({"_id": "15-1252.00"})["job_zone"] == 5
        assert store.catalog_version() != first_version  # running services reload


@needs_data
def test_a_full_import_of_the_public_files_then_a_reimport_updates_rather_than_duplicates(
    db_prefix, tmp_path
):
    code, report, progress = run(db_prefix, *ONET_ARGS, *LABOUR_ARGS)
    assert code == 0, progress
    assert "Occupations: 923 were added, 0 updated, 0 unchanged" in report
    assert "93 x no interest profile in Interests" in report
    assert "skipped 55 x NEM code turned into a date by a spreadsheet (own SOC code used)" in report
    assert "] 100% 8307/8307" in progress and progress.startswith("Occupation Data ")
    with open_store(db_prefix=db_prefix) as store:
        assert store.occupations.count_documents({}) == 923
        labour_rows = store.labour_market.count_documents({})
        assert labour_rows > 1000
        nurse = store.occupations.find_one({"_id": "29-1141.00"})
        assert nurse["job_zone"] == 4 and nurse["isco_codes"] == ["2221"] and nurse["profile"]["S"] == 5.62
        developers = store.labour_market.find_one({"_id": "US:soc:15-1252"})
        assert developers["median_wage"] == 135980.0 and developers["outlook"] == "much faster than average"
        first_version = store.catalog_version()
        assert first_version

    code, report, _ = run(db_prefix, *ONET_ARGS, *LABOUR_ARGS)
    assert code == 0
    assert "Occupations: 0 were added, 0 updated, 923 unchanged" in report
    assert f"Labour-market rows: 0 were added, 0 updated, {labour_rows} unchanged" in report

    # A newer Job Zones file: one occupation needs more preparation now.
    args = [*ONET_ARGS]
    args[args.index("--job-zones") + 1] = str(newer_job_zones(ONET / "Job_Zones_v29_3.txt", tmp_path))
    code, report, _ = run(db_prefix, *args)
    assert "Occupations: 0 were added, 1 updated, 922 unchanged" in report
    with open_store(db_prefix=db_prefix) as store:
        assert store.occupations.count_documents({}) == 923
        assert store.occupations.find_one({"_id": "15-1252.00"})["job_zone"] == 5
        assert store.catalog_version() != first_version  # running services reload


def test_a_file_with_broken_rows_is_imported_and_each_broken_row_reported(db_prefix, tmp_path):
    (tmp_path / "Occupation Data.txt").write_text(
        "O*NET-SOC Code\tTitle\tDescription\n"
        "15-1252.00\tSoftware Developers\tWrite software.\n"
        "29-1141.00\tRegistered Nurses\tCare for patients.\n"
        "nurse\tNurse\tBroken code.\n"
    )
    names = ("Realistic", "Investigative", "Artistic", "Social", "Enterprising", "Conventional")
    interests = "O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tDate\tDomain Source\n"
    for code, values in (
        ("15-1252.00", (2.5, 5.5, 2.0, 1.9, 2.1, 4.3)),
        ("29-1141.00", (3.7, 4.8, 1.3, 5.6, 2.3, 8.6)),
    ):
        for name, value in zip(names, values, strict=True):
            interests += f"{code}\t1.B.1.x\t{name}\tOI\t{value}\t11/2023\tMachine Learning\n"
    (tmp_path / "Interests.txt").write_text(interests)
    (tmp_path / "Job Zones.txt").write_text(
        "O*NET-SOC Code\tJob Zone\tDate\tDomain Source\n"
        "15-1252.00\t4\t11/2021\tAnalyst\n29-1141.00\t4\t08/2021\tAnalyst\n"
    )
    code, report, _ = run(db_prefix, "--onet", str(tmp_path))
    assert code == 0
    assert "line 4: not an O*NET-SOC code: 'nurse'" in report
    assert "line 13: value outside O*NET's 1-7 scale: 8.6" in report
    assert "1 x interest profile lacks C: 29-1141.00" in report
    assert "Occupations: 1 were added, 0 updated, 0 unchanged" in report
    with open_store(db_prefix=db_prefix) as store:
        assert [doc["_id"] for doc in store.occupations.find({})] == ["15-1252.00"]


def test_a_dry_run_reports_and_writes_nothing(db_prefix):
    code, report, _ = run(db_prefix, "--dry-run", *labour_args(SAMPLES))
    assert code == 0 and "Labour-market rows: 12 would be added" in report
    with open_store(db_prefix=db_prefix) as store:
        assert store.labour_market.count_documents({}) == 0 and store.catalog_version() is None


def test_a_file_that_is_not_what_it_claims_stops_the_import_with_a_reason(db_prefix, tmp_path):
    wrong = tmp_path / "wages.csv"
    wrong.write_text("occupation,pay\nnurse,100\n")
    code, report, errors = run(db_prefix, "--wages", str(wrong))
    assert code == 1 and report == ""
    assert "njia-assessments-import: OEWS wages: no 'OCC_CODE' column" in errors
    code, _, errors = run(db_prefix, "--interests", str(SAMPLES / "onet" / "Interests_v30_1.txt"))
    assert code == 1 and "give Occupation Data, Interests and Job Zones together" in errors
