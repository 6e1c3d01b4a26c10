"""Canned replies for fake_upstream.py: reference answers and a fake LLM judge (stdlib only).

--answers FILE       JSONL lines {"prompt": ..., "answer": ...}: a chat whose last user message
                     is one of the prompts gets that answer (a "remote model" with known answers
                     for eval reference data); other prompts get the usual reply.
--judge-prefer WORD  answer Triage's judge prompt (a user message with "[The Start of Assistant
                     A's Answer]" ... B's sections) with a fixed grade: "[[A]]" when only answer
                     A contains WORD, "[[B]]" when only B does, "[[C]]" otherwise; the same
                     answer wins in either order, so the grade survives the position swap.
--judge-reply TEXT   answer every judge prompt with TEXT (e.g. "[[A]]" for a position-biased
                     judge, or "no idea" for an unparseable one).
"""

import json
import re

SECTION = re.compile(r"\[The Start of Assistant ([AB])'s Answer\]\n(.*?)\n\[The End of Assistant \1's Answer\]", re.S)


def add_arguments(parser):
    parser.add_argument("--answers", help="JSONL {prompt, answer} of canned answers")
    parser.add_argument("--judge-prefer", help="judge prompts: prefer the answer containing this word")
    parser.add_argument("--judge-reply", help="judge prompts: always reply this text")


def configure(server, args):
    server.answers = {}
    if args.answers:
        with open(args.answers, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    item = json.loads(line)
                    server.answers[item["prompt"]] = item["answer"]
    server.judge_prefer = args.judge_prefer
    server.judge_reply = args.judge_reply


def reply(server, prompt):
    """The canned reply for the last user message `prompt`, or None for the usual one."""
    sections = dict(SECTION.findall(prompt))
    if "A" in sections and "B" in sections:
        if getattr(server, "judge_reply", None) is not None:
            return server.judge_reply
        word = getattr(server, "judge_prefer", None)
        if word is not None:
            in_a, in_b = word in sections["A"], word in sections["B"]
            verdict = "A" if in_a and not in_b else "B" if in_b and not in_a else "C"
            return f"Comparing both answers for '{word}'. [[{verdict}]]"
    return getattr(server, "answers", {}).get(prompt)
