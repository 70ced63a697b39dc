"""Error messages in the caller's language (issue 13, point 22): Kiswahili when the request asks
for it with Accept-Language, English otherwise; the code and the details' keys the same either way."""

from tests.e2e.test_accounts_api import error_of
from tests.support.builders import make_organization
from tests.support.platform import Api

KISWAHILI = "sw-KE,sw;q=0.9,en;q=0.5"  # what a browser set to Kiswahili (Kenya) sends


def in_both_languages(api: Api, method: str, path: str, body=None):
    """The same request without Accept-Language, then asking for Kiswahili: both responses."""
    send = getattr(api, method)
    args = (path, body) if method != "get" else (path,)
    english = send(*args)
    api.http.headers["Accept-Language"] = KISWAHILI
    try:
        swahili = send(*args)
    finally:
        del api.http.headers["Accept-Language"]
    assert english.status_code == swahili.status_code, (english.text, swahili.text)
    assert english.headers["Content-Language"] == "en"
    assert swahili.headers["Content-Language"] == "sw"
    return error_of(english), error_of(swahili)


def test_a_validation_error_comes_back_in_kiswahili_naming_the_same_fields(anonymous):
    body = make_organization(slug="Not A Slug!", admin={"email": "not-an-email"})
    english, swahili = in_both_languages(anonymous, "post", "/api/v1/organizations", body)

    assert english["code"] == swahili["code"] == "validation_error"
    assert set(english["details"]) == set(swahili["details"]) == {"slug", "admin.email"}
    assert english["message"] == "Some fields are not valid."
    assert swahili["message"] == "Baadhi ya sehemu si sahihi."
    assert english["details"]["slug"] == [
        "Use 1-40 lowercase letters, digits or hyphens, not starting or ending with a hyphen."
    ]
    assert swahili["details"]["slug"] == [
        "Tumia herufi ndogo, tarakimu au vistari, 1 hadi 40, bila kuanza wala kuishia na kistari."
    ]
    assert english["details"]["admin.email"] == ["Not a valid email address."]
    assert swahili["details"]["admin.email"] == ["Barua pepe si sahihi."]


def test_not_found_comes_back_in_kiswahili_from_a_service_and_from_the_gateway(org_admin):
    english, swahili = in_both_languages(org_admin, "get", "/api/v1/sessions/ses_nobody")
    assert english["code"] == swahili["code"] == "not_found"
    assert (english["message"], swahili["message"]) == ("No such session.", "Hakuna kikao kama hicho.")

    english, swahili = in_both_languages(org_admin, "get", "/api/v1/nowhere")
    assert english["code"] == swahili["code"] == "not_found"
    assert english["message"] == "There is nothing at /api/v1/nowhere."
    assert swahili["message"] == "Hakuna kitu katika /api/v1/nowhere."


def test_a_conflict_comes_back_in_kiswahili_with_the_same_details(anonymous, org_admin):
    taken = make_organization(slug=org_admin.org["slug"])
    english, swahili = in_both_languages(anonymous, "post", "/api/v1/organizations", taken)

    assert english["code"] == swahili["code"] == "conflict"
    assert set(english["details"]) == set(swahili["details"]) == {"slug"}
    assert english["message"] == "That slug is taken; choose another."
    assert swahili["message"] == "Msimbo huo tayari unatumika; chagua mwingine."
    assert swahili["details"]["slug"] == ["Msimbo huo tayari unatumika; chagua mwingine."]


def test_english_ranked_above_kiswahili_answers_in_english(anonymous):
    anonymous.http.headers["Accept-Language"] = "en-KE,en;q=0.9,sw;q=0.8"
    response = anonymous.post("/api/v1/organizations", make_organization(slug="Not A Slug!"))
    assert response.status_code == 422, response.text
    assert error_of(response)["message"] == "Some fields are not valid."
    assert response.headers["Content-Language"] == "en"
