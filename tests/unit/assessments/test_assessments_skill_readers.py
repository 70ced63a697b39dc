"""services/assessments/skill_readers.py: O*NET Skills, Knowledge, Technology Skills, Alternate
Titles, Related Occupations and ESCO's files; broken rows written here, the whole public files from
the shared data folder beside the checkout (skipped without it), and the shipped table's rebuild."""

import gzip
import io
import json
from pathlib import Path

import pytest

from services.assessments.data import build_requirements
from services.assessments.readers import ImportFailed, Progress
from services.assessments.skill_readers import (
    RequirementSources,
    parse_alternate_titles,
    parse_ratings,
    parse_related_occupations,
    parse_requirements,
    parse_technology_skills,
)

DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
needs_data = pytest.mark.skipif(
    not DATA.exists(),
    reason=f"reads the whole public files, too large to ship: {DATA} is not beside the checkout",
)
RATINGS_HEADER = (
    "O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tN\tStandard Error\tLower CI Bound\t"
    "Upper CI Bound\tRecommend Suppress\tNot Relevant\tDate\tDomain Source\n"
)


def quiet():
    return Progress(io.StringIO())


def rating(code, element, name, scale, value, suppress="N", not_relevant="n/a"):
    counts = ("8", "0.1", "1", "2")
    cells = (code, element, name, scale, value, *counts, suppress, not_relevant, "08/2023", "Analyst")
    return "\t".join(cells) + "\n"


def test_ratings_leave_out_suppressed_and_not_relevant_elements_and_order_by_importance(tmp_path):
    path = tmp_path / "Skills.txt"
    path.write_text(
        RATINGS_HEADER
        + rating("41-2011.00", "2.A.1.a", "Reading Comprehension", "IM", "2.50")
        + rating("41-2011.00", "2.A.1.a", "Reading Comprehension", "LV", "2.38", not_relevant="N")
        + rating("41-2011.00", "2.B.1.f", "Service Orientation", "IM", "3.12")
        + rating("41-2011.00", "2.B.1.f", "Service Orientation", "LV", "2.88", not_relevant="N")
        + rating("41-2011.00", "2.A.2.a", "Critical Thinking", "IM", "2.00", suppress="Y")
        + rating("41-2011.00", "2.A.2.a", "Critical Thinking", "LV", "1.00", not_relevant="N")
        + rating("41-2011.00", "2.B.3.a", "Operations Analysis", "IM", "1.00")
        + rating("41-2011.00", "2.B.3.a", "Operations Analysis", "LV", "0.00", not_relevant="Y")
        + rating("41-2011.00", "2.B.5.a", "Time Management", "IM", "3.00")
        + rating("41-2011.00", "2.B.5.b", "Management of Money", "IM", "9.99")
        + rating("4120-11", "2.A.1.b", "Active Listening", "IM", "3.00")
    )
    report, found = parse_ratings(path, "Skills", quiet())
    assert found == {
        "41-2011.00": [
            {"id": "2.B.1.f", "name": "Service Orientation", "importance": 3.12, "level": 2.88},
            {"id": "2.A.1.a", "name": "Reading Comprehension", "importance": 2.5, "level": 2.38},
        ]
    }
    reasons = sorted(s.reason for s in report.skipped)
    assert reasons == ["IM value not a number from 1 to 5: '9.99'", "not an O*NET-SOC code: '4120-11'"]
    assert report.ignored == {
        "ratings O*NET recommends suppressing (element left out)": 1,
        "elements rated not relevant (left out)": 1,
        "elements rated on one scale only (left out)": 1,
    }


