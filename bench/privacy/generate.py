#!/usr/bin/env python3
"""Labelled prompts for the privacy detector benchmark (bench/privacy/main.swift).

Writes .build/privacy/prompts.jsonl (git-ignored): one {"text", "entities": [{"type", "start", "end"}]} per
line, with UTF-8 byte offsets. Values come from Faker (a bench/test-only dependency:
`pip install faker`) in several locales; about 40% of the prompts carry no sensitive value but
hard negatives that look like one: order and invoice numbers, timestamps, dates, version
strings, UUIDs, hashes, prices, ISBNs, tracking numbers, ports.

Usage: python3 bench/privacy/generate.py [--count 3000] [--seed 7] [--out PATH]
"""

import argparse
import base64
import json
import os
import random
import string

from faker import Faker

LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "sv_SE", "fi_FI", "pl_PL", "pt_BR", "ja_JP"]
FILLER_LOCALES = ["en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL"]


def grouped(text, size=4):
    return " ".join(text[i:i + size] for i in range(0, len(text), size))


def rand(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64url(raw):
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class Values:
    def __init__(self, rng):
        self.rng = rng
        self.fakers = {loc: Faker(loc) for loc in LOCALES}
        for i, f in enumerate(self.fakers.values()):
            f.seed_instance(rng.randrange(1 << 30) + i)

    def faker(self, locales=LOCALES):
        return self.fakers[self.rng.choice(locales)]

    def email(self):
        f = self.faker()
        return self.rng.choice([f.email, f.company_email, f.free_email])(), ["email", "e-mail", "contact", "write to", ""]

    def phone(self):
        return self.faker().phone_number(), ["phone", "call me at", "tel.", "mobile", "reach me on", "", ""]

    def card(self):
        number = self.fakers["en_US"].credit_card_number()
        if self.rng.random() < 0.4 and len(number) == 16:
            number = self.rng.choice([" ", "-"]).join(number[i:i + 4] for i in range(0, 16, 4))
        return number, ["card", "credit card", "charge", "my visa", ""]

    def iban(self):
        value = self.faker(["de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "fi_FI", "pl_PL", "en_GB"]).iban()
        if self.rng.random() < 0.4:
            value = grouped(value)
        return value, ["IBAN", "account", "transfer to", "bank account", ""]

    def ssn(self):
        return self.fakers["en_US"].ssn(), ["SSN", "social security number", "ssn:", ""]

    def national_id(self):
        kind = self.rng.choice(["es", "fr", "se", "fi", "nl", "gb", "br", "pl"])
        f = self.fakers
        if kind == "es":
            return self.rng.choice([f["es_ES"].nif, f["es_ES"].nie])(), ["DNI", "NIE", "documento", ""]
        if kind == "fr":
            return f["fr_FR"].ssn(), ["numéro de sécurité sociale", "NIR", ""]
        if kind == "se":
            return f["sv_SE"].ssn(), ["personnummer", ""]
        if kind == "fi":
            return f["fi_FI"].ssn(), ["henkilötunnus", "HETU", ""]
        if kind == "nl":
            return f["nl_NL"].ssn(), ["BSN", "burgerservicenummer"]
        if kind == "gb":
            return f["en_GB"].ssn(), ["National Insurance number", "NI number", ""]
        if kind == "br":
            return f["pt_BR"].cpf(), ["CPF", ""]
        return f["pl_PL"].pesel(), ["PESEL", ""]

    def ip(self):
        f = self.fakers["en_US"]
        return self.rng.choice([f.ipv4_public, f.ipv4_private, f.ipv6])(), ["ip", "server", "from address", "host", ""]

    def secret(self):
        r = self.rng
        alnum = string.ascii_letters + string.digits
        kind = r.choice(["openai", "anthropic", "aws", "github", "slack", "stripe", "google", "jwt", "entropy", "assign"])
        if kind == "openai":
            value = "sk-proj-" + rand(r, alnum + "_-", 48)
        elif kind == "anthropic":
            value = "sk-ant-api03-" + rand(r, alnum + "_-", 80)
        elif kind == "aws":
            value = "AKIA" + rand(r, string.ascii_uppercase + string.digits, 16)
        elif kind == "github":
            value = "ghp_" + rand(r, alnum, 36)
        elif kind == "slack":
            value = "xoxb-" + rand(r, string.digits, 12) + "-" + rand(r, string.digits, 12) + "-" + rand(r, alnum, 24)
        elif kind == "stripe":
            value = "sk_live_" + rand(r, alnum, 24)
        elif kind == "google":
            value = "AIza" + rand(r, alnum + "_-", 35)
        elif kind == "jwt":
            header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
            payload = b64url(json.dumps({"sub": str(r.randrange(10**6)), "name": self.fakers["en_US"].name()}).encode())
            value = f"{header}.{payload}.{b64url(os.urandom(32) if False else bytes(r.randrange(256) for _ in range(32)))}"
        elif kind == "entropy":
            value = base64.b64encode(bytes(r.randrange(256) for _ in range(30))).decode()
        else:
            return "password=" + rand(r, alnum + "!#%", 14), ["config:", "use", ""], len("password=")
        return value, ["api key", "token", "key", "secret", "export KEY=", ""]


NEGATIVES = [
    lambda r, f: f"Order ORD-{r.randrange(2019, 2026)}-{r.randrange(10**6):06d} shipped",
    lambda r, f: f"order #{r.randrange(10**7, 10**9)} is delayed",
    lambda r, f: f"invoice INV/{r.randrange(2019, 2026)}/{r.randrange(10**4):04d}",
    lambda r, f: f"logged at {f.iso8601()}",
    lambda r, f: f"at {f.date()} {f.time()}",
    lambda r, f: f"on {f.date(pattern='%d.%m.%Y')} and {f.date(pattern='%m/%d/%Y')}",
    lambda r, f: f"version {r.randrange(10)}.{r.randrange(30)}.{r.randrange(100)}",
    lambda r, f: f"build {r.randrange(1, 20)}.{r.randrange(10)}.{r.randrange(10**4, 3 * 10**4)}.{r.randrange(1000)}",
    lambda r, f: f"request id {f.uuid4()}",
    lambda r, f: f"commit {f.sha1()}",
    lambda r, f: f"checksum {f.md5()}",
    lambda r, f: f"it costs ${r.randrange(1, 10**5):,}.{r.randrange(100):02d}",
    lambda r, f: f"ISBN 978-{r.randrange(10)}-{r.randrange(100, 999)}-{r.randrange(10**4, 10**5)}-{r.randrange(10)}",
    lambda r, f: f"tracking 1Z{r.randrange(10**15, 10**16)}",
    lambda r, f: f"listen on localhost:{r.randrange(1024, 65535)}",
    lambda r, f: f"room {r.randrange(100, 2000)}, zip {f.postcode()}",
    lambda r, f: f"error code 0x{r.randrange(1 << 32):08X}",
    lambda r, f: f"ticket JIRA-{r.randrange(10**5)} and PR #{r.randrange(10**4)}",
    lambda r, f: f"between {r.randrange(10**6)} and {r.randrange(10**6)} rows",
    lambda r, f: f"timestamp {r.randrange(1_600_000_000, 1_800_000_000)}",
    lambda r, f: f"/usr/local/lib/python3.{r.randrange(8, 13)}/site-packages",
    lambda r, f: f"model gpt-4o-2024-08-06 with temperature 0.{r.randrange(10)}",
]

PROMPTS = [
    "Can you help me with this? ",
    "Please draft a reply. ",
    "Summarise the following note. ",
    "Translate this into English: ",
    "Fix the formatting of this record: ",
    "",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=".build/privacy/prompts.jsonl")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    values = Values(rng)
    kinds = ["email", "phone", "card", "iban", "ssn", "national_id", "ip", "secret"]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as out:
        for _ in range(args.count):
            pieces = []  # (text, type or None)
            filler = values.fakers[rng.choice(FILLER_LOCALES)]
            pieces.append((rng.choice(PROMPTS) + filler.sentence() + " ", None))
            if rng.random() < 0.6:
                for _ in range(rng.choice([1, 1, 2])):
                    kind = rng.choice(kinds)
                    produced = getattr(values, kind)()
                    value, contexts = produced[0], produced[1]
                    context = rng.choice(contexts)
                    prefix = f"{context} " if context else ""
                    if len(produced) == 3:  # key=value: only the value is the secret
                        cut = produced[2]
                        pieces.append((prefix + value[:cut], None))
                        value = value[cut:]
                        prefix = ""
                    pieces.append((prefix, None))
                    pieces.append((value, kind))
                    pieces.append((rng.choice([". ", ", ", " ", "; thanks. ", "\n"]) + filler.sentence() + " ", None))
            for _ in range(rng.choice([0, 1, 1, 2])):
                pieces.append((rng.choice(NEGATIVES)(rng, filler) + ". ", None))
            text, entities, offset = "", [], 0
            for piece, kind in pieces:
                encoded = piece.encode("utf-8")
                if kind:
                    entities.append({"type": kind, "start": offset, "end": offset + len(encoded)})
                text += piece
                offset += len(encoded)
            out.write(json.dumps({"text": text, "entities": entities}, ensure_ascii=False) + "\n")
    print(f"wrote {args.count} prompts to {args.out}")


if __name__ == "__main__":
    main()
