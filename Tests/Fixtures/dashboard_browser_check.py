#!/usr/bin/env python3
"""Loads Triage's dashboard in headless Chromium and checks it against the JSON API (stdlib only).

Usage:
    python3 dashboard_browser_check.py --base http://127.0.0.1:PORT [--key KEY] [--screenshots DIR]
                                       [--measure-only] [--chromium chromium]

Drives Chromium through the DevTools protocol over a pipe (--remote-debugging-pipe: JSON
messages separated by NUL bytes on file descriptors 3 and 4, so no websocket library is needed).
Every host but 127.0.0.1 is unresolvable for the browser, so the page must work without network.

Checks, in order (any failure: a message on stderr and exit status 1):
  1. with --key: the page first shows its login field (the data endpoints answer 401), then the
     key typed into it is stored in sessionStorage and the dashboard loads;
  2. every element with a data-k attribute shows the value of the same field of
     GET /v1/triage/report?since=1h&bucket=60 (fetched by this script with the key);
  3. no request left 127.0.0.1 and no Content-Security-Policy violation was reported;
  4. a chat request sent now appears in the live view within 2 s (measured in the page);
  5. clicking it opens the detail view with its prompt and answer.
Screenshots (--screenshots): dashboard.png (whole page) and dashboard-detail.png.
Prints one JSON line: page_bytes, first_render_ms, live_ms, checked (number of values compared).
--measure-only stops after the first render (for the 100k-request measurement).
"""
import argparse, base64, json, os, subprocess, sys, tempfile, time, urllib.request, uuid


class Browser:
    def __init__(self, chromium, profile):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def fds():
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
             "--disable-background-networking", "--disable-component-update", "--mute-audio",
             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
             f"--user-data-dir={profile}", "--window-size=1400,1000", "about:blank"],
            # The child closes every other descriptor after preexec_fn ran, so keep 3 and 4 by number.
            preexec_fn=fds, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def send(self, method, params=None, session=True, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while time.time() < deadline:
            reply = self.read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)
        raise RuntimeError(f"{method}: no answer in {timeout} s")

    def read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_child, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluate {expression[:60]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout=20, interval=0.05):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.evaluate(f"(() => {{ try {{ return {expression}; }} catch (e) {{ return null; }} }})()")
            if value:
                return value
            time.sleep(interval)
        state = self.evaluate("(document.getElementById('state') || {}).textContent || ''")
        raise RuntimeError(f"timed out waiting for {expression} (page state: {state!r})")

    def screenshot(self, path):
        metrics = self.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                     "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
        with open(path, "wb") as f:
            f.write(base64.b64decode(data["data"]))

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def fail(message):
    print(f"dashboard check failed: {message}", file=sys.stderr)
    sys.exit(1)


def get_json(url, key):
    request = urllib.request.Request(url, headers={"authorization": f"Bearer {key}"} if key else {})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def expected_values(report):
    """The value every data-k on the page must show, formatted as the page formats it."""
    out = {"total_requests": str(report["total_requests"])}
    fmt = lambda v, d: "-" if v is None else f"{v:.{d}f}"
    for b in report["backends"]:
        n = b["name"]
        for field in ("requests", "prompt_tokens", "completion_tokens", "errors"):
            out[f"backends.{n}.{field}"] = str(b[field])
        out[f"backends.{n}.cost_usd"] = fmt(b["cost_usd"], 4)
        for kind in ("latency_ms", "ttft_ms"):
            for p in ("p50", "p90", "p99"):
                out[f"backends.{n}.{kind}.{p}"] = fmt((b.get(kind) or {}).get(p), 1)
    s = report.get("savings")
    if s:
        for field in ("remote_equivalent_cost_usd", "actual_cost_usd", "savings_usd", "shadow_cost_usd", "net_savings_usd"):
            out[f"savings.{field}"] = fmt(s[field], 4)
        out["savings.compared_requests"] = str(s["compared_requests"])
    timeline = (report.get("classifier") or {}).get("timeline") or {}
    for name, r in (timeline.get("replicas") or {}).items():
        out[f"replicas.{name}.requests"] = str(r["requests"])
    for day in (report.get("classifier") or {}).get("drift_by_day", []):
        d = day["drift"]
        out[f"drift.{day['day']}.requests"] = str(d["requests"])
        out[f"drift.{day['day']}.psi"] = fmt(d["psi"], 3)
        out[f"drift.{day['day']}.ks"] = fmt(d["ks"], 3)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--key")
    parser.add_argument("--screenshots")
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument("--chromium", default="chromium")
    args = parser.parse_args()
    profile = tempfile.mkdtemp(prefix="triage-chromium-")
    browser = Browser(args.chromium, profile)
    try:
        run(browser, args)
    finally:
        browser.close()
        subprocess.run(["rm", "-rf", profile])


def release_held_answers(browser):
    """Lets the answers held by Fetch.enable go (the stale 401 first), then stops holding."""
    deadline = time.time() + 20
    released = 0
    while time.time() < deadline:
        paused = [e for e in browser.events if e.get("method") == "Fetch.requestPaused"]
        browser.events = [e for e in browser.events if e.get("method") != "Fetch.requestPaused"]
        for event in paused:
            browser.send("Fetch.continueRequest", {"requestId": event["params"]["requestId"]})
            released += 1
        if released >= 2:  # the keyless first call and the one after the login
            break
        browser.evaluate("true")  # reads the pipe, collecting events
        time.sleep(0.05)
    browser.send("Fetch.disable")
    if released < 2:
        fail(f"expected the status calls before and after the login to be held, saw {released}")


