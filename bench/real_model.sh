#!/usr/bin/env bash
# Added latency of Triage in front of a real local model (issue 8): starts SmolLM2-135M on
# llama.cpp (scripts/local-model.sh) and a release `triage serve` on 127.0.0.1, sends the
# same requests directly and through Triage, interleaved, and writes
# bench/results/real-model.md and .json. Stops both processes on exit.
#   bench/real_model.sh [REQUESTS]   (default 200)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
REQUESTS="${1:-200}"
RUN="$(mktemp -d)"
export LOCAL_MODEL_RUN_DIR="$RUN/model-server"
MODEL_PORT="${LOCAL_MODEL_PORT:-18089}"
TRIAGE_PORT="${TRIAGE_PORT:-18080}"
TRIAGE_PID=""
cleanup() {
    [ -n "$TRIAGE_PID" ] && kill -TERM "$TRIAGE_PID" 2>/dev/null && wait "$TRIAGE_PID" 2>/dev/null || true
    scripts/local-model.sh stop >/dev/null 2>&1 || true
    rm -rf "$RUN"
}
trap cleanup EXIT
make -s build >/dev/null
BIN="$(swift build -c release --show-bin-path)/triage"
scripts/local-model.sh start "$MODEL_PORT"
sed -e "s#port: 8080}#port: $TRIAGE_PORT}#" -e "s#http://127.0.0.1:8089/v1#http://127.0.0.1:$MODEL_PORT/v1#" \
    -e "s#path: logs/quickstart.jsonl#path: $RUN/routing.jsonl#" docs/presets/quickstart.yaml >"$RUN/routes.yaml"
OPENAI_API_KEY='' "$BIN" serve --config "$RUN/routes.yaml" >"$RUN/triage.log" 2>&1 &
TRIAGE_PID=$!
for _ in $(seq 1 100); do curl -fsS --max-time 1 "http://127.0.0.1:$TRIAGE_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
mkdir -p bench/results
{
    echo "# Triage in front of a real local model"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs). Same run, interleaved requests."
    echo
    python3 bench/real_model_latency.py --direct "http://127.0.0.1:$MODEL_PORT/v1" --proxy "http://127.0.0.1:$TRIAGE_PORT/v1" \
        --requests "$REQUESTS" --json bench/results/real-model.json
} | tee bench/results/real-model.md
