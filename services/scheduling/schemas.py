"""The scheduling service's RPC schemas; the gateway documents its HTTP API from these."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.schemas import Moment, PageQuery, StrictSchema, TimeZone, page_of

STATUSES = ("booked", "cancelled", "late_cancelled", "completed", "no_show")
MODALITIES = ("video", "in_person", "phone")
HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d\Z", error="Use 24-hour HH:MM, e.g. 09:00.")
# Hours end at a time of day or at 24:00, the end of the day (a counselor working until midnight).
HHMM_END = validate.Regexp(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)\Z", error="Use 24-hour HH:MM, e.g. 09:00.")
ID = validate.Length(min=1, max=64)


class WeeklyHoursIn(StrictSchema):
    weekday = fields.Integer(required=True, validate=validate.Range(0, 6, error="0 is Monday, 6 is Sunday."))
    start = fields.String(required=True, validate=HHMM)
    end = fields.String(required=True, validate=HHMM_END, metadata={"description": "HH:MM, or 24:00"})


class ExceptionIn(StrictSchema):
    date = fields.Date(required=True)
    available = fields.Boolean(load_default=True)
    start = fields.String(load_default=None, allow_none=True, validate=HHMM)
    end = fields.String(
        load_default=None, allow_none=True, validate=HHMM_END, metadata={"description": "HH:MM, or 24:00"}
    )


class AvailabilityIn(StrictSchema):
    timezone = TimeZone(required=True)
    weekly = fields.List(fields.Nested(WeeklyHoursIn), required=True, validate=validate.Length(max=50))
    exceptions = fields.List(fields.Nested(ExceptionIn), load_default=list, validate=validate.Length(max=400))
    # The ranges are domain rules (domain.check_availability names the field); stated here for the document.
    session_minutes = fields.Integer(
        load_default=45, metadata={"minimum": 15, "maximum": 240, "multipleOf": 5, "example": 45}
    )
    buffer_minutes = fields.Integer(
        load_default=15, metadata={"minimum": 0, "maximum": 120, "multipleOf": 5, "example": 15}
    )
    min_notice_minutes = fields.Integer(load_default=120, metadata={"minimum": 0, "maximum": 43_200})


class ExceptionOut(StrictSchema):
    date = fields.String(required=True, metadata={"description": "YYYY-MM-DD, the counselor's local date"})
    available = fields.Boolean(required=True)
    start = fields.String(allow_none=True)
    end = fields.String(allow_none=True)


class AvailabilityOut(StrictSchema):
    counselor_id = fields.String(required=True)
    timezone = fields.String(required=True)
    weekly = fields.List(fields.Nested(WeeklyHoursIn), required=True)
    exceptions = fields.List(fields.Nested(ExceptionOut), required=True)
    session_minutes = fields.Integer(required=True)
    buffer_minutes = fields.Integer(required=True)
    min_notice_minutes = fields.Integer(required=True)
    updated_at = fields.AwareDateTime()


class SlotQuery(PageQuery):
    """A page of the sorted slots: ``cursor`` (the previous page's next_cursor) with the same search."""

    counselor_id = fields.String(
        load_default=None, validate=ID, metadata={"description": "this counselor's times (or give branch_id)"}
    )
    branch_id = fields.String(
        load_default=None,
        validate=ID,
        metadata={"description": "every counselor of this branch (or counselor_id: exactly one of them)"},
    )
    from_ = Moment(data_key="from", load_default=None, metadata={"description": "default now"})
    to = Moment(load_default=None, metadata={"description": "after from, at most 31 days on; default 14"})
    tz = TimeZone(load_default=None)
    session_type_id = fields.String(
        load_default=None,
        validate=ID,
        metadata={
            "description": "times of this session type (its length and buffer); default the "
            "organization's default type: each counselor's own length"
        },
    )

    @validates_schema
    def one_target(self, data: dict[str, Any], **kwargs: Any) -> None:
        if bool(data.get("counselor_id")) == bool(data.get("branch_id")):
            raise ValidationError("Give counselor_id or branch_id (one of them).", "counselor_id")


class SlotOut(StrictSchema):
    counselor_id = fields.String(required=True)
    start = fields.String(required=True, metadata={"description": "RFC 3339 in the asked time zone"})
    end = fields.String(required=True)


class SlotList(StrictSchema):
    items = fields.List(fields.Nested(SlotOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    timezone = fields.String(required=True)


class BookingIn(StrictSchema):
    class Meta:
        openapi = {
            "description": "Exactly one of counselor_id (that counselor) or branch_id (any of the branch's).",
            "oneOf": [{"required": ["counselor_id"]}, {"required": ["branch_id"]}],
        }

    counselor_id = fields.String(load_default=None, validate=ID)
    branch_id = fields.String(load_default=None, validate=ID)
    start = Moment(required=True)
    topic = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    client_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=ID,
        metadata={"description": "staff booking for a client must name them; a client leaves it out"},
    )
    session_type_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=ID,
        metadata={
            "description": "the kind of session (GET /session-types); default the organization's default type"
        },
    )

    @validates_schema
    def one_target(self, data: dict[str, Any], **kwargs: Any) -> None:
        if bool(data.get("counselor_id")) == bool(data.get("branch_id")):
            raise ValidationError("Give counselor_id or branch_id (one of them).", "counselor_id")


class SessionTypeName(StrictSchema):
    id = fields.String(required=True)
    name = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class AttendanceOut(StrictSchema):
    client_joined_at = fields.String(allow_none=True, required=True)
    counselor_joined_at = fields.String(allow_none=True, required=True)


class SessionOut(StrictSchema):
    id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    counselor_id = fields.String(required=True)
    client_id = fields.String(required=True)
    branch_id = fields.String(required=True, allow_none=True)
    start = fields.String(required=True)
    end = fields.String(required=True)
    topic = fields.String(required=True, allow_none=True)
    created_at = fields.String(required=True)
    reschedule_count = fields.Integer()
    cancel_reason = fields.String(allow_none=True)
    counselor_name = fields.String(allow_none=True)
    client_name = fields.String(allow_none=True)
    # The counselor was deactivated: booked still (the client's time is held) until an admin reassigns it.
    needs_counselor = fields.Boolean()
    # How and where (#15): a video call, at the branch (location: its address), or a phone call the
    # counselor makes to the client's number.
    session_type_id = fields.String(allow_none=True)
    session_type = fields.Nested(SessionTypeName, allow_none=True)
    modality = fields.String(validate=validate.OneOf(MODALITIES))
    location = fields.String(allow_none=True, metadata={"description": "the branch's address, in person"})
    attendance = fields.Nested(AttendanceOut)
    counselor_no_show = fields.Boolean(metadata={"description": "a video session its counselor never joined"})
    workshop_id = fields.String(allow_none=True, metadata={"description": "set on a workshop seat"})


class SessionQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    from_ = Moment(data_key="from", load_default=None)
    to = Moment(load_default=None)
    counselor_id = fields.String(load_default=None, validate=ID)
    client_id = fields.String(load_default=None, validate=ID)
    needs_counselor = fields.Boolean(load_default=None)  # true: sessions waiting for a counselor (admins)


class RescheduleIn(StrictSchema):
    start = Moment(required=True)


class CancelIn(StrictSchema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class CompleteIn(StrictSchema):
    no_show = fields.Boolean(load_default=False)


class JoinOut(StrictSchema):
    url = fields.String(required=True)
    provider = fields.String(required=True)
    opens_at = fields.String(required=True)
    closes_at = fields.String(required=True)


class NoteIn(StrictSchema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class NoteOut(StrictSchema):
    id = fields.String(required=True)
    session_id = fields.String(required=True)
    counselor_id = fields.String(required=True)
    client_id = fields.String(required=True)
    text = fields.String(required=True)
    created_at = fields.String(required=True)


NoteList = page_of(NoteOut)


class FeedOut(StrictSchema):
    url = fields.String(required=True)


class RotatedFeedOut(StrictSchema):
    """The new feed URL for the counselor; null for an admin (the feed is the counselor's alone)."""

    url = fields.String(required=True, allow_none=True)


class ReassignIn(StrictSchema):
    counselor_id = fields.String(required=True, validate=ID)


class SharingIn(StrictSchema):
    counselor_ids = fields.List(fields.String(validate=ID), required=True, validate=validate.Length(max=50))


class SharingOut(StrictSchema):
    client_id = fields.String(required=True)
    counselor_ids = fields.List(fields.String(), required=True)


class PolicyIn(StrictSchema):
    late_cancel_hours = fields.Integer(load_default=24, validate=validate.Range(0, 336))
    max_reschedules = fields.Integer(load_default=2, validate=validate.Range(0, 50))


class PolicyOut(StrictSchema):
    late_cancel_hours = fields.Integer(required=True)
    max_reschedules = fields.Integer(required=True)


class ReportQuery(PageQuery):
    from_ = Moment(data_key="from", required=True)
    to = Moment(required=True, metadata={"description": "after from, at most a year later"})


class ModalityFigures(StrictSchema):
    sessions = fields.Integer(required=True)
    no_shows = fields.Integer(required=True)


class SessionTypeFigures(ModalityFigures):
    session_type_id = fields.String(required=True)
    name = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class WorkshopFigures(StrictSchema):
    held = fields.Integer(required=True)
    seats = fields.Integer(required=True)
    seats_taken = fields.Integer(required=True)
    fill_rate = fields.Float(required=True, metadata={"description": "seats taken / seats, 0 when none"})


class BranchReport(StrictSchema):
    branch_id = fields.String(required=True)
    name = fields.String(required=True)
    sessions = fields.Integer(required=True)
    completed = fields.Integer(required=True)
    cancelled = fields.Integer(required=True)
    late_cancelled = fields.Integer()
    no_show = fields.Integer(required=True)
    no_show_rate = fields.Float(required=True)
    utilization = fields.Float(required=True)
    booked_hours = fields.Float()
    available_hours = fields.Float()
    by_session_type = fields.List(fields.Nested(SessionTypeFigures))
    by_modality = fields.Dict(
        keys=fields.String(validate=validate.OneOf(MODALITIES)),
        values=fields.Nested(ModalityFigures),
        metadata={"description": "video, in_person and phone, each {sessions, no_shows}"},
    )
    counselor_no_shows = fields.Integer(metadata={"description": "video sessions the counselor never joined"})
    workshops = fields.Nested(WorkshopFigures)


ReportOut = page_of(BranchReport)


SessionPage = page_of(SessionOut)


# Session types (#15) -----------------------------------------------------------------------------

SEATS_RANGE = (1, 500)
NAME = validate.Length(min=1, max=100)


class SessionTypeNameIn(StrictSchema):
    en = fields.String(required=True, validate=NAME)
    sw = fields.String(required=True, validate=NAME)


class PriceIn(StrictSchema):
    amount = fields.Float(
        required=True,
        validate=validate.Range(0, 10_000_000),
        metadata={"example": 500, "description": "in the currency's units; kept to 2 decimal places"},
    )
    currency = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Z]{3}\Z", error="Use a 3-letter ISO 4217 code, e.g. KES."),
        metadata={"example": "KES"},
    )


class SessionTypeChanges(StrictSchema):
    """What PATCH changes (any of the fields); POST's body is the same with name and minutes required."""

    name = fields.Nested(SessionTypeNameIn)
    # The ranges are domain rules (domain.check_session_type names the field); stated here for the document.
    minutes = fields.Integer(
        allow_none=True,
        metadata={
            "minimum": 15,
            "maximum": 240,
            "multipleOf": 5,
            "description": "null: each counselor's own session length",
        },
    )
    buffer_minutes = fields.Integer(
        allow_none=True,
        metadata={
            "minimum": 0,
            "maximum": 120,
            "multipleOf": 5,
            "description": "kept free after each session; null: each counselor's own buffer",
        },
    )
    modality = fields.String(validate=validate.OneOf(MODALITIES))
    seats = fields.Integer(
        validate=validate.Range(*SEATS_RANGE),
        metadata={"description": "1: one-to-one; more: a workshop type (book seats in a workshop)"},
    )
    branch_id = fields.String(
        allow_none=True,
        validate=ID,
        metadata={"description": "offered at this branch only; null: every branch"},
    )
    counselor_ids = fields.List(
        fields.String(validate=ID),
        allow_none=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "offered by these counselors only; null: every counselor"},
    )
    price = fields.Nested(PriceIn, allow_none=True)
    requires_intake = fields.Boolean(
        metadata={"description": "the client's intake form must be complete first"}
    )
    active = fields.Boolean(metadata={"description": "false: no longer offered (sessions booked stay)"})


