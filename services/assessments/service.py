"""assessments: entrypoints only — validate, read, decide, write, publish."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.assessments import domain, gap, matching, pathways, schemas, views
from services.assessments.catalog import default_requirements, kept_branch
from services.assessments.intake import IntakeEntrypoints
from services.assessments.inventories import Inventory
from services.assessments.matching import MATCHES_KEPT
from services.assessments.outcomes import OutcomeEntrypoints
from services.assessments.requirements import ATTRIBUTION, merged, requirements_view
from services.assessments.store import AssessmentsStore, OccupationCatalog
from shared.audit import CLIENT_RECORD_READ, AuditTrail
from shared.auth import Caller
from shared.errors import BadRequest, NotFound, ValidationFailed
from shared.events.contracts import ASSESSMENT_COMPLETED, BRANCH_CREATED, SESSION_BOOKED
from shared.events.handling import on_event
from shared.ids import new_id
from shared.mongo import MongoStore, decode_cursor, encode_cursor, now
from shared.people import KeepsPeople, known_person, participant
from shared.rpc import ServiceRpc
from shared.schemas import is_timezone, load
from shared.service import NjiaService, rpc

Page = tuple[list[dict[str, Any]], str | None]


class AssessmentsService(IntakeEntrypoints, OutcomeEntrypoints, KeepsPeople, NjiaService):
    """People are kept from accounts' events by ``KeepsPeople``; the intake form's entrypoints are
    ``IntakeEntrypoints`` (``intake.py``)."""

    name = "assessments"
    store: AssessmentsStore = MongoStore(AssessmentsStore, "assessments")  # type: ignore[assignment]
    accounts_rpc = ServiceRpc("accounts")
    profiles_rpc = ServiceRpc("profiles")
    catalog = OccupationCatalog()
    audit = AuditTrail()

    # Kept from events -------------------------------------------------------------------------

    @on_event("accounts", BRANCH_CREATED)
    def handle_branch_created(self, envelope: dict[str, Any]) -> None:
        data = envelope["data"]
        self.store.remember_branch(
            kept_branch(data["branch_id"], data["org_id"], data["name"], data["timezone"])
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
            branch = self._branch_from_accounts(branch_id)
        return branch.get("region") if branch is not None else None

    def _branch_from_accounts(self, branch_id: str) -> dict[str, Any] | None:
        try:
            found = self.accounts_rpc.get_branch(branch_id)
        except NotFound:
            return None
        branch = kept_branch(found["id"], found["org_id"], found["name"], found["timezone"])
        self.store.remember_branch(branch)
        return branch

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
        params = load(schemas.AssessmentQuery(), query or {})
        lang = self._language(caller, params["lang"])
        keys, last = domain.inventory_page(params["limit"], decode_cursor(params["cursor"]))
        items = [views.inventory_summary(domain.inventory(key), lang) for key in keys]
        return {"items": items, "next_cursor": encode_cursor(last) if last else None}

    @rpc
    def get_assessment(self, key: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
        caller = self.auth.caller()
        inv = self._inventory(key)
        lang = self._language(caller, load(schemas.LanguageQuery(), query or {})["lang"])
        return views.inventory_view(inv, lang)

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
        return views.draft_view(inv, doc, self._zone(caller))

    @rpc
    def get_draft(self, key: str) -> dict[str, Any]:
        caller = self.auth.caller("client")
        inv = self._inventory(key)
        doc = self.store.draft(caller.user_id, key)
        if doc is None:
            raise NotFound("You have no saved answers for this assessment.")
        return views.draft_view(inv, doc, self._zone(caller))

    @rpc
    def discard_draft(self, key: str) -> dict[str, Any]:
        caller = self.auth.caller("client")
        self._inventory(key)
        return {"key": key, "discarded": self.store.discard_draft(caller.user_id, key)}

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
        matches, notes = self._matches(scored, caller.user_id, job_zones, region, lang)
        facts = {"client_id": caller.user_id, "org_id": caller.org_id, "branch_id": branch_id}
        facts |= {"answers": data["answers"], "job_zones": job_zones, "region": region}
        doc = views.result_document(new_id("res"), scored, facts, matches, notes, at)
        counselors = self.store.counselors_of(caller.user_id)
        completed = views.completed_data(doc, inv.title[lang], participant(client), counselors)
        event = self.events.new(ASSESSMENT_COMPLETED, completed, at)
        self.events.record(
            self.store, "results", doc["_id"], [event], lambda e: self._keep_result(doc, e), fresh=True
        )
        return views.result_view(doc, lang, self._zone(caller))

    def _matches(
        self, scored: domain.Scored, client: str, zones: list[int], region: str | None, lang: str
    ) -> tuple[list[domain.Match], list[str]]:
        """Matches for an interest profile, with the notes a client should read beside them."""
        notes = matching.notes_of(scored, lang)
        if not matching.wants_matches(scored):
            return [], notes
        values, table = self._top_values(client), self.catalog.table(self.store)
        return matching.ranked(table, scored.scores, values, zones, region, lang, MATCHES_KEPT, notes)

    def _keep_result(self, doc: dict[str, Any], events: list[dict[str, Any]]) -> None:
        """The result with its event; the client's draft of it is done with."""
        self.store.add_result(doc, events)
        self.store.discard_draft(doc["client_id"], doc["key"])

    def _top_values(self, client_id: str) -> list[str]:
        """The client's top work values, from their latest work-values result (none without one)."""
        values = self.store.latest_result(client_id, "work_values")
        return list(values["top_values"]) if values else []

    def _visible(self, result_id: str, caller: Caller) -> dict[str, Any]:
        doc = self.store.result(result_id)
        if doc is None or not domain.may_see(caller, doc, self._counsels(caller, doc["client_id"])):
            raise NotFound("No such result.")
        self._record_reads(caller, [doc])
        return doc

    def _record_reads(self, caller: Caller, docs: list[dict[str, Any]]) -> None:
        """Staff reading clients' results goes into the audit log, once per client (a client's own
        reads do not); before the results are handed back, so a read is recorded or not made."""
        for doc in {d["client_id"]: d for d in docs if d["client_id"] != caller.user_id}.values():
            self.audit.record(
                CLIENT_RECORD_READ, doc["client_id"], org_id=doc["org_id"], branch_id=doc.get("branch_id")
            )

    def _counsels(self, caller: Caller, client_id: str) -> bool:
        return caller.role == "counselor" and self.store.counsels(caller.user_id, client_id)

    @rpc
    def get_result(self, result_id: str) -> dict[str, Any]:
        caller = self.auth.caller()
        doc = self._visible(result_id, caller)
        return views.result_view(doc, self._language(caller), self._zone(caller))

    @rpc
    def list_results(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        caller = self.auth.caller()
        params = load(schemas.ResultQuery(), query or {})
        found = self._results_seen_by(caller, params)
        if found is None:
            return {"items": [], "next_cursor": None}
        docs, next_cursor = found
        self._record_reads(caller, docs)
        lang, zone = self._language(caller), self._zone(caller)
        return {"items": [views.result_view(d, lang, zone) for d in docs], "next_cursor": next_cursor}

    def _results_seen_by(self, caller: Caller, params: dict[str, Any]) -> Page | None:
        """A page of the results asked for that the caller may see; None when they may see none."""
        scope = domain.results_scope(caller, params["key"], params["client_id"])
        if scope is None:
            return None
        if caller.role == "counselor":
            return self._results_of_own_clients(caller, scope, params)
        return self.store.results_where(scope, params["limit"], params["cursor"])

    def _results_of_own_clients(
        self, caller: Caller, scope: dict[str, Any], params: dict[str, Any]
    ) -> Page | None:
        clients = domain.counselor_clients(self.store.clients_of(caller.user_id), params["client_id"])
        if not clients:
            return None
        # One equality read per client: FerretDB would scan every result for `client_id: {$in: …}`.
        return self.store.results_of_clients(clients, scope, params["limit"], params["cursor"])

    @rpc
    def result_matches(self, result_id: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
        """Occupations for a result again, in the job zones asked for, with today's table and values."""
        caller = self.auth.caller()
        doc = self._visible(result_id, caller)
        params = load(schemas.MatchQuery(), query or {})
        zones = sorted({int(z) for z in params["job_zones"].split(",")}) if params["job_zones"] else None
        lang, region = self._language(caller), doc.get("region")
        scores, top_values = self._interests_and_values(doc)
        if scores is None or domain.is_flat(scores):
            return views.matches_page([], region, top_values, [matching.unmatched_note(scores, lang)])
        table, zones = self.catalog.table(self.store), zones or list(domain.JOB_ZONES)
        start, limit = self._rank_of(params["cursor"]), params["limit"]
        ranked, notes = matching.ranked(table, scores, top_values, zones, region, lang, start + limit + 1)
        matches, following = matching.window(ranked, start, limit)
        next_cursor = encode_cursor(str(following)) if following is not None else None
        return views.matches_page(matches, region, top_values, notes, next_cursor)

    @staticmethod
    def _rank_of(cursor: str | None) -> int:
        """The rank a page of matches starts at: 0, or what the previous page's cursor says."""
        rank = decode_cursor(cursor)
        if rank is not None and not (rank.isascii() and rank.isdigit() and len(rank) <= 6):
            raise BadRequest("The cursor is not one Njia gave out.", {"cursor": ["Unknown cursor."]})
        return int(rank or 0)

    def _interests_and_values(self, doc: dict[str, Any]) -> tuple[dict[str, int] | None, list[str]]:
        """The interest scores to match a result by (None without an interest profile) and the top
        work values to weigh: the result's own, and the client's latest of the other kind."""
        if doc["key"] == "riasec":
            return doc["scores"], self._top_values(doc["client_id"])
        profile = self.store.latest_result(doc["client_id"], "riasec")
        return (profile["scores"] if profile else None), list(doc.get("top_values", []))

    @rpc
    def result_chart(self, result_id: str, query: dict[str, Any] | None = None) -> str:
        caller = self.auth.caller()
        doc = self._visible(result_id, caller)
        lang = self._language(caller, load(schemas.LanguageQuery(), query or {})["lang"])
        return views.result_chart(doc, lang)

    # Occupations -------------------------------------------------------------------------------------

    @rpc
    def get_occupation(self, code: str) -> dict[str, Any]:
        caller = self.auth.caller()
        table = self.catalog.table(self.store)
        occupation = table.get(code)
        if occupation is None:
            raise NotFound(f"No occupation {code!r} in Njia's table.")
        figures, local = table.figures_for(occupation, self._region(caller.branch_id))
        return views.occupation_view(occupation, figures, local)

    @rpc
    def search_occupations(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        """Occupations by a job title a person would type, best first (``titles.py``)."""
        caller = self.auth.caller()
        params = load(schemas.OccupationSearchQuery(), query or {})
        lang = self._language(caller, params["lang"])
        hits = self.catalog.titles(self.store).search(params["q"])
        start, limit = self._rank_of(params["cursor"]), params["limit"]
        following = start + limit if len(hits) > start + limit else None
        next_cursor = encode_cursor(str(following)) if following is not None else None
        table = self.catalog.table(self.store)
        return views.occupation_hits(hits[start : start + limit], table, lang, next_cursor)

    @rpc
    def occupation_requirements(self, code: str) -> dict[str, Any]:
        """O*NET's skills, knowledge and technologies and ESCO's essential skills for an occupation."""
        self.auth.caller()
        title, doc = self._requirements(code)
        return requirements_view(code, title, doc)

    def _requirements(self, code: str) -> tuple[str, dict[str, Any]]:
        occupation = self.catalog.table(self.store).get(code)
        doc = merged(default_requirements().get(code), self.store.imported_requirements(code))
        title = occupation.title if occupation else doc.get("title")
        if not title:
            raise NotFound(f"No occupation {code!r} in Njia's table.")
        return str(title), doc

    # A client's skills, mapped, and the gap to an occupation ----------------------------------------------

    def _profile(self, client_id: str) -> dict[str, Any]:
        """The client's profile from the profiles service, which decides who may see it (the client,
        their counselors, admins in scope; others 404) and records staff reads in the audit log."""
        return dict(self.profiles_rpc.get_profile({"client_id": client_id}))

    @rpc
    def client_skills(self, client_id: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
        """Each skill of the client's profile with its O*NET or ESCO match (exact, alt_label, fuzzy, none),
        and each position with the occupation its title names."""
        self.auth.caller()
        params = load(schemas.ClientSkillsQuery(), query or {})
        profile = self._profile(client_id)
        decisions = self.store.skill_decisions_of(client_id)
        mapped = gap.mapped_skills(profile.get("skills") or [], self.catalog.vocabulary(), decisions)
        start, limit = self._rank_of(params["cursor"]), params["limit"]
        following = start + limit if len(mapped) > start + limit else None
        next_cursor = encode_cursor(str(following)) if following is not None else None
        positions = gap.mapped_positions(profile.get("positions") or [], self.catalog.titles(self.store))
        page = {"items": mapped[start : start + limit], "next_cursor": next_cursor}
        return {"client_id": client_id, **page, "positions": positions}

    @rpc
    def client_skills_gap(self, client_id: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
        """What the client has of an occupation's requirements and what is missing, weightiest first."""
        self.auth.caller()
        params = load(schemas.SkillsGapQuery(), query or {})
        skills = self._profile(client_id).get("skills") or []
        title, doc = self._requirements(params["occupation"])
        decisions = self.store.skill_decisions_of(client_id)
        mapped = gap.mapped_skills(skills, self.catalog.vocabulary(), decisions)
        return gap.skills_gap(params["occupation"], title, doc, mapped)

    @rpc
    def client_pathways(self, client_id: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
        """Up to five paths of one to three moves from the client's occupation toward a target (or the
        top matches of their interest profile), each step with what it pays, needs and asks to learn."""
        caller = self.auth.caller()
        params = load(schemas.PathwaysQuery(), query or {})
        profile = self._profile(client_id)  # the profiles service decides who may see the client
        table = self.catalog.table(self.store)
        if params["target"] and table.get(params["target"]) is None:
            raise NotFound(f"No occupation {params['target']!r} in Njia's table.")
        interests = self.store.latest_result(client_id, "riasec")
        region = self._region(caller.branch_id)
        matches = (
            table.match(interests["scores"], top_values=self._top_values(client_id), region=region, limit=10)
            if interests
            else []
        )
        targets = [params["target"]] if params["target"] else [m.occupation.code for m in matches]
        if not targets:
            message = (
                "Name a target occupation, or take the interest profiler first: its matches are the targets."
            )
            raise ValidationFailed(message, {"target": [message]})
        positions = gap.mapped_positions(profile.get("positions") or [], self.catalog.titles(self.store))
        held = pathways.current_occupation(positions)
        zones = {o.code: o.job_zone for o in table.occupations}

        def fit(code: str) -> float | None:
            occupation = table.get(code)
            if interests is None or occupation is None:
                return None
            return domain.pearson(
                [float(interests["scores"][a]) for a in domain.RIASEC_AREAS], occupation.profile
            )

        start = held["occupation"]["code"] if held else None
        starts = (
            [start]
            if start
            else pathways.entry_points(zones, [m.occupation.code for m in matches] or targets)
        )
        found = pathways.best_paths(self.catalog.moves(self.store), zones, starts, targets, fit)
        if not found and not start:
            found = [pathways.Path((code,), 0.0) for code in starts]
        mapped = gap.mapped_skills(
            profile.get("skills") or [], self.catalog.vocabulary(), self.store.skill_decisions_of(client_id)
        )

        def step(code: str) -> dict[str, Any]:
            occupation = table.get(code)
            assert occupation is not None, "paths go only through the table's occupations"
            figures, local = table.figures_for(occupation, region)
            title, doc = self._requirements(code)
            return views.pathway_step(
                occupation, figures, local, fit(code), gap.skills_gap(code, title, doc, mapped)
            )

        begun = table.get(start) if start else None
        return {
            "client_id": client_id,
            "start": {
                "soc_code": start,
                "title": begun.title if begun else None,
                "job_zone": begun.job_zone if begun else None,
                "source": "position" if held else "matches",
                "position_title": held["title"] if held else None,
            },
            "targets": [{"code": code, "title": t.title} for code in targets if (t := table.get(code))],
            "paths": [
                {
                    "steps": [step(code) for code in (path.codes[1:] if start else path.codes)],
                    "reaches": path.codes[-1],
                    "rank": rank,
                }
                for rank, path in enumerate(found, start=1)
            ],
            "attribution": ATTRIBUTION,
        }

    @rpc
    def decide_skill(self, client_id: str, skill: str, body: dict[str, Any]) -> dict[str, Any]:
        """The client or a counselor of theirs confirms, rejects or re-maps one skill's match."""
        caller = self.auth.caller("client", "counselor")
        data = load(schemas.SkillDecisionIn(), body)
        skills = self._profile(client_id).get("skills") or []
        found = [s for s in skills if gap.decision_key(str(s.get("name") or "")) == gap.decision_key(skill)]
        if not found:
            raise NotFound("The profile has no such skill.")
        concept = self._concept(data) if data["action"] == "remap" else None
        decision = gap.decision_doc(data["action"], concept, caller.user_id, caller.role, now())
        self.store.decide_skill(client_id, gap.decision_key(skill), decision)
        return gap.mapped_skills(found[:1], self.catalog.vocabulary(), {gap.decision_key(skill): decision})[0]

    def _concept(self, data: dict[str, Any]) -> Any:
        concept = self.catalog.vocabulary().concept(data["scheme"] or "", data["id"] or "")
        if concept is None:
            message = "Name an O*NET or ESCO concept Njia knows: scheme (onet or esco) and id."
            raise ValidationFailed(message, {"id": [message]})
        return concept
