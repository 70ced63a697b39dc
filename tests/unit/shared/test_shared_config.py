"""shared/config.py: the one place settings are read."""

import re
from pathlib import Path

import pytest

from shared.config import DEV_JWT_SECRET, SETTINGS, ConfigurationError, load_settings

ROOT = Path(__file__).resolve().parents[3]
STRONG_SECRET = "k" * 32


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Each test sees only the NJIA_* variables it sets itself."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)


def test_without_any_setting_njia_starts_with_development_defaults():
    settings = load_settings()

    assert settings.env == "development"
    assert not settings.is_production
    assert settings.amqp_uri == "amqp://guest:guest@127.0.0.1:5672/"
    assert settings.mongo_db_prefix == "njia_"
    assert settings.http_host == "127.0.0.1"
    assert settings.http_port == 8000
    assert settings.public_url == "http://127.0.0.1:8000"
    assert settings.jwt_secret == DEV_JWT_SECRET
    assert settings.token_ttl_seconds == 3600
    assert settings.rpc_timeout_seconds == 10.0
    assert settings.max_workers == 10
    assert settings.argon2_memory_kib == 19456
    assert settings.log_level == "INFO"


def test_environment_variable_is_used_when_the_nameko_config_does_not_set_it(monkeypatch):
    monkeypatch.setenv("NJIA_HTTP_PORT", "9000")

    assert load_settings({}).http_port == 9000


def test_nameko_config_value_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("NJIA_HTTP_PORT", "9000")

    assert load_settings({"NJIA_HTTP_PORT": "8100"}).http_port == 8100


def test_empty_value_in_nameko_config_falls_back_to_the_environment(monkeypatch):
    monkeypatch.setenv("NJIA_MONGO_URI", "mongodb://db.internal:27017/")

    assert load_settings({"NJIA_MONGO_URI": ""}).mongo_uri == "mongodb://db.internal:27017/"


def test_empty_environment_variable_means_the_default():
    assert load_settings({}).token_ttl_seconds == 3600


def test_public_url_with_trailing_slash_gives_links_without_double_slash():
    settings = load_settings({"NJIA_PUBLIC_URL": "https://njia.example/"})

    assert settings.public_url == "https://njia.example"


def test_private_addresses_are_refused_to_webhooks_and_profile_urls_unless_allowed_each_on_its_own():
    assert (load_settings().webhook_allow_private, load_settings().fetch_allow_private) == (False, False)
    on_premises = load_settings({"NJIA_WEBHOOK_ALLOW_PRIVATE": "true"})
    assert (on_premises.webhook_allow_private, on_premises.fetch_allow_private) == (True, False)


def test_log_level_may_be_written_in_lower_case():
    assert load_settings({"NJIA_LOG_LEVEL": "debug"}).log_level == "DEBUG"


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("NJIA_HTTP_PORT", "eighty"),
        ("NJIA_HTTP_PORT", "80.5"),
        ("NJIA_TOKEN_TTL_SECONDS", "1h"),
        ("NJIA_RPC_TIMEOUT_SECONDS", "ten"),
        ("NJIA_ARGON2_MEMORY_KIB", "64MiB"),
    ],
)
def test_non_numeric_setting_stops_startup_and_names_the_variable(name, raw):
    with pytest.raises(ConfigurationError, match=name):
        load_settings({name: raw})


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("NJIA_HTTP_PORT", "0"),
        ("NJIA_TOKEN_TTL_SECONDS", "-60"),
        ("NJIA_RPC_TIMEOUT_SECONDS", "0"),
        ("NJIA_MAX_WORKERS", "-1"),
        ("NJIA_EVENT_RETRY_SECONDS", "-0.5"),
    ],
)
def test_zero_or_negative_setting_stops_startup_and_names_the_variable(name, raw):
    with pytest.raises(ConfigurationError, match=name):
        load_settings({name: raw})


def test_numeric_setting_from_the_environment_is_checked_too(monkeypatch):
    monkeypatch.setenv("NJIA_MAX_WORKERS", "many")

    with pytest.raises(ConfigurationError, match="NJIA_MAX_WORKERS"):
        load_settings()


@pytest.mark.parametrize("raw", ["nan", "inf"])
def test_rpc_timeout_of_nan_or_infinity_stops_startup(raw):
    # "nan" is not a number of seconds, and an infinite RPC timeout is a hang.
    with pytest.raises(ConfigurationError, match="NJIA_RPC_TIMEOUT_SECONDS"):
        load_settings({"NJIA_RPC_TIMEOUT_SECONDS": raw})


def test_port_above_65535_stops_startup():
    with pytest.raises(ConfigurationError, match="NJIA_HTTP_PORT"):
        load_settings({"NJIA_HTTP_PORT": "80000"})


def test_unknown_njia_env_is_refused():
    with pytest.raises(ConfigurationError, match="NJIA_ENV"):
        load_settings({"NJIA_ENV": "staging"})


def test_production_refuses_the_public_default_jwt_secret():
    with pytest.raises(ConfigurationError, match="NJIA_JWT_SECRET"):
        load_settings({"NJIA_ENV": "production"})


def test_production_refuses_a_jwt_secret_shorter_than_32_characters():
    with pytest.raises(ConfigurationError, match="NJIA_JWT_SECRET"):
        load_settings({"NJIA_ENV": "production", "NJIA_JWT_SECRET": "k" * 31})


def test_production_refuses_weak_argon2_memory():
    with pytest.raises(ConfigurationError, match="NJIA_ARGON2_MEMORY_KIB"):
        load_settings(
            {
                "NJIA_ENV": "production",
                "NJIA_JWT_SECRET": STRONG_SECRET,
                "NJIA_ARGON2_MEMORY_KIB": "19455",
            }
        )


PRODUCTION_MAILER = {"NJIA_SMTP_HOST": "smtp.example.org", "NJIA_EMAIL_FROM": "Njia <no-reply@example.org>"}


@pytest.mark.parametrize(
    "mailer, named",
    [
        ({}, "NJIA_SMTP_HOST"),
        ({"NJIA_SMTP_HOST": "localhost"}, "NJIA_SMTP_HOST"),
        ({"NJIA_SMTP_HOST": "smtp.example.org"}, "NJIA_EMAIL_FROM"),
    ],
)
def test_production_refuses_to_start_with_the_development_mailer(mailer, named):
    with pytest.raises(ConfigurationError, match=named):
        load_settings({"NJIA_ENV": "production", "NJIA_JWT_SECRET": STRONG_SECRET, **mailer})


def test_production_starts_with_a_strong_secret_and_enough_argon2_memory(monkeypatch):
    monkeypatch.setenv("NJIA_ENV", "production")
    monkeypatch.setenv("NJIA_JWT_SECRET", STRONG_SECRET)
    for name, value in PRODUCTION_MAILER.items():
        monkeypatch.setenv(name, value)

    settings = load_settings({"NJIA_ARGON2_MEMORY_KIB": "19456"})

    assert settings.is_production
    assert settings.jwt_secret == STRONG_SECRET
    assert settings.argon2_memory_kib == 19456


def test_deploy_config_maps_every_setting_with_the_same_default_as_the_code():
    text = (ROOT / "deploy" / "nameko.yaml").read_text()
    mapped = dict(re.findall(r"^(NJIA_[A-Z0-9_]+):.*\$\{\1:([^}]*)\}", text, re.MULTILINE))

    assert sorted(mapped) == sorted(SETTINGS)
    for name, (default, _description) in SETTINGS.items():
        assert mapped[name] == default, name
