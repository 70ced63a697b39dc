"""services/assessments/chart.py: the scores as SVG a phone shows well."""

import re
import xml.etree.ElementTree as ET

from services.assessments.chart import Bar, bars, hexagon

SVG = "{http://www.w3.org/2000/svg}"
RIASEC = [
    Bar("R", "Realistic", 12),
    Bar("I", "Investigative", 31),
    Bar("A", "Artistic", 20),
    Bar("S", "Social", 40),
    Bar("E", "Enterprising", 8),
    Bar("C", "Conventional", 27),
]


def texts(svg):
    return [el.text for el in ET.fromstring(svg.encode()).iter(f"{SVG}text")]


def test_the_hexagon_is_valid_svg_that_scales_to_the_screen():
    svg = hexagon("Interest profiler", "Code: SIC", RIASEC, 8, 40, ["S", "I", "C"])
    root = ET.fromstring(svg.encode())
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 440 440"
    assert root.get("width") == "100%" and root.get("height") is None
    assert root.get("role") == "img"


def test_the_hexagon_names_every_area_with_its_score():
    svg = hexagon("Interest profiler", "Code: SIC", RIASEC, 8, 40, ["S", "I", "C"])
    shown = texts(svg)
    for bar in RIASEC:
        assert bar.name in shown
        assert f"{bar.key} {bar.score}" in shown
    assert "Code: SIC" in shown


def test_the_text_is_large_enough_to_read_on_a_phone():
    for svg in (
        hexagon("Interest profiler", "Code: SIC", RIASEC, 8, 40, ["S"]),
        bars("Work values", "Achievement", [Bar("achievement", "Achievement", 19)], 4, 20, ["achievement"]),
    ):
        sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', svg)]
        assert sizes and min(sizes) >= 14


def test_the_scores_are_written_out_for_screen_readers():
    svg = hexagon("Interest profiler", "Code: SIC", RIASEC, 8, 40, ["S"])
    desc = ET.fromstring(svg.encode()).find(f"{SVG}desc").text
    assert "Social: 40 (of 8 to 40)" in desc and "Enterprising: 8 (of 8 to 40)" in desc


def test_the_score_shape_reaches_the_rim_for_a_top_score_and_the_centre_for_the_lowest():
    svg = hexagon("t", "s", [Bar(k, k, 40 if k == "R" else 8) for k in "RIASEC"], 8, 40, ["R"])
    shape = re.findall(r'<polygon points="([^"]+)" fill="#0f766e"', svg)[0].split()
    x, y = (float(v) for v in shape[0].split(","))
    assert (x, y) == (220.0, 130.0)  # R, at the top: the centre (220, 250) less the radius 120
    assert all(point == "220.0,250.0" for point in shape[1:])


def test_work_values_are_bars_best_first_and_names_are_escaped():
    rows = [
        Bar("achievement", "Achievement", 19),
        Bar("support", "Support & training", 16),
        Bar("recognition", "Recognition", 8),
    ]
    svg = bars("Work values", "Achievement, Support & training", rows, 4, 20, ["achievement", "support"])
    shown = texts(svg)  # parses: the ampersand is escaped
    assert shown.index("Achievement") < shown.index("Support & training") < shown.index("Recognition")
    assert ET.fromstring(svg.encode()).get("viewBox") == f"0 0 440 {84 + 3 * 54}"
