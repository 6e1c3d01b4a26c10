"""Tool calls, embeddings and the Responses API for the fake upstreams (stdlib only).

Tool calls (both fakes): a request with ``tools`` whose last message is the user's gets one
call per tool, all in one answer (parallel calls), with arguments {"q": <user text>, "n": i};
the directive [[calls:N]] asks for N calls of the first tool. A request whose last message
carries tool results (OpenAI role "tool", Anthropic "tool_result" blocks) is answered with
text: "{name} got tool results: <results joined by ' | '>; images: <image parts seen>".
Streams send the calls' arguments in two pieces each.

Embeddings (OpenAI fake): ``POST /v1/embeddings`` -> one vector per input, of ``dimensions``
numbers (default 8), or base64 float32 with ``encoding_format: base64``; usage.prompt_tokens
= words of the inputs.

Responses (OpenAI fake): ``POST /v1/responses`` -> "{name} responds: <input text>", as a whole
``response`` object or, with "stream": true, the real event sequence.
"""
import base64
import json
import re
import struct
import time
import uuid

DIRECTIVE = re.compile(r"\[\[([a-z-]+)(?::([^\]]*))?\]\]")


def text_of(content):
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict) and "text" in p)
    return ""


def count_images(messages):
    count = 0
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list):
            count += sum(1 for p in content if isinstance(p, dict) and p.get("type") in ("image_url", "image"))
    return count


def planned_calls(tools, prompt):
    """(name, arguments JSON) of each call to make for this prompt."""
    names = [t.get("function", t).get("name", "") for t in tools if isinstance(t, dict)]
    directives = dict(DIRECTIVE.findall(prompt))
    clean = " ".join(DIRECTIVE.sub(" ", prompt).split())
    if "calls" in directives and names:
        names = [names[0]] * max(1, int(directives["calls"] or 1))
    return [(name, json.dumps({"q": clean, "n": index})) for index, name in enumerate(names)]


# ---- OpenAI ----------------------------------------------------------------------------

