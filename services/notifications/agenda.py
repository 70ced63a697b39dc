"""The counselor's daily agenda: at NJIA_AGENDA_HOUR in their own time zone, the day's sessions by
email and in the app. Planned by deterministic id (``agenda:<counselor>:<local date>:<channel>``),
so every replica may plan it and it is still sent once.

Which counselors this container has looked at today is ``AgendaState``, kept by the ``Agendas``
dependency provider (one per container): a container that has not looked yet (another process,
a restart) reads the day's sessions once more and plans the same ids again, which adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from nameko.extensions import DependencyProvider

from services.notifications import domain
from services.notifications.store import NotificationsStore
from shared.config import Settings

AGENDA_CHANNELS = ("email", "in_app")


@dataclass
class AgendaState:
    """The local day this container last looked at each counselor's sessions, by counselor id."""

    looked_at: dict[str, date] = field(default_factory=dict)


class Agendas(DependencyProvider):
    """``agendas`` in the service: this container's ``AgendaState``."""

    def setup(self) -> None:
        self.state = AgendaState()

    def get_dependency(self, worker_ctx: Any) -> AgendaState:
        return self.state


class AgendaPlanner:
    def __init__(self, store: NotificationsStore, settings: Settings, state: AgendaState) -> None:
        self.store = store
        self.settings = settings
        self.state = state

    def plan_due(self, at: datetime) -> None:
        """The agenda of each counselor for whom the agenda hour has come today."""
        for counselor in self.store.counselors():
            local = at.astimezone(ZoneInfo(counselor.get("timezone") or "UTC"))
            if local.hour < self.settings.agenda_hour:
                continue
            # Once a day per counselor: the day's sessions are read at the agenda hour, not every sweep
            # (a counselor's first session booked later that day brings the agenda with it).
            looked_at = self.state.looked_at
            if looked_at.get(counselor["user_id"]) != local.date():
                self.plan(counselor, local, at)
                looked_at[counselor["user_id"]] = local.date()

    def plan_on_booking(self, facts: dict[str, Any], at: datetime) -> None:
        """A session booked after the agenda hour for later today: the day's agenda, if none went yet."""
        counselor = facts["counselor"]
        zone = ZoneInfo(counselor.get("timezone") or "UTC")
        local = at.astimezone(zone)
        if (
            local.hour >= self.settings.agenda_hour
            and domain.moment(facts["start"]).astimezone(zone).date() == local.date()
        ):
            self.plan(counselor, local, at)

    def plan(self, counselor: dict[str, Any], local: datetime, at: datetime) -> None:
        """The agenda of the counselor's local day holding ``local``, if they have sessions that day."""
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        sessions = self.store.sessions_of_counselor_between(
            counselor["user_id"], day_start, day_start + timedelta(days=1)
        )
        if not sessions:
            return
        person = domain.recipient_of(counselor)
        prefs = self.store.preferences_of(person.user_id)
        facts = {"date": local.date().isoformat(), "sessions": domain.agenda_entries(sessions)}
        planned = [
            domain.Delivery(
                id=f"agenda:{person.user_id}:{local.date().isoformat()}:{channel}",
                kind="agenda",
                channel=channel,
                recipient_id=person.user_id,
                due_at=at,
                facts=facts,
                recipient=vars(person),
            )
            for channel in AGENDA_CHANNELS
            if prefs.allows(channel) and person.reachable_by(channel)
        ]
        self.store.plan(planned, at)
