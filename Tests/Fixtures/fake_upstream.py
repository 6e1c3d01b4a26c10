#!/usr/bin/env python3
"""Fake OpenAI-compatible upstream for Triage tests (stdlib only, Python 3.11+).

Usage:
    python3 fake_upstream.py --name local [--port 0] [--models a,b] [--verbose] [--delay S]
                             [--reject-stream-options] [--answers FILE] [--judge-prefer WORD]
                             [--judge-reply TEXT]   (the last three: see fake_replies.py)

Binds 127.0.0.1 only (port 0 = ephemeral) and prints exactly ``PORT <n>`` as its first
stdout line. Serves HTTP/1.1 with keep-alive (every non-streaming response has a
Content-Length). Exits when its stdin reaches EOF (so a dying test harness never leaves it
running), or on SIGTERM / SIGINT.

Endpoints and prompt directives ([[fail:CODE]], [[delay:S]], ...): see fake_upstream.md.
"""

import io
import json
import re
import select
import socket
import threading
import time
import uuid

import fake_http
import fake_replies
import fake_tools

DIRECTIVE = re.compile(r"\[\[([a-z-]+)(?::([^\]]*))?\]\]")


class FakeServer(fake_http.FakeServer):
    def __init__(self, address, name, models, verbose):
        super().__init__(address, Handler, name, verbose)
        self.models = models
        self.gates = {}
        self.closed = []

    def gate(self, token):
        with self.lock:
            event = self.gates.get(token)
            if event is None:
                event = threading.Event()
                self.gates[token] = event
            return event