class SessionTypeIn(SessionTypeChanges):
    name = fields.Nested(SessionTypeNameIn, required=True)
    minutes = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"minimum": 15, "maximum": 240, "multipleOf": 5, "example": 60},
    )
    buffer_minutes = fields.Integer(
        load_default=None, allow_none=True, metadata={"minimum": 0, "maximum": 120}
    )
    modality = fields.String(load_default="video", validate=validate.OneOf(MODALITIES))
    seats = fields.Integer(load_default=1, validate=validate.Range(*SEATS_RANGE))
    branch_id = fields.String(load_default=None, allow_none=True, validate=ID)
    counselor_ids = fields.List(
        fields.String(validate=ID),
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=200),
    )
    price = fields.Nested(PriceIn, load_default=None, allow_none=True)
    requires_intake = fields.Boolean(load_default=False)
    active = fields.Boolean(load_default=True)


class PriceOut(StrictSchema):
    amount = fields.Float(required=True)
    currency = fields.String(required=True)


class SessionTypeOut(StrictSchema):
    id = fields.String(required=True)
    name = fields.Nested(SessionTypeNameIn, required=True)
    minutes = fields.Integer(required=True, allow_none=True)
    buffer_minutes = fields.Integer(required=True, allow_none=True)
    modality = fields.String(required=True, validate=validate.OneOf(MODALITIES))
    seats = fields.Integer(required=True)
    branch_id = fields.String(required=True, allow_none=True)
    counselor_ids = fields.List(fields.String(), required=True, allow_none=True)
    price = fields.Nested(PriceOut, required=True, allow_none=True)
    requires_intake = fields.Boolean(required=True)
    active = fields.Boolean(required=True)
    is_default = fields.Boolean(required=True, metadata={"description": "used when a booking names no type"})
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)


