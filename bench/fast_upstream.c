/*
 * fast_upstream — a fast fake OpenAI-compatible upstream for Triage's benchmark (bench/run.sh).
 *
 * One process, one thread, epoll, non-blocking sockets, HTTP/1.1 keep-alive with pipelining.
 * Binds 127.0.0.1 only.
 *
 *   POST /v1/chat/completions   a fixed `chat.completion` JSON (with `usage`), or, when the request
 *                               body contains "stream":true (or "stream": true), an SSE stream of
 *                               N `chat.completion.chunk` events then `data: [DONE]`, sent with
 *                               chunked transfer encoding, --chunk-delay-ms apart.
 *   GET  /healthz, /v1/models   small JSON answers; anything else 404.
 *
 * Request bodies: Content-Length, any size up to MAX_BODY (8 MiB; larger gets 413 and close).
 * Partial reads and pipelined requests are handled; requests on one connection are answered in
 * order (a pipelined request waits until the previous answer, delayed or streamed, is complete).
 *
 * Flags: --port P (0 = pick a free port), --chunks N (default 8), --chunk-delay-ms D (default 0),
 *        --delay-ms D (delay before answering, default 0).
 * The first stdout line is `PORT <n>`. SIGTERM/SIGINT exit cleanly.
 *
 * Build: gcc -O2 -o bench/fast_upstream bench/fast_upstream.c (it includes fast_upstream_answers.h)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADER (64 * 1024)
#define MAX_BODY (8 * 1024 * 1024)
#define READ_CHUNK (64 * 1024)

static int opt_chunks = 8;
static long opt_chunk_delay_ms = 0;
static long opt_delay_ms = 0;

static volatile sig_atomic_t stop_requested = 0;

#include "fast_upstream_answers.h"

enum { ST_READ = 0, ST_DELAY, ST_STREAM };

typedef struct conn {
    int fd;
    int state;
    int close_after;      /* Connection: close seen on the request being answered */
    int want_out;         /* EPOLLOUT currently registered */
    int stream_next;      /* index of the next chunk event to send */
    int pending_stream;   /* the delayed answer is a stream */
    int timer_index;      /* index in timed[] or -1 */
    uint64_t deadline_ns; /* when the timer fires */
    buf_t in, out;
} conn_t;

static conn_t **conns = NULL; /* indexed by fd */
static int conns_cap = 0;
static conn_t **timed = NULL; /* connections with a running timer */
static int timed_len = 0, timed_cap = 0;
static int epfd = -1;

static void set_events(conn_t *c, int want_out) {
    if (c->want_out == want_out) return;
    struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.fd = c->fd};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl mod");
    c->want_out = want_out;
}

static void timer_start(conn_t *c, uint64_t deadline) {
    c->deadline_ns = deadline;
    if (c->timer_index >= 0) return;
    if (timed_len == timed_cap) {
        timed_cap = timed_cap ? timed_cap * 2 : 256;
        timed = realloc(timed, (size_t)timed_cap * sizeof(conn_t *));
        if (!timed) die("realloc");
    }
    c->timer_index = timed_len;
    timed[timed_len++] = c;
}

static void timer_stop(conn_t *c) {
    if (c->timer_index < 0) return;
    int i = c->timer_index;
    timed[i] = timed[--timed_len];
    timed[i]->timer_index = i;
    c->timer_index = -1;
}

static void conn_close(conn_t *c) {
    timer_stop(c);
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    conns[c->fd] = NULL;
    free(c->in.data);
    free(c->out.data);
    free(c);
}

/* Sends what is buffered. Returns -1 if the connection was closed. */
static int flush_out(conn_t *c) {
    while (c->out.off < c->out.len) {
        ssize_t n = send(c->fd, c->out.data + c->out.off, c->out.len - c->out.off, MSG_NOSIGNAL);
        if (n > 0) {
            c->out.off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            set_events(c, 1);
            return 0;
        } else {
            conn_close(c);
            return -1;
        }
    }
    c->out.off = c->out.len = 0;
    set_events(c, 0);
    if (c->close_after && c->state == ST_READ) {
        conn_close(c);
        return -1;
    }
    return 0;
}

