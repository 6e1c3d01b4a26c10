"""Starts the real local model server (llama-cpp-python's OpenAI-compatible server with
SmolLM2-135M) on 127.0.0.1 and an ephemeral port, for the integration tests.

Prints `PORT <n>` once the model is loaded and the socket listens. Exits when its stdin
closes or its parent process dies, so a test run never leaves a server behind.

Parent death is watched with getppid(), not prctl(PR_SET_PDEATHSIG): the "parent" of
PDEATHSIG is the *thread* that spawned the process, and the Swift test runner spawns from a
pool thread that libdispatch ends after a few idle seconds; the kernel then SIGKILLed this
server in the middle of a test (the request it was answering got "Empty reply from server").

Run with the virtual environment's python that scripts/local-model.sh installs:
    .local-model/venv/bin/python Tests/Fixtures/llama_server.py --model FILE
"""
import argparse
import os
import socket
import sys
import threading
import time

import uvicorn
from llama_cpp.server.app import create_app
from llama_cpp.server.settings import ModelSettings, ServerSettings


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--alias", default="smollm2-135m")
    # One thread: ggml's threads meet at spinning barriers, so on 2 shared cores busy with
    # anything else (a build, the other tests) two threads took 51-67 s for 300 tokens where one
    # took 7-12 s (3.4 vs 4.3 s on an idle machine), and a test's 60 s idle timeout fired.
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]

    # interrupt_requests=False: a new request waits for the running one instead of cutting it
    # short, so a test can tell whether a cancelled stream really stopped generating.
    app = create_app(
        server_settings=ServerSettings(host="127.0.0.1", port=port, interrupt_requests=False),
        model_settings=[ModelSettings(model=args.model, model_alias=args.alias, n_ctx=2048,
                                      n_threads=args.threads, verbose=False)],
    )

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(1024):
                pass
        finally:
            os._exit(0)

    parent = os.getppid()

    def watch_parent():
        # The parent *process* is gone once this process is re-parented (to init or a subreaper).
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Thread(target=watch_parent, daemon=True).start()
    print(f"PORT {port}", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
