"""Reading a LinkedIn "Download your data" export (a ZIP of CSV files), refusing what is unsafe.

``inspect`` is cheap and runs on the request path: it reads only the ZIP's central
directory and the first bytes of the files Njia uses, and refuses ZIP bombs, too many
or too large entries, path-traversal names, encrypted or non-CSV entries, and
archives that are not a LinkedIn export. ``read_export`` runs off the request path and
decompresses the files Njia uses with the same limits enforced on the bytes actually
produced (zipfile stops at each entry's declared size and checks its CRC).

The CSVs are read by their real column names (``Positions.csv``: ``Company Name``,
``Title``, ``Description``, ``Location``, ``Started On``, ``Finished On`` …), as UTF-8
with or without a byte-order mark, or UTF-16 and tab-separated as 2018 exports were;
quoted cells may hold newlines; every file is optional.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

MiB = 1024 * 1024
MAX_ARCHIVE_BYTES = 10 * MiB  # the gateway's upload limit
MAX_ENTRIES = 300  # real exports hold a few dozen files
MAX_ENTRY_BYTES = 50 * MiB  # uncompressed, per file
MAX_TOTAL_BYTES = 200 * MiB  # uncompressed, all files
MAX_RATIO = 100  # uncompressed / compressed, for files over RATIO_FLOOR
RATIO_FLOOR = 1 * MiB
MAX_ROWS = 50_000
SNIFF_BYTES = 4096
CHUNK = 256 * 1024

# Table name -> the file's name in the export, and the columns that identify its header row.
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "profile": ("Profile.csv", ("First Name", "Last Name", "Headline", "Summary")),
    "profile_summary": ("Profile Summary.csv", ("Profile Summary",)),
    "positions": ("Positions.csv", ("Company Name", "Title", "Started On")),
    "education": ("Education.csv", ("School Name", "Degree Name", "Start Date")),
    "skills": ("Skills.csv", ("Name",)),
    "certifications": ("Certifications.csv", ("Name", "Authority", "Url")),
    "languages": ("Languages.csv", ("Name", "Proficiency")),
}
_BY_FILE = {file.casefold(): table for table, (file, _) in TABLES.items()}
_DRIVE = re.compile(r"^[A-Za-z]:")


class ExportRefused(Exception):
    """The upload is not a LinkedIn export Njia will read; the message says why, for a person."""


@dataclass(frozen=True)
class ExportSummary:
    entries: int
    uncompressed_bytes: int
    tables: tuple[str, ...]


def _open(data: bytes) -> zipfile.ZipFile:
    if len(data) > MAX_ARCHIVE_BYTES:
        raise ExportRefused(f"The export is over the {MAX_ARCHIVE_BYTES // MiB} MiB limit.")
    if not data.startswith(b"PK"):
        raise ExportRefused("This is not a ZIP file; upload the ZIP LinkedIn sent you, as it is.")
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise ExportRefused(f"The ZIP file is damaged and cannot be read ({exc}).") from None


def _check_name(name: str) -> None:
    parts = name.split("/")
    if (
        name.startswith("/")
        or "\\" in name
        or _DRIVE.match(name)
        or ".." in parts
        or any(ord(c) < 32 for c in name)
    ):
        raise ExportRefused(
            f"The ZIP holds a file named {name[:120]!r}, which points outside the archive; "
            "Njia refuses such archives."
        )


def _entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Check every entry; return the ones Njia reads, by table (the shallowest of each name)."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ExportRefused(f"The ZIP holds {len(infos)} files; a LinkedIn export has far fewer.")
    total = 0
    found: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        _check_name(info.filename)
        if info.is_dir():
            continue
        name = info.filename
        if not name.lower().endswith(".csv"):
            raise ExportRefused(
                f"The ZIP holds {name[:120]!r}, which is not a CSV file; "
                "upload the export exactly as LinkedIn sent it."
            )
        if info.flag_bits & 0x1:
            raise ExportRefused(f"{name[:120]} is encrypted; upload the export without a password.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ExportRefused(f"{name[:120]} uses a compression method LinkedIn exports do not use.")
        if info.file_size > MAX_ENTRY_BYTES:
            raise ExportRefused(
                f"{name[:120]} would expand to {info.file_size // MiB} MiB, "
                f"over the {MAX_ENTRY_BYTES // MiB} MiB limit per file."
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ExportRefused(
                f"{name[:120]} expands {info.file_size // max(info.compress_size, 1)} times over; "
                "that is a ZIP bomb, not an export."
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ExportRefused(
                f"The export would expand to more than {MAX_TOTAL_BYTES // MiB} MiB; "
                "a LinkedIn export is much smaller."
            )
        table = _BY_FILE.get(name.rsplit("/", 1)[-1].casefold())
        if table and (table not in found or name.count("/") < found[table].filename.count("/")):
            found[table] = info
    if not found:
        files = ", ".join(file for file, _ in TABLES.values())
        raise ExportRefused(f"This does not look like a LinkedIn data export: none of {files} is in it.")
    return found


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8"


def _sniff(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """The first bytes of a CSV are text, not binary junk with a .csv name."""
    try:
        with archive.open(info) as handle:
            head = handle.read(SNIFF_BYTES)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ExportRefused(f"{info.filename[:120]} is damaged in the ZIP ({exc}).") from None
    encoding = _encoding(head)
    if encoding != "utf-16" and b"\x00" in head:
        raise ExportRefused(f"{info.filename[:120]} is not a CSV text file.")
    try:
        codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        if any(b < 9 for b in head):  # not UTF-8 and holding control bytes: binary
            raise ExportRefused(f"{info.filename[:120]} is not a CSV text file.") from None


def inspect(data: bytes) -> ExportSummary:
    """Refuse an unsafe or foreign upload without decompressing it (``ExportRefused``)."""
    with _open(data) as archive:
        found = _entries(archive)
        for info in found.values():
            _sniff(archive, info)
        infos = archive.infolist()
        return ExportSummary(
            entries=len(infos),
            uncompressed_bytes=sum(i.file_size for i in infos),
            tables=tuple(sorted(found)),
        )


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The entry's bytes, counting what decompression actually produces."""
    chunks = []
    size = 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(CHUNK):
                size += len(chunk)
                if size > MAX_ENTRY_BYTES:
                    raise ExportRefused(f"{info.filename[:120]} expands beyond the limit per file.")
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ExportRefused(f"{info.filename[:120]} is damaged in the ZIP ({exc}).") from None
    return b"".join(chunks)


