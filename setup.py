"""Build hook: the wheel installs one import name, ``budget_extract``.

The repository keeps its designed layout (``pipeline/``, ``schemas/``, ``prompts/`` at the
top, imported as ``pipeline.…`` and ``schemas.…``; an editable install maps them as they
are). A regular build moves ``pipeline`` and ``schemas`` under ``budget_extract/`` in the
build directory, rewrites their absolute imports (``from pipeline.x`` ->
``from budget_extract.pipeline.x``) and copies ``prompts/`` beside them as package data, so
the wheel claims no top-level name but ``budget_extract``. Everything else is in
pyproject.toml.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.egg_info import egg_info

PACKAGE = "budget_extract"
MOVED = ("pipeline", "schemas")  # top-level in the repository, sub-packages in the wheel
DATA = "prompts"  # folder of templates, found at PACKAGE/prompts once installed
_IMPORT = re.compile(rf"^(\s*)(from|import)\s+({'|'.join(MOVED)})(?=[\s.])", re.M)


def rewrite_imports(source: str) -> str:
    """``from pipeline.x import y`` / ``import schemas.z`` -> under the package name."""
    return _IMPORT.sub(lambda m: f"{m.group(1)}{m.group(2)} {PACKAGE}.{m.group(3)}", source)


def relocate(build_lib: Path, root: Path) -> None:
    target = build_lib / PACKAGE
    for name in MOVED:
        src = build_lib / name
        if src.exists():
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.move(str(src), str(target / name))
    for py in target.rglob("*.py"):
        text = py.read_text(encoding="utf-8")
        new = rewrite_imports(text)
        if new != text:
            py.write_text(new, encoding="utf-8")
    shutil.rmtree(target / DATA, ignore_errors=True)
    shutil.copytree(root / DATA, target / DATA)


class BuildPyUnderOneName(build_py):
    def run(self) -> None:
        super().run()
        if not getattr(self, "editable_mode", False):
            relocate(Path(self.build_lib), Path(__file__).resolve().parent)


class EggInfoOneName(egg_info):
    """top_level.txt names what the wheel installs: the one package."""

    def run(self) -> None:
        super().run()
        Path(self.egg_info, "top_level.txt").write_text(PACKAGE + "\n", encoding="utf-8")


setup(cmdclass={"build_py": BuildPyUnderOneName, "egg_info": EggInfoOneName})
