"""services/profiles/linkedin.py: real exports are read; unsafe or foreign uploads are refused."""

import codecs
import io
import zipfile

import pytest

from services.profiles import linkedin
from services.profiles.linkedin import ExportRefused, inspect, read_export
from tests.support.linkedin_exports import (
    POSITION_COLUMNS,
    csv_text,
    default_files,
    make_linkedin_export,
    zip_of,
)


def test_a_real_shaped_export_is_read_by_its_column_names():
    tables = read_export(make_linkedin_export())
    assert tables["profile"][0]["Headline"] == "Data analyst, Nakuru"
    assert tables["positions"][0]["Company Name"] == "Nakuru County Government"
    assert [row["Name"] for row in tables["skills"]] == ["SQL", "Data Visualization", "Python"]
    assert set(tables) == {"profile", "positions", "education", "skills", "certifications", "languages"}


def test_a_byte_order_mark_does_not_hide_the_first_column():
    tables = read_export(make_linkedin_export())
    assert "First Name" in tables["profile"][0]
    assert not any(key.startswith("\ufeff") for key in tables["profile"][0])


def test_quoted_cells_keep_their_commas_and_newlines():
    description = read_export(make_linkedin_export())["positions"][0]["Description"]
    assert description == "Built the dashboards, for health and water.\nTrained 12 colleagues."


def test_missing_optional_files_are_fine():
    tables = read_export(make_linkedin_export(without=("Profile.csv", "Education.csv", "Certifications.csv")))
    assert set(tables) == {"positions", "skills", "languages"}


def test_a_2018_export_in_utf16_with_tabs_is_read():
    text = "Name\tProficiency\r\nKiswahili\tNative or bilingual proficiency\r\n"
    data = zip_of({"Languages.csv": codecs.BOM_UTF16_LE + text.encode("utf-16-le")})
    assert read_export(data)["languages"] == [
        {"Name": "Kiswahili", "Proficiency": "Native or bilingual proficiency"}
    ]


def test_an_export_zipped_again_inside_a_folder_is_read():
    files = {
        f"Basic_LinkedInDataExport_07-11-2023/{n}": codecs.BOM_UTF8 + t.encode()
        for n, t in default_files().items()
    }
    assert read_export(zip_of(files))["skills"][0]["Name"] == "SQL"


def test_a_summary_of_what_was_found_comes_without_decompressing_everything():
    summary = inspect(make_linkedin_export())
    assert summary.tables == ("certifications", "education", "languages", "positions", "profile", "skills")
    assert summary.entries == len(default_files())


# --- refused -------------------------------------------------------------------------------


def refused(data):
    with pytest.raises(ExportRefused) as caught:
        inspect(data)
    return str(caught.value)


def test_a_zip_bomb_is_refused():
    bomb = zip_of({"Positions.csv": b"0" * (60 * 1024 * 1024)})  # 60 MiB of zeros, ~60 KiB zipped
    assert len(bomb) < 200_000
    assert "limit per file" in refused(bomb) or "ZIP bomb" in refused(bomb)


def test_a_highly_compressed_entry_under_the_size_limit_is_still_a_bomb():
    bomb = zip_of({"Skills.csv": b"Name\r\n" + b"A" * (20 * 1024 * 1024)})
    assert "ZIP bomb" in refused(bomb)


def test_entries_adding_up_beyond_the_total_limit_are_refused(monkeypatch):
    monkeypatch.setattr(linkedin, "MAX_TOTAL_BYTES", 1000)
    assert "would expand to more than" in refused(
        make_linkedin_export({"Skills.csv": "Name\r\n" + "x\r\n" * 600})
    )


def test_too_many_entries_are_refused():
    many = zip_of({f"Extra {i}.csv": b"a,b\r\n" for i in range(linkedin.MAX_ENTRIES + 1)})
    assert "files" in refused(many)


@pytest.mark.parametrize(
    "name",
    ["../Positions.csv", "/etc/Positions.csv", "a/../../Skills.csv", "C:/Skills.csv", "..\\Skills.csv"],
)
def test_names_that_climb_out_of_the_archive_are_refused(name):
    assert "outside the archive" in refused(zip_of({name: b"Name\r\nSQL\r\n", "Skills.csv": b"Name\r\n"}))


def test_a_file_that_is_not_a_csv_is_refused():
    assert "not a CSV file" in refused(make_linkedin_export({"payload.exe": "MZ\x90\x00"}))


def test_binary_junk_named_like_a_csv_is_refused():
    junk = zip_of({"Positions.csv": bytes(range(256)) * 16})
    assert "not a CSV text file" in refused(junk)


def test_something_that_is_not_a_zip_is_refused():
    assert "not a ZIP" in refused(b"%PDF-1.7 this is a CV, not an export")


def test_a_truncated_zip_is_refused():
    assert "damaged" in refused(make_linkedin_export()[:200])


def test_a_zip_without_any_linkedin_file_is_refused():
    assert "does not look like a LinkedIn data export" in refused(zip_of({"Notes.csv": b"a,b\r\n1,2\r\n"}))


def test_an_archive_over_the_upload_limit_is_refused(monkeypatch):
    monkeypatch.setattr(linkedin, "MAX_ARCHIVE_BYTES", 100)
    assert "over the" in refused(make_linkedin_export())


def test_an_encrypted_entry_is_refused():
    data = bytearray(zip_of({"Skills.csv": b"Name\r\nSQL\r\n"}))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[0]
    # Set the "encrypted" flag in the local and the central header, as a password-protected ZIP has it.
    data[6] |= 0x1
    central = bytes(data).index(b"PK\x01\x02")
    data[central + 8] |= 0x1
    assert info.filename == "Skills.csv"
    assert "encrypted" in refused(bytes(data))


def test_a_table_with_more_rows_than_the_limit_is_refused_when_read(monkeypatch):
    monkeypatch.setattr(linkedin, "MAX_ROWS", 5)
    rows = [{"Company Name": f"C{i}", "Title": "T"} for i in range(6)]
    with pytest.raises(ExportRefused, match="more than 5 rows"):
        read_export(make_linkedin_export({"Positions.csv": csv_text(POSITION_COLUMNS, rows)}))
