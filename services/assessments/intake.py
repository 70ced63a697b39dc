"""assessments: the intake form an organization asks its clients to fill in before counseling, and
each client's answers, saved as a draft until submitted.

Entrypoints of ``AssessmentsService`` (a mixin: the class is composed in ``service.py``); the rules
are ``intake_rules.py``. Scheduling asks ``intake_status`` before booking a session type that
requires the intake.
"""

from __future__ import annotations

from typing import Any

from services.assessments import intake_rules, schemas
from shared.audit import CLIENT_RECORD_READ
from shared.auth import Caller
from shared.errors import Conflict, NotFound, ValidationFailed
from shared.logs import current_request_id
from shared.mongo import now
from shared.schemas import load
from shared.service import rpc

# Versions written by other requests between reading the latest and writing the next: tried again.
FORM_WRITE_ATTEMPTS = 10


class IntakeEntrypoints:
    """Mixed into ``AssessmentsService``: uses its ``store``, ``auth`` and ``audit``, and its
    ``_person`` and ``_zone``."""

    store: Any
    auth: Any
    audit: Any

    def _person(self, user_id: str, caller: Caller) -> dict[str, Any]:
        raise NotImplementedError  # AssessmentsService's

    def _zone(self, caller: Caller) -> str:
        raise NotImplementedError  # AssessmentsService's

    # The form ---------------------------------------------------------------------------------

    @rpc
    def set_intake_form(self, body: dict[str, Any]) -> dict[str, Any]:
        """A new version of the organization's intake form (org admins)."""
        caller = self.auth.caller("org_admin")
        data = load(schemas.IntakeFormIn(), body)
        problems = intake_rules.check_form(data["questions"])
        if problems:
            raise ValidationFailed("Some questions of the intake form are not right.", problems)
        questions = intake_rules.form_questions(data["questions"])
        # A request delivered again (a replica died mid-call) finds the version it wrote.
        request_id = current_request_id()
        for _ in range(FORM_WRITE_ATTEMPTS):
            latest = self.store.intake_form(caller.org_id)
            if latest is not None and request_id and latest.get("request_id") == request_id:
                return intake_rules.form_view(latest, self._zone(caller))
            doc = {
                "org_id": caller.org_id,
                "version": (latest["version"] if latest else 0) + 1,
                "questions": questions,
                "created_by": caller.user_id,
                "created_at": now(),
                "request_id": request_id,
            }
            if self.store.add_intake_form(doc):
                return intake_rules.form_view(doc, self._zone(caller))
        raise Conflict(
            "The intake form is being changed by others; look at it again and retry.",
            {"reason": "change_in_progress"},
        )

    @rpc
    def get_intake_form(self) -> dict[str, Any]:
        """The organization's current intake form (anyone of it); version 0 when none was set."""
        caller = self.auth.caller()
        return intake_rules.form_view(self.store.intake_form(caller.org_id), self._zone(caller))

    # A client's own intake ----------------------------------------------------------------------

    @rpc
    def get_my_intake(self) -> dict[str, Any]:
        caller = self.auth.caller("client")
        form = self.store.intake_form(caller.org_id)
        intake = self.store.intake(caller.user_id)
        return intake_rules.intake_view(caller.user_id, form, intake, self._zone(caller))

    @rpc
    def save_my_intake(self, body: dict[str, Any]) -> dict[str, Any]:
        """Save answers as a draft; with ``submit``, complete the intake (every required question
        answered, else 422 naming each as ``answers.<question id>``). Nothing is saved on a 422."""
        caller = self.auth.caller("client")
        data = load(schemas.IntakeIn(), body)
        form = self.store.intake_form(caller.org_id)
        questions = form["questions"] if form else []
        version = form["version"] if form else 0
        problems = intake_rules.check_answers(questions, data["answers"])
        if problems:
            raise ValidationFailed("Some answers are not for this form or not of their kind.", problems)
        kept = self.store.intake(caller.user_id)
        answers, versions = intake_rules.merged_answers(
            kept["answers"] if kept else {}, kept["answer_versions"] if kept else {}, data["answers"], version
        )
        if data["submit"]:
            missing = intake_rules.missing(questions, answers)
            if missing:
                raise ValidationFailed(
                    "Answer every required question before submitting.",
                    intake_rules.missing_problems(missing),
                )
        at = now()
        doc = {
            "_id": caller.user_id,
            "client_id": caller.user_id,
            "org_id": caller.org_id,
            "branch_id": caller.branch_id,
            "answers": answers,
            "answer_versions": versions,
            "version": version,
            "submitted_at": at if data["submit"] else (kept.get("submitted_at") if kept else None),
            "updated_at": at,
        }
        self.store.save_intake(doc)
        return intake_rules.intake_view(caller.user_id, form, doc, self._zone(caller))

    # A client's intake as their counselors and admins read it ---------------------------------------

    @rpc
    def client_intake(self, client_id: str) -> dict[str, Any]:
        """The client, a counselor of the client's branch or with a session with them, the admin of
        their branch, an org admin; 404 to anyone else."""
        caller = self.auth.caller()
        person = self._person(client_id, caller)
        if person.get("role") != "client" or not intake_rules.may_read_intake(
            viewer_id=caller.user_id,
            viewer_role=caller.role,
            viewer_branch=caller.branch_id,
            client_id=client_id,
            client_branch=person.get("branch_id"),
            counsels_client=caller.role == "counselor" and self.store.counsels(caller.user_id, client_id),
        ):
            raise NotFound("No such client.")
        if client_id != caller.user_id:  # staff reading a client's record: in the audit log first
            self.audit.record(
                CLIENT_RECORD_READ, client_id, org_id=caller.org_id, branch_id=person.get("branch_id")
            )
        form = self.store.intake_form(caller.org_id)
        return intake_rules.intake_view(client_id, form, self.store.intake(client_id), self._zone(caller))

    # For scheduling ---------------------------------------------------------------------------------

    @rpc
    def intake_status(self, client_id: str) -> dict[str, Any]:
        """``{complete, version}`` for booking: asked by scheduling with the booking caller's token
        (a client for themselves, or staff for a client of their organization); never by the gateway."""
        caller = self.auth.service_caller()
        if caller.role == "client" and client_id != caller.user_id:
            raise NotFound("No such client.")
        if client_id != caller.user_id:
            self._person(client_id, caller)  # of the caller's organization, else 404
        form = self.store.intake_form(caller.org_id)
        return intake_rules.intake_status(form, self.store.intake(client_id))
