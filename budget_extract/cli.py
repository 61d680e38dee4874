"""The console script's entry point (``budget-extract``), under the package's own name."""

from pipeline.cli import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
