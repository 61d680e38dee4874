"""The answer cache stores JSON and never unpickles; a corrupt cache costs one warning
line and the run goes on with the same result."""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

import diskcache
import pytest
from diskcache.core import MODE_PICKLE, MODE_RAW

from pipeline.llm import cache as cache_module
from pipeline.llm.cache import AnswerCache
from pipeline.llm.config import LLMConfig
from pipeline.run import extract_document
from tests.conftest import corpus_path
from tests.fake_model import ScriptedFakeModel
from tests.test_llm_plumbing import SHANGYU, _script_from_rules


class _Payload:
    """What an attacker would plant: unpickling it creates a directory (a stand-in for
    running any command)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        import os

        return (os.mkdir, (str(self.marker),))


@pytest.fixture(autouse=True)
def _fresh_warnings():
    cache_module._warned.clear()
    yield
    cache_module._warned.clear()


def _tables(d) -> list:
    return [t.model_dump() for t in d.tables]


def _run(cache_dir: Path, script) -> tuple:
    fake = ScriptedFakeModel(script)
    cfg = LLMConfig(model="fake", base_url="http://fake", cache_dir=cache_dir)
    return extract_document(corpus_path(SHANGYU), extractor="llm", llm=cfg, client=fake), fake


@pytest.fixture(scope="module")
def script():
    return _script_from_rules(SHANGYU, "general_budget_expenditure")


def _warnings(capsys) -> list[str]:
    return [ln for ln in capsys.readouterr().err.splitlines() if "warning" in ln]


def test_values_are_stored_as_json_not_pickle(tmp_path, script):
    _run(tmp_path / "c", script)
    with sqlite3.connect(tmp_path / "c" / "cache.db") as db:
        modes = {m for (m,) in db.execute("SELECT mode FROM Cache")}
    assert modes and MODE_PICKLE not in modes


def test_a_planted_pickle_is_never_loaded(tmp_path, script, capsys):
    cache_dir = tmp_path / "c"
    clean, _ = _run(cache_dir, script)
    marker = tmp_path / "pwned"
    evil = pickle.dumps(_Payload(marker))
    with sqlite3.connect(cache_dir / "cache.db") as db:
        n = db.execute("UPDATE Cache SET mode = ?, value = ?, filename = NULL",
                       (MODE_PICKLE, evil)).rowcount
    assert n > 0
    again, fake = _run(cache_dir, script)
    assert not marker.exists(), "a cached pickle was loaded"
    assert fake.requests, "the refused entries were asked again"
    assert _tables(again) == _tables(clean)
    lines = _warnings(capsys)
    assert len(lines) == 1 and "removed" in lines[0]


def test_a_pickled_key_is_never_loaded(tmp_path):
    marker = tmp_path / "pwned"
    with diskcache.Cache(str(tmp_path / "c")) as plain:  # diskcache's default: pickle
        plain.set(_Payload(marker), "x")  # a key pickled, as diskcache does for non-str keys
    assert not marker.exists()
    with sqlite3.connect(tmp_path / "c" / "cache.db") as db:
        (key, raw), = db.execute("SELECT key, raw FROM Cache")
    assert not raw
    c = AnswerCache(tmp_path / "c")
    with pytest.raises(cache_module.UnsafeEntry):
        c._cache._disk.get(key, raw)  # type: ignore[union-attr]  (how diskcache reads keys)
    assert not marker.exists()


def _garbage_db(d: Path) -> None:
    (d / "cache.db").write_bytes(b"this is not a database" * 100)


def _truncated_db(d: Path) -> None:
    data = (d / "cache.db").read_bytes()
    (d / "cache.db").write_bytes(data[: len(data) // 3])


def _garbage_values(d: Path) -> None:
    with sqlite3.connect(d / "cache.db") as db:
        db.execute("UPDATE Cache SET mode = ?, value = ?, filename = NULL",
                   (MODE_RAW, b"\x78\x9c garbage"))


def _json_not_an_answer(d: Path) -> None:
    import json
    import zlib

    with sqlite3.connect(d / "cache.db") as db:
        db.execute("UPDATE Cache SET mode = ?, value = ?, filename = NULL",
                   (MODE_RAW, zlib.compress(json.dumps([1, 2, 3]).encode())))


def _directory_is_a_file(d: Path) -> None:
    for p in d.iterdir():
        p.unlink() if p.is_file() else None
    import shutil

    shutil.rmtree(d)
    d.write_text("not a directory")


@pytest.mark.parametrize("corrupt", [_garbage_db, _truncated_db, _garbage_values,
                                     _json_not_an_answer, _directory_is_a_file])
def test_a_corrupt_cache_costs_one_warning_and_the_same_result(tmp_path, script, capsys, corrupt):
    cache_dir = tmp_path / "c"
    clean, _ = _run(cache_dir, script)
    capsys.readouterr()
    corrupt(cache_dir)
    again, _ = _run(cache_dir, script)
    assert _tables(again) == _tables(clean)
    lines = _warnings(capsys)
    assert len(lines) == 1 and str(cache_dir) in lines[0]
    if corrupt is not _directory_is_a_file:  # rebuilt: the third run is served from it
        cache_module._warned.clear()
        third, fake = _run(cache_dir, script)
        assert not fake.requests and third.llm.cache_hits > 0 and not _warnings(capsys)
