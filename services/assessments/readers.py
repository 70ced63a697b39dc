"""Reading O*NET, BLS, crosswalk and Njia's own labour-market files: rows in, records and reasons out.

Pure: files are read, nothing is written (``importer.py`` writes through the store). Files are read
as UTF-8 and, failing that, as Windows-1252 (the BLS crosswalk's encoding). O*NET's text layout and
its Excel-export layout (extra ``Title`` / ``Scale Name`` columns, as in the 29.3 ``Job Zones.txt``)
are both read: columns are found by their names. Every row that cannot be used is kept in the file's
report with its line and the reason, as ``"<kind>: <detail>"``.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from services.assessments.domain import JOB_ZONES, RIASEC_AREAS, WORK_VALUES, outlook_of

ONET_SOC = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
SOC = re.compile(r"^\d{2}-\d{4}$")
ISCO = re.compile(r"^\d{4}$")
EXCEL_DATE = re.compile(r"^[A-Z][a-z]{2}-\d{2}$")  # "11-2011" read by Excel as November 2011: "Nov-11"
REGION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
INTEREST_NAMES = dict(
    zip(
        ("Realistic", "Investigative", "Artistic", "Social", "Enterprising", "Conventional"),
        RIASEC_AREAS,
        strict=True,
    )
)
INTEREST_IDS = dict(
    zip(("1.B.1.a", "1.B.1.b", "1.B.1.c", "1.B.1.d", "1.B.1.e", "1.B.1.f"), RIASEC_AREAS, strict=True)
)
WORK_VALUE_NAMES = dict(
    zip(
        ("Achievement", "Working Conditions", "Recognition", "Relationships", "Support", "Independence"),
        WORK_VALUES,
        strict=True,
    )
)
ONET_RANGE = (1.0, 7.0)
LABOUR_FIELDS = (
    "median_wage",
    "currency",
    "wage_period",
    "wage_year",
    "wage_at_least",
    "employment_change_pct",
    "projection_period",
    "outlook",
    "source",
)
WAGE_PERIODS = ("year", "month", "hour")
OEWS_WAGE_CAP = 239200.0
REPORT_EXAMPLES = 10


class ImportFailed(Exception):
    """A whole file cannot be used (missing, unreadable, not the layout it claims to be)."""


# Reports ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    line: int | None
    reason: str
    row: str = ""


@dataclass
class FileReport:
    label: str
    path: str
    encoding: str = "utf-8"
    rows: int = 0
    used: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    ignored: Counter[str] = field(default_factory=Counter)

    def skip(self, line: int | None, reason: str, row: Sequence[str] | str = "") -> None:
        text = row if isinstance(row, str) else "\t".join(row)
        self.skipped.append(Skipped(line, reason, text[:120]))


@dataclass
class WriteCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.added + self.updated


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    occupations_skipped: list[tuple[str, str]] = field(default_factory=list)  # (code, reason)
    occupations: WriteCounts | None = None
    labour: WriteCounts | None = None
    requirements: WriteCounts | None = None
    esco_skills: WriteCounts | None = None
    dry_run: bool = False

    @property
    def skipped_rows(self) -> int:
        return sum(len(f.skipped) for f in self.files)

    def lines(self) -> list[str]:
        out = []
        for report in self.files:
            encoding = "" if report.encoding == "utf-8" else f", read as {report.encoding}"
            out.append(
                f"{report.label} ({report.path}{encoding}): {report.rows} rows, {report.used} used, "
                f"{len(report.skipped)} skipped"
            )
            for reason, count in sorted(Counter(s.reason.split(":")[0] for s in report.skipped).items()):
                out.append(f"  skipped {count} x {reason}")
            for skipped in report.skipped[:REPORT_EXAMPLES]:
                where = f"line {skipped.line}" if skipped.line else "file"
                out.append(f"    {where}: {skipped.reason}" + (f"  [{skipped.row}]" if skipped.row else ""))
            if len(report.skipped) > REPORT_EXAMPLES:
                out.append(f"    ... and {len(report.skipped) - REPORT_EXAMPLES} more")
            for reason, count in sorted(report.ignored.items()):
                out.append(f"  not needed: {count} x {reason}")
        if self.occupations_skipped:
            out.append(f"Occupations left out: {len(self.occupations_skipped)}")
            for reason, count in sorted(Counter(r for _, r in self.occupations_skipped).items()):
                examples = ", ".join(c for c, r in self.occupations_skipped if r == reason)
                out.append(f"  {count} x {reason}: {_shorten(examples)}")
        verb = "would be" if self.dry_run else "were"
        for name, counts in (
            ("Occupations", self.occupations),
            ("Labour-market rows", self.labour),
            ("Occupation requirements", self.requirements),
            ("ESCO skills", self.esco_skills),
        ):
            if counts is not None:
                out.append(
                    f"{name}: {counts.added} {verb} added, {counts.updated} updated, "
                    f"{counts.unchanged} unchanged"
                )
        return out


def _shorten(text: str, width: int = 160) -> str:
    return text if len(text) <= width else text[: width - 5].rsplit(",", 1)[0] + ", ..."


# Progress --------------------------------------------------------------------------------------


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, one line per step otherwise."""

    WIDTH = 30

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())

    def track(self, label: str, total: int) -> Callable[[int], None]:
        shown = {"percent": -1}

        def update(done: int) -> None:
            percent = 100 if total <= 0 else min(100, done * 100 // total)
            if percent == shown["percent"]:
                return
            shown["percent"] = percent
            if self.live:
                bar = "#" * (percent * self.WIDTH // 100)
                end = "\n" if percent == 100 else ""
                self.stream.write(f"\r{label:<22} [{bar:<{self.WIDTH}}] {percent:3d}% {done}/{total}{end}")
                self.stream.flush()
            elif percent == 100:
                self.stream.write(f"{label:<22} [{'#' * self.WIDTH}] 100% {done}/{total}\n")
                self.stream.flush()

        update(0)
        return update


# Reading files ---------------------------------------------------------------------------------


def read_text(path: Path) -> tuple[str, str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def rows_of(
    path: Path, label: str, delimiter: str, progress: Progress, header_has: Sequence[str] = ()
) -> tuple[FileReport, list[str], Iterator[tuple[int, list[str]]]]:
    """The report, the header and the data rows (with line numbers) of a delimited file.

    ``header_has`` finds the header below title lines (the BLS crosswalk has three).
    """
    text, encoding = read_text(path)
    report = FileReport(label, str(path), encoding)
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    start = 0
    if header_has:
        wanted = [w.lower() for w in header_has]
        for index, row in enumerate(lines[:20]):
            cells = [c.strip().lower() for c in row]
            if all(w in cells for w in wanted):
                start = index
                break
    if not lines or not any(cell.strip() for cell in lines[start]):
        raise ImportFailed(f"{label}: {path} is empty")
    header = [cell.strip() for cell in lines[start]]
    body = lines[start + 1 :]
    update = progress.track(label, len(body))

    def generate() -> Iterator[tuple[int, list[str]]]:
        for offset, row in enumerate(body):
            if offset % 200 == 0:
                update(offset)
            if not any(cell.strip() for cell in row):
                continue  # blank lines are not rows
            report.rows += 1
            yield start + offset + 2, row
        update(len(body))

    return report, header, generate()


def column(header: Sequence[str], label: str, *names: str, required: bool = True) -> int | None:
    """The index of the first column named one of ``names`` (case and spacing ignored)."""
    wanted = [_norm(n) for n in names]
    for want in wanted:
        for index, name in enumerate(header):
            if _norm(name) == want:
                return index
    for want in wanted:  # a prefix: BLS headers carry footnote marks and periods
        for index, name in enumerate(header):
            if _norm(name).startswith(want):
                return index
    if required:
        raise ImportFailed(f"{label}: no {names[0]!r} column (columns: {', '.join(header)[:300]})")
    return None


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\u2013", "-")).strip().lower()


def cell(row: Sequence[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def number(text: str) -> float | None:
    cleaned = text.replace(",", "").replace("$", "").strip()
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


# O*NET files ---------------------------------------------------------------------------------


def parse_occupation_data(path: Path, progress: Progress) -> tuple[FileReport, dict[str, str]]:
    report, header, rows = rows_of(path, "Occupation Data", "\t", progress)
    code_at = column(header, report.label, "O*NET-SOC Code")
    title_at = column(header, report.label, "Title")
    titles: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for line, row in rows:
        code, title = cell(row, code_at), cell(row, title_at)
        if len(row) < len(header) - 1:
            report.skip(line, f"too few columns: {len(row)} of {len(header)}", row)
        elif not ONET_SOC.match(code):
            report.skip(line, f"not an O*NET-SOC code: {code!r}", row)
        elif not title:
            report.skip(line, "no title", row)
        elif code in titles:
            report.skip(line, f"duplicate occupation: {code} (first on line {first_line[code]})", row)
        else:
            titles[code] = title
            first_line[code] = line
            report.used += 1
    return report, titles


def _element_rows(
    path: Path,
    label: str,
    progress: Progress,
    scale: str,
    names: dict[str, str],
    ids: dict[str, str] | None = None,
) -> tuple[FileReport, dict[str, dict[str, float]]]:
    """O*NET's long layout: one row per (occupation, element, scale); keeps ``scale`` rows."""
    report, header, rows = rows_of(path, label, "\t", progress)
    code_at = column(header, label, "O*NET-SOC Code")
    name_at = column(header, label, "Element Name", required=ids is None)
    id_at = column(header, label, "Element ID", required=False)
    scale_at = column(header, label, "Scale ID")
    value_at = column(header, label, "Data Value")
    low, high = ONET_RANGE
    needed = max(i for i in (code_at, name_at, id_at, scale_at, value_at) if i is not None)
    values: dict[str, dict[str, float]] = {}
    for line, row in rows:
        code = cell(row, code_at)
        if len(row) <= needed:
            report.skip(line, f"too few columns: {len(row)} of {len(header)}", row)
            continue
        if not ONET_SOC.match(code):
            report.skip(line, f"not an O*NET-SOC code: {code!r}", row)
            continue
        if cell(row, scale_at) != scale:
            report.ignored[f"rows of scale {cell(row, scale_at) or '(none)'} (only {scale} is used)"] += 1
            continue
        element = names.get(cell(row, name_at)) or (ids or {}).get(cell(row, id_at))
        if element is None:
            report.skip(line, f"unknown element: {cell(row, name_at) or cell(row, id_at)!r}", row)
            continue
        value = number(cell(row, value_at))
        if value is None:
            report.skip(line, f"value is not a number: {cell(row, value_at)!r}", row)
            continue
        if not low <= value <= high:
            report.skip(line, f"value outside O*NET's {low:g}-{high:g} scale: {value:g}", row)
            continue
        seen = values.setdefault(code, {})
        if element in seen:
            report.skip(line, f"second value for one element: {code} {element}", row)
            continue
        seen[element] = value
        report.used += 1
    return report, values


def parse_interests(path: Path, progress: Progress) -> tuple[FileReport, dict[str, dict[str, float]]]:
    return _element_rows(path, "Interests", progress, "OI", INTEREST_NAMES, INTEREST_IDS)


def parse_work_values(path: Path, progress: Progress) -> tuple[FileReport, dict[str, dict[str, float]]]:
    return _element_rows(path, "Work Values", progress, "EX", WORK_VALUE_NAMES)


def parse_job_zones(path: Path, progress: Progress) -> tuple[FileReport, dict[str, int]]:
    report, header, rows = rows_of(path, "Job Zones", "\t", progress)
    code_at = column(header, report.label, "O*NET-SOC Code")
    zone_at = column(header, report.label, "Job Zone")
    zones: dict[str, int] = {}
    for line, row in rows:
        code, raw = cell(row, code_at), cell(row, zone_at)
        value = number(raw)
        if len(row) <= max(code_at or 0, zone_at or 0):
            report.skip(line, f"too few columns: {len(row)} of {len(header)}", row)
        elif not ONET_SOC.match(code):
            report.skip(line, f"not an O*NET-SOC code: {code!r}", row)
        elif value is None or value != int(value) or int(value) not in JOB_ZONES:
            report.skip(line, f"job zone not 1 to 5: {raw!r}", row)
        elif code in zones:
            report.skip(line, f"second job zone: {code}", row)
        else:
            zones[code] = int(value)
            report.used += 1
    return report, zones


# Crosswalks ----------------------------------------------------------------------------------


def parse_isco_crosswalk(path: Path, progress: Progress) -> tuple[FileReport, dict[str, list[str]]]:
    """ESCO occupations mapped to O*NET (Nesta's crosswalk): the ISCO-08 unit groups per occupation."""
    report, header, rows = rows_of(path, "ISCO-08 crosswalk", ",", progress)
    onet_at = column(header, report.label, "onet_code", "O*NET-SOC Code", "O*NET-SOC 2019 Code")
    isco_at = column(header, report.label, "isco_code", "ISCO-08 Code", "ISCO Code")
    counts: dict[str, Counter[str]] = {}
    for line, row in rows:
        onet, isco = cell(row, onet_at), cell(row, isco_at)
        if isco.isdigit() and len(isco) < 4:
            isco = isco.zfill(4)  # spreadsheets drop the leading zero of armed-forces groups
        if not ONET_SOC.match(onet):
            report.skip(line, f"not an O*NET-SOC code: {onet!r}", row)
        elif not ISCO.match(isco):
            report.skip(line, f"not an ISCO-08 unit group (4 digits): {isco!r}", row)
        else:
            counts.setdefault(onet, Counter())[isco] += 1
            report.used += 1
    # The ISCO group most ESCO occupations of this O*NET occupation fall in comes first.
    return report, {
        onet: [code for code, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))]
        for onet, c in counts.items()
    }


def parse_nem_crosswalk(path: Path, progress: Progress) -> tuple[FileReport, dict[str, str]]:
    """BLS's O*NET-SOC to National Employment Matrix crosswalk: the projections' code per occupation."""
    report, header, rows = rows_of(
        path, "NEM crosswalk", ",", progress, header_has=("O*NET-SOC Code", "NEM Code")
    )
    onet_at = column(header, report.label, "O*NET-SOC Code")
    nem_at = column(header, report.label, "NEM Code")
    codes: dict[str, str] = {}
    for line, row in rows:
        onet, nem = cell(row, onet_at), cell(row, nem_at)
        if not ONET_SOC.match(onet):
            report.skip(line, f"not an O*NET-SOC code: {onet!r}", row)
        elif EXCEL_DATE.match(nem):
            report.skip(
                line, f"NEM code turned into a date by a spreadsheet (own SOC code used): {nem!r}", row
            )
        elif not SOC.match(nem):
            report.skip(line, f"not a SOC code: {nem!r}", row)
        else:
            codes[onet] = nem
            report.used += 1
    return report, codes


# Labour-market files -------------------------------------------------------------------------


LabourRows = dict[tuple[str, str, str], dict[str, Any]]


def parse_oews(path: Path, progress: Progress) -> tuple[FileReport, LabourRows]:
    """BLS Occupational Employment and Wage Statistics: median wages, national or per state."""
    report, header, rows = rows_of(path, "OEWS wages", ",", progress)
    label = report.label
    at = {
        "code": column(header, label, "OCC_CODE"),
        "group": column(header, label, "O_GROUP", required=False),
        "area_type": column(header, label, "AREA_TYPE", required=False),
        "state": column(header, label, "PRIM_STATE", required=False),
        "annual": column(header, label, "A_MEDIAN"),
        "hourly": column(header, label, "H_MEDIAN", required=False),
        "naics": column(header, label, "NAICS", required=False),
    }
    year_match = re.search(r"M(\d{4})", Path(path).name)
    year = f"May {year_match.group(1)}" if year_match else None
    figures: LabourRows = {}
    for line, row in rows:
        code = cell(row, at["code"])
        group = cell(row, at["group"]).lower()
        area_type = cell(row, at["area_type"]) or "1"
        naics = cell(row, at["naics"])
        if len(row) < len(header) - 2:
            report.skip(line, f"too few columns: {len(row)} of {len(header)}", row)
            continue
        if group in ("total", "major", "minor"):
            report.ignored[f"{group} summary rows"] += 1
            continue
        if naics and naics != "000000":
            report.ignored["industry-specific rows (only cross-industry figures are used)"] += 1
            continue
        if area_type == "1":
            region = "US"
        elif area_type == "2" and re.fullmatch(r"[A-Z]{2}", cell(row, at["state"])):
            region = f"US-{cell(row, at['state'])}"
        else:
            report.ignored["metropolitan and other sub-state areas"] += 1
            continue
        if not SOC.match(code):
            report.skip(line, f"not a SOC code: {code!r}", row)
            continue
        annual, hourly = cell(row, at["annual"]), cell(row, at["hourly"])
        record: dict[str, Any] = {"currency": "USD", "wage_year": year, "source": "BLS OEWS"}
        if number(annual) is not None:
            record.update(median_wage=number(annual), wage_period="year", wage_at_least=False)
        elif annual == "#":
            # BLS does not publish wages above its cap ($239,200 a year in 2025): "at least" that.
            record.update(median_wage=OEWS_WAGE_CAP, wage_period="year", wage_at_least=True)
        elif number(hourly) is not None:
            record.update(median_wage=number(hourly), wage_period="hour", wage_at_least=False)
        else:
            report.skip(line, f"no median wage published: {annual!r}", row)
            continue
        key = (region, "soc", code)
        if key in figures and group == "broad":
            continue  # OEWS lists an aggregated occupation twice (broad and detailed)
        figures[key] = record
        report.used += 1
    return report, figures


def parse_projections(path: Path, progress: Progress) -> tuple[FileReport, LabourRows]:
    """BLS Employment Projections table 1.2: ten-year employment change per occupation."""
    report, header, rows = rows_of(path, "BLS projections", ",", progress)
    label = report.label
    code_at = column(header, label, "2024 National Employment Matrix code", "National Employment Matrix code")
    kind_at = column(header, label, "Occupation type", required=False)
    change_at = column(header, label, "Employment change, percent")
    assert change_at is not None
    period_match = re.search(r"(\d{4})\s*[-\u2013]\s*(\d{2,4})", header[change_at])
    period = f"{period_match.group(1)}-{period_match.group(2)}" if period_match else None
    figures: LabourRows = {}
    for line, row in rows:
        code, kind, change = cell(row, code_at), cell(row, kind_at), cell(row, change_at)
        if len(row) < len(header) - 2:
            report.skip(line, f"too few columns: {len(row)} of {len(header)}", row)
        elif kind and kind.lower() == "summary":
            report.ignored["summary rows (occupation groups)"] += 1
        elif not SOC.match(code):
            report.skip(line, f"not a SOC code: {code!r}", row)
        elif number(change) is None:
            report.skip(line, f"employment change is not a number: {change!r}", row)
        else:
            pct = float(number(change) or 0.0)
            figures[("US", "soc", code)] = {
                "employment_change_pct": pct,
                "projection_period": period,
                "outlook": outlook_of(pct),
                "source": "BLS Employment Projections",
            }
            report.used += 1
    return report, figures


def parse_labour_market(path: Path, progress: Progress) -> tuple[FileReport, LabourRows]:
    """Njia's own layout for any region's series (a Kenyan one, a state's), by SOC or ISCO-08 code.

    Columns: region, scheme (soc or isco), code, and any of median_wage, currency, wage_period
    (year, month or hour), wage_year, employment_change_pct, projection_period, outlook, source.
    """
    report, header, rows = rows_of(path, "Labour market", ",", progress)
    label = report.label
    at = {name: column(header, label, name, required=name in ("region", "scheme", "code")) for name in (
        "region", "scheme", "code", *[f for f in LABOUR_FIELDS if f != "wage_at_least"]
    )}  # fmt: skip
    figures: LabourRows = {}
    for line, row in rows:
        region, scheme, code = (cell(row, at[n]).upper() for n in ("region", "scheme", "code"))
        scheme = scheme.lower()
        wage, change = cell(row, at["median_wage"]), cell(row, at["employment_change_pct"])
        period = cell(row, at["wage_period"]).lower() or None
        outlook = cell(row, at["outlook"]) or None
        if not REGION.match(region):
            report.skip(line, f"not a region code (ISO 3166, e.g. KE or KE-32): {region!r}", row)
        elif scheme not in ("soc", "isco"):
            report.skip(line, f"scheme not soc or isco: {scheme!r}", row)
        elif not (SOC if scheme == "soc" else ISCO).match(code):
            report.skip(line, f"not a {scheme.upper()} code: {code!r}", row)
        elif wage and (number(wage) is None or (number(wage) or 0) < 0):
            report.skip(line, f"median wage is not a positive number: {wage!r}", row)
        elif change and number(change) is None:
            report.skip(line, f"employment change is not a number: {change!r}", row)
        elif period is not None and period not in WAGE_PERIODS:
            report.skip(line, f"wage period not year, month or hour: {period!r}", row)
        elif not wage and not change and not outlook:
            report.skip(line, "no figures: give a median wage, an employment change or an outlook", row)
        elif outlook and len(outlook) > 60:
            report.skip(line, "outlook is longer than 60 characters", row)
        else:
            record: dict[str, Any] = {"source": cell(row, at["source"]) or Path(path).name}
            if wage:
                record.update(
                    median_wage=number(wage),
                    currency=cell(row, at["currency"]).upper() or None,
                    wage_period=period or "year",
                    wage_year=cell(row, at["wage_year"]) or None,
                    wage_at_least=False,
                )
            if change or outlook:
                pct = number(change)
                record.update(
                    employment_change_pct=pct,
                    projection_period=cell(row, at["projection_period"]) or None,
                    outlook=outlook or (outlook_of(pct) if pct is not None else None),
                )
            figures[(region, scheme, code)] = record
            report.used += 1
    return report, figures


def merge_labour(*parts: LabourRows) -> LabourRows:
    merged: LabourRows = {}
    for part in parts:
        for key, record in part.items():
            existing = merged.setdefault(key, {})
            sources = [s for s in (existing.get("source"), record.get("source")) if s]
            existing.update(record)
            if sources:
                existing["source"] = "; ".join(dict.fromkeys(sources))
    return merged


# Occupations from the O*NET files --------------------------------------------------------------


def assemble_occupations(
    titles: dict[str, str],
    interests: dict[str, dict[str, float]],
    zones: dict[str, int],
    work_values: dict[str, dict[str, float]] | None = None,
    isco: dict[str, list[str]] | None = None,
    nem: dict[str, str] | None = None,
) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str]]]:
    """Occupations with a title, all six interest values and a job zone; the others and why."""
    occupations: dict[str, dict[str, Any]] = {}
    left_out: list[tuple[str, str]] = []
    for code in sorted(set(titles) | set(interests) | set(zones)):
        profile = interests.get(code, {})
        if code not in titles:
            left_out.append((code, "not in Occupation Data"))
        elif not profile:
            left_out.append((code, "no interest profile in Interests"))
        elif len(profile) < len(RIASEC_AREAS):
            missing = "".join(a for a in RIASEC_AREAS if a not in profile)
            left_out.append((code, f"interest profile lacks {missing}"))
        elif code not in zones:
            left_out.append((code, "no job zone in Job Zones"))
        else:
            doc: dict[str, Any] = {
                "title": titles[code],
                "profile": {a: profile[a] for a in RIASEC_AREAS},
                "job_zone": zones[code],
            }
            if work_values is not None:
                values = work_values.get(code, {})
                doc["work_values"] = (
                    {v: values[v] for v in WORK_VALUES} if len(values) == len(WORK_VALUES) else None
                )
            if isco is not None:
                doc["isco_codes"] = isco.get(code, [])
            if nem is not None:
                doc["bls_code"] = nem.get(code)
            occupations[code] = doc
    return occupations, left_out


