"""services/assessments/catalog.py and data/: the occupations table Njia ships, and branch regions."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from services.assessments.catalog import default_table, overlay, region_of_timezone
from services.assessments.data import build_default_table
from services.assessments.domain import JOB_ZONES, RIASEC_AREAS, LabourFigures, Occupation

ROOT = Path(__file__).resolve().parents[3]
SHARED_DATA = ROOT.parent / "shared" / "data"
SHIPPED = ROOT / "services" / "assessments" / "data" / "occupations.json"


def test_the_default_table_has_at_least_150_occupations_with_valid_facts():
    occupations, _ = default_table()
    assert len(occupations) >= 150
    assert len({o.code for o in occupations}) == len(occupations)
    for occupation in occupations:
        assert re.fullmatch(r"\d{2}-\d{4}\.\d{2}", occupation.code), occupation.code
        assert occupation.title
        assert len(occupation.profile) == 6 and all(1.0 <= v <= 7.0 for v in occupation.profile)
        assert occupation.job_zone in JOB_ZONES
        assert all(re.fullmatch(r"\d{4}", code) for code in occupation.isco_codes)


def test_the_default_table_covers_every_interest_area_and_every_job_zone():
    occupations, _ = default_table()
    assert set(Counter(o.top_areas[0] for o in occupations)) == set(RIASEC_AREAS)
    assert set(Counter(o.job_zone for o in occupations)) == set(JOB_ZONES)
    for area in RIASEC_AREAS:  # enough of each to make a list worth reading
        assert sum(1 for o in occupations if o.top_areas[0] == area) >= 15, area


def test_most_default_occupations_carry_us_wages_and_outlook():
    table = overlay(default_table(), [], [])
    shown = [table.figures_for(o, "US")[0] for o in table.occupations]
    with_wage = [f for f in shown if f and f.median_wage]
    with_outlook = [f for f in shown if f and f.outlook]
    assert len(with_wage) >= 0.9 * len(shown) and len(with_outlook) >= 0.9 * len(shown)
    nurses = table.figures_for(table.get("29-1141.00"), "US")[0]
    assert nurses.currency == "USD" and nurses.wage_period == "year" and nurses.outlook


def test_most_default_occupations_carry_onet_work_values():
    occupations, _ = default_table()
    rated = [o for o in occupations if o.work_values is not None]
    assert len(rated) >= 0.9 * len(occupations)
    assert all(len(o.work_values) == 6 and all(1.0 <= v <= 7.0 for v in o.work_values) for o in rated)
    counselors = next(o for o in occupations if o.code == "21-1012.00")
    assert counselors.work_values is not None and max(counselors.work_values) == counselors.work_values[3]


def test_the_shipped_table_credits_its_sources():
    about = json.loads(SHIPPED.read_text())["about"]
    assert "O*NET" in about["licence"] and "CC BY 4.0" in about["licence"]
    assert any("Occupational Employment and Wage Statistics" in source for source in about["sources"])
    assert any("O*NET 29.3" in source and "Work Values" in source for source in about["sources"])


def test_the_shipped_table_is_what_the_build_script_makes_from_the_public_files():
    if not SHARED_DATA.exists():
        pytest.skip(f"the rebuild reads the whole public files, too large to ship: {SHARED_DATA} is absent")
    rebuilt = build_default_table.dump(build_default_table.build(SHARED_DATA))
    assert rebuilt == SHIPPED.read_text(encoding="utf-8")


def test_imported_occupations_and_figures_replace_the_defaults_with_the_same_key_and_add_the_rest():
    nurse = Occupation("29-1141.00", "Registered Nurses (imported)", (1, 1, 1, 7, 1, 1), 3)
    new = Occupation("99-0001.00", "Boda boda riders", (7, 1, 1, 2, 3, 1), 1)
    kenyan = LabourFigures("KE", "isco", "2221", 65000.0, "KES", "month")
    defaults = default_table()
    table = overlay(defaults, [nurse, new], [kenyan])
    assert len(table) == len(defaults[0]) + 1
    assert table.get("29-1141.00").title == "Registered Nurses (imported)"
    assert table.get("99-0001.00") is new
    assert "KE" in table.regions and "US" in table.regions


@pytest.mark.parametrize(
    ("zone", "region"),
    [
        ("Africa/Nairobi", "KE"),
        ("Africa/Kampala", "UG"),
        ("Africa/Lagos", "NG"),
        ("America/New_York", "US"),
        ("Europe/London", "GB"),
        ("UTC", None),
        (None, None),
    ],
)
def test_a_branchs_region_is_the_country_of_its_time_zone(zone, region):
    assert region_of_timezone(zone) == region
