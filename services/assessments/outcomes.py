"""assessments: outcome measures a client answers over time (career readiness, a pulse after each
session, where they are now) and each client's series with its change.

Entrypoints of ``AssessmentsService`` (a mixin: the class is composed in ``service.py``); the
instruments, scoring and reliability are ``measures.py``.
"""

from __future__ import annotations

import hashlib
import statistics
from datetime import datetime
from typing import Any

from services.assessments import chart, domain, measures, schemas
from shared.audit import CLIENT_RECORD_READ
from shared.auth import Caller
from shared.clock import isoformat
from shared.errors import Forbidden, NotFound, ValidationFailed
from shared.ids import new_id
from shared.mongo import now
from shared.schemas import load
from shared.service import rpc


def _measure(key: str) -> measures.Measure:
    try:
        return measures.measure(key)
    except measures.UnknownMeasure:
        raise NotFound("No such measure.") from None


def measure_summary(m: measures.Measure, lang: str) -> dict[str, Any]:
    return {
        "key": m.key,
        "title": m.title[lang],
        "description": m.description[lang],
        "kind": m.kind,
        "item_count": len(m.items),
    }


def measure_view(m: measures.Measure, lang: str) -> dict[str, Any]:
    view = {
        **measure_summary(m, lang),
        "language": lang,
        "scale": (
            {"min": m.scale_min, "max": m.scale_max, "labels": list(m.scale_labels[lang])}
            if m.scale_labels
            else None
        ),
        "subscales": [{"key": s.key, "label": s.name[lang]} for s in m.subscales],
        "items": [{"id": i.id, "subscale": i.subscale, "text": i.text[lang]} for i in m.items],
    }
    if m.kind == "destination":
        view["statuses"] = [
            {"key": k, "label": label[lang]} for k, (label, _) in measures.DESTINATIONS.items()
        ]
    return view


def response_view(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": doc["_id"],
        "client_id": doc["client_id"],
        "measure": doc["measure"],
        "created_at": isoformat(doc["created_at"]),
        "score": doc["score"],
        "subscales": doc.get("subscales") or {},
        "reason": doc.get("reason"),
        "answers": doc.get("answers") or {},
        "destination": doc.get("destination"),
        "session_id": doc.get("session_id"),
        "entered_by": doc["entered_by"],
    }


def _destination(data: dict[str, Any], entered_by_staff: bool) -> dict[str, Any]:
    if not data.get("status"):
        raise ValidationFailed(details={"status": ["Say where the client is now."]})
    status = data["status"]
    if status == "further_education" and not data["education_kind"]:
        raise ValidationFailed(details={"education_kind": ["University, TVET or a short course?"]})
    return {
        "status": status,
        "career_outcome": measures.is_career_outcome(status),
        "occupation_title": data["occupation_title"],
        "occupation_code": None,
        "sector": data["sector"],
        "related_to_plan": data["related_to_plan"],
        "education_kind": data["education_kind"] if status == "further_education" else None,
        "source": data["source"] or ("counselor" if entered_by_staff else "client"),
    }