# Running an import ---------------------------------------------------------------------------


@dataclass
class Sources:
    occupation_data: Path | None = None
    interests: Path | None = None
    job_zones: Path | None = None
    work_values: Path | None = None
    isco_crosswalk: Path | None = None
    nem_crosswalk: Path | None = None
    wages: list[Path] = field(default_factory=list)
    projections: list[Path] = field(default_factory=list)
    labour_market: list[Path] = field(default_factory=list)

    @property
    def onet(self) -> bool:
        return any((self.occupation_data, self.interests, self.job_zones))

    @property
    def named(self) -> bool:
        """Any file given at all (``check`` says whether they make sense together)."""
        return any(getattr(self, name) for name in self.__dataclass_fields__)

    def check(self) -> None:
        trio = (self.occupation_data, self.interests, self.job_zones)
        if any(trio) and not all(trio):
            raise ImportFailed("give Occupation Data, Interests and Job Zones together (or --onet DIR)")
        extras = [name for name in ("work_values", "isco_crosswalk", "nem_crosswalk") if getattr(self, name)]
        if extras and not self.onet:
            raise ImportFailed(f"--{extras[0].replace('_', '-')} is read with the O*NET files, in one run")
        if not self.onet and not (self.wages or self.projections or self.labour_market):
            raise ImportFailed("nothing to import: name O*NET files or labour-market files")


