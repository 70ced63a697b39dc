"""services/assessments/titles.py: occupations found by the job title a person types, ranked."""

from services.assessments.catalog import default_requirements, default_table, overlay, title_index
from services.assessments.titles import TitleIndex, words_of

INDEX = TitleIndex(
    [
        ("41-2011.00", "Cashiers", ["Cashier", "Checker", "Sales Clerk"]),
        ("43-3071.00", "Tellers", ["Cashier", "Bank Teller"]),
        (
            "41-1011.00",
            "First-Line Supervisors of Retail Sales Workers",
            ["Cashier Manager", "Store Manager"],
        ),
        ("11-1021.00", "General and Operations Managers", ["Store Manager", "General Manager"]),
        ("53-3054.00", "Taxi Drivers", ["Cab Driver", "Taxi Driver"]),
    ]
)


def codes(hits):
    return [(hit.code, hit.match) for hit in hits]


def test_words_are_folded_stripped_of_plurals_and_small_words():
    assert words_of("First-Line Supervisors of Retail Sales Workers") == (
        "first", "line", "supervisor", "retail", "sale", "worker",
    )  # fmt: skip
    assert words_of("Cashiers") == words_of("cashier") == ("cashier",)
    assert words_of("and of the") == ()


def test_the_title_itself_comes_first_then_alternate_titles_then_titles_holding_the_words():
    assert codes(INDEX.search("cashier")) == [
        ("41-2011.00", "title"),
        ("43-3071.00", "alternate_title"),
        ("41-1011.00", "words"),
    ]
    assert INDEX.search("Cashier")[2].matched_title == "Cashier Manager"


def test_titles_holding_every_word_come_before_those_holding_some():
    assert codes(INDEX.search("store manager")) == [
        ("11-1021.00", "alternate_title"),
        ("41-1011.00", "alternate_title"),
    ]
    hits = codes(INDEX.search("manager cashier"))
    assert hits[0] == ("41-1011.00", "words")  # Cashier Manager
    assert set(hits[1:]) == {
        ("41-2011.00", "some_words"),
        ("43-3071.00", "some_words"),
        ("11-1021.00", "some_words"),
    }


def test_kenyan_names_for_work_are_read_as_onets_words():
    assert codes(INDEX.search("boda boda rider"))[0] == ("53-3054.00", "some_words")
    assert INDEX.search("M-Pesa agent")[0].code == "43-3071.00"


def test_text_sharing_no_word_finds_nothing():
    assert INDEX.search("astronaut") == []
    assert INDEX.search("the and") == []


def test_the_shipped_table_finds_cashiers_first_for_cashier():
    table = overlay(default_table(), [], [])
    index = title_index(table, default_requirements(), [])
    assert len(index) == len(table) == 156
    hits = index.search("cashier")
    assert (hits[0].code, hits[0].title, hits[0].match) == ("41-2011.00", "Cashiers", "title")
    assert index.search("boda boda rider")[0].title == "Taxi Drivers"


def test_imported_titles_replace_the_shipped_ones_and_add_occupations():
    table = overlay(default_table(), [], [])
    imported = [
        {"_id": "41-2011.00", "alternate_titles": ["Till Operator"]},
        {"_id": "99-9999.00", "title": "Matatu Conductors", "alternate_titles": ["Makanga"]},
    ]
    index = title_index(table, default_requirements(), imported)
    assert index.search("till operator")[0].code == "41-2011.00"
    assert index.search("makanga")[0].code == "99-9999.00"
    assert index.search("makanga")[0].title == "Matatu Conductors"
