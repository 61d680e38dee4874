"""The built wheel, installed in a fresh venv, works without the repository: it claims the
one import name ``budget_extract``, ships the prompts, and the default command runs on a
PDF and on a text file (offline: the wheel is built without build isolation, and the fresh
venv sees this venv's installed dependencies through a path file, not its editable
install of this checkout)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, corpus_path
from tests.corpus_facts import DOCS

PDF = "pdf/shanghai-putuo-finance-2024-final-account.pdf"
TEXT = "text/jiaxing-hrss-2024-budget.txt"  # a text file: the default extractor loads prompts


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, (cmd, proc.stdout[-2000:], proc.stderr[-2000:])
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # no stale files from an earlier build
    proc = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                "--no-index", "-w", str(dist), str(ROOT)], cwd=ROOT)
    assert "BuildBackendWarning" not in proc.stderr  # the license warning is gone
    (whl,) = dist.glob("budget_extract-*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    env = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", "--without-pip", str(env)], cwd=env)
    python = env / "bin" / "python"
    purelib = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                       cwd=env).stdout.strip())
    # the dependencies, from this venv; a plain path line: its editable finder is not loaded
    (purelib / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
         str(wheel)], cwd=env)
    return env


def test_the_wheel_claims_one_name_and_ships_the_prompts(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names if not n.startswith("budget_extract-")} == {"budget_extract"}
    shipped = {Path(n).name for n in names if n.startswith("budget_extract/prompts/")}
    assert shipped == {p.name for p in (ROOT / "prompts").iterdir() if p.suffix == ".md"}
    top = next(n for n in names if n.endswith(".dist-info/top_level.txt"))
    assert zipfile.ZipFile(wheel).read(top).decode().split() == ["budget_extract"]
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_the_installed_command_on_a_pdf_and_a_text(venv, tmp_path):
    # a user's own modules named like the repository's folders must not matter
    (tmp_path / "schemas.py").write_text("raise SystemExit('the user schemas.py was imported')\n")
    (tmp_path / "pipeline.py").write_text("raise SystemExit('the user pipeline.py was imported')\n")
    command = str(venv / "bin" / "budget-extract")
    for rel in (PDF, TEXT):
        out = tmp_path / (Path(rel).stem + ".json")
        proc = run([command, str(corpus_path(rel)), "-o", str(out)], cwd=tmp_path)
        fact = DOCS[rel]
        assert f"{fact.department}, {fact.year}" in proc.stdout
        meta = json.loads(out.read_text(encoding="utf-8"))["metadata"]
        assert (meta["department"], meta["year"], meta["kind"]) == (fact.department, fact.year, fact.kind)
    assert run([command, "--version"], cwd=tmp_path).stdout.startswith("budget-extract ")


def test_the_library_under_its_own_name(venv, tmp_path):
    (tmp_path / "schemas.py").write_text("raise SystemExit('the user schemas.py was imported')\n")
    code = (
        "import importlib.util, sys\n"
        "from budget_extract import extract_document\n"
        f"d = extract_document({str(corpus_path(TEXT))!r}, extractor='auto')\n"
        "print(d.metadata.department)\n"
        "assert importlib.util.find_spec('pipeline') is None, 'the checkout is on the path'\n"
        "assert not any(m.split('.')[0] in ('pipeline', 'schemas') for m in sys.modules)\n"
    )
    proc = run([str(venv / "bin" / "python"), "-c", code], cwd=tmp_path)
    assert proc.stdout.strip() == DOCS[TEXT].department
