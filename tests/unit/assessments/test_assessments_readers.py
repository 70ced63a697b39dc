"""services/assessments/readers.py: O*NET, BLS and crosswalk files, real ones and broken ones.

The real files: small samples of the public ones shipped in ``tests/fixtures/public_data`` (read
in every checkout), and the whole files in the shared data folder beside the checkout
(``../shared/data``, see its SOURCES.md; the tests of counts over every occupation skip without
it). The broken ones are written here.
"""

import io
from pathlib import Path

import pytest

from services.assessments.readers import (
    ImportFailed,
    Progress,
    Sources,
    assemble_occupations,
    parse_interests,
    parse_isco_crosswalk,
    parse_job_zones,
    parse_labour_market,
    parse_nem_crosswalk,
    parse_occupation_data,
    parse_oews,
    parse_projections,
    parse_sources,
    parse_work_values,
)

DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
ONET, BLS, WALKS = DATA / "onet", DATA / "bls", DATA / "crosswalks"
needs_data = pytest.mark.skipif(
    not DATA.exists(),
    reason=f"counts over the whole public files, too large to ship: {DATA} is not beside the checkout",
)
SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "public_data"
SAMPLE_ONET, SAMPLE_BLS, SAMPLE_WALKS = SAMPLES / "onet", SAMPLES / "bls", SAMPLES / "crosswalks"

INTERESTS_HEADER = "O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tDate\tDomain Source\n"


def quiet():
    return Progress(io.StringIO())


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def interest_rows(code, values, scale="OI"):
    names = ("Realistic", "Investigative", "Artistic", "Social", "Enterprising", "Conventional")
    ids = ("1.B.1.a", "1.B.1.b", "1.B.1.c", "1.B.1.d", "1.B.1.e", "1.B.1.f")
    return "".join(
        f"{code}\t{i}\t{n}\t{scale}\t{v}\t11/2023\tMachine Learning\n"
        for i, n, v in zip(ids, names, values, strict=True)
    )


# Samples of the real files (tests/fixtures/public_data), in every checkout ------------------------


def test_sampled_occupation_data_gives_every_occupation_its_title():
    report, titles = parse_occupation_data(SAMPLE_ONET / "Occupation_Data_v30_1.txt", quiet())
    assert report.rows == report.used == len(titles) == 12 and not report.skipped
    assert titles["15-1252.00"] == "Software Developers"


def test_sampled_interests_give_six_area_profiles_and_leave_the_high_point_rows_out():
    report, profiles = parse_interests(SAMPLE_ONET / "Interests_v30_1.txt", quiet())
    assert len(profiles) == 11 and all(len(p) == 6 for p in profiles.values())
    assert profiles["29-1141.00"] == {"R": 3.66, "I": 4.82, "A": 1.31, "S": 5.62, "E": 2.28, "C": 4.58}
    assert not report.skipped and report.ignored == {"rows of scale IH (only OI is used)": 33}


def test_sampled_29_3_job_zones_in_excels_layout_are_read_by_column_name():
    report, zones = parse_job_zones(SAMPLE_ONET / "Job_Zones_v29_3.txt", quiet())
    assert len(zones) == 11 and not report.skipped
    assert (zones["15-1252.00"], zones["11-1011.00"], zones["45-2092.00"]) == (4, 5, 1)


def test_sampled_work_values_keep_the_extent_scale_and_miss_unrated_occupations():
    report, values = parse_work_values(SAMPLE_ONET / "Work_Values_v29_3.txt", quiet())
    assert len(values) == 10 and "15-1252.00" not in values  # software developers: not rated in 29.3
    assert values["21-1012.00"] == {
        "achievement": 5.33,
        "working_conditions": 5.0,
        "recognition": 4.67,
        "relationships": 7.0,
        "support": 3.67,
        "independence": 4.67,
    }
    assert report.ignored == {"rows of scale VH (only EX is used)": 30}


def test_the_sampled_isco_crosswalk_lists_the_most_common_isco_group_first():
    report, isco = parse_isco_crosswalk(SAMPLE_WALKS / "nesta_esco_onet_crosswalk_Nov2020.csv", quiet())
    assert not report.skipped
    assert isco["11-1011.00"] == ["1112", "1111", "1120"] and isco["29-1141.00"] == ["2221"]


