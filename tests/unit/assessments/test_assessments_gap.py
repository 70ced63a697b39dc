"""services/assessments/gap.py: a client's skills mapped, and their gap to an occupation."""

from services.assessments.catalog import default_esco_skills, default_requirements
from services.assessments.gap import mapped_skills, skills_gap
from services.assessments.skills import Concept, Vocabulary, vocabulary_of

ESCO = "http://data.europa.eu/esco/skill/"
VOCABULARY = Vocabulary(
    [
        Concept("onet", "2.B.1.f", "Service Orientation"),
        Concept("onet", "technology:Microsoft Excel", "Microsoft Excel"),
        Concept("esco", ESCO + "till", "operate cash register", ("operating a cash register",)),
        Concept("esco", ESCO + "comm", "communication"),
        Concept("esco", ESCO + "staff", "manage staff"),
    ]
)
SUPERVISOR = {
    "skills": [
        {"id": "2.B.1.f", "name": "Service Orientation", "importance": 4.0, "level": 4.0},
        {"id": "2.B.4.e", "name": "Monitoring", "importance": 3.5, "level": 3.0},
    ],
    "knowledge": [
        {"id": "2.C.1.b", "name": "Administration and Management", "importance": 4.5, "level": 4.0}
    ],
    "technology": [
        {"example": "Microsoft Excel", "commodity": None, "hot": True, "in_demand": False},
        {"example": "SAP", "commodity": None, "hot": True, "in_demand": True},
        {"example": "Cash register software", "commodity": None, "hot": False, "in_demand": False},
    ],
    "esco_essential": [
        {"uri": ESCO + "staff", "label": "manage staff", "share": 1.0},
        {"uri": ESCO + "till", "label": "operate cash register", "share": 0.5},
        {"uri": ESCO + "budget", "label": "manage budgets", "share": 1.0},
    ],
}


def profile(*names, source="linkedin"):
    return [{"name": name, "source": source} for name in names]


def test_each_profile_skill_carries_its_match_and_where_it_came_from():
    mapped = mapped_skills(
        profile("MS Excel", "Operating a cash register", "Comunication", "Juggling"), VOCABULARY
    )
    assert [(m["name"], m["source"], m["match"], m["label"]) for m in mapped] == [
        ("MS Excel", "linkedin", "exact", "Microsoft Excel"),
        ("Operating a cash register", "linkedin", "alt_label", "operate cash register"),
        ("Comunication", "linkedin", "fuzzy", "communication"),
        ("Juggling", "linkedin", "none", None),
    ]


def test_the_gap_counts_sure_matches_weighs_by_importance_and_lists_the_weightiest_missing_first():
    mapped = mapped_skills(
        profile("Service orientation", "MS Excel", "Comunication")
        + profile("operating a cash register", source="json_resume"),
        VOCABULARY,
    )
    gap = skills_gap("41-1011.00", "First-Line Supervisors of Retail Sales Workers", SUPERVISOR, mapped)
    assert [(h["label"], h["evidence"][0]["source"]) for h in gap["have"]] == [
        ("Service Orientation", "linkedin"),
        ("operate cash register", "json_resume"),
    ]
    assert [m["label"] for m in gap["missing"]] == [
        "Administration and Management",  # 4.5
        "Monitoring",  # 3.5
        "manage budgets",  # 3.0 x 1.0
        "manage staff",
    ]
    total = 4.0 + 3.5 + 4.5 + 3.0 + 1.5 + 3.0
    assert gap["coverage"] == round((4.0 + 1.5) / total, 3)
    assert gap["hot_technologies_missing"] == ["SAP"]  # Excel is had; the register software is not hot
    assert gap["technologies_had"] == ["Microsoft Excel"]
    assert [s["name"] for s in gap["to_confirm"]] == ["Comunication"]  # fuzzy: counted for nothing
    assert gap["evidence"] == {"skills": 4, "counted": 3, "sources": ["json_resume", "linkedin"]}
    assert "O*NET" in gap["attribution"]


