#!/usr/bin/env python3
"""A small OTLP/HTTP trace receiver for Triage tests (stdlib only, Python 3.11+).

Usage:
    python3 otlp_receiver.py [--name otlp] [--port 0] [--verbose]

Binds 127.0.0.1 (port 0 = ephemeral), prints ``PORT <n>`` first, exits when stdin reaches EOF
or on SIGTERM / SIGINT (see fake_http.serve).

POST /v1/traces  -> an ExportTraceServiceRequest, protobuf (application/x-protobuf) or JSON
                    (application/json); decoded and kept; answers 200 with an empty
                    ExportTraceServiceResponse in the same encoding
GET  /spans      -> JSON list of every span received so far, in arrival order:
                    {trace_id, span_id, parent_span_id (hex, "" for a root), name, kind
                    (1 internal, 2 server, 3 client, ...), start_ns, end_ns, attributes {key:
                    value}, events [{name, attributes}], status {code (0 unset, 1 ok, 2 error),
                    message}, resource {key: value}, scope}
GET  /requests   -> the raw requests (path, method, headers; body as received, not decoded)
POST /reset      -> forgets everything

The protobuf decoding below reads the wire format directly (varint, fixed64, length-delimited,
fixed32) with the field numbers of opentelemetry/proto/trace/v1/trace.proto and
common/v1/common.proto, so no protobuf package is needed.
"""

import json
import struct
import threading

from fake_http import FakeHandler, FakeServer, argument_parser, serve


# ---- protobuf wire format -----------------------------------------------------------------

def fields(data):
    """Yields (field number, wire type, value) of a protobuf message; value is an int for
    varint/fixed types and bytes for length-delimited ones."""
    index = 0
    while index < len(data):
        key, index = varint(data, index)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, index = varint(data, index)
        elif wire == 1:
            value = struct.unpack_from("<Q", data, index)[0]
            index += 8
        elif wire == 2:
            length, index = varint(data, index)
            value = data[index:index + length]
            index += length
        elif wire == 5:
            value = struct.unpack_from("<I", data, index)[0]
            index += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield number, wire, value


def varint(data, index):
    result = shift = 0
    while True:
        byte = data[index]
        index += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, index
        shift += 7


def any_value(data):
    for number, _, value in fields(data):
        if number == 1:
            return value.decode()
        if number == 2:
            return bool(value)
        if number == 3:
            return value - (1 << 64) if value >= 1 << 63 else value
        if number == 4:
            return struct.unpack("<d", struct.pack("<Q", value))[0]
        if number == 5:
            return [any_value(item) for n, _, item in fields(value) if n == 1]
        if number == 7:
            return value.hex()
    return None


def key_values(chunks):
    result = {}
    for chunk in chunks:
        key, value = "", None
        for number, _, item in fields(chunk):
            if number == 1:
                key = item.decode()
            elif number == 2:
                value = any_value(item)
        result[key] = value
    return result


def decode_span(data, resource, scope):
    span = {"trace_id": "", "span_id": "", "parent_span_id": "", "name": "", "kind": 0,
            "start_ns": 0, "end_ns": 0, "events": [], "status": {"code": 0, "message": ""},
            "resource": resource, "scope": scope}
    attributes = []
    for number, _, value in fields(data):
        if number in (1, 2, 4):
            span[{1: "trace_id", 2: "span_id", 4: "parent_span_id"}[number]] = value.hex()
        elif number == 5:
            span["name"] = value.decode()
        elif number == 6:
            span["kind"] = value
        elif number in (7, 8):
            span["start_ns" if number == 7 else "end_ns"] = value
        elif number == 9:
            attributes.append(value)
        elif number == 11:
            name, event_attributes = "", []
            for n, _, item in fields(value):
                if n == 2:
                    name = item.decode()
                elif n == 3:
                    event_attributes.append(item)
            span["events"].append({"name": name, "attributes": key_values(event_attributes)})
        elif number == 15:
            for n, _, item in fields(value):
                if n == 2:
                    span["status"]["message"] = item.decode()
                elif n == 3:
                    span["status"]["code"] = item
    span["attributes"] = key_values(attributes)
    return span


