"""The printable CV and the hints on it (services/profiles/cv.py): plain functions, no I/O."""

from __future__ import annotations

import base64
import hashlib

from services.gateway.routes.web import CONTENT_SECURITY_POLICY
from services.profiles import cv

CASHIER = {
    "name": "Wanjiku Kamau",
    "headline": "Cashier",
    "location": "Nakuru",
    "summary": "Cashier who keeps the till right and the queue moving.",
    "positions": [
        {
            "title": "Cashier",
            "organization": "Naivas Nakuru",
            "start": "2021-03",
            "description": "Handled M-Pesa and cash payments; trained two new cashiers.",
            "highlights": ["Closed the till without a shortfall for 14 months", "Customer service award"],
        },
        {"title": "Shop assistant", "organization": "Duka la Mama"},
    ],
    "education": [{"institution": "Nakuru Boys High School", "degree": "KCSE", "end": "2019"}],
    "skills": [{"name": "Customer service"}, {"name": "Microsoft Excel"}],
    "languages": [{"name": "Kiswahili", "proficiency": "Native"}],
    "links": [{"label": "LinkedIn", "url": "https://www.linkedin.com/in/wanjiku"}],
}


def test_cv_page_prints_on_a4_with_every_section_the_profile_has() -> None:
    page = cv.cv_html(CASHIER)

    assert "@page { size: A4;" in page
    assert "<h1>Wanjiku Kamau</h1>" in page
    for heading in ("Experience", "Education", "Skills", "Languages", "Links"):
        assert f"<h2>{heading}</h2>" in page
    assert "Certificates" not in page  # a section with nothing in it is left out
    assert "Mar 2021 \N{EN DASH} present" in page
    assert "Closed the till without a shortfall for 14 months" in page


def test_cv_headings_and_dates_in_swahili() -> None:
    page = cv.cv_html(CASHIER, lang="sw")

    assert '<html lang="sw">' in page
    assert "<h2>Uzoefu wa kazi</h2>" in page and "<h2>Elimu</h2>" in page
    assert "Mac 2021 \N{EN DASH} sasa" in page


def test_markup_in_a_profile_is_shown_as_text_never_run() -> None:
    page = cv.cv_html(
        {**CASHIER, "headline": "<script>alert(1)</script>", "links": [{"url": "javascript:x"}]}
    )

    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:" not in page


def test_compact_template_is_marked_for_its_styles() -> None:
    assert '<body class="compact">' in cv.cv_html(CASHIER, template="compact")


def test_review_names_positions_without_dates_or_results() -> None:
    hints = cv.review(CASHIER)

    by_field = {(h["code"], h["field"]) for h in hints}
    assert ("position_without_dates", "positions.1") in by_field
    assert ("position_without_results", "positions.1") in by_field
    assert ("position_without_dates", "positions.0") not in by_field
    assert ("position_without_results", "positions.0") not in by_field


def test_review_flags_a_skill_no_position_shows_used() -> None:
    flagged = [h["facts"]["skill"] for h in cv.review(CASHIER) if h["code"] == "skill_unsupported"]

    assert flagged == ["Microsoft Excel"]  # customer service is in a highlight


def test_review_asks_for_a_shorter_summary_in_the_clients_language() -> None:
    long = {**CASHIER, "summary": " ".join(["neno"] * 150)}

    hints = [h for h in cv.review(long, lang="sw") if h["code"] == "summary_too_long"]

    assert hints and hints[0]["message"] == "Muhtasari wako una maneno 150; ufupishe chini ya 120."
    assert not [h for h in cv.review(CASHIER) if h["code"] == "summary_too_long"]


def test_review_turns_a_targets_missing_skills_into_hints() -> None:
    missing = [{"label": "Management of Personnel Resources"}, {"label": "Coordination"}]

    hints = cv.review(CASHIER, missing=missing, occupation="First-Line Supervisors of Retail Sales Workers")

    said = [h["message"] for h in hints if h["code"] == "missing_target_skill"]
    assert said[0] == (
        "First-Line Supervisors of Retail Sales Workers asks for “Management of Personnel Resources”, "
        "which your CV does not show yet."
    )
    assert len(said) == 2


def test_an_empty_profile_gets_a_page_and_the_hint_to_add_work() -> None:
    assert "<h1>Curriculum vitae</h1>" in cv.cv_html({})
    assert [h["code"] for h in cv.review({})] == ["no_positions"]


def test_the_web_app_allows_exactly_the_cv_stylesheet() -> None:
    """The app shows the CV in a frame under its own policy, which allows this one inline style by
    its hash: a change to the CV's styles must change the hash too."""
    digest = base64.b64encode(hashlib.sha256(cv.PRINT_STYLE.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
