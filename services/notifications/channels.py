"""The ways a message leaves Njia: SMTP email, an HTTP SMS gateway, signed webhooks.

Each adapter raises ``TransientFailure`` when trying again later may work (server
down, 4xx-temporary SMTP reply, gateway 5xx or timeout) and ``PermanentFailure``
when it will not (refused address, bad credentials). Every message carries the
delivery's deterministic id (email ``Message-ID``, the SMS ``clientRef``, the
webhook ``X-Njia-Delivery``) so a crash between sending and recording is traceable.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
from email.charset import QP, Charset
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formatdate, make_msgid
from typing import Any

import eventlet.queue
import requests
from eventlet.semaphore import Semaphore
from nameko.extensions import DependencyProvider

from shared.config import Settings, load_settings
from shared.fetching import FetchFailed, FetchPolicy, FetchRefused, fetch

TIMEOUT_SECONDS = 15


class TransientFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


def message_id(delivery_id: str) -> str:
    """A Message-ID derived from the delivery: the same delivery always has the same one."""
    digest = hashlib.sha256(delivery_id.encode()).hexdigest()[:32]
    return f"<{digest}@njia>"


UTF8_QP = Charset("utf-8")
UTF8_QP.body_encoding = QP  # readable in a raw mail source, unlike base64
# Headers unfolded up to SMTP's line limit: X-Njia-Delivery must reach the receiver in one piece.
UNFOLDED = compat32.clone(max_line_length=998)


def _text(body: str, subtype: str) -> MIMEText:
    return MIMEText(body, subtype, UTF8_QP)  # type: ignore[arg-type]  # a Charset works; typeshed wants str


def compose(
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    delivery_id: str,
    attachment: tuple[str, bytes, str] | None = None,
) -> MIMEMultipart:
    """Plain text and HTML alternatives, and an attachment when there is one. Built with the classic
    MIME classes: a reminder burst sends thousands, and these are several times faster to build."""
    body = MIMEMultipart("alternative")
    body.attach(_text(text, "plain"))
    body.attach(_text(html, "html"))
    msg = body
    if attachment:
        filename, data, mimetype = attachment
        maintype, subtype = mimetype.split("/", 1)
        part: MIMENonMultipart = (
            _text(data.decode(), subtype) if maintype == "text" else MIMEApplication(data, subtype)
        )
        part.add_header("Content-Disposition", "attachment", filename=filename)
        msg = MIMEMultipart("mixed")
        msg.attach(body)
        msg.attach(part)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject if subject.isascii() else Header(subject, "utf-8").encode()
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id
    msg["X-Njia-Delivery"] = delivery_id
    msg.policy = UNFOLDED
    return msg


class Mailer:
    """Email over SMTP, keeping a few connections open: a reminder burst is thousands of messages."""

    def __init__(self, settings: Settings, connections: int = 8) -> None:
        self.settings = settings
        self._idle: eventlet.queue.LightQueue = eventlet.queue.LightQueue()
        self._slots = Semaphore(connections)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=TIMEOUT_SECONDS)
        if s.smtp_security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if s.smtp_user:
            client.login(s.smtp_user, s.smtp_password)
        return client

    def _borrow(self) -> smtplib.SMTP:
        try:
            return self._idle.get_nowait()
        except eventlet.queue.Empty:
            return self._connect()

    @staticmethod
    def _discard(client: smtplib.SMTP) -> None:
        try:
            client.close()
        except OSError:
            pass

    def send(
        self,
        to: str,
        subject: str,
        text: str,
        html: str,
        delivery_id: str,
        attachment: tuple[str, bytes, str] | None = None,
    ) -> str:
        msg = compose(
            self.settings.email_from,
            to,
            subject,
            text,
            html,
            message_id(delivery_id) if delivery_id else make_msgid(),
            delivery_id,
            attachment,
        )
        with self._slots:
            client = None
            try:
                client = self._borrow()
                try:
                    client.send_message(msg)
                except smtplib.SMTPServerDisconnected:
                    # A kept connection the server closed meanwhile: one fresh try.
                    self._discard(client)
                    client = self._connect()
                    client.send_message(msg)
            except smtplib.SMTPResponseException as exc:
                if client is not None:
                    self._discard(client)
                if 400 <= exc.smtp_code < 500:
                    raise TransientFailure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
                raise PermanentFailure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            except smtplib.SMTPRecipientsRefused as exc:
                if client is not None:
                    self._discard(client)
                raise PermanentFailure(f"recipient refused: {exc.recipients}") from exc
            except (OSError, smtplib.SMTPException) as exc:
                if client is not None:
                    self._discard(client)
                raise TransientFailure(f"SMTP unreachable: {exc}") from exc
            self._idle.put(client)
        return str(msg["Message-ID"])


class SmsGateway:
    """An HTTP SMS gateway with the request shape of Africa's Talking."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def enabled(self) -> bool:
        return bool(self.settings.sms_api_key)

    def send(self, to: str, text: str, delivery_id: str) -> str:
        s = self.settings
        form = {"username": s.sms_username, "to": to, "message": text, "clientRef": delivery_id}
        if s.sms_sender_id:
            form["from"] = s.sms_sender_id
        try:
            response = requests.post(
                s.sms_api_url,
                data=form,
                timeout=TIMEOUT_SECONDS,
                headers={"apiKey": s.sms_api_key, "Accept": "application/json"},
            )
        except requests.RequestException as exc:
            raise TransientFailure(f"SMS gateway unreachable: {exc}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientFailure(f"SMS gateway answered {response.status_code}")
        if response.status_code >= 400:
            raise PermanentFailure(
                f"SMS gateway refused the message: {response.status_code} {response.text[:200]}"
            )
        try:
            recipients = response.json()["SMSMessageData"]["Recipients"]
            first = recipients[0]
        except (ValueError, KeyError, IndexError):
            raise TransientFailure(f"SMS gateway answer not understood: {response.text[:200]}") from None
        if first.get("status") != "Success" and int(first.get("statusCode", 0)) not in (100, 101, 102):
            raise PermanentFailure(f"SMS not accepted for {to}: {first.get('status')}")
        return str(first.get("messageId", ""))


class Webhooks:
    """Signed POSTs through shared.fetching: every delivery resolves the host again, refuses private
    addresses (unless allowed) and connects to the address it checked."""

    def __init__(self, allow_private: bool = False) -> None:
        self.policy = FetchPolicy(timeout=TIMEOUT_SECONDS, allow_private=allow_private)

    def post(self, url: str, secret: str, body: dict[str, Any], delivery_id: str) -> int:
        raw = json.dumps(body, separators=(",", ":"), sort_keys=True, default=str).encode()
        signature = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Njia-webhooks/1",
            "X-Njia-Signature": f"sha256={signature}",
            "X-Njia-Delivery": delivery_id,
            "X-Njia-Event": str(body.get("event_type", "")),
        }
        try:
            answer = fetch(url, self.policy, headers, method="POST", body=raw)
        except FetchRefused as exc:
            # Its host now points somewhere Njia must not send: this delivery fails, nothing is sent.
            raise PermanentFailure(f"webhook refused: {exc}") from exc
        except FetchFailed as exc:
            raise TransientFailure(f"webhook unreachable: {exc}") from exc
        if answer.status >= 300:
            raise TransientFailure(f"webhook answered {answer.status}")
        return answer.status


class Channels(DependencyProvider):
    """``channels`` in the service: the mailer, the SMS gateway and webhooks, from settings."""

    def setup(self) -> None:
        settings = load_settings(self.container.config)
        self.mailer = Mailer(settings)
        self.sms = SmsGateway(settings)
        self.webhooks = Webhooks(settings.webhook_allow_private)

    def get_dependency(self, worker_ctx: Any) -> Channels:
        return self
