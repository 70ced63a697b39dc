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
            "Add a person (org admins; branch admins for their branch); a client may have only a phone",
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
            "People of the organization (admins: the organization, a branch admin their branch); "
            "counselors find clients of their branch (role=client); ?q= finds by name, email or phone",
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

    # The account life cycle -------------------------------------------------------------------

    @api(
        "PATCH",
        "/api/v1/users/<user_id>",
        doc=RouteDoc(
            "Change someone's name, phone, role or branch (admins in scope); a new role counts from "
            "their next request",
            "accounts",
            body=accounts.PersonChanges,
            response=accounts.UserOut,
            errors=(403, 404, 409),
        ),
    )
    def update_user(self, request: Request, user_id: str) -> dict[str, Any]:
        return self.accounts_rpc.update_user(user_id, read_json(request))

    @api(
        "POST",
        "/api/v1/users/<user_id>/deactivate",
        doc=RouteDoc(
            "End someone's access (admins in scope): their tokens stop working at once; a counselor's "
            "future sessions wait for another counselor, a client's are cancelled",
            "accounts",
            response=accounts.UserOut,
            errors=(403, 404, 409),
        ),
    )
    def deactivate_user(self, request: Request, user_id: str) -> dict[str, Any]:
        return self.accounts_rpc.deactivate_user(user_id)

    @api(
        "POST",
        "/api/v1/users/<user_id>/reactivate",
        doc=RouteDoc(
            "Give a deactivated person their access back (admins in scope); they sign in again",
            "accounts",
            response=accounts.UserOut,
            errors=(403, 404, 409),
        ),
    )
    def reactivate_user(self, request: Request, user_id: str) -> dict[str, Any]:
        return self.accounts_rpc.reactivate_user(user_id)

    @api(
        "PATCH",
        "/api/v1/branches/<branch_id>",
        doc=RouteDoc(
            "Change a branch's name, time zone or address (org admins; branch admins for theirs); a new "
            "zone moves the staff who had the branch's zone",
            "accounts",
            body=accounts.BranchChanges,
            response=accounts.BranchOut,
            errors=(403, 404, 409),
        ),
    )
    def update_branch(self, request: Request, branch_id: str) -> dict[str, Any]:
        return self.accounts_rpc.update_branch(branch_id, read_json(request))

    @api(
        "POST",
        "/api/v1/auth/sign-out-everywhere",
        doc=RouteDoc(
            "End every sign-in of the caller, this one included", "accounts", response=accounts.SignedOut
        ),
    )
    def sign_out_everywhere(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.sign_out_everywhere()

    @api(
        "POST",
        "/api/v1/auth/password-reset",
        doc=RouteDoc(
            "Ask for a password reset link by email: 202 whether or not the address has an account",
            "accounts",
            status=202,
            body=accounts.PasswordResetRequest,
            response=accounts.Accepted,
            auth=False,
            errors=(429,),
        ),
    )
    def request_password_reset(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.request_password_reset(read_json(request))

    @api(
        "POST",
        "/api/v1/auth/password-reset/confirm",
        doc=RouteDoc(
            "Choose a new password with the emailed link's token (once, within 30 minutes); every "
            "earlier sign-in ends",
            "accounts",
            body=accounts.PasswordResetConfirm,
            response=accounts.TokenOut,
            auth=False,
        ),
    )
    def confirm_password_reset(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.confirm_password_reset(read_json(request))

    @api(
        "POST",
        "/api/v1/invitations",
        doc=RouteDoc(
            "Invite someone by email, or by SMS when only a phone is given (org admins; branch admins "
            "for their branch)",
            "accounts",
            status=201,
            body=accounts.CreateInvitation,
            response=accounts.InvitationOut,
            errors=(403, 409),
        ),
    )
    def create_invitation(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.create_invitation(read_json(request))

    @api(
        "GET",
        "/api/v1/invitations",
        doc=RouteDoc(
            "Invitations (org admins; branch admins see their branch's)",
            "accounts",
            query=accounts.InvitationQuery,
            response=accounts.InvitationPage,
            errors=(400, 403),
        ),
    )
    def list_invitations(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.list_invitations(query_of(request, accounts.InvitationQuery))

    @api(
        "POST",
        "/api/v1/invitations/accept",
        doc=RouteDoc(
            "Accept an invitation with its link's token: set a password and sign in",
            "accounts",
            body=accounts.AcceptInvitation,
            response=accounts.TokenOut,
            auth=False,
            errors=(409,),
        ),
    )
    def accept_invitation(self, request: Request) -> dict[str, Any]:
        return self.accounts_rpc.accept_invitation(read_json(request))

    @api(
        "POST",
        "/api/v1/invitations/<invitation_id>/resend",
        doc=RouteDoc(
            "Send an invitation again with a new link (the old one stops working) and a new expiry",
            "accounts",
            response=accounts.InvitationOut,
            errors=(403, 404, 409),
        ),
    )
    def resend_invitation(self, request: Request, invitation_id: str) -> dict[str, Any]:
        return self.accounts_rpc.resend_invitation(invitation_id)

    @api(
        "DELETE",
        "/api/v1/invitations/<invitation_id>",
        doc=RouteDoc(
            "Withdraw an invitation: its link stops working",
            "accounts",
            response=accounts.InvitationOut,
            errors=(403, 404, 409),
        ),
    )
    def revoke_invitation(self, request: Request, invitation_id: str) -> dict[str, Any]:
        return self.accounts_rpc.revoke_invitation(invitation_id)
