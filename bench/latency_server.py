"""A local OpenAI-compatible server that answers after a fixed latency, optionally failing
a share of requests with 500 (for throughput benchmarks; loopback only, bounded)."""

from __future__ import annotations

import json
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LatencyServer:
    def __init__(self, latency_s: float, fail_share: float = 0.0, seed: int = 1):
        self.latency_s = latency_s
        self.fail_share = fail_share
        self.rng = random.Random(seed)
        self.requests = 0
        self.failed = 0
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                with owner.lock:
                    owner.requests += 1
                    fail = owner.rng.random() < owner.fail_share
                    owner.failed += fail
                time.sleep(owner.latency_s)
                if fail:
                    self.send_response(500)
                    self.send_header("retry-after-ms", "0")
                    self.end_headers()
                    return
                prompt = "\n".join(str(m.get("content", "")) for m in body["messages"])
                content = ('{"figures": []}' if "Section:" in prompt else
                           '{"indicators": []}' if "performance-target" in prompt else '{"rows": []}')
                data = json.dumps({
                    "id": "x", "object": "chat.completion", "created": 0, "model": "latency",
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 5, "total_tokens": 105},
                }).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        ThreadingHTTPServer.daemon_threads = True
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.request_queue_size = 256
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
