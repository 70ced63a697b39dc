"""The accounts service's RPC schemas; the gateway documents its HTTP API from these."""

from __future__ import annotations

from typing import Any

import phonenumbers
from marshmallow import ValidationError, fields, validate, validates_schema

from shared.schemas import Language, PageQuery, StrictSchema, TimeZone, documented, page_of

SLUG = validate.Regexp(
    r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?\Z",
    error="Use 1-40 lowercase letters, digits or hyphens, not starting or ending with a hyphen.",
)
NAME = validate.Length(min=1, max=120)
PASSWORD = validate.Length(min=8, max=128, error="Use between 8 and 128 characters.")
ROLE = validate.OneOf(("client", "counselor", "branch_admin", "org_admin"))
STATUSES = ("invited", "active", "deactivated")
STATUS_HELP = "invited: has not set a password yet; deactivated: cannot sign in, tokens refused"
INVITATION_STATUSES = ("sent", "accepted", "revoked", "expired")


# What the document asks for: E.164, the form Njia stores and answers with. Whether a number is in
# use in its country's plan takes libphonenumber, not a pattern: the format names that rule.
PHONE_FORMAT = "phone"
E164 = r"^\+[1-9][0-9]{6,14}$"
# A name is trimmed, then may not be empty: it holds something besides white space (neither what
# Python strips nor what ECMA-262's \s names).
NAMED = r"^[^\u0000]*[^\s\u0000\u001c-\u001f\u0085\ufeff][^\u0000]*$"


class Phone(fields.String):
    """A phone number, stored as E.164 (``+254712345678``); local numbers read as Kenyan."""

    default_error_messages = {
        "phone": "Not a valid phone number; use the international form, e.g. +254712345678."
    }
    default_region = "KE"

    def __init__(self, **kwargs: Any) -> None:
        doc = {
            "format": PHONE_FORMAT,
            "pattern": E164,
            "example": "+254712345678",
            "description": "E.164, a number in use in its country's numbering plan (a number without "
            "+ is read as Kenyan)",
        }
        super().__init__(**documented(doc, kwargs))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        raw = super()._deserialize(value, attr, data, **kwargs)
        try:
            number = phonenumbers.parse(raw, self.default_region)
        except phonenumbers.NumberParseException:
            raise self.make_error("phone") from None
        if not phonenumbers.is_valid_number(number):
            raise self.make_error("phone")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class Trimmed(fields.String):
    """Text read without the white space around it; where it may not be empty (a name), it must
    hold something else, as the document's pattern says."""

    def __init__(self, **kwargs: Any) -> None:
        checks = kwargs.get("validate")
        checks = checks if isinstance(checks, (list, tuple)) else [checks]
        not_empty = any(isinstance(c, validate.Length) and (c.min or 0) >= 1 for c in checks)
        super().__init__(**(documented({"pattern": NAMED}, kwargs) if not_empty else kwargs))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class NewAdmin(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=PASSWORD)
    name = Trimmed(required=True, validate=NAME)
    timezone = TimeZone(load_default=None)
    language = Language(load_default=None)


class CreateOrganization(StrictSchema):
    name = Trimmed(required=True, validate=NAME)
    slug = fields.String(
        required=True,
        validate=SLUG,
        metadata={"example": "nakuru-careers", "description": "the code clients sign up with"},
    )
    admin = fields.Nested(NewAdmin, required=True)


class UserRef(StrictSchema):
    id = fields.String(required=True)
    email = fields.Email(required=True)
    role = fields.String(required=True)


class OrganizationOut(StrictSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    admin = fields.Nested(UserRef, required=True)


class OwnOrganizationOut(StrictSchema):
    """The caller's organization: its slug is the code clients sign up with."""

    id = fields.String(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)


class TokenRequest(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))
    code = fields.String(
        load_default=None,
        allow_none=True,
        load_only=True,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "the authenticator code (or a recovery code) when two-factor sign-in is on"},
    )


