"""Asks the real local model (SmolLM2 behind Triage) through the Anthropic SDK (streamed) and
the OpenAI Responses API (plain and streamed), and prints what the clients saw as JSON:

    {"anthropic_stream": {"text", "input_tokens", "output_tokens"},
     "responses": {"text", "input_tokens", "output_tokens"},
     "responses_stream": {"text", "events", "input_tokens", "output_tokens"}}
"""
import json
import sys

import anthropic
import openai


def main():
    base = sys.argv[1]
    claude = anthropic.Anthropic(base_url=base, api_key="unused", max_retries=0, timeout=60)
    gpt = openai.OpenAI(base_url=base + "/v1", api_key="unused", max_retries=0, timeout=60)
    out = {}
    with claude.messages.stream(model="triage", max_tokens=16,
                                messages=[{"role": "user", "content": "What is the capital of France?"}]) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    out["anthropic_stream"] = {"text": text, "input_tokens": final.usage.input_tokens, "output_tokens": final.usage.output_tokens}

    response = gpt.responses.create(model="triage", input="Name three colours of the rainbow.", max_output_tokens=16,
                                    temperature=0)
    out["responses"] = {"text": response.output_text, "input_tokens": response.usage.input_tokens,
                        "output_tokens": response.usage.output_tokens}

    events, deltas, final = [], [], None
    for event in gpt.responses.create(model="triage", input="Give me a synonym for happy.", max_output_tokens=16,
                                      temperature=0, stream=True):
        events.append(event.type)
        if event.type == "response.output_text.delta":
            deltas.append(event.delta)
        if event.type in ("response.completed", "response.incomplete"):
            final = event.response
    out["responses_stream"] = {"text": "".join(deltas), "events": len(events), "last": events[-1],
                               "input_tokens": final.usage.input_tokens, "output_tokens": final.usage.output_tokens}
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    sys.exit(main())
