/* The web server (serve.h): HTTP through libmicrohttpd, the security rules
 * of a public-facing server, and the routes. Pages are made by
 * serve_html.c, answers are graded by grade.h through classroom.h, the
 * drill uses drill.h's picker and judge.h.
 *
 * Threads: libmicrohttpd runs a pool of worker threads; each request
 * borrows one database handle from a pool (one SQLite connection per
 * thread, WAL mode, a busy timeout) and holds a reference to the current
 * snapshot of generated worksheets, which a reload thread replaces when the
 * database's stamp changes (a `generate` run while serving). */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "classroom.h"
#include "serve_html.h"
#include "serve_web.h"
#include "submission.h"
#include "text.h"

#define BODY_LIMIT (64 * 1024)
#define IDLE_TIMEOUT 10          /* seconds a connection may stay silent */
#define REQUEST_DEADLINE 15      /* seconds to send a whole request, headers and body */
#define WATCH_MS 250             /* how often the deadlines are checked */
#define CONNECTION_LIMIT 1000
#define PER_ADDRESS_LIMIT 400    /* connections from one address */
#define WRONG_TOKEN_LIMIT 30     /* wrong tokens per address per window */
#define WRONG_TOKEN_WINDOW 60    /* seconds */
#define LIMITER_SLOTS 1024
#define RELOAD_SECONDS 2

/* ---- the per-address limit on wrong tokens ---- */

typedef struct {
    char addr[INET6_ADDRSTRLEN];
    time_t start;
    int count;
} limiter_slot;

/* A connection watched for the request deadline, from its accept (or the
 * end of its previous request) until its request is wholly received. */
typedef struct watched {
    struct watched *prev, *next;
    int fd;
    int receiving;
    struct timespec since; /* CLOCK_MONOTONIC */
    char addr[INET6_ADDRSTRLEN];
} watched;

struct ion_server {
    ion_serve_opts o;
    struct MHD_Daemon *daemon;
    unsigned port;
    char base[512];
    char instructor_url[700];
    char instructor_token[ION_TOKEN_LEN + 1];
    char session[ION_TOKEN_LEN + 1];  /* the instructor's cookie, new at each start */
    unsigned char csrf_key[crypto_generichash_KEYBYTES];
    char *tls_cert, *tls_key;

    pthread_mutex_t pool_mu;
    pthread_cond_t pool_cv;
    ion_bank **pool;
    size_t npool, nfree;

    /* The submissions' writes: one at a time, on a handle of their own. */
    pthread_mutex_t write_mu;
    ion_bank *writer;

    pthread_mutex_t snap_mu;
    snapshot *snap;

    pthread_t reloader, watchdog;
    int reloading, watching;
    pthread_mutex_t stop_mu;
    pthread_cond_t stop_cv;
    int stopping;

    pthread_mutex_t limit_mu;
    limiter_slot limiter[LIMITER_SLOTS];
    unsigned char limiter_key[crypto_generichash_KEYBYTES];

    pthread_mutex_t watch_mu;
    watched *watched; /* every open connection */
};

/* ---- database handles ---- */

ion_bank *ion_web_bank_get(ion_server *s)
{
    pthread_mutex_lock(&s->pool_mu);
    while (!s->nfree)
        pthread_cond_wait(&s->pool_cv, &s->pool_mu);
    ion_bank *b = s->pool[--s->nfree];
    pthread_mutex_unlock(&s->pool_mu);
    return b;
}

void ion_web_bank_put(ion_server *s, ion_bank *b)
{
    pthread_mutex_lock(&s->pool_mu);
    s->pool[s->nfree++] = b;
    pthread_cond_signal(&s->pool_cv);
    pthread_mutex_unlock(&s->pool_mu);
}

/* SQLite has one writer per database: a second connection asking would
 * wait in the busy handler's sleeps (1, 2, 5 ... ms), not the moment the
 * first commits. One handle does every write, so its page cache stays
 * valid from one write to the next (another connection's commit would
 * make it read the pages again). */
