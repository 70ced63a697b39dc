"""A real HTTP server for tests, on 127.0.0.1 and a free port: an SMS gateway and a webhook receiver.

    with HttpProvider() as provider:
        configure the service with sms endpoint provider.sms_url, username provider.sms_username,
        api key provider.sms_api_key, and webhook URLs under provider.url
        ...
        [sms] = provider.wait_for(SMS_PATH, 1)
        sms.form["to"], sms.form["message"], sms.client_ref

(a) ``POST /version1/messaging`` plays Africa's Talking's SMS API: form fields
``username``, ``to`` (comma-separated E.164 numbers), ``message``, optional ``from``,
and our own optional ``clientRef`` (the delivery's id, so a send is traceable);
header ``apiKey``. A wrong or missing key or username gets 401, a missing field 400;
otherwise 201 with ``{"SMSMessageData": {"Message": "Sent to 1/1 Total Cost: KES
0.8000", "Recipients": [{"statusCode": 101, "number": "+2547...", "status":
"Success", "cost": "KES 0.8000", "messageId": "ATXid_<uuid>"}]}}``; a number that is
not E.164 gets its own recipient entry with ``statusCode`` 403, ``InvalidPhoneNumber``.

(b) Any other path is a webhook receiver: every method is answered 200.

Every request is recorded (method, path, query, headers, raw body, form, clientRef,
the status answered), failed ones too. Failure modes, checked in this order:
``delay_next(n, seconds)`` holds the next ``n`` requests before answering (for client
timeouts); ``set_status(prefix, status)`` answers every request under ``prefix`` with
``status`` until ``set_status(prefix, None)`` ("down for good"); ``fail_next(n,
status=503)`` answers the next ``n`` with ``status``. Each takes an optional path
prefix; the empty prefix matches every path.

Thread-safe; under eventlet's monkey-patching the server's threads are green threads.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from requests.structures import CaseInsensitiveDict

HOST = "127.0.0.1"
SMS_PATH = "/version1/messaging"
SMS_USERNAME = "sandbox"
SMS_API_KEY = "atsk_test_0123456789abcdef"
SMS_COST = "0.8000"
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it, and the status it answered."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: CaseInsensitiveDict[str]
    body: bytes
    form: dict[str, str]
    client_ref: str | None
    status: int
    response_body: bytes
    received_at: float = field(default_factory=time.time)

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class _Rule:
    prefix: str
    remaining: int
    value: float


class HttpProvider:
    """The local SMS gateway and webhook receiver; see the module docstring."""

    def __init__(
        self,
        host: str = HOST,
        port: int = 0,
        *,
        sms_username: str = SMS_USERNAME,
        sms_api_key: str = SMS_API_KEY,
    ) -> None:
        self.host = host
        self.port = port
        self.sms_username = sms_username
        self.sms_api_key = sms_api_key
        self._condition = threading.Condition()
        self._records: list[RecordedRequest] = []
        self._delays: list[_Rule] = []
        self._failures: list[_Rule] = []
        self._statuses: dict[str, int] = {}
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life ---------------------------------------------------------------------------------

    def start(self) -> HttpProvider:
        if self._server is not None:
            raise RuntimeError("HttpProvider already started")
        self._stopping.clear()
        server = _Server((self.host, self.port), _make_handler(self))
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="http-provider", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        self._stopping.set()  # delayed requests answer now
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> HttpProvider:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash: ``http://127.0.0.1:<port>``."""
        return f"http://{self.host}:{self.port}"

    @property
    def sms_url(self) -> str:
        return self.url + SMS_PATH

    # -- what arrived -------------------------------------------------------------------------

    def sms_settings(self) -> dict[str, str]:
        """The settings that send a platform's SMS here."""
        return {
            "NJIA_SMS_API_URL": self.sms_url,
            "NJIA_SMS_USERNAME": self.sms_username,
            "NJIA_SMS_API_KEY": self.sms_api_key,
        }

    def requests(self, path_prefix: str = "") -> list[RecordedRequest]:
        """Recorded requests whose path starts with ``path_prefix``, oldest first (failed ones too)."""
        with self._condition:
            return [r for r in self._records if r.path.startswith(path_prefix)]

    def delivered(self, path_prefix: str = "") -> list[RecordedRequest]:
        """Recorded requests under ``path_prefix`` that were answered 2xx."""
        return [r for r in self.requests(path_prefix) if r.ok]

    def wait_for(self, path_prefix: str, count: int, timeout: float = 10.0) -> list[RecordedRequest]:
        """Block until ``count`` requests under ``path_prefix`` were recorded; return them, or fail."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                matching = [r for r in self._records if r.path.startswith(path_prefix)]
                if len(matching) >= count:
                    return matching
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(r.method, r.path, r.status) for r in self._records]
                    raise AssertionError(
                        f"HttpProvider: {len(matching)} request(s) under {path_prefix!r} within {timeout} s,"
                        f" expected {count}; all requests: {seen}"
                    )
                self._condition.wait(min(remaining, 0.1))

    def clear(self) -> None:
        """Forget recorded requests and every failure setting."""
        with self._condition:
            self._records.clear()
            self._delays.clear()
            self._failures.clear()
            self._statuses.clear()

    # -- failures -----------------------------------------------------------------------------

    def fail_next(self, n: int = 1, status: int = 503, path_prefix: str = "") -> None:
        """Answer the next ``n`` requests under ``path_prefix`` with ``status`` (recorded, not processed)."""
        with self._condition:
            self._failures.append(_Rule(path_prefix, n, status))

    def delay_next(self, n: int, seconds: float, path_prefix: str = "") -> None:
        """Hold the next ``n`` requests under ``path_prefix`` for ``seconds`` before answering them."""
        with self._condition:
            self._delays.append(_Rule(path_prefix, n, seconds))

    def set_status(self, path_prefix: str, status: int | None) -> None:
        """Answer every request under ``path_prefix`` with ``status`` from now on; None restores it."""
        with self._condition:
            if status is None:
                self._statuses.pop(path_prefix, None)
            else:
                self._statuses[path_prefix] = status

    # -- the server's side --------------------------------------------------------------------

    def _decide(self, path: str) -> tuple[float, int | None]:
        """Delay and forced status for one request, consuming the matching one-off rules."""
        with self._condition:
            delay = _take(self._delays, path) or 0.0
            prefixes = [p for p in self._statuses if path.startswith(p)]
            if prefixes:
                return delay, self._statuses[max(prefixes, key=len)]
            forced = _take(self._failures, path)
            return delay, None if forced is None else int(forced)

    def _record(self, request: RecordedRequest) -> None:
        with self._condition:
            self._records.append(request)
            self._condition.notify_all()

    def _sms(self, headers: CaseInsensitiveDict[str], form: dict[str, str]) -> tuple[int, str, bytes]:
        """Africa's Talking's answer to a send: (status, content type, body)."""
        if headers.get("apiKey") != self.sms_api_key or form.get("username") != self.sms_username:
            return 401, "text/plain", b"The supplied authentication is invalid"
        for name in ("username", "to", "message"):
            if not form.get(name):
                return 400, "text/plain", f"Request is missing required form field '{name}'".encode()
        recipients = []
        for number in (n.strip() for n in form["to"].split(",") if n.strip()):
            if E164.match(number):
                recipients.append(
                    {
                        "statusCode": 101,
                        "number": number,
                        "status": "Success",
                        "cost": f"KES {SMS_COST}",
                        "messageId": f"ATXid_{uuid.uuid4()}",
                    }
                )
            else:
                recipients.append(
                    {
                        "statusCode": 403,
                        "number": number,
                        "status": "InvalidPhoneNumber",
                        "cost": "0",
                        "messageId": "None",
                    }
                )
        sent = sum(1 for r in recipients if r["statusCode"] == 101)
        total_cost = f"KES {float(SMS_COST) * sent:.4f}" if sent else "0"
        answer = {
            "SMSMessageData": {
                "Message": f"Sent to {sent}/{len(recipients)} Total Cost: {total_cost}",
                "Recipients": recipients,
            }
        }
        return 201, "application/json", json.dumps(answer).encode()


def _take(rules: list[_Rule], path: str) -> float | None:
    """The value of the first rule matching ``path``, counting it down (and dropping it when spent)."""
    for rule in rules:
        if path.startswith(rule.prefix):
            rule.remaining -= 1
            if rule.remaining <= 0:
                rules.remove(rule)
            return rule.value
    return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (its timeout) while a delayed request was held is expected.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _make_handler(provider: HttpProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "NjiaHttpProvider/1.0"

        def do_GET(self) -> None:
            self._handle()

        do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the record is the log

        def _handle(self) -> None:
            split = urlsplit(self.path)
            path = split.path
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(dict(self.headers.items()))
            form = _form(headers.get("Content-Type", ""), body)
            delay, forced = provider._decide(path)
            if forced is not None:
                status, content_type = forced, "text/plain"
                answer = f"{forced} {_phrase(forced)} (HttpProvider)".encode()
            elif path.rstrip("/") == SMS_PATH:
                if self.command != "POST":
                    status, content_type, answer = 405, "text/plain", b"Method Not Allowed"
                else:
                    status, content_type, answer = provider._sms(headers, form)
            else:
                status, content_type, answer = 200, "application/json", b'{"received": true}'
            provider._record(
                RecordedRequest(
                    method=self.command,
                    path=path,
                    query=parse_qs(split.query),
                    headers=headers,
                    body=body,
                    form=form,
                    client_ref=form.get("clientRef"),
                    status=status,
                    response_body=answer,
                )
            )
            if delay:
                provider._stopping.wait(delay)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(answer)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer)
            self.close_connection = True

    return Handler


def _form(content_type: str, body: bytes) -> dict[str, str]:
    """Form fields (last value wins) of a urlencoded or JSON-object body; empty for anything else."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return {name: values[-1] for name, values in fields.items()}
    if media_type == "application/json":
        try:
            document = json.loads(body or b"null")
        except ValueError:
            return {}
        if isinstance(document, dict):
            return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in document.items()}
    return {}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
