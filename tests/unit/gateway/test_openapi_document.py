"""The OpenAPI document states the checks a request meets, so what it admits Njia accepts.

The document is built from the gateway's routes as ``GET /openapi.json`` serves it (no process, no
socket). Patterns are judged by jsonschema_rs, the validator schemathesis generates against, which
reads them as ECMA-262 regular expressions, as client generators do.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import jsonschema_rs
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.accounts import schemas as accounts
from services.assessments import domain as assessments_domain
from services.assessments import schemas as assessments
from services.gateway.openapi import NO_NUL, build_spec
from services.gateway.service import GatewayService
from shared.mongo import encode_cursor
from shared.schemas import CURSOR_PATTERN, MOMENT_PATTERN, TIME_ZONE_PATTERN, TIME_ZONES, Moment, StrictSchema

# A value each format's generator could give, to put U+0000 into.
FORMAT_SAMPLES = {
    "uri": "https://example.org/x",
    "email": "a@example.org",
    "date-time": "2026-12-01T09:00:00Z",
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_spec(GatewayService, "http://127.0.0.1:8000")


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return document["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def strings(document: dict[str, Any], node: Any, seen: set[int] | None = None) -> Iterator[dict[str, Any]]:
    """Every string schema in ``node`` and what it refers to."""
    seen = set() if seen is None else seen
    if not isinstance(node, dict) or id(node) in seen:
        return
    seen.add(id(node))
    node = resolve(document, node)
    if node.get("type") == "string":
        yield node
    children = [*node.get("properties", {}).values(), node.get("items"), node.get("additionalProperties")]
    children += [*node.get("anyOf", []), *node.get("oneOf", []), *node.get("allOf", [])]
    for child in children:
        yield from strings(document, child, seen)


def request_strings(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                for schema in strings(document, parameter["schema"]):
                    yield f"{where} {parameter['name']}", schema
            for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
                if media_type == "application/json":
                    for schema in strings(document, media["schema"]):
                        yield f"{where} body", schema


def patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        for value in node.values():
            yield from patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from patterns(value)


def admits(schema: dict[str, Any], value: Any) -> bool:
    return jsonschema_rs.validator_for(schema, validate_formats=True).is_valid(value)


def operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]
    return found


def body_schema(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    content = operation(document, method, path)["requestBody"]["content"]
    return resolve(document, content["application/json"]["schema"])


# The document's own language ------------------------------------------------------------------------


def test_every_pattern_is_an_ecma_regular_expression(document):
    found = set(patterns(document))
    assert len(found) > 10
    for pattern in found:
        assert "\\Z" not in pattern, pattern  # Python's end of text; ECMA-262 has none
        jsonschema_rs.validator_for({"type": "string", "pattern": pattern})  # raises when not a regex


def test_no_string_a_request_carries_admits_the_nul_character(document):
    checked = 0
    for where, schema in request_strings(document):
        if "enum" in schema:
            continue
        valid = FORMAT_SAMPLES.get(schema.get("format"), schema.get("example", "a"))
        for holding_nul in (valid + "\x00", "\x00" + valid, "\x00"):
            assert not admits(schema, holding_nul), f"{where} admits {holding_nul!r}: {schema}"
        checked += 1
    assert checked > 50


def test_free_text_admits_anything_but_nul(document):
    schema = {"type": "string", "pattern": NO_NUL}
    assert admits(schema, "Nakuru, Kenya \u00e9\U0001f600 \n")
    assert admits(schema, "")


# What the document admits, the schemas accept ----------------------------------------------------------


def test_every_known_time_zone_has_the_documented_shape():
    schema = {"type": "string", "pattern": TIME_ZONE_PATTERN, "maxLength": 64}
    assert all(admits(schema, zone) for zone in TIME_ZONES)
    assert not admits(schema, "Africa/Nairobi/")
    assert not admits(schema, "nairobi")


@settings(max_examples=300, deadline=None)
@given(st.from_regex(MOMENT_PATTERN.replace("$", r"\Z"), fullmatch=True))
def test_every_time_of_the_documented_shape_is_accepted(text):
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return  # a day the month has not (31 April): format date-time rules it out
    schema = StrictSchema.from_dict({"at": Moment()})()
    assert schema.load({"at": text})["at"].isoformat()


def test_times_outside_1970_to_2100_are_not_of_the_documented_shape():
    schema = {"type": "string", "pattern": MOMENT_PATTERN}
    assert admits(schema, "1970-01-01T00:00:00Z") and admits(schema, "2100-12-31T23:59:59.5+03:00")
    assert not admits(schema, "1969-12-31T23:59:59Z")
    assert not admits(schema, "2101-01-01T00:00:00Z")
    assert not admits(schema, "2026-12-01T09:00:00")  # no offset


def test_a_name_of_the_documented_shape_is_not_blank_once_trimmed(document):
    """Each character ECMA-262 reads as the something-besides-white-space the name pattern asks
    for is one Python does not strip, so the name is not empty after trimming."""
    name = body_schema(document, "post", "/api/v1/branches")["properties"]["name"]
    assert name["pattern"] == accounts.NAMED
    validator = jsonschema_rs.validator_for({"type": "string", "pattern": accounts.NAMED})
    for code in range(1, 0x3100):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        if validator.is_valid(char):
            assert char.strip(), f"U+{code:04X} passes the pattern but Python strips it"
    assert not validator.is_valid(" \t\u3000\ufeff\x1c")


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1))
def test_every_cursor_njia_gives_out_has_the_documented_shape(last_id):
    if not last_id.isprintable():
        return
    assert admits({"type": "string", "pattern": CURSOR_PATTERN}, encode_cursor(last_id))


def test_the_documented_phone_example_is_a_number_in_use():
    number = phonenumbers.parse("+254712345678")
    assert phonenumbers.is_valid_number(number)
    assert admits({"type": "string", "pattern": accounts.E164}, "+254712345678")
    assert not admits({"type": "string", "pattern": accounts.E164}, "0712345678")


def test_a_complete_set_of_answers_from_the_document_is_accepted(document):
    answers = body_schema(document, "post", "/api/v1/assessments/{key}/responses")["properties"]["answers"]
    for one_set, assessment in zip(answers["oneOf"], assessments.KEYS, strict=True):
        inv = assessments_domain.inventory(assessment)
        given_answers = {item: prop["maximum"] for item, prop in one_set["properties"].items()}
        assert admits(answers, given_answers)
        assert assessments_domain.check_answers(inv, given_answers) == {}
        assert not admits(answers, {**given_answers, "R99": 3})


def test_a_draft_admits_some_answers_of_one_assessment(document):
    answers = body_schema(document, "put", "/api/v1/assessments/{key}/draft")["properties"]["answers"]
    assert admits(answers, {}) and admits(answers, {"R01": 1})
    assert not admits(answers, {"R01": 6}) and not admits(answers, {"R01": None})
    assert not admits(answers, {"nothing": 3})
    assert answers["maxProperties"] == assessments.MAX_ANSWERS and "maxLength" not in answers


# Rules a field cannot state alone ---------------------------------------------------------------------


def test_a_change_to_ones_own_details_names_at_least_one_of_them(document):
    schema = body_schema(document, "patch", "/api/v1/me")
    assert schema["minProperties"] == 1 and schema["additionalProperties"] is False
    assert not admits(schema, {}) and admits(schema, {"language": "sw"})


def test_a_client_counselor_or_branch_admin_is_added_with_a_branch(document):
    schema = body_schema(document, "post", "/api/v1/users")
    person = {"email": "a@example.org", "name": "Amina", "role": "counselor"}
    assert not admits(schema, person)
    assert admits(schema, {**person, "branch_id": "brn_1"})
    assert admits(schema, {**person, "role": "org_admin"})
    assert "branch_id" in schema["description"]


def test_described_schemas_still_refuse_unknown_fields(document):
    schema = body_schema(document, "post", "/api/v1/auth/register")
    assert schema["description"] and schema["additionalProperties"] is False


def test_staff_are_told_to_name_the_client_whose_profile_they_read(document):
    for path in ("/api/v1/profile", "/api/v1/profile/export"):
        (client_id,) = [p for p in operation(document, "get", path)["parameters"] if p["name"] == "client_id"]
        assert not client_id["required"] and "required of counselors and admins" in client_id["description"]


# Paths and bodies that are no marshmallow schema ---------------------------------------------------------


def test_path_parameters_say_what_they_are(document):
    for method, path in [
        ("get", "/api/v1/assessments/{key}"),
        ("put", "/api/v1/assessments/{key}/draft"),
        ("post", "/api/v1/assessments/{key}/responses"),
    ]:
        (key,) = [p for p in operation(document, method, path)["parameters"] if p["in"] == "path"]
        assert key["required"] and key["schema"]["enum"] == list(assessments.KEYS)
    (code,) = operation(document, "get", "/api/v1/occupations/{code}")["parameters"]
    assert code["required"] and admits(code["schema"], "15-1252.00") and not admits(code["schema"], "15-1252")
    (session_id,) = operation(document, "get", "/api/v1/sessions/{session_id}")["parameters"]
    assert session_id["required"] and session_id["schema"] == {"type": "string", "pattern": NO_NUL}


def test_the_linkedin_upload_is_a_zip_or_a_form_with_the_file(document):
    body = operation(document, "put", "/api/v1/profile/sources/linkedin")["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/zip"]["schema"]["format"] == "binary"
    form = body["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["export"] and form["properties"]["export"]["format"] == "binary"


def test_urls_are_uris_of_the_schemes_allowed(document):
    url = resolve(document, body_schema(document, "patch", "/api/v1/profile")["properties"]["links"]["items"])
    url = url["properties"]["url"]
    assert url["format"] == "uri" and admits(url, "https://example.org/me") and not admits(url, "ftp://x.org")
