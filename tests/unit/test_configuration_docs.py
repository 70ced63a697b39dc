"""docs/configuration.md documents every setting the deployment reads (STYLE.md, Names), and the
README leads there."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIGURATION_DOCS = ROOT / "docs" / "configuration.md"


def test_configuration_docs_table_lists_every_variable_in_deploy_config():
    deploy_config = (ROOT / "deploy" / "nameko.yaml").read_text()
    deployed = set(re.findall(r"\$\{(NJIA_[A-Z0-9_]+)", deploy_config))
    table_rows = [
        line for line in CONFIGURATION_DOCS.read_text().splitlines() if line.lstrip().startswith("|")
    ]

    missing = sorted(
        name for name in deployed if not any(re.search(rf"\b{name}\b", row) for row in table_rows)
    )

    assert deployed
    assert missing == []


def test_readme_links_to_the_configuration_docs():
    assert "](docs/configuration.md)" in (ROOT / "README.md").read_text()
