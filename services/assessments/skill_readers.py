"""Reading what occupations require: O*NET Skills, Knowledge, Technology Skills, Alternate Titles and
Related Occupations, and the ESCO classification (skills, occupations, occupation-skill relations).

Pure like ``readers.py`` (whose row reading, report and progress bar it uses): files are read,
nothing is written. The result is one requirements document per O*NET-SOC code, holding only the
fields whose files were given, so an import of one file updates that part alone, and the ESCO
skills (label and alternative labels) for matching free text.

O*NET's advice is followed: an element whose importance or level is marked *Recommend Suppress*
or whose level is rated *Not Relevant* is left out. ESCO occupations reach O*NET occupations
through Nesta's ESCO-O*NET crosswalk (``concept_uri`` to ``onet_code``). That crosswalk still
names many occupations by their O*NET-SOC 2010 codes (Software Developers as 15-1132.00, not
15-1252.00), so an occupation it does not name is mapped to the ESCO occupations whose preferred
label is one of its own titles ("Software Developer"), when Alternate Titles are imported with
ESCO; ``esco_mapped_by`` says which way (``crosswalk`` or ``title``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.assessments.readers import (
    ONET_SOC,
    FileReport,
    ImportFailed,
    Progress,
    cell,
    column,
    number,
    rows_of,
)
from services.assessments.titles import words_of

ESCO_URI = re.compile(r"^http://data\.europa\.eu/esco/(skill|occupation)/[0-9a-f-]{36}$")
RELATED_TIERS = ("Primary-Short", "Primary-Long", "Supplemental")
IMPORTANCE = (1.0, 5.0)
BY_TITLE_MOST = 3
LEVEL = (0.0, 7.0)
ONET_REQUIREMENT_FILES = {
    "skills": "Skills.txt",
    "knowledge": "Knowledge.txt",
    "technology_skills": "Technology Skills.txt",
    "alternate_titles": "Alternate Titles.txt",
    "related_occupations": "Related Occupations.txt",
}
ESCO_FILES = {
    "esco_skills": "skills_en",
    "esco_occupations": "occupations_en",
    "esco_relations": "occupationSkillRelations",
}


@dataclass
class RequirementSources:
    skills: Path | None = None
    knowledge: Path | None = None
    technology_skills: Path | None = None
    alternate_titles: Path | None = None
    related_occupations: Path | None = None
    esco_skills: Path | None = None
    esco_occupations: Path | None = None
    esco_relations: Path | None = None
    esco_crosswalk: Path | None = None  # Nesta's ESCO-O*NET crosswalk

    @property
    def any(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)

    @property
    def esco(self) -> bool:
        return any((self.esco_skills, self.esco_occupations, self.esco_relations))

    def check(self) -> None:
        trio = (self.esco_skills, self.esco_occupations, self.esco_relations)
        if self.esco and not all(trio):
            raise ImportFailed(
                "give ESCO's skills, occupations and occupation-skill relations together (or --esco DIR)"
            )
        if self.esco and not self.esco_crosswalk:
            raise ImportFailed(
                "ESCO occupations reach O*NET's through a crosswalk: add --esco-crosswalk "
                "(or --isco-crosswalk)"
            )

    @classmethod
    def from_folders(cls, onet: Path | None, esco: Path | None, **given: Path | None) -> RequirementSources:
        """The files named, and those found by their usual names in O*NET's and ESCO's folders."""
        sources = cls(**given)
        for name, filename in ONET_REQUIREMENT_FILES.items():
            if onet and getattr(sources, name) is None and (onet / filename).exists():
                setattr(sources, name, onet / filename)
        if esco is not None:
            if not esco.is_dir():
                raise ImportFailed(f"--esco {esco} is not a folder")
            for name, stem in ESCO_FILES.items():
                found = sorted(esco.glob(f"{stem}*.csv"))
                if getattr(sources, name) is None and not found:
                    raise ImportFailed(f"--esco {esco} holds no {stem}*.csv")
                if getattr(sources, name) is None:
                    setattr(sources, name, found[0])
        return sources


@dataclass
class ParsedRequirements:
    files: list[FileReport] = field(default_factory=list)
    requirements: dict[str, dict[str, Any]] = field(default_factory=dict)
    esco_skills: dict[str, dict[str, Any]] = field(default_factory=dict)


# O*NET -------------------------------------------------------------------------------------------


def parse_ratings(
    path: Path, label: str, progress: Progress
) -> tuple[FileReport, dict[str, list[dict[str, Any]]]]:
    """Skills or Knowledge: per occupation, ``{id, name, importance, level}`` of each element that
    is rated on both scales and neither suppressed nor rated not relevant; most important first."""
    report, header, rows = rows_of(path, label, "\t", progress)
    at = {
        "code": column(header, label, "O*NET-SOC Code"),
        "id": column(header, label, "Element ID"),
        "name": column(header, label, "Element Name"),
        "scale": column(header, label, "Scale ID"),
        "value": column(header, label, "Data Value"),
        "suppress": column(header, label, "Recommend Suppress", required=False),
        "not_relevant": column(header, label, "Not Relevant", required=False),
    }
    needed = max(i for i in at.values() if i is not None)
    ratings: dict[tuple[str, str], dict[str, Any]] = {}
    dropped: set[tuple[str, str]] = set()
    for line, row in rows:
        code, element, scale = cell(row, at["code"]), cell(row, at["id"]), cell(row, at["scale"])
        value = number(cell(row, at["value"]))
        if len(row) <= needed:
            report.skip(line, f"too few columns: {len(row)} of {len(header)}", row)
            continue
        if not ONET_SOC.match(code):
            report.skip(line, f"not an O*NET-SOC code: {code!r}", row)
            continue
        if scale not in ("IM", "LV"):
            report.ignored[f"rows of scale {scale or '(none)'} (only IM and LV are used)"] += 1
            continue
        low, high = IMPORTANCE if scale == "IM" else LEVEL
        if not element or not cell(row, at["name"]):
            report.skip(line, "no element id or name", row)
            continue
        if value is None or not low <= value <= high:
            report.skip(
                line, f"{scale} value not a number from {low:g} to {high:g}: {cell(row, at['value'])!r}", row
            )
            continue
        key = (code, element)
        if cell(row, at["suppress"]).upper() == "Y":
            report.ignored["ratings O*NET recommends suppressing (element left out)"] += 1
            dropped.add(key)
            continue
        if cell(row, at["not_relevant"]).upper() == "Y":
            report.ignored["elements rated not relevant (left out)"] += 1
            dropped.add(key)
            continue
        rating = ratings.setdefault(key, {"id": element, "name": cell(row, at["name"])})
        name = "importance" if scale == "IM" else "level"
        if name in rating:
            report.skip(line, f"second {scale} rating: {code} {element}", row)
            continue
        rating[name] = value
        report.used += 1
    found: dict[str, list[dict[str, Any]]] = {}
    for (code, element), rating in ratings.items():
        if (code, element) in dropped:
            continue
        if "importance" not in rating or "level" not in rating:
            report.ignored["elements rated on one scale only (left out)"] += 1
            continue
        found.setdefault(code, []).append(rating)
    for elements in found.values():
        elements.sort(key=lambda r: (-r["importance"], -r["level"], r["id"]))
    return report, found


def parse_technology_skills(
    path: Path, progress: Progress
) -> tuple[FileReport, dict[str, list[dict[str, Any]]]]:
    """Technology Skills: per occupation, ``{example, commodity, hot, in_demand}``; hot first."""
    report, header, rows = rows_of(path, "Technology Skills", "\t", progress)
    label = report.label
    at = {
        "code": column(header, label, "O*NET-SOC Code"),
        "example": column(header, label, "Example"),
        "commodity": column(header, label, "Commodity Title", required=False),
        "hot": column(header, label, "Hot Technology", required=False),
        "in_demand": column(header, label, "In Demand", required=False),
    }
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for line, row in rows:
        code, example = cell(row, at["code"]), cell(row, at["example"])
        flags = [cell(row, at[name]).upper() for name in ("hot", "in_demand")]
        if not ONET_SOC.match(code):
            report.skip(line, f"not an O*NET-SOC code: {code!r}", row)
        elif not example:
            report.skip(line, "no example", row)
        elif any(flag not in ("Y", "N", "") for flag in flags):
            report.skip(line, f"Hot Technology / In Demand not Y or N: {flags}", row)
        elif example.lower() in found.get(code, {}):
            report.skip(line, f"second row for one technology: {code} {example}", row)
        else:
            found.setdefault(code, {})[example.lower()] = {
                "example": example,
                "commodity": cell(row, at["commodity"]) or None,
                "hot": flags[0] == "Y",
                "in_demand": flags[1] == "Y",
            }
            report.used += 1
    return report, {
        code: sorted(techs.values(), key=lambda t: (not t["hot"], not t["in_demand"], t["example"].lower()))
        for code, techs in found.items()
    }


def parse_alternate_titles(path: Path, progress: Progress) -> tuple[FileReport, dict[str, list[str]]]:
    """Alternate Titles: per occupation, its other titles and their short forms, each once."""
    report, header, rows = rows_of(path, "Alternate Titles", "\t", progress)
    label = report.label
    code_at = column(header, label, "O*NET-SOC Code")
    title_at = column(header, label, "Alternate Title")
    short_at = column(header, label, "Short Title", required=False)
    found: dict[str, dict[str, str]] = {}
    for line, row in rows:
        code, title = cell(row, code_at), cell(row, title_at)
        if not ONET_SOC.match(code):
            report.skip(line, f"not an O*NET-SOC code: {code!r}", row)
            continue
        if not title or title.lower() == "n/a":
            report.skip(line, "no alternate title", row)
            continue
        titles = found.setdefault(code, {})
        if title.lower() in titles:
            report.skip(line, f"duplicate title: {code} {title}", row)
            continue
        titles[title.lower()] = title
        short = cell(row, short_at)
        if short and short.lower() != "n/a":
            titles.setdefault(short.lower(), short)
        report.used += 1
    return report, {code: list(titles.values()) for code, titles in found.items()}


def parse_related_occupations(
    path: Path, progress: Progress
) -> tuple[FileReport, dict[str, list[dict[str, Any]]]]:
    """Related Occupations: per occupation, ``{code, tier, index}`` in O*NET's order."""
    report, header, rows = rows_of(path, "Related Occupations", "\t", progress)
    label = report.label
    code_at = column(header, label, "O*NET-SOC Code")
    related_at = column(header, label, "Related O*NET-SOC Code")
    tier_at = column(header, label, "Relatedness Tier", required=False)
    index_at = column(header, label, "Index", required=False)
    found: dict[str, list[dict[str, Any]]] = {}
    for line, row in rows:
        code, related, tier = cell(row, code_at), cell(row, related_at), cell(row, tier_at)
        index = number(cell(row, index_at))
        if not ONET_SOC.match(code) or not ONET_SOC.match(related):
            report.skip(line, f"not an O*NET-SOC code: {code!r} -> {related!r}", row)
        elif related == code:
            report.skip(line, f"related to itself: {code}", row)
        elif tier and tier not in RELATED_TIERS:
            report.skip(line, f"unknown relatedness tier: {tier!r}", row)
        elif any(r["code"] == related for r in found.get(code, ())):
            report.skip(line, f"second row for one pair: {code} -> {related}", row)
        else:
            found.setdefault(code, []).append(
                {"code": related, "tier": tier or None, "index": int(index) if index is not None else None}
            )
            report.used += 1
    for related_list in found.values():
        related_list.sort(key=lambda r: (r["index"] is None, r["index"] or 0, r["code"]))
    return report, found


