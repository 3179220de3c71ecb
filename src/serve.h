/* `ionsheet serve`: the web server (GNU libmicrohttpd, its own thread
 * pool). Students' worksheet pages at /s/TOKEN, the browser drill at
 * /drill and /s/TOKEN/drill, the instructor's pages behind the link that
 * ion_server_instructor_url gives. Web answers are parsed as answer files
 * and graded and recorded by the grader (grade.h), through classroom.h.
 *
 * The library does not print: each request's access log line goes to the
 * log callback (tokens left out). */
#ifndef ION_SERVE_H
#define ION_SERVE_H

#include "error.h"

typedef struct {
    const char *db_path;
    const char *host;     /* numeric IPv4 or IPv6 address to listen on */
    unsigned port;        /* 0: any free port (ion_server_port says which) */
    const char *base_url; /* NULL: http(s)://HOST:PORT/ */
    const char *tls_cert; /* PEM text of the certificate and key, or NULL */
    const char *tls_key;
    unsigned threads;     /* worker threads; 0: one per core, at least 2 */
    void (*log)(void *ctx, const char *line);
    void *log_ctx;
    int proxy;            /* a reverse proxy on this machine stands in front: a request from
                             loopback names its client in X-Real-IP (limits, log) */
} ion_serve_opts;

typedef struct ion_server ion_server;

/* Opens the database, loads every generated worksheet and listens. NULL
 * with err filled when it cannot. */
ion_server *ion_server_start(const ion_serve_opts *o, ion_error *err);

/* The port listened on. */
unsigned ion_server_port(const ion_server *s);

/* The instructor's link: BASE/i/TOKEN (valid while the secret is). */
const char *ion_server_instructor_url(const ion_server *s);

/* The base URL links are made with, ending in '/'. */
const char *ion_server_base_url(const ion_server *s);

/* Stops listening, finishes the requests in progress (every answer that
 * got its reply is committed) and frees everything. */
void ion_server_stop(ion_server *s);

#endif
