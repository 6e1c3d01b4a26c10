#!/usr/bin/env bash
# Quick start: a real local model (SmolLM2-135M on llama.cpp) behind Triage, in one command.
#
#   scripts/quickstart.sh          (or: make quickstart)   start both, show one routed prompt, keep serving
#   scripts/quickstart.sh --once   the same, then stop both and exit (what the tests run)
#
# 1. installs the local model server if needed (first time: a few minutes, see scripts/local-model.sh)
# 2. starts it on 127.0.0.1:$LOCAL_MODEL_PORT (8089) and Triage on 127.0.0.1:$TRIAGE_PORT (8080)
#    with docs/presets/quickstart.yaml
# 3. sends a routine prompt (answered by SmolLM2 through Triage) and an edge case (sent to
#    OpenAI; without OPENAI_API_KEY it fails plainly), then prints their routing log lines.
# 4. prints the exact `triage tail` / `report` commands for the quick start's own config
#    and routing log (plain `triage tail` reads routes.yaml's log, not this one).
# Ctrl-C (or SIGTERM) stops Triage and the model server, and exits 0 when both stopped cleanly.
# Environment: TRIAGE_BIN (a built `triage` to use instead of building one), TRIAGE_PORT,
# LOCAL_MODEL_PORT, QUICKSTART_DIR (run files; .local-model/quickstart).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
ONCE=0
case "${1:-}" in
    --once) ONCE=1 ;;
    "") ;;
    *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
TRIAGE_PORT="${TRIAGE_PORT:-8080}"
export LOCAL_MODEL_PORT="${LOCAL_MODEL_PORT:-8089}"
RUN="${QUICKSTART_DIR:-$ROOT/.local-model/quickstart}"
export LOCAL_MODEL_RUN_DIR="$RUN/model-server"
mkdir -p "$RUN"
say() { printf '\033[1mquickstart:\033[0m %s\n' "$*" >&2; }

TRIAGE_PID=""
# Stops Triage (SIGTERM: it finishes requests in flight and flushes the routing log) and the
# model server; fails when either did not stop cleanly.
stop_both() {
    local status=0
    if [ -n "$TRIAGE_PID" ]; then
        kill -TERM "$TRIAGE_PID" 2>/dev/null || true
        wait "$TRIAGE_PID" 2>/dev/null || status=$?
        [ "$status" = 0 ] || say "triage exited with status $status while stopping (log: $RUN/triage.log)"
        TRIAGE_PID=""
    fi
    scripts/local-model.sh stop >/dev/null 2>&1 || { say "the model server did not stop cleanly"; status=1; }
    return "$status"
}
# Ctrl-C or SIGTERM is how the quick start is meant to end: a clean stop of both exits 0 (so
# `make quickstart` does not report an error); any other exit keeps its own status.
on_signal() {
    trap - EXIT INT TERM
    echo >&2
    if stop_both; then say "stopped Triage and the model server"; exit 0; fi
    exit 1
}
trap 'trap - EXIT INT TERM; stop_both || true' EXIT
trap on_signal INT TERM

# 1. The triage binary.
if [ -n "${TRIAGE_BIN:-}" ]; then
    BIN="$TRIAGE_BIN"
else
    say "building triage (release)..."
    make -s build >/dev/null
    BIN="$(swift build -c release --show-bin-path)/triage"
fi
[ -x "$BIN" ] || { say "error: no triage binary at $BIN"; exit 1; }

# 2. The local model server, then Triage with the quick-start routes (ports substituted).
scripts/local-model.sh start "$LOCAL_MODEL_PORT"
CONFIG="$RUN/routes.yaml"
sed -e "s#port: 8080}#port: $TRIAGE_PORT}#" \
    -e "s#http://127.0.0.1:8089/v1#http://127.0.0.1:$LOCAL_MODEL_PORT/v1#" \
    -e "s#path: logs/quickstart.jsonl#path: $RUN/routing.jsonl#" \
    docs/presets/quickstart.yaml >"$CONFIG"
[ -n "${OPENAI_API_KEY:-}" ] || say "OPENAI_API_KEY is not set: routes to 'remote' will answer 502 backend_api_key_missing (and the routing log says so)"
"$BIN" serve --config "$CONFIG" >"$RUN/triage.log" 2>&1 &
TRIAGE_PID=$!
for _ in $(seq 1 100); do
    curl -fsS --max-time 1 "http://127.0.0.1:$TRIAGE_PORT/healthz" >/dev/null 2>&1 && break
    kill -0 "$TRIAGE_PID" 2>/dev/null || { cat "$RUN/triage.log" >&2; say "error: triage exited during start-up"; exit 1; }
    sleep 0.1
done
curl -fsS --max-time 1 "http://127.0.0.1:$TRIAGE_PORT/healthz" >/dev/null || { cat "$RUN/triage.log" >&2; say "error: triage did not answer on port $TRIAGE_PORT"; exit 1; }
say "Triage on http://127.0.0.1:$TRIAGE_PORT/v1 -> local: SmolLM2-135M on :$LOCAL_MODEL_PORT, remote: OpenAI"

# 3. One routine prompt and one edge case, through the proxy.
ask() {  # ask LABEL PROMPT
    local body out status
    body=$(python3 -c 'import json,sys; print(json.dumps({"model":"triage","max_tokens":48,"temperature":0,"messages":[{"role":"user","content":sys.argv[1]}]}))' "$2")
    out="$RUN/answer.json"
    status=$(curl -sS -o "$out" -w '%{http_code}' -D "$RUN/answer.headers" "http://127.0.0.1:$TRIAGE_PORT/v1/chat/completions" \
        -H 'content-type: application/json' -d "$body")
    local backend
    backend=$(grep -i '^x-triage-backend:' "$RUN/answer.headers" | tr -d '\r' | cut -d' ' -f2 || true)
    printf '\n\033[1m%s\033[0m  %s\n  -> HTTP %s from backend %s\n' "$1" "$2" "$status" "${backend:-?}"
    python3 - "$out" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
if "choices" in data:
    print("  answer:", data["choices"][0]["message"]["content"].strip().replace("\n", " ")[:300])
    print("  usage: ", data.get("usage"))
else:
    print("  error: ", data.get("error", {}).get("message"))
PY
}
ask "routine prompt:" "What is the capital of France?"
ask "edge case:" "Prove that the square root of 2 is irrational, step by step."
printf '\n\033[1mrouting log\033[0m (%s):\n' "$RUN/routing.jsonl"
sleep 0.2
"$BIN" tail --config "$CONFIG" -n 2
# The commands for this run's config and log: a plain `triage tail` reads routes.yaml's log.
printf '\n\033[1mthis quick start'"'"'s log\033[0m is %s; plain `triage tail` and `triage report` read routes.yaml'"'"'s log, so give them this config:\n' "$RUN/routing.jsonl"
printf '  %s tail --config %s --follow\n' "$BIN" "$CONFIG"
printf '  %s report --config %s\n' "$BIN" "$CONFIG"
echo

if [ "$ONCE" = 1 ]; then exit 0; fi
say "serving until Ctrl-C. Try:"
cat >&2 <<EOT
  curl -s http://127.0.0.1:$TRIAGE_PORT/v1/chat/completions -H 'content-type: application/json' \\
    -d '{"model":"triage","messages":[{"role":"user","content":"Name three fruits."}]}'
EOT
# Wait for Triage; a signal interrupts the wait and on_signal stops both. If Triage exits on
# its own, that is an error.
status=0
wait "$TRIAGE_PID" || status=$?
TRIAGE_PID=""
say "triage exited unexpectedly with status $status (log: $RUN/triage.log)"
exit 1
