from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_path(rel: str) -> Path:
    p = CORPUS / rel
    if not p.exists():  # the corpus is part of the test environment, never skipped
        raise FileNotFoundError(f"corpus document missing: {p} (CI has ../shared beside the checkout)")
    return p


@pytest.fixture(scope="session")
def cli_output(tmp_path_factory):
    """Run the CLI once per corpus document and cache the JSON it writes."""
    from pipeline.cli import main

    cache: dict[str, dict] = {}
    out_dir = tmp_path_factory.mktemp("cli")

    def run(rel: str) -> dict:
        if rel not in cache:
            out = out_dir / (Path(rel).name + ".json")
            rc = main([str(corpus_path(rel)), "-o", str(out), "-q"])
            assert rc == 0, f"CLI failed on {rel}"
            cache[rel] = json.loads(out.read_text(encoding="utf-8"))
        return cache[rel]

    return run


@pytest.fixture(autouse=True)
def _no_model_endpoint_from_the_environment(monkeypatch):
    """Tests never reach a model configured on the machine; cassette tests set their own."""
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "BUDGET_EXTRACT_MODEL"):
        monkeypatch.delenv(var, raising=False)
