"""One root exception with specific subclasses that carry the data a user needs."""

from __future__ import annotations

from pathlib import Path


class BudgetExtractError(Exception):
    """Root of every error the pipeline raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | Path | None = None, page: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.page = page

    def one_line(self) -> str:
        where = self.path or ""
        if self.page is not None:
            where += f" (page {self.page})"
        return f"{where}: {self.message}" if where else self.message


class InputError(BudgetExtractError):
    """The input file cannot be read as a disclosure."""

    exit_code = 2


class NotFoundError(InputError):
    """The path does not exist."""


class UnsupportedFormatError(InputError):
    """Neither a PDF nor a text/markdown file."""


class CorruptPDFError(InputError):
    """The PDF cannot be opened or parsed."""


class EncryptedPDFError(InputError):
    """The PDF needs a password."""


class EmptyDocumentError(InputError):
    """The file holds no pages or no text at all."""


class NoTextLayerError(InputError):
    """The PDF has pages but no extractable text: it is scanned and needs OCR."""


class NotADisclosureError(InputError):
    """The document does not look like a budget or final-account disclosure."""

    def __init__(self, message: str, *, path: str | Path | None = None, evidence: str = ""):
        super().__init__(message, path=path)
        self.evidence = evidence


class ConfigError(BudgetExtractError):
    """The model endpoint or key is missing or wrong; the message says how to fix it."""

    exit_code = 3


class EndpointError(ConfigError):
    """The model endpoint cannot serve any call (unreachable, key refused, wrong URL or model):
    the run stops at the first such answer instead of failing every chunk."""


class TooLargeError(InputError):
    """The file is over the configured size or page limit."""


class TimeLimitError(TooLargeError):
    """The document ran past its wall-time limit."""


class MemoryLimitError(TooLargeError):
    """The document needed more memory than its limit."""


class WorkerDiedError(InputError):
    """The process extracting the document died (a signal, a crash in a library)."""


class InternalError(BudgetExtractError):
    """An unexpected exception (a bug): a batch records it with its traceback under this
    name and goes on; a single-file run exits 70."""

    exit_code = 70


class OutputError(BudgetExtractError):
    """An output cannot be written (a directory in its place, no permission, disk full)."""

    exit_code = 73  # EX_CANTCREAT


class OutputLockedError(BudgetExtractError):
    """Another batch is writing into the same output directory."""

    exit_code = 75  # EX_TEMPFAIL: try again later


class GoldError(BudgetExtractError):
    """A gold file cannot be used: malformed, unreviewed, or its document is missing."""

    exit_code = 2


class SourceNotFoundError(InputError):
    """An extraction JSON's source file is not where it was, or has changed since."""


class MissingExtraError(BudgetExtractError):
    """An optional feature was asked for whose package is not installed; says what to install."""

    exit_code = 3


def error_class(name: str) -> type[BudgetExtractError] | None:
    """The error class of this module named ``name`` (a batch record stores the name)."""
    todo: list[type[BudgetExtractError]] = [BudgetExtractError]
    while todo:
        cls = todo.pop()
        if cls.__name__ == name:
            return cls
        todo.extend(cls.__subclasses__())
    return None
