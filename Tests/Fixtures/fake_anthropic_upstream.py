#!/usr/bin/env python3
"""Fake Anthropic Messages API upstream for Triage tests (stdlib only, Python 3.11+).

Usage:
    python3 fake_anthropic_upstream.py --name remote [--port 0] [--verbose]

Binds 127.0.0.1 only (port 0 = ephemeral) and prints exactly ``PORT <n>`` as its first
stdout line. Serves HTTP/1.1 with keep-alive (every non-streaming response has a
Content-Length). Exits when its stdin reaches EOF (so a dying test harness never leaves it
running), or on SIGTERM / SIGINT.

Endpoints
---------
POST /v1/messages
    Requires the headers ``x-api-key`` (any non-empty value; else 401
    authentication_error) and ``anthropic-version`` (else 400 invalid_request_error), and
    a JSON body with ``max_tokens`` (integer) and ``messages`` (a list of user/assistant
    messages whose content is a string or a list of blocks); else 400 invalid_request_error.
    Every error is in Anthropic's shape: {"type": "error", "error": {"type", "message"}}.
    The text of the last user message (a string, or its "text" blocks joined by spaces) is
    the prompt. Reply: "{name} says: {prompt without directives}".
    Directives inside the prompt (may combine):
      [[chunks:N]]          (stream) split the reply into N text deltas (default: one per word)
      [[delay:S]]           sleep S seconds before each delta (stream) / before responding
      [[fail:CODE]]         respond with HTTP CODE and an Anthropic error JSON whose type
                            matches the status (429 rate_limit_error, 529 overloaded_error, ...)
      [[hang]]              never respond (sleeps 120 s, stops early at shutdown)
      [[stop:REASON]]       stop_reason to report (default end_turn), e.g. max_tokens
      [[error-mid-stream]]  (stream) after 2 deltas send `event: error` (overloaded_error)
                            and end the response
      [[close-mid-stream]]  (stream) after 2 deltas close the socket abruptly
    usage: input_tokens = whitespace-separated words of the system prompt and all messages
    (directives removed), output_tokens = words of the reply.
    "stream": true -> text/event-stream, chunked, the real event sequence: message_start,
    content_block_start, ping, one content_block_delta (text_delta) per piece,
    content_block_stop, message_delta (stop_reason, usage.output_tokens), message_stop.
Requests with tools, and tool results: see fake_tools.py
GET  /requests        -> JSON list of every request received so far, except the control
                         endpoints (/requests, /reset): {path, method, headers (lowercased
                         names), body (parsed JSON, raw string, or null), client_port}
POST /reset           -> clears the request log
anything else         -> 404 Anthropic error JSON
"""

import json
import re
import uuid

import fake_http
import fake_tools

DIRECTIVE = re.compile(r"\[\[([a-z-]+)(?::([^\]]*))?\]\]")

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    503: "overloaded_error",
    504: "timeout_error",
    529: "overloaded_error",
}


def error_type(status):
    if status in ERROR_TYPES:
        return ERROR_TYPES[status]
    return "invalid_request_error" if 400 <= status < 500 else "api_error"


class FakeServer(fake_http.FakeServer):
    def __init__(self, address, name, verbose):
        super().__init__(address, Handler, name, verbose)


