"""JSON Resume 1.0.0: validating a document against the schema, with an error per field.

The schema ships inside the package (``jsonresume_schema_v1.0.0.json``, from
jsonresume/resume-schema at tag v1.0.0, MIT licence), so nothing outside the
installed product is read at run time.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any

from jsonschema import Draft4Validator, FormatChecker

SCHEMA_FILE = "jsonresume_schema_v1.0.0.json"
MAX_ERRORS = 50
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")


def schema() -> dict[str, Any]:
    text = resources.files("services.profiles").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@functools.cache
def _validator() -> Draft4Validator:
    formats = FormatChecker(["email", "date"])

    @formats.checks("uri")
    def is_uri(value: object) -> bool:
        return not isinstance(value, str) or bool(_URI.match(value))

    return Draft4Validator(schema(), format_checker=formats)


def _message(error: Any) -> str:
    if error.validator == "pattern" and "[1-2][0-9]{3}" in str(error.validator_value):
        return "Use a date like 2020-03-09, 2020-03 or 2020."
    if error.validator == "format" and error.validator_value == "date":
        return "Use a full date like 2020-03-09."
    if error.validator == "format":
        return f"Not a valid {error.validator_value}."
    if error.validator == "type":
        return f"Must be {'an' if str(error.validator_value)[0] in 'aeiou' else 'a'} {error.validator_value}."
    return str(error.message)[:200]


def problems(document: Any) -> dict[str, list[str]]:
    """Each invalid field (dotted path, e.g. ``basics.email`` or ``work.0.startDate``) and why."""
    found: dict[str, list[str]] = {}
    for count, error in enumerate(_validator().iter_errors(document)):
        if count >= MAX_ERRORS:
            break
        path = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties", {})
            for extra in sorted(k for k in error.instance if k not in known):
                name = f"{path}.{extra}" if path else str(extra)
                found.setdefault(name, []).append("Not a JSON Resume 1.0.0 field.")
            continue
        found.setdefault(path or "body", []).append(_message(error))
    return found
