/* ionsheet serve [--listen HOST:PORT] [--base-url URL] [--tls-cert F --tls-key F] [--proxy] */
#include "cli.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"
#include "strbuf.h"
#include "text.h"


static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    pthread_mutex_lock(&log_mu);
    fprintf(stderr, "%s %s\n", when, line);
    pthread_mutex_unlock(&log_mu);
}

/* HOST:PORT, [V6]:PORT, or PORT alone. */
static int parse_listen(const char *text, char *host, size_t n, unsigned *port)
{
    const char *colon = strrchr(text, ':');
    const char *h = text, *p = colon ? colon + 1 : text;
    size_t hlen = colon ? (size_t)(colon - text) : 0;
    if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']')
        h++, hlen -= 2;
    char *end;
    unsigned long v = strtoul(p, &end, 10);
    if (!*p || *end || v > 65535 || hlen >= n)
        return -1;
    snprintf(host, n, "%.*s", (int)(colon ? hlen : 9), colon ? h : "127.0.0.1");
    *port = (unsigned)v;
    return 0;
}

static char *read_pem(const char *path)
{
    ion_strbuf b = {0};
    if (ion_strbuf_read_file(&b, path, 1024 * 1024) != ION_READ_OK) {
        cli_msg(path, 0, "cli.serve.cannot_read", "-");
        ion_strbuf_release(&b);
        return NULL;
    }
    return ion_strbuf_detach(&b, NULL);
}

typedef struct {
    const char *listen, *base, *cert, *key, *threads;
    char host[128];
    unsigned port;
    int proxy;
} serve_args;

/* The options into a: 0, or EXIT_USAGE after saying what is wrong. */
static int parse(int argc, char **argv, serve_args *a)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--proxy")) {
            a->proxy = 1;
            continue;
        }
        int got = cli_option(argc, argv, &i, "--listen", &a->listen);
        if (!got)
            got = cli_option(argc, argv, &i, "--base-url", &a->base);
        if (!got)
            got = cli_option(argc, argv, &i, "--tls-cert", &a->cert);
        if (!got)
            got = cli_option(argc, argv, &i, "--tls-key", &a->key);
        if (!got)
            got = cli_option(argc, argv, &i, "--threads", &a->threads);
        if (got < 0)
            return EXIT_USAGE;
        if (!got) {
            cli_msg(NULL, 0, "cli.serve.unexpected", "%s", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (parse_listen(a->listen, a->host, sizeof a->host, &a->port)) {
        cli_msg(NULL, 0, "cli.serve.listen", "%s", a->listen);
        return EXIT_USAGE;
    }
    if (!a->cert != !a->key) {
        cli_msg(NULL, 0, "cli.serve.tls", "-");
        return EXIT_USAGE;
    }
    return 0;
}

int cmd_serve(int argc, char **argv, ion_cli *cli)
{
    if (cli_wants_help(argc, argv, "cli.serve.usage"))
        return EXIT_OK;
    serve_args a = {"127.0.0.1:8080", NULL, NULL, NULL, NULL, "", 0, 0};
    if (parse(argc, argv, &a))
        return EXIT_USAGE;
    const char *base = a.base, *cert = a.cert, *key = a.key, *threads = a.threads, *host = a.host;
    unsigned port = a.port;
    const char *lang;
    for (size_t i = 0; (lang = ion_text_language_at(i)); i++)
        if (cli_catalogue(lang))
            return EXIT_IO; /* each page is in the language it is asked for */
    if (base && strncmp(base, "http://", 7) && strncmp(base, "https://", 8)) {
        cli_msg(NULL, 0, "cli.serve.base_url", "%s", base);
        return EXIT_USAGE;
    }
    char *cert_pem = cert ? read_pem(cert) : NULL, *key_pem = key ? read_pem(key) : NULL;
    if ((cert && !cert_pem) || (key && !key_pem)) {
        free(cert_pem);
        free(key_pem);
        return EXIT_IO;
    }
    /* The signals are taken by sigwait below; every thread the server
     * starts inherits the mask. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    ion_serve_opts o = {cli->db_path, host, port, base, cert_pem, key_pem,
                        threads ? (unsigned)strtoul(threads, NULL, 10) : 0, log_line, NULL, a.proxy};
    ion_error err = {0};
    ion_server *s = ion_server_start(&o, &err);
    free(cert_pem);
    free(key_pem);
    if (!s) {
        cli_report(&err);
        return EXIT_IO;
    }
    if (!cli->quiet)
        cli_msg(NULL, 0, "cli.serve.serving", "%s", ion_server_base_url(s));
    printf("instructor: %s\n", ion_server_instructor_url(s));
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    if (!cli->quiet)
        cli_msg(NULL, 0, "cli.serve.stopping", "%s", sig == SIGINT ? "SIGINT" : "SIGTERM");
    ion_server_stop(s);
    return EXIT_OK;
}