static void start_stream(conn_t *c) {
    buf_append(&c->out, stream_head, stream_head_len);
    c->stream_next = 0;
    if (opt_chunk_delay_ms <= 0) {
        for (int i = 0; i < opt_chunks; i++) buf_append(&c->out, chunk_events[i], chunk_event_lens[i]);
        buf_append(&c->out, STREAM_TAIL, sizeof STREAM_TAIL - 1);
        c->state = ST_READ;
    } else {
        buf_append(&c->out, chunk_events[0], chunk_event_lens[0]);
        c->stream_next = 1;
        if (c->stream_next >= opt_chunks) {
            buf_append(&c->out, STREAM_TAIL, sizeof STREAM_TAIL - 1);
            c->state = ST_READ;
        } else {
            c->state = ST_STREAM;
            timer_start(c, now_ns() + (uint64_t)opt_chunk_delay_ms * 1000000ull);
        }
    }
}

static void answer_simple(conn_t *c, const char *status, const char *body) {
    char head[256];
    size_t bl = strlen(body);
    int n = snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n%s\r\n",
                     status, bl, c->close_after ? "Connection: close\r\n" : "");
    buf_append(&c->out, head, (size_t)n);
    buf_append(&c->out, body, bl);
}


/* Parses and answers as many complete buffered requests as possible. Returns -1 if closed. */
static int process_input(conn_t *c) {
    size_t pos = 0;
    while (c->state == ST_READ && !c->close_after) {
        char *start = c->in.data + pos;
        size_t avail = c->in.len - pos;
        if (avail == 0) break;
        char *hend = memmem(start, avail, "\r\n\r\n", 4);
        if (!hend) {
            if (avail > MAX_HEADER) {
                c->close_after = 1;
                answer_simple(c, "431 Request Header Fields Too Large", "{\"error\":\"headers too large\"}");
                pos = c->in.len;
            }
            break;
        }
        size_t head_len = (size_t)(hend - start) + 4;
        size_t vlen = 0;
        long long content_length = 0;
        const char *v = find_header(start, hend + 2, "content-length", &vlen);
        if (v) content_length = strtoll(v, NULL, 10);
        const char *te = find_header(start, hend + 2, "transfer-encoding", &vlen);
        const char *conn_hdr = find_header(start, hend + 2, "connection", &vlen);
        int wants_close = conn_hdr && vlen >= 5 && strncasecmp(conn_hdr, "close", 5) == 0;
        if (te && !v) {
            c->close_after = 1;
            answer_simple(c, "411 Length Required", "{\"error\":\"chunked request bodies are not supported\"}");
            pos = c->in.len;
            break;
        }
        if (content_length < 0 || content_length > MAX_BODY) {
            c->close_after = 1;
            answer_simple(c, "413 Payload Too Large", "{\"error\":\"body too large\"}");
            pos = c->in.len;
            break;
        }
        if (avail < head_len + (size_t)content_length) {
            /* Body incomplete: honour Expect: 100-continue once, then wait for more bytes. */
            const char *ex = find_header(start, hend + 2, "expect", &vlen);
            if (ex && vlen >= 12 && strncasecmp(ex, "100-continue", 12) == 0 && avail == head_len) {
                buf_append(&c->out, "HTTP/1.1 100 Continue\r\n\r\n", 25);
            }
            break;
        }
        const char *body = start + head_len;
        c->close_after = wants_close;
        if (avail >= 5 && strncmp(start, "POST ", 5) == 0 && strncmp(start + 5, "/v1/chat/completions", 20) == 0 &&
            (start[25] == ' ' || start[25] == '?')) {
            int stream = body_wants_stream(body, (size_t)content_length);
            if (opt_delay_ms > 0) {
                c->state = ST_DELAY;
                c->pending_stream = stream;
                timer_start(c, now_ns() + (uint64_t)opt_delay_ms * 1000000ull);
            } else if (stream) {
                start_stream(c);
            } else {
                buf_append(&c->out, completion_response, completion_response_len);
            }
        } else if (strncmp(start, "GET /healthz ", 13) == 0) {
            answer_simple(c, "200 OK", "{\"status\":\"ok\"}");
        } else if (strncmp(start, "GET /v1/models ", 15) == 0) {
            answer_simple(c, "200 OK", "{\"object\":\"list\",\"data\":[{\"id\":\"bench-model\",\"object\":\"model\"}]}");
        } else {
            answer_simple(c, "404 Not Found", "{\"error\":\"not found\"}");
        }
        pos += head_len + (size_t)content_length;
    }
    if (pos > 0) {
        memmove(c->in.data, c->in.data + pos, c->in.len - pos);
        c->in.len -= pos;
    }
    return flush_out(c);
}