class UserOut(StrictSchema):
    id = fields.String(required=True)
    email = fields.Email(
        required=True, allow_none=True, metadata={"description": "null: a client added with only a phone"}
    )
    name = fields.String(required=True)
    role = fields.String(required=True, validate=ROLE)
    org_id = fields.String(required=True)
    branch_id = fields.String(required=True, allow_none=True)
    phone = fields.String(allow_none=True)
    timezone = fields.String(required=True)
    language = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": STATUS_HELP})


class TokenOut(StrictSchema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, validate=validate.Equal("bearer"))
    expires_in = fields.Integer(required=True)
    user = fields.Nested(UserOut, required=True)
    two_factor_setup_required = fields.Boolean(
        metadata={"description": "the organization requires two-factor sign-in and this person has none yet"}
    )


class Registration(StrictSchema):
    class Meta:
        description = (
            "A client signing up: org_slug names an organization (its slug, as its admin gives it out; "
            "422 naming org_slug for none), branch_id one of its branches (422 naming branch_id)."
        )

    org_slug = fields.String(required=True, validate=SLUG, metadata={"example": "nakuru-careers"})
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=PASSWORD)
    name = Trimmed(required=True, validate=NAME)
    phone = Phone(load_default=None, allow_none=True)
    timezone = TimeZone(load_default=None, allow_none=True)
    language = Language(load_default=None, allow_none=True)
    branch_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))


class OwnDetails(StrictSchema):
    """``PATCH /api/v1/me``: any of the caller's own details, validated as at registration;
    ``phone: null`` removes the phone number."""

    class Meta:
        description = "At least one of name, phone, timezone or language; phone: null removes the number."
        openapi = {"minProperties": 1}

    name = Trimmed(validate=NAME)
    phone = Phone(allow_none=True)
    timezone = TimeZone()
    language = Language()

    @validates_schema
    def _something(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError({"body": ["Give at least one of name, phone, timezone or language."]})


class CreateBranch(StrictSchema):
    name = Trimmed(required=True, validate=NAME)
    timezone = TimeZone(required=True)
    address = Trimmed(load_default=None, allow_none=True, validate=validate.Length(max=300))
    language = Language(load_default="en")


class BranchOut(StrictSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    timezone = fields.String(required=True)
    org_id = fields.String(required=True)
    language = fields.String(required=True)
    address = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)


class CreateUser(StrictSchema):
    class Meta:
        description = (
            "A client, counselor or branch admin belongs to a branch: branch_id is required for them "
            "(422 naming branch_id), and must be a branch of the caller's organization (422 naming "
            "branch_id); a branch admin adds people to their own branch only (403). A client may be "
            "added without an email, with a phone (a walk-in): with invite: false they are active at "
            "once and can be booked for, with nothing to sign in with; else the invitation goes by SMS "
            "and they give an email when they accept it. Staff need an email (422 naming email)."
        )
        # An organization admin, or someone with a branch.
        openapi = {
            "anyOf": [
                {"properties": {"role": {"type": "string", "enum": ["org_admin"]}}},
                {"properties": {"branch_id": {"type": "string", "minLength": 1}}, "required": ["branch_id"]},
            ]
        }

    email = fields.Email(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=254),
        metadata={"description": "required but for a client given a phone"},
    )
    name = Trimmed(required=True, validate=NAME)
    role = fields.String(required=True, validate=ROLE)
    branch_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    password = fields.String(load_default=None, load_only=True, allow_none=True, validate=PASSWORD)
    phone = Phone(load_default=None, allow_none=True)
    timezone = TimeZone(load_default=None, allow_none=True)
    language = Language(load_default=None, allow_none=True)
    invite = fields.Boolean(
        load_default=True,
        load_only=True,
        metadata={
            "description": "without a password: send the person an invitation (default; by SMS when "
            "they have no email); false adds them quietly (a directory imported ahead of time), and they "
            "set a password with 'forgot password' when they come, or a walk-in client with only a phone "
            "(active at once, nothing to sign in with)"
        },
    )


