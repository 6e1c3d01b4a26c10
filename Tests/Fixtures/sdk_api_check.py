"""Drives a running Triage with the real `openai` and `anthropic` Python packages through the
Responses API, tool calls across providers, images and embeddings.

Usage: python3 sdk_api_check.py BASE_URL
Triage's routes (see APIIntegrationTests.swift): header x-triage-backend picks `local`
(OpenAI-compatible fake, no Responses API), `remote` (Anthropic fake) or `responder`
(OpenAI-compatible fake with `responses: true`); model `embed` goes to `embedder`.
Prints one line per check; exits non-zero on failure.
"""
import json
import sys

import anthropic
import openai

TOOLS_OPENAI = [{"type": "function", "function": {
    "name": "weather", "description": "Weather of a city",
    "parameters": {"type": "object", "properties": {"q": {"type": "string"}, "n": {"type": "integer"}}}}}]
TOOLS_ANTHROPIC = [{"name": "weather", "description": "Weather of a city",
                    "input_schema": {"type": "object", "properties": {"q": {"type": "string"}, "n": {"type": "integer"}}}}]
PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def route(name):
    return {"x-triage-backend": name}


def responses_checks(gpt):
    for target, speaker in (("local", "local says"), ("remote", "remote says"), ("responder", "responder responds")):
        response = gpt.responses.create(model="triage", instructions="be brief", input="hello responses",
                                        max_output_tokens=64, temperature=0.2, extra_headers=route(target))
        assert response.output_text == f"{speaker}: hello responses", (target, response.output_text)
        assert response.status == "completed", response.status
        assert response.usage.output_tokens > 0, response.usage
        print(f"openai sdk responses.create -> {target} ok", repr(response.output_text))

        stream = gpt.responses.create(model="triage", input=[{"role": "user", "content": "stream responses"}],
                                      stream=True, extra_headers=route(target))
        kinds, deltas, final = [], [], None
        for event in stream:
            kinds.append(event.type)
            if event.type == "response.output_text.delta":
                deltas.append(event.delta)
            if event.type == "response.completed":
                final = event.response
        assert "".join(deltas) == f"{speaker}: stream responses", (target, deltas)
        assert kinds[0] == "response.created" and kinds[-1] == "response.completed", kinds
        assert final.output_text == "".join(deltas), final
        assert final.usage.output_tokens > 0, final.usage
        print(f"openai sdk responses.create stream -> {target} ok", len(deltas), "deltas")

    try:
        gpt.responses.create(model="triage", input="again", previous_response_id="resp_123", extra_headers=route("local"))
        raise AssertionError("previous_response_id accepted without a Responses backend")
    except openai.BadRequestError as error:
        assert error.body["param"] == "previous_response_id", error.body
        print("openai sdk previous_response_id -> 400 ok", error.body["code"])

    # Tools through the Responses API to the Anthropic backend, and the round trip.
    tools = [{"type": "function", "name": "weather", "parameters": TOOLS_OPENAI[0]["function"]["parameters"]}]
    first = gpt.responses.create(model="triage", input="weather in Paris [[calls:2]]", tools=tools, extra_headers=route("remote"))
    calls = [item for item in first.output if item.type == "function_call"]
    assert len(calls) == 2 and json.loads(calls[1].arguments)["n"] == 1, first.output
    items = [{"role": "user", "content": "weather in Paris"}] + [
        {"type": "function_call", "call_id": c.call_id, "name": c.name, "arguments": c.arguments} for c in calls] + [
        {"type": "function_call_output", "call_id": c.call_id, "output": f"{18 + i}C"} for i, c in enumerate(calls)]
    second = gpt.responses.create(model="triage", input=items, tools=tools, extra_headers=route("remote"))
    assert second.output_text == "remote got tool results: 18C | 19C; images: 0", second.output_text
    print("openai sdk responses tool round trip -> remote ok", repr(second.output_text))


