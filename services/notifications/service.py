"""notifications: entrypoints only — keep facts from events, plan deliveries, send due ones once."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from nameko.extensions import DependencyProvider

from services.notifications import domain, schemas, views
from services.notifications.agenda import AgendaPlanner, Agendas, AgendaState
from services.notifications.channels import Channels
from services.notifications.replies import SmsReplies
from services.notifications.sending import Sender, Sending, SendingState
from services.notifications.store import NotificationsStore
from shared.auth import TOKEN_KEY, Caller, Tokens
from shared.errors import NotFound, Unauthorized, ValidationFailed
from shared.events.contracts import (
    ASSESSMENT_COMPLETED,
    INVITATION_SENT,
    PASSWORD_RESET_REQUESTED,
    SESSION_BOOKED,
    SESSION_CANCELLED,
    SESSION_COMPLETED,
    SESSION_COUNSELOR_NO_SHOW,
    SESSION_NO_SHOW,
    SESSION_REASSIGNED,
    SESSION_RESCHEDULED,
    SESSION_UNASSIGNED,
    SIGN_IN_THROTTLED,
    USER_DEACTIVATED,
    USER_REACTIVATED,
)
from shared.events.handling import on_event
from shared.ids import new_id
from shared.mongo import MongoStore, now
from shared.people import KeepsPeople, person_from_user
from shared.rpc import ServiceRpc
from shared.schemas import PageQuery, load
from shared.service import NjiaService, rpc
from shared.timers import every_seconds, scheduled

log = logging.getLogger(__name__)


class ActAs(DependencyProvider):
    """Lets a worker call another service on behalf of a person (an SMS reply cancelling a session)."""

    def get_dependency(self, worker_ctx: Any) -> Any:
        def act_as(token: str) -> None:
            worker_ctx.data[TOKEN_KEY] = token

        return act_as


class NotificationsService(KeepsPeople, NjiaService):
    name = "notifications"
    store: NotificationsStore = MongoStore(NotificationsStore, "notifications")  # type: ignore[assignment]
    channels = Channels()
    scheduling_rpc = ServiceRpc("scheduling")
    accounts_rpc = ServiceRpc("accounts")
    act_as = ActAs()
    sending: SendingState = Sending()  # type: ignore[assignment]
    agendas: AgendaState = Agendas()  # type: ignore[assignment]

    # Facts kept from events --------------------------------------------------------------------

    def _participants(
        self, facts: dict[str, Any], who: tuple[str, ...]
    ) -> list[tuple[domain.Recipient, domain.Preferences]]:
        """Those of ``who`` who hear of this session's change (a seat's counselor does not, see
        ``domain.told_of``), each with their preferences."""
        return self._with_preferences([facts[role] for role in domain.told_of(facts, who)])

    def _with_preferences(
        self, people: list[dict[str, Any]]
    ) -> list[tuple[domain.Recipient, domain.Preferences]]:
        """Each person with their preferences; a deactivated person is left out (nothing is planned)."""
        recipients = [domain.recipient_of(person) for person in people]
        chosen = [(person, self.store.preferences_of(person.user_id)) for person in recipients]
        return [(person, prefs) for person, prefs in chosen if prefs.active]

    def _keep_session(self, envelope: dict[str, Any], at: datetime) -> bool:
        """Keep the session as this event tells it. False for an event older than one handled: nothing
        kept or planned, but webhook receivers still hear of it, revision and all."""
        facts = envelope["data"]
        if domain.older_than_kept(facts, self.store.session(facts["session_id"])):
            log.info("older session event ignored", extra={"session_id": facts["session_id"]})
            self.store.plan(self._plan_webhooks(envelope), at)
            return False
        self.store.remember_session(facts, domain.moment(facts["start"]), domain.moment(facts["end"]))
        return True

    def _plan_webhooks(self, envelope: dict[str, Any]) -> list[domain.Delivery]:
        hooks = self.store.webhooks_for(envelope["data"]["org_id"], envelope["event_type"])
        return domain.plan_webhooks(envelope, hooks, now())

    @on_event("scheduling", SESSION_BOOKED)
    def handle_session_booked(self, envelope: dict[str, Any]) -> None:
        facts, at = envelope["data"], now()
        if not self._keep_session(envelope, at):
            return
        start = domain.moment(facts["start"])
        both = self._participants(facts, ("client", "counselor"))
        planned = (
            domain.plan_session_messages("confirmation", facts["session_id"], start, both, at, facts)
            + domain.plan_reminders(facts["session_id"], start, both, at, facts)
            + self._plan_webhooks(envelope)
        )
        self.store.plan(planned, at)
        if domain.told_of(facts, ("counselor",)):  # a seat brings its counselor no agenda either
            self._agenda_planner().plan_on_booking(facts, at)

    @on_event("scheduling", SESSION_RESCHEDULED)
    def handle_session_rescheduled(self, envelope: dict[str, Any]) -> None:
        facts, at = envelope["data"], now()
        if not self._keep_session(envelope, at):
            return
        start = domain.moment(facts["start"])
        # Reminders for any other start are cancelled; those for this start (new, or cancelled by an
        # earlier move away from it, or planned by a first handling of this same event) are scheduled.
        self.store.cancel_other_reminders(facts["session_id"], start, at)
        both = self._participants(facts, ("client", "counselor"))
        reminders = domain.plan_reminders(facts["session_id"], start, both, at, facts)
        planned = (
            domain.plan_session_messages("rescheduled", facts["session_id"], start, both, at, facts)
            + reminders
            + self._plan_webhooks(envelope)
        )
        self.store.plan(planned, at)
        self.store.rearm([d.id for d in reminders])

    @on_event("scheduling", SESSION_CANCELLED)
    def handle_session_cancelled(self, envelope: dict[str, Any]) -> None:
        facts, at = envelope["data"], now()
        if not self._keep_session(envelope, at):
            return
        self.store.cancel_scheduled(facts["session_id"], at)
        # A deactivated client's sessions are cancelled by Njia, not by them: only the counselor hears.
        told = ("counselor",) if facts.get("cause") == "client_deactivated" else ("client", "counselor")
        both = self._participants(facts, told)
        planned = domain.plan_session_messages(
            "cancelled", facts["session_id"], domain.moment(facts["start"]), both, at, facts
        ) + self._plan_webhooks(envelope)
        self.store.plan(planned, at)

    @on_event("scheduling", SESSION_COMPLETED)
    def handle_session_completed(self, envelope: dict[str, Any]) -> None:
        at = now()
        if self._keep_session(envelope, at):
            self.store.plan(self._plan_webhooks(envelope), at)

    @on_event("scheduling", SESSION_NO_SHOW)
    def handle_session_no_show(self, envelope: dict[str, Any]) -> None:
        facts, at = envelope["data"], now()
        if not self._keep_session(envelope, at):
            return
        counselor = self._participants(facts, ("counselor",))
        planned = domain.plan_session_messages(
            "no_show", facts["session_id"], domain.moment(facts["start"]), counselor, at, facts
        ) + self._plan_webhooks(envelope)
        self.store.plan(planned, at)

    @on_event("scheduling", SESSION_COUNSELOR_NO_SHOW)
    def handle_session_counselor_no_show(self, envelope: dict[str, Any]) -> None:
        """A video session's counselor never joined (#15): the branch's admins hear of it (the
        organization's admins when the branch has none), by email and in the app, once per session
        and admin. Admins are known from accounts' events (``KeepsPeople``)."""
        facts, at = envelope["data"], now()
        if not self._keep_session(envelope, at):
            return
        branch_admins = self.store.branch_admins(facts["org_id"], facts.get("branch_id"))
        recipients = self._with_preferences(branch_admins) or self._with_preferences(
            self.store.org_admins(facts["org_id"])
        )
        planned = domain.plan_counselor_no_show(facts, recipients, at) + self._plan_webhooks(envelope)
        self.store.plan(planned, at)

    @on_event("scheduling", SESSION_UNASSIGNED)
    def handle_session_unassigned(self, envelope: dict[str, Any]) -> None:
        """The counselor was deactivated: the client hears that the session waits for another counselor
        and their time is kept; what was planned for the counselor about it is cancelled."""
        facts, at = envelope["data"], now()
        if not self._keep_session(envelope, at):
            return
        self.store.cancel_session_messages_to(facts["session_id"], facts["counselor"]["user_id"], at)
        client = self._participants(facts, ("client",))
        start, version = domain.moment(facts["start"]), facts["revision"]
        planned = domain.plan_session_messages(
            "unassigned", facts["session_id"], start, client, at, facts, version
        ) + self._plan_webhooks(envelope)
        self.store.plan(planned, at)

    @on_event("scheduling", SESSION_REASSIGNED)
    def handle_session_reassigned(self, envelope: dict[str, Any]) -> None:
        """Another counselor took the session: the client and the new counselor hear of it (with a
        calendar file replacing the old); the new counselor gets reminders, the previous one none, and
        the client's planned reminders name the new counselor."""
        facts, at = envelope["data"], now()
        if not self._keep_session(envelope, at):
            return
        session_id, start = facts["session_id"], domain.moment(facts["start"])
        self.store.cancel_session_messages_to(session_id, facts["previous_counselor"]["user_id"], at)
        self.store.refresh_reminders(session_id, facts)
        reminders = domain.plan_reminders(
            session_id, start, self._participants(facts, ("counselor",)), at, facts
        )
        both = self._participants(facts, ("client", "counselor"))
        planned = (
            domain.plan_session_messages("reassigned", session_id, start, both, at, facts, facts["revision"])
            + reminders
            + self._plan_webhooks(envelope)
        )
        self.store.plan(planned, at)
        self.store.rearm([d.id for d in reminders])  # the same counselor again: theirs were cancelled

    # People's accounts ----------------------------------------------------------------------------

    @on_event("accounts", USER_DEACTIVATED)
    def handle_user_deactivated(self, envelope: dict[str, Any]) -> None:
        """Nothing more reaches a deactivated person until they are reactivated: what was planned for
        them is cancelled, and nothing is planned or sent to them. What becomes of their sessions,
        scheduling decides; its events tell the others (a counselor's clients by `session.unassigned`,
        a client's counselor by `session.cancelled`, which does not message the client)."""
        facts = envelope["data"]
        if self.store.set_active(facts["user_id"], False, domain.moment(facts["at"])):
            self.store.cancel_to_recipient(facts["user_id"], "recipient deactivated", now())
        self._sender().forget_preferences(facts["user_id"])

    @on_event("accounts", USER_REACTIVATED)
    def handle_user_reactivated(self, envelope: dict[str, Any]) -> None:
        """Messages reach them again from now on (those cancelled meanwhile stay cancelled)."""
        facts = envelope["data"]
        self.store.set_active(facts["user_id"], True, domain.moment(facts["at"]))
        self._sender().forget_preferences(facts["user_id"])

    @on_event("accounts", INVITATION_SENT)
    def handle_invitation_sent(self, envelope: dict[str, Any]) -> None:
        """The invitation, by email or else SMS; a resend (a new nonce) is a new message."""
        at = now()
        self.store.plan(domain.plan_invitation(envelope["data"], at), at)

    @on_event("accounts", PASSWORD_RESET_REQUESTED)
    def handle_password_reset_requested(self, envelope: dict[str, Any]) -> None:
        """The reset link, by email, to the account's owner."""
        facts, at = envelope["data"], now()
        person = self._account_owner(facts["user_id"], facts["org_id"])
        requested_at = domain.moment(envelope["occurred_at"])
        self.store.plan(domain.plan_password_reset(facts, person, requested_at, at), at)

    @on_event("accounts", SIGN_IN_THROTTLED)
    def handle_sign_in_throttled(self, envelope: dict[str, Any]) -> None:
        """The account's owner hears that sign-in was paused after too many wrong passwords."""
        facts, at = envelope["data"], now()
        person = self._account_owner(facts["user_id"], facts["org_id"])
        self.store.plan(domain.plan_sign_in_throttled(facts, person, at), at)

    def _account_owner(self, user_id: str, org_id: str) -> domain.Recipient:
        """The person as kept from accounts' events; else asked of accounts (as that person: an event
        brings no caller), and kept."""
        kept = self.store.person(user_id)
        if kept is None:
            as_them = Caller(user_id, org_id, "client", None)
            self.act_as(Tokens.from_settings(self.settings).issue(as_them, now()))
            kept = person_from_user(self.accounts_rpc.person(user_id))
            self.store.remember_person(kept)
        return domain.recipient_of(kept)

    # Assessments ----------------------------------------------------------------------------------------

    @on_event("assessments", ASSESSMENT_COMPLETED)
    def handle_assessment_completed(self, envelope: dict[str, Any]) -> None:
        """The client's counselors (those who may see the result) hear of it in the app and by email."""
        facts, at = envelope["data"], now()
        counselors = self._with_preferences(facts["counselors"])
        self.store.plan(domain.plan_assessment_summaries(facts, counselors, at), at)

    # Sending ------------------------------------------------------------------------------------------

    @scheduled(trigger=every_seconds("reminder_sweep_seconds"))
    def send_due(self) -> None:
        """Every replica sweeps; a lease per delivery makes each one go out once."""
        self._sender().send_due()

    def deliver(self, delivery_id: str) -> str | None:
        """One delivery, if it is due and nobody else holds it: its outcome, or None."""
        return self._sender().deliver(delivery_id)

    def _sender(self) -> Sender:
        return Sender(self.store, self.channels, self.events, self.settings, self.sending)

    # Daily agenda ----------------------------------------------------------------------------------------

    @scheduled(trigger=every_seconds("reminder_sweep_seconds"))
    def plan_agendas(self) -> None:
        """At NJIA_AGENDA_HOUR in each counselor's time zone, today's sessions; planned by deterministic
        id, so every replica may plan it and it is still sent once."""
        self._agenda_planner().plan_due(now())

    def _agenda_planner(self) -> AgendaPlanner:
        return AgendaPlanner(self.store, self.settings, self.agendas)

    # People's own settings and inbox ------------------------------------------------------------------------

    @rpc
    def get_preferences(self) -> dict[str, Any]:
        caller = self.auth.caller()
        return views.preferences_view(self.store.preferences_of(caller.user_id))

    @rpc
    def set_preferences(self, body: dict[str, Any]) -> dict[str, Any]:
        caller = self.auth.caller()
        data = load(schemas.PreferencesIn(), body)
        try:
            offsets = domain.check_offsets(data["reminder_offsets_minutes"])
        except ValueError as exc:
            raise ValidationFailed(details={"reminder_offsets_minutes": [str(exc)]}) from None
        prefs = domain.Preferences(reminder_offsets_minutes=tuple(offsets), **data["channels"])
        self.store.save_preferences(caller.user_id, prefs, now())
        self._sender().forget_preferences(caller.user_id)
        return views.preferences_view(prefs)

    @rpc
    def list_notifications(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        caller = self.auth.caller()
        params = load(PageQuery(), query or {})
        items, next_cursor = self.store.inbox_of(caller.user_id, params["limit"], params["cursor"])
        return {"items": [views.notification_view(i) for i in items], "next_cursor": next_cursor}

    @rpc
    def session_reminders(self, session_id: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
        """A session's reminders in the order they fall due, a page at a time."""
        caller = self.auth.caller("counselor", "branch_admin", "org_admin")
        params = load(PageQuery(), query or {})
        if not domain.sees_reminders(caller, self.store.session(session_id)):
            raise NotFound("No such session.")
        items, next_cursor = self.store.reminders_of_session(session_id, params["limit"], params["cursor"])
        return {"items": [views.reminder_view(d) for d in items], "next_cursor": next_cursor}

    # Webhooks ------------------------------------------------------------------------------------------

    @rpc
    def add_webhook(self, body: dict[str, Any]) -> dict[str, Any]:
        caller = self.auth.caller("org_admin")
        data = load(schemas.WebhookIn(allow_private=self.settings.webhook_allow_private), body)
        hook = views.new_webhook(new_id("wh"), caller.org_id, caller.user_id, data, now())
        self.store.add_webhook(hook)
        return views.webhook_view(hook)

    @rpc
    def list_webhooks(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        """The organization's webhooks in the order they were registered, a page at a time."""
        caller = self.auth.caller("org_admin")
        params = load(PageQuery(), query or {})
        items, next_cursor = self.store.webhooks_of(caller.org_id, params["limit"], params["cursor"])
        return {"items": [views.webhook_view(h) for h in items], "next_cursor": next_cursor}

    @rpc
    def remove_webhook(self, webhook_id: str) -> dict[str, Any]:
        """The removed webhook; deliveries planned for it are cancelled (the sender also cancels any it
        meets later). One already being sent at that moment may still arrive."""
        caller = self.auth.caller("org_admin")
        hook = self._own_webhook(caller, webhook_id)
        if not self.store.remove_webhook(hook["_id"]):
            raise NotFound("No such webhook.")  # another admin removed it just now
        self.store.cancel_webhook_deliveries(hook["_id"], "webhook removed", now())
        return views.webhook_view(hook)

    @rpc
    def enable_webhook(self, webhook_id: str) -> dict[str, Any]:
        """On again (after Njia turned it off for failing, or an admin paused it), its failure count at
        0. Events from now on are delivered; those that happened while it was off are not."""
        caller = self.auth.caller("org_admin")
        return self._change_webhook(self._own_webhook(caller, webhook_id), {"active": True})

    @rpc
    def update_webhook(self, webhook_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Any of url, events, secret, active; checked whole, as at registration, before anything is
        written. Planned deliveries go out as the webhook is when they are sent."""
        caller = self.auth.caller("org_admin")
        hook = self._own_webhook(caller, webhook_id)
        changes = load(schemas.WebhookChanges(allow_private=self.settings.webhook_allow_private), body)
        return self._change_webhook(hook, changes)

    def _own_webhook(self, caller: Caller, webhook_id: str) -> dict[str, Any]:
        """The caller's organization's webhook; another organization's is as unknown as a made-up id."""
        hook = self.store.webhook(webhook_id) if isinstance(webhook_id, str) else None
        if hook is None or hook["org_id"] != caller.org_id:
            raise NotFound("No such webhook.")
        return hook

    def _change_webhook(self, hook: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        if not changes:
            return views.webhook_view(hook)
        changes = domain.webhook_changes(hook, changes, now())
        if not self.store.set_webhook(hook["_id"], changes):
            raise NotFound("No such webhook.")  # removed meanwhile
        return views.webhook_view({**hook, **changes})

    # Two-way SMS ----------------------------------------------------------------------------------------

    @rpc
    def sms_inbound(self, form: dict[str, Any], token: str | None) -> dict[str, Any]:
        """The SMS gateway's callback: a client answers 1/NDIO to confirm or 2/HAPANA to cancel. Only a
        wrong token is an error; every reply gets its outcome (handled, or refused and why), kept."""
        if not self.settings.sms_inbound_token or token != self.settings.sms_inbound_token:
            raise Unauthorized("Unknown SMS callback.")
        return self._replies().answer(form, now())

    def _replies(self) -> SmsReplies:
        return SmsReplies(self.store, self.scheduling_rpc, self.act_as, Tokens.from_settings(self.settings))