@dataclass
class Parsed:
    report: ImportReport
    occupations: dict[str, dict[str, Any]] | None
    labour: LabourRows


def parse_sources(sources: Sources, progress: Progress) -> Parsed:
    """Read every file named; nothing is written."""
    sources.check()
    report = ImportReport()
    occupations = None
    if sources.onet:
        assert sources.occupation_data and sources.interests and sources.job_zones
        file_report, titles = parse_occupation_data(sources.occupation_data, progress)
        report.files.append(file_report)
        file_report, interests = parse_interests(sources.interests, progress)
        report.files.append(file_report)
        file_report, zones = parse_job_zones(sources.job_zones, progress)
        report.files.append(file_report)
        work_values = isco = nem = None
        if sources.work_values:
            file_report, work_values = parse_work_values(sources.work_values, progress)
            report.files.append(file_report)
        if sources.isco_crosswalk:
            file_report, isco = parse_isco_crosswalk(sources.isco_crosswalk, progress)
            report.files.append(file_report)
        if sources.nem_crosswalk:
            file_report, nem = parse_nem_crosswalk(sources.nem_crosswalk, progress)
            report.files.append(file_report)
        occupations, left_out = assemble_occupations(titles, interests, zones, work_values, isco, nem)
        report.occupations_skipped = left_out
    parts = []
    for paths, parse in (
        (sources.wages, parse_oews),
        (sources.projections, parse_projections),
        (sources.labour_market, parse_labour_market),
    ):
        for path in paths:
            file_report, rows = parse(path, progress)
            report.files.append(file_report)
            parts.append(rows)
    return Parsed(report, occupations, merge_labour(*parts))
