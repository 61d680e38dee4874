"""Typed names: check ids are one enum whose JSON is the plain id, and every error record a
batch writes names a class of pipeline.errors (the records are typed in pipeline.records)."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from pipeline import batch as batch_module
from pipeline.batch import Settings, process_one
from pipeline.errors import (
    BudgetExtractError,
    ConfigError,
    CorruptPDFError,
    EndpointError,
    InternalError,
    NotFoundError,
    error_class,
)
from pipeline.records import error_record, is_config_error
from schemas.document import Disclosure
from schemas.flags import CheckId, Flag, Severity
from schemas.gold import GoldAnomaly
from tests.conftest import corpus_path


def test_a_check_id_is_written_as_its_plain_string():
    f = Flag(check=CheckId.narrative_total, severity=Severity.error, message="m")
    assert json.loads(f.model_dump_json())["check"] == "narrative_total"
    assert Flag.model_validate_json(f.model_dump_json()).check is CheckId.narrative_total


def test_a_gold_anomaly_naming_an_unknown_check_is_refused():
    assert GoldAnomaly(description="d", checks=["row_sum"]).checks == [CheckId.row_sum]
    with pytest.raises(ValidationError):
        GoldAnomaly(description="d", checks=["row_sums"])


def test_error_class_finds_nested_subclasses():
    assert error_class("EndpointError") is EndpointError  # ConfigError's subclass
    assert error_class("InternalError") is InternalError and InternalError.exit_code == 70
    assert error_class("KeyError") is None


def test_config_errors_stop_a_batch_others_do_not():
    assert is_config_error(error_record(EndpointError, "refused"))
    assert is_config_error(error_record(ConfigError("no key"), "no key"))
    assert not is_config_error(error_record(NotFoundError, "gone"))


def test_records_of_a_real_document_and_a_broken_one(tmp_path):
    ok = process_one(str(corpus_path("text/haidong-hrss-2024-budget.txt")), Settings())
    assert ok["status"] == "ok"
    assert Disclosure.model_validate(ok["disclosure"]).metadata.year == 2024
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.4 not really a pdf")
    rec = process_one(str(bad), Settings())
    assert rec["status"] == "error" and error_class(rec["error"]) is CorruptPDFError


def test_a_bug_is_recorded_as_internal_error(tmp_path, monkeypatch):
    def boom(*a, **k):
        raise KeyError("x")

    import pipeline.run

    monkeypatch.setattr(pipeline.run, "extract_document", boom)
    src = tmp_path / "a.txt"
    src.write_text("某某局2024年部门预算", encoding="utf-8")
    rec = batch_module.process_one(str(src), Settings())
    assert rec["status"] == "error" and rec["error"] == InternalError.__name__
    assert issubclass(error_class(rec["error"]) or object, BudgetExtractError)
    assert rec["retry"] is True and "KeyError" in rec["traceback"]
