"""Which occupations a result shows, and the notes a client reads beside them.

Plain functions, no I/O: the occupations table and the client's latest work values come in as
arguments, read by ``service.py`` only when there is something to match.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from services.assessments import domain
from services.assessments.notes import note, ties_note

MATCHES_KEPT = 20


def notes_of(scored: domain.Scored, lang: str) -> list[str]:
    """What a new result says before any match: the equal scores that decided it, and that a flat
    interest profile matches nothing."""
    tied = ties_note(domain.inventory(scored.key), scored, lang)
    notes = [tied] if tied else []
    if scored.key == "riasec" and scored.is_flat:
        notes.append(note("flat", lang))
    return notes


def wants_matches(scored: domain.Scored) -> bool:
    """Occupations are matched to an interest profile, and only to one that is not flat."""
    return scored.key == "riasec" and not scored.is_flat


def unmatched_note(scores: Mapping[str, int] | None, lang: str) -> str:
    """Why a result shows no occupations: no interest profile yet, or a flat one."""
    return note("no_profile" if scores is None else "flat", lang)


def ranked(
    table: domain.OccupationTable,
    scores: Mapping[str, int],
    top_values: Sequence[str],
    job_zones: Sequence[int],
    region: str | None,
    lang: str,
    limit: int,
    notes: Sequence[str] = (),
) -> tuple[list[domain.Match], list[str]]:
    """The best-fitting occupations, and ``notes`` with what a reader should know of them: that
    the client's top work values moved them, and that the wages are US figures."""
    matches = table.match(scores, job_zones, top_values, region, limit)
    said = list(notes)
    if top_values and any(m.values_fit is not None for m in matches):
        names = ", ".join(domain.inventory("work_values").area(v).name[lang] for v in top_values)
        said.append(note("values", lang, values=names))
    if region and region != domain.US and any(m.figures and not m.local_figures for m in matches):
        said.append(note("us_figures", lang, region=region))
    return matches, said


def window(matches: Sequence[domain.Match], start: int, limit: int) -> tuple[list[domain.Match], int | None]:
    """The page of ``limit`` matches from rank ``start`` of ``matches`` (ranked from the first, at
    least one past the page when more follow), and the rank the next page starts at (None: no more)."""
    shown = list(matches[start : start + limit])
    return shown, (start + limit if len(matches) > start + limit else None)