def test_the_sampled_bls_crosswalk_is_read_as_windows_1252_and_its_excel_date_is_reported():
    report, nem = parse_nem_crosswalk(SAMPLE_WALKS / "bls_nem_onet_to_soc_crosswalk_2024-08-29.csv", quiet())
    assert report.encoding == "cp1252"
    assert nem["13-1021.00"] == "13-1020"  # aggregated in BLS's projections
    assert [(s.line, s.reason) for s in report.skipped] == [
        (7, "NEM code turned into a date by a spreadsheet (own SOC code used): 'Nov-11'")
    ]


def test_the_sampled_oews_file_gives_us_median_annual_wages_and_leaves_out_summaries():
    report, figures = parse_oews(SAMPLE_BLS / "oews_national_M2025.csv", quiet())
    developers = figures[("US", "soc", "15-1252")]
    assert developers["median_wage"] == 135980.0 and developers["wage_period"] == "year"
    assert ("US", "soc", "11-0000") not in figures
    assert report.ignored == {"major summary rows": 3, "total summary rows": 1}


def test_the_sampled_projections_give_the_change_and_bls_words_for_it():
    report, figures = parse_projections(
        SAMPLE_BLS / "ep_table_1_2_occupational_projections_2024_34.csv", quiet()
    )
    developers = figures[("US", "soc", "15-1252")]
    assert developers["employment_change_pct"] == 15.8
    assert developers["outlook"] == "much faster than average"
    assert report.used == 12 and report.ignored == {"summary rows (occupation groups)": 4}


def test_a_full_read_of_the_samples_assembles_occupations_and_says_why_one_is_left_out():
    sources = Sources(
        occupation_data=SAMPLE_ONET / "Occupation_Data_v30_1.txt",
        interests=SAMPLE_ONET / "Interests_v30_1.txt",
        job_zones=SAMPLE_ONET / "Job_Zones_v29_3.txt",
        work_values=SAMPLE_ONET / "Work_Values_v29_3.txt",
        isco_crosswalk=SAMPLE_WALKS / "nesta_esco_onet_crosswalk_Nov2020.csv",
        nem_crosswalk=SAMPLE_WALKS / "bls_nem_onet_to_soc_crosswalk_2024-08-29.csv",
        wages=[SAMPLE_BLS / "oews_national_M2025.csv"],
        projections=[SAMPLE_BLS / "ep_table_1_2_occupational_projections_2024_34.csv"],
    )
    parsed = parse_sources(sources, quiet())
    assert len(parsed.occupations) == 11
    assert parsed.report.occupations_skipped == [("15-1299.00", "no interest profile in Interests")]
    nurse = parsed.occupations["29-1141.00"]
    assert nurse["job_zone"] == 4 and nurse["isco_codes"] == ["2221"] and nurse["profile"]["S"] == 5.62
    assert nurse["bls_code"] == "29-1141" and nurse["work_values"]["relationships"] > 5
    assert parsed.occupations["15-1252.00"]["work_values"] is None
    assert parsed.labour[("US", "soc", "29-1141")]["outlook"]


# The whole real files (../shared/data) ------------------------------------------------------------


@needs_data
def test_the_real_occupation_data_gives_every_occupation_a_title():
    report, titles = parse_occupation_data(ONET / "Occupation_Data_v30_1.txt", quiet())
    assert report.rows == report.used == len(titles) == 1016 and not report.skipped
    assert titles["15-1252.00"] == "Software Developers"


@needs_data
def test_the_real_interests_give_923_six_area_profiles_and_skip_nothing():
    report, profiles = parse_interests(ONET / "Interests_v30_1.txt", quiet())
    assert len(profiles) == 923 and all(len(p) == 6 for p in profiles.values())
    assert profiles["29-1141.00"] == {"R": 3.66, "I": 4.82, "A": 1.31, "S": 5.62, "E": 2.28, "C": 4.58}
    assert not report.skipped
    assert report.ignored == {"rows of scale IH (only OI is used)": 2769}  # high-point rows


@needs_data
def test_the_real_29_3_job_zones_in_excels_layout_are_read_by_column_name():
    report, zones = parse_job_zones(ONET / "Job_Zones_v29_3.txt", quiet())
    assert len(zones) == 923 and not report.skipped
    assert zones["15-1252.00"] == 4 and zones["29-1141.00"] == 4
    counts = {zone: list(zones.values()).count(zone) for zone in range(1, 6)}
    assert counts == {1: 31, 2: 295, 3: 219, 4: 224, 5: 154}


def test_job_zones_in_onets_text_layout_read_the_same(tmp_path):
    path = write(
        tmp_path,
        "Job Zones.txt",
        "O*NET-SOC Code\tJob Zone\tDate\tDomain Source\n15-1252.00\t4\t11/2021\tAnalyst\n",
    )
    _, zones = parse_job_zones(path, quiet())
    assert zones == {"15-1252.00": 4}


