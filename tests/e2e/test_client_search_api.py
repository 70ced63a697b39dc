"""Staff finding clients (``GET /api/v1/users?role=client&q=``) and adding a walk-in client who has
only a phone, over HTTP."""

import uuid

import pytest

from tests.e2e.conftest import add_person
from tests.support.builders import make_availability, make_branch, make_user
from tests.support.waiting import wait_until


def error_of(response):
    return response.json()["error"]


def unique_phone():
    """A Kenyan mobile number (Safaricom's 07xx range) no other test uses."""
    return "+2547" + str(uuid.uuid4().int)[:8]


@pytest.fixture
def branch(org_admin):
    return org_admin.post("/api/v1/branches", make_branch(timezone="Africa/Nairobi")).json()


def add_client(admin, branch, **overrides):
    created = admin.post("/api/v1/users", make_user("client", branch["id"], **overrides))
    assert created.status_code == 201, created.text
    return created.json()


def found(api, q, **params):
    response = api.get("/api/v1/users", params={"role": "client", "q": q, **params})
    assert response.status_code == 200, response.text
    return [u["id"] for u in response.json()["items"]]


def test_staff_find_a_client_by_part_of_the_name_in_any_case(platform, org_admin, branch):
    tag = uuid.uuid4().hex[:6]
    wanjiru = add_client(org_admin, branch, name=f"Wanjiru Kamau{tag}")
    otieno = add_client(org_admin, branch, name=f"Otieno Odhiambo{tag}")
    counselor = add_person(platform, org_admin, branch, "counselor")
    branch_admin = add_person(platform, org_admin, branch, "branch_admin")
    for staff in (counselor, branch_admin, org_admin):
        assert found(staff, f"kamau{tag}".upper()) == [wanjiru["id"]]
        assert found(staff, f"wanjiru kamau{tag}") == [wanjiru["id"]]
        assert set(found(staff, tag)) == {wanjiru["id"], otieno["id"]}
    assert found(org_admin, "(no such name[") == []  # the text is read as text, not a pattern


def test_staff_find_a_client_by_phone_typed_in_either_form(platform, org_admin, branch):
    phone = unique_phone()
    client = add_client(org_admin, branch, phone=phone)
    counselor = add_person(platform, org_admin, branch, "counselor")
    local = "0" + phone[4:]  # +254712345678 -> 0712345678
    for typed in (phone, local, f"{local[:4]} {local[4:7]} {local[7:]}", phone[1:], phone[-6:]):
        assert found(counselor, typed) == [client["id"]], typed


def test_staff_find_a_client_by_email(platform, org_admin, branch):
    tag = uuid.uuid4().hex[:8]
    client = add_client(org_admin, branch, email=f"Akinyi.{tag}@Example.org")
    assert client["email"] == f"akinyi.{tag}@example.org"
    branch_admin = add_person(platform, org_admin, branch, "branch_admin")
    assert found(branch_admin, f"AKINYI.{tag}@example.org") == [client["id"]]
    assert found(branch_admin, f"akinyi.{tag}") == [client["id"]]