class SessionTypeQuery(PageQuery):
    branch_id = fields.String(
        load_default=None,
        validate=ID,
        metadata={"description": "types offered at this branch (and everywhere)"},
    )
    include_inactive = fields.Boolean(
        load_default=False, metadata={"description": "admins: inactive ones too"}
    )


SessionTypePage = page_of(SessionTypeOut)


# Workshops (issue 15) ----------------------------------------------------------------------------


class WorkshopSessionType(StrictSchema):
    id = fields.String(required=True)
    name = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class WorkshopTitle(StrictSchema):
    en = fields.String(required=True, validate=validate.Length(min=1, max=200))
    sw = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))


class WorkshopIn(StrictSchema):
    session_type_id = fields.String(
        required=True, validate=ID, metadata={"description": "a session type with more than one seat"}
    )
    counselor_id = fields.String(
        required=True, validate=ID, metadata={"description": "who holds it (a counselor: themselves)"}
    )
    start = Moment(
        required=True,
        metadata={"description": "any time to come: staff may hold it outside the counselor's weekly hours"},
    )
    title = fields.Nested(WorkshopTitle, load_default=None, allow_none=True)
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class WorkshopQuery(PageQuery):
    branch_id = fields.String(load_default=None, validate=ID, metadata={"description": "this branch's only"})
    from_ = Moment(data_key="from", load_default=None, metadata={"description": "default now"})
    to = Moment(load_default=None, metadata={"description": "after from, at most 92 days on; default 31"})