def _decode(raw: bytes) -> str:
    encoding = _encoding(raw[:4])
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # older exports saved by spreadsheet programs


def read_rows(text: str, expected: tuple[str, ...], file: str) -> list[dict[str, str]]:
    """CSV rows keyed by their header's column names; the header is the first row naming a column
    of ``expected`` (some exports put a "Notes:" preamble first)."""
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader: Iterator[list[str]] = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[dict[str, str]] = []
    try:
        for line_number, cells in enumerate(reader, start=1):
            if header is None:
                names = [c.strip().lstrip("\ufeff") for c in cells]
                if any(name in expected for name in names):
                    header = names
                elif line_number > 10:
                    raise ExportRefused(f"{file} has no header row with {', '.join(expected)}.")
                continue
            if not any(cell.strip() for cell in cells):
                continue
            rows.append({name: cell for name, cell in zip(header, cells, strict=False) if name})
            if len(rows) > MAX_ROWS:
                raise ExportRefused(f"{file} has more than {MAX_ROWS:,} rows.")
    except csv.Error as exc:
        raise ExportRefused(f"{file} could not be read as CSV ({exc}).") from None
    return rows


def read_export(data: bytes) -> dict[str, list[dict[str, str]]]:
    """Every table Njia uses from the export, as rows by column name."""
    with _open(data) as archive:
        found = _entries(archive)
        tables = {}
        for table, info in found.items():
            file, expected = TABLES[table]
            tables[table] = read_rows(_decode(_read_entry(archive, info)), expected, file)
        return tables