ion_bank *ion_web_writer_get(ion_server *s)
{
    pthread_mutex_lock(&s->write_mu);
    return s->writer;
}

void ion_web_writer_put(ion_server *s)
{
    pthread_mutex_unlock(&s->write_mu);
}

/* ---- snapshots ---- */

static void token_lookup(const unsigned char token[ION_TOKEN_BYTES], unsigned char out[8])
{
    crypto_generichash(out, 8, token, ION_TOKEN_BYTES, NULL, 0);
}

static int cmp_entry(const void *a, const void *b)
{
    return memcmp(((const token_entry *)a)->lookup, ((const token_entry *)b)->lookup, 8);
}

static void snapshot_free(snapshot *sn)
{
    if (!sn)
        return;
    for (size_t i = 0; i < sn->n; i++)
        ion_classroom_release(&sn->classes[i]);
    free(sn->classes);
    free(sn->tokens);
    free(sn);
}

/* Every worksheet's course and name, two strings each. */
typedef struct {
    char **names;
    size_t n, cap;
} name_list;

static int add_name(const char *course, const char *name, void *ctx)
{
    name_list *l = ctx;
    if (l->n + 2 > l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **p = realloc(l->names, cap * sizeof *p);
        if (!p)
            return 1;
        l->names = p;
        l->cap = cap;
    }
    l->names[l->n] = strdup(course);
    l->names[l->n + 1] = strdup(name);
    l->n += 2;
    return !l->names[l->n - 2] || !l->names[l->n - 1];
}

static snapshot *snapshot_load(ion_bank *b, ion_error *err)
{
    name_list l = {0};
    snapshot *sn = calloc(1, sizeof *sn);
    if (!sn || ion_bank_stamp(b, sn->stamp, sizeof sn->stamp, err) ||
        ion_bank_worksheet_list(b, NULL, add_name, &l, err)) {
        if (!err->msg[0])
            ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        goto fail;
    }
    sn->classes = calloc(l.n ? l.n / 2 : 1, sizeof *sn->classes);
    if (!sn->classes)
        goto fail;
    for (; sn->n < l.n / 2; sn->n++)
        if (ion_classroom_load(b, l.names[2 * sn->n + 1], l.names[2 * sn->n], &sn->classes[sn->n], err) < 0)
            goto fail;
    for (size_t i = 0; i < sn->n; i++)
        sn->ntokens += sn->classes[i].n;
    sn->tokens = calloc(sn->ntokens ? sn->ntokens : 1, sizeof *sn->tokens);
    if (!sn->tokens)
        goto fail;
    size_t k = 0;
    for (size_t i = 0; i < sn->n; i++)
        for (size_t j = 0; j < sn->classes[i].n; j++, k++) {
            token_entry *e = &sn->tokens[k];
            ion_token_decode(sn->classes[i].students[j].token, ION_TOKEN_LEN, e->token);
            token_lookup(e->token, e->lookup);
            e->cls = (uint32_t)i;
            e->student = (uint32_t)j;
        }
    qsort(sn->tokens, sn->ntokens, sizeof *sn->tokens, cmp_entry);
    for (size_t i = 0; i < l.n; i++)
        free(l.names[i]);
    free(l.names);
    sn->refs = 1;
    return sn;
fail:
    for (size_t i = 0; i < l.n; i++)
        free(l.names[i]);
    free(l.names);
    snapshot_free(sn);
    return NULL;
}

static snapshot *snapshot_get(ion_server *s)
{
    pthread_mutex_lock(&s->snap_mu);
    snapshot *sn = s->snap;
    sn->refs++;
    pthread_mutex_unlock(&s->snap_mu);
    return sn;
}

static void snapshot_put(ion_server *s, snapshot *sn)
{
    pthread_mutex_lock(&s->snap_mu);
    int last = --sn->refs == 0;
    pthread_mutex_unlock(&s->snap_mu);
    if (last)
        snapshot_free(sn);
}