class Handler(fake_http.FakeHandler):
    server_version = "FakeUpstream/1.0"
    log_prefix = "fake_upstream"

    def send_error_json(self, status, message, kind="server_error"):
        self.send_json(status, {"error": {"message": message, "type": kind, "code": None}})

    def is_control(self, path):
        return path in self.control_paths or path.startswith("/release/") or path == "/closed"

    def route(self, path, raw):
        method = self.command
        if path in ("/v1/completions", "/completions") and method == "POST":
            return self.text_completion(raw)
        if path in ("/v1/chat/completions", "/chat/completions") and method == "POST":
            return self.chat(raw)
        if path in ("/v1/embeddings", "/embeddings", "/v1/responses", "/responses") and method == "POST":
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                return self.send_error_json(400, "invalid JSON body", "invalid_request_error")
            answer = fake_tools.embeddings if path.endswith("/embeddings") else fake_tools.responses
            return answer(self, body)
        if path.startswith("/release/") and method == "GET":
            self.server.gate(path[len("/release/"):]).set()
            return self.send_bytes(200, b"ok", "text/plain")
        if path == "/closed" and method == "GET":
            with self.server.lock:
                return self.send_json(200, list(self.server.closed))
        if path == "/requests" and method == "GET":
            return self.send_json(200, self.server.snapshot())
        if path == "/reset" and method == "POST":
            self.server.reset()
            return self.send_bytes(200, b"ok", "text/plain")
        if path in ("/v1/models", "/models") and method == "GET":
            data = [{"id": m, "object": "model", "created": 0, "owned_by": self.server.name}
                    for m in self.server.models]
            return self.send_json(200, {"object": "list", "data": data})
        if path == "/echo":
            return self.send_json(200, {
                "method": method,
                "path": self.path,
                "headers": self.header_dict(),
                "body": raw.decode("utf-8", errors="replace"),
            })
        if path.startswith("/status/"):
            try:
                code = int(path[len("/status/"):].split("/")[0])
            except ValueError:
                code = 400
            return self.send_bytes(code, b"", "text/plain")
        return self.send_error_json(404, f"no route for {method} {path}", "invalid_request_error")

    # ---- chat completions -----------------------------------------------------------

    def text_completion(self, raw):
        """Legacy text completions: reply "{name} completes: {prompt}" (non-streaming)."""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return self.send_error_json(400, "invalid JSON body", "invalid_request_error")
        prompt = body.get("prompt", "")
        if isinstance(prompt, list):
            prompt = "\n".join(str(p) for p in prompt)
        text = f"{self.server.name} completes: {prompt}"
        return self.send_json(200, {
            "id": "cmpl-" + uuid.uuid4().hex[:24],
            "object": "text_completion",
            "created": int(time.time()),
            "model": body.get("model", ""),
            "choices": [{"text": text, "index": 0, "logprobs": None, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": len(str(prompt).split()), "completion_tokens": len(text.split()),
                      "total_tokens": len(str(prompt).split()) + len(text.split())},
        })

    def chat(self, raw):
        try:
            body = json.loads(raw.decode("utf-8")) if raw else {}
            if not isinstance(body, dict):
                raise ValueError("body is not a JSON object")
        except ValueError as error:
            return self.send_error_json(400, f"invalid JSON body: {error}", "invalid_request_error")
        if getattr(self.server, "reject_stream_options", False) and "stream_options" in body:
            # As older Azure OpenAI API versions answer.
            return self.send_error_json(400, "Unrecognized request argument supplied: stream_options",
                                        "invalid_request_error")

        if fake_tools.answer_openai(self, body):
            return
        messages = body.get("messages") if isinstance(body.get("messages"), list) else []
        prompt = ""
        for message in messages:
            if isinstance(message, dict) and message.get("role") == "user":
                prompt = self.text_of(message.get("content"))
        directives = {}
        for key, value in DIRECTIVE.findall(prompt):
            directives[key] = value
        clean = " ".join(DIRECTIVE.sub(" ", prompt).split())
        model = body.get("model") or "fake-model"

        if "big" in directives:
            size = max(0, int(directives["big"] or 0))
            reply = ("lorem ipsum " * (size // 12 + 1))[:size]
        else:
            reply = fake_replies.reply(self.server, prompt) or f"{self.server.name} says: {clean}"
        # Token counts are whitespace word counts of all messages, directives removed.
        prompt_words = sum(len(DIRECTIVE.sub(" ", self.text_of(m.get("content"))).split())
                           for m in messages if isinstance(m, dict))
        usage = {
            "prompt_tokens": prompt_words,
            "completion_tokens": len(reply.split()),
            "total_tokens": prompt_words + len(reply.split()),
        }
        delay = float(directives.get("delay") or 0) if "delay" in directives else 0.0
        if getattr(self.server, "base_delay", 0.0) and not delay:
            self.sleep(self.server.base_delay)

        if "echo-auth" in directives or "echo-auth-text" in directives:
            authorization = self.headers.get("Authorization", "")
            key = authorization[len("Bearer "):] if authorization.startswith("Bearer ") else authorization
            message = f"Incorrect API key provided: {key}. Header was 'Authorization: {authorization}'"
            code = int(directives.get("echo-auth") or directives.get("echo-auth-text") or 401)
            if "echo-auth-text" in directives:
                return self.send_bytes(code, message.encode(), "text/plain")
            return self.send_error_json(code, message, "invalid_request_error")

        if self.failed_by_directive(directives, delay):
            return
        if self.broken_by_directive(directives, body, reply, model):
            return

        completion_id = "chatcmpl-" + uuid.uuid4().hex[:24]
        created = int(time.time())
        if body.get("stream") is True:
            return self.stream(body, directives, reply, model, usage, completion_id, created, delay)

        if "watch" in directives:
            if not self.watch_connection(directives["watch"], delay):
                return
        elif delay:
            self.sleep(delay)
        response = {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": model,
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": reply},
                "finish_reason": "stop",
            }],
        }
        if "no-usage" not in directives:
            response["usage"] = usage
        self.send_json(200, response)

    def watch_connection(self, token, seconds):
        """Waits `seconds`; returns False (after recording `token`) if the client closed the
        connection meanwhile."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.server.stopping.is_set():
            readable, _, _ = select.select([self.connection], [], [], 0.05)
            if readable:
                try:
                    gone = self.connection.recv(1, socket.MSG_PEEK) == b""
                except OSError:
                    gone = True
                if gone:
                    with self.server.lock:
                        self.server.closed.append(token)
                    self.close_connection = True
                    return False
        return True

    def broken_by_directive(self, directives, body, reply, model):
        """Answers that are not what an OpenAI-compatible server sends. True if it answered."""
        if "garbage" in directives:
            self.wfile.write(b"SSH-2.0-NotHTTP\r\n\x00\x01\x02 this is not an HTTP response\r\n\r\n")
            self.wfile.flush()
            self.close_connection = True
            return True
        if "html" in directives:
            page = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
            self.send_bytes(200, page, "text/html")
            return True
        if "json-for-stream" in directives and body.get("stream") is True:
            self.send_json(200, {
                "id": "chatcmpl-x", "object": "chat.completion", "created": int(time.time()), "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}],
            })
            return True
        if "bad-sse" in directives and body.get("stream") is True:
            good = int(directives["bad-sse"] or 0)
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for index in range(good):
                chunk = {"id": "chatcmpl-x", "object": "chat.completion.chunk", "created": 0, "model": model,
                         "choices": [{"index": 0, "delta": {"content": f"part{index} "}, "finish_reason": None}]}
                self.write_chunk(b"data: " + json.dumps(chunk).encode() + b"\n\n")
                time.sleep(0.05)
            self.write_chunk(b"data: {this is not json\n\n")
            self.write_chunk(b"data: [DONE]\n\n")
            self.write_chunk(b"")
            return True
        return False

    @staticmethod
    def split_reply(reply, count):
        if count is None:
            pieces = re.findall(r"\S+\s*", reply)
            leading = reply[: len(reply) - len(reply.lstrip())]
            if pieces and leading:
                pieces[0] = leading + pieces[0]
            return pieces or [reply]
        count = max(1, count)
        words = re.findall(r"\S+\s*", reply)
        if len(words) >= count:
            return fake_http.split_evenly(words, count)
        # Fewer words than chunks: split by characters.
        size = max(1, -(-len(reply) // count))
        out = [reply[i:i + size] for i in range(0, len(reply), size)]
        while len(out) < count:
            out.append("")
        return out

    def stream(self, body, directives, reply, model, usage, completion_id, created, delay):
        chunks_arg = directives.get("chunks")
        pieces = self.split_reply(reply, int(chunks_arg) if chunks_arg else None)
        options = body.get("stream_options") if isinstance(body.get("stream_options"), dict) else {}
        include_usage = options.get("include_usage") is True
        if "one-write" in directives:
            # Everything goes to a buffer first, then to the socket in one write (a whole short
            # answer arriving at once, as from a fast backend).
            real, self.wfile = self.wfile, io.BytesIO()
            try:
                self.stream_events(directives, pieces, include_usage, model, usage, completion_id, created, delay)
            finally:
                buffered, self.wfile = self.wfile.getvalue(), real
            self.wfile.write(buffered)
            self.wfile.flush()
            return
        self.stream_events(directives, pieces, include_usage, model, usage, completion_id, created, delay)

    def stream_events(self, directives, pieces, include_usage, model, usage, completion_id, created, delay):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

        def event(choices, usage_value=None, with_usage=False):
            payload = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": choices,
            }
            if include_usage or with_usage:
                payload["usage"] = usage_value
            self.write_chunk(b"data: " + json.dumps(payload).encode() + b"\n\n")

        gate = directives.get("gate")
        sent = 0
        for index, piece in enumerate(pieces):
            if gate and index == len(pieces) - 1:
                if not self.server.gate(gate).wait(30):
                    pass  # give up waiting; send the rest anyway
            if delay and not self.sleep(delay):
                self.close_connection = True
                return
            delta = {"content": piece}
            if index == 0:
                delta = {"role": "assistant", "content": piece}
            event([{"index": 0, "delta": delta, "finish_reason": None}])
            sent += 1
            if "close-mid-stream" in directives and sent == 2:
                self.abort_connection()
                return
        if "close-mid-stream" in directives and sent < 2:
            # Reply had fewer than 2 chunks: pad so the client still sees 2 events.
            event([{"index": 0, "delta": {"content": ""}, "finish_reason": None}])
            self.abort_connection()
            return
        event([{"index": 0, "delta": {}, "finish_reason": "stop"}])
        if include_usage:
            event([], usage, with_usage=True)
        self.write_chunk(b"data: [DONE]\n\n")
        self.write_chunk(b"")  # terminating zero-length chunk
        self.wfile.flush()


def main():
    parser = fake_http.argument_parser("Fake OpenAI-compatible upstream for tests", default_name="local")
    parser.add_argument("--models", default="fake-model", help="comma-separated model ids")
    parser.add_argument("--delay", type=float, default=0.0,
                        help="seconds to wait before answering every chat completion (a slow backend)")
    parser.add_argument("--reject-stream-options", action="store_true",
                        help="answer 400 to any chat completion with stream_options (a strict server)")
    fake_replies.add_arguments(parser)
    args = parser.parse_args()

    models = [m for m in args.models.split(",") if m]
    server = FakeServer(("127.0.0.1", args.port), args.name, models, args.verbose)
    server.base_delay = args.delay
    server.reject_stream_options = args.reject_stream_options
    fake_replies.configure(server, args)
    fake_http.serve(server)


if __name__ == "__main__":
    main()
