#!/usr/bin/env bash
# A real run of `triage replay` and `triage calibrate` (the README's examples come from it).
#
#   scripts/replay-demo.sh        needs ../shared/data (banking77, CLINC150, GSM8K, MT-Bench, RouteLLM)
#
# 1. starts two fake OpenAI-compatible upstreams (Tests/Fixtures/fake_upstream.py) and a real
#    `triage serve` whose classifier's reference is banking77's train set (the "local model's
#    fine-tuning data"), with permissive thresholds (min_fit 0, max_complexity 0.6), then sends
#    it 400 prompts: banking77 test, CLINC150 out-of-scope, GSM8K, MT-Bench. Feedback is
#    simulated: a thumbs-down for every GSM8K or MT-Bench answer the local model gave, a
#    thumbs-up for every banking77 one (the fake models' answers themselves say nothing).
# 2. stops triage (the routing log is flushed), replays the log under two candidate configs
#    (the shipped thresholds; a maths rule), and calibrates on the log's labels (the feedback).
# 3. calibrates max_complexity on RouteLLM's labels (MMLU + GSM8K outcomes of Mixtral vs GPT-4):
#    complexity weights trained on half the MMLU subjects and half of GSM8K, thresholds chosen on
#    the other half (so no prompt is scored by a model trained on it).
# Environment: TRIAGE_BIN (default: the debug build), TRIAGE_DATA (default ../shared/data),
# DEMO_DIR (run files; default a new directory under /tmp, kept for inspection).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${TRIAGE_BIN:-$ROOT/.build/debug/triage}"
DATA="$(cd "${TRIAGE_DATA:-$ROOT/../shared/data}" && pwd)"
DIR="${DEMO_DIR:-$(mktemp -d /tmp/triage-replay-demo.XXXXXX)}"
mkdir -p "$DIR/logs"
cd "$DIR"
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

# Fake upstreams exit when their standard input ends: hold it open on a FIFO, close it to stop them.
mkfifo upstreams.fifo
exec 3<>upstreams.fifo
python3 "$ROOT/Tests/Fixtures/fake_upstream.py" --name local <upstreams.fifo >local.port 2>/dev/null 3>&- &
python3 "$ROOT/Tests/Fixtures/fake_upstream.py" --name remote <upstreams.fifo >remote.port 2>/dev/null 3>&- &
TRIAGE_PID=""
cleanup() { [ -n "$TRIAGE_PID" ] && kill -TERM "$TRIAGE_PID" 2>/dev/null; exec 3>&-; wait 2>/dev/null || true; }
trap cleanup EXIT
for name in local remote; do
    for _ in $(seq 50); do grep -q '^PORT ' $name.port 2>/dev/null && break; sleep 0.1; done
done
LOCAL_PORT=$(awk '/^PORT /{print $2}' local.port)
REMOTE_PORT=$(awk '/^PORT /{print $2}' remote.port)

python3 - "$DATA" <<'PY'
import csv, json, sys
data = sys.argv[1]
with open(f"{data}/banking77/train.csv", newline="") as f, open("reference.jsonl", "w") as out:
    for row in csv.DictReader(f):
        out.write(json.dumps({"prompt": row["text"]}) + "\n")
PY

write_routes() {  # $1 file, $2 min_fit, $3 max_complexity, $4 extra rules
    cat > "$1" <<YAML
# The demo's routes: one classifier rule; banking77 is the local model's domain.
listen: {host: 127.0.0.1, port: 0}
limits: {feedback_per_minute: 1000}
log: {path: logs/routing.jsonl}
backends:
  - name: local
    base_url: "http://127.0.0.1:$LOCAL_PORT/v1"
    model: small-ft
    fallback: remote
    price: {input_per_million: 0.05, output_per_million: 0.1}   # the local GPU, amortised
  - name: remote
    base_url: "http://127.0.0.1:$REMOTE_PORT/v1"
    model: big-model
    price: {input_per_million: 2.5, output_per_million: 10}
rules:
$4  - name: default
    match: {always: true}
    route: auto
auto:
  default_backend: local
  remote: remote
  reference: reference.jsonl     # banking77 train, 10,003 prompts
  min_fit: $2            # escalate prompts less typical than the least typical reference prompts
  max_complexity: $3     # escalate prompts likely too hard for the small model
  cache_dir: cache
YAML
}
write_routes routes.yaml 0.0 0.6 ""
"$BIN" serve --config routes.yaml > serve.out 2> serve.err 3>&- &
TRIAGE_PID=$!
for _ in $(seq 600); do grep -q 'listening on' serve.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^triage listening on //p' serve.out)
echo "triage serve at $URL (log: $DIR/logs/routing.jsonl)"