/* Waits ms milliseconds, or less when the server stops: 1 then. */
static int nap(ion_server *s, long ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += ms % 1000 * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->stop_mu);
    if (!s->stopping)
        pthread_cond_timedwait(&s->stop_cv, &s->stop_mu, &until);
    int stopping = s->stopping;
    pthread_mutex_unlock(&s->stop_mu);
    return stopping;
}

/* Every RELOAD_SECONDS: a new snapshot when the stamp changed. */
static void *reload_loop(void *arg)
{
    ion_server *s = arg;
    while (!nap(s, RELOAD_SECONDS * 1000L)) {
        ion_error err = {0};
        char stamp[80];
        ion_bank *b = ion_web_bank_get(s);
        snapshot *old = snapshot_get(s), *sn = NULL;
        if (!ion_bank_stamp(b, stamp, sizeof stamp, &err) && strcmp(stamp, old->stamp))
            sn = snapshot_load(b, &err);
        ion_web_bank_put(s, b);
        snapshot_put(s, old);
        if (sn) {
            pthread_mutex_lock(&s->snap_mu);
            old = s->snap;
            s->snap = sn;
            pthread_mutex_unlock(&s->snap_mu);
            snapshot_put(s, old);
            if (s->o.log)
                s->o.log(s->o.log_ctx, "reloaded the generated worksheets");
        } else if (err.msg[0] && s->o.log) {
            s->o.log(s->o.log_ctx, err.msg);
        }
    }
    return NULL;
}

/* ---- tokens and limits ---- */

/* The (class, student) of a student token, compared in constant time. */
int ion_web_find_token(const snapshot *sn, const char *text, size_t len, size_t *cls, size_t *student)
{
    token_entry key = {0};
    if (ion_token_decode(text, len, key.token))
        return 0;
    token_lookup(key.token, key.lookup);
    const token_entry *e = bsearch(&key, sn->tokens, sn->ntokens, sizeof key, cmp_entry);
    if (!e || sodium_memcmp(e->token, key.token, ION_TOKEN_BYTES) != 0)
        return 0;
    *cls = e->cls;
    *student = e->student;
    return 1;
}

/* The slot of an address: of an IPv6 one, its /64 (one host may have all
 * of it). The hash is keyed with a key new at each start, so that nobody
 * can pick two addresses that share a slot and reset each other's count. */
static limiter_slot *limiter_slot_of(ion_server *s, const char *text)
{
    unsigned char h[4];
    struct in6_addr v6;
    char addr[INET6_ADDRSTRLEN];
    snprintf(addr, sizeof addr, "%s", text);
    if (inet_pton(AF_INET6, text, &v6) == 1 && !IN6_IS_ADDR_V4MAPPED(&v6)) {
        memset(v6.s6_addr + 8, 0, 8);
        inet_ntop(AF_INET6, &v6, addr, sizeof addr);
    }
    crypto_generichash(h, sizeof h, (const unsigned char *)addr, strlen(addr), s->limiter_key,
                       sizeof s->limiter_key);
    uint32_t i = ((uint32_t)h[0] << 8 | h[1]) % LIMITER_SLOTS;
    limiter_slot *slot = &s->limiter[i];
    time_t now = time(NULL);
    if (strcmp(slot->addr, addr) || now - slot->start >= WRONG_TOKEN_WINDOW) {
        snprintf(slot->addr, sizeof slot->addr, "%s", addr);
        slot->start = now;
        slot->count = 0;
    }
    return slot;
}

int ion_web_limited(ion_server *s, const char *addr)
{
    pthread_mutex_lock(&s->limit_mu);
    int limited = limiter_slot_of(s, addr)->count >= WRONG_TOKEN_LIMIT;
    pthread_mutex_unlock(&s->limit_mu);
    return limited;
}

