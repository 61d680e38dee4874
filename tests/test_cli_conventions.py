"""CLI conventions: subcommand help, --version, several files and -o DIR, '-' for stdin,
--fail-on with the documented exit codes, -q, one default extractor."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import version

import click
import pytest

from pipeline.cli import DEFAULT_EXTRACTOR, Exit, cli, main
from tests.conftest import ROOT, corpus_path
from tests.test_cli import _encrypted_pdf

XIHU = "text/hangzhou-xihu-hrss-2024-budget.txt"     # only rounding-sized notes
SHANGYU = "text/shaoxing-shangyu-hrss-2024-budget.txt"  # states 211.30 where its table has 77.64
PUTUO = "pdf/shanghai-putuo-finance-2024-final-account.pdf"
README_COMMANDS = {"extract", "batch", "schema", "eval", "serve-local"}


def run_cli(*args: str, stdin: bytes | None = None, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], input=stdin,
                          capture_output=True, cwd=cwd)


def test_help_lists_every_subcommand(capsys):
    assert main(["--help"]) == Exit.ok
    out = capsys.readouterr().out
    listed = set(re.findall(r"^  ([a-z][a-z-]+)\s", out.split("Commands:")[1], re.M))
    assert listed == set(cli.commands) >= README_COMMANDS
    assert main(["eval", "--help"]) == Exit.ok
    assert {"run", "draft"} <= set(re.findall(r"^  ([a-z]+)\s", capsys.readouterr().out, re.M))
    for name in README_COMMANDS:  # each has its own help
        assert main([name, "--help"]) == Exit.ok
        assert f"Usage: budget-extract {name}" in capsys.readouterr().out


def test_version(capsys):
    assert main(["--version"]) == Exit.ok
    assert capsys.readouterr().out.strip() == f"budget-extract {version('budget-extract')}"


def test_one_default_extractor_everywhere():
    def commands(group: click.Group):
        for c in group.commands.values():
            yield from commands(c) if isinstance(c, click.Group) else [c]

    defaults = {c.name: p.default for c in commands(cli) for p in c.params if p.name == "extractor"}
    assert set(defaults) == {"extract", "batch", "run"}
    assert set(defaults.values()) == {DEFAULT_EXTRACTOR}


def test_several_files_and_an_output_directory(tmp_path, capsys):
    files = [str(corpus_path(XIHU)), str(corpus_path(SHANGYU))]
    assert main([*files, "-o", str(tmp_path / "many"), "-q"]) == Exit.ok
    for rel in (XIHU, SHANGYU):
        data = json.loads((tmp_path / "many" / (corpus_path(rel).stem + ".json")).read_text("utf-8"))
        assert data["source"] == corpus_path(rel).name
    assert capsys.readouterr().out == ""  # -q
    # one file and a name ending in '/': a directory, not a file called 'newdir'
    assert main([files[0], "-o", str(tmp_path / "newdir") + "/", "-q"]) == Exit.ok
    assert (tmp_path / "newdir" / (corpus_path(XIHU).stem + ".json")).is_file()
    # one file and a file name: that file
    assert main([files[0], "-o", str(tmp_path / "x.json"), "-q"]) == Exit.ok
    assert json.loads((tmp_path / "x.json").read_text("utf-8"))["metadata"]["year"] == 2024


def test_a_bad_file_among_several_is_reported_and_the_others_done(tmp_path, capsys):
    bad = _encrypted_pdf(tmp_path / "locked.pdf")
    rc = main([str(bad), str(corpus_path(XIHU)), "-o", str(tmp_path / "o"), "-q"])
    assert rc == Exit.bad_input
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "encrypted" in err
    assert (tmp_path / "o" / (corpus_path(XIHU).stem + ".json")).is_file()


def test_stdin_text_and_pdf():
    text = corpus_path(SHANGYU).read_bytes()
    proc = run_cli("-", stdin=text)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)  # no -o: the JSON is printed
    assert data["source"] == "<stdin>" and data["metadata"]["year"] == 2024
    assert data["metadata"]["department"] in text.decode("utf-8")
    proc = run_cli("extract", "-", "--stdout", stdin=corpus_path(PUTUO).read_bytes())
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["source_format"] == "pdf" and data["page_count"] == 25


@pytest.mark.parametrize("rel", [XIHU, SHANGYU])
def test_fail_on(rel, tmp_path):
    out = tmp_path / "o.json"
    assert main([str(corpus_path(rel)), "-o", str(out), "-q"]) == Exit.ok  # without: 0
    severities = {f["severity"] for f in json.loads(out.read_text("utf-8"))["flags"]}
    for level, worse in (("error", {"error"}), ("warning", {"error", "warning"})):
        rc = main([str(corpus_path(rel)), "-o", str(out), "-q", "--fail-on", level])
        assert rc == (Exit.flagged if severities & worse else Exit.ok), (rel, level)
    if rel == SHANGYU:  # the document's own inconsistency, read from the file
        text = re.sub(r"\s+", "", corpus_path(rel).read_text(encoding="utf-8"))
        assert "行政单位医疗（项）事务211.30万元" in text and "2101101行政单位医疗77.64" in text
        assert "error" in severities


def test_quiet_prints_nothing_but_errors(tmp_path):
    ok = run_cli(str(corpus_path(XIHU)), "-o", str(tmp_path / "a.json"), "-q")
    assert ok.returncode == 0 and ok.stdout == b"" and ok.stderr == b""
    bad = run_cli(str(tmp_path / "missing.pdf"), "-q")
    assert bad.returncode == Exit.bad_input and bad.stdout == b""
    assert bad.stderr.decode().startswith("budget-extract: error:") and bad.stderr.count(b"\n") == 1
    batch = run_cli("batch", str(corpus_path(XIHU)), "-o", str(tmp_path / "b"), "-q", "--workers", "1")
    assert batch.returncode == 0 and batch.stdout == b"" and batch.stderr == b""


def test_batch_exit_codes(tmp_path, capsys):
    bad = _encrypted_pdf(tmp_path / "locked.pdf")
    assert main(["batch", str(bad), "-o", str(tmp_path / "b1"), "-q"]) == Exit.bad_input  # all failed
    assert main(["batch", str(corpus_path(XIHU)), "-o", str(tmp_path / "b2"), "-q",
                 "--fail-on", "error"]) == Exit.ok
    assert main(["batch", str(corpus_path(XIHU)), str(bad), "-o", str(tmp_path / "b3"), "-q",
                 "--fail-on", "error"]) == Exit.flagged  # a failed document counts as an error
    assert main(["batch", str(corpus_path(SHANGYU)), "-o", str(tmp_path / "b4"), "-q",
                 "--fail-on", "error"]) == Exit.flagged


def test_usage_errors_exit_2(capsys):
    assert main([str(corpus_path(XIHU)), "--no-such-option"]) == Exit.bad_input
    err = capsys.readouterr().err
    assert "No such option" in err and "--help" in err and "Traceback" not in err
    assert main(["batch", str(corpus_path(XIHU))]) == Exit.bad_input  # -o is required
    assert "Missing option" in capsys.readouterr().err


def test_exit_codes_are_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    documented = {int(c) for c in re.findall(r"^\| (\d+) \|", section, re.M)}
    assert documented == {int(e) for e in Exit}
