"""The accounts service's RPC schemas for staff two-factor sign-in and an organization's security
settings; the gateway documents its HTTP API from these."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.schemas import StrictSchema

# Six digits from the authenticator app, or a recovery code (``k7mq-2xfa``); spaces around and
# in the middle of a code are allowed (literal spaces: the same in Python's and ECMA-262's patterns).
CODE = validate.Regexp(
    r"^ *(?:[0-9]{3} ?[0-9]{3}|[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}) *$",
    error="Enter the 6-digit code from your authenticator app, or a recovery code like k7mq-2xfa.",
)
CODE_HELP = "the 6-digit code the authenticator app shows now, or one of the recovery codes (xxxx-xxxx)"


class TwoFactorSetupOut(StrictSchema):
    class Meta:
        description = (
            "A set-up waiting for its first code: add the key to an authenticator app (scan qr_svg, "
            "or type secret), then confirm with a code. Nothing changes at sign-in until confirmed."
        )

    secret = fields.String(required=True, metadata={"description": "the base32 key, for typing in by hand"})
    otpauth_uri = fields.String(
        required=True, metadata={"example": "otpauth://totp/Njia:ama%40example.org?secret=...&issuer=Njia"}
    )
    qr_svg = fields.String(
        required=True, metadata={"description": "otpauth_uri as a QR code (an SVG document)"}
    )


class TwoFactorCode(StrictSchema):
    code = fields.String(
        required=True,
        load_only=True,
        validate=[validate.Length(max=20), CODE],
        metadata={"description": CODE_HELP},
    )


class TwoFactorConfirmCode(StrictSchema):
    code = fields.String(
        required=True,
        load_only=True,
        validate=[validate.Length(max=20), validate.Regexp(r"^ *[0-9]{3} ?[0-9]{3} *$", error=CODE.error)],
        metadata={"description": "the 6-digit code the authenticator app shows now"},
    )


class TwoFactorEnabledOut(StrictSchema):
    enabled = fields.Boolean(required=True)
    recovery_codes = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "10 single-use codes for when the phone is lost: shown this once only"},
    )


class TwoFactorStatusOut(StrictSchema):
    enabled = fields.Boolean(required=True)
    pending = fields.Boolean(metadata={"description": "a set-up was begun and not confirmed"})
    recovery_codes_left = fields.Integer(required=True)
    required_by_organization = fields.Boolean(
        metadata={"description": "the organization requires two-factor sign-in of its staff"}
    )


class TwoFactorOffOut(StrictSchema):
    enabled = fields.Boolean(required=True)


class OrganizationSecurity(StrictSchema):
    class Meta:
        description = (
            "require_two_factor_for_staff: counselors and admins without two-factor sign-in are asked "
            "to set it up when they sign in (the token answer says two_factor_setup_required)."
        )

    require_two_factor_for_staff = fields.Boolean(required=True)
