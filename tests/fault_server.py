"""A real local OpenAI-compatible HTTP server that misbehaves on a script: 429, 500, slow
answers, truncated or non-JSON content. It binds to 127.0.0.1 only and stops with the test."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def completion(content: str, finish_reason: str = "stop") -> dict:
    return {
        "id": "chatcmpl-fault", "object": "chat.completion", "created": 0, "model": "fault",
        "choices": [{"index": 0, "finish_reason": finish_reason,
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


class FaultServer:
    """``script``: one action per request, in order; then ``default`` for the rest.
    Actions: "429", "500", "401", "403", "slow", "truncated" (a cut JSON answer), "length"
    (the same, stopped at max_tokens as a server says it: finish_reason "length"), "cut" (the
    HTTP body itself cut short: a transport failure), "nonjson", or JSON content to answer.
    ``bodies`` holds every request body the server received, parsed."""

    def __init__(self, script: list[str], default: str = '{"rows": []}', slow_s: float = 2.0,
                 port: int = 0):
        self.script = list(script)
        self.default = default
        self.slow_s = slow_s
        self.seen: list[str] = []
        self.bodies: list[dict] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with owner.lock:
                    action = owner.script.pop(0) if owner.script else owner.default
                    owner.seen.append(action)
                    owner.bodies.append(json.loads(body))
                if action in ("429", "500", "401", "403"):
                    self.send_response(int(action))
                    self.send_header("Content-Type", "application/json")
                    self.send_header("retry-after-ms", "10")
                    self.end_headers()
                    self.wfile.write(json.dumps({"error": {"message": action}}).encode())
                    return
                if action == "slow":
                    time.sleep(owner.slow_s)
                    content = owner.default
                elif action in ("truncated", "length"):
                    content = '{"rows": [{"code": "201", "name": "一般公共服务'
                elif action == "cut":
                    content = owner.default
                elif action == "nonjson":
                    content = "对不起，我无法完成这个任务。"
                else:
                    content = action
                finish = "length" if action == "length" else "stop"
                data = json.dumps(completion(content, finish)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if action == "cut":  # promise the whole body, send half, hang up
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# Scripted answers for SMALL_BUDGET (tests.small_docs): one narrative chunk and one table
# chunk. The narrative's answer names no figure; the table's is its 合计 and 201 rows.
NO_FIGURES = '{"figures": []}'
SMALL_BUDGET_TABLE = ('{"rows": [{"code": null, "name": "合计", "values": {"合计": "30.00"}},'
                      ' {"code": "201", "name": "一般公共服务支出", "values": {"合计": "30.00"}}]}')
