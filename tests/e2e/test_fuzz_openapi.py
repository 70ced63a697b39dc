"""Schema-driven fuzzing of every endpoint in the served /openapi.json.

Hypothesis generates valid and invalid requests from the document; every
response must be free of 5xx and match what the document promises (status,
content type, body schema), and a request the document calls valid is never
refused for a rule the document states. Then every parameter and body field
of every operation gets the values that have broken servers before (U+0000,
lone surrogates, huge numbers, very long strings): a 4xx naming the field,
never a 5xx. Bounded per operation so it fits in `make test`; operations added
by later issues are fuzzed automatically.
"""

import json
from urllib.parse import quote

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from services.accounts.schemas import PHONE_FORMAT
from shared.schemas import TIME_ZONE_FORMAT, TIME_ZONES
from tests.e2e.conftest import sign_in
from tests.support.builders import make_branch, make_registration, make_user
from tests.support.platform import Api

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 25

# The document's two formats no regular expression can state: a generator that knows them draws
# zones from the tz database and numbers in use (Kenyan mobiles), as a client's would be.
schemathesis.openapi.format(TIME_ZONE_FORMAT, st.sampled_from(sorted(TIME_ZONES)))
schemathesis.openapi.format(PHONE_FORMAT, st.from_regex(r"\A\+2547[0-9]{8}\Z"))

# How the API words the rules the document states (lengths, ranges, enums, patterns, formats,
# required and unknown fields, no U+0000): a request the document calls valid must not get them.
# Rules it cannot state (an id that names nothing, one of two fields, end after start, a cursor
# Njia did not give out) are worded otherwise.
STATED_RULES = (
    "Not a valid",
    "Shorter than minimum length",
    "Longer than maximum length",
    "Length must be",
    "Must be greater than",
    "Must be less than",
    "Must be one of",
    "String does not match expected pattern",
    "Missing data for required field",
    "Field may not be null",
    "Unknown field",
    "Invalid input type",
    "Text may not contain the NUL character",
    "Not a known IANA time zone",
    "Use a time between 1970 and 2100",
    "Must be a whole number from",
    "Give at least one of",
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_schema(platform):
    return schemathesis.openapi.from_url(platform.url("/openapi.json"))


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_the_served_document_is_valid_openapi_3(api_schema):
    assert api_schema.raw_schema["openapi"].startswith("3.0")
    assert len(operations(api_schema)) >= 12


def refused_for_a_stated_rule(response):
    """The messages of a 400/422 that word a rule the document states."""
    if response.status_code not in (400, 422):
        return []
    try:
        details = response.json()["error"]["details"]
    except (ValueError, KeyError, TypeError):
        return [response.text[:200]]
    said = [(field, text) for field, texts in details.items() if isinstance(texts, list) for text in texts]
    return [f"{field}: {text}" for field, text in said if str(text).startswith(STATED_RULES)]


def fuzz_operation(operation, mode, platform, headers, calls, failures):
    """A bounded Hypothesis run over one operation; failures are collected, not raised."""
    label = operation.label

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), signed_in=st.booleans())
    def fuzz(case, signed_in):
        response = case.call(base_url=platform.base_url, headers=headers if signed_in else None)
        calls.append((label, response.status_code))
        case.validate_response(response, checks=CHECKS)
        if mode == GenerationMode.POSITIVE:
            refused = refused_for_a_stated_rule(response)
            assert not refused, f"the document admits what the API refuses: {refused}"

    try:
        fuzz()
    except Unsatisfiable:
        if mode != GenerationMode.NEGATIVE:  # an operation without inputs has no invalid requests
            failures.append(f"{label}: no valid request could be generated")
    except Exception as exc:  # collect, so one run reports every broken operation
        failures.append(f"{label}: {type(exc).__name__}: {str(exc)[:600]}")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_endpoint_answers_5xx_or_breaks_its_documented_schema(api_schema, platform, org_admin, mode):
    failures, calls = [], []
    headers = {"Authorization": f"Bearer {org_admin.token}"}
    for operation in operations(api_schema):
        fuzz_operation(operation, mode, platform, headers, calls, failures)
    assert not failures, "\n".join(failures)
    if mode == GenerationMode.POSITIVE:  # operations without inputs have no negative cases
        ran = {label for label, _ in calls}
        assert ran == {op.label for op in operations(api_schema)}, "an operation never ran"


# Values that have broken servers, into every parameter and body field ----------------------------------

