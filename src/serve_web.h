/* Inside the web server: what serve.c (HTTP, threads, keys) hands to the
 * routes of serve_web.c (the pages and what they do), and back. */
#ifndef ION_SERVE_WEB_H
#define ION_SERVE_WEB_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "classroom.h"
#include "serve.h"
#include "strbuf.h"

struct MHD_Connection;

/* A student token's search entry. */
typedef struct {
    unsigned char lookup[8]; /* an unkeyed hash of the token: what the search compares */
    unsigned char token[ION_TOKEN_BYTES];
    uint32_t cls, student;
} token_entry;

/* The generated worksheets as loaded at one time; requests hold a
 * reference while they run, a reload replaces it. */
typedef struct snapshot {
    int refs;
    size_t n;
    ion_classroom *classes; /* their keys held whole: threads grade at once (grade.h) */
    size_t ntokens;
    token_entry *tokens; /* ordered by lookup */
    char stamp[80];
} snapshot;

typedef struct {
    const char *url, *method;
    const char *body; /* NUL-terminated, at most 64 KB */
    size_t body_len;
    struct MHD_Connection *conn;
    const char *addr; /* the client's address */
} ion_web_request;

typedef struct {
    unsigned status;      /* 0 until set: 200 */
    const char *type;     /* NULL: text/html */
    int cache;            /* a public asset */
    ion_strbuf body;
    char location[512];
    char cookie[256];
    char disposition[128];
} ion_web_reply;

/* The routes (serve_web.c). */
void ion_web_route(ion_server *s, const snapshot *sn, const ion_web_request *rq, ion_web_reply *rep);
/* A refusal page with its status: 403, 404, 405, 413, 429, 500. */
void ion_web_refuse(ion_web_reply *rep, const ion_web_request *rq, unsigned status);

/* The page's language: ?lang=, else Accept-Language, else en. */
const char *ion_web_page_lang(const ion_web_request *rq);

/* An application/x-www-form-urlencoded body, decoded into a copy; fields
 * whose name or value is not valid UTF-8 text are left out. */
typedef struct {
    char *buf;
    size_t n;
    const char *names[256], *values[256];
} ion_web_form;
int ion_web_form_parse(ion_web_form *f, const char *body, size_t len);
const char *ion_web_form_get(const ion_web_form *f, const char *name);

/* The drill (serve_drill.c): user NULL is anonymous; base is its path. */
void ion_web_drill(ion_server *s, const char *user, const char *base, const ion_web_request *rq,
                   ion_web_reply *rep, int post);

/* From serve.c. */
void ion_web_log(ion_server *s, const char *line);
ion_bank *ion_web_bank_get(ion_server *s);
void ion_web_bank_put(ion_server *s, ion_bank *b);
/* The one handle that writes submissions, held by one thread at a time. */
ion_bank *ion_web_writer_get(ion_server *s);
void ion_web_writer_put(ion_server *s);
int ion_web_find_token(const snapshot *sn, const char *text, size_t len, size_t *cls, size_t *student);
int ion_web_limited(ion_server *s, const char *addr);
void ion_web_wrong_token(ion_server *s, const char *addr);
void ion_web_csrf(const ion_server *s, const char *scope, char out[ION_TOKEN_LEN + 1]);
int ion_web_csrf_ok(const ion_server *s, const char *scope, const char *given);
int ion_web_instructor(const ion_server *s, const char *cookie);
int ion_web_instructor_token(const ion_server *s, const char *text);
const char *ion_web_session(const ion_server *s);
int ion_web_tls(const ion_server *s);

#endif
