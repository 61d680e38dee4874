"""What a batch writes for each document: the record ``batch.process_one`` returns, stored
under ``docs/`` (``status`` ok) or ``errors/`` (``status`` error). A plain JSON object, so
any engine can carry it between processes; these types name its fields, and an error
record's ``error`` is always the name of a class in ``pipeline.errors``."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from pipeline.errors import BudgetExtractError, ConfigError, WorkerDiedError, error_class


class OkRecord(TypedDict):
    """A document extracted: its ``Disclosure`` as JSON."""

    status: Literal["ok"]
    disclosure: dict[str, Any]
    seconds: float


class ErrorRecord(TypedDict):
    """A document not extracted: the error class's name and its one-line reason."""

    status: Literal["error"]
    error: str  # the name of a pipeline.errors class
    reason: str
    seconds: NotRequired[float]
    retry: NotRequired[bool]  # a rerun of the batch tries this document again
    traceback: NotRequired[str]  # an InternalError's (a bug's) traceback


DocumentRecord = OkRecord | ErrorRecord


def ok_record(disclosure: dict[str, Any], seconds: float) -> OkRecord:
    return {"status": "ok", "disclosure": disclosure, "seconds": seconds}


def error_record(error: type[BudgetExtractError] | BudgetExtractError, reason: str,
                 seconds: float | None = None, retry: bool | None = None,
                 traceback: str | None = None) -> ErrorRecord:
    """The record of ``error`` (a class, or an instance whose class names it)."""
    cls = error if isinstance(error, type) else type(error)
    rec: ErrorRecord = {"status": "error", "error": cls.__name__, "reason": reason}
    if seconds is not None:
        rec["seconds"] = seconds
    if retry is not None:
        rec["retry"] = retry
    if traceback is not None:
        rec["traceback"] = traceback
    return rec


def is_config_error(record: DocumentRecord) -> bool:
    """An error of the configuration every document shares (the endpoint, its key)."""
    if record["status"] != "error":
        return False
    cls = error_class(record["error"])
    return cls is not None and issubclass(cls, ConfigError)


def worker_died(record: ErrorRecord) -> bool:
    """The worker process died: maybe no fault of the document's, so it is retried."""
    return record["error"] == WorkerDiedError.__name__