LONG = "x" * 100_000  # 100 KB of text in a body, under its 1 MiB limit
# A URL has room for less: the HTTP server refuses request lines over 8 KiB itself (414).
LONG_IN_URL = "x" * 6_000
LONE_SURROGATE = "lone surrogate"
# As JSON text: a NUL, a lone surrogate (a valid JSON escape, no valid Unicode), numbers no int64
# or double holds, and a long string.
HOSTILE_JSON = {
    "nul": json.dumps("a\u0000b"),
    LONE_SURROGATE: '"\\ud800"',
    "1e308": "1e308",
    "-1e308": "-1e308",
    "1e309": "1e309",  # Python's json reads it as infinity
    "10**30": str(10**30),
    "100 KB": json.dumps(LONG),
}
# As they go into a query string or a path (percent-encoded): a lone surrogate is the bytes of its
# UTF-8-like spelling, which no UTF-8 decoder takes.
HOSTILE_IN_URL = {
    "nul": "a%00b",
    LONE_SURROGATE: "%ED%A0%80",
    "1e308": "1e308",
    "10**30": str(10**30),
    "6 KB": LONG_IN_URL,
}
# Statuses that refuse a request before its fields are read (no token, wrong role, nothing there,
# a state clash): they name no field, and that is right.
REFUSED_WHOLE = {401, 403, 404, 405, 409, 413, 425, 429}


def json_body_fields(spec, operation):
    """The top-level fields of an operation's JSON body, or None when it takes none."""
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if schema is None:
        return None
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return sorted(schema.get("properties", {}))


def check_refusal(response, names, where, problems):
    """No 5xx; a 400/422 names one of ``names`` (or a field inside it) among its details, or names
    only fields the request left out (``from`` and ``to`` of a report, one of ``counselor_id`` and
    ``branch_id``): those rules come first, and the value sent is not read."""
    status = response.status_code
    if status >= 500:
        problems.append(f"{where}: {status} {response.text[:300]}")
        return
    if status < 400 or status in REFUSED_WHOLE or not names:
        return
    try:
        named = list(response.json()["error"]["details"])
    except (ValueError, KeyError, TypeError):
        problems.append(f"{where}: {status} without API.md's error body: {response.text[:200]}")
        return
    if not any(name == field or name.startswith(f"{field}.") for name in named for field in names):
        if named and not {name.split(".")[0] for name in named} & {*names, "body"}:
            return
        problems.append(f"{where}: {status} names {named}, not {names}")


@pytest.fixture
def callers(platform, org_admin):
    """Tokens of an org admin, a client and a counselor of its organization: an operation one role
    may not call (403 before its fields are read) is asked again as the next."""
    branch = org_admin.post("/api/v1/branches", make_branch()).json()
    counselor = make_user("counselor", branch["id"])
    assert org_admin.post("/api/v1/users", counselor).status_code == 201
    client = make_registration(org_admin.org["slug"], branch_id=branch["id"])
    assert Api(platform).post("/api/v1/auth/register", client).status_code == 201
    return [
        org_admin.token,
        *(sign_in(platform, who["email"], who["password"]).token for who in (client, counselor)),
    ]


def test_every_field_refuses_nul_surrogates_huge_numbers_and_long_text_naming_it(platform, callers):
    """A path id holding them names nothing (404); a query value or body field is refused naming it
    (422, or 400 naming the body for a lone surrogate, which is no text at all); never a 5xx."""
    spec = Api(platform).get("/openapi.json").json()
    problems, sent = [], 0

    def attempt(method, path, query, body, names, where):
        nonlocal sent
        for token in callers:
            headers = {"Authorization": f"Bearer {token}"}
            if body is not None:
                headers["Content-Type"] = "application/json"
            url = platform.url(path) + (f"?{query}" if query else "")
            response = requests.request(method, url, data=body, headers=headers, timeout=30)
            sent += 1
            if response.status_code != 403:
                break
        check_refusal(response, names, where, problems)
        return response

    for template, operations_of_path in spec["paths"].items():
        for method, operation in operations_of_path.items():
            label = f"{method.upper()} {template}"
            path_names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            query_names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            fields = json_body_fields(spec, operation)
            empty = "{}" if fields is not None else None

            def path_with(name=None, value=None, template=template, path_names=path_names):
                for each in path_names:
                    template = template.replace(f"{{{each}}}", value if each == name else "njia-fuzz")
                return template

            for name in path_names:  # nothing is there: a 4xx, no field to name
                for kind, value in HOSTILE_IN_URL.items():
                    where = f"{label} {name}={kind}"
                    response = attempt(method, path_with(name, value), "", empty, [], where)
                    expected = {404} if kind == "nul" else range(400, 500)
                    if response.status_code not in expected:
                        problems.append(f"{where}: {response.status_code}, not {expected}")
            for name in query_names:
                for kind, value in HOSTILE_IN_URL.items():
                    query = f"{quote(name)}={value}"
                    attempt(method, path_with(), query, empty, [name], f"{label} ?{name}={kind}")
            for name in fields or []:
                for kind, value in HOSTILE_JSON.items():
                    body = f"{{{json.dumps(name)}: {value}}}"
                    names = [name, "body"] if kind == LONE_SURROGATE else [name]
                    attempt(method, path_with(), "", body, names, f"{label} body.{name}={kind}")
    assert sent > 300, "the document's operations were not all reached"
    assert not problems, f"{len(problems)} of {sent} requests:\n" + "\n".join(problems[:40])