@needs_data
def test_the_real_isco_crosswalk_lists_the_most_common_isco_group_first():
    report, isco = parse_isco_crosswalk(WALKS / "nesta_esco_onet_crosswalk_Nov2020.csv", quiet())
    assert report.used == 1680 and not report.skipped
    assert isco["11-1011.00"] == ["1112", "1111", "1120"]  # 7, 4 and 2 ESCO occupations
    assert isco["29-1141.00"] == ["2221"]


@needs_data
def test_the_real_bls_crosswalk_is_read_as_windows_1252_and_its_excel_dates_are_reported():
    report, nem = parse_nem_crosswalk(WALKS / "bls_nem_onet_to_soc_crosswalk_2024-08-29.csv", quiet())
    assert report.encoding == "cp1252"
    assert nem["13-1021.00"] == "13-1020"  # aggregated in BLS's projections
    dates = [s for s in report.skipped if s.reason.startswith("NEM code turned into a date")]
    assert len(dates) == len(report.skipped) == 55
    assert dates[0].line == 9 and dates[0].reason.endswith("'Nov-11'")


@needs_data
def test_the_real_oews_file_gives_us_median_annual_wages_and_leaves_out_summaries():
    report, figures = parse_oews(BLS / "oews_national_M2025.csv", quiet())
    developers = figures[("US", "soc", "15-1252")]
    assert developers["median_wage"] == 135980.0 and developers["wage_period"] == "year"
    assert developers["currency"] == "USD" and developers["wage_year"] == "May 2025"
    assert ("US", "soc", "11-0000") not in figures
    assert report.ignored["major summary rows"] == 22


@needs_data
def test_the_real_projections_give_the_change_and_bls_words_for_it():
    report, figures = parse_projections(BLS / "ep_table_1_2_occupational_projections_2024_34.csv", quiet())
    developers = figures[("US", "soc", "15-1252")]
    assert developers["employment_change_pct"] == 15.8
    assert developers["outlook"] == "much faster than average"
    assert developers["projection_period"] == "2024-34"
    assert report.used == 832 and report.ignored == {"summary rows (occupation groups)": 281}


@needs_data
def test_a_full_read_gives_923_occupations_and_says_why_93_others_are_left_out():
    sources = Sources(
        occupation_data=ONET / "Occupation_Data_v30_1.txt",
        interests=ONET / "Interests_v30_1.txt",
        job_zones=ONET / "Job_Zones_v29_3.txt",
        isco_crosswalk=WALKS / "nesta_esco_onet_crosswalk_Nov2020.csv",
    )
    parsed = parse_sources(sources, quiet())
    assert len(parsed.occupations) == 923
    assert len(parsed.report.occupations_skipped) == 93
    assert {reason for _, reason in parsed.report.occupations_skipped} == {"no interest profile in Interests"}
    assert ("15-1299.00", "no interest profile in Interests") in parsed.report.occupations_skipped
    nurse = parsed.occupations["29-1141.00"]
    assert nurse["job_zone"] == 4 and nurse["isco_codes"] == ["2221"] and nurse["profile"]["S"] == 5.62


# Broken files: reported row by row, never fatal ----------------------------------------------------


def test_broken_interest_rows_are_skipped_with_their_line_and_reason(tmp_path):
    text = (
        INTERESTS_HEADER
        + interest_rows("15-1252.00", [2.5, 5.5, 2.0, 1.9, 2.1, 4.3])  # lines 2-7: fine
        + "15-1252.00\t1.B.1.a\tRealistic\tOI\n"  # line 8: too few columns
        + "15-1252\t1.B.1.a\tRealistic\tOI\t3.0\t11/2023\tx\n"  # line 9: not an O*NET-SOC code
        + "29-1141.00\t1.B.1.a\tRealistic\tOI\thigh\t11/2023\tx\n"  # line 10: not a number
        + "29-1141.00\t1.B.1.b\tInvestigative\tOI\t9.5\t11/2023\tx\n"  # line 11: off the 1-7 scale
        + "29-1141.00\t1.B.1.z\tMusical\tOI\t3.0\t11/2023\tx\n"  # line 12: unknown element
        + "15-1252.00\t1.B.1.a\tRealistic\tOI\t2.6\t11/2023\tx\n"  # line 13: a second value
        + "\n"  # a blank line is not a row
    )
    report, profiles = parse_interests(write(tmp_path, "Interests.txt", text), quiet())
    assert profiles == {"15-1252.00": {"R": 2.5, "I": 5.5, "A": 2.0, "S": 1.9, "E": 2.1, "C": 4.3}}
    reasons = {s.line: s.reason for s in report.skipped}
    assert reasons == {
        8: "too few columns: 4 of 7",
        9: "not an O*NET-SOC code: '15-1252'",
        10: "value is not a number: 'high'",
        11: "value outside O*NET's 1-7 scale: 9.5",
        12: "unknown element: 'Musical'",
        13: "second value for one element: 15-1252.00 R",
    }
    assert report.rows == 12 and report.used == 6