class OutcomeEntrypoints:
    """Mixed into ``AssessmentsService``: uses its ``store``, ``auth``, ``audit``, ``catalog`` and
    ``request_id``, and its ``_person``, ``_language`` and ``_counsels``."""

    store: Any
    auth: Any
    audit: Any
    catalog: Any
    request_id: Any

    def _person(self, user_id: str, caller: Caller) -> dict[str, Any]:
        raise NotImplementedError  # AssessmentsService's

    def _language(self, caller: Caller, asked: str | None = None) -> str:
        raise NotImplementedError  # AssessmentsService's

    def _counsels(self, caller: Caller, client_id: str) -> bool:
        raise NotImplementedError  # AssessmentsService's

    # The instruments ----------------------------------------------------------------------------

    @rpc
    def list_measures(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        caller = self.auth.caller()
        lang = self._language(caller, load(schemas.LanguageQuery(), query or {})["lang"])
        return {"items": [measure_summary(m, lang) for m in measures.MEASURES.values()], "language": lang}

    @rpc
    def get_measure(self, key: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
        caller = self.auth.caller()
        lang = self._language(caller, load(schemas.LanguageQuery(), query or {})["lang"])
        return measure_view(_measure(key), lang)

    # Answers ------------------------------------------------------------------------------------

    def _client_in_view(self, caller: Caller, client_id: str) -> dict[str, Any]:
        """The client, when the caller may see their measures (the client, their counselors, their
        admins); 404 otherwise, as if there were none."""
        try:
            client = self._person(client_id, caller)
        except NotFound:
            raise NotFound("No such client.") from None
        visible = client.get("role") == "client" and domain.may_see_result(
            client_id=client_id,
            org_id=client["org_id"],
            branch_id=client.get("branch_id"),
            viewer_id=caller.user_id,
            viewer_role=caller.role,
            viewer_org=caller.org_id,
            viewer_branch=caller.branch_id,
            counsels_client=self._counsels(caller, client_id),
        )
        if not visible:
            raise NotFound("No such client.")
        return client

    @rpc
    def submit_measure_response(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        """A client's answers (or, for a destination, a counselor entering what the client reported)."""
        caller = self.auth.caller("client", "counselor")
        m = _measure(key)
        data = load(schemas.MeasureResponseIn(), body)
        client_id = data["client_id"] or caller.user_id
        if caller.role == "counselor" and (key != "destination" or client_id == caller.user_id):
            raise Forbidden("Counselors enter only a destination a client reported, naming the client.")
        if caller.role == "client" and client_id != caller.user_id:
            raise Forbidden("Clients answer for themselves.")
        client = self._client_in_view(caller, client_id)
        doc = {
            "_id": self._response_id(caller, key),
            "client_id": client_id,
            "org_id": client["org_id"],
            "branch_id": client.get("branch_id"),
            "measure": key,
            "created_at": now(),
            "entered_by": caller.user_id,
            "session_id": data["session_id"],
        }
        if m.kind == "destination":
            destination = _destination(data, caller.role != "client")
            destination["occupation_code"] = self._occupation_code(destination["occupation_title"])
            doc.update(destination=destination, answers={}, score=None, subscales={}, reason=None)
        else:
            answers = data.get("answers")
            if not answers:
                raise ValidationFailed(details={"answers": ["Answer the items (item id to 1-5)."]})
            faults = measures.check_answers(m, answers)
            if faults:
                raise ValidationFailed(details={f"answers.{item}": [why] for item, why in faults.items()})
            scored = measures.score(m, answers)
            doc.update(
                answers=answers, score=scored["score"], subscales=scored["subscales"], reason=scored["reason"]
            )
        self.store.add_measure_response(doc)
        return response_view(doc)

    def _response_id(self, caller: Caller, key: str) -> str:
        """Derived from the gateway's request id, which a redelivered RPC carries: written once."""
        request_id = self.request_id
        if not request_id:
            return new_id("msr")
        digest = hashlib.sha256(f"{caller.user_id}\0{key}\0{request_id}".encode()).hexdigest()
        return f"msr_{digest[:28]}"

    def _occupation_code(self, title: str | None) -> str | None:
        """The O*NET-SOC code a job title names plainly (its title or an alternate title), if any."""
        if not title:
            return None
        hits = self.catalog.titles(self.store).search(title)
        return str(hits[0].code) if hits and hits[0].match in ("title", "alternate_title") else None

    # A client's series --------------------------------------------------------------------------

    @rpc
    def client_measure_series(self, client_id: str, key: str) -> dict[str, Any]:
        caller = self.auth.caller()
        m = _measure(key)
        client = self._client_in_view(caller, client_id)
        if client_id != caller.user_id:
            self.audit.record(
                CLIENT_RECORD_READ, client_id, org_id=client["org_id"], branch_id=client.get("branch_id")
            )
        responses = self.store.measure_responses_of(client_id, key)
        return {
            "client_id": client_id,
            "measure": key,
            "items": [response_view(doc) for doc in responses],
            "change": self._change(m, responses) if m.kind == "scale" else None,
        }

    def _change(self, m: measures.Measure, responses: list[dict[str, Any]]) -> dict[str, Any] | None:
        scored = [doc for doc in responses if doc.get("score") is not None]
        if len(scored) < 2:
            return None
        everyone = self.store.measure_answers(m.key)
        rows = measures.keyed_rows(m, [doc.get("answers") or {} for doc in everyone])
        scores = [float(doc["score"]) for doc in everyone if doc.get("score") is not None]
        spread = statistics.stdev(scores) if len(scores) > 1 else None
        alpha = measures.cronbach_alpha(rows)
        return measures.reliable_change(scored[0]["score"], scored[-1]["score"], spread, alpha, len(rows))

    @rpc
    def client_measure_chart(self, client_id: str, key: str, query: dict[str, Any] | None = None) -> str:
        caller = self.auth.caller()
        m = _measure(key)
        if m.kind != "scale":
            raise NotFound("A destination has no chart; read its series.")
        lang = self._language(caller, load(schemas.LanguageQuery(), query or {})["lang"])
        series = self.client_measure_series(client_id, key)
        points = [
            (datetime.fromisoformat(item["created_at"]), float(item["score"]))
            for item in series["items"]
            if item["score"] is not None
        ]
        return chart.series(m.title[lang], points, m.scale_min, m.scale_max, lang)
