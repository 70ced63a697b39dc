"""Two-way SMS: a client answers a message with 1/NDIO to confirm their next session or 2/HAPANA to
cancel it.

The SMS gateway's callback always gets an answer (200), whatever the reply leads to: what became of
it (handled, or refused and why: an unknown number, nothing to answer, too many replies from one
number, scheduling refusing the cancellation as too late or clashing) is the answer, and is kept
in ``sms_replies``. Scheduling's errors are outcomes, not HTTP errors: the gateway can do nothing
about them, and one it took for a failure would only be sent again. A reply the gateway sends
again (same message id) is answered from its record, not acted on twice.

At most ``SMS_REPLIES_FROM`` replies from one number are acted on (``shared.limits``: one document
per reply acted on, counted across replicas); two arriving in the same instant may both pass the
count, so a burst can exceed it by the few that raced.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from nameko.exceptions import RemoteError

from services.notifications import domain
from services.notifications.store import NotificationsStore
from shared.auth import Caller, Tokens
from shared.errors import NjiaError
from shared.ids import new_id
from shared.limits import Limit

log = logging.getLogger(__name__)

CANCELLED_BY_SMS = "Cancelled by SMS reply"
# Replies acted on from one number: more in a minute are kept and answered, not acted on.
SMS_REPLIES_FROM = Limit("sms_replies_from", 10, timedelta(minutes=1))


class SmsReplies:
    def __init__(
        self,
        store: NotificationsStore,
        scheduling_rpc: Any,
        act_as: Callable[[str], None],
        tokens: Tokens,
    ) -> None:
        self.store = store
        self.scheduling_rpc = scheduling_rpc
        self.act_as = act_as
        self.tokens = tokens

    def answer(self, form: dict[str, Any], at: datetime) -> dict[str, Any]:
        """What became of the reply in ``form`` (the gateway's fields: from, to, text, date, id, linkId),
        kept with it."""
        reply_id = f"sms:{form['id']}" if form.get("id") else new_id("sms")
        seen = self.store.sms_reply(reply_id)
        if seen is not None:
            return dict(seen["answer"])
        sender = str(form.get("from") or "").strip()
        # The limit comes first: a number sending reply after reply is recorded, not acted on.
        if self.store.retry_after(SMS_REPLIES_FROM, sender, at):
            answer = domain.reply_refused("too many replies")
        else:
            self.store.count_attempt(SMS_REPLIES_FROM, sender, at)
            answer = self._act(sender, str(form.get("text") or ""), at)
        self.store.record_sms_reply(domain.sms_reply_record(reply_id, form, answer, at))
        return answer

    def _act(self, sender: str, text: str, at: datetime) -> dict[str, Any]:
        person = self.store.person_by_phone(sender)
        if person is None or person["role"] != "client":
            return domain.reply_refused("unknown sender")
        action = domain.parse_reply(text)
        session = self.store.next_session_of_client(person["user_id"], at)
        if action is None or session is None:
            return domain.reply_refused("nothing to answer")
        if action == "confirm":
            self.store.confirm_session_by_client(session["_id"], at)
            return domain.reply_handled(action, session["_id"])
        return self._cancel(person, session["_id"], at)

    def _cancel(self, person: dict[str, Any], session_id: str, at: datetime) -> dict[str, Any]:
        """Cancelled as the client would in the app, so scheduling applies its rules to them (a late
        cancel, a session changed meanwhile); its refusal is the reply's outcome."""
        caller = Caller(person["user_id"], person["org_id"], "client", person.get("branch_id"))
        self.act_as(self.tokens.issue(caller, at))
        try:
            self.scheduling_rpc.cancel_session(session_id, {"reason": CANCELLED_BY_SMS})
        except NjiaError as exc:
            return domain.reply_refused(exc.code, "cancel", session_id, exc.message)
        except RemoteError as exc:  # a bug in scheduling: logged, and the reply's outcome
            log.exception("cancelling by SMS reply failed", extra={"session_id": session_id})
            return domain.reply_refused("internal_error", "cancel", session_id, exc.exc_type or "")
        return domain.reply_handled("cancel", session_id)
