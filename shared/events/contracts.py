"""Every event Njia publishes, as a marshmallow schema per (type, version).

Names: the thing plus a past participle (``user.registered``); the constant
``USER_REGISTERED``; the schema ``UserRegistered``; a consumer's handler
``handle_user_registered``. Adding a field is a new optional field; removing or
changing one is a new version with its own schema, both kept while consumers move.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.events.envelope import contract

ROLES = ("client", "counselor", "branch_admin", "org_admin")

ORGANIZATION_CREATED = "organization.created"
BRANCH_CREATED = "branch.created"
USER_REGISTERED = "user.registered"
USER_UPDATED = "user.updated"


class _Data(Schema):
    """Consumers ignore fields they do not know, so producers can add optional ones."""

    class Meta:
        unknown = "exclude"


@contract(ORGANIZATION_CREATED, source="accounts")
class OrganizationCreated(_Data):
    org_id = fields.String(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    admin_id = fields.String(required=True)


@contract(BRANCH_CREATED, source="accounts")
class BranchCreated(_Data):
    branch_id = fields.String(required=True)
    org_id = fields.String(required=True)
    name = fields.String(required=True)
    timezone = fields.String(required=True)
    language = fields.String(required=True)


@contract(USER_REGISTERED, source="accounts")
class UserRegistered(_Data):
    user_id = fields.String(required=True)
    org_id = fields.String(required=True)
    branch_id = fields.String(allow_none=True, load_default=None)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    email = fields.Email(allow_none=True, load_default=None)  # None: a client added with only a phone (#15)
    name = fields.String(required=True)
    phone = fields.String(allow_none=True, load_default=None)
    timezone = fields.String(required=True)
    language = fields.String(required=True)
    # The person's version: 0 at sign-up, one more per change (see `user.updated`).
    revision = fields.Integer(load_default=0, validate=validate.Range(min=0))


@contract(USER_UPDATED, source="accounts")
class UserUpdated(UserRegistered):
    """A person changed their own details: everything `user.registered` carries, as it is now.

    ``revision`` orders the changes of one person (1 for the first change): a consumer keeps the
    copy with the highest revision and ignores an older event arriving after a newer one (or a
    `user.registered`, revision 0, arriving after either)."""

    revision = fields.Integer(required=True, validate=validate.Range(min=1))
    updated_at = fields.AwareDateTime(required=True, format="iso")
    changed_fields = fields.List(fields.String(), load_default=list)


USER_DEACTIVATED = "user.deactivated"
USER_REACTIVATED = "user.reactivated"
USER_ACCESS_CHANGED = "user.access_changed"
BRANCH_UPDATED = "branch.updated"
INVITATION_SENT = "invitation.sent"
PASSWORD_RESET_REQUESTED = "password_reset.requested"
SIGN_IN_THROTTLED = "sign_in.throttled"


@contract(USER_DEACTIVATED, source="accounts")
class UserDeactivated(_Data):
    """An admin ended a person's access: a counselor's future sessions wait for another counselor
    (their clients are told), a client's future sessions are cancelled (their counselor is told)."""

    user_id = fields.String(required=True)
    org_id = fields.String(required=True)
    branch_id = fields.String(allow_none=True, load_default=None)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    by = fields.String(required=True)  # the admin's user id
    at = fields.AwareDateTime(required=True, format="iso")


@contract(USER_REACTIVATED, source="accounts")
class UserReactivated(UserDeactivated):
    pass


@contract(USER_ACCESS_CHANGED, source="accounts")
class UserAccessChanged(_Data):
    """What a gateway needs to honour a token at once: whether the person may act, the role and
    branch they act with now, and which sign-ins still count (tokens whose ``gen`` claim is below
    ``sign_in_generation`` were ended by a reset, sign-out-everywhere or deactivation). Broadcast:
    every gateway replica hears it. ``access_revision`` orders changes of one person."""

    user_id = fields.String(required=True)
    org_id = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    branch_id = fields.String(allow_none=True, load_default=None)
    active = fields.Boolean(required=True)
    sign_in_generation = fields.Integer(required=True, validate=validate.Range(min=0))
    access_revision = fields.Integer(required=True, validate=validate.Range(min=0))


@contract(BRANCH_UPDATED, source="accounts")
class BranchUpdated(BranchCreated):
    """A branch's name, time zone or address changed: everything `branch.created` carries, as now."""

    address = fields.String(allow_none=True, load_default=None)
    previous_timezone = fields.String(allow_none=True, load_default=None)
    changed_fields = fields.List(fields.String(), load_default=list)