class WorkshopOut(StrictSchema):
    id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("scheduled", "cancelled")))
    session_type_id = fields.String(required=True)
    session_type = fields.Nested(WorkshopSessionType, required=True)
    counselor_id = fields.String(required=True)
    counselor_name = fields.String(required=True)
    branch_id = fields.String(required=True, allow_none=True)
    start = fields.String(required=True)
    end = fields.String(required=True)
    title = fields.Nested(WorkshopTitle, required=True, allow_none=True)
    description = fields.String(required=True, allow_none=True)
    modality = fields.String(required=True, validate=validate.OneOf(("video", "in_person", "phone")))
    location = fields.String(
        required=True, allow_none=True, metadata={"description": "in person: the address"}
    )
    seats = fields.Integer(required=True)
    seats_taken = fields.Integer(required=True)
    seats_left = fields.Integer(required=True)
    my_seat = fields.String(
        required=True, allow_none=True, metadata={"description": "the caller's seat (its session id), if any"}
    )
    created_at = fields.String(required=True)


WorkshopPage = page_of(WorkshopOut)


class SeatIn(StrictSchema):
    client_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=ID,
        metadata={"description": "staff seating a client must name them; a client leaves it out"},
    )


class SeatOut(SessionOut):
    """A seat: the client's session at the workshop's time."""

    workshop_id = fields.String(required=True)
    seat = fields.Integer(required=True, metadata={"description": "1..seats"})
    attended = fields.Boolean(
        required=True, allow_none=True, metadata={"description": "null until attendance is marked"}
    )


class AttendeeOut(StrictSchema):
    client_id = fields.String(required=True)
    client_name = fields.String(required=True, allow_none=True)
    session_id = fields.String(required=True)
    seat = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    attended = fields.Boolean(
        required=True, allow_none=True, metadata={"description": "null until attendance is marked"}
    )
    taken_at = fields.String(required=True)
    client_joined_at = fields.String(required=True, allow_none=True)


AttendeePage = page_of(AttendeeOut)


class AttendanceIn(StrictSchema):
    attended = fields.Boolean(required=True)