def test_a_profile_without_skills_has_everything_missing_and_no_coverage():
    gap = skills_gap("41-1011.00", "Supervisors", SUPERVISOR, [])
    assert gap["have"] == [] and gap["coverage"] == 0 and len(gap["missing"]) == 6
    assert skills_gap("99-0000.00", "Nothing known", {}, [])["coverage"] is None


def test_a_cashier_profile_against_the_shipped_retail_supervisor_requirements():
    vocabulary = vocabulary_of(default_requirements().values(), default_esco_skills())
    mapped = mapped_skills(
        profile("Operating a cash register", "Process payments", "Manage staff"), vocabulary
    )
    gap = skills_gap("41-1011.00", "Supervisors", default_requirements()["41-1011.00"], mapped)
    assert "manage staff" in {h["label"] for h in gap["have"]}
    assert 0 < gap["coverage"] < 0.5
    weights = [m["weight"] for m in gap["missing"]]
    assert weights == sorted(weights, reverse=True)


def test_job_titles_of_positions_map_to_occupations_the_same_way():
    from services.assessments.gap import mapped_positions
    from services.assessments.titles import TitleIndex

    titles = TitleIndex(
        [
            ("41-2011.00", "Cashiers", ["Checkout Operator"]),
            ("41-1011.00", "First-Line Supervisors of Retail Sales Workers", ["Store Manager"]),
        ]
    )
    positions = [
        {"title": "Cashier", "organization": "Naivas", "start": "2021-03", "end": None},
        {"title": "Checkout operator"},
        {"title": "Night store manager"},
        {"title": "Retail sales supervisor"},
        {"title": "Chief happiness wizard"},
        {"title": None},
    ]
    mapped = mapped_positions(positions, titles)
    assert [(m["title"], m["match"], (m["occupation"] or {}).get("code")) for m in mapped] == [
        ("Cashier", "exact", "41-2011.00"),
        ("Checkout operator", "alt_label", "41-2011.00"),
        ("Night store manager", "none", None),  # some words only: nothing claimed
        ("Retail sales supervisor", "fuzzy", "41-1011.00"),  # every word, not a title: to confirm
        ("Chief happiness wizard", "none", None),
        ("", "none", None),
    ]
    assert mapped[0]["organization"] == "Naivas" and mapped[0]["start"] == "2021-03"


def test_a_persons_decisions_confirm_reject_or_remap_what_counts():
    from datetime import UTC, datetime

    from services.assessments.gap import decision_doc, decision_key

    at = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    staff = VOCABULARY.concept("esco", ESCO + "staff")
    decisions = {
        decision_key("Comunication"): decision_doc("confirm", None, "u1", "client", at),
        decision_key("  MS  excel "): decision_doc("reject", None, "u2", "counselor", at),
        decision_key("Team lead"): decision_doc("remap", staff, "u2", "counselor", at),
    }
    mapped = mapped_skills(
        profile("Comunication", "MS Excel", "Team lead", "Juggling"), VOCABULARY, decisions
    )
    assert [(m["name"], m["match"], m["label"], m["counts"]) for m in mapped] == [
        ("Comunication", "fuzzy", "communication", True),
        ("MS Excel", "exact", "Microsoft Excel", False),
        ("Team lead", "none", "manage staff", True),
        ("Juggling", "none", None, False),
    ]
    assert mapped[2]["decision"] == {
        "action": "remap", "by": "u2", "role": "counselor", "at": "2026-12-03T09:00:00+00:00",
        "scheme": "esco", "id": ESCO + "staff", "label": "manage staff",
    }  # fmt: skip
    gap = skills_gap("41-1011.00", "Supervisors", SUPERVISOR, mapped)
    assert [(h["label"], h["evidence"][0]["decision"]) for h in gap["have"]] == [("manage staff", "remap")]
    assert gap["to_confirm"] == [] and "Microsoft Excel" in gap["hot_technologies_missing"]
    assert VOCABULARY.concept("esco", "nowhere") is None
