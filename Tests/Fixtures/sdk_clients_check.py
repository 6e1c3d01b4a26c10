"""Drives a running Triage with the real `anthropic` and `openai` Python packages.

Usage: python3 sdk_clients_check.py BASE_URL REMOTE_KIND
  BASE_URL     e.g. http://127.0.0.1:PORT (no /v1)
  REMOTE_KIND  'openai' or 'anthropic': the kind of the `remote` backend behind Triage
Requests with the header x-triage-backend: remote go to the remote backend, the others to
an OpenAI-compatible local backend. Prints one line per check; exits non-zero on failure.
"""
import sys

import anthropic
import openai


def main() -> int:
    base, remote_kind = sys.argv[1], sys.argv[2]
    claude = anthropic.Anthropic(base_url=base, api_key="unused", max_retries=0, timeout=20)
    gpt = openai.OpenAI(base_url=base + "/v1", api_key="unused", max_retries=0, timeout=20)
    to_remote = {"x-triage-backend": "remote"}

    for target, headers, speaker in (("local", {}, "local"), ("remote", to_remote, "remote")):
        message = claude.messages.create(
            model="triage", max_tokens=64, system="be brief",
            messages=[{"role": "user", "content": "hello from claude sdk"}], extra_headers=headers,
        )
        text = "".join(block.text for block in message.content if block.type == "text")
        assert text == f"{speaker} says: hello from claude sdk", (target, text)
        assert message.stop_reason == "end_turn", message.stop_reason
        assert message.usage.output_tokens > 0, message.usage
        print(f"anthropic sdk -> {target} non-streaming ok", repr(text))

        with claude.messages.stream(
            model="triage", max_tokens=64,
            messages=[{"role": "user", "content": "stream to claude [[chunks:4]]"}], extra_headers=headers,
        ) as stream:
            pieces = [piece for piece in stream.text_stream]
            final = stream.get_final_message()
        streamed = "".join(pieces)
        assert streamed == f"{speaker} says: stream to claude", (target, streamed)
        assert len(pieces) >= 2, pieces
        assert final.stop_reason == "end_turn", final.stop_reason
        print(f"anthropic sdk -> {target} streaming ok", len(pieces), "pieces")

        completion = gpt.chat.completions.create(
            model="triage", messages=[{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello from gpt sdk"}],
            extra_headers=headers,
        )
        text = completion.choices[0].message.content
        assert text == f"{speaker} says: hello from gpt sdk", (target, text)
        assert completion.choices[0].finish_reason == "stop"
        print(f"openai sdk -> {target} non-streaming ok", repr(text))

        chunks = gpt.chat.completions.create(
            model="triage", stream=True, messages=[{"role": "user", "content": "stream to gpt [[chunks:4]]"}],
            extra_headers=headers,
        )
        pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
        assert "".join(pieces) == f"{speaker} says: stream to gpt", (target, pieces)
        print(f"openai sdk -> {target} streaming ok", len(pieces), "pieces")

    try:
        claude.messages.create(model="nope", max_tokens=5, messages=[{"role": "user", "content": "hi"}])
        raise AssertionError("unknown model accepted")
    except anthropic.NotFoundError as error:
        assert error.status_code == 404
        assert error.body["type"] == "error", error.body
        print("anthropic sdk error shape ok", error.body["error"]["type"])

    try:
        claude.messages.create(model="triage", max_tokens=5, messages=[{"role": "user", "content": "[[fail:500]]"}],
                               extra_headers=to_remote)
        raise AssertionError("upstream failure not reported")
    except anthropic.APIStatusError as error:
        assert error.status_code == 502, error.status_code
        print("anthropic sdk upstream failure ok", error.status_code)
    print("remote kind", remote_kind, "all ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