@contract(INVITATION_SENT, source="accounts")
class InvitationSent(_Data):
    """Send the invitation (again, on resend): by email when it has one, else by SMS. The link's
    token is ``shared.one_time.link_token(secret, "invitation", invitation_id, nonce)``: the event
    and both databases hold only the nonce and the token's digest, never the token."""

    invitation_id = fields.String(required=True)
    org_id = fields.String(required=True)
    org_name = fields.String(required=True)
    branch_id = fields.String(allow_none=True, load_default=None)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = fields.String(required=True)
    email = fields.Email(allow_none=True, load_default=None)
    phone = fields.String(allow_none=True, load_default=None)
    language = fields.String(required=True)
    timezone = fields.String(required=True)
    invited_by = fields.String(required=True)  # the admin's user id
    inviter_name = fields.String(required=True)
    nonce = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True, format="iso")


@contract(PASSWORD_RESET_REQUESTED, source="accounts")
class PasswordResetRequested(_Data):
    """Email the person a reset link; token as for invitations with purpose ``password_reset``."""

    reset_id = fields.String(required=True)
    user_id = fields.String(required=True)
    org_id = fields.String(required=True)
    nonce = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True, format="iso")


@contract(SIGN_IN_THROTTLED, source="accounts")
class SignInThrottled(_Data):
    """Too many wrong passwords for this account: sign-in waits; the owner is told by email."""

    user_id = fields.String(required=True)
    org_id = fields.String(required=True)
    failures = fields.Integer(required=True)
    retry_after_seconds = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True, format="iso")


SESSION_BOOKED = "session.booked"
SESSION_RESCHEDULED = "session.rescheduled"
SESSION_CANCELLED = "session.cancelled"
SESSION_COMPLETED = "session.completed"
SESSION_NO_SHOW = "session.no_show"
SESSION_STATUSES = ("booked", "cancelled", "late_cancelled", "completed", "no_show")


class Participant(_Data):
    """Who takes part, with what notifications need to reach them without calling back."""

    user_id = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = fields.String(required=True)
    # None for a client who has only a phone (#15: added by staff, reached by SMS).
    email = fields.Email(allow_none=True, load_default=None)
    phone = fields.String(allow_none=True, load_default=None)
    timezone = fields.String(required=True)
    language = fields.String(required=True)
    # The person's revision when this was written (see `user.updated`); 0 from older senders.
    revision = fields.Integer(load_default=0, validate=validate.Range(min=0))


MODALITIES = ("video", "in_person", "phone")


class SessionTypeName(_Data):
    """The kind of session (#15), named in both languages for the messages that mention it."""

    id = fields.String(required=True)
    name = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class _SessionFacts(_Data):
    session_id = fields.String(required=True)
    org_id = fields.String(required=True)
    branch_id = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(SESSION_STATUSES))
    start = fields.AwareDateTime(required=True, format="iso")
    end = fields.AwareDateTime(required=True, format="iso")
    topic = fields.String(allow_none=True, load_default=None)
    counselor = fields.Nested(Participant, required=True)
    client = fields.Nested(Participant, required=True)
    join_path = fields.String(required=True)
    # How and where it is held (#15): a video call (as before), at the branch (``location``, its
    # address), or a phone call the counselor makes to the client's number.
    modality = fields.String(load_default="video", validate=validate.OneOf(MODALITIES))
    location = fields.String(allow_none=True, load_default=None)
    session_type = fields.Nested(SessionTypeName, allow_none=True, load_default=None)
    # Set on a workshop seat's session: the client hears of it; the counselor is not told per seat.
    workshop_id = fields.String(allow_none=True, load_default=None)
    # The session's version after this change: a consumer ignores an event older than one it has
    # handled (a retried `session.booked` arriving after `session.cancelled`). 0 from older senders.
    revision = fields.Integer(load_default=0, validate=validate.Range(min=0))


@contract(SESSION_BOOKED, source="scheduling")
class SessionBooked(_SessionFacts):
    booked_by = fields.String(required=True)


@contract(SESSION_RESCHEDULED, source="scheduling")
class SessionRescheduled(_SessionFacts):
    previous_start = fields.AwareDateTime(required=True, format="iso")
    previous_end = fields.AwareDateTime(required=True, format="iso")
    rescheduled_by = fields.String(required=True)


@contract(SESSION_CANCELLED, source="scheduling")
class SessionCancelled(_SessionFacts):
    cancelled_by = fields.String(required=True)
    reason = fields.String(allow_none=True, load_default=None)
    late = fields.Boolean(required=True)
    # Why Njia itself cancelled it, when it did: "client_deactivated" (#14) tells the counselor only,
    # since the client asked nothing. None for a cancellation a person asked for.
    cause = fields.String(allow_none=True, load_default=None)


