"""The OpenAPI 3 document, generated from the routes and the owning services' schemas."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
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
        statuses |= {422}
    return sorted(statuses)


def build_spec(service_cls: type, server_url: str) -> dict[str, Any]:
    spec = APISpec(
        title="Njia API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
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
            parameters: list[dict[str, Any]] = [
                {"in": "path", "name": p, "required": True, "schema": {"type": "string"}}
                for p in _PATH_PARAM.findall(endpoint.url)
            ]
            if doc.query:
                parameters.append({"in": "query", "schema": doc.query})
            if parameters:
                operation["parameters"] = parameters
            if doc.body:
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": doc.body}},
                }
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
    return spec.to_dict()
