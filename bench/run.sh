#!/usr/bin/env bash
# bench/run.sh — Triage's side-by-side benchmark (issue 6). One command:
#
#   bench/run.sh            full run (~5 minutes): matrix, TTFB, 1,000 streams, scaling sweep
#   BENCH_QUICK=1 bench/run.sh     ~1-minute smoke run
#
# Starts on 127.0.0.1 only: fast_upstream (C, epoll) ×3, nginx as a plain reverse proxy,
# and release builds of `triage serve` (fixed rule, route: auto, plus instances for the
# TTFB and 1,000-stream tests). Every PID it starts is recorded and stopped on exit (normal,
# error or Ctrl-C). Results: bench/results/latest.md and bench/results/latest.json.
# See bench/README.md for the knobs and what each number means.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
SWEEP="${BENCH_SWEEP:-1}"
for arg in "$@"; do
  case "$arg" in
    --sweep) SWEEP=1 ;;
    --no-sweep) SWEEP=0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$arg' (use --sweep, --no-sweep)" >&2; exit 2 ;;
  esac
done
export BENCH_SWEEP="$SWEEP"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- processes and cleanup
PIDS=()
TMP=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if ((${#PIDS[@]})); then
    log "stopping ${#PIDS[@]} processes: ${PIDS[*]}"
    local i
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done  # last started first
    for _ in $(seq 1 50); do
      local alive=0
      for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      ((alive)) || break
      sleep 0.1
    done
    for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  fi
  if [[ -n "$TMP" && -d "$TMP" ]]; then
    if [[ "${BENCH_KEEP_TMP:-0}" == 1 || $rc -ne 0 ]]; then
      log "temp files kept in $TMP"
    else
      rm -rf "$TMP"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME READY_PATTERN CMD... — runs CMD in the background (stdout/stderr to $TMP/NAME.*),
# records its PID and waits (30 s at most) for READY_PATTERN on its stdout.
start() {
  local name="$1" pattern="$2"; shift 2
  "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  local pid=$!
  PIDS+=("$pid")
  eval "PID_${name//-/_}=$pid"
  for _ in $(seq 1 300); do
    if grep -q "$pattern" "$TMP/$name.out" 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { cat "$TMP/$name.err" >&2; fail "$name exited during start-up"; }
    sleep 0.1
  done
  cat "$TMP/$name.err" >&2
  fail "$name did not print '$pattern' within 30 s"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_port() { # wait_port NAME PORT PID
  for _ in $(seq 1 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$2),0.2).close()" 2>/dev/null; then return 0; fi
    kill -0 "$3" 2>/dev/null || { cat "$TMP/$1.err" >&2; fail "$1 exited during start-up"; }
    sleep 0.1
  done
  fail "$1 is not accepting connections on 127.0.0.1:$2"
}

# ---------------------------------------------------------------- dependencies and builds
SUDO=""; [[ "$(id -u)" == 0 ]] || SUDO="sudo"
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)  # fixed-rate (open-loop) latency
if ((${#missing[@]})); then
  log "installing ${missing[*]} (apt-get)"
  $SUDO apt-get update -qq
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null; then
    # nginx-light is not in every release; fall back to the full package
    missing=("${missing[@]/nginx-light/nginx}")
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
# A Debian nginx package starts a system service on install; the benchmark never uses it.

mkdir -p "$ROOT/.build-bench"  # git-ignored (.build-*/): no binary lands in the work tree
UPSTREAM_BIN="$ROOT/.build-bench/fast_upstream"
if [[ ! -x "$UPSTREAM_BIN" || "$BENCH_DIR/fast_upstream.c" -nt "$UPSTREAM_BIN" || "$BENCH_DIR/fast_upstream_answers.h" -nt "$UPSTREAM_BIN" ]]; then
  log "building $UPSTREAM_BIN from bench/fast_upstream.c (gcc -O2)"
  gcc -O2 -Wall -o "$UPSTREAM_BIN" "$BENCH_DIR/fast_upstream.c"
fi
OPEN_LOOP_BIN="$ROOT/.build-bench/open_loop"  # the paced and Poisson fixed-rate client (bench/fixed_rate.py)
if [[ ! -x "$OPEN_LOOP_BIN" || "$BENCH_DIR/open_loop.c" -nt "$OPEN_LOOP_BIN" ]]; then
  log "building $OPEN_LOOP_BIN from bench/open_loop.c (gcc -O2)"
  gcc -O2 -Wall -o "$OPEN_LOOP_BIN" "$BENCH_DIR/open_loop.c" -lm
fi

if [[ -n "${TRIAGE_BIN:-}" ]]; then
  [[ -x "$TRIAGE_BIN" ]] || fail "TRIAGE_BIN=$TRIAGE_BIN is not an executable"
else
  SCRATCH="$ROOT/.build-bench"
  log "building release triage (swift build -c release --scratch-path $SCRATCH)"
  (cd "$ROOT" && swift build -c release --product triage --scratch-path "$SCRATCH" >&2) || fail "swift build failed"
  TRIAGE_BIN="$(cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/triage"
  export TRIAGE_BUILT=1
fi
export TRIAGE_BIN
# The hot path alone on SwiftNIO and on Hummingbird (bench/relay-proto), unless BENCH_PROTO=0.
PROTO_BIN=""
if [[ "${BENCH_PROTO:-1}" == 1 ]]; then
  log "building release triage-relay-proto"
  (cd "$ROOT" && swift build -c release --product triage-relay-proto --scratch-path "$ROOT/.build-bench" >&2) \
    || fail "swift build of triage-relay-proto failed"
  PROTO_BIN="$(cd "$ROOT" && swift build -c release --scratch-path "$ROOT/.build-bench" --show-bin-path)/triage-relay-proto"
fi
[[ -z "${TRIAGE_BIN_BEFORE:-}" || -x "$TRIAGE_BIN_BEFORE" ]] || fail "TRIAGE_BIN_BEFORE=$TRIAGE_BIN_BEFORE is not an executable"

# ---------------------------------------------------------------- temp dir, limits
TMP="$(mktemp -d "${TMPDIR:-/tmp}/triage-bench.XXXXXX")"
chmod 755 "$TMP"
hard="$(ulimit -Hn)"
if [[ "$hard" == unlimited || "$hard" -ge 65536 ]]; then ulimit -n 65536; else ulimit -n "$hard"; fi
log "temp dir $TMP, open-file limit $(ulimit -n)"

# ---------------------------------------------------------------- upstreams
CHUNKS="${BENCH_CHUNKS:-8}"
start up-fast "^PORT " "$UPSTREAM_BIN" --port 0 --chunks "$CHUNKS"
start up-ttfb "^PORT " "$UPSTREAM_BIN" --port 0 --chunks 4 --chunk-delay-ms 5
start up-slow "^PORT " "$UPSTREAM_BIN" --port 0 --chunks 20 --chunk-delay-ms 50
UP_FAST=$(awk '/^PORT /{print $2; exit}' "$TMP/up-fast.out")
UP_TTFB=$(awk '/^PORT /{print $2; exit}' "$TMP/up-ttfb.out")
UP_SLOW=$(awk '/^PORT /{print $2; exit}' "$TMP/up-slow.out")
log "fast_upstream on 127.0.0.1:$UP_FAST (json / $CHUNKS SSE events), :$UP_TTFB (4 events 5 ms apart), :$UP_SLOW (20 events 50 ms apart)"

# ---------------------------------------------------------------- nginx
NGX="$TMP/nginx"; mkdir -p "$NGX/tmp"
NGINX_PORT=$(free_port); NGINX_TTFB_PORT=$(free_port)
user_line=""; [[ "$(id -u)" == 0 ]] && user_line="user root;"
proxy_common='proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; proxy_request_buffering on;'
cat >"$NGX/nginx.conf" <<EOF
# generated by bench/run.sh — nginx as a plain reverse proxy in front of fast_upstream
$user_line
daemon off;
master_process on;
worker_processes 2;
worker_rlimit_nofile 65536;
pid $NGX/nginx.pid;
error_log $NGX/error.log error;
events { worker_connections 16384; multi_accept on; }
http {
    access_log off;
    client_body_temp_path $NGX/tmp/body;
    proxy_temp_path $NGX/tmp/proxy;
    fastcgi_temp_path $NGX/tmp/fastcgi;
    uwsgi_temp_path $NGX/tmp/uwsgi;
    scgi_temp_path $NGX/tmp/scgi;
    client_max_body_size 8m;
    client_body_buffer_size 1m;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    upstream fast { server 127.0.0.1:$UP_FAST; keepalive 64; keepalive_requests 1000000; }
    upstream ttfb { server 127.0.0.1:$UP_TTFB; keepalive 64; keepalive_requests 1000000; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / { proxy_pass http://fast; $proxy_common }
    }
    server {
        listen 127.0.0.1:$NGINX_TTFB_PORT;
        location / { proxy_pass http://ttfb; $proxy_common }
    }
}
EOF
"$NGINX" -t -q -p "$NGX" -e "$NGX/error.log" -c "$NGX/nginx.conf" 2>"$NGX/test.err" || { cat "$NGX/test.err" >&2; fail "nginx rejected its config"; }
"$NGINX" -p "$NGX" -e "$NGX/error.log" -c "$NGX/nginx.conf" >"$TMP/nginx.out" 2>"$TMP/nginx.err" &
PID_nginx=$!; PIDS+=("$PID_nginx")
wait_port nginx "$NGINX_PORT" "$PID_nginx"
for w in $(pgrep -P "$PID_nginx" || true); do PIDS+=("$w"); done  # workers too, stopped by PID
log "nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') on 127.0.0.1:$NGINX_PORT (and :$NGINX_TTFB_PORT for TTFB), master PID $PID_nginx"

# ---------------------------------------------------------------- triage instances
routes() { # routes FILE UPSTREAM_PORT ROUTE LOGFILE
  cat >"$1" <<EOF
# generated by bench/run.sh
listen: {host: 127.0.0.1, port: 0}
log: {path: $4}
models: [triage]
backends:
  - name: local
    kind: openai
    base_url: http://127.0.0.1:$2/v1
    model: bench-model
rules:
  - name: catch-all
    match: {always: true}
    route: $3
auto:
  default_backend: local
EOF
  if [ "$3" = auto ]; then
    # Turn the classifier on (both scores), choosing between two names for the same upstream,
    # so that the auto variant measures the classifier's cost on the request path.
    cat >>"$1" <<EOF
  local: local
  remote: local
  reference: $ROOT/Tests/Fixtures/reference-banking.jsonl
  cache_dir: $TMP/classifier-cache
EOF
  fi
}
routes "$TMP/routes-fixed.yaml" "$UP_FAST" local "$TMP/routing-fixed.jsonl"
routes "$TMP/routes-auto.yaml" "$UP_FAST" auto "$TMP/routing-auto.jsonl"
routes "$TMP/routes-ttfb.yaml" "$UP_TTFB" local "$TMP/routing-ttfb.jsonl"
routes "$TMP/routes-many.yaml" "$UP_SLOW" local "$TMP/routing-many.jsonl"
for variant in fixed auto ttfb many; do
  "$TRIAGE_BIN" check "$TMP/routes-$variant.yaml" >"$TMP/check-$variant.out" 2>&1 \
    || { cat "$TMP/check-$variant.out" >&2; fail "triage check rejected routes-$variant.yaml"; }
  start "triage-$variant" "triage listening on" "$TRIAGE_BIN" serve --config "$TMP/routes-$variant.yaml" --log-level warning
done
if [[ -n "${TRIAGE_BIN_BEFORE:-}" ]]; then  # another build in the same run (before/after)
  for variant in fixed ttfb; do
    sed "s#routing-$variant.jsonl#routing-before-$variant.jsonl#" "$TMP/routes-$variant.yaml" >"$TMP/routes-before-$variant.yaml"
    start "before-$variant" "triage listening on" "$TRIAGE_BIN_BEFORE" serve --config "$TMP/routes-before-$variant.yaml" --log-level warning
  done
fi
if [[ -n "$PROTO_BIN" ]]; then
  for stack in nio hummingbird; do
    start "proto-$stack" "relay-proto listening on" "$PROTO_BIN" "$stack" "http://127.0.0.1:$UP_FAST"
    start "proto-$stack-ttfb" "relay-proto listening on" "$PROTO_BIN" "$stack" "http://127.0.0.1:$UP_TTFB"
  done
fi
port_of() { sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$TMP/$1.out" | head -1; }
pid_of() { local v="PID_${1//-/_}"; echo "${!v:-}"; }
EXTRA_TARGETS=""
for name in before-fixed before-ttfb proto-nio proto-nio-ttfb proto-hummingbird proto-hummingbird-ttfb; do
  [[ -f "$TMP/$name.out" ]] && EXTRA_TARGETS+="$name=$(port_of "$name"):$(pid_of "$name") "
done
export BENCH_EXTRA_TARGETS="$EXTRA_TARGETS"
export BENCH_TMP="$TMP" BENCH_ROOT="$ROOT" NGINX_BIN="$NGINX"
export PORT_DIRECT="$UP_FAST" PORT_NGINX="$NGINX_PORT" PORT_TRIAGE_FIXED="$(port_of triage-fixed)" PORT_TRIAGE_AUTO="$(port_of triage-auto)"
export PORT_DIRECT_TTFB="$UP_TTFB" PORT_NGINX_TTFB="$NGINX_TTFB_PORT" PORT_TRIAGE_TTFB="$(port_of triage-ttfb)"
export PORT_TRIAGE_MANY="$(port_of triage-many)"
export PID_TRIAGE_FIXED="$PID_triage_fixed" PID_TRIAGE_AUTO="$PID_triage_auto" PID_TRIAGE_MANY="$PID_triage_many"
export PID_UPSTREAM="$PID_up_fast" BENCH_CHUNKS="$CHUNKS"
export PIDS_NGINX="$PID_nginx $(pgrep -P "$PID_nginx" | tr '\n' ' ')"
export BENCH_WATCH_PIDS="up-fast=$PID_up_fast up-ttfb=$PID_up_ttfb up-slow=$PID_up_slow nginx=$PID_nginx
  triage-fixed=$PID_triage_fixed triage-auto=$PID_triage_auto triage-ttfb=$PID_triage_ttfb triage-many=$PID_triage_many"
log "triage fixed :$PORT_TRIAGE_FIXED, auto :$PORT_TRIAGE_AUTO, ttfb :$PORT_TRIAGE_TTFB, 1k-streams :$PORT_TRIAGE_MANY"

# Every target must answer one JSON and one streaming request before any load.
extra_ports=$(for t in $EXTRA_TARGETS; do p=${t#*=}; echo "${p%%:*}"; done)
for p in "$PORT_DIRECT" "$PORT_NGINX" "$PORT_TRIAGE_FIXED" "$PORT_TRIAGE_AUTO" $extra_ports; do
  python3 - "$p" <<'EOF' || fail "smoke request failed on 127.0.0.1:$p"
import json, sys, urllib.request
port = sys.argv[1]
for stream in (False, True):
    body = json.dumps({"model": "triage", "stream": stream, "messages": [{"role": "user", "content": "hi"}]}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/chat/completions", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        text = r.read().decode()
        assert r.status == 200, r.status
        assert ("[DONE]" in text) if stream else ('"chat.completion"' in text), text[:200]
EOF
done

# ---------------------------------------------------------------- load, report
# In the background + wait, so that a signal to this script runs the trap at once (the trap stops
# bench.py first, which kills its running wrk/client before exiting).
python3 "$BENCH_DIR/bench.py" &
PID_bench=$!; PIDS+=("$PID_bench")
if ! wait "$PID_bench"; then
  for f in "$TMP"/*.err; do
    [[ -s "$f" ]] && { log "--- last lines of $f"; tail -n 15 "$f" >&2; }
  done
  fail "the load phase failed (see above); temp dir kept"
fi