void ion_web_wrong_token(ion_server *s, const char *addr)
{
    pthread_mutex_lock(&s->limit_mu);
    limiter_slot_of(s, addr)->count++;
    pthread_mutex_unlock(&s->limit_mu);
}

/* The CSRF token of a scope (a student's token, the instructor's session,
 * a visitor's cookie): a keyed hash, so it needs no storage. */
void ion_web_csrf(const ion_server *s, const char *scope, char out[ION_TOKEN_LEN + 1])
{
    unsigned char mac[ION_TOKEN_BYTES];
    crypto_generichash(mac, sizeof mac, (const unsigned char *)scope, strlen(scope), s->csrf_key,
                       sizeof s->csrf_key);
    sodium_bin2base64(out, ION_TOKEN_LEN + 1, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int ion_web_csrf_ok(const ion_server *s, const char *scope, const char *given)
{
    char want[ION_TOKEN_LEN + 1];
    ion_web_csrf(s, scope, want);
    return given && strlen(given) == ION_TOKEN_LEN && sodium_memcmp(want, given, ION_TOKEN_LEN) == 0;
}

int ion_web_instructor(const ion_server *s, const char *cookie)
{
    return cookie && strlen(cookie) == ION_TOKEN_LEN && sodium_memcmp(cookie, s->session, ION_TOKEN_LEN) == 0;
}

const char *ion_web_session(const ion_server *s)
{
    return s->session;
}

int ion_web_instructor_token(const ion_server *s, const char *text)
{
    return strlen(text) == ION_TOKEN_LEN && sodium_memcmp(text, s->instructor_token, ION_TOKEN_LEN) == 0;
}

int ion_web_tls(const ion_server *s)
{
    return s->tls_cert != NULL;
}

void ion_web_log(ion_server *s, const char *line)
{
    if (s->o.log)
        s->o.log(s->o.log_ctx, line);
}

const char *ion_server_base_url(const ion_server *s)
{
    return s->base;
}

/* ---- HTTP ---- */

typedef struct {
    ion_strbuf body;
    int too_large;
    struct timespec start;
} request;

static const char *client_address(struct MHD_Connection *c, char *buf, size_t n)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(buf, n, "-");
    if (!ci || !ci->client_addr)
        return buf;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf, (socklen_t)n);
    return buf;
}

static int loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family != AF_INET6)
        return 0;
    const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
}

static enum MHD_Result count_real_ip(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    (void)value;
    if (!strcasecmp(key, "X-Real-IP"))
        ++*(int *)cls;
    return MHD_YES;
}

/* The address a request is counted and logged under: the peer's, but with
 * --proxy, of a request from loopback (the proxy), the client's that its
 * one X-Real-IP header names, when that is an IPv4 or IPv6 address and
 * nothing else (written again by inet_ntop: no byte of the header's own
 * reaches the log). */
static const char *request_address(const ion_server *s, struct MHD_Connection *c, char *buf, size_t n)
{
    client_address(c, buf, n);
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!s->o.proxy || !ci || !ci->client_addr || !loopback(ci->client_addr))
        return buf;
    int headers = 0;
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_real_ip, &headers);
    const char *real = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Real-IP");
    unsigned char bin[sizeof(struct in6_addr)];
    if (headers != 1 || !real || strlen(real) >= INET6_ADDRSTRLEN)
        return buf;
    if (inet_pton(AF_INET, real, bin) == 1)
        inet_ntop(AF_INET, bin, buf, (socklen_t)n);
    else if (inet_pton(AF_INET6, real, bin) == 1)
        inet_ntop(AF_INET6, bin, buf, (socklen_t)n);
    return buf;
}