def test_occupations_with_part_of_a_profile_or_no_job_zone_are_left_out_and_named(tmp_path):
    titles = {"15-1252.00": "Software Developers", "29-1141.00": "Registered Nurses", "11-1011.00": "Chiefs"}
    interests = {
        "15-1252.00": {"R": 2.5, "I": 5.5, "A": 2.0, "S": 1.9, "E": 2.1, "C": 4.3},
        "29-1141.00": {"R": 3.66, "I": 4.82},
        "11-1011.00": {"R": 1.3, "I": 3.2, "A": 2.1, "S": 3.9, "E": 6.9, "C": 4.6},
        "99-0000.00": {"R": 1.0, "I": 1.0, "A": 1.0, "S": 1.0, "E": 1.0, "C": 7.0},
    }
    occupations, left_out = assemble_occupations(titles, interests, {"15-1252.00": 4, "29-1141.00": 4})
    assert list(occupations) == ["15-1252.00"]
    assert dict(left_out) == {
        "11-1011.00": "no job zone in Job Zones",
        "29-1141.00": "interest profile lacks ASEC",
        "99-0000.00": "not in Occupation Data",
    }


def test_a_job_zone_outside_one_to_five_is_skipped(tmp_path):
    text = (
        "O*NET-SOC Code\tTitle\tJob Zone\tDate\tDomain Source\n"
        "15-1252.00\tSoftware Developers\t4\t11/2021\tAnalyst\n"
        "29-1141.00\tRegistered Nurses\t7\t08/2021\tAnalyst\n"
        "11-1011.00\tChief Executives\tfive\t08/2023\tAnalyst\n"
        "15-1252.00\tSoftware Developers\t3\t11/2021\tAnalyst\n"
    )
    report, zones = parse_job_zones(write(tmp_path, "Job Zones.txt", text), quiet())
    assert zones == {"15-1252.00": 4}
    assert [(s.line, s.reason) for s in report.skipped] == [
        (3, "job zone not 1 to 5: '7'"),
        (4, "job zone not 1 to 5: 'five'"),
        (5, "second job zone: 15-1252.00"),
    ]


def test_a_file_without_the_columns_it_needs_is_refused_by_name(tmp_path):
    path = write(tmp_path, "Interests.txt", "Code\tArea\tScore\n15-1252.00\tRealistic\t2.5\n")
    with pytest.raises(ImportFailed, match="Interests: no 'O\\*NET-SOC Code' column"):
        parse_interests(path, quiet())


def test_an_empty_or_missing_file_is_refused(tmp_path):
    with pytest.raises(ImportFailed, match="is empty"):
        parse_occupation_data(write(tmp_path, "Occupation Data.txt", ""), quiet())
    with pytest.raises(ImportFailed, match="cannot read"):
        parse_occupation_data(tmp_path / "nowhere.txt", quiet())


def test_a_windows_1252_file_is_read_and_said_so(tmp_path):
    text = "O*NET-SOC Code\tTitle\tDescription\n27-2011.00\tActors \u2014 stage\tPlay parts.\n"
    report, titles = parse_occupation_data(write(tmp_path, "od.txt", text, "cp1252"), quiet())
    assert report.encoding == "cp1252" and titles == {"27-2011.00": "Actors \u2014 stage"}


def test_work_values_keep_the_extent_scale_only(tmp_path):
    names = ("Achievement", "Working Conditions", "Recognition", "Relationships", "Support", "Independence")
    text = "O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tDate\tDomain Source\n"
    for n, name in enumerate(names):
        text += f"21-1012.00\t1.B.2.{'abcdef'[n]}\t{name}\tEX\t{5 + n * 0.2:.2f}\t11/2020\tAnalyst\n"
        text += f"21-1012.00\t1.B.2.{'abcdef'[n]}\t{name}\tIH\t3.00\t11/2020\tAnalyst\n"
    report, values = parse_work_values(write(tmp_path, "Work Values.txt", text), quiet())
    assert values["21-1012.00"]["achievement"] == 5.0 and values["21-1012.00"]["independence"] == 6.0
    assert report.ignored == {"rows of scale IH (only EX is used)": 6}


