"""Every setting Njia reads, with its development default, in one place.

Services get their settings from the nameko config (deploy/nameko.yaml maps each
``NJIA_*`` environment variable onto a key of the same name); scripts and tests
that run outside a container read the environment through the same function.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEV_JWT_SECRET = "njia-development-secret-change-me"

# Every service behind the gateway: each owns a database, publishes events and answers RPC.
BACKENDS = ("accounts", "scheduling", "notifications", "profiles", "assessments", "audit")

# name -> (default, description); docs/configuration.md's table mirrors this.
SETTINGS: dict[str, tuple[str, str]] = {
    "NJIA_ENV": ("development", "`development`, `test` or `production`; production refuses unsafe defaults"),
    "NJIA_AMQP_URI": ("amqp://guest:guest@127.0.0.1:5672/", "RabbitMQ connection URI"),
    "NJIA_MONGO_URI": ("mongodb://127.0.0.1:27017/", "MongoDB (or FerretDB) connection URI"),
    "NJIA_MONGO_DB_PREFIX": ("njia_", "prefix of every service's database name"),
    "NJIA_HTTP_HOST": ("127.0.0.1", "address the gateway listens on"),
    "NJIA_HTTP_PORT": ("8000", "port the gateway listens on"),
    "NJIA_PUBLIC_URL": ("http://127.0.0.1:8000", "URL users reach the gateway at (links in emails, feeds)"),
    "NJIA_JWT_SECRET": (DEV_JWT_SECRET, "secret that signs access tokens (required in production)"),
    "NJIA_TOKEN_TTL_SECONDS": ("3600", "lifetime of an access token"),
    "NJIA_RPC_TIMEOUT_SECONDS": ("10", "how long a service waits for another's answer before 503"),
    "NJIA_AMQP_HEARTBEAT_SECONDS": ("15", "AMQP heartbeat, so dead broker connections are noticed"),
    "NJIA_MAX_WORKERS": ("10", "concurrent workers per service process"),
    "NJIA_OUTBOX_RELAY_SECONDS": ("5", "how often unpublished events are retried"),
    "NJIA_EVENT_MAX_ATTEMPTS": ("5", "handler attempts before an event goes to the dead letters"),
    "NJIA_EVENT_RETRY_SECONDS": ("10", "first retry delay of a failed event handler (doubles each time)"),
    "NJIA_ARGON2_TIME_COST": ("2", "argon2id passes per password hash (OWASP minimum: 2 at 19 MiB)"),
    "NJIA_ARGON2_MEMORY_KIB": ("19456", "argon2id memory per password hash, KiB"),
    "NJIA_PASSWORD_HASH_CONCURRENCY": ("2", "password hashes computed at once per process (bounds memory)"),
    "NJIA_JITSI_BASE_URL": ("https://meet.jit.si", "Jitsi Meet server that hosts the video sessions"),
    "NJIA_JITSI_APP_ID": (
        "",
        "with NJIA_JITSI_APP_SECRET: join links carry a signed token (self-hosted Jitsi)",
    ),
    "NJIA_JITSI_APP_SECRET": ("", "secret shared with a self-hosted Jitsi's token authentication"),
    "NJIA_NO_SHOW_GRACE_MINUTES": (
        "15",
        "a session whose client has not joined this long after start is a no-show",
    ),
    "NJIA_NO_SHOW_SWEEP_SECONDS": ("60", "how often scheduling looks for no-shows"),
    "NJIA_SMTP_HOST": ("127.0.0.1", "SMTP server for email"),
    "NJIA_SMTP_PORT": ("1025", "SMTP port"),
    "NJIA_SMTP_SECURITY": ("none", "`none`, `starttls` or `ssl`"),
    "NJIA_SMTP_USER": ("", "SMTP user name (empty: no login)"),
    "NJIA_SMTP_PASSWORD": ("", "SMTP password"),
    "NJIA_EMAIL_FROM": ("Njia <no-reply@njia.local>", "sender of every email"),
    "NJIA_SMS_API_URL": (
        "https://api.africastalking.com/version1/messaging",
        "SMS gateway endpoint (Africa's Talking request shape)",
    ),
    "NJIA_SMS_USERNAME": ("sandbox", "SMS gateway account user name"),
    "NJIA_SMS_API_KEY": ("", "SMS gateway API key (empty: SMS is not sent)"),
    "NJIA_SMS_SENDER_ID": ("", "SMS sender id or short code (empty: the gateway's default)"),
    "NJIA_SMS_INBOUND_TOKEN": ("", "secret the SMS gateway's reply callback URL carries (?token=)"),
    "NJIA_REMINDER_SWEEP_SECONDS": ("5", "how often each notifications replica looks for due messages"),
    "NJIA_DELIVERY_CONCURRENCY": ("20", "messages one replica sends at once"),
    "NJIA_DELIVERY_LEASE_SECONDS": (
        "120",
        "how long a claimed message is reserved before a successor may take it",
    ),
    "NJIA_DELIVERY_MAX_ATTEMPTS": ("6", "tries of a message on a failing channel before it is failed"),
    "NJIA_DELIVERY_RETRY_SECONDS": ("30", "first wait after a channel failure (doubles each time)"),
    "NJIA_WEBHOOK_MAX_FAILURES": ("10", "consecutive failed deliveries that disable a webhook"),
    "NJIA_WEBHOOK_ALLOW_PRIVATE": (
        "false",
        "`true` lets webhooks reach private and loopback addresses (tests, on-premises); never link-local",
    ),
    "NJIA_AGENDA_HOUR": ("7", "local hour a counselor's daily agenda is sent"),
    "NJIA_PROFILE_SYNC_INTERVAL_SECONDS": (
        "86400",
        "how often each connected profile source is read again (GitHub, a JSON Resume URL)",
    ),
    "NJIA_PROFILE_SYNC_SWEEP_SECONDS": (
        "60",
        "how often profiles looks for sources due a re-sync or a retry",
    ),
    "NJIA_PROFILE_BACKOFF_SECONDS": (
        "300",
        "first retry delay of a failing profile source (doubles each failure, up to the sync interval)",
    ),
    "NJIA_GITHUB_API_URL": (
        "https://api.github.com",
        "GitHub's REST API (GitHub Enterprise: https://HOST/api/v3)",
    ),
    "NJIA_GITHUB_TOKEN": (
        "",
        "token for GitHub's API (optional; raises its rate limit from 60 to 5,000 an hour)",
    ),
    "NJIA_FETCH_TIMEOUT_SECONDS": (
        "10",
        "longest one fetch of a profile source may take, redirects included",
    ),
    "NJIA_FETCH_MAX_BYTES": ("2097152", "largest answer read from a profile source URL or GitHub"),
    "NJIA_FETCH_MAX_REDIRECTS": ("3", "redirects a profile source fetch follows at most"),
    "NJIA_FETCH_ALLOW_PRIVATE": (
        "false",
        "`true` lets profile URLs reach private and loopback addresses (tests); never link-local",
    ),
    "NJIA_OCCUPATIONS_REFRESH_SECONDS": (
        "30",
        "how often each assessments process checks whether an import changed the occupations table",
    ),
    "NJIA_LOG_LEVEL": ("INFO", "log level of every service (JSON lines on stderr)"),
    "NJIA_FORWARDED_HOPS": (
        "0",
        "proxies in front of the gateway (load balancer, ingress) whose X-Forwarded-For names the client",
    ),
    "NJIA_SIGN_UPS_PER_HOUR": ("20", "sign-ups (organizations and clients) one address may make in an hour"),
    "NJIA_SIGN_IN_FAILURES_PER_MINUTE": ("30", "failed sign-ins from one address in a minute, then it waits"),
    "NJIA_INVITATION_DAYS": ("7", "days an invitation link works (a resend starts them again)"),
    "NJIA_ACCESS_CHECK_SECONDS": (
        "5",
        "how long a gateway trusts what it knows of a person's standing when no change was heard",
    ),
}


class ConfigurationError(Exception):
    """A setting is missing or unsafe; the process must not start."""


@dataclass(frozen=True)
class Settings:
    env: str
    amqp_uri: str
    mongo_uri: str
    mongo_db_prefix: str
    http_host: str
    http_port: int
    public_url: str
    jwt_secret: str
    token_ttl_seconds: int
    rpc_timeout_seconds: float
    amqp_heartbeat_seconds: int
    max_workers: int
    outbox_relay_seconds: float
    event_max_attempts: int
    event_retry_seconds: float
    argon2_time_cost: int
    argon2_memory_kib: int
    password_hash_concurrency: int
    jitsi_base_url: str
    jitsi_app_id: str
    jitsi_app_secret: str
    no_show_grace_minutes: int
    no_show_sweep_seconds: float
    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_user: str
    smtp_password: str
    email_from: str
    sms_api_url: str
    sms_username: str
    sms_api_key: str
    sms_sender_id: str
    sms_inbound_token: str
    reminder_sweep_seconds: float
    delivery_concurrency: int
    delivery_lease_seconds: float
    delivery_max_attempts: int
    delivery_retry_seconds: float
    webhook_max_failures: int
    webhook_allow_private: bool
    agenda_hour: int
    profile_sync_interval_seconds: float
    profile_sync_sweep_seconds: float
    profile_backoff_seconds: float
    github_api_url: str
    github_token: str
    fetch_timeout_seconds: float
    fetch_max_bytes: int
    fetch_max_redirects: int
    fetch_allow_private: bool
    occupations_refresh_seconds: float
    log_level: str
    forwarded_hops: int
    sign_ups_per_hour: int
    sign_in_failures_per_minute: int
    invitation_days: int
    access_check_seconds: float

    @property
    def is_production(self) -> bool:
        return self.env == "production"


def load_settings(config: Mapping[str, Any] | None = None) -> Settings:
    """Read settings from a nameko config, falling back to the environment, then defaults."""
    source: Mapping[str, Any] = config or {}

    def get(name: str) -> str:
        value = source.get(name)
        if value is None or value == "":
            value = os.environ.get(name) or SETTINGS[name][0]
        return str(value)

    def number(name: str, kind: type[int] | type[float]) -> Any:
        raw = get(name)
        try:
            value = kind(raw)
        except ValueError:
            raise ConfigurationError(f"{name} must be a number, not {raw!r}") from None
        if not math.isfinite(value) or value <= 0:
            raise ConfigurationError(f"{name} must be a positive finite number, not {raw!r}")
        return value

    def count(name: str) -> int:
        raw = get(name).strip()
        if not raw.isdigit():
            raise ConfigurationError(f"{name} must be a whole number (0 or more), not {raw!r}")
        return int(raw)

    def flag(name: str) -> bool:
        return get(name).strip().lower() in ("1", "true", "yes")

    settings = Settings(
        env=get("NJIA_ENV"),
        amqp_uri=get("NJIA_AMQP_URI"),
        mongo_uri=get("NJIA_MONGO_URI"),
        mongo_db_prefix=get("NJIA_MONGO_DB_PREFIX"),
        http_host=get("NJIA_HTTP_HOST"),
        http_port=number("NJIA_HTTP_PORT", int),
        public_url=get("NJIA_PUBLIC_URL").rstrip("/"),
        jwt_secret=get("NJIA_JWT_SECRET"),
        token_ttl_seconds=number("NJIA_TOKEN_TTL_SECONDS", int),
        rpc_timeout_seconds=number("NJIA_RPC_TIMEOUT_SECONDS", float),
        amqp_heartbeat_seconds=number("NJIA_AMQP_HEARTBEAT_SECONDS", int),
        max_workers=number("NJIA_MAX_WORKERS", int),
        outbox_relay_seconds=number("NJIA_OUTBOX_RELAY_SECONDS", float),
        event_max_attempts=number("NJIA_EVENT_MAX_ATTEMPTS", int),
        event_retry_seconds=number("NJIA_EVENT_RETRY_SECONDS", float),
        argon2_time_cost=number("NJIA_ARGON2_TIME_COST", int),
        argon2_memory_kib=number("NJIA_ARGON2_MEMORY_KIB", int),
        password_hash_concurrency=number("NJIA_PASSWORD_HASH_CONCURRENCY", int),
        jitsi_base_url=get("NJIA_JITSI_BASE_URL").rstrip("/"),
        jitsi_app_id=get("NJIA_JITSI_APP_ID"),
        jitsi_app_secret=get("NJIA_JITSI_APP_SECRET"),
        no_show_grace_minutes=number("NJIA_NO_SHOW_GRACE_MINUTES", int),
        no_show_sweep_seconds=number("NJIA_NO_SHOW_SWEEP_SECONDS", float),
        smtp_host=get("NJIA_SMTP_HOST"),
        smtp_port=number("NJIA_SMTP_PORT", int),
        smtp_security=get("NJIA_SMTP_SECURITY").lower(),
        smtp_user=get("NJIA_SMTP_USER"),
        smtp_password=get("NJIA_SMTP_PASSWORD"),
        email_from=get("NJIA_EMAIL_FROM"),
        sms_api_url=get("NJIA_SMS_API_URL"),
        sms_username=get("NJIA_SMS_USERNAME"),
        sms_api_key=get("NJIA_SMS_API_KEY"),
        sms_sender_id=get("NJIA_SMS_SENDER_ID"),
        sms_inbound_token=get("NJIA_SMS_INBOUND_TOKEN"),
        reminder_sweep_seconds=number("NJIA_REMINDER_SWEEP_SECONDS", float),
        delivery_concurrency=number("NJIA_DELIVERY_CONCURRENCY", int),
        delivery_lease_seconds=number("NJIA_DELIVERY_LEASE_SECONDS", float),
        delivery_max_attempts=number("NJIA_DELIVERY_MAX_ATTEMPTS", int),
        delivery_retry_seconds=number("NJIA_DELIVERY_RETRY_SECONDS", float),
        webhook_max_failures=number("NJIA_WEBHOOK_MAX_FAILURES", int),
        webhook_allow_private=flag("NJIA_WEBHOOK_ALLOW_PRIVATE"),
        agenda_hour=int(get("NJIA_AGENDA_HOUR")),
        profile_sync_interval_seconds=number("NJIA_PROFILE_SYNC_INTERVAL_SECONDS", float),
        profile_sync_sweep_seconds=number("NJIA_PROFILE_SYNC_SWEEP_SECONDS", float),
        profile_backoff_seconds=number("NJIA_PROFILE_BACKOFF_SECONDS", float),
        github_api_url=get("NJIA_GITHUB_API_URL").rstrip("/"),
        github_token=get("NJIA_GITHUB_TOKEN"),
        fetch_timeout_seconds=number("NJIA_FETCH_TIMEOUT_SECONDS", float),
        fetch_max_bytes=number("NJIA_FETCH_MAX_BYTES", int),
        fetch_max_redirects=number("NJIA_FETCH_MAX_REDIRECTS", int),
        fetch_allow_private=flag("NJIA_FETCH_ALLOW_PRIVATE"),
        occupations_refresh_seconds=number("NJIA_OCCUPATIONS_REFRESH_SECONDS", float),
        log_level=get("NJIA_LOG_LEVEL").upper(),
        forwarded_hops=count("NJIA_FORWARDED_HOPS"),
        sign_ups_per_hour=number("NJIA_SIGN_UPS_PER_HOUR", int),
        sign_in_failures_per_minute=number("NJIA_SIGN_IN_FAILURES_PER_MINUTE", int),
        invitation_days=number("NJIA_INVITATION_DAYS", int),
        access_check_seconds=number("NJIA_ACCESS_CHECK_SECONDS", float),
    )
    check(settings)
    return settings


def check(settings: Settings) -> None:
    if not 0 < settings.http_port < 65536:
        raise ConfigurationError(f"NJIA_HTTP_PORT must be a port number (1-65535), not {settings.http_port}")
    if settings.smtp_security not in ("none", "starttls", "ssl"):
        raise ConfigurationError(
            f"NJIA_SMTP_SECURITY must be none, starttls or ssl, not {settings.smtp_security!r}"
        )
    if not 0 <= settings.agenda_hour <= 23:
        raise ConfigurationError(f"NJIA_AGENDA_HOUR must be an hour 0-23, not {settings.agenda_hour}")
    if bool(settings.jitsi_app_id) != bool(settings.jitsi_app_secret):
        raise ConfigurationError("Set both NJIA_JITSI_APP_ID and NJIA_JITSI_APP_SECRET, or neither")
    if settings.env not in ("development", "test", "production"):
        raise ConfigurationError(f"NJIA_ENV must be development, test or production, not {settings.env!r}")
    if settings.is_production:
        if settings.jwt_secret == DEV_JWT_SECRET:
            raise ConfigurationError("NJIA_JWT_SECRET must be set in production (the default is public)")
        if len(settings.jwt_secret) < 32:
            raise ConfigurationError("NJIA_JWT_SECRET must be at least 32 characters in production")
        if settings.argon2_memory_kib < 19456:
            raise ConfigurationError("NJIA_ARGON2_MEMORY_KIB below 19456 is too weak for production")
        if settings.argon2_time_cost < 2:
            raise ConfigurationError("NJIA_ARGON2_TIME_COST below 2 is too weak for production")
        check_mailer(settings)


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "")


def check_mailer(settings: Settings) -> None:
    """Production sends real email: a development mail catcher or sender would swallow every
    confirmation and reminder while retrying until they are skipped."""
    if settings.smtp_host.strip().lower() in LOOPBACK_HOSTS:
        raise ConfigurationError(
            "NJIA_SMTP_HOST must name your mail server in production (it is "
            f"{settings.smtp_host!r}, the development mail catcher): see deploy/PRODUCTION.md"
        )
    if settings.email_from == SETTINGS["NJIA_EMAIL_FROM"][0] or "@" not in settings.email_from:
        raise ConfigurationError(
            "NJIA_EMAIL_FROM must be an address of your organization's domain in production"
        )
