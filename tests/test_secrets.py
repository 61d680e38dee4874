"""An endpoint that echoes the API key: the key is written nowhere (outputs, cache,
stderr); a 401/403 is one line, a non-zero exit, and no further calls."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT
from tests.fault_server import completion

KEY = "sk-test-0123456789abcdefSECRET"
DOC = CORPUS / "text" / "shaoxing-shangyu-hrss-2024-budget.txt"


class EchoServer:
    """Answers every request with ``status``; the body repeats the Authorization header
    and the key it carried (401/403 as an error, 200 as the model's answer text)."""

    def __init__(self, status: int):
        self.requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                owner.requests += 1
                auth = self.headers.get("Authorization", "")
                echo = f"Incorrect API key provided: {auth.removeprefix('Bearer ')} ({auth})"
                if status == 200:
                    body = completion(f"not JSON. You sent {echo}")
                else:
                    body = {"error": {"message": echo, "type": "invalid_request_error",
                                      "code": "invalid_api_key"}}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(request):
    s = EchoServer(request.param)
    yield s
    s.close()


def _cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "OPENAI_API_KEY": KEY, "HOME": str(tmp_path),
           "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _key_written_anywhere(tmp_path: Path, proc: subprocess.CompletedProcess) -> list[str]:
    hits = [str(p) for p in tmp_path.rglob("*") if p.is_file() and KEY.encode() in p.read_bytes()]
    return hits + [name for name, text in (("stdout", proc.stdout), ("stderr", proc.stderr))
                   if KEY in text]


@pytest.mark.parametrize("server", [401, 403], indirect=True)
def test_a_refused_key_is_one_line_a_non_zero_exit_and_no_more_calls(server, tmp_path):
    p = _cli([str(DOC), "-o", str(tmp_path / "d.json"), "--extractor", "llm",
              "--base-url", server.url, "--cache-dir", str(tmp_path / "cache")], tmp_path)
    assert p.returncode == 3
    assert p.stderr.count("\n") == 1 and "refused" in p.stderr and "API key" in p.stderr
    assert server.requests <= 4 * 3, "kept asking the endpoint"  # in flight when it refused
    assert not _key_written_anywhere(tmp_path, p)


@pytest.mark.parametrize("server", [401], indirect=True)
def test_a_batch_stops_asking_an_endpoint_that_refused_the_key(server, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("jiaxing-hrss-2024-budget.txt", "shaoxing-shangyu-hrss-2024-budget.txt",
                 "hangzhou-xihu-hrss-2024-budget.txt", "haidong-hrss-2024-budget.txt"):
        (src / name).write_bytes((CORPUS / "text" / name).read_bytes())
    p = _cli(["batch", str(src), "-o", str(tmp_path / "out"), "--workers", "1", "-q",
              "--extractor", "llm", "--base-url", server.url,
              "--cache-dir", str(tmp_path / "cache")], tmp_path)
    assert p.returncode == 3
    assert p.stderr.strip().count("\n") == 0 and "the batch stopped" in p.stderr
    assert server.requests <= 4 * 3  # one document's calls in flight, then nothing
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["outcomes"].get("not processed", 0) >= 3
    assert not _key_written_anywhere(tmp_path, p)


@pytest.mark.parametrize("server", [200], indirect=True)
def test_an_answer_echoing_the_key_is_stored_redacted(server, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / DOC.name).write_bytes(DOC.read_bytes())
    p = _cli(["batch", str(src), "-o", str(tmp_path / "out"), "--workers", "1", "-q",
              "--extractor", "llm", "--base-url", server.url, "--max-concurrent-calls", "2",
              "--cache-dir", str(tmp_path / "cache")], tmp_path)
    assert p.returncode == 0, p.stderr
    doc = next((tmp_path / "out" / "docs").rglob("*.json"))
    d = json.loads(doc.read_text(encoding="utf-8"))
    assert d["llm"]["failures"] and all("[redacted]" in (f["last_answer"] or "")
                                        for f in d["llm"]["failures"])
    assert server.requests > 0
    assert not _key_written_anywhere(tmp_path, p)