def openai_client_tools(gpt):
    """OpenAI client -> Anthropic backend: parallel calls, results, images, streamed calls."""
    messages = [{"role": "user", "content": [
        {"type": "text", "text": "weather here [[calls:2]]"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64," + PIXEL}},
        {"type": "image_url", "image_url": {"url": "https://example.com/map.png"}}]}]
    first = gpt.chat.completions.create(model="triage", messages=messages, tools=TOOLS_OPENAI, extra_headers=route("remote"))
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls", choice
    assert len(choice.message.tool_calls) == 2, choice.message
    arguments = json.loads(choice.message.tool_calls[0].function.arguments)
    assert arguments == {"q": "weather here", "n": 0}, arguments
    messages.append(choice.message.model_dump(exclude_none=True))
    for index, call in enumerate(choice.message.tool_calls):
        messages.append({"role": "tool", "tool_call_id": call.id, "content": f"{20 + index}C"})
    second = gpt.chat.completions.create(model="triage", messages=messages, tools=TOOLS_OPENAI, extra_headers=route("remote"))
    assert second.choices[0].message.content == "remote got tool results: 20C | 21C; images: 2", second.choices[0].message
    print("openai sdk tool round trip -> anthropic backend ok", repr(second.choices[0].message.content))

    stream = gpt.chat.completions.create(model="triage", messages=messages[:1], tools=TOOLS_OPENAI, stream=True,
                                         stream_options={"include_usage": True}, extra_headers=route("remote"))
    pieces, usage, finish = {}, None, None
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        for delta in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
            entry = pieces.setdefault(delta.index, {"id": None, "name": None, "arguments": ""})
            entry["id"] = delta.id or entry["id"]
            entry["name"] = (delta.function.name if delta.function else None) or entry["name"]
            entry["arguments"] += (delta.function.arguments or "") if delta.function else ""
        if chunk.choices and chunk.choices[0].finish_reason:
            finish = chunk.choices[0].finish_reason
    assert finish == "tool_calls", finish
    assert [json.loads(p["arguments"])["n"] for p in pieces.values()] == [0, 1], pieces
    assert all(p["id"] and p["name"] == "weather" for p in pieces.values()), pieces
    assert usage and usage.completion_tokens > 0, usage
    print("openai sdk streamed tool calls -> anthropic backend ok", len(pieces), "calls")


def anthropic_client_tools(claude):
    """Anthropic client -> OpenAI backend: parallel tool_use, tool_result, images, streams."""
    messages = [{"role": "user", "content": [
        {"type": "text", "text": "weather there [[calls:2]]"},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PIXEL}}]}]
    first = claude.messages.create(model="triage", max_tokens=200, messages=messages, tools=TOOLS_ANTHROPIC,
                                   extra_headers=route("local"))
    uses = [block for block in first.content if block.type == "tool_use"]
    assert first.stop_reason == "tool_use", first
    assert [use.input["n"] for use in uses] == [0, 1], uses
    messages.append({"role": "assistant", "content": [use.model_dump() for use in uses]})
    messages.append({"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": use.id, "content": f"{30 + i}C"} for i, use in enumerate(uses)]})
    second = claude.messages.create(model="triage", max_tokens=200, messages=messages, tools=TOOLS_ANTHROPIC,
                                    extra_headers=route("local"))
    assert second.content[0].text == "local got tool results: 30C | 31C; images: 1", second.content
    print("anthropic sdk tool round trip -> openai backend ok", repr(second.content[0].text))

    with claude.messages.stream(model="triage", max_tokens=200, messages=messages[:1], tools=TOOLS_ANTHROPIC,
                                extra_headers=route("local")) as stream:
        final = stream.get_final_message()
    uses = [block for block in final.content if block.type == "tool_use"]
    assert final.stop_reason == "tool_use", final
    assert [use.input for use in uses] == [{"q": "weather there", "n": 0}, {"q": "weather there", "n": 1}], uses
    assert final.usage.output_tokens > 0 and final.usage.input_tokens > 0, final.usage
    print("anthropic sdk streamed tool_use -> openai backend ok", len(uses), "blocks", final.usage.input_tokens,
          final.usage.output_tokens)


def embeddings_checks(gpt):
    result = gpt.embeddings.create(model="embed", input=["first text", "second text here"], dimensions=16)
    assert len(result.data) == 2 and len(result.data[0].embedding) == 16, result
    assert result.usage.prompt_tokens == 5, result.usage
    encoded = gpt.embeddings.create(model="embed", input="one more")  # the SDK asks for base64 by default
    assert len(encoded.data[0].embedding) == 8, encoded
    print("openai sdk embeddings ok", len(result.data), "vectors of", len(result.data[0].embedding))


def main() -> int:
    base = sys.argv[1]
    gpt = openai.OpenAI(base_url=base + "/v1", api_key="unused", max_retries=0, timeout=20)
    claude = anthropic.Anthropic(base_url=base, api_key="unused", max_retries=0, timeout=20)
    responses_checks(gpt)
    openai_client_tools(gpt)
    anthropic_client_tools(claude)
    embeddings_checks(gpt)
    print("all ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
