/*
 * fast_upstream_answers.h — the answers of bench/fast_upstream.c, built once at start-up (a
 * `chat.completion`, the head and chunked SSE events of a stream), the output buffer they go into,
 * and the request checks they depend on (`"stream": true` in the body, a header's value).
 * Also the flags' parsing and two small helpers. Included by fast_upstream.c only, after its
 * `opt_` variables; one compilation unit.
 */
#ifndef FAST_UPSTREAM_ANSWERS_H
#define FAST_UPSTREAM_ANSWERS_H

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void usage(const char *argv0) {
    fprintf(stderr, "usage: %s [--port P] [--chunks N] [--chunk-delay-ms D] [--delay-ms D]\n", argv0);
    exit(2);
}

/* Reads the flags into the opt_ variables; returns the port (0: pick a free one). */
static int parse_flags(int argc, char **argv) {
    int port = 0;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) usage(argv[0]);
        if (strcmp(argv[i], "--port") == 0) port = atoi(argv[++i]);
        else if (strcmp(argv[i], "--chunks") == 0) opt_chunks = atoi(argv[++i]);
        else if (strcmp(argv[i], "--chunk-delay-ms") == 0) opt_chunk_delay_ms = atol(argv[++i]);
        else if (strcmp(argv[i], "--delay-ms") == 0) opt_delay_ms = atol(argv[++i]);
        else usage(argv[0]);
    }
    if (opt_chunks < 1) opt_chunks = 1;
    return port;
}

typedef struct {
    char *data;
    size_t len, cap, off; /* for output buffers: bytes [off, len) are still to be sent */
} buf_t;

static const char *COMPLETION_BODY =
    "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,"
    "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
    "\"content\":\"This is a fixed answer from the fast benchmark upstream.\"},"
    "\"logprobs\":null,\"finish_reason\":\"stop\"}],"
    "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":11,\"total_tokens\":23}}";

static char *completion_response = NULL; /* full HTTP response, built once */
static size_t completion_response_len = 0;
static char **chunk_events = NULL; /* chunked-encoded SSE event i */
static size_t *chunk_event_lens = NULL;
static char *stream_head = NULL;
static size_t stream_head_len = 0;
static const char STREAM_TAIL[] = "e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n";

static void buf_reserve(buf_t *b, size_t extra) {
    if (b->len + extra <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra) cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) die("realloc");
    b->data = p;
    b->cap = cap;
}

static void buf_append(buf_t *b, const char *s, size_t n) {
    if (b->off > 0 && b->off == b->len) b->off = b->len = 0;
    buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

static void build_responses(void) {
    char head[512];
    size_t body_len = strlen(COMPLETION_BODY);
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     body_len);
    completion_response_len = (size_t)n + body_len;
    completion_response = malloc(completion_response_len);
    memcpy(completion_response, head, (size_t)n);
    memcpy(completion_response + n, COMPLETION_BODY, body_len);

    const char *sh = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n";
    stream_head = strdup(sh);
    stream_head_len = strlen(sh);

    chunk_events = calloc((size_t)opt_chunks, sizeof(char *));
    chunk_event_lens = calloc((size_t)opt_chunks, sizeof(size_t));
    for (int i = 0; i < opt_chunks; i++) {
        char event[1024];
        int en;
        if (i == opt_chunks - 1) {
            en = snprintf(event, sizeof event,
                          "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                          "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok%d \"},"
                          "\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                          "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":%d,\"total_tokens\":%d}}\n\n",
                          i, opt_chunks, 12 + opt_chunks);
        } else if (i == 0) {
            en = snprintf(event, sizeof event,
                          "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                          "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                          "\"content\":\"tok0 \"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        } else {
            en = snprintf(event, sizeof event,
                          "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                          "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok%d \"},"
                          "\"logprobs\":null,\"finish_reason\":null}]}\n\n",
                          i);
        }
        char *enc = malloc((size_t)en + 32);
        int hn = snprintf(enc, 32, "%x\r\n", en);
        memcpy(enc + hn, event, (size_t)en);
        memcpy(enc + hn + en, "\r\n", 2);
        chunk_events[i] = enc;
        chunk_event_lens[i] = (size_t)hn + (size_t)en + 2;
    }
}

static int body_wants_stream(const char *body, size_t len) {
    static const char key[] = "\"stream\"";
    size_t kl = sizeof key - 1;
    const char *p = body, *end = body + len;
    while (p && (size_t)(end - p) >= kl) {
        p = memmem(p, (size_t)(end - p), key, kl);
        if (!p) return 0;
        const char *q = p + kl;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')) q++;
        if (q < end && *q == ':') {
            q++;
            while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')) q++;
            if ((size_t)(end - q) >= 4 && memcmp(q, "true", 4) == 0) return 1;
        }
        p += kl;
    }
    return 0;
}

/* Case-insensitive header lookup within [head, head_end); returns value start and length. */
static const char *find_header(const char *head, const char *head_end, const char *name, size_t *vlen) {
    size_t nl = strlen(name);
    const char *line = memchr(head, '\n', (size_t)(head_end - head)); /* skip the request line */
    while (line && line + 1 < head_end) {
        line++;
        const char *eol = memchr(line, '\n', (size_t)(head_end - line));
        if (!eol) eol = head_end;
        if ((size_t)(eol - line) > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (v < eol && (*v == ' ' || *v == '\t')) v++;
            const char *ve = eol;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t')) ve--;
            *vlen = (size_t)(ve - v);
            return v;
        }
        line = eol < head_end ? eol : NULL;
    }
    return NULL;
}

#endif
