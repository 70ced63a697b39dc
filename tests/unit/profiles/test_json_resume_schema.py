"""services/profiles/jsonresume.py: documents are checked against the shipped 1.0.0 schema, per field."""

import json
from pathlib import Path

from services.profiles import jsonresume

# The published files, shipped as test fixtures (tests/fixtures/public_data/SOURCES.md).
SPECS = Path(__file__).resolve().parents[2] / "fixtures" / "public_data" / "specs"


def test_the_shipped_schema_is_the_published_one():
    assert jsonresume.schema() == json.loads((SPECS / "jsonresume_schema_v1.0.0.json").read_text())


def test_a_valid_resume_has_no_problems():
    assert jsonresume.problems(json.loads((SPECS / "jsonresume_sample.resume_v1.2.1.json").read_text())) == {}


def test_each_bad_field_is_named_with_a_reason():
    problems = jsonresume.problems(
        {
            "basics": {"name": 42, "email": "not-an-email", "url": "not a url"},
            "work": [{"name": "Safaricom", "startDate": "March 2020"}],
            "certificates": [{"name": "X", "date": "2020"}],
            "hobbies": ["chess"],
        }
    )
    assert problems == {
        "basics.name": ["Must be a string."],
        "basics.email": ["Not a valid email."],
        "basics.url": ["Not a valid uri."],
        "work.0.startDate": ["Use a date like 2020-03-09, 2020-03 or 2020."],
        "certificates.0.date": ["Use a full date like 2020-03-09."],
        "hobbies": ["Not a JSON Resume 1.0.0 field."],
    }


def test_a_document_that_is_not_an_object_is_one_problem():
    assert jsonresume.problems(["not", "a", "resume"]) == {"body": ["Must be an object."]}