def test_a_search_pages_as_every_list_does(platform, org_admin, branch):
    tag = uuid.uuid4().hex[:6]
    made = [add_client(org_admin, branch, name=f"Mwangi {tag} {n}")["id"] for n in range(3)]
    first = org_admin.get("/api/v1/users", params={"role": "client", "q": tag, "limit": 2}).json()
    assert [u["id"] for u in first["items"]] == made[:2] and first["next_cursor"]
    rest = org_admin.get(
        "/api/v1/users", params={"role": "client", "q": tag, "limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [u["id"] for u in rest["items"]] == made[2:] and rest["next_cursor"] is None


def test_staff_of_a_branch_do_not_find_another_branchs_clients(platform, org_admin, branch):
    tag = uuid.uuid4().hex[:6]
    here = add_client(org_admin, branch, name=f"Njeri {tag}")
    other_branch = org_admin.post("/api/v1/branches", make_branch()).json()
    there = add_client(org_admin, other_branch, name=f"Njeri {tag}")
    branch_admin = add_person(platform, org_admin, branch, "branch_admin")
    counselor = add_person(platform, org_admin, branch, "counselor")
    for staff in (branch_admin, counselor):
        assert found(staff, f"njeri {tag}") == [here["id"]]
        refused = staff.get("/api/v1/users", params={"role": "client", "branch_id": other_branch["id"]})
        assert refused.status_code == 403
    assert set(found(org_admin, f"njeri {tag}")) == {here["id"], there["id"]}

    staff_list = counselor.get("/api/v1/users", params={"role": "counselor"})
    assert staff_list.status_code == 403 and "role" in error_of(staff_list)["details"]
    client = add_person(platform, org_admin, branch, "client")
    assert client.get("/api/v1/users", params={"role": "client", "q": "njeri"}).status_code == 403


def test_a_walk_in_client_with_only_a_phone_is_added_found_and_booked_for(platform, org_admin, branch):
    receptionist = add_person(platform, org_admin, branch, "branch_admin")
    phone = unique_phone()
    tag = uuid.uuid4().hex[:6]
    body = {
        "role": "client",
        "name": f"Chebet {tag}",
        "phone": phone,
        "branch_id": branch["id"],
        "invite": False,
    }
    created = receptionist.post("/api/v1/users", body)
    assert created.status_code == 201, created.text
    walk_in = created.json()
    assert walk_in["email"] is None and walk_in["phone"] == phone and walk_in["status"] == "active"
    assert found(receptionist, "0" + phone[4:]) == [walk_in["id"]]
    assert found(receptionist, f"chebet {tag}") == [walk_in["id"]]
    assert receptionist.get("/api/v1/invitations").json()["items"] == []  # nobody was invited

    second = receptionist.post("/api/v1/users", {**body, "name": f"Kiprop {tag}", "phone": unique_phone()})
    assert second.status_code == 201, second.text  # two people without email are two people

    counselor = add_person(platform, org_admin, branch, "counselor")
    assert counselor.put(f"/api/v1/counselors/{counselor.user['id']}/availability", make_availability()).ok
    slot = receptionist.get("/api/v1/slots", params={"counselor_id": counselor.user["id"]}).json()["items"][0]
    booking = {"counselor_id": counselor.user["id"], "start": slot["start"], "client_id": walk_in["id"]}
    booked = receptionist.post("/api/v1/sessions", booking)
    assert booked.status_code == 201, booked.text
    assert booked.json()["client_id"] == walk_in["id"]
    wait_until(
        lambda: counselor.get(f"/api/v1/sessions/{booked.json()['id']}").status_code == 200,
        message="the counselor never saw the walk-in's session",
    )


def test_only_a_client_may_be_added_without_an_email_and_then_with_a_phone(org_admin, branch):
    no_contact = org_admin.post(
        "/api/v1/users", {"role": "client", "name": "Amani", "branch_id": branch["id"]}
    )
    assert no_contact.status_code == 422 and "email" in error_of(no_contact)["details"]
    staff = org_admin.post(
        "/api/v1/users",
        {"role": "counselor", "name": "Baraka", "phone": unique_phone(), "branch_id": branch["id"]},
    )
    assert staff.status_code == 422 and "email" in error_of(staff)["details"]
    with_password = org_admin.post(
        "/api/v1/users",
        {
            "role": "client",
            "name": "Amani",
            "phone": unique_phone(),
            "branch_id": branch["id"],
            "password": "pass-word-1",
        },
    )
    assert with_password.status_code == 422 and "password" in error_of(with_password)["details"]


def test_a_client_added_with_a_phone_is_invited_by_sms_and_signs_in_with_the_email_they_give(
    platform, org_admin, branch
):
    phone = unique_phone()
    body = {"role": "client", "name": "Auma", "phone": phone, "branch_id": branch["id"]}
    created = org_admin.post("/api/v1/users", body)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "invited" and created.json()["email"] is None
    invitations = org_admin.get("/api/v1/invitations").json()["items"]
    (invitation,) = [i for i in invitations if i["user_id"] == created.json()["id"]]
    assert invitation["phone"] == phone and invitation["email"] is None
