"""JSON log lines carrying the request id across every service a request touches.

The gateway puts ``request_id`` into nameko's context data; nameko forwards
context data with every RPC call and event, and ``RequestLogging`` (a
dependency every service declares) exposes it to the log formatter.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from typing import Any

from eventlet.corolocal import local
from nameko.extensions import DependencyProvider

REQUEST_ID_KEY = "request_id"
_current = local()


def current_request_id() -> str | None:
    return getattr(_current, "request_id", None)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras."""

    _plain = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

    def __init__(self, service: str = "") -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        service = self.service or getattr(_current, "service", None)
        if service:
            line["service"] = service
        request_id = current_request_id()
        if request_id:
            line["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in self._plain and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(line, default=str)


JsonFormatter.converter = __import__("time").gmtime  # type: ignore[assignment]


def configure_logging(level: str = "INFO", service: str = "") -> None:
    """Send every logger's records to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("kombu", "amqp", "pymongo", "nameko", "apscheduler", "eventlet.wsgi.server"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


class RequestLogging(DependencyProvider):
    """Makes the caller's request id visible to log lines of this worker."""

    def worker_setup(self, worker_ctx: Any) -> None:
        _current.request_id = worker_ctx.data.get(REQUEST_ID_KEY) or worker_ctx.call_id
        _current.service = worker_ctx.service_name

    def worker_teardown(self, worker_ctx: Any) -> None:
        _current.request_id = None

    def get_dependency(self, worker_ctx: Any) -> str:
        return str(worker_ctx.data.get(REQUEST_ID_KEY) or worker_ctx.call_id)
