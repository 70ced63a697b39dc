"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, on a free port of its own.

    with SmtpSink() as sink:                      # or sink = SmtpSink().start() ... sink.stop()
        configure the service with host 127.0.0.1, port sink.port, TLS off, no user
        ...
        [message] = sink.wait_for(1)
        message["Subject"], message.envelope_rcpt, message.get_body(("plain",)).get_content()

Plain mode by default: no STARTTLS and no AUTH are offered, so the client under test
must be configured without TLS and without a user. ``SmtpSink(credentials=("user",
"secret"))`` offers AUTH PLAIN and LOGIN over the plain connection (not required, so
aiosmtpd warns of nothing) and answers 535 to any other user or password; accepted
logins are listed in ``.logins``.

Failure modes, for the retry paths of the service under test:
- ``fail_next(n, code=451)``: the next ``n`` messages are answered at the end of DATA
  with ``code`` (4xx: transient, 5xx: permanent) and are not kept;
- ``down()``: the listener closes and open connections drop, so connecting is refused;
  ``up()`` listens again on the same port;
- ``hold(keep_if_dropped=False)``: from now on each message is held once its DATA is
  complete: fully received, not yet answered, so the client waits for the reply
  (``.held`` lists them) until ``release()`` answers them as usual and stops holding. A
  client that goes away meanwhile (killed, timed out) never learns the outcome: its
  message is then kept, as a server that queued it before answering keeps it (RFC 1047's
  duplicate window), if ``keep_if_dropped`` says so (True, or a predicate on the message),
  else it is lost (listed in ``.dropped``).