# ESCO ---------------------------------------------------------------------------------------------


def _labels(text: str) -> list[str]:
    return [label.strip() for label in text.split("\n") if label.strip()]


def parse_esco_skills(path: Path, progress: Progress) -> tuple[FileReport, dict[str, dict[str, Any]]]:
    """ESCO skills: ``{label, alt_labels, type, reuse}`` per concept URI."""
    report, header, rows = rows_of(path, "ESCO skills", ",", progress)
    label = report.label
    at = {
        "uri": column(header, label, "conceptUri"),
        "label": column(header, label, "preferredLabel"),
        "alt": column(header, label, "altLabels", required=False),
        "type": column(header, label, "skillType", required=False),
        "reuse": column(header, label, "reuseLevel", required=False),
        "status": column(header, label, "status", required=False),
    }
    skills: dict[str, dict[str, Any]] = {}
    for line, row in rows:
        uri, preferred = cell(row, at["uri"]), cell(row, at["label"])
        status = cell(row, at["status"])
        if not ESCO_URI.match(uri) or "/skill/" not in uri:
            report.skip(line, f"not an ESCO skill URI: {uri[:80]!r}", row)
        elif not preferred:
            report.skip(line, "no preferred label", row)
        elif status and status != "released":
            report.ignored[f"skills of status {status}"] += 1
        elif uri in skills:
            report.skip(line, f"duplicate skill: {uri}", row)
        else:
            alt = [a for a in _labels(cell(row, at["alt"])) if a.lower() != preferred.lower()]
            skills[uri] = {
                "label": preferred,
                "alt_labels": sorted(set(alt), key=lambda a: (a.lower(), a)),
                "type": cell(row, at["type"]) or None,
                "reuse": cell(row, at["reuse"]) or None,
            }
            report.used += 1
    return report, skills