@contract(SESSION_COMPLETED, source="scheduling")
class SessionCompleted(_SessionFacts):
    pass


@contract(SESSION_NO_SHOW, source="scheduling")
class SessionNoShow(_SessionFacts):
    pass


# A video session's counselor never joined it (#15): recorded on the session, counted in branch
# reports, and the branch's admins are told. Published once per session.
SESSION_COUNSELOR_NO_SHOW = "session.counselor_no_show"


@contract(SESSION_COUNSELOR_NO_SHOW, source="scheduling")
class SessionCounselorNoShow(_SessionFacts):
    pass


# -- Sessions waiting for a counselor (#14, scheduling) -------------------------------------------
# A deactivated counselor's future sessions stay booked (the client's time is held) and wait for an
# admin to give them to another counselor.
SESSION_UNASSIGNED = "session.unassigned"
SESSION_REASSIGNED = "session.reassigned"


@contract(SESSION_UNASSIGNED, source="scheduling")
class SessionUnassigned(_SessionFacts):
    """The session's counselor can no longer hold it (``reason``: "counselor_deactivated"): still
    booked, the client's time held, listed by ``GET /api/v1/sessions?needs_counselor=true``; the
    client is told. ``counselor`` is the one who left."""

    reason = fields.String(required=True)
    unassigned_by = fields.String(required=True)  # the admin who deactivated the counselor


@contract(SESSION_REASSIGNED, source="scheduling")
class SessionReassigned(_SessionFacts):
    """An admin gave the session to another counselor (``counselor``, now); same time. The client
    and the new counselor are told, with a calendar file replacing the old one."""

    previous_counselor = fields.Nested(Participant, required=True)
    reassigned_by = fields.String(required=True)


NOTIFICATION_SENT = "notification.sent"
NOTIFICATION_FAILED = "notification.failed"


class _DeliveryFacts(_Data):
    delivery_id = fields.String(required=True)
    kind = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(("email", "sms", "in_app", "webhook")))
    recipient_id = fields.String(required=True, allow_none=True)
    session_id = fields.String(allow_none=True, load_default=None)
    attempts = fields.Integer(required=True)


@contract(NOTIFICATION_SENT, source="notifications")
class NotificationSent(_DeliveryFacts):
    sent_at = fields.AwareDateTime(required=True, format="iso")
    late_seconds = fields.Float(required=True)


@contract(NOTIFICATION_FAILED, source="notifications")
class NotificationFailed(_DeliveryFacts):
    reason = fields.String(required=True)


PROFILE_SYNC_REQUESTED = "profile.sync_requested"
PROFILE_SYNCED = "profile.synced"
PROFILE_SYNC_FAILED = "profile.sync_failed"
PROFILE_SOURCES = ("linkedin", "json_resume", "github")


class _ProfileFacts(_Data):
    client_id = fields.String(required=True)
    org_id = fields.String(required=True)
    branch_id = fields.String(allow_none=True, load_default=None)


@contract(PROFILE_SYNC_REQUESTED, source="profiles")
class ProfileSyncRequested(_ProfileFacts):
    """Work for the profiles service itself: read these sources of the client (off the request path)."""

    sync_id = fields.String(required=True)
    sources = fields.List(fields.String(validate=validate.OneOf(PROFILE_SOURCES)), required=True)
    reason = fields.String(required=True, validate=validate.OneOf(("connected", "requested", "scheduled")))


@contract(PROFILE_SYNCED, source="profiles")
class ProfileSynced(_ProfileFacts):
    """The client's profile changed: exactly the fields that changed, by name."""

    sync_id = fields.String(allow_none=True, load_default=None)
    source = fields.String(required=True, validate=validate.OneOf((*PROFILE_SOURCES, "manual")))
    changed_fields = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    synced_at = fields.AwareDateTime(required=True, format="iso")


@contract(PROFILE_SYNC_FAILED, source="profiles")
class ProfileSyncFailed(_ProfileFacts):
    """A source could not be read; ``reason`` is a sentence the client (or an admin) can act on."""

    sync_id = fields.String(allow_none=True, load_default=None)
    source = fields.String(required=True, validate=validate.OneOf(PROFILE_SOURCES))
    code = fields.String(required=True)
    reason = fields.String(required=True)
    attempts = fields.Integer(required=True)
    retry_at = fields.AwareDateTime(allow_none=True, load_default=None, format="iso")


ASSESSMENT_COMPLETED = "assessment.completed"


class MatchFacts(_Data):
    soc_code = fields.String(required=True)
    title = fields.String(required=True)
    fit = fields.Float(required=True)


