"""API.md's "Accounts, organizations, branches" routes: answered by the accounts service."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request

from services.accounts import schemas as accounts
from services.gateway.http import RouteDoc, api, query_of, read_json
from shared.rpc import ServiceRpc


class AccountsRoutes:
    accounts_rpc = ServiceRpc("accounts")

    # Accounts, organizations, branches ----------------------------------------------------

    @api(
        "POST",
        "/api/v1/organizations",
        doc=RouteDoc(
            "Open sign-up of an organization and its first admin",
            "accounts",
            status=201,
            body=accounts.CreateOrganization,
            response=accounts.OrganizationOut,
            auth=False,
            errors=(409, 429),
        ),
    )
    def create_organization(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.create_organization(read_json(request))

    @api(
        "GET",
        "/api/v1/organization",
        doc=RouteDoc(
            "The caller's own organization (its slug is the code clients sign up with)",
            "accounts",
            response=accounts.OwnOrganizationOut,
        ),
    )
    def my_organization(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.my_organization()

    @api(
        "POST",
        "/api/v1/auth/token",
        doc=RouteDoc(
            "Exchange email and password for an access token",
            "accounts",
            body=accounts.TokenRequest,
            response=accounts.TokenOut,
            auth=False,
            errors=(401, 429),
        ),
    )
    def issue_token(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.issue_token(read_json(request))

    @api(
        "POST",
        "/api/v1/auth/register",
        doc=RouteDoc(
            "Self sign-up of a client",
            "accounts",
            status=201,
            body=accounts.Registration,
            response=accounts.UserOut,
            auth=False,
            errors=(409, 429),
        ),
    )
    def register(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.register_client(read_json(request))

    @api("GET", "/api/v1/me", doc=RouteDoc("The caller's own user", "accounts", response=accounts.UserOut))
    def me(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.me()

    @api(
        "PATCH",
        "/api/v1/me",
        doc=RouteDoc(
            "Change the caller's own name, phone, time zone or language",
            "accounts",
            body=accounts.OwnDetails,
            response=accounts.UserOut,
            errors=(409,),
        ),
    )
    def update_me(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.update_me(read_json(request))

    @api(
        "POST",
        "/api/v1/branches",
        doc=RouteDoc(
            "Create a branch (org admins)",
            "accounts",
            status=201,
            body=accounts.CreateBranch,
            response=accounts.BranchOut,
            errors=(403,),
        ),
    )
    def create_branch(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.create_branch(read_json(request))

    @api(
        "GET",
        "/api/v1/branches",
        doc=RouteDoc(
            "Branches of the caller's organization",
            "accounts",
            query=accounts.BranchQuery,
            response=accounts.BranchPage,
            errors=(400,),
        ),
    )
    def list_branches(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.list_branches(query_of(request, accounts.BranchQuery))

    @api(
        "GET",
        "/api/v1/branches/<branch_id>",
        doc=RouteDoc(
            "One branch of the caller's organization", "accounts", response=accounts.BranchOut, errors=(404,)
        ),
    )
    def get_branch(self, request: Request, branch_id: str) -> dict[str, Any]:
        return self.accounts_rpc.get_branch(branch_id)

    @api(
        "POST",
        "/api/v1/users",
        doc=RouteDoc(
            "Add a person (org admins; branch admins for their branch)",
            "accounts",
            status=201,
            body=accounts.CreateUser,
            response=accounts.UserOut,
            errors=(403, 409),
        ),
    )
    def create_user(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.create_user(read_json(request))

    @api(
        "GET",
        "/api/v1/users",
        doc=RouteDoc(
            "People of the organization (admins)",
            "accounts",
            query=accounts.UserQuery,
            response=accounts.UserPage,
            errors=(400, 403),
        ),
    )
    def list_users(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.list_users(query_of(request, accounts.UserQuery))

    @api(
        "GET",
        "/api/v1/users/<user_id>",
        doc=RouteDoc(
            "One person of the caller's organization (clients see others without email and phone)",
            "accounts",
            response=accounts.PersonOut,
            errors=(404,),
        ),
    )
    def get_user(self, request: Request, user_id: str) -> dict[str, Any]:
        return self.accounts_rpc.get_user(user_id)

    @api(
        "GET",
        "/api/v1/counselors",
        doc=RouteDoc(
            "Counselors of the organization, optionally of one branch",
            "accounts",
            query=accounts.CounselorQuery,
            response=accounts.CounselorPage,
            errors=(400,),
        ),
    )
    def list_counselors(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.list_counselors(query_of(request, accounts.CounselorQuery))
