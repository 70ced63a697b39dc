"""shared/auth.py: access tokens and who is calling."""

import base64
import json
from datetime import timedelta

import jwt
import pytest

from shared.auth import GATEWAY, Authenticator, Caller, Tokens, bearer_token
from shared.clock import utc_now
from shared.errors import Forbidden, Unauthorized

SECRET = "s" * 32
COUNSELOR = Caller("usr_1", "org_1", "counselor", "brn_1")


@pytest.fixture
def tokens():
    return Tokens(SECRET, ttl_seconds=3600)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_signed_in_caller_is_recognised_from_their_token(tokens):
    assert tokens.verify(tokens.issue(COUNSELOR, utc_now())) == COUNSELOR


def test_org_admin_without_branch_is_recognised_from_their_token(tokens):
    admin = Caller("usr_2", "org_1", "org_admin", None)

    assert tokens.verify(tokens.issue(admin, utc_now())) == admin


def test_expired_token_asks_the_user_to_sign_in_again(tokens):
    token = tokens.issue(COUNSELOR, utc_now() - timedelta(seconds=3600 + 60))

    with pytest.raises(Unauthorized, match="expired"):
        tokens.verify(token)


def test_token_still_valid_near_the_end_of_its_lifetime(tokens):
    token = tokens.issue(COUNSELOR, utc_now() - timedelta(seconds=3600 - 60))

    assert tokens.verify(token) == COUNSELOR


def test_token_with_an_altered_signature_is_refused(tokens):
    header, payload, signature = tokens.issue(COUNSELOR, utc_now()).split(".")
    # change a middle character: the last one may only carry padding bits
    middle = len(signature) // 2
    flipped = "B" if signature[middle] != "B" else "C"
    altered = signature[:middle] + flipped + signature[middle + 1 :]

    with pytest.raises(Unauthorized, match="not valid"):
        tokens.verify(f"{header}.{payload}.{altered}")


def test_counselor_cannot_promote_themself_by_editing_the_token(tokens):
    header, payload, signature = tokens.issue(COUNSELOR, utc_now()).split(".")
    claims = json.loads(_unb64(payload))
    claims["role"] = "org_admin"
    forged = _b64(json.dumps(claims).encode())

    with pytest.raises(Unauthorized):
        tokens.verify(f"{header}.{forged}.{signature}")


def test_token_signed_with_another_secret_is_refused(tokens):
    other = Tokens("o" * 32, ttl_seconds=3600).issue(COUNSELOR, utc_now())

    with pytest.raises(Unauthorized):
        tokens.verify(other)


def test_unsigned_token_is_refused(tokens):
    now = int(utc_now().timestamp())
    claims = {
        "iss": "njia",
        "sub": "usr_9",
        "org": "org_1",
        "role": "org_admin",
        "branch": None,
        "iat": now,
        "exp": now + 3600,
    }
    unsigned = jwt.encode(claims, None, algorithm="none")

    with pytest.raises(Unauthorized):
        tokens.verify(unsigned)


def test_token_missing_the_organization_is_refused(tokens):
    now = int(utc_now().timestamp())
    claims = {"iss": "njia", "sub": "usr_9", "role": "client", "iat": now, "exp": now + 3600}

    with pytest.raises(Unauthorized):
        tokens.verify(jwt.encode(claims, SECRET, algorithm="HS256"))


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_missing_or_garbled_token_asks_to_sign_in(tokens, token):
    with pytest.raises(Unauthorized) as caught:
        tokens.verify(token)

    assert caught.value.status == 401


def test_caller_with_a_required_role_passes():
    assert COUNSELOR.require("counselor", "org_admin") is COUNSELOR


def test_caller_with_the_wrong_role_is_forbidden_and_told_which_role_is_needed():
    client = Caller("usr_3", "org_1", "client", "brn_1")

    with pytest.raises(Forbidden, match="org_admin or branch_admin"):
        client.require("org_admin", "branch_admin")


def test_roles_group_into_staff_and_admins():
    branch_admin = Caller("usr_4", "org_1", "branch_admin", "brn_1")
    client = Caller("usr_3", "org_1", "client", "brn_1")

    assert (COUNSELOR.is_staff, COUNSELOR.is_admin) == (True, False)
    assert (branch_admin.is_admin, branch_admin.is_org_admin) == (True, False)
    assert (client.is_staff, client.is_admin) == (False, False)


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc.def.ghi", "abc.def.ghi"),
        ("bearer abc.def.ghi", "abc.def.ghi"),
        ("BEARER  abc ", "abc"),
        ("Basic dXNlcjpwYXNz", None),
        ("Bearer", None),
        ("Bearer   ", None),
        ("", None),
        (None, None),
    ],
)
def test_bearer_token_is_read_from_the_authorization_header(header, token):
    assert bearer_token(header) == token


def test_a_service_only_call_made_by_another_service_knows_its_caller(tokens):
    token = tokens.issue(COUNSELOR, utc_now())

    auth = Authenticator(tokens, token, parent_call_id="scheduling.book_session.8c1f")

    assert auth.service_caller() == COUNSELOR


def test_a_service_only_call_made_straight_from_the_gateway_is_forbidden(tokens):
    token = tokens.issue(COUNSELOR, utc_now())

    auth = Authenticator(tokens, token, parent_call_id=f"{GATEWAY}.get_user.8c1f")

    with pytest.raises(Forbidden, match="services"):
        auth.service_caller()


def test_a_service_only_call_still_needs_a_valid_token(tokens):
    with pytest.raises(Unauthorized):
        Authenticator(tokens, None, parent_call_id="scheduling.book_session.8c1f").service_caller()


def test_an_idempotency_key_belongs_to_the_request_the_gateway_sent_not_to_calls_made_on_its_behalf():
    tokens = Tokens("s" * 40, 3600)
    assert Authenticator(tokens, None, "gateway.book_session.1", "", "key-1").idempotency_key == "key-1"
    # notifications cancelling a session for an SMS reply inherits the context, not the key.
    nested = Authenticator(tokens, None, "notifications.sms_inbound.2", "", "key-1")
    assert nested.idempotency_key is None