def answer_openai(handler, body):
    """Answers a chat request that involves tools; False when it does not."""
    messages = body.get("messages") if isinstance(body.get("messages"), list) else []
    last = messages[-1] if messages and isinstance(messages[-1], dict) else {}
    model = body.get("model") or "fake-model"
    stream = body.get("stream") is True
    include_usage = isinstance(body.get("stream_options"), dict) and body["stream_options"].get("include_usage") is True
    if last.get("role") == "tool":
        results = [text_of(m.get("content")) for m in messages if isinstance(m, dict) and m.get("role") == "tool"]
        reply = f"{handler.server.name} got tool results: {' | '.join(results)}; images: {count_images(messages)}"
        message, finish, pieces = {"role": "assistant", "content": reply}, "stop", None
    elif body.get("tools") and last.get("role") == "user":
        calls = planned_calls(body["tools"], text_of(last.get("content")))
        tool_calls = [{"id": f"call_{uuid.uuid4().hex[:12]}", "type": "function",
                       "function": {"name": name, "arguments": arguments}} for name, arguments in calls]
        message, finish, pieces = {"role": "assistant", "content": None, "tool_calls": tool_calls}, "tool_calls", tool_calls
        reply = " ".join(arguments for _, arguments in calls)
    else:
        return False
    usage = {"prompt_tokens": sum(len(text_of(m.get("content")).split()) for m in messages if isinstance(m, dict)),
             "completion_tokens": len(reply.split())}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    completion_id = "chatcmpl-" + uuid.uuid4().hex[:24]
    if not stream:
        handler.send_json(200, {"id": completion_id, "object": "chat.completion", "created": int(time.time()),
                                "model": model, "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                                "usage": usage})
        return True
    start_stream(handler)

    def event(choices, usage_value=None):
        payload = {"id": completion_id, "object": "chat.completion.chunk", "created": 0, "model": model, "choices": choices}
        if usage_value is not None:
            payload["usage"] = usage_value
        handler.write_chunk(b"data: " + json.dumps(payload).encode() + b"\n\n")

    event([{"index": 0, "delta": {"role": "assistant", "content": "" if pieces else message["content"]}, "finish_reason": None}])
    for index, call in enumerate(pieces or []):
        arguments = call["function"]["arguments"]
        half = len(arguments) // 2
        event([{"index": 0, "delta": {"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                "function": {"name": call["function"]["name"], "arguments": ""}}]}, "finish_reason": None}])
        for part in (arguments[:half], arguments[half:]):
            event([{"index": 0, "delta": {"tool_calls": [{"index": index, "function": {"arguments": part}}]}, "finish_reason": None}])
    event([{"index": 0, "delta": {}, "finish_reason": finish}])
    if include_usage:
        event([], usage)
    handler.write_chunk(b"data: [DONE]\n\n")
    handler.write_chunk(b"")
    return True


def start_stream(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Cache-Control", "no-cache")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()


# ---- Anthropic -------------------------------------------------------------------------

def answer_anthropic(handler, body):
    """Answers a messages request that involves tools; False when it does not."""
    messages = body.get("messages")
    last = messages[-1]
    content = last.get("content") if isinstance(last.get("content"), list) else []
    results = [b for b in content if isinstance(b, dict) and b.get("type") == "tool_result"]
    if last.get("role") == "user" and results:
        texts = [text_of(b.get("content")) for b in results]
        reply = f"{handler.server.name} got tool results: {' | '.join(texts)}; images: {count_images(messages)}"
        blocks, stop = [{"type": "text", "text": reply}], "end_turn"
    elif body.get("tools") and last.get("role") == "user":
        calls = planned_calls(body["tools"], text_of(last.get("content")))
        blocks = [{"type": "tool_use", "id": f"toolu_{uuid.uuid4().hex[:12]}", "name": name, "input": json.loads(arguments)}
                  for name, arguments in calls]
        stop, reply = "tool_use", " ".join(arguments for _, arguments in calls)
    else:
        return False
    usage = {"input_tokens": sum(len(text_of(m.get("content")).split()) for m in messages), "output_tokens": len(reply.split())}
    message_id = "msg_" + uuid.uuid4().hex[:24]
    model = body.get("model")
    if body.get("stream") is not True:
        handler.send_json(200, {"id": message_id, "type": "message", "role": "assistant", "model": model, "content": blocks,
                                "stop_reason": stop, "stop_sequence": None, "usage": usage})
        return True
    start_stream(handler)

    def event(name, payload):
        handler.write_chunk(f"event: {name}\ndata: {json.dumps(payload)}\n\n".encode())

    event("message_start", {"type": "message_start", "message": {
        "id": message_id, "type": "message", "role": "assistant", "model": model, "content": [], "stop_reason": None,
        "stop_sequence": None, "usage": {"input_tokens": usage["input_tokens"], "output_tokens": 1}}})
    for index, block in enumerate(blocks):
        if block["type"] == "text":
            event("content_block_start", {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}})
            event("content_block_delta", {"type": "content_block_delta", "index": index,
                                          "delta": {"type": "text_delta", "text": block["text"]}})
        else:
            event("content_block_start", {"type": "content_block_start", "index": index,
                                          "content_block": dict(block, input={})})
            arguments = json.dumps(block["input"])
            half = len(arguments) // 2
            for part in (arguments[:half], arguments[half:]):
                event("content_block_delta", {"type": "content_block_delta", "index": index,
                                              "delta": {"type": "input_json_delta", "partial_json": part}})
        event("content_block_stop", {"type": "content_block_stop", "index": index})
    event("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                            "usage": {"output_tokens": usage["output_tokens"]}})
    event("message_stop", {"type": "message_stop"})
    handler.write_chunk(b"")
    return True


# ---- Embeddings and Responses (OpenAI fake) --------------------------------------------

def embeddings(handler, body):
    inputs = body.get("input")
    inputs = [inputs] if isinstance(inputs, str) else inputs if isinstance(inputs, list) else []
    dimensions = body.get("dimensions") if isinstance(body.get("dimensions"), int) else 8
    data = []
    for index, item in enumerate(inputs):
        seed = sum(ord(c) for c in str(item))
        vector = [round(((seed * (i + 1)) % 97) / 97.0, 4) for i in range(dimensions)]
        if body.get("encoding_format") == "base64":
            vector = base64.b64encode(struct.pack(f"<{dimensions}f", *vector)).decode()
        data.append({"object": "embedding", "index": index, "embedding": vector})
    words = sum(len(str(item).split()) for item in inputs)
    handler.send_json(200, {"object": "list", "data": data, "model": body.get("model"),
                            "usage": {"prompt_tokens": words, "total_tokens": words}})


def responses(handler, body):
    source = body.get("input")
    text = source if isinstance(source, str) else " ".join(text_of(i.get("content")) for i in source or [] if isinstance(i, dict))
    reply = f"{handler.server.name} responds: {text}"
    response_id = "resp_" + uuid.uuid4().hex[:24]
    item = {"type": "message", "id": "msg_" + uuid.uuid4().hex[:12], "status": "completed", "role": "assistant",
            "content": [{"type": "output_text", "text": reply, "annotations": []}]}
    usage = {"input_tokens": len(text.split()), "output_tokens": len(reply.split()),
             "total_tokens": len(text.split()) + len(reply.split())}
    response = {"id": response_id, "object": "response", "created_at": int(time.time()), "status": "completed",
                "model": body.get("model"), "output": [item], "usage": usage,
                "previous_response_id": body.get("previous_response_id")}
    if body.get("stream") is not True:
        handler.send_json(200, response)
        return
    start_stream(handler)
    sequence = [0]

    def event(kind, payload):
        payload = dict(payload, type=kind, sequence_number=sequence[0])
        sequence[0] += 1
        handler.write_chunk(f"event: {kind}\ndata: {json.dumps(payload)}\n\n".encode())

    event("response.created", {"response": dict(response, status="in_progress", output=[], usage=None)})
    event("response.output_item.added", {"output_index": 0, "item": dict(item, status="in_progress", content=[])})
    for word in re.findall(r"\S+\s*", reply):
        event("response.output_text.delta", {"item_id": item["id"], "output_index": 0, "content_index": 0, "delta": word})
    event("response.output_item.done", {"output_index": 0, "item": item})
    event("response.completed", {"response": response})
    handler.write_chunk(b"")
