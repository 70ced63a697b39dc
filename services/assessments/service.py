"""assessments: entrypoints only — validate, read, decide, write, publish."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.assessments import chart, domain, schemas
from services.assessments.catalog import region_of_timezone
from services.assessments.inventories import Inventory
from services.assessments.notes import note as _note
from services.assessments.notes import ties_note
from services.assessments.store import AssessmentsStore, OccupationCatalog
from shared.auth import Caller
from shared.clock import isoformat
from shared.errors import NotFound, ValidationFailed
from shared.events.contracts import (
    ASSESSMENT_COMPLETED,
    BRANCH_CREATED,
    SESSION_BOOKED,
    USER_REGISTERED,
    USER_UPDATED,
)
from shared.events.handling import on_event
from shared.ids import new_id
from shared.mongo import MongoStore, now
from shared.people import known_person, participant, person_from_event
from shared.rpc import ServiceRpc
from shared.schemas import is_timezone, load
from shared.service import NjiaService, rpc

MATCHES_KEPT = 20
EVENT_MATCHES = 5


def match_view(match: domain.Match) -> dict[str, Any]:
    occupation, figures = match.occupation, match.figures
    return {
        "soc_code": occupation.code,
        "title": occupation.title,
        "fit": round(match.fit, 3),
        "interest_fit": round(match.interest_fit, 3),
        "values_fit": None if match.values_fit is None else round(match.values_fit, 3),
        **occupation_facts(occupation, figures, match.local_figures),
        "shared_areas": str(match.facts.get("shared_areas", "")),
    }


def occupation_facts(
    occupation: domain.Occupation, figures: domain.LabourFigures | None, local: bool
) -> dict[str, Any]:
    return {
        "soc_code": occupation.code,
        "title": occupation.title,
        "job_zone": occupation.job_zone,
        "job_zone_label": domain.JOB_ZONE_LABELS[occupation.job_zone],
        "profile": dict(zip(domain.RIASEC_AREAS, occupation.profile, strict=True)),
        "occupation_code": occupation.top_areas,
        "shared_areas": "",
        "isco_codes": list(occupation.isco_codes),
        "median_wage": figures.median_wage if figures else None,
        "median_wage_at_least": bool(figures and figures.wage_at_least),
        "wage_currency": figures.currency if figures else None,
        "wage_period": figures.wage_period if figures else None,
        "wage_year": figures.wage_year if figures else None,
        "outlook": figures.outlook if figures else None,
        "employment_change_pct": figures.employment_change_pct if figures else None,
        "projection_period": figures.projection_period if figures else None,
        "labour_region": figures.region if figures else None,
        "local_figures": local,
        "labour_source": figures.source if figures else None,
    }


class AssessmentsService(NjiaService):
    name = "assessments"
    store: AssessmentsStore = MongoStore(AssessmentsStore, "assessments")  # type: ignore[assignment]
    accounts_rpc = ServiceRpc("accounts")
    catalog = OccupationCatalog()

    # Kept from events -------------------------------------------------------------------------

    @on_event("accounts", USER_REGISTERED)
    def handle_user_registered(self, envelope: dict[str, Any]) -> None:
        self.store.remember_person(person_from_event(envelope["data"]))

    @on_event("accounts", USER_UPDATED)
    def handle_user_updated(self, envelope: dict[str, Any]) -> None:
        """A newer copy replaces the kept one; an older one, arriving late, changes nothing."""
        self.store.remember_person(person_from_event(envelope["data"]))

    @on_event("accounts", BRANCH_CREATED)
    def handle_branch_created(self, envelope: dict[str, Any]) -> None:
        data = envelope["data"]
        self.store.remember_branch(
            {k: data[k] for k in ("branch_id", "org_id", "name", "timezone")}
            | {"region": region_of_timezone(data["timezone"])}
        )

    @on_event("scheduling", SESSION_BOOKED)
    def handle_session_booked(self, envelope: dict[str, Any]) -> None:
        """A counselor with a session booked with a client counsels that client: they see the results."""
        data = envelope["data"]
        counselor = participant(data["counselor"])
        since = datetime.fromisoformat(envelope["occurred_at"])
        self.store.remember_counsel(data["client"]["user_id"], counselor, data["org_id"], since)

    def _person(self, user_id: str, caller: Caller) -> dict[str, Any]:
        return known_person(self.store, self.accounts_rpc, user_id, caller)

    def _region(self, branch_id: str | None) -> str | None:
        """The country of the branch (from its time zone): whose labour figures to show."""
        if not branch_id:
            return None
        branch = self.store.branch(branch_id)
        if branch is None:
            try:
                found = self.accounts_rpc.get_branch(branch_id)
            except NotFound:
                return None
            branch = {
                "branch_id": found["id"],
                "org_id": found["org_id"],
                "name": found["name"],
                "timezone": found["timezone"],
                "region": region_of_timezone(found["timezone"]),
            }
            self.store.remember_branch(branch)
        return branch.get("region")

    def _language(self, caller: Caller, asked: str | None = None) -> str:
        if asked:
            return asked
        return str(self._person(caller.user_id, caller).get("language") or "en")

    def _zone(self, caller: Caller) -> str:
        zone = str(self._person(caller.user_id, caller).get("timezone") or "UTC")
        return zone if is_timezone(zone) else "UTC"

    @staticmethod
    def _inventory(key: str) -> Inventory:
        try:
            return domain.inventory(key)
        except domain.UnknownAssessment:
            raise NotFound(f"There is no assessment {key!r}; try riasec or work_values.") from None

    # The inventories ------------------------------------------------------------------------------

    @rpc
    def list_assessments(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        caller = self.auth.caller()
        lang = self._language(caller, load(schemas.LanguageQuery(), query or {})["lang"])
        items = [
            {
                "key": inv.key,
                "title": inv.title[lang],
                "description": inv.description[lang],
                "item_count": len(inv.items),
                "minutes": inv.minutes,
            }
            for inv in (domain.inventory("riasec"), domain.inventory("work_values"))
        ]
        return {"items": items, "next_cursor": None}

    @rpc
    def get_assessment(self, key: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
        caller = self.auth.caller()
        inv = self._inventory(key)
        lang = self._language(caller, load(schemas.LanguageQuery(), query or {})["lang"])
        return {
            "key": inv.key,
            "title": inv.title[lang],
            "description": inv.description[lang],
            "prompt": inv.prompt[lang],
            "language": lang,
            "scale": {"min": inv.scale_min, "max": inv.scale_max, "labels": list(inv.scale_labels[lang])},
            "areas": [
                {"key": a.key, "name": a.name[lang], "description": a.description[lang]} for a in inv.areas
            ],
            "items": [{"id": item.id, "text": item.text[lang], "area": item.area} for item in inv.items],
        }

    # Drafts: save part-way, resume later -----------------------------------------------------------------

    @rpc
    def save_draft(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        caller = self.auth.caller("client")
        inv = self._inventory(key)
        answers = load(schemas.DraftIn(), body)["answers"]
        problems = domain.check_answers(inv, answers, complete=False)
        if problems:
            raise ValidationFailed("Some answers are not for this assessment or not on its scale.", problems)
        doc = self.store.save_draft(caller.user_id, key, answers, now())
        return self._draft_view(inv, doc, self._zone(caller))

    @rpc
    def get_draft(self, key: str) -> dict[str, Any]:
        caller = self.auth.caller("client")
        inv = self._inventory(key)
        doc = self.store.draft(caller.user_id, key)
        if doc is None:
            raise NotFound("You have no saved answers for this assessment.")
        return self._draft_view(inv, doc, self._zone(caller))

    @rpc
    def discard_draft(self, key: str) -> dict[str, Any]:
        caller = self.auth.caller("client")
        self._inventory(key)
        return {"key": key, "discarded": self.store.discard_draft(caller.user_id, key)}

    @staticmethod
    def _draft_view(inv: Inventory, doc: dict[str, Any], zone: str) -> dict[str, Any]:
        left = domain.unanswered(inv, doc["answers"])
        return {
            "key": inv.key,
            "answers": doc["answers"],
            "answered": len(inv.items) - len(left),
            "total": len(inv.items),
            "next_item_id": left[0] if left else None,
            "updated_at": isoformat(doc["updated_at"].astimezone(ZoneInfo(zone))),
        }

    # Responses and results --------------------------------------------------------------------------------

    @rpc
    def submit_response(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        caller = self.auth.caller("client")
        inv = self._inventory(key)
        data = load(schemas.ResponseIn(), body)
        problems = domain.check_answers(inv, data["answers"])
        if problems:
            raise ValidationFailed("Some answers are missing, unknown or not on the scale.", problems)
        scored = domain.score(inv, data["answers"])
        client = self._person(caller.user_id, caller)
        branch_id = caller.branch_id or client.get("branch_id")
        region = self._region(branch_id)
        lang = str(client.get("language") or "en")
        job_zones = sorted(set(data["job_zones"] or domain.JOB_ZONES))
        at = now()
        matches, notes = self._matches(inv, scored, caller.user_id, job_zones, region, lang)
        doc = {
            "_id": new_id("res"),
            "key": inv.key,
            "client_id": caller.user_id,
            "org_id": caller.org_id,
            "branch_id": branch_id,
            "answers": data["answers"],
            "scores": scored.scores,
            "strongest": scored.strongest,
            "ranking": list(scored.ranking),
            "code": scored.code,
            "top_values": list(scored.top) if inv.key == "work_values" else [],
            "ties": ["=".join(group) for group in scored.ties],  # FerretDB keeps no arrays in arrays
            "alternative_codes": list(scored.alternative_codes),
            "job_zones": job_zones,
            "region": region,
            "matches": [match_view(m) for m in matches],
            "notes": notes,
            "created_at": at,
        }
        counselors = self.store.counselors_of(caller.user_id)
        event = self.events.new(
            ASSESSMENT_COMPLETED,
            {
                "result_id": doc["_id"],
                "key": inv.key,
                "title": inv.title[lang],
                "org_id": caller.org_id,
                "branch_id": branch_id,
                "client": participant(client),
                "counselors": counselors,
                "scores": scored.scores,
                "code": scored.code,
                "top_values": doc["top_values"],
                "top_matches": [
                    {"soc_code": m["soc_code"], "title": m["title"], "fit": m["fit"]}
                    for m in doc["matches"][:EVENT_MATCHES]
                ],
                "result_path": f"/results/{doc['_id']}",
                "completed_at": at,
            },
            at,
        )
        self.store.add_result(doc, [event])
        self.store.discard_draft(caller.user_id, inv.key)
        self.events.deliver(self.store, "results", doc["_id"], [event])
        return self._result_view(doc, lang, self._zone(caller))

    def _matches(
        self,
        inv: Inventory,
        scored: domain.Scored,
        client_id: str,
        job_zones: list[int],
        region: str | None,
        lang: str,
        limit: int = MATCHES_KEPT,
    ) -> tuple[list[domain.Match], list[str]]:
        """Matches for an interest profile, with the notes a client should read beside them."""
        tied = ties_note(inv, scored, lang)
        notes = [tied] if tied else []
        if inv.key != "riasec":
            return [], notes
        if scored.is_flat:
            return [], [*notes, _note("flat", lang)]
        values = self.store.latest_result(client_id, "work_values")
        top_values = list(values["top_values"]) if values else []
        return self._ranked(scored.scores, top_values, job_zones, region, lang, limit, notes)

    def _ranked(
        self,
        scores: dict[str, int],
        top_values: list[str],
        job_zones: list[int],
        region: str | None,
        lang: str,
        limit: int,
        notes: list[str],
    ) -> tuple[list[domain.Match], list[str]]:
        table = self.catalog.table(self.store)
        matches = table.match(scores, job_zones, top_values, region, limit)
        if top_values and any(m.values_fit is not None for m in matches):
            names = ", ".join(domain.inventory("work_values").area(v).name[lang] for v in top_values)
            notes.append(_note("values", lang, values=names))
        if region and region != domain.US and any(m.figures and not m.local_figures for m in matches):
            notes.append(_note("us_figures", lang, region=region))
        return matches, notes

    def _result_view(self, doc: dict[str, Any], lang: str, zone: str) -> dict[str, Any]:
        inv = domain.inventory(doc["key"])
        per_area = len(inv.items) // len(inv.areas)
        return {
            "id": doc["_id"],
            "key": doc["key"],
            "title": inv.title[lang],
            "client_id": doc["client_id"],
            "scores": doc["scores"],
            "score_range": {"min": per_area * inv.scale_min, "max": per_area * inv.scale_max},
            "code": doc.get("code"),
            "ranking": doc["ranking"],
            "top_values": doc.get("top_values", []),
            "ties": [tie.split("=") for tie in doc.get("ties", [])],
            "alternative_codes": doc.get("alternative_codes", []),
            "job_zones": doc.get("job_zones", []),
            "region": doc.get("region"),
            "matches": doc.get("matches", []),
            "notes": doc.get("notes", []),
            "created_at": isoformat(doc["created_at"].astimezone(ZoneInfo(zone))),
        }

    def _visible(self, result_id: str, caller: Caller) -> dict[str, Any]:
        doc = self.store.result(result_id)
        if doc is None or not domain.may_see_result(
            client_id=doc["client_id"],
            org_id=doc["org_id"],
            branch_id=doc.get("branch_id"),
            viewer_id=caller.user_id,
            viewer_role=caller.role,
            viewer_org=caller.org_id,
            viewer_branch=caller.branch_id,
            counsels_client=caller.role == "counselor"
            and self.store.counsels(caller.user_id, doc["client_id"]),
        ):
            raise NotFound("No such result.")
        return doc

    @rpc
    def get_result(self, result_id: str) -> dict[str, Any]:
        caller = self.auth.caller()
        doc = self._visible(result_id, caller)
        return self._result_view(doc, self._language(caller), self._zone(caller))

    @rpc
    def list_results(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        caller = self.auth.caller()
        params = load(schemas.ResultQuery(), query or {})
        empty: dict[str, Any] = {"items": [], "next_cursor": None}
        scope: dict[str, Any] = {"org_id": caller.org_id}
        if params["key"]:
            scope["key"] = params["key"]
        limit, cursor = params["limit"], params["cursor"]
        wanted = params["client_id"]
        if caller.role == "counselor":
            clients = self.store.clients_of(caller.user_id)
            if wanted:
                clients = [wanted] if wanted in clients else []
            if not clients:
                return empty
            # One equality read per client: FerretDB would scan every result for `client_id: {$in: …}`.
            docs, next_cursor = self.store.results_of_clients(clients, scope, limit, cursor)
        else:
            if caller.role == "client":
                if wanted and wanted != caller.user_id:
                    return empty
                scope["client_id"] = caller.user_id
            else:
                if caller.role == "branch_admin":
                    scope["branch_id"] = caller.branch_id
                if wanted:
                    scope["client_id"] = wanted
            docs, next_cursor = self.store.results_where(scope, limit, cursor)
        lang, zone = self._language(caller), self._zone(caller)
        return {"items": [self._result_view(d, lang, zone) for d in docs], "next_cursor": next_cursor}

    @rpc
    def result_matches(self, result_id: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
        """Occupations for a result again, in the job zones asked for, with today's table and values."""
        caller = self.auth.caller()
        doc = self._visible(result_id, caller)
        params = load(schemas.MatchQuery(), query or {})
        zones = sorted({int(z) for z in params["job_zones"].split(",")}) if params["job_zones"] else None
        lang = self._language(caller)
        profile: dict[str, Any] | None = doc
        if doc["key"] == "riasec":
            values = self.store.latest_result(doc["client_id"], "work_values")
            top_values = list(values["top_values"]) if values else []
        else:
            profile = self.store.latest_result(doc["client_id"], "riasec")
            top_values = list(doc.get("top_values", []))
        region = doc.get("region")
        notes: list[str] = []
        matches: list[domain.Match] = []
        if profile is None:
            notes.append(_note("no_profile", lang))
        elif len(set(profile["scores"].values())) == 1:
            notes.append(_note("flat", lang))
        else:
            zones = zones or list(domain.JOB_ZONES)
            matches, notes = self._ranked(
                profile["scores"], top_values, zones, region, lang, params["limit"], notes
            )
        return {
            "items": [match_view(m) for m in matches],
            "next_cursor": None,
            "region": region,
            "top_values": top_values,
            "notes": notes,
        }

    @rpc
    def result_chart(self, result_id: str, query: dict[str, Any] | None = None) -> str:
        caller = self.auth.caller()
        doc = self._visible(result_id, caller)
        lang = self._language(caller, load(schemas.LanguageQuery(), query or {})["lang"])
        inv = domain.inventory(doc["key"])
        view = self._result_view(doc, lang, "UTC")
        low, high = view["score_range"]["min"], view["score_range"]["max"]
        bars = [chart.Bar(a.key, a.name[lang], int(doc["scores"][a.key])) for a in inv.areas]
        if doc["key"] == "riasec":
            subtitle = f"{'Msimbo' if lang == 'sw' else 'Code'}: {doc['code']}"
            return chart.hexagon(inv.title[lang], subtitle, bars, low, high, doc["ranking"][:3])
        by_key = {bar.key: bar for bar in bars}
        ordered = [by_key[key] for key in doc["ranking"]]
        top = doc["ranking"][:3]
        subtitle = ", ".join(by_key[key].name for key in top)
        return chart.bars(inv.title[lang], subtitle, ordered, low, high, top)

    # Occupations -------------------------------------------------------------------------------------

    @rpc
    def get_occupation(self, code: str) -> dict[str, Any]:
        caller = self.auth.caller()
        table = self.catalog.table(self.store)
        occupation = table.get(code)
        if occupation is None:
            raise NotFound(f"No occupation {code!r} in Njia's table.")
        region = self._region(caller.branch_id)
        figures, local = table.figures_for(occupation, region)
        facts = occupation_facts(occupation, figures, local)
        values = occupation.work_values
        facts["work_values"] = dict(zip(domain.WORK_VALUES, values, strict=True)) if values else None
        return facts