class UserQuery(PageQuery):
    role = fields.String(load_default=None, validate=ROLE)
    branch_id = fields.String(load_default=None, validate=validate.Length(max=64))
    q = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=100),
        metadata={
            "description": "find people by part of their name (any case), part of their email, or part "
            "of their phone number in any form (+254712345678, 0712 345 678, 712345)"
        },
    )


class CounselorQuery(PageQuery):
    branch_id = fields.String(load_default=None, validate=validate.Length(max=64))


class BranchQuery(PageQuery):
    pass


UserPage = page_of(UserOut)
BranchPage = page_of(BranchOut)


class PersonOut(StrictSchema):
    """What a client sees of someone else; staff, and the person themselves, also see email and phone."""

    id = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    org_id = fields.String(required=True)
    branch_id = fields.String(required=True, allow_none=True)
    timezone = fields.String(required=True)
    language = fields.String(required=True)
    email = fields.Email(allow_none=True)
    phone = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": STATUS_HELP})


class CounselorOut(PersonOut):
    """What a client sees of a counselor; staff also see email and phone."""


CounselorPage = page_of(CounselorOut)


# The account life cycle: invitations, resets, admins changing people and branches --------------


class ContactRequired(StrictSchema):
    @validates_schema
    def _email_or_phone(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data.get("email") and not data.get("phone"):
            raise ValidationError({"email": ["Give an email address or a phone number to send it to."]})


class CreateInvitation(ContactRequired):
    class Meta:
        description = (
            "Invite someone: the invitation goes by email, or by SMS when only a phone is given. The "
            "same rules as POST /users apply to role and branch_id."
        )

    name = Trimmed(required=True, validate=NAME)
    role = fields.String(required=True, validate=ROLE)
    branch_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    phone = Phone(load_default=None, allow_none=True)
    timezone = TimeZone(load_default=None, allow_none=True)
    language = Language(load_default=None, allow_none=True)


class InvitationOut(StrictSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, validate=ROLE)
    branch_id = fields.String(required=True, allow_none=True)
    email = fields.Email(allow_none=True)
    phone = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(INVITATION_STATUSES))
    expires_at = fields.AwareDateTime(required=True)
    created_at = fields.AwareDateTime(required=True)
    invited_by = fields.String(required=True)
    sent_count = fields.Integer(metadata={"description": "how many times it was sent (1 + resends)"})
    user_id = fields.String(allow_none=True, metadata={"description": "the person, once accepted (or added)"})


class InvitationQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(INVITATION_STATUSES))


InvitationPage = page_of(InvitationOut)


class AcceptInvitation(StrictSchema):
    class Meta:
        description = "email is needed only when the invitation went by SMS (422 naming email otherwise)."

    token = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, load_only=True, validate=PASSWORD)
    name = Trimmed(load_default=None, allow_none=True, validate=NAME)
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))


class PasswordResetRequest(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))


class PasswordResetConfirm(StrictSchema):
    token = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, load_only=True, validate=PASSWORD)


class Accepted(StrictSchema):
    status = fields.String(required=True, metadata={"example": "accepted"})


class SignedOut(StrictSchema):
    status = fields.String(required=True, metadata={"example": "signed_out"})


class PersonChanges(StrictSchema):
    """``PATCH /users/{id}``: an admin changes someone's name, phone, role or branch."""

    class Meta:
        description = "At least one of name, phone, role or branch_id; phone: null removes the number."
        openapi = {"minProperties": 1}

    name = Trimmed(validate=NAME)
    phone = Phone(allow_none=True)
    role = fields.String(validate=ROLE)
    branch_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=64))

    @validates_schema
    def _something(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError({"body": ["Give at least one of name, phone, role or branch_id."]})


class BranchChanges(StrictSchema):
    class Meta:
        description = "At least one of name, timezone or address; address: null removes it."
        openapi = {"minProperties": 1}

    name = Trimmed(validate=NAME)
    timezone = TimeZone()
    address = Trimmed(allow_none=True, validate=validate.Length(max=300))

    @validates_schema
    def _something(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError({"body": ["Give at least one of name, timezone or address."]})