Every public method is safe to call from any thread (or green thread: under eventlet's
monkey-patching the server's asyncio loop runs in a green thread and works the same).
Under that patching only one sink runs per process at a time (asyncio keeps one running
loop per OS thread, and green threads share it): a second ``start()`` fails with "Cannot
run the event loop while another loop is running"; share one sink and tell mail apart by
its headers.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"
SERVER_NAME = "smtp-sink.njia.test"
HOLD_POLL_SECONDS = 0.02


class ReceivedEmail(EmailMessage):
    """An ``EmailMessage`` (parsed with ``email.policy.default``) with what the envelope said."""

    envelope_from: str = ""
    envelope_rcpt: tuple[str, ...] = ()
    received_at: float = 0.0  # time.time() when the server accepted it
    raw: bytes = b""


class _Record:
    """One accepted message; parsed on first use so a burst of thousands stays cheap to receive."""

    __slots__ = ("_parsed", "mail_from", "raw", "rcpt_tos", "received_at")

    def __init__(self, raw: bytes, mail_from: str, rcpt_tos: tuple[str, ...], received_at: float) -> None:
        self.raw = raw
        self.mail_from = mail_from
        self.rcpt_tos = rcpt_tos
        self.received_at = received_at
        self._parsed: ReceivedEmail | None = None

    def message(self) -> ReceivedEmail:
        if self._parsed is None:
            parsed = BytesParser(_class=ReceivedEmail, policy=policy.default).parsebytes(self.raw)
            assert isinstance(parsed, ReceivedEmail)
            parsed.envelope_from = self.mail_from
            parsed.envelope_rcpt = self.rcpt_tos
            parsed.received_at = self.received_at
            parsed.raw = self.raw
            self._parsed = parsed
        return self._parsed


class _Handler:
    """aiosmtpd's handler: only DATA is decided here (the sink keeps or refuses the message)."""

    def __init__(self, sink: SmtpSink) -> None:
        self._sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = bytes(envelope.original_content or envelope.content)
        mail_from, rcpt_tos = envelope.mail_from or "", tuple(envelope.rcpt_tos)
        held = self._sink._hold(_Record(raw, mail_from, rcpt_tos, time.time()))
        if held is not None:
            try:
                while self._sink._is_held(held):
                    await asyncio.sleep(HOLD_POLL_SECONDS)
            except asyncio.CancelledError:  # the client went away before its answer
                self._sink._client_gone(held)
                raise
        return self._sink._receive(raw, mail_from, rcpt_tos)


class _Controller(Controller):
    """aiosmtpd's threaded controller serving on a socket we bound (so port 0 and re-binding work)."""

    def __init__(self, handler: Any, listener: socket.socket, **smtp: Any) -> None:
        host, port = listener.getsockname()[:2]
        super().__init__(handler, hostname=host, port=port, **smtp)
        self._listener = listener

    def _create_server(self) -> Any:
        return self.loop.create_server(self._factory_invoker, sock=self._listener)


class _Held:
    """A message waiting for its answer, and what becomes of it if the client goes away first."""

    __slots__ = ("keep", "record")

    def __init__(self, record: _Record, keep: bool) -> None:
        self.record = record
        self.keep = keep


class SmtpSink:
    """A local SMTP server that keeps what it receives; see the module docstring."""

    def __init__(
        self, host: str = HOST, port: int = 0, *, credentials: tuple[str, str] | None = None
    ) -> None:
        self.host = host
        self.port = port
        self.credentials = credentials
        self._condition = threading.Condition()
        self._records: list[_Record] = []
        self._logins: list[str] = []
        self._failures: list[int] = []  # codes for the next messages, first one first
        self._refused = 0
        self._holding: bool | Callable[[ReceivedEmail], bool] | None = None  # None: answer at once
        self._held: list[_Held] = []
        self._dropped: list[_Record] = []
        self._life = threading.RLock()  # serialises start/stop/down/up; never held by the server's loop
        self._controller: _Controller | None = None
        self._started = False

    # -- life ---------------------------------------------------------------------------------

    def start(self) -> SmtpSink:
        """Listen (on a free port the first time); returns the sink, for ``sink = SmtpSink().start()``."""
        with self._life:
            if self._started:
                raise RuntimeError("SmtpSink already started")
            self.up()
            self._started = True
        return self

    def stop(self) -> None:
        """Stop listening for good; what was received stays readable."""
        with self._life:
            self.down()
            self._started = False

    def down(self) -> None:
        """Stop accepting connections (clients get 'connection refused'); open ones are dropped."""
        with self._life:
            controller, self._controller = self._controller, None
            if controller is not None:
                controller.stop()

    def up(self) -> None:
        """Accept connections again, on the same port as before."""
        with self._life:
            if self._controller is not None:
                return
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                listener.bind((self.host, self.port))
            except OSError:
                listener.close()
                raise
            self.port = listener.getsockname()[1]
            controller = _Controller(_Handler(self), listener, **self._smtp_options())
            controller.start()
            self._controller = controller

    @property
    def is_up(self) -> bool:
        with self._life:
            return self._controller is not None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _smtp_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"server_hostname": SERVER_NAME, "ident": "Njia SmtpSink"}
        if self.credentials is not None:
            options.update(auth_require_tls=False, authenticator=self._authenticate)
        return options

    # -- what arrived -------------------------------------------------------------------------

    @property
    def messages(self) -> list[ReceivedEmail]:
        """Every accepted message so far, oldest first (a new list each time)."""
        with self._condition:
            records = list(self._records)
        return [record.message() for record in records]

    @property
    def count(self) -> int:
        """How many messages were accepted, without parsing any."""
        with self._condition:
            return len(self._records)

    @property
    def refused(self) -> int:
        """How many messages were answered with an error by ``fail_next``."""
        with self._condition:
            return self._refused

    @property
    def logins(self) -> list[str]:
        """User names that authenticated (``credentials`` mode)."""
        with self._condition:
            return list(self._logins)

    @property
    def held(self) -> list[ReceivedEmail]:
        """Messages fully received and held without an answer (``hold``), oldest first."""
        with self._condition:
            records = [held.record for held in self._held]
        return [record.message() for record in records]

    @property
    def dropped(self) -> list[ReceivedEmail]:
        """Held messages lost because their client went away before the answer (``hold``)."""
        with self._condition:
            records = list(self._dropped)
        return [record.message() for record in records]

    def received_times(self) -> list[float]:
        """``time.time()`` of each accepted message, oldest first, without parsing (for benchmarks)."""
        with self._condition:
            return [record.received_at for record in self._records]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedEmail]:
        """Block until ``count`` messages were accepted; return them all, or fail after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while len(self._records) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"SmtpSink on port {self.port}: {len(self._records)} message(s) within {timeout} s,"
                        f" expected {count}; subjects: {self._subjects()}"
                    )
                # A short slice, so a waiter also notices a notify it might miss across green/OS threads.
                self._condition.wait(min(remaining, 0.1))
        return self.messages

    def clear(self) -> None:
        """Forget what was received (failure settings stay)."""
        with self._condition:
            self._records.clear()
            self._logins.clear()
            self._dropped.clear()
            self._refused = 0

    def _subjects(self) -> list[str]:
        return [str(record.message()["Subject"]) for record in self._records]

    # -- failures -----------------------------------------------------------------------------

    def fail_next(self, n: int = 1, code: int = 451) -> None:
        """Answer the next ``n`` messages at end of DATA with ``code`` (4xx transient, 5xx permanent)."""
        if not 400 <= code < 600:
            raise ValueError(f"an SMTP error code is 4xx or 5xx, not {code}")
        with self._condition:
            self._failures.extend([code] * n)

    def hold(self, keep_if_dropped: bool | Callable[[ReceivedEmail], bool] = False) -> None:
        """Hold each message at the end of its DATA, unanswered, until ``release()``.

        ``keep_if_dropped`` decides a held message whose client goes away before the answer:
        kept (counted as received) or lost (``.dropped``); a predicate decides message by message.
        """
        with self._condition:
            self._holding = keep_if_dropped

    def release(self) -> None:
        """Answer the held messages as any other (250, or ``fail_next``'s code) and stop holding."""
        with self._condition:
            self._holding = None
            self._held.clear()

    # -- the server's side (called on the server's loop) ----------------------------------------

    def _hold(self, record: _Record) -> _Held | None:
        with self._condition:
            keep_if_dropped = self._holding
        if keep_if_dropped is None:
            return None
        keep = keep_if_dropped(record.message()) if callable(keep_if_dropped) else keep_if_dropped
        held = _Held(record, keep)
        with self._condition:
            self._held.append(held)
            self._condition.notify_all()
        return held

    def _is_held(self, held: _Held) -> bool:
        with self._condition:
            return any(h is held for h in self._held)

    def _client_gone(self, held: _Held) -> None:
        with self._condition:
            self._held = [h for h in self._held if h is not held]
            if held.keep:
                self._records.append(held.record)
            else:
                self._dropped.append(held.record)
            self._condition.notify_all()

    def _receive(self, raw: bytes, mail_from: str, rcpt_tos: tuple[str, ...]) -> str:
        with self._condition:
            if self._failures:
                code = self._failures.pop(0)
                self._refused += 1
                if code < 500:
                    return f"{code} 4.3.0 Temporary failure, try again later (SmtpSink.fail_next)"
                return f"{code} 5.3.0 Message refused (SmtpSink.fail_next)"
            self._records.append(_Record(raw, mail_from, rcpt_tos, time.time()))
            self._condition.notify_all()
        return f"250 2.0.0 OK queued as {uuid.uuid4().hex[:12]}"

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        if not isinstance(data, LoginPassword) or self.credentials is None:
            return AuthResult(success=False, handled=False)
        login = data.login.decode("utf-8", "replace")
        if (login, data.password.decode("utf-8", "replace")) != self.credentials:
            return AuthResult(success=False, handled=False)
        with self._condition:
            self._logins.append(login)
        return AuthResult(success=True)