/* ---- the request deadline (slowloris) ----
 * libmicrohttpd's CONNECTION_TIMEOUT only cuts a silent connection: a
 * client sending a byte every few seconds would hold one for ever. The
 * watchdog shuts down the socket of a connection whose request is not
 * wholly received REQUEST_DEADLINE seconds after its accept (or after its
 * previous request ended); libmicrohttpd then closes it as a client that
 * went away. A socket in the list is open: it leaves the list at
 * MHD_CONNECTION_NOTIFY_CLOSED, which libmicrohttpd calls before closing. */

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    ion_server *s = cls;
    watched *w = *socket_context;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!ci)
            return;
        if (!(w = calloc(1, sizeof *w))) {
            shutdown(ci->connect_fd, SHUT_RDWR); /* not served when it cannot be watched */
            return;
        }
        w->fd = ci->connect_fd;
        w->receiving = 1;
        clock_gettime(CLOCK_MONOTONIC, &w->since);
        client_address(c, w->addr, sizeof w->addr);
        pthread_mutex_lock(&s->watch_mu);
        w->next = s->watched;
        if (w->next)
            w->next->prev = w;
        s->watched = w;
        pthread_mutex_unlock(&s->watch_mu);
        *socket_context = w;
    } else if (w) {
        pthread_mutex_lock(&s->watch_mu);
        if (w->prev)
            w->prev->next = w->next;
        else
            s->watched = w->next;
        if (w->next)
            w->next->prev = w->prev;
        pthread_mutex_unlock(&s->watch_mu);
        free(w);
        *socket_context = NULL;
    }
}

/* receiving 0: the connection's request is in; 1: its next one may start. */
static void watch_set(ion_server *s, struct MHD_Connection *c, int receiving)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    watched *w = ci ? ci->socket_context : NULL;
    if (!w)
        return;
    pthread_mutex_lock(&s->watch_mu);
    w->receiving = receiving;
    clock_gettime(CLOCK_MONOTONIC, &w->since);
    pthread_mutex_unlock(&s->watch_mu);
}

static void *watchdog_loop(void *arg)
{
    ion_server *s = arg;
    while (!nap(s, WATCH_MS)) {
        struct timespec now;
        char first[INET6_ADDRSTRLEN] = "";
        unsigned cut = 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
        pthread_mutex_lock(&s->watch_mu);
        for (watched *w = s->watched; w; w = w->next) {
            long long ms = (long long)(now.tv_sec - w->since.tv_sec) * 1000 + (now.tv_nsec - w->since.tv_nsec) / 1000000;
            if (w->receiving && ms >= REQUEST_DEADLINE * 1000LL) {
                shutdown(w->fd, SHUT_RDWR);
                w->receiving = 0; /* cut once */
                if (!cut++)
                    snprintf(first, sizeof first, "%s", w->addr);
            }
        }
        pthread_mutex_unlock(&s->watch_mu);
        if (cut && s->o.log) {
            char line[160];
            if (cut == 1) /* the operator's log is English (README: serve), each form whole */
                snprintf(line, sizeof line, "%s closed 1 connection: no whole request within %d s", first,
                         REQUEST_DEADLINE);
            else
                snprintf(line, sizeof line, "%s closed %u connections: no whole request within %d s", first, cut,
                         REQUEST_DEADLINE);
            s->o.log(s->o.log_ctx, line);
        }
    }
    return NULL;
}

#define TOKEN_RUN 16 /* URL-safe base64 characters in a row: perhaps a token */

static int b64_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int token_like(const char *seg, size_t len)
{
    for (size_t i = 0, run = 0; i < len; i++)
        if ((run = b64_char(seg[i]) ? run + 1 : 0) >= TOKEN_RUN)
            return 1;
    return 0;
}

/* libmicrohttpd's own messages (a failed send names the request's URL,
 * token and all) go to the log like ours, each run that may be a token
 * made '~', control characters dropped. */
