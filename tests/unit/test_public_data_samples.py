"""tests/fixtures/public_data: the samples are cut from the public files, line for line, unchanged
(checked where the shared data folder is beside the checkout; see the samples' SOURCES.md)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "fixtures" / "public_data"
SHARED_DATA = ROOT.parent / "shared" / "data"
SAMPLE_FILES = sorted(
    p.relative_to(SAMPLES) for p in SAMPLES.glob("*/*") if p.suffix in (".txt", ".csv", ".json")
)


def test_every_sample_is_small_and_credited():
    credits = (SAMPLES / "SOURCES.md").read_text()
    assert len(SAMPLE_FILES) >= 10
    for sample in SAMPLE_FILES:
        assert (SAMPLES / sample).stat().st_size < 20_000, sample
        assert sample.name in credits, f"{sample} is not in SOURCES.md"


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=str)
def test_a_sample_holds_only_unchanged_lines_of_its_public_file(sample):
    original = SHARED_DATA / sample
    if not original.exists():
        pytest.skip(f"the public file {sample} is not beside the checkout ({SHARED_DATA} is absent)")
    lines = set(original.read_bytes().splitlines())
    kept = (SAMPLES / sample).read_bytes().splitlines()
    assert kept and all(line in lines for line in kept)
    if sample.suffix == ".json":
        assert (SAMPLES / sample).read_bytes() == original.read_bytes()
