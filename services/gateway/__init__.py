"""gateway: the public HTTP API of API.md, the OpenAPI document, health and readiness."""