static void library_log(void *cls, const char *fmt, va_list ap)
{
    ion_server *s = cls;
    char msg[512], line[512];
    if (!s->o.log)
        return;
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t k = 0;
    for (const char *p = msg; *p && k + 1 < sizeof line;) {
        size_t run = 0;
        while (b64_char(p[run]))
            run++;
        if (run >= TOKEN_RUN)
            line[k++] = '~';
        else if (run)
            for (size_t i = 0; i < run && k + 1 < sizeof line; i++)
                line[k++] = p[i];
        else if ((unsigned char)*p >= 0x20 && *p != 0x7f)
            line[k++] = *p;
        p += run ? run : 1;
    }
    line[k] = '\0';
    s->o.log(s->o.log_ctx, line);
}

/* The path for the log, without tokens: a segment after "s" or "i" (any
 * case, anywhere: "//s/TOKEN", "/ionsheet/s/TOKEN" behind a proxy left
 * unstripped) or one that looks like a token ("/TOKEN") becomes '~';
 * the instructor's pages (worksheet names) are logged whole. The query is
 * left out, bytes outside printable ASCII are escaped. */
static void log_path(const char *url, char *out, size_t n)
{
    int whole = !strncmp(url, "/instructor", 11), after_key = 0;
    size_t k = 0;
    for (const char *p = url; *p && *p != '?' && k + 5 < n;) {
        if (*p == '/') {
            out[k++] = *p++;
            continue;
        }
        size_t len = strcspn(p, "/?");
        if (after_key || (!whole && token_like(p, len))) {
            out[k++] = '~';
        } else {
            for (size_t i = 0; i < len && k + 5 < n; i++) {
                unsigned char c = (unsigned char)p[i];
                if (c < 0x21 || c >= 0x7f || c == '"' || c == '\\')
                    k += (size_t)snprintf(out + k, n - k, "\\x%02x", c);
                else
                    out[k++] = (char)c;
            }
        }
        after_key = len == 1 && (*p == 's' || *p == 'S' || *p == 'i' || *p == 'I');
        p += len;
    }
    out[k] = '\0';
}

static void access_log(ion_server *s, const char *addr, const char *method, const char *url,
                       unsigned status, size_t bytes, const request *r)
{
    if (!s->o.log)
        return;
    char path[300], line[512];
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - r->start.tv_sec) * 1e3 + (double)(now.tv_nsec - r->start.tv_nsec) / 1e6;
    log_path(url, path, sizeof path);
    char m[12];
    snprintf(m, sizeof m, "%.10s", method);
    for (char *p = m; *p; p++)
        if ((unsigned char)*p < 0x21 || (unsigned char)*p >= 0x7f)
            *p = '?';
    snprintf(line, sizeof line, "%s \"%s %s\" %u %zu %.1fms", addr, m, path,
             status, bytes, ms);
    s->o.log(s->o.log_ctx, line);
}

/* Headers every answer carries. */
static void security_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
}

