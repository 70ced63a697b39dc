"""njia-assessments-import of what occupations require (O*NET Skills, Knowledge, Technology Skills,
Alternate Titles, Related Occupations; ESCO) against the real database: small files written here,
the whole public files when they are beside the checkout, re-imports updating in place."""

import io
from pathlib import Path

import pytest

from services.assessments.importer import main
from services.assessments.store import open_store

DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
needs_data = pytest.mark.skipif(
    not DATA.exists(),
    reason=f"imports the whole public files, too large to ship: {DATA} is not beside the checkout",
)
TECH_HEADER = "O*NET-SOC Code\tTitle\tExample\tCommodity Code\tCommodity Title\tHot Technology\tIn Demand\n"


def run(db_prefix, *args):
    out, err = io.StringIO(), io.StringIO()
    code = main([*args, "--db-prefix", db_prefix], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def write_files(folder: Path, technologies: list[str]) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "Technology Skills.txt").write_text(TECH_HEADER + "".join(technologies))
    (folder / "Alternate Titles.txt").write_text(
        "O*NET-SOC Code\tAlternate Title\tShort Title\tSource(s)\n"
        "41-2011.00\tTill Operator\tn/a\t08\n"
        "41-2011.00\tTill Operator\tn/a\t09\n"
    )
    return folder


def test_requirements_are_imported_then_a_reimport_updates_them_in_place(db_prefix, tmp_path):
    excel = "41-2011.00\tCashiers\tMicrosoft Excel\t43232110\tSpreadsheet software\tY\tN\n"
    folder = write_files(tmp_path / "onet", [excel])
    code, report, progress = run(db_prefix, "--onet", str(folder))
    assert code == 0, progress
    assert "Alternate Titles (" in report and "skipped 1 x duplicate title" in report
    assert "Occupation requirements: 1 were added, 0 updated, 0 unchanged" in report
    assert "Technology Skills" in progress and "100%" in progress
    with open_store(db_prefix=db_prefix) as store:
        first_version = store.catalog_version()
        doc = store.imported_requirements("41-2011.00")
        assert doc["alternate_titles"] == ["Till Operator"]
        assert doc["technology"] == [
            {
                "example": "Microsoft Excel",
                "commodity": "Spreadsheet software",
                "hot": True,
                "in_demand": False,
            }
        ]
    pos = "41-2011.00\tCashiers\tPOS software\t43232305\tPoint of sale POS software\tN\tN\n"
    folder = write_files(tmp_path / "onet", [excel, pos])
    code, report, _ = run(db_prefix, "--technology-skills", str(folder / "Technology Skills.txt"))
    assert code == 0
    assert "Occupation requirements: 0 were added, 1 updated, 0 unchanged" in report
    with open_store(db_prefix=db_prefix) as store:
        assert store.requirements.count_documents({}) == 1
        doc = store.imported_requirements("41-2011.00")
        assert [t["example"] for t in doc["technology"]] == ["Microsoft Excel", "POS software"]
        assert doc["alternate_titles"] == ["Till Operator"]  # parts not imported again stay
        assert store.catalog_version() != first_version
    code, report, _ = run(db_prefix, "--technology-skills", str(folder / "Technology Skills.txt"))
    assert "Occupation requirements: 0 were added, 0 updated, 1 unchanged" in report


def test_esco_files_without_a_crosswalk_stop_the_import_with_a_reason(db_prefix, tmp_path):
    code, _, err = run(db_prefix, "--esco", str(tmp_path))
    assert code == 1 and "holds no skills_en*.csv" in err
    for name in ("skills_en.csv", "occupations_en.csv", "occupationSkillRelations.csv"):
        (tmp_path / name).write_text("conceptUri\n")
    code, _, err = run(db_prefix, "--esco", str(tmp_path))
    assert code == 1 and "crosswalk" in err


@needs_data
def test_the_whole_public_requirement_files_and_esco_are_imported(db_prefix):
    onet, esco = DATA / "onet", DATA / "esco"
    args = [
        "--skills", str(onet / "Skills_v29_3.txt"),
        "--knowledge", str(onet / "Knowledge_v29_3.txt"),
        "--technology-skills", str(onet / "Technology_Skills_v29_3.txt"),
        "--alternate-titles", str(onet / "Alternate_Titles_v30_0.txt"),
        "--related-occupations", str(onet / "Related_Occupations_v29_3.txt"),
        "--esco", str(esco),
        "--esco-crosswalk", str(DATA / "crosswalks" / "nesta_esco_onet_crosswalk_Nov2020.csv"),
    ]  # fmt: skip
    code, report, progress = run(db_prefix, *args)
    assert code == 0, progress
    assert (
        "ESCO relations (" in report and "skipped 67 x occupation not in the ESCO occupations file" in report
    )
    assert "ESCO skills: 13896 were added" in report
    with open_store(db_prefix=db_prefix) as store:
        cashiers = store.imported_requirements("41-2011.00")
        assert cashiers["skills"] and cashiers["esco_essential"] and cashiers["related"]
        assert store.requirements.count_documents({}) > 1000