@contract(ASSESSMENT_COMPLETED, source="assessments")
class AssessmentCompleted(_Data):
    """A client finished an assessment (``key``: ``riasec`` or ``work_values``): what notifications
    needs to send the client a summary and tell the client's counselors, without calling back."""

    result_id = fields.String(required=True)
    key = fields.String(required=True)
    title = fields.String(required=True)
    org_id = fields.String(required=True)
    branch_id = fields.String(allow_none=True, load_default=None)
    client = fields.Nested(Participant, required=True)
    # The counselors who have had a session with the client (they may see the result).
    counselors = fields.List(fields.Nested(Participant), required=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    code = fields.String(allow_none=True, load_default=None)  # riasec: the three-letter code
    top_values = fields.List(fields.String(), load_default=list)  # work_values: best first
    top_matches = fields.List(fields.Nested(MatchFacts), load_default=list)
    result_path = fields.String(required=True)  # "/results/<id>", under the public URL
    completed_at = fields.AwareDateTime(required=True, format="iso")


AUDIT_RECORDED = "audit.recorded"
# The services whose workers record audit entries (``shared.audit.AuditTrail``); each publishes the
# record on its own exchange and the audit service has one handler per service.
AUDITED_SERVICES = ("accounts", "scheduling", "notifications", "profiles", "assessments")


@contract(AUDIT_RECORDED, source=AUDITED_SERVICES[0], also_from=AUDITED_SERVICES[1:])
class AuditRecorded(_Data):
    """Someone read or changed something the audit log must show (``shared.audit`` names the
    actions): the audit service appends it to the organization's hash chain, once per event id."""

    at = fields.AwareDateTime(required=True, format="iso")
    action = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]+\.[a-z_]+$"))
    org_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    branch_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))
    subject_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))
    actor_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))
    request_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))
    ip = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))


# Every (source, event type, consuming service, handler method) in the platform.
# `njia-admin declare-queues` creates these queues before traffic starts, so no
# event is published into an exchange with no queue bound (nameko would drop it).
SUBSCRIPTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("accounts", USER_REGISTERED, "scheduling", "handle_user_registered"),
    ("accounts", USER_REGISTERED, "assessments", "handle_user_registered"),
    ("accounts", BRANCH_CREATED, "assessments", "handle_branch_created"),
    ("scheduling", SESSION_BOOKED, "assessments", "handle_session_booked"),
    ("scheduling", SESSION_BOOKED, "profiles", "handle_session_booked"),
    ("profiles", PROFILE_SYNC_REQUESTED, "profiles", "handle_profile_sync_requested"),
    ("accounts", USER_REGISTERED, "notifications", "handle_user_registered"),
    ("accounts", USER_UPDATED, "scheduling", "handle_user_updated"),
    ("accounts", USER_UPDATED, "assessments", "handle_user_updated"),
    ("accounts", USER_UPDATED, "notifications", "handle_user_updated"),
    ("scheduling", SESSION_BOOKED, "notifications", "handle_session_booked"),
    ("scheduling", SESSION_RESCHEDULED, "notifications", "handle_session_rescheduled"),
    ("scheduling", SESSION_CANCELLED, "notifications", "handle_session_cancelled"),
    ("scheduling", SESSION_COMPLETED, "notifications", "handle_session_completed"),
    ("scheduling", SESSION_NO_SHOW, "notifications", "handle_session_no_show"),
    ("scheduling", SESSION_COUNSELOR_NO_SHOW, "notifications", "handle_session_counselor_no_show"),
    ("assessments", ASSESSMENT_COMPLETED, "notifications", "handle_assessment_completed"),
    ("accounts", USER_DEACTIVATED, "scheduling", "handle_user_deactivated"),
    ("accounts", USER_DEACTIVATED, "notifications", "handle_user_deactivated"),
    ("accounts", INVITATION_SENT, "notifications", "handle_invitation_sent"),
    ("accounts", PASSWORD_RESET_REQUESTED, "notifications", "handle_password_reset_requested"),
    ("accounts", SIGN_IN_THROTTLED, "notifications", "handle_sign_in_throttled"),
    # Sessions waiting for a counselor (#14, scheduling), and a reactivated person heard again.
    ("scheduling", SESSION_UNASSIGNED, "notifications", "handle_session_unassigned"),
    ("scheduling", SESSION_REASSIGNED, "notifications", "handle_session_reassigned"),
    ("accounts", USER_REACTIVATED, "notifications", "handle_user_reactivated"),
    # The audit log (#14): every service's records, one queue per publishing service.
    *((source, AUDIT_RECORDED, "audit", f"handle_audit_recorded_by_{source}") for source in AUDITED_SERVICES),
)
# `user.access_changed` is heard by every gateway replica on a queue of its own (a broadcast), so it
# is not among the shared queues above.