def parse_esco_occupations(path: Path, progress: Progress) -> tuple[FileReport, dict[str, dict[str, Any]]]:
    """ESCO occupations: ``{label, alt_labels, isco_group}`` per concept URI."""
    report, header, rows = rows_of(path, "ESCO occupations", ",", progress)
    label = report.label
    uri_at = column(header, label, "conceptUri")
    label_at = column(header, label, "preferredLabel")
    alt_at = column(header, label, "altLabels", required=False)
    isco_at = column(header, label, "iscoGroup", required=False)
    occupations: dict[str, dict[str, Any]] = {}
    for line, row in rows:
        uri, preferred = cell(row, uri_at), cell(row, label_at)
        if not ESCO_URI.match(uri) or "/occupation/" not in uri:
            report.skip(line, f"not an ESCO occupation URI: {uri[:80]!r}", row)
        elif not preferred:
            report.skip(line, "no preferred label", row)
        elif uri in occupations:
            report.skip(line, f"duplicate occupation: {uri}", row)
        else:
            alt = [a for a in _labels(cell(row, alt_at)) if a.lower() != preferred.lower()]
            occupations[uri] = {
                "label": preferred,
                "alt_labels": alt,
                "isco_group": cell(row, isco_at) or None,
            }
            report.used += 1
    return report, occupations