static enum MHD_Result send_reply(ion_server *s, struct MHD_Connection *c, const char *addr,
                                  const char *method, const char *url, request *r, ion_web_reply *rep)
{
    size_t len = rep->body.len;
    char *data = ion_strbuf_detach(&rep->body, &len);
    if (!data) { /* out of memory */
        rep->status = 500;
        data = strdup("");
        len = 0;
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(data);
        return MHD_NO;
    }
    security_headers(resp);
    MHD_add_response_header(resp, "Content-Type", rep->type ? rep->type : "text/html; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", rep->cache ? "public, max-age=3600" : "no-store");
    if (rep->location[0])
        MHD_add_response_header(resp, "Location", rep->location);
    if (rep->cookie[0])
        MHD_add_response_header(resp, "Set-Cookie", rep->cookie);
    if (rep->disposition[0])
        MHD_add_response_header(resp, "Content-Disposition", rep->disposition);
    if (rep->status == 405)
        MHD_add_response_header(resp, "Allow", "GET, HEAD, POST");
    enum MHD_Result ret = MHD_queue_response(c, rep->status, resp);
    MHD_destroy_response(resp);
    access_log(s, addr, method, url, rep->status, len, r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    ion_server *s = cls;
    request *r = *con_cls;
    (void)version;
    if (!r) {
        if (!(r = calloc(1, sizeof *r)))
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &r->start);
        *con_cls = r;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > BODY_LIMIT)
            r->too_large = 1;
        if (!r->too_large)
            return MHD_YES;
    } else if (*upload_size) {
        if (r->body.len + *upload_size > BODY_LIMIT)
            r->too_large = 1;
        else
            ion_strbuf_add(&r->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    watch_set(s, c, 0); /* the whole request is in */
    ion_web_reply rep = {0};
    char addr[INET6_ADDRSTRLEN];
    ion_web_request req = {url, method, r->body.s ? r->body.s : "", r->body.len, c,
                           request_address(s, c, addr, sizeof addr)};
    if (r->too_large || r->body.oom) {
        ion_web_refuse(&rep, &req, 413);
    } else {
        snapshot *sn = snapshot_get(s);
        ion_web_route(s, sn, &req, &rep);
        snapshot_put(s, sn);
    }
    enum MHD_Result ret = send_reply(s, c, addr, method, url, r, &rep);
    ion_strbuf_release(&rep.body);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    watch_set(cls, c, 1); /* a kept-alive connection's next request */
    request *r = *con_cls;
    if (r) {
        ion_strbuf_release(&r->body);
        free(r);
    }
    *con_cls = NULL;
}

/* ---- start and stop ---- */

static int listen_address(const char *host, unsigned port, struct sockaddr_storage *ss, ion_error *err)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)(void *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)(void *)ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        return 0;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        return 0;
    }
    return ion_fail_key(err, NULL, 0, "err.serve.host", "%s", host);
}