def run(browser, args):
    target = browser.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
    browser.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
    for domain in ("Page", "Runtime", "Network", "Log"):
        browser.send(f"{domain}.enable")
    browser.send("Emulation.setDeviceMetricsOverride", {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False})
    page_url = args.base + "/ui"
    if args.key and not args.measure_only:
        # Hold the first load's keyless /v1/triage/status answer (a 401) until the key is typed:
        # a refusal that arrives after the login must not lock the page again.
        browser.send("Fetch.enable", {"patterns": [{"urlPattern": "*/v1/triage/status*", "requestStage": "Response"}]})
    browser.send("Page.navigate", {"url": page_url})
    if args.key:
        browser.wait_for("!document.getElementById('login').hidden")
        browser.evaluate(f"document.getElementById('key').value = {json.dumps(args.key)};"
                         "document.getElementById('login').requestSubmit(); true")
    if args.key and not args.measure_only:
        release_held_answers(browser)
        browser.wait_for("!!document.querySelector('#breakers .chip')")
        if not browser.evaluate("document.getElementById('login').hidden"):
            fail("a 401 to a request sent before the key was typed, arriving after it, locked the page again")
    first_render = float(browser.wait_for("document.body.dataset.firstRenderMs", timeout=60))
    if args.key and browser.evaluate("sessionStorage.getItem('triageKey')") != args.key:
        fail("the key typed into the login field is not in sessionStorage")
    if args.measure_only:
        print(json.dumps({"first_render_ms": first_render}))
        return

    # The page and this script each fetch the report; a request logged in between (the page's
    # own first calls, refused before the key was typed, are requests too) changes the numbers,
    # so on a difference the page reloads its report and the comparison is made again.
    for attempt in range(4):
        report = get_json(args.base + "/v1/triage/report?since=1h&bucket=60", args.key)
        shown = browser.evaluate("Object.fromEntries([...document.querySelectorAll('[data-k]')].map(e => [e.dataset.k, e.textContent]))")
        expected = expected_values(report)
        problems = [f"the page shows no {k} (report: {v})" if k not in shown else f"{k}: page shows {shown[k]!r}, report JSON says {v!r}"
                    for k, v in expected.items() if shown.get(k) != v]
        if not problems:
            break
        if attempt == 3:
            fail("; ".join(problems[:5]))
        before = browser.evaluate("document.body.dataset.rendered")
        browser.evaluate("document.querySelector('#windows button.on').click(); true")
        browser.wait_for(f"document.body.dataset.rendered !== {json.dumps(before)}")
    checked = len(expected)
    if shown.get("savings.savings_usd") not in (None, "-") and not report.get("savings"):
        fail("savings shown without a savings section")

    # Live view: a request sent now must show within 2 s.
    marker = "live-check-" + uuid.uuid4().hex[:8]
    sent = time.time() * 1000
    body = json.dumps({"model": "triage", "messages": [{"role": "user", "content": f"Why was my card declined? {marker}"}]}).encode()
    request = urllib.request.Request(args.base + "/v1/chat/completions", data=body, headers={
        "content-type": "application/json", **({"authorization": f"Bearer {args.key}"} if args.key else {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        request_id = response.headers["x-triage-request-id"]
    row = f"document.querySelector('#live tr[data-id=\"{request_id}\"]')"
    seen = float(browser.wait_for(f"{row} && {row}.dataset.seen", timeout=10))
    live_ms = seen - sent
    if live_ms > 2000:
        fail(f"the new request appeared in the live view after {live_ms:.0f} ms (limit 2000)")
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
        browser.screenshot(os.path.join(args.screenshots, "dashboard.png"))
    browser.evaluate(f"{row}.click(); true")
    browser.wait_for(f"document.getElementById('detail').textContent.includes({json.dumps(marker)})")
    detail = browser.evaluate("document.getElementById('detail').textContent")
    if "local says" not in detail and "remote says" not in detail:
        fail("the detail view does not show the answer")
    if args.screenshots:
        browser.evaluate("document.getElementById('detail').scrollIntoView(); true")
        browser.screenshot(os.path.join(args.screenshots, "dashboard-detail.png"))

    # Network and CSP, from the events collected meanwhile.
    browser.evaluate("1")
    urls, sizes, problems = [], {}, []
    for event in browser.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            urls.append(params["request"]["url"])
            sizes[params["requestId"]] = params["request"]["url"]
        elif method == "Network.loadingFinished" and sizes.get(params["requestId"], "").split("?")[0] in (
                page_url, page_url + "/dashboard.js", page_url + "/dashboard.css"):
            sizes[params["requestId"]] = params["encodedDataLength"]
        elif method == "Log.entryAdded" and "Content Security Policy" in params["entry"].get("text", ""):
            problems.append(params["entry"]["text"])
        elif method == "Runtime.exceptionThrown":
            problems.append(json.dumps(params["exceptionDetails"])[:300])
    outside = [u for u in urls if not u.startswith(args.base) and not u.startswith("data:") and u != "about:blank"]
    if outside:
        fail(f"the page asked for something outside Triage: {outside[:3]}")
    if problems:
        fail(f"the console reported: {problems[:3]}")
    page_bytes = sum(v for v in sizes.values() if isinstance(v, (int, float)))
    print(json.dumps({"page_bytes": int(page_bytes), "first_render_ms": first_render, "live_ms": round(live_ms), "checked": checked}))


if __name__ == "__main__":
    main()