def test_oews_wages_above_the_published_cap_are_kept_as_at_least_the_cap(tmp_path):
    header = "AREA,AREA_TITLE,AREA_TYPE,PRIM_STATE,NAICS,OCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,H_MEDIAN,A_MEDIAN"
    text = "\n".join(
        [
            header,
            "99,U.S.,1,US,000000,29-1215,Family Medicine Physicians,detailed,107510,#,#",
            "99,U.S.,1,US,000000,27-2011,Actors,detailed,55000,25.5,*",
            "99,U.S.,1,US,000000,27-2099,Entertainers,detailed,16550,*,*",
            '6,California,2,CA,000000,15-1252,Software Developers,detailed,"300,000",80.1,"166,610"',
            "31080,Los Angeles,4,CA,000000,15-1252,Software Developers,detailed,80000,80,166000",
            "99,U.S.,1,US,000000,Nov-11,Broken,detailed,1,1,1",
        ]
    )
    report, figures = parse_oews(write(tmp_path, "oews_M2025.csv", text), quiet())
    assert figures[("US", "soc", "29-1215")]["median_wage"] == 239200.0
    assert figures[("US", "soc", "29-1215")]["wage_at_least"] is True
    assert figures[("US", "soc", "27-2011")] | {} == {
        "currency": "USD",
        "wage_year": "May 2025",
        "source": "BLS OEWS",
        "median_wage": 25.5,
        "wage_period": "hour",
        "wage_at_least": False,
    }
    assert figures[("US-CA", "soc", "15-1252")]["median_wage"] == 166610.0  # thousands separators
    assert [(s.line, s.reason) for s in report.skipped] == [
        (4, "no median wage published: '*'"),
        (7, "not a SOC code: 'Nov-11'"),
    ]
    assert report.ignored == {"metropolitan and other sub-state areas": 1}


def test_a_regional_series_in_njias_layout_is_read_and_its_bad_rows_reported(tmp_path):
    text = "\n".join(
        [
            "region,scheme,code,median_wage,currency,wage_period,wage_year,employment_change_pct,outlook,source",
            "KE,isco,2221,65000,KES,month,2024,6.5,,KNBS Economic Survey 2024",
            "KE,soc,15-1252,150000,kes,month,2024,,growing,",
            "Kenya,isco,2221,65000,KES,month,2024,,,",
            "KE,isco,22,65000,KES,month,2024,,,",
            "KE,naics,2221,65000,KES,month,2024,,,",
            "KE,isco,2222,lots,KES,month,2024,,,",
            "KE,isco,2223,50000,KES,fortnight,2024,,,",
            "KE,isco,2224,,,,,,,",
        ]
    )
    report, figures = parse_labour_market(write(tmp_path, "kenya.csv", text), quiet())
    nurses = figures[("KE", "isco", "2221")]
    assert nurses["median_wage"] == 65000.0 and nurses["wage_period"] == "month"
    assert nurses["outlook"] == "faster than average" and nurses["source"] == "KNBS Economic Survey 2024"
    developers = figures[("KE", "soc", "15-1252")]
    assert developers["currency"] == "KES" and developers["outlook"] == "growing"
    assert developers["source"] == "kenya.csv"
    assert [(s.line, s.reason.split(":")[0]) for s in report.skipped] == [
        (4, "not a region code (ISO 3166, e.g. KE or KE-32)"),
        (5, "not a ISCO code"),
        (6, "scheme not soc or isco"),
        (7, "median wage is not a positive number"),
        (8, "wage period not year, month or hour"),
        (9, "no figures"),
    ]


def test_the_importer_needs_the_three_onet_files_together():
    with pytest.raises(ImportFailed, match="together"):
        Sources(interests=Path("Interests.txt")).check()
    with pytest.raises(ImportFailed, match="nothing to import"):
        Sources().check()
    with pytest.raises(ImportFailed, match="--isco-crosswalk is read with the O\\*NET files"):
        Sources(isco_crosswalk=Path("x.csv"), wages=[Path("w.csv")]).check()


def test_the_progress_bar_counts_rows_on_stderr(tmp_path):
    stream = io.StringIO()
    text = INTERESTS_HEADER + interest_rows("15-1252.00", [2.5, 5.5, 2.0, 1.9, 2.1, 4.3])
    parse_interests(write(tmp_path, "Interests.txt", text), Progress(stream))
    assert stream.getvalue() == "Interests              [##############################] 100% 6/6\n"