static void on_readable(conn_t *c) {
    for (;;) {
        buf_reserve(&c->in, READ_CHUNK);
        ssize_t n = recv(c->fd, c->in.data + c->in.len, c->in.cap - c->in.len, 0);
        if (n > 0) {
            c->in.len += (size_t)n;
            if (c->in.len > (size_t)MAX_HEADER + MAX_BODY + READ_CHUNK) break; /* process, then 413 */
            if ((size_t)n < c->in.cap - c->in.len + (size_t)n) break;         /* drained for now */
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        conn_close(c); /* EOF or error */
        return;
    }
    if (c->state == ST_READ) process_input(c);
}

static void on_timer(conn_t *c, uint64_t now) {
    timer_stop(c);
    if (c->state == ST_DELAY) {
        c->state = ST_READ;
        if (c->pending_stream) {
            start_stream(c);
        } else {
            buf_append(&c->out, completion_response, completion_response_len);
        }
    } else if (c->state == ST_STREAM) {
        buf_append(&c->out, chunk_events[c->stream_next], chunk_event_lens[c->stream_next]);
        c->stream_next++;
        if (c->stream_next >= opt_chunks) {
            buf_append(&c->out, STREAM_TAIL, sizeof STREAM_TAIL - 1);
            c->state = ST_READ;
        } else {
            timer_start(c, now + (uint64_t)opt_chunk_delay_ms * 1000000ull);
        }
    }
    if (flush_out(c) < 0) return;
    if (c->state == ST_READ && c->in.len > 0) process_input(c); /* pipelined requests waiting */
}

static void on_accept(int lfd) {
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR) continue;
            return; /* EAGAIN, or EMFILE etc.: try again on the next event */
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (fd >= conns_cap) {
            int cap = conns_cap ? conns_cap : 1024;
            while (cap <= fd) cap *= 2;
            conns = realloc(conns, (size_t)cap * sizeof(conn_t *));
            if (!conns) die("realloc");
            memset(conns + conns_cap, 0, (size_t)(cap - conns_cap) * sizeof(conn_t *));
            conns_cap = cap;
        }
        conn_t *c = calloc(1, sizeof *c);
        if (!c) die("calloc");
        c->fd = fd;
        c->timer_index = -1;
        conns[fd] = c;
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl add");
    }
}

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

int main(int argc, char **argv) {
    int port = parse_flags(argc, argv);
    build_responses();

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0) die("socket");
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
    if (listen(lfd, 4096) < 0) die("listen");
    socklen_t alen = sizeof addr;
    getsockname(lfd, (struct sockaddr *)&addr, &alen);
    printf("PORT %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) die("epoll_create1");
    struct epoll_event lev = {.events = EPOLLIN, .data.fd = lfd};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev) < 0) die("epoll_ctl listen");

    struct epoll_event events[512];
    while (!stop_requested) {
        int timeout = -1;
        uint64_t now = 0;
        if (timed_len > 0) {
            now = now_ns();
            uint64_t earliest = UINT64_MAX;
            for (int i = 0; i < timed_len; i++)
                if (timed[i]->deadline_ns < earliest) earliest = timed[i]->deadline_ns;
            timeout = earliest <= now ? 0 : (int)((earliest - now + 999999) / 1000000);
        }
        int n = epoll_wait(epfd, events, 512, timeout);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == lfd) {
                on_accept(lfd);
                continue;
            }
            conn_t *c = fd < conns_cap ? conns[fd] : NULL;
            if (!c) continue;
            if (events[i].events & (EPOLLERR | EPOLLHUP)) {
                if (!(events[i].events & EPOLLIN)) {
                    conn_close(c);
                    continue;
                }
            }
            if (events[i].events & EPOLLOUT) {
                if (flush_out(c) < 0) continue;
                if (c->state == ST_READ && c->in.len > 0 && c->out.len == 0) {
                    if (process_input(c) < 0) continue;
                }
            }
            if (events[i].events & EPOLLIN) on_readable(c);
        }
        if (timed_len > 0) {
            now = now_ns();
            /* Collect the due connections first (on_timer may close a connection or reorder timed[]). */
            static int *due = NULL;
            static int due_cap = 0;
            int due_len = 0;
            if (due_cap < timed_len) {
                due_cap = timed_len * 2;
                due = realloc(due, (size_t)due_cap * sizeof(int));
                if (!due) die("realloc");
            }
            for (int i = 0; i < timed_len; i++)
                if (timed[i]->deadline_ns <= now) due[due_len++] = timed[i]->fd;
            for (int i = 0; i < due_len; i++) {
                conn_t *c = due[i] < conns_cap ? conns[due[i]] : NULL;
                if (c && c->timer_index >= 0 && c->deadline_ns <= now) on_timer(c, now);
            }
        }
    }
    return 0;
}
