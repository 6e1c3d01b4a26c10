#!/usr/bin/env bash
# Syscalls per request at c=1: strace -c -f over N sequential JSON requests through the C fast upstream (see bench/README.md).
set -euo pipefail
BIN=$1; N=${2:-200}
T=$(mktemp -d /tmp/lcsys.XXXXXX); PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT
"${UPBIN:-$(cd "$(dirname "$0")/.." && pwd)/.build-bench/fast_upstream}" --port 0 >"$T/up.out" 2>&1 & PIDS+=($!); sleep 0.3
UP=$(sed -n 's/PORT //p' "$T/up.out")
cat >"$T/c.yaml" <<Y
listen: {host: 127.0.0.1, port: 0}
log: {path: $T/log.jsonl}
models: [triage]
backends:
  - {name: local, kind: openai, base_url: "http://127.0.0.1:$UP/v1", model: bench-model}
rules:
  - {name: catch-all, match: {always: true}, route: local}
auto: {default_backend: local}
Y
"$BIN" serve --config "$T/c.yaml" --log-level warning >"$T/t.out" 2>&1 & PIDS+=($!); TP=$!
for i in $(seq 50); do grep -q "listening on" "$T/t.out" 2>/dev/null && break; sleep 0.2; done
PORT=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$T/t.out" | head -1)
URL=http://127.0.0.1:$PORT/v1/chat/completions
BODY='{"model":"triage","messages":[{"role":"user","content":"hi"}]}'
curl -s -o /dev/null $URL -H 'content-type: application/json' -d "$BODY"
strace -c -f -p $TP -o "$T/sc.txt" & SP=$!; sleep 1
for i in $(seq $N); do echo "url = \"$URL\""; echo 'header = "content-type: application/json"'; echo "data = '$BODY'"; echo 'output = /dev/null'; done > "$T/curl.cfg"
curl -s --parallel-max 1 -K "$T/curl.cfg"
sleep 0.5; kill -INT $SP; wait $SP || true
awk -v n=$N 'NR>2 && $NF!="total" && $4+0>0 {printf "%s %.2f/req\n", $NF, $4/n}' "$T/sc.txt" | sort -k2 -t' ' -rn | head -12
