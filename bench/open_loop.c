/*
 * open_loop — an open-loop HTTP/1.1 load generator for Triage's benchmark (bench/fixed_rate.py).
 *
 * Sends POST requests on a schedule fixed in advance, whatever the answers do: evenly spaced
 * (--arrivals paced: one every 1/rate s) or as a Poisson process (--arrivals poisson: independent
 * exponential gaps of mean 1/rate, fixed seed). Each request's latency runs from the time it was
 * DUE to the last byte of its answer, so a slow answer that delays later sends is counted against
 * them too (no coordinated omission). `h2load --rps` is not this: its clients' timers start
 * together, so with 20 clients it sends 20 requests at the same instant every 1/rps s.
 *
 * One thread, epoll, a timerfd at each due time, keep-alive connections to 127.0.0.1 only: a
 * request goes out on an idle connection; with none idle, on a new one (up to --max-conns), else
 * it waits in order for the next connection to free up. Answers: Content-Length, chunked
 * (streams) or closed by the server. Non-2xx answers and failed connections count as errors.
 *
 *   open_loop --port P --body FILE [--rate 2000] [--duration 5] [--warmup 1]
 *             [--arrivals paced|poisson] [--conns 16] [--max-conns 256] [--seed 1]
 *             [--path /v1/chat/completions] [--trace FILE]
 *
 * Prints one JSON object: requests (measured, 2xx), errors, p50/p90/p99/p999/max_us, mean_us,
 * offered_rps, late_p99_us (how late sends on open connections left against their due times; -1
 * when every request needed a new connection), conns_opened.
 *
 * Build: gcc -O2 -o open_loop bench/open_loop.c -lm
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

typedef struct conn {
    int fd, connected, busy;
    long long due_ns;      /* due time of the request in flight */
    int measured;          /* the request in flight counts (due after the warm-up) */
    size_t sent;           /* bytes of the request written so far */
    char *in; size_t in_len, in_cap;
    struct conn *next_idle;
} conn_t;

static const char *opt_path = "/v1/chat/completions";
static FILE *trace = NULL; /* --trace FILE: one line per answer, "µs due after the warm-up, µs latency" */
static int opt_port = 0, opt_conns = 16, opt_max_conns = 256, opt_poisson = 0;
static double opt_rate = 2000, opt_duration = 5, opt_warmup = 1;
static unsigned long long rng_state = 1;
static char *request; static size_t request_len;
static conn_t *idle_head = NULL;
static int conns_open = 0, conns_opened = 0, epfd;
static long long *lat, *late; static size_t lat_n = 0, late_n = 0, lat_cap = 0;
static long long errors = 0, in_flight = 0;
/* requests due but not yet sent (no connection free): a ring of due times */
static long long *backlog; static size_t bl_head = 0, bl_len = 0, bl_cap = 0;
static long long start_ns, measure_ns, end_ns;
#define LATE_MAX (1 << 20) /* send delays kept (a ring) */

static long long now_ns(void) {
    struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}
static double uniform01(void) { /* xorshift64*, never 0 */
    rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
    return ((rng_state * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0) + 1e-18;
}
static long long next_gap_ns(void) {
    double mean = 1e9 / opt_rate;
    return (long long)(opt_poisson ? -log(uniform01()) * mean : mean);
}
static void die(const char *what) { perror(what); exit(2); }

static void record(long long due, long long done, int ok, int measured) {
    if (!measured) return;
    if (!ok) { errors++; return; }
    if (lat_n == lat_cap) { lat_cap = lat_cap ? lat_cap * 2 : 65536; lat = realloc(lat, lat_cap * sizeof *lat); if (!lat) die("realloc"); }
    lat[lat_n++] = (done - due) / 1000;
    if (trace) fprintf(trace, "%lld %lld\n", (due - measure_ns) / 1000, (done - due) / 1000);
}

static conn_t *open_conn(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    int one = 1; setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)opt_port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) die("connect");
    conn_t *c = calloc(1, sizeof *c); if (!c) die("calloc");
    c->fd = fd;
    struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP, .data.ptr = c };
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
    conns_open++; conns_opened++;
    return c;
}

static void send_more(conn_t *c) {
    while (c->connected && c->busy && c->sent < request_len) {
        ssize_t n = send(c->fd, request + c->sent, request_len - c->sent, MSG_NOSIGNAL);
        if (n > 0) { c->sent += (size_t)n; continue; }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) { /* the rest when the socket can take it */
            struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP, .data.ptr = c };
            epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
        }
        return; /* an error shows as EPOLLERR/HUP */
    }
}

static void start_on(conn_t *c, long long due) {
    long long now = now_ns();
    c->busy = 1; c->due_ns = due; c->sent = 0; c->in_len = 0;
    c->measured = due >= measure_ns && due < end_ns;
    if (c->measured) late[late_n++ % LATE_MAX] = (now - due) / 1000;
    in_flight++;
    send_more(c);
}

/* A request on a connection still being opened: it goes out once connected. */
static void start_on_new(long long due) {
    conn_t *c = open_conn();
    c->busy = 1; c->due_ns = due; c->sent = 0;
    c->measured = due >= measure_ns && due < end_ns;
    in_flight++;
}

