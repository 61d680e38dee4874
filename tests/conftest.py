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


_IDS = [(rb'"id"\s*:\s*"chatcmpl-[^"]*"', rb'"id": "chatcmpl-redacted"'),
        (rb"cmpl-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", rb"cmpl-redacted")]


def _scrub(data):
    import re as _re

    if isinstance(data, str):
        data = data.encode()
    if isinstance(data, bytes):
        for pattern, repl in _IDS:
            data = _re.sub(pattern, repl, data)
    return data


def _scrub_request(request):
    """Requests keep no ids either (re-asks quote the previous tool call's id), and no
    platform headers (the openai client's x-stainless-*: OS, architecture, versions)."""
    for h in [h for h in request.headers if h.lower().startswith("x-stainless")]:
        del request.headers[h]
    if request.body:
        request.body = _scrub(request.body)
    return request


def _scrub_response(response):
    """Recorded answers keep no ids: completion and tool-call ids are replaced."""
    body = response.get("body", {}).get("string")
    if body:
        response["body"]["string"] = _scrub(body)
    for h in ("set-cookie", "openai-organization", "openai-project", "x-request-id", "date"):
        response.get("headers", {}).pop(h, None)
    return response


@pytest.fixture(scope="module")
def vcr_config():
    """Cassettes carry no credentials; CI replays them (record mode none, network blocked)."""
    return {
        "filter_headers": ["authorization", "api-key", "x-api-key", "openai-organization",
                           "openai-project", "cookie", "user-agent"],
        "before_record_response": _scrub_response,
        "before_record_request": _scrub_request,
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request):
    """Cassettes live in the repository's cassettes/ folder, one folder per test module."""
    return str(ROOT / "cassettes" / request.module.__name__.split(".")[-1])
