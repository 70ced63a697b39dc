"""A real HTTP server on 127.0.0.1 that plays a provider: GitHub's REST API, a JSON Resume host.

Resources answer conditional requests as the real hosts do (``ETag`` /
``If-None-Match``, ``Last-Modified`` / ``If-Modified-Since`` → 304); one-off replies can
be queued in front of a path (a rate-limit answer with its reset, a 5xx, a redirect, a
slow or huge answer). Every request is recorded with its method and headers; a POST is
answered as a GET would be (its body is read and dropped).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (timeouts)


@dataclass
class Resource:
    body: bytes
    etag: str
    last_modified: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    status: int = 0
    method: str = "GET"


def _bytes(body: Any) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()


class ProviderServer:
    def __init__(self, default_headers: dict[str, str] | None = None) -> None:
        self.resources: dict[str, Resource] = {}
        self.queued: dict[str, deque[Reply]] = {}
        self.requests: list[Seen] = []
        self.default_headers = default_headers or {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, method=self.command)
                # A request body (a POST) is read and dropped: the connection stays in step.
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with server._lock:
                    server.requests.append(seen)
                reply = server._answer(seen)
                seen.status = reply.status
                if reply.delay:
                    time.sleep(reply.delay)
                body = _bytes(reply.body)
                try:
                    self.send_response(reply.status)
                    headers = {
                        **server.default_headers,
                        "Content-Type": "application/json",
                        **reply.headers,
                        "Content-Length": str(len(body)),
                    }
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if body and reply.status != 304:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_POST = do_GET

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True

    # Lifecycle ---------------------------------------------------------------------------

    def start(self) -> ProviderServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> ProviderServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def url(self, path: str) -> str:
        return self.base_url + path

    # What it serves ----------------------------------------------------------------------

    def serve(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Resource:
        """A resource that answers 200 with validators, or 304 to a request that presents them."""
        data = _bytes(body)
        resource = Resource(
            data,
            '"' + hashlib.sha256(data).hexdigest()[:16] + '"',
            format_datetime(datetime.now(UTC).replace(microsecond=0), usegmt=True),
            headers or {},
        )
        with self._lock:
            self.resources[path] = resource
        return resource

    def queue(self, path: str, *replies: Reply) -> None:
        """One-off answers, used up in order before the resource answers again."""
        with self._lock:
            self.queued.setdefault(path, deque()).extend(replies)

    def _answer(self, seen: Seen) -> Reply:
        bare = seen.path.split("?", 1)[0]
        with self._lock:
            for key in (seen.path, bare):
                if self.queued.get(key):
                    return self.queued[key].popleft()
            resource = self.resources.get(seen.path) or self.resources.get(bare)
        if resource is None:
            return Reply(404, {"message": "Not Found"})
        validators = {"ETag": resource.etag, "Last-Modified": resource.last_modified, **resource.headers}
        if seen.headers.get("if-none-match") == resource.etag or (
            "if-none-match" not in seen.headers
            and seen.headers.get("if-modified-since") == resource.last_modified
        ):
            return Reply(304, b"", validators)
        return Reply(200, resource.body, validators)

    # What it was asked -------------------------------------------------------------------

    def requests_to(self, path: str) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.path.split("?", 1)[0] == path.split("?", 1)[0]]


# GitHub ------------------------------------------------------------------------------------


def github_server() -> ProviderServer:
    """A GitHub-like API: every answer carries rate-limit headers with plenty left."""
    reset = str(int(time.time()) + 3600)
    return ProviderServer(
        {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "59", "X-RateLimit-Reset": reset}
    )


def github_user(login: str = "wanjiru-codes", **overrides: Any) -> dict[str, Any]:
    return {
        "login": login,
        "id": 583231,
        "name": "Wanjiru Kamau",
        "bio": "I build tools for county health data.",
        "blog": "wanjiru.example.org",
        "location": "Nakuru",
        "html_url": f"https://github.com/{login}",
        "public_repos": 3,
        **overrides,
    }


def github_repos() -> list[dict[str, Any]]:
    return [
        {"name": "clinic-dashboard", "fork": False, "language": "Python", "topics": ["health", "dashboards"]},
        {"name": "water-points", "fork": False, "language": "Python", "topics": ["gis"]},
        {"name": "sms-survey", "fork": False, "language": "Go", "topics": []},
        {"name": "someone-elses-lib", "fork": True, "language": "Rust", "topics": ["forked"]},
    ]


def serve_github_user(server: ProviderServer, login: str = "wanjiru-codes", **overrides: Any) -> None:
    server.serve(f"/users/{login}", github_user(login, **overrides))
    server.serve(f"/users/{login}/repos", github_repos())


def rate_limited(reset_at: datetime) -> Reply:
    """GitHub's answer once the primary rate limit is used up."""
    return Reply(
        403,
        {"message": "API rate limit exceeded", "documentation_url": "https://docs.github.com/rest"},
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(reset_at.timestamp()))},
    )