static void dispatch(long long due) {
    if (idle_head) { conn_t *c = idle_head; idle_head = c->next_idle; start_on(c, due); return; }
    if (conns_open < opt_max_conns) { start_on_new(due); return; }
    if (bl_len == bl_cap) {
        size_t cap = bl_cap ? bl_cap * 2 : 4096; long long *b = malloc(cap * sizeof *b); if (!b) die("malloc");
        for (size_t i = 0; i < bl_len; i++) b[i] = backlog[(bl_head + i) % bl_cap];
        free(backlog); backlog = b; bl_cap = cap; bl_head = 0;
    }
    backlog[(bl_head + bl_len++) % bl_cap] = due;
}

static void make_idle(conn_t *c) {
    c->busy = 0; c->in_len = 0;
    if (bl_len) { long long due = backlog[bl_head]; bl_head = (bl_head + 1) % bl_cap; bl_len--; start_on(c, due); return; }
    c->next_idle = idle_head; idle_head = c;
}

static void drop(conn_t *c, int failed) {
    if (c->busy) { in_flight--; record(c->due_ns, now_ns(), !failed, c->measured); }
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL); close(c->fd); conns_open--;
    for (conn_t **p = &idle_head; *p; p = &(*p)->next_idle) if (*p == c) { *p = c->next_idle; break; }
    free(c->in); free(c);
    /* A server that closes after each answer leaves waiting requests no connection: open one. */
    if (bl_len && conns_open < opt_max_conns) {
        long long due = backlog[bl_head]; bl_head = (bl_head + 1) % bl_cap; bl_len--;
        start_on_new(due);
    }
}

/* Length of a complete answer at the start of buf, 0 if incomplete, -1 if it ends at close.
 * *status gets the status code. */
static long answer_length(const char *buf, size_t len, int *status, int *closes) {
    const char *end = memmem(buf, len, "\r\n\r\n", 4);
    if (!end) return 0;
    size_t head = (size_t)(end - buf) + 4;
    *status = (len > 12) ? atoi(buf + 9) : 0;
    long content_length = -1; int chunked = 0;
    *closes = strncmp(buf, "HTTP/1.0", 8) == 0;
    for (const char *line = strstr(buf, "\r\n") + 2; line < end; line = strstr(line, "\r\n") + 2) {
        if (!strncasecmp(line, "content-length:", 15)) content_length = atol(line + 15);
        else if (!strncasecmp(line, "transfer-encoding:", 18)) {
            const char *eol = strstr(line, "\r\n"), *token = strcasestr(line, "chunked");
            chunked = token && token < eol;
        }
        else if (!strncasecmp(line, "connection:", 11)) {
            const char *v = line + 11; while (*v == ' ') v++;
            if (!strncasecmp(v, "close", 5)) *closes = 1; else if (!strncasecmp(v, "keep-alive", 10)) *closes = 0;
        }
    }
    if (content_length >= 0) return head + (size_t)content_length <= len ? (long)(head + (size_t)content_length) : 0;
    if (!chunked) return -1;
    size_t at = head;
    for (;;) {
        const char *crlf = memmem(buf + at, len - at, "\r\n", 2);
        if (!crlf) return 0;
        unsigned long size = strtoul(buf + at, NULL, 16);
        at = (size_t)(crlf - buf) + 2;
        if (size == 0) { /* trailers, then an empty line */
            for (;;) {
                const char *e = memmem(buf + at, len - at, "\r\n", 2);
                if (!e) return 0;
                size_t line_len = (size_t)(e - (buf + at)); at += line_len + 2;
                if (line_len == 0) return (long)at;
            }
        }
        if (at + size + 2 > len) return 0;
        at += size + 2;
    }
}

static void readable(conn_t *c) {
    for (;;) {
        if (c->in_cap - c->in_len < 65536) {
            c->in_cap = c->in_cap ? c->in_cap * 2 : 131072; c->in = realloc(c->in, c->in_cap); if (!c->in) die("realloc");
        }
        ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len - 1, 0);
        if (n > 0) {
            c->in_len += (size_t)n; c->in[c->in_len] = 0;
            int status = 0, closes = 0;
            long got = c->busy ? answer_length(c->in, c->in_len, &status, &closes) : 0;
            if (got > 0) {
                in_flight--;
                record(c->due_ns, now_ns(), status >= 200 && status < 300, c->measured);
                c->busy = 0;
                if (closes) { drop(c, 0); return; }
                make_idle(c);
            }
            continue;
        }
        if (n == 0) { /* closed: an answer delimited by the close is complete */
            int status = 0, closes = 0;
            if (c->busy && c->in_len && answer_length(c->in, c->in_len, &status, &closes) == -1) {
                in_flight--; record(c->due_ns, now_ns(), status >= 200 && status < 300, c->measured); c->busy = 0;
            }
            drop(c, 1); return;
        }
        if (errno == EAGAIN || errno == EINTR) return;
        drop(c, 1); return;
    }
}

