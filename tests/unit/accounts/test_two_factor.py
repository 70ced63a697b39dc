"""Staff two-factor sign-in's rules: TOTP codes (RFC 6238), recovery codes, the set-up shown."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest

from services.accounts.two_factor import (
    CodeAlreadyUsed,
    TwoFactor,
    WrongCode,
    accepted_step,
    code_at,
    is_staff,
    looks_like_recovery_code,
    looks_like_totp,
    matching_recovery_hash,
    new_recovery_codes,
    new_secret,
    otpauth_uri,
    qr_svg,
    recovery_code_hash,
    setup_answer,
    time_step,
)

NOW = datetime(2026, 12, 3, 9, 0, 10, tzinfo=UTC)
STEP = timedelta(seconds=30)


def test_the_code_an_authenticator_app_shows_now_is_accepted_for_its_time_step():
    secret = new_secret()
    code = pyotp.TOTP(secret).at(NOW)
    assert accepted_step(secret, code, NOW) == time_step(NOW)


def test_a_code_one_step_early_or_late_is_accepted_but_not_two():
    secret = new_secret()
    assert accepted_step(secret, code_at(secret, NOW - STEP), NOW) == time_step(NOW) - 1
    assert accepted_step(secret, code_at(secret, NOW + STEP), NOW) == time_step(NOW) + 1
    for far in (NOW - 2 * STEP, NOW + 2 * STEP):
        with pytest.raises(WrongCode):
            accepted_step(secret, code_at(secret, far), NOW)


def test_a_wrong_code_is_refused_naming_the_code_field():
    secret = new_secret()
    wrong = f"{(int(code_at(secret, NOW)) + 1) % 1_000_000:06d}"
    with pytest.raises(WrongCode) as refused:
        accepted_step(secret, wrong, NOW)
    assert refused.value.field == "code"


def test_a_code_of_a_time_step_already_used_is_refused():
    secret = new_secret()
    code = code_at(secret, NOW)
    step = accepted_step(secret, code, NOW)
    with pytest.raises(CodeAlreadyUsed):
        accepted_step(secret, code, NOW + timedelta(seconds=5), last_step=step)
    with pytest.raises(CodeAlreadyUsed):  # an older code after a newer one
        accepted_step(secret, code_at(secret, NOW - STEP), NOW, last_step=step)
    assert accepted_step(secret, code_at(secret, NOW + STEP), NOW + STEP, last_step=step) == step + 1


def test_spaces_in_a_typed_code_do_not_matter():
    secret = new_secret()
    code = code_at(secret, NOW)
    assert accepted_step(secret, f" {code[:3]} {code[3:]} ", NOW) == time_step(NOW)


def test_the_secret_is_160_bits_of_base32():
    secret = new_secret()
    assert len(secret) == 32 and set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert new_secret() != secret


def test_the_otpauth_uri_names_njia_the_account_and_the_secret():
    uri = otpauth_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "ama@example.org")
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    assert parsed.path == "/Njia:ama%40example.org"
    query = parse_qs(parsed.query)
    assert query["secret"] == ["JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"] and query["issuer"] == ["Njia"]
    assert pyotp.parse_uri(uri).now() == pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").now()


def test_the_qr_code_is_a_standalone_svg_document():
    svg = qr_svg("otpauth://totp/Njia:ama%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=Njia")
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg and svg.endswith("</svg>")


def test_the_set_up_shown_holds_the_secret_its_uri_and_its_qr_code():
    answer = setup_answer("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "ama@example.org")
    assert set(answer) == {"secret", "otpauth_uri", "qr_svg"}
    assert "secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in answer["otpauth_uri"]


def test_ten_distinct_recovery_codes_in_the_form_xxxx_xxxx():
    codes = new_recovery_codes()
    assert len(codes) == 10 == len(set(codes))
    assert all(looks_like_recovery_code(code) and len(code) == 9 and code[4] == "-" for code in codes)
    assert not any(ch in code for code in codes for ch in "01ilo")  # nothing to misread on paper


def test_a_recovery_code_is_stored_as_a_salted_hash_and_read_however_it_is_typed():
    digest = recovery_code_hash("usr_1", "k7mq-2xfa")
    assert "k7mq" not in digest and len(digest) == 64
    assert recovery_code_hash("usr_1", " K7MQ2XFA ") == digest
    assert recovery_code_hash("usr_2", "k7mq-2xfa") != digest


def test_a_recovery_code_matches_only_a_stored_hash_of_that_person():
    codes = new_recovery_codes()
    two_factor = TwoFactor(
        secret="S", recovery_code_hashes=tuple(recovery_code_hash("usr_1", c) for c in codes)
    )
    assert matching_recovery_hash(two_factor, "usr_1", codes[3]) == recovery_code_hash("usr_1", codes[3])
    for wrong_user, code in (("usr_2", codes[3]), ("usr_1", "zzzz-zzzz"), ("usr_1", "123456")):
        with pytest.raises(WrongCode):
            matching_recovery_hash(two_factor, wrong_user, code)


def test_app_codes_and_recovery_codes_are_told_apart():
    assert looks_like_totp("123456") and looks_like_totp("123 456")
    assert not looks_like_totp("k7mq-2xfa") and not looks_like_totp("12345")
    assert looks_like_recovery_code("k7mq-2xfa") and not looks_like_recovery_code("123456")


def test_only_counselors_and_admins_are_staff():
    assert [role for role in ("client", "counselor", "branch_admin", "org_admin") if is_staff(role)] == [
        "counselor",
        "branch_admin",
        "org_admin",
    ]


def test_the_secret_and_recovery_hashes_never_show_in_a_repr():
    text = repr(
        TwoFactor(secret="SECRETSECRET", pending_secret="PENDINGPENDING", recovery_code_hashes=("h",))
    )
    assert "SECRETSECRET" not in text and "PENDINGPENDING" not in text