def decode_protobuf(body):
    spans = []
    for number, _, resource_spans in fields(body):
        if number != 1:
            continue
        resource, scope_spans = {}, []
        for n, _, value in fields(resource_spans):
            if n == 1:
                resource = key_values(v for k, _, v in fields(value) if k == 1)
            elif n == 2:
                scope_spans.append(value)
        for scoped in scope_spans:
            scope, raw_spans = "", []
            for n, _, value in fields(scoped):
                if n == 1:
                    scope = next((v.decode() for k, _, v in fields(value) if k == 1), "")
                elif n == 2:
                    raw_spans.append(value)
            spans.extend(decode_span(raw, resource, scope) for raw in raw_spans)
    return spans


# ---- OTLP/JSON (the same shape, with JSON's field names) ------------------------------------

def json_value(value):
    for key in ("stringValue", "boolValue", "doubleValue"):
        if key in value:
            return value[key]
    if "intValue" in value:
        return int(value["intValue"])
    if "arrayValue" in value:
        return [json_value(item) for item in value["arrayValue"].get("values", [])]
    return None


def decode_json(body):
    spans = []
    for resource_spans in json.loads(body).get("resourceSpans", []):
        resource = {a["key"]: json_value(a["value"]) for a in resource_spans.get("resource", {}).get("attributes", [])}
        for scoped in resource_spans.get("scopeSpans", []):
            scope = scoped.get("scope", {}).get("name", "")
            for raw in scoped.get("spans", []):
                spans.append({
                    "trace_id": raw.get("traceId", "").lower(), "span_id": raw.get("spanId", "").lower(),
                    "parent_span_id": raw.get("parentSpanId", "").lower(), "name": raw.get("name", ""),
                    "kind": raw.get("kind", 0), "start_ns": int(raw.get("startTimeUnixNano", 0)),
                    "end_ns": int(raw.get("endTimeUnixNano", 0)),
                    "attributes": {a["key"]: json_value(a["value"]) for a in raw.get("attributes", [])},
                    "events": [{"name": e.get("name", ""),
                                "attributes": {a["key"]: json_value(a["value"]) for a in e.get("attributes", [])}}
                               for e in raw.get("events", [])],
                    "status": {"code": raw.get("status", {}).get("code", 0),
                               "message": raw.get("status", {}).get("message", "")},
                    "resource": resource, "scope": scope,
                })
    return spans


class ReceiverServer(FakeServer):
    def __init__(self, *args):
        super().__init__(*args)
        self.spans = []
        self.spans_lock = threading.Lock()

    def reset(self):
        super().reset()
        with self.spans_lock:
            self.spans.clear()


class ReceiverHandler(FakeHandler):
    log_prefix = "otlp"
    control_paths = ("/requests", "/reset", "/spans")

    def decode_body(self, raw):
        return None  # protobuf: kept out of the JSON request list

    def route(self, path, raw):
        if path == "/spans" and self.command == "GET":
            with self.server.spans_lock:
                self.send_json(200, list(self.server.spans))
        elif path == "/requests" and self.command == "GET":
            self.send_json(200, self.server.snapshot())
        elif path == "/reset" and self.command == "POST":
            self.server.reset()
            self.send_json(200, {})
        elif path == "/v1/traces" and self.command == "POST":
            is_json = self.headers.get("Content-Type", "").startswith("application/json")
            try:
                spans = decode_json(raw) if is_json else decode_protobuf(raw)
            except (ValueError, KeyError, IndexError, struct.error) as error:
                self.send_bytes(400, str(error).encode(), content_type="text/plain")
                return
            with self.server.spans_lock:
                self.server.spans.extend(spans)
            if is_json:
                self.send_json(200, {})
            else:
                self.send_bytes(200, b"", content_type="application/x-protobuf")
        else:
            self.send_json(404, {"error": f"no route {self.command} {path}"})


def main():
    args = argument_parser("OTLP/HTTP trace receiver for tests", "otlp").parse_args()
    serve(ReceiverServer(("127.0.0.1", args.port), ReceiverHandler, args.name, args.verbose))


if __name__ == "__main__":
    main()