class Handler(fake_http.FakeHandler):
    server_version = "FakeAnthropic/1.0"
    log_prefix = "fake_anthropic_upstream"

    def send_json(self, status, obj, extra=None):
        headers = {"request-id": "req_" + uuid.uuid4().hex[:24]}
        headers.update(extra or {})
        super().send_json(status, obj, extra=headers)

    def send_error_json(self, status, message, kind=None):
        self.send_json(status, {"type": "error",
                                "error": {"type": kind or error_type(status), "message": message}})

    def route(self, path, raw):
        method = self.command
        if path == "/v1/messages" and method == "POST":
            return self.messages(raw)
        if path == "/requests" and method == "GET":
            return self.send_json(200, self.server.snapshot())
        if path == "/reset" and method == "POST":
            self.server.reset()
            return self.send_json(200, {"ok": True})
        return self.send_error_json(404, f"Not found: {method} {path}", "not_found_error")

    # ---- messages -------------------------------------------------------------------

    def validate(self, body):
        """Anthropic-like request validation; returns an error message or None."""
        if not isinstance(body.get("max_tokens"), int) or isinstance(body.get("max_tokens"), bool):
            return "max_tokens: Field required (an integer)"
        if not isinstance(body.get("model"), str):
            return "model: Field required (a string)"
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return "messages: Field required (a non-empty list)"
        for index, message in enumerate(messages):
            if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
                return f"messages.{index}.role: Input should be 'user' or 'assistant'"
            content = message.get("content")
            if not isinstance(content, (str, list)):
                return f"messages.{index}.content: Input should be a valid string or list"
            if index > 0 and messages[index - 1].get("role") == message.get("role"):
                return "messages: roles must alternate between \"user\" and \"assistant\""
        system = body.get("system")
        if system is not None and not isinstance(system, (str, list)):
            return "system: Input should be a valid string or list"
        return None

    def messages(self, raw):
        headers = self.header_dict()
        if not headers.get("x-api-key", "").strip():
            return self.send_error_json(401, "x-api-key header is required")
        if not headers.get("anthropic-version", "").strip():
            return self.send_error_json(400, "anthropic-version: header is required")
        try:
            body = json.loads(raw.decode("utf-8")) if raw else None
            if not isinstance(body, dict):
                raise ValueError("body is not a JSON object")
        except ValueError as error:
            return self.send_error_json(400, f"invalid JSON body: {error}")
        problem = self.validate(body)
        if problem:
            return self.send_error_json(400, problem)
        if fake_tools.answer_anthropic(self, body):
            return

        messages = body["messages"]
        prompt = ""
        for message in messages:
            if message.get("role") == "user":
                prompt = self.text_of(message.get("content"))
        directives = dict(DIRECTIVE.findall(prompt))
        clean = " ".join(DIRECTIVE.sub(" ", prompt).split())
        reply = f"{self.server.name} says: {clean}"
        texts = [self.text_of(body.get("system"))] + [self.text_of(m.get("content")) for m in messages]
        input_tokens = sum(len(DIRECTIVE.sub(" ", t).split()) for t in texts)
        output_tokens = len(reply.split())
        stop_reason = directives.get("stop") or "end_turn"
        delay = float(directives.get("delay") or 0) if "delay" in directives else 0.0

        if self.failed_by_directive(directives, delay):
            return

        message_id = "msg_" + uuid.uuid4().hex[:24]
        model = body["model"]
        if body.get("stream") is True:
            return self.stream(directives, reply, model, message_id, input_tokens, output_tokens,
                               stop_reason, delay)
        if delay:
            self.sleep(delay)
        self.send_json(200, {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": reply}],
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
        })

    @staticmethod
    def split_reply(reply, count):
        words = re.findall(r"\S+\s*", reply) or [reply]
        if count is None:
            return words
        count = max(1, count)
        if len(words) >= count:
            return fake_http.split_evenly(words, count)
        size = max(1, -(-len(reply) // count))
        return [reply[i:i + size] for i in range(0, len(reply), size)]

    def stream(self, directives, reply, model, message_id, input_tokens, output_tokens,
               stop_reason, delay):
        chunks_arg = directives.get("chunks")
        pieces = self.split_reply(reply, int(chunks_arg) if chunks_arg else None)

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("request-id", "req_" + uuid.uuid4().hex[:24])
        self.end_headers()
        self.wfile.flush()

        def event(name, payload):
            self.write_chunk(f"event: {name}\ndata: {json.dumps(payload)}\n\n".encode())

        event("message_start", {"type": "message_start", "message": {
            "id": message_id, "type": "message", "role": "assistant", "model": model,
            "content": [], "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": 1}}})
        event("content_block_start", {"type": "content_block_start", "index": 0,
                                      "content_block": {"type": "text", "text": ""}})
        event("ping", {"type": "ping"})
        for index, piece in enumerate(pieces):
            if delay and not self.sleep(delay):
                self.close_connection = True
                return
            event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                          "delta": {"type": "text_delta", "text": piece}})
            if index == 1 and "error-mid-stream" in directives:
                event("error", {"type": "error", "error": {"type": "overloaded_error",
                                                           "message": "Overloaded"}})
                self.write_chunk(b"")
                return
            if index == 1 and "close-mid-stream" in directives:
                self.abort_connection()
                return
        event("content_block_stop", {"type": "content_block_stop", "index": 0})
        event("message_delta", {"type": "message_delta",
                                "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                                "usage": {"output_tokens": output_tokens}})
        event("message_stop", {"type": "message_stop"})
        self.write_chunk(b"")  # terminating zero-length chunk
        self.wfile.flush()


def main():
    parser = fake_http.argument_parser("Fake Anthropic Messages API upstream for tests", default_name="remote")
    args = parser.parse_args()

    server = FakeServer(("127.0.0.1", args.port), args.name, args.verbose)
    fake_http.serve(server)


if __name__ == "__main__":
    main()
