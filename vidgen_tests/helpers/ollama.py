"""A stand-in Ollama server: /api/show and /api/chat (non-streaming) as documented in
ollama/docs/api.md, over real HTTP on 127.0.0.1. Ollama cannot run here (no model can be
pulled); this speaks its JSON so the client and everything behind it run for real."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOllama:
    """Answers chat requests with `reply`: a dict (sent as JSON content), or a function of the
    request body returning the message content."""

    def __init__(self, models: set[str], reply: dict | Callable[[dict], str]):
        self.models, self.reply, self.requests = models, reply, []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append((self.path, body))
                if body.get("model") not in fake.models:
                    return self._send(404, {"error": f"model '{body.get('model')}' not found"})
                if self.path == "/api/show":
                    return self._send(
                        200,
                        {
                            "modelfile": "",
                            "parameters": "",
                            "template": "{{ .Prompt }}",
                            "details": {"format": "gguf", "family": "llama"},
                            "model_info": {},
                            "capabilities": ["completion"],
                        },
                    )
                if self.path == "/api/chat":
                    content = fake.reply(body) if callable(fake.reply) else json.dumps(fake.reply)
                    return self._send(
                        200,
                        {
                            "model": body["model"],
                            "created_at": "2024-01-01T00:00:00Z",
                            "message": {"role": "assistant", "content": content},
                            "done": True,
                            "done_reason": "stop",
                            "eval_count": 12,
                        },
                    )
                self._send(404, {"error": "not found"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