python3 - "$DATA" "$URL" <<'PY'
import csv, json, random, sys, urllib.request
from concurrent.futures import ThreadPoolExecutor
data, url = sys.argv[1], sys.argv[2]
rng = random.Random(15)
with open(f"{data}/banking77/test.csv", newline="") as f:
    banking = [r["text"] for r in csv.DictReader(f)]
clinc = json.load(open(f"{data}/clinc150/data_full.json"))
oos = [t for t, _ in clinc["oos_test"]]
gsm8k = [json.loads(l)["question"] for l in open(f"{data}/gsm8k/test.jsonl")]
mtbench = [json.loads(l)["turns"][0] for l in open(f"{data}/mt_bench/question.jsonl")]
traffic = [("banking77", p) for p in rng.sample(banking, 200)] + [("clinc-oos", p) for p in rng.sample(oos, 80)] \
    + [("gsm8k", p) for p in rng.sample(gsm8k, 80)] + [("mt-bench", p) for p in rng.sample(mtbench, 40)]
rng.shuffle(traffic)

def post(path, body):
    request = urllib.request.Request(url + path, data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers, response.read()

def send(item):
    source, prompt = item
    headers, _ = post("/v1/chat/completions", {"model": "triage", "messages": [{"role": "user", "content": prompt}]})
    return source, headers["x-triage-request-id"], headers["x-triage-backend"]

with ThreadPoolExecutor(4) as pool:
    answers = list(pool.map(send, traffic))
feedback = 0
for source, request_id, backend in answers:
    if backend != "local":
        continue
    score = 1 if source == "banking77" else -1 if source in ("gsm8k", "mt-bench") else None
    if score is not None:
        post("/v1/feedback", {"request_id": request_id, "score": score})
        feedback += 1
by = {}
for source, _, backend in answers:
    by.setdefault(source, {}).setdefault(backend, 0)
    by[source][backend] += 1
print(f"sent {len(answers)} requests: " + "; ".join(f"{s} {b}" for s, b in sorted(by.items())) + f"; {feedback} feedback")
PY
kill -TERM "$TRIAGE_PID"; wait "$TRIAGE_PID" || true; TRIAGE_PID=""

# Candidate A: the shipped thresholds. Candidate B: the served ones plus a rule for prompts with
# three or more numbers (maths word problems).
write_routes candidate-a.yaml 0.05 0.5 ""
write_routes candidate-b.yaml 0.0 0.6 '  - name: numbers-to-remote
    match: {last_user_message: "\\d+[^\\d]+\\d+[^\\d]+\\d+"}
    route: remote
'
say "triage replay --config candidate-a.yaml --show 2"
"$BIN" replay --config candidate-a.yaml --show 2
say "triage replay --config candidate-b.yaml --show 1"
"$BIN" replay --config candidate-b.yaml --show 1
say "triage calibrate --config routes.yaml --quality 0.95    # on the log's labels (the feedback)"
"$BIN" calibrate --config routes.yaml --quality 0.95 || true

# Calibration on RouteLLM's labels: train on half, calibrate on the other half.
python3 "$ROOT/bench/complexity/make_labels.py" --data "$DATA" --gain --out routellm-labels.jsonl
python3 - <<'PY'
import json, zlib
with open("routellm-labels.jsonl") as f, open("train.jsonl", "w") as train, open("heldout.jsonl", "w") as held:
    for line in f:
        row = json.loads(line)
        key = row["subject"] if row["benchmark"] == "mmlu" else row["prompt"]
        (held if zlib.crc32(key.encode()) % 2 else train).write(line)
PY
say "triage train --labels train.jsonl --out weights.json --holdout 0"
"$BIN" train --labels train.jsonl --out weights.json --holdout 0 | tail -3
cat > calibrate.yaml <<YAML
backends:
  - {name: local, base_url: "http://127.0.0.1:8000/v1", model: mixtral-8x7b, price: {input_per_million: 0.6, output_per_million: 0.6}}
  - {name: remote, base_url: "https://api.openai.com/v1", model: gpt-4-1106-preview, price: {input_per_million: 10, output_per_million: 30}}
auto:
  default_backend: local
  remote: remote
  complexity_weights: weights.json
  min_fit: 0.05
  max_complexity: 0.5
YAML
say "triage calibrate --config calibrate.yaml --labels heldout.jsonl --quality 0.95"
"$BIN" calibrate --config calibrate.yaml --labels heldout.jsonl --quality 0.95
say "triage calibrate --config calibrate.yaml --labels heldout.jsonl --remote-share 0.3 --write"
"$BIN" calibrate --config calibrate.yaml --labels heldout.jsonl --remote-share 0.3 --write | tail -4
echo
echo "run files: $DIR"
