-- wrk script for bench/run.sh: POSTs one OpenAI chat completion per request.
--
--   wrk -t2 -c64 -d5s --latency -s bench/chat.lua http://127.0.0.1:PORT -- [stream] [size=BYTES]
--
-- Arguments after `--`:
--   stream       send "stream":true (the answer is an SSE stream; wrk times the whole stream)
--   size=BYTES   approximate size of the JSON body (default 200); the user message is padded
--
-- At the end it prints one line `BENCHJSON {...}` with requests/s, latency percentiles (µs) and
-- error counts, which bench/run.sh parses (wrk's own text output stays above it for humans).

local stream = false
local size = 200

local function build_body()
  local head = '{"model":"triage","stream":' .. (stream and "true" or "false") ..
    ',"messages":[{"role":"system","content":"You are a helpful assistant."},' ..
    '{"role":"user","content":"'
  local tail = '"}]}'
  local pad = size - #head - #tail
  if pad < 16 then pad = 16 end
  local words = string.rep("hello world ", math.floor(pad / 12) + 1)
  return head .. string.sub(words, 1, pad) .. tail
end

local function parse(args)
  for _, a in ipairs(args or {}) do
    if a == "stream" then stream = true end
    local n = string.match(a, "^size=(%d+)$")
    if n then size = tonumber(n) end
  end
end

local req

function init(args)
  parse(args)
  local body = build_body()
  req = wrk.format("POST", "/v1/chat/completions",
    { ["Content-Type"] = "application/json", ["Accept"] = stream and "text/event-stream" or "application/json" },
    body)
end

function request()
  return req
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_s":%.6f,"rps":%.2f,"bytes":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.2f,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, secs, summary.requests / secs, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
