#ifndef TRIAGE_CCURL_SHIM_H
#define TRIAGE_CCURL_SHIM_H

#include <curl/curl.h>
#include <sys/eventfd.h>

// Swift cannot call C variadic functions, so each curl_easy_setopt / curl_multi_setopt /
// curl_easy_getinfo shape the upstream client uses gets a typed, non-variadic wrapper here.

static inline CURLcode triage_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode triage_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode triage_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode triage_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode triage_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*triage_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*triage_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
                                        curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode triage_easy_setopt_write_function(CURL *handle, triage_data_callback fn) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, fn);
}

static inline CURLcode triage_easy_setopt_header_function(CURL *handle, triage_data_callback fn) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, fn);
}

static inline CURLcode triage_easy_setopt_xferinfo_function(CURL *handle, triage_xferinfo_callback fn) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, fn);
}

static inline CURLcode triage_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode triage_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode triage_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

// --- Additions for TriageUpstream -----------------------------------------------------------

typedef int (*triage_prereq_callback)(void *clientp, char *conn_primary_ip, char *conn_local_ip,
                                      int conn_primary_port, int conn_local_port);

/// CURLOPT_PREREQFUNCTION: called once the connection is established (or reused), right
/// before the request is sent. Used to know when the "connect" phase is over.
static inline CURLcode triage_easy_setopt_prereq_function(CURL *handle, triage_prereq_callback fn) {
    return curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, fn);
}

typedef size_t (*triage_read_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
typedef int (*triage_seek_callback)(void *userdata, curl_off_t offset, int origin);

/// CURLOPT_READFUNCTION: the request body is read from the transfer's own bytes (no copy in curl).
static inline CURLcode triage_easy_setopt_read_function(CURL *handle, triage_read_callback fn) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, fn);
}

/// CURLOPT_SEEKFUNCTION: lets curl rewind the body to send it again (e.g. on a fresh
/// connection when a reused one turned out to be closed).
static inline CURLcode triage_easy_setopt_seek_function(CURL *handle, triage_seek_callback fn) {
    return curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, fn);
}

/// curl_global_init(CURL_GLOBAL_DEFAULT); the macro is a composite Swift cannot import.
static inline CURLcode triage_global_init_default(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

/// The magic CURL_WRITEFUNC_PAUSE return value of a write callback, typed as size_t.
static inline size_t triage_writefunc_pause(void) {
    return (size_t)CURL_WRITEFUNC_PAUSE;
}

/// curl_easy_pause(handle, CURLPAUSE_CONT); the macro is a composite Swift cannot import.
static inline CURLcode triage_easy_unpause(CURL *handle) {
    return curl_easy_pause(handle, CURLPAUSE_CONT);
}

/// The CURLcode carried by a CURLMSG_DONE message (an anonymous union member in C).
static inline CURLcode triage_msg_result(const CURLMsg *msg) {
    return msg->data.result;
}

/// A non-blocking, close-on-exec eventfd that wakes the upstream client's loop (-1 on failure).
static inline int triage_wake_eventfd(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

#endif
