"""The development mail catcher `make up` starts: an SMTP server where Njia's email goes, and a web
page to read it (http://127.0.0.1:8025 by default). Nothing is relayed anywhere.

    .venv/bin/python deploy/local/mailbox.py   (NJIA_SMTP_HOST, NJIA_SMTP_PORT, NJIA_MAILBOX_PORT,
                                                NJIA_MAILBOX_DIR; the services' own SMTP settings)

Each message is kept as an .eml file, so what was sent survives a restart; the page lists the
newest first. It logs no address: what people are sent stays in the files, not in a log.
"""

from __future__ import annotations

import email
import email.policy
import html
import json
import os
import signal
import threading
import time
import uuid
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
SHOWN = 200  # messages listed on the page; older ones stay on disk
PAGE_STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}"
    "table{border-collapse:collapse;width:100%}"
    "td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}"
    "pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}"
    "iframe{width:100%;height:32rem;border:1px solid #ddd}"
)
PAGE_POLICY = "default-src 'self'; style-src 'unsafe-inline'"
MESSAGE_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'"  # a message's own HTML


class Keeper:
    """aiosmtpd handler: every message accepted is written to the folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        part = self.folder / f".{name}.part"
        part.write_bytes(envelope.original_content or envelope.content)
        part.rename(self.folder / name)  # whole files only: the page never reads half a message
        return "250 Message kept"


def read(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def summary(path: Path) -> dict[str, str]:
    message = read(path)
    return {
        "id": path.stem,
        "from": str(message.get("From", "")),
        "to": str(message.get("To", "")),
        "subject": str(message.get("Subject", "")),
        "date": str(message.get("Date", "")),
    }


def body_of(message: EmailMessage, kind: str) -> str | None:
    part = message.get_body((kind,))
    return part.get_content() if part is not None else None  # type: ignore[attr-defined]


class Page(BaseHTTPRequestHandler):
    folder: Path

    def log_message(self, format: str, *args: Any) -> None:
        pass  # paths hold message ids only, but keep the log free of what people were sent

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        messages = sorted(self.folder.glob("*.eml"), reverse=True)[:SHOWN]
        if path in ("", "/"):
            self.answer(200, "text/html", self.listing(messages))
        elif path == "/api/messages":
            self.answer(200, "application/json", json.dumps([summary(m) for m in messages]))
        elif path.startswith("/messages/"):
            self.message(path.removeprefix("/messages/"))
        else:
            self.answer(404, "text/plain", "Nothing here.")

    def message(self, rest: str) -> None:
        name, _, view = rest.partition("/")
        found = self.folder / f"{name}.eml"
        if "/" in name or name.startswith(".") or not found.is_file():
            self.answer(404, "text/plain", "No such message.")
        elif view == "raw":
            self.answer(200, "message/rfc822", found.read_text(errors="replace"))
        elif view == "html":
            # The message's own HTML, sandboxed: no script, no form, nothing fetched from elsewhere.
            self.answer(200, "text/html", body_of(read(found), "html") or "", sandbox=True)
        else:
            self.answer(200, "text/html", self.one(found))

    def listing(self, messages: list[Path]) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(s['date'])}</td><td>{html.escape(s['to'])}</td>"
            f"<td><a href='/messages/{s['id']}'>{html.escape(s['subject'] or '(no subject)')}</a></td></tr>"
            for s in map(summary, messages)
        )
        empty = "<p>No email yet. Book a session and the confirmation appears here.</p>"
        table = f"<table><tr><th>Sent</th><th>To</th><th>Subject</th></tr>{rows}</table>" if rows else empty
        return self.document(
            "Njia mailbox", f"<h1>Njia mailbox</h1><p>Email Njia sent, newest first.</p>{table}"
        )

    def one(self, path: Path) -> str:
        message, about = read(path), summary(path)
        heads = "".join(
            f"<tr><th>{key}</th><td>{html.escape(about[key])}</td></tr>"
            for key in ("from", "to", "subject", "date")
        )
        text = body_of(message, "plain")
        attachments = [part.get_filename() or "" for part in message.iter_attachments()]
        parts = f"<h2>Text</h2><pre>{html.escape(text)}</pre>" if text is not None else ""
        if body_of(message, "html") is not None:
            parts += f"<h2>HTML</h2><iframe sandbox src='/messages/{path.stem}/html'></iframe>"
        if attachments:
            parts += "<p>Attached: " + ", ".join(html.escape(a) for a in attachments) + "</p>"
        links = f"<p><a href='/'>All email</a> · <a href='/messages/{path.stem}/raw'>Raw message</a></p>"
        return self.document(about["subject"], f"{links}<table>{heads}</table>{parts}")

    @staticmethod
    def document(title: str, body: str) -> str:
        return (
            f"<!doctype html><html lang='en'><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<meta name='viewport' content='width=device-width'>"
            f"<style>{PAGE_STYLE}</style><body>{body}</body></html>"
        )

    def answer(self, status: int, content_type: str, text: str, sandbox: bool = False) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        policy = (
            "sandbox; default-src 'none'; style-src 'unsafe-inline'"
            if sandbox
            else "default-src 'self'; style-src 'unsafe-inline'"
        )
        self.send_header("Content-Security-Policy", policy)
        self.end_headers()
        self.wfile.write(data)


def main() -> None:
    host = os.environ.get("NJIA_SMTP_HOST", "127.0.0.1")
    folder = Path(os.environ.get("NJIA_MAILBOX_DIR", ROOT / ".njia" / "mail"))
    folder.mkdir(parents=True, exist_ok=True)
    smtp = Controller(Keeper(folder), hostname=host, port=int(os.environ.get("NJIA_SMTP_PORT", "1025")))
    Page.folder = folder
    web = ThreadingHTTPServer((host, int(os.environ.get("NJIA_MAILBOX_PORT", "8025"))), Page)
    smtp.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    threading.Thread(target=web.serve_forever, daemon=True).start()
    print(f"mailbox: SMTP on {host}:{smtp.port}, page on http://{host}:{web.server_port}", flush=True)
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    web.shutdown()
    smtp.stop()


if __name__ == "__main__":
    main()
