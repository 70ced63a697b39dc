"""The web app's files, read once at start-up and served from memory, gzipped where the browser takes it.

The app is plain ES modules, a stylesheet and one strings file per area; nothing is built.
``strings.json`` is made here from ``web/i18n/*.json``: every key carries its English and
Swahili text side by side, so a missing translation is a start-up error, not a blank label.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

WEB_ROOT = Path(__file__).parent / "web"
LANGUAGES = ("en", "sw")
STRINGS = "strings.json"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}
# Anything smaller gains nothing from compression.
_GZIP_FROM_BYTES = 512


class MissingTranslation(ValueError):
    pass


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    content_type: str
    etag: str


def _asset(body: bytes, content_type: str) -> Asset:
    gzipped = gzip.compress(body, mtime=0) if len(body) >= _GZIP_FROM_BYTES else None
    return Asset(body, gzipped, content_type, '"' + hashlib.sha256(body).hexdigest()[:20] + '"')


def merged_strings(folder: Path) -> dict[str, dict[str, str]]:
    """Every ``{key: {en, sw}}`` of the area files, refusing a key twice or a language left out."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.json")):
        for key, texts in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise MissingTranslation(f"{path.name}: '{key}' is already defined in another area")
            missing = [lang for lang in LANGUAGES if not str(texts.get(lang, "")).strip()]
            if missing:
                raise MissingTranslation(f"{path.name}: '{key}' has no {', '.join(missing)} text")
            merged[key] = {lang: texts[lang] for lang in LANGUAGES}
    return merged


def load_assets(root: Path = WEB_ROOT) -> dict[str, Asset]:
    """Public path (below /app/, or "" for the page itself) → asset."""
    assets: dict[str, Asset] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_dir() or relative.startswith("i18n/") or path.suffix not in _TYPES:
            continue
        name = "" if relative == "index.html" else relative
        assets[name] = _asset(path.read_bytes(), _TYPES[path.suffix])
    strings = json.dumps(merged_strings(root / "i18n"), ensure_ascii=False, separators=(",", ":"))
    assets[STRINGS] = _asset(strings.encode("utf-8"), _TYPES[".json"])
    return assets