static void random_token(char out[ION_TOKEN_LEN + 1])
{
    unsigned char r[ION_TOKEN_BYTES];
    randombytes_buf(r, sizeof r);
    sodium_bin2base64(out, ION_TOKEN_LEN + 1, r, sizeof r, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* The instructor's link token and the CSRF key, from the course secret
 * (which itself never leaves the database). */
static int derive_keys(ion_server *s, ion_bank *b, ion_error *err)
{
    unsigned char secret[ION_BANK_SECRET_LEN], mac[ION_TOKEN_BYTES];
    static const char instructor[] = "ionsheet instructor link v1", csrf[] = "ionsheet csrf key v1";
    if (ion_bank_secret(b, secret, err))
        return -1;
    crypto_generichash(mac, sizeof mac, (const unsigned char *)instructor, sizeof instructor, secret,
                       sizeof secret);
    sodium_bin2base64(s->instructor_token, sizeof s->instructor_token, mac, sizeof mac,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    crypto_generichash(s->csrf_key, sizeof s->csrf_key, (const unsigned char *)csrf, sizeof csrf, secret,
                       sizeof secret);
    sodium_memzero(secret, sizeof secret);
    random_token(s->session);
    randombytes_buf(s->limiter_key, sizeof s->limiter_key);
    return 0;
}

static unsigned worker_count(unsigned asked)
{
    if (asked)
        return asked;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 2 ? 2 : n > 16 ? 16 : (unsigned)n;
}

ion_server *ion_server_start(const ion_serve_opts *o, ion_error *err)
{
    struct sockaddr_storage ss;
    if (sodium_init() < 0) {
        ion_fail_key(err, NULL, 0, "err.sodium", "-");
        return NULL;
    }
    if (listen_address(o->host, o->port, &ss, err))
        return NULL;
    ion_server *s = calloc(1, sizeof *s);
    if (!s) {
        ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        return NULL;
    }
    s->o = *o;
    pthread_mutex_init(&s->pool_mu, NULL);
    pthread_cond_init(&s->pool_cv, NULL);
    pthread_mutex_init(&s->write_mu, NULL);
    pthread_mutex_init(&s->snap_mu, NULL);
    pthread_mutex_init(&s->stop_mu, NULL);
    pthread_cond_init(&s->stop_cv, NULL);
    pthread_mutex_init(&s->limit_mu, NULL);
    pthread_mutex_init(&s->watch_mu, NULL);
    unsigned threads = worker_count(o->threads);
    /* A handle for each worker and one for the reloader. */
    s->pool = calloc(threads + 1, sizeof *s->pool);
    if (!s->pool) {
        ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        goto fail;
    }
    for (; s->npool < threads + 1; s->npool++)
        if (!(s->pool[s->npool] = ion_bank_open(o->db_path, 0, err)))
            goto fail;
    s->nfree = s->npool;
    if (!(s->writer = ion_bank_open(o->db_path, 0, err)))
        goto fail;
    if (derive_keys(s, s->pool[0], err) || !(s->snap = snapshot_load(s->pool[0], err)))
        goto fail;
    if (o->tls_cert && !(s->tls_cert = strdup(o->tls_cert)))
        goto fail;
    if (o->tls_key && !(s->tls_key = strdup(o->tls_key)))
        goto fail;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0) | (s->tls_cert ? MHD_USE_TLS : 0);
    struct MHD_OptionItem tls[] = {
        {s->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->tls_cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls_key},
        {MHD_OPTION_END, 0, NULL},
    };
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)o->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, library_log, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)PER_ADDRESS_LIMIT, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024U, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
    if (!s->daemon) {
        ion_fail_key(err, NULL, 0, s->tls_cert ? "err.serve.listen_tls" : "err.serve.listen", "%s%u",
                     o->host, o->port);
        goto fail;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : o->port;
    if (o->base_url && *o->base_url)
        snprintf(s->base, sizeof s->base, "%s%s", o->base_url,
                 o->base_url[strlen(o->base_url) - 1] == '/' ? "" : "/");
    else
        snprintf(s->base, sizeof s->base, "%s://%s%s%s:%u/", s->tls_cert ? "https" : "http",
                 strchr(o->host, ':') ? "[" : "", o->host, strchr(o->host, ':') ? "]" : "", s->port);
    snprintf(s->instructor_url, sizeof s->instructor_url, "%si/%s", s->base, s->instructor_token);
    if (pthread_create(&s->reloader, NULL, reload_loop, s) == 0)
        s->reloading = 1;
    int rc = pthread_create(&s->watchdog, NULL, watchdog_loop, s);
    if (rc) {
        ion_fail_key(err, NULL, 0, "err.serve.thread", "%s", ion_strerror(rc));
        goto fail;
    }
    s->watching = 1;
    return s;
fail:
    ion_server_stop(s);
    return NULL;
}

unsigned ion_server_port(const ion_server *s)
{
    return s->port;
}

const char *ion_server_instructor_url(const ion_server *s)
{
    return s->instructor_url;
}

void ion_server_stop(ion_server *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->stop_mu);
    s->stopping = 1;
    pthread_cond_broadcast(&s->stop_cv);
    pthread_mutex_unlock(&s->stop_mu);
    if (s->reloading)
        pthread_join(s->reloader, NULL);
    if (s->watching)
        pthread_join(s->watchdog, NULL);
    /* Joins the workers: a request being handled finishes (its answer
     * committed) before this returns. */
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    if (s->snap)
        snapshot_put(s, s->snap);
    for (size_t i = 0; i < s->npool; i++)
        ion_bank_close(s->pool[i]);
    free(s->pool);
    ion_bank_close(s->writer);
    free(s->tls_cert);
    free(s->tls_key);
    sodium_memzero(s->csrf_key, sizeof s->csrf_key);
    pthread_mutex_destroy(&s->pool_mu);
    pthread_cond_destroy(&s->pool_cv);
    pthread_mutex_destroy(&s->write_mu);
    pthread_mutex_destroy(&s->snap_mu);
    pthread_mutex_destroy(&s->stop_mu);
    pthread_cond_destroy(&s->stop_cv);
    pthread_mutex_destroy(&s->limit_mu);
    pthread_mutex_destroy(&s->watch_mu);
    free(s);
}
