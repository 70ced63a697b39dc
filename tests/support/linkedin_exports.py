"""LinkedIn "Download your data" exports as LinkedIn writes them, for tests and benchmarks.

Real file and column names (shared/data/specs/linkedin_export_layout.csv), UTF-8 with a
byte-order mark, CRLF line ends, quoted cells holding commas and newlines, and files
LinkedIn adds that Njia does not read (Connections.csv with its "Notes:" preamble).
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile

PROFILE_COLUMNS = [
    "First Name",
    "Last Name",
    "Maiden Name",
    "Address",
    "Birth Date",
    "Headline",
    "Summary",
    "Industry",
    "Zip Code",
    "Geo Location",
    "Twitter Handles",
    "Websites",
    "Instant Messengers",
]
POSITION_COLUMNS = ["Company Name", "Title", "Description", "Location", "Started On", "Finished On"]
EDUCATION_COLUMNS = ["School Name", "Start Date", "End Date", "Notes", "Degree Name", "Activities"]
CERTIFICATION_COLUMNS = ["Name", "Url", "Authority", "Started On", "Finished On", "License Number"]


def csv_text(columns: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def default_files() -> dict[str, str]:
    return {
        "Profile.csv": csv_text(
            PROFILE_COLUMNS,
            [
                {
                    "First Name": "Wanjiru",
                    "Last Name": "Kamau",
                    "Headline": "Data analyst, Nakuru",
                    "Summary": "I turn county data into decisions.\nOpen to mentoring, too.",
                    "Geo Location": "Nakuru, Kenya",
                    "Twitter Handles": "[wanjiru_data]",
                    "Websites": "[PORTFOLIO:https://wanjiru.example.org]",
                }
            ],
        ),
        "Positions.csv": csv_text(
            POSITION_COLUMNS,
            [
                {
                    "Company Name": "Nakuru County Government",
                    "Title": "Data Analyst",
                    "Description": "Built the dashboards, for health and water.\nTrained 12 colleagues.",
                    "Location": "Nakuru, Kenya",
                    "Started On": "Mar 2021",
                },
                {
                    "Company Name": "Safaricom",
                    "Title": "Intern, Analytics",
                    "Location": "Nairobi",
                    "Started On": "Jun 2019",
                    "Finished On": "Dec 2019",
                },
            ],
        ),
        "Education.csv": csv_text(
            EDUCATION_COLUMNS,
            [
                {
                    "School Name": "Egerton University",
                    "Start Date": "2015",
                    "End Date": "2019",
                    "Degree Name": "BSc Statistics",
                    "Activities": "Chess club",
                }
            ],
        ),
        "Skills.csv": csv_text(
            ["Name"], [{"Name": "SQL"}, {"Name": "Data Visualization"}, {"Name": "Python"}]
        ),
        "Certifications.csv": csv_text(
            CERTIFICATION_COLUMNS,
            [
                {
                    "Name": "Google Data Analytics",
                    "Url": "https://coursera.example.org/verify/ABC",
                    "Authority": "Coursera",
                    "Started On": "Jan 2022",
                    "License Number": "ABC123",
                }
            ],
        ),
        "Languages.csv": csv_text(
            ["Name", "Proficiency"],
            [
                {"Name": "Swahili", "Proficiency": "Native or bilingual proficiency"},
                {"Name": "English", "Proficiency": "Full professional proficiency"},
            ],
        ),
        # Files LinkedIn adds that Njia does not read.
        "Connections.csv": 'Notes:\r\n"When exporting your connection data..."\r\n\r\n'
        + csv_text(
            ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"],
            [{"First Name": "Otieno", "Last Name": "Achieng", "Connected On": "01 Feb 2023"}],
        ),
        "Jobs/Saved Jobs.csv": csv_text(["Saved Date", "Job Url", "Job Title", "Company Name"], []),
    }


def zip_of(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return stream.getvalue()


def make_linkedin_export(files: dict[str, str] | None = None, without: tuple[str, ...] = ()) -> bytes:
    """A ZIP export; ``files`` replaces or adds files by name, ``without`` leaves some out."""
    chosen = {**default_files(), **(files or {})}
    return zip_of(
        {name: codecs.BOM_UTF8 + text.encode() for name, text in chosen.items() if name not in without}
    )


def large_export(rows: int = 10_000) -> bytes:
    """An export with ``rows`` positions and ``rows`` skills, each distinct (for benchmarks)."""
    positions = [
        {
            "Company Name": f"Company {i % 997}",
            "Title": f"Role {i}",
            "Description": f"Delivered project {i}, with a team of {i % 13 + 2}.\nSecond line {i}.",
            "Location": "Nakuru, Kenya",
            "Started On": f"{['Jan', 'Apr', 'Jul', 'Oct'][i % 4]} {1990 + i % 35}",
        }
        for i in range(rows)
    ]
    skills = [{"Name": f"Skill {i}"} for i in range(rows)]
    return make_linkedin_export(
        {"Positions.csv": csv_text(POSITION_COLUMNS, positions), "Skills.csv": csv_text(["Name"], skills)}
    )
