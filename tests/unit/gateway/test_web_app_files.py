"""The web app's files: every text it shows exists in English and Swahili; nothing names another host."""

import json
import re
from pathlib import Path

import pytest

from services.accounts.domain import ROLES
from services.gateway.assets import LANGUAGES, WEB_ROOT, MissingTranslation, load_assets, merged_strings
from services.scheduling.schemas import STATUSES

SCRIPTS = sorted((WEB_ROOT / "js").rglob("*.js"))
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
DYNAMIC_PREFIX = re.compile(r"""\bt\(\s*`([a-z_]+\.)\$\{""")


def source() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in SCRIPTS)


def test_every_text_the_app_asks_for_exists_in_both_languages():
    strings = merged_strings(WEB_ROOT / "i18n")
    used = set(LITERAL_KEY.findall(source()))
    assert used, "no t('...') calls found: the pattern no longer matches the code"
    missing = sorted(used - strings.keys())
    assert not missing, f"keys used but not in i18n/*.json: {missing}"
    for key, texts in strings.items():
        assert all(texts[lang].strip() for lang in LANGUAGES), key


def test_every_status_and_role_a_person_can_see_has_a_translated_label():
    strings = merged_strings(WEB_ROOT / "i18n")
    reminder_statuses = ("scheduled", "sent", "failed", "cancelled", "skipped")
    for status in (*STATUSES, *reminder_statuses):
        assert f"status.{status}" in strings, status
    for role in ROLES:
        assert f"role.{role}" in strings, role
    for prefix in set(DYNAMIC_PREFIX.findall(source())):
        assert any(key.startswith(prefix) for key in strings), f"t(`{prefix}${{...}}`) has no texts"


def test_a_text_with_placeholders_keeps_the_same_placeholders_in_swahili():
    placeholder = re.compile(r"\{[a-z_]+\}")
    for key, texts in merged_strings(WEB_ROOT / "i18n").items():
        assert sorted(placeholder.findall(texts["en"])) == sorted(placeholder.findall(texts["sw"])), key


def test_a_text_left_untranslated_stops_the_gateway_from_starting(tmp_path: Path):
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "area.json").write_text(json.dumps({"area.title": {"en": "Sessions", "sw": ""}}))
    with pytest.raises(MissingTranslation, match=r"area\.title"):
        load_assets(tmp_path)


def test_the_same_key_in_two_areas_is_refused(tmp_path: Path):
    (tmp_path / "i18n").mkdir()
    for area in ("one", "two"):
        (tmp_path / "i18n" / f"{area}.json").write_text(json.dumps({"x.title": {"en": "A", "sw": "B"}}))
    with pytest.raises(MissingTranslation, match=r"x\.title"):
        load_assets(tmp_path)


def test_the_page_and_its_files_name_no_other_host():
    for name, asset in load_assets().items():
        text = asset.body.decode("utf-8")
        hosts = re.findall(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", text)
        hosts += re.findall(r"""@import|url\(\s*["']?https?:""", text)
        assert not hosts, f"{name or 'index.html'} refers to another host: {hosts}"


def test_the_whole_app_is_small_enough_for_a_slow_phone_connection():
    assets = load_assets()
    sent = sum(len(asset.gzipped or asset.body) for asset in assets.values())
    # Every file of the app, compressed as sent, is well under the 200 KB a page may cost.
    assert sent < 120_000, sent
