"""Staff two-factor sign-in and an organization's security settings: answered by the accounts
service."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request

from services.accounts import security_schemas as security
from services.gateway.http import RouteDoc, api, read_json
from shared.rpc import ServiceRpc


class SecurityRoutes:
    accounts_rpc = ServiceRpc("accounts")

    @api(
        "GET",
        "/api/v1/me/two-factor",
        doc=RouteDoc(
            "Whether the caller signs in with two factors, and how many recovery codes are left",
            "accounts",
            response=security.TwoFactorStatusOut,
        ),
    )
    def two_factor_status(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.two_factor_status()

    @api(
        "POST",
        "/api/v1/me/two-factor",
        doc=RouteDoc(
            "Begin two-factor sign-in (counselors and admins): a TOTP key for an authenticator app, "
            "pending until confirmed with a code",
            "accounts",
            status=201,
            response=security.TwoFactorSetupOut,
            errors=(403, 409),
        ),
    )
    def begin_two_factor(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.begin_two_factor()

    @api(
        "POST",
        "/api/v1/me/two-factor/confirm",
        doc=RouteDoc(
            "Turn two-factor sign-in on with the app's first code: 10 single-use recovery codes, "
            "shown this once",
            "accounts",
            body=security.TwoFactorConfirmCode,
            response=security.TwoFactorEnabledOut,
            errors=(403, 409),
        ),
    )
    def confirm_two_factor(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.confirm_two_factor(read_json(request))

    @api(
        "DELETE",
        "/api/v1/me/two-factor",
        doc=RouteDoc(
            "Turn two-factor sign-in off, given a current code or a recovery code",
            "accounts",
            body=security.TwoFactorCode,
            response=security.TwoFactorOffOut,
            errors=(403, 409, 429),
        ),
    )
    def disable_two_factor(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.disable_two_factor(read_json(request))

    @api(
        "GET",
        "/api/v1/organization/security",
        doc=RouteDoc(
            "The organization's security settings (org admins)",
            "accounts",
            response=security.OrganizationSecurity,
            errors=(403,),
        ),
    )
    def organization_security(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.organization_security()

    @api(
        "PUT",
        "/api/v1/organization/security",
        doc=RouteDoc(
            "Change the organization's security settings (org admins): require two-factor sign-in of "
            "counselors and admins",
            "accounts",
            body=security.OrganizationSecurity,
            response=security.OrganizationSecurity,
            errors=(403,),
        ),
    )
    def set_organization_security(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.set_organization_security(read_json(request))
