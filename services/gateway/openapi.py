"""The OpenAPI 3 document, generated from the routes and the owning services' schemas.

The document states the checks a request meets, so that client generators and schema-driven
fuzzers build requests Njia accepts: the schemas' validators become lengths, ranges, enums and
patterns (apispec's marshmallow plugin, with the additions of ``NjiaConverter``), and the rule
the gateway itself applies to every request, that no text holds U+0000, is written into every
string of every request (``refuse_nul_in_requests``).
"""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter
from apispec.ext.marshmallow.common import resolve_schema_instance
from apispec.ext.marshmallow.field_converter import DEFAULT_FIELD_MAPPING
from marshmallow import EXCLUDE, INCLUDE, Schema, fields, validate
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from services.gateway.http import ApiEndpoint, RouteDoc
from shared.schemas import ErrorBody

_PATH_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    422: "Validation error",
    425: "Too early",
    429: "Rate limited",
    503: "Unavailable",
}


# The gateway refuses text holding U+0000 anywhere in a request (http.read_json, http.refuse_nul).
NO_NUL = "^[^\\u0000]*$"
# Python's end of text; the document's readers (ECMA-262 regular expressions) spell it $.
_PYTHON_END = re.compile(r"(?<!\\)\\Z")


class NjiaConverter(OpenAPIConverter):
    """apispec's converter, saying a little more of what the schemas check.

    - A URL field is ``format: uri`` (apispec's ``url`` is no format JSON Schema knows) and starts
      with one of the schemes it allows.
    - A pattern written for Python (``\\Z``, the very end) reads the same in ECMA-262 (``$``).
    - A dict's length limits are ``minProperties``/``maxProperties``, not string lengths.
    - A field whose ``metadata`` says ``nullable: False`` is not nullable in the document although it
      lets ``null`` through to a check that words its own error (an answer off the scale).
    - A schema keeps ``additionalProperties: false`` when it has a description, and its
      ``Meta.openapi`` adds what a field cannot say (``minProperties: 1`` for "give one of these").
    """

    field_mapping = {**DEFAULT_FIELD_MAPPING, fields.Url: ("string", "uri")}

    def init_attribute_functions(self) -> None:
        super().init_attribute_functions()
        self.attribute_functions.append(self.url2pattern)

    def field2pattern(self, field: fields.Field, **kwargs: Any) -> dict[str, Any]:
        found: dict[str, Any] = super().field2pattern(field, **kwargs)
        if "pattern" in found:
            found["pattern"] = _PYTHON_END.sub("$", found["pattern"])
        return found

    def field2length(self, field: fields.Field, **kwargs: Any) -> dict[str, Any]:
        found: dict[str, Any] = super().field2length(field, **kwargs)
        if isinstance(field, fields.Dict):
            renamed = {"minLength": "minProperties", "maxLength": "maxProperties"}
            return {renamed.get(key, key): value for key, value in found.items()}
        return found

    def field2nullable(self, field: fields.Field, ret: dict[str, Any]) -> dict[str, Any]:
        if field.metadata.get("nullable") is False:
            return {}
        found: dict[str, Any] = super().field2nullable(field, ret)
        return found

    def url2pattern(self, field: fields.Field, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        schemes = {s for v in field.validators if isinstance(v, validate.URL) for s in v.schemes}
        if isinstance(field, fields.Url) and schemes and "pattern" not in ret:
            return {"pattern": f"^(?:{'|'.join(sorted(schemes))})://"}
        return {}

    def schema2jsonschema(self, schema: Any) -> dict[str, Any]:
        jsonschema: dict[str, Any] = super().schema2jsonschema(schema)
        unknown = resolve_schema_instance(schema).unknown
        if unknown != EXCLUDE:
            jsonschema["additionalProperties"] = unknown == INCLUDE
        jsonschema.update(getattr(getattr(schema, "Meta", None), "openapi", {}))
        return jsonschema


class NjiaPlugin(MarshmallowPlugin):
    Converter = NjiaConverter


def refuse_nul_in_requests(document: dict[str, Any]) -> None:
    """Give every free-text string a request carries (parameters, bodies, and the schemas they
    refer to) the pattern that rules out U+0000; strings with a pattern, an enum or a format
    already rule it out."""
    components = document.get("components", {}).get("schemas", {})
    seen: set[str] = set()

    def visit(node: Any) -> None:
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                visit(components.get(name))
            return
        if node.get("type") == "string" and not {"pattern", "enum", "format"} & node.keys():
            node["pattern"] = NO_NUL
        for child in node.get("properties", {}).values():
            visit(child)
        for key in ("items", "additionalProperties"):
            visit(node.get(key))
        for key in ("allOf", "anyOf", "oneOf"):
            for child in node.get(key, []):
                visit(child)

    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                visit(parameter.get("schema"))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                visit(media.get("schema"))


def _path_parameters(url: str, schema: type[Schema] | None) -> list[dict[str, Any]]:
    """The path's parameters: those ``schema`` describes (an enum of keys, a code's pattern) and
    the others as plain strings (ids, opaque)."""
    described = set(schema().fields) if schema else set()
    parameters: list[dict[str, Any]] = [
        {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
        for name in _PATH_PARAM.findall(url)
        if name not in described
    ]
    if schema:
        parameters.append({"in": "path", "schema": schema})
    return parameters


def endpoints(service_cls: type) -> list[tuple[str, ApiEndpoint]]:
    found = []
    for name in dir(service_cls):
        for entrypoint in getattr(getattr(service_cls, name, None), ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(entrypoint, ApiEndpoint):
                found.append((name, entrypoint))
    return sorted(found, key=lambda item: (item[1].url, item[1].method))


def _error_statuses(doc: RouteDoc) -> list[int]:
    statuses = set(doc.errors) | {503}
    if doc.auth:
        statuses |= {401}
    if doc.body:
        statuses |= {400, 413, 422}
    if doc.query:
        # API.md: 400 for a query value Njia cannot read (a cursor it did not give out), 422 for an
        # invalid one.
        statuses |= {400, 422}
    return sorted(statuses)


def build_spec(service_cls: type, server_url: str) -> dict[str, Any]:
    spec = APISpec(
        title="Njia API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[NjiaPlugin()],
        info={"description": "Career counseling practice online: the public HTTP contract of API.md."},
        servers=[{"url": server_url}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Error", schema=ErrorBody)
    paths: dict[str, dict[str, Any]] = {}
    for name, endpoint in endpoints(service_cls):
        doc = endpoint.doc
        path = _PATH_PARAM.sub(r"{\1}", endpoint.url)
        for method in endpoint.method.split(","):
            operation: dict[str, Any] = {
                "operationId": name if "," not in endpoint.method else f"{name}_{method.lower()}",
                "summary": doc.summary,
                "tags": [doc.tag],
                "responses": {},
            }
            parameters = _path_parameters(endpoint.url, doc.path)
            if doc.query:
                parameters.append({"in": "query", "schema": doc.query})
            if parameters:
                operation["parameters"] = parameters
            if doc.body:
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": doc.body}},
                }
            elif doc.extra.get("request_body"):
                operation["requestBody"] = {"required": True, "content": doc.extra["request_body"]}
            success: dict[str, Any] = {"description": _STATUS_TEXT.get(doc.status, "OK")}
            if doc.response:
                success["content"] = {doc.content_type: {"schema": doc.response}}
            elif doc.extra.get("response_schema"):
                success["content"] = {doc.content_type: {"schema": doc.extra["response_schema"]}}
            operation["responses"][str(doc.status)] = success
            for status in _error_statuses(doc):
                operation["responses"][str(status)] = {
                    "description": _STATUS_TEXT.get(status, "Error"),
                    "content": {"application/json": {"schema": "Error"}},
                }
            if doc.auth:
                operation["security"] = [{"bearer": []}]
            paths.setdefault(path, {})[method.lower()] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    document = spec.to_dict()
    refuse_nul_in_requests(document)
    return document
