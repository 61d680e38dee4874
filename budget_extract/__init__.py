"""budget-extract's import name: ``from budget_extract import extract_document``.

In the repository the stages live in the top-level folders ``pipeline/`` and ``schemas/``
(as designed; the tests and tools import them so). The built wheel installs them as
``budget_extract.pipeline`` and ``budget_extract.schemas`` with ``prompts/`` as package data
(``setup.py`` rewrites the imports in the wheel), so an installed copy claims this one
name and no user module named ``pipeline`` or ``schemas`` can shadow it.
"""

from pipeline import __version__
from pipeline.run import extract_document
from schemas.document import Disclosure

__all__ = ["Disclosure", "__version__", "extract_document"]