static int cmp(const void *a, const void *b) { long long x = *(const long long *)a, y = *(const long long *)b; return (x > y) - (x < y); }
static long long pct(long long *v, size_t n, double f) { return n ? v[(size_t)llround(f * (double)(n - 1))] : -1; }

int main(int argc, char **argv) {
    const char *body_path = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port")) opt_port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--rate")) opt_rate = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--duration")) opt_duration = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--warmup")) opt_warmup = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--arrivals")) opt_poisson = !strcmp(argv[i + 1], "poisson");
        else if (!strcmp(argv[i], "--conns")) opt_conns = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--max-conns")) opt_max_conns = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--seed")) rng_state = strtoull(argv[i + 1], NULL, 10) | 1;
        else if (!strcmp(argv[i], "--path")) opt_path = argv[i + 1];
        else if (!strcmp(argv[i], "--trace")) { trace = fopen(argv[i + 1], "w"); if (!trace) die(argv[i + 1]); }
        else if (!strcmp(argv[i], "--body")) body_path = argv[i + 1];
        else { fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
    }
    if (!opt_port || !body_path || opt_rate <= 0) { fprintf(stderr, "usage: open_loop --port P --body FILE [options]\n"); return 2; }
    FILE *f = fopen(body_path, "rb"); if (!f) die(body_path);
    static char body[1 << 20]; size_t body_len = fread(body, 1, sizeof body, f); fclose(f);
    request = malloc(body_len + 512); if (!request) die("malloc");
    request_len = (size_t)sprintf(request, "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                                  "Content-Length: %zu\r\n\r\n", opt_path, opt_port, body_len);
    memcpy(request + request_len, body, body_len); request_len += body_len;
    late = malloc(LATE_MAX * sizeof *late); if (!late) die("malloc");

    if ((epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) die("epoll_create1");
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC); if (tfd < 0) die("timerfd_create");
    struct epoll_event tev = { .events = EPOLLIN, .data.ptr = NULL };
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &tev) < 0) die("epoll_ctl");
    for (int i = 0; i < opt_conns; i++) { conn_t *c = open_conn(); c->next_idle = idle_head; idle_head = c; }

    start_ns = now_ns() + 50000000LL; /* 50 ms for the connections to open */
    measure_ns = start_ns + (long long)(opt_warmup * 1e9);
    end_ns = measure_ns + (long long)(opt_duration * 1e9);
    if (trace) fprintf(trace, "# measure_ns %lld (CLOCK_MONOTONIC)\n", measure_ns);
    long long deadline = end_ns + 5000000000LL, next_due = start_ns, timer_at = -1;
    struct epoll_event evs[256];
    for (;;) {
        long long now = now_ns();
        while (next_due <= now && next_due < end_ns) { dispatch(next_due); next_due += next_gap_ns(); }
        if (next_due >= end_ns && in_flight == 0 && bl_len == 0) break;
        if (now > deadline) break;
        long long at = next_due < end_ns ? next_due : deadline;
        if (at != timer_at) { /* armed once per due time, not once per wake-up */
            struct itimerspec its = {0};
            its.it_value.tv_sec = at / 1000000000LL; its.it_value.tv_nsec = at % 1000000000LL;
            timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
            timer_at = at;
        }
        int n = epoll_wait(epfd, evs, 256, -1);
        for (int i = 0; i < n; i++) {
            conn_t *c = evs[i].data.ptr;
            if (!c) { uint64_t x; if (read(tfd, &x, sizeof x) < 0) { /* spurious */ } continue; }
            if (!c->connected && (evs[i].events & EPOLLOUT)) {
                int err = 0; socklen_t l = sizeof err; getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
                if (err) { drop(c, 1); continue; }
                c->connected = 1;
                struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = c };
                epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
                if (c->busy) send_more(c);
            }
            else if (evs[i].events & EPOLLOUT) { /* written out: back to reading only */
                send_more(c);
                if (c->sent >= request_len) {
                    struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = c };
                    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
                }
            }
            if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) readable(c);
        }
    }
    errors += in_flight + (long long)bl_len; /* unanswered by the deadline */
    qsort(lat, lat_n, sizeof *lat, cmp);
    size_t ln = late_n < LATE_MAX ? late_n : LATE_MAX; qsort(late, ln, sizeof *late, cmp);
    double mean = 0; for (size_t i = 0; i < lat_n; i++) mean += (double)lat[i]; if (lat_n) mean /= (double)lat_n;
    printf("{\"requests\":%zu,\"errors\":%lld,\"p50_us\":%lld,\"p90_us\":%lld,\"p99_us\":%lld,\"p999_us\":%lld,"
           "\"max_us\":%lld,\"mean_us\":%.1f,\"offered_rps\":%.1f,\"arrivals\":\"%s\",\"late_p99_us\":%lld,\"conns_opened\":%d}\n",
           lat_n, errors, pct(lat, lat_n, .5), pct(lat, lat_n, .9), pct(lat, lat_n, .99), pct(lat, lat_n, .999),
           lat_n ? lat[lat_n - 1] : -1, mean, (double)(lat_n + (size_t)errors) / opt_duration,
           opt_poisson ? "poisson" : "paced", pct(late, ln, .99), conns_opened);
    return 0;
}
