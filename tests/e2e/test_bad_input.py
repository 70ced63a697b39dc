"""Bad input the database cannot take, refused at the gateway with the field named (issue 13)."""

from tests.e2e.test_accounts_api import error_of
from tests.support.builders import make_organization


def test_text_holding_a_nul_character_is_refused_naming_the_field_and_nothing_is_written(anonymous):
    body = make_organization(name="Nakuru\u0000Careers")
    response = anonymous.post("/api/v1/organizations", body)
    assert response.status_code == 422, response.text
    assert list(error_of(response)["details"]) == ["name"]

    nested = make_organization(slug=body["slug"], admin={"name": "Wanjiru\u0000"})
    response = anonymous.post("/api/v1/organizations", nested)
    assert response.status_code == 422, response.text
    assert list(error_of(response)["details"]) == ["admin.name"]

    # Nothing of either attempt remains: the same slug signs up cleanly.
    body["name"] = "Nakuru Careers"
    assert anonymous.post("/api/v1/organizations", body).status_code == 201


def test_a_nul_character_in_an_id_is_not_found_and_in_a_query_value_is_invalid(org_admin):
    response = org_admin.get("/api/v1/sessions/ses%00x")
    assert response.status_code == 404, response.text
    assert error_of(response)["code"] == "not_found"

    response = org_admin.get("/api/v1/users", params={"role": "client\u0000"})
    assert response.status_code == 422, response.text
    assert list(error_of(response)["details"]) == ["role"]


def test_a_cursor_of_junk_characters_is_a_bad_request_not_the_first_page(org_admin):
    response = org_admin.get("/api/v1/users?cursor=%25%25%25")
    assert response.status_code == 400, response.text
    assert "cursor" in error_of(response)["details"]
