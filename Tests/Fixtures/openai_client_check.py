"""Drives a running Triage with the real `openai` Python package, as an app would.

Usage: python3 openai_client_check.py BASE_URL
Prints one line per check and exits non-zero on the first failure.
"""
import sys

import openai
from openai import OpenAI


def main() -> int:
    base_url = sys.argv[1]
    client = OpenAI(base_url=base_url, api_key="client-key-not-forwarded", max_retries=0, timeout=20)

    models = [m.id for m in client.models.list().data]
    assert models == ["triage", "triage-fast"], models
    print("models ok", models)

    completion = client.chat.completions.create(
        model="triage",
        messages=[{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello from the sdk"}],
    )
    text = completion.choices[0].message.content
    assert text == "local says: hello from the sdk", text
    assert completion.usage is not None and completion.usage.total_tokens > 0, completion.usage
    print("non-streaming ok", repr(text))

    raw = client.chat.completions.with_raw_response.create(
        model="triage", messages=[{"role": "user", "content": "headers please"}]
    )
    assert raw.headers.get("x-triage-request-id", "").startswith("tr-"), dict(raw.headers)
    print("request id header ok", raw.headers.get("x-triage-request-id"))

    stream = client.chat.completions.create(
        model="triage",
        messages=[{"role": "user", "content": "stream these words please [[chunks:4]]"}],
        stream=True,
        extra_headers={"x-triage-backend": "remote"},
    )
    pieces = []
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
    streamed = "".join(pieces)
    assert streamed == "remote says: stream these words please", streamed
    assert len(pieces) >= 4, pieces
    print("streaming ok", len(pieces), "chunks", repr(streamed))

    try:
        client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "hi"}])
        raise AssertionError("unknown model was accepted")
    except openai.NotFoundError as error:
        assert error.status_code == 404
        assert error.code == "model_not_found", error.code
        print("unknown model ok", error.code)

    try:
        client.chat.completions.create(model="triage", messages=[{"role": "user", "content": "[[fail:500]]"}])
        raise AssertionError("upstream failure was not reported")
    except openai.APIStatusError as error:
        assert error.status_code == 502, error.status_code
        print("upstream failure ok", error.status_code)
    return 0


if __name__ == "__main__":
    sys.exit(main())