def parse_esco_relations(
    path: Path, progress: Progress, occupations: dict[str, Any], skills: dict[str, Any]
) -> tuple[FileReport, dict[str, dict[str, list[str]]]]:
    """Occupation-skill relations: per ESCO occupation, its ``essential`` and ``optional`` skill URIs.
    Relations naming an occupation or skill not in the files given are skipped (ESCO v1.1.1 holds
    67 for one occupation it does not list)."""
    report, header, rows = rows_of(path, "ESCO relations", ",", progress)
    label = report.label
    occ_at = column(header, label, "occupationUri")
    kind_at = column(header, label, "relationType")
    skill_at = column(header, label, "skillUri")
    relations: dict[str, dict[str, list[str]]] = {}
    for line, row in rows:
        occupation, kind, skill = cell(row, occ_at), cell(row, kind_at), cell(row, skill_at)
        if kind not in ("essential", "optional"):
            report.skip(line, f"relation not essential or optional: {kind!r}", row)
        elif occupation not in occupations:
            report.skip(line, f"occupation not in the ESCO occupations file: {occupation[-36:]}", row)
        elif skill not in skills:
            report.skip(line, f"skill not in the ESCO skills file: {skill[-36:]}", row)
        else:
            relations.setdefault(occupation, {"essential": [], "optional": []})[kind].append(skill)
            report.used += 1
    return report, relations


def parse_esco_crosswalk(path: Path, progress: Progress) -> tuple[FileReport, dict[str, list[str]]]:
    """Nesta's ESCO-O*NET crosswalk: per O*NET-SOC code, the ESCO occupation URIs mapped to it."""
    report, header, rows = rows_of(path, "ESCO-O*NET crosswalk", ",", progress)
    onet_at = column(header, report.label, "onet_code", "O*NET-SOC Code")
    uri_at = column(header, report.label, "concept_uri", "conceptUri")
    found: dict[str, list[str]] = {}
    for line, row in rows:
        onet, uri = cell(row, onet_at), cell(row, uri_at)
        if not ONET_SOC.match(onet):
            report.skip(line, f"not an O*NET-SOC code: {onet!r}", row)
        elif not ESCO_URI.match(uri):
            report.skip(line, f"not an ESCO occupation URI: {uri[:80]!r}", row)
        elif uri not in found.get(onet, ()):
            found.setdefault(onet, []).append(uri)
            report.used += 1
    return report, found


# Putting the requirements together ----------------------------------------------------------------------