def test_technologies_alternate_titles_and_related_occupations_are_read_and_bad_rows_reported(tmp_path):
    tech = tmp_path / "Technology Skills.txt"
    tech.write_text(
        "O*NET-SOC Code\tTitle\tExample\tCommodity Code\tCommodity Title\tHot Technology\tIn Demand\n"
        "41-2011.00\tCashiers\tIntuit QuickBooks\t43231604\tAccounting software\tY\tN\n"
        "41-2011.00\tCashiers\tMicrosoft Excel\t43232110\tSpreadsheet software\tY\tY\n"
        "41-2011.00\tCashiers\tCash register software\t43232305\tPoint of sale POS software\tN\tN\n"
        "41-2011.00\tCashiers\tMicrosoft Excel\t43232110\tSpreadsheet software\tY\tY\n"
        "41-2011.00\tCashiers\tAbacus\t1\tTools\tmaybe\tN\n"
    )
    report, found = parse_technology_skills(tech, quiet())
    assert [t["example"] for t in found["41-2011.00"]] == [
        "Microsoft Excel",
        "Intuit QuickBooks",
        "Cash register software",
    ]
    assert found["41-2011.00"][0] == {
        "example": "Microsoft Excel", "commodity": "Spreadsheet software", "hot": True, "in_demand": True,
    }  # fmt: skip
    assert [s.reason.split(":")[0] for s in report.skipped] == [
        "second row for one technology",
        "Hot Technology / In Demand not Y or N",
    ]
    titles = tmp_path / "Alternate Titles.txt"
    titles.write_text(
        "O*NET-SOC Code\tAlternate Title\tShort Title\tSource(s)\n"
        "41-2011.00\tCheckout Operator\tn/a\t08\n"
        "41-2011.00\tCustomer Service Representative Cashier\tCSR Cashier\t04\n"
        "41-2011.00\tcheckout operator\tn/a\t10\n"
        "41-2011.00\t\tn/a\t10\n"
    )
    report, found = parse_alternate_titles(titles, quiet())
    assert found == {
        "41-2011.00": ["Checkout Operator", "Customer Service Representative Cashier", "CSR Cashier"]
    }
    assert [s.reason.split(":")[0] for s in report.skipped] == ["duplicate title", "no alternate title"]
    related = tmp_path / "Related Occupations.txt"
    related.write_text(
        "O*NET-SOC Code\tTitle\tRelated O*NET-SOC Code\tRelated Title\tRelatedness Tier\tIndex\n"
        "41-2011.00\tCashiers\t41-1011.00\tFirst-Line Supervisors\tPrimary-Long\t6\n"
        "41-2011.00\tCashiers\t41-2021.00\tCounter and Rental Clerks\tPrimary-Short\t1\n"
        "41-2011.00\tCashiers\t41-2011.00\tCashiers\tPrimary-Short\t2\n"
        "41-2011.00\tCashiers\t43-3071.00\tTellers\tSomewhat\t3\n"
    )
    report, found = parse_related_occupations(related, quiet())
    assert found == {
        "41-2011.00": [
            {"code": "41-2021.00", "tier": "Primary-Short", "index": 1},
            {"code": "41-1011.00", "tier": "Primary-Long", "index": 6},
        ]
    }
    assert [s.reason.split(":")[0] for s in report.skipped] == [
        "related to itself",
        "unknown relatedness tier",
    ]


def test_esco_files_are_read_together_and_with_a_crosswalk(tmp_path):
    with pytest.raises(ImportFailed, match="together"):
        RequirementSources(esco_skills=tmp_path / "skills_en.csv").check()
    given = {name: tmp_path / f"{name}.csv" for name in ("esco_skills", "esco_occupations", "esco_relations")}
    with pytest.raises(ImportFailed, match="crosswalk"):
        RequirementSources(**given).check()
    with pytest.raises(ImportFailed, match="not a folder"):
        RequirementSources.from_folders(None, tmp_path / "nowhere")


@needs_data
def test_the_whole_public_files_give_each_rated_occupation_its_requirements():
    parsed = parse_requirements(build_requirements.sources_in(DATA), quiet())
    counts = {f.label: (f.rows, f.used, len(f.skipped)) for f in parsed.files}
    assert counts["Skills"][:2] == (61530, 58110)
    assert counts["Technology Skills"] == (32681, 32681, 0)
    assert counts["ESCO relations"] == (123855, 123788, 67)  # one occupation ESCO v1.1.1 does not list
    cashiers = parsed.requirements["41-2011.00"]
    assert len(cashiers["skills"]) > 10 and len(cashiers["knowledge"]) > 5
    assert all(1 <= s["importance"] <= 5 and 0 <= s["level"] <= 7 for s in cashiers["skills"])
    assert "Cashier" in cashiers["alternate_titles"]
    assert {"operate cash register", "process payments"} <= {s["label"] for s in cashiers["esco_essential"]}
    assert "41-1011.00" in [r["code"] for r in cashiers["related"]]
    assert cashiers["esco_mapped_by"] == "crosswalk"
    # O*NET has not rated these yet: they keep their titles and technologies, without ratings
    developers = parsed.requirements["15-1252.00"]
    assert "skills" not in developers and developers["technology"]
    # Nesta's crosswalk names them by their 2010 codes: ESCO is reached by title
    assert developers["esco_mapped_by"] == "title" and developers["esco_titles"][0] == "software developer"
    assert "analyse software specifications" in {s["label"] for s in developers["esco_essential"]}


@needs_data
def test_the_shipped_requirements_are_what_the_build_script_makes_of_the_public_files():
    table = build_requirements.build(DATA)
    shipped = json.loads(gzip.decompress(build_requirements.OUTPUT.read_bytes()))
    assert shipped["occupations"] == json.loads(json.dumps(table["occupations"]))
    esco = json.loads(gzip.decompress(build_requirements.ESCO_OUTPUT.read_bytes()))
    assert esco["esco_skills"] == json.loads(json.dumps(table["esco_skills"]))
    assert "O*NET" in shipped["about"]["attribution"] and "ESCO" in shipped["about"]["attribution"]