def by_title(
    titles: dict[str, list[str]], occupations: dict[str, dict[str, Any]], mapped: Iterable[str]
) -> dict[str, list[str]]:
    """ESCO occupations for the O*NET occupations not in ``mapped``: those whose preferred label is
    one of the occupation's titles (compared as ``titles.words_of`` reads them), those sharing the
    most titles with it (preferred or alternative labels) first, at most ``BY_TITLE_MOST``."""
    by_label: dict[tuple[str, ...], list[str]] = {}
    labels: dict[str, set[tuple[str, ...]]] = {}
    for uri, occupation in occupations.items():
        by_label.setdefault(words_of(occupation["label"]), []).append(uri)
        labels[uri] = {words_of(label) for label in (occupation["label"], *occupation["alt_labels"])}
    skip = set(mapped)
    found: dict[str, list[str]] = {}
    for code, names in titles.items():
        if code in skip:
            continue
        own = {words_of(name) for name in names}
        uris = {uri for name in own for uri in by_label.get(name, ())}
        if uris:
            ranked = sorted(uris, key=lambda uri: (-len(own & labels[uri]), occupations[uri]["label"]))
            found[code] = ranked[:BY_TITLE_MOST]
    return found


def esco_parts(
    crosswalk: dict[str, list[str]],
    occupations: dict[str, dict[str, Any]],
    relations: dict[str, dict[str, list[str]]],
    skills: dict[str, dict[str, Any]],
    mapped_by: str = "crosswalk",
) -> dict[str, dict[str, Any]]:
    """Per O*NET-SOC code: the ESCO occupations mapped to it, their labels as further titles, and
    the skills essential to any of them (``[{uri, label, share}]``, ``share`` the fraction of those
    ESCO occupations it is essential to; most shared first)."""
    parts: dict[str, dict[str, Any]] = {}
    for code, uris in crosswalk.items():
        known = [uri for uri in uris if uri in occupations]
        counts: dict[str, int] = {}
        for uri in known:
            for skill in relations.get(uri, {}).get("essential", ()):
                counts[skill] = counts.get(skill, 0) + 1
        essential = sorted(counts, key=lambda s: (-counts[s], skills[s]["label"].lower()))
        titles = _unique(
            label for uri in known for label in (occupations[uri]["label"], *occupations[uri]["alt_labels"])
        )
        parts[code] = {
            "esco_mapped_by": mapped_by,
            "esco_occupations": known,
            "esco_titles": titles,
            "esco_essential": [
                {"uri": s, "label": skills[s]["label"], "share": round(counts[s] / len(known), 3)}
                for s in essential
            ],
        }
    return parts


def _unique(texts: Iterable[str]) -> list[str]:
    """Each text once (case ignored), the first spelling kept, in order."""
    seen: dict[str, str] = {}
    for text in texts:
        seen.setdefault(text.lower(), text)
    return list(seen.values())


def parse_requirements(sources: RequirementSources, progress: Progress) -> ParsedRequirements:
    """Read every requirements file named; one document per O*NET-SOC code with the parts found."""
    sources.check()
    parsed = ParsedRequirements()
    docs = parsed.requirements

    def add(name: str, per_code: dict[str, Any]) -> None:
        for code, value in per_code.items():
            docs.setdefault(code, {})[name] = value

    for name, parse in (
        ("skills", lambda p: parse_ratings(p, "Skills", progress)),
        ("knowledge", lambda p: parse_ratings(p, "Knowledge", progress)),
        ("technology", lambda p: parse_technology_skills(p, progress)),
        ("alternate_titles", lambda p: parse_alternate_titles(p, progress)),
        ("related", lambda p: parse_related_occupations(p, progress)),
    ):
        path = getattr(
            sources, {"technology": "technology_skills", "related": "related_occupations"}.get(name, name)
        )
        if path is not None:
            report, per_code = parse(path)
            parsed.files.append(report)
            add(name, per_code)
    if sources.esco:
        assert sources.esco_skills and sources.esco_occupations and sources.esco_relations
        assert sources.esco_crosswalk
        skills_report, skills = parse_esco_skills(sources.esco_skills, progress)
        occ_report, occupations = parse_esco_occupations(sources.esco_occupations, progress)
        rel_report, relations = parse_esco_relations(sources.esco_relations, progress, occupations, skills)
        walk_report, crosswalk = parse_esco_crosswalk(sources.esco_crosswalk, progress)
        parsed.files.extend((skills_report, occ_report, rel_report, walk_report))
        for code, part in esco_parts(crosswalk, occupations, relations, skills).items():
            docs.setdefault(code, {}).update(part)
        titles = {
            code: [*([doc["title"]] if doc.get("title") else []), *doc.get("alternate_titles", ())]
            for code, doc in docs.items()
        }
        named = by_title(titles, occupations, crosswalk)
        for code, part in esco_parts(named, occupations, relations, skills, "title").items():
            docs[code].update(part)
        parsed.esco_skills = skills
    return parsed
