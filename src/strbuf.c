/* A growable string: see strbuf.h. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ion_strbuf_grow(ion_strbuf *b, size_t n)
{
    if (b->oom)
        return -1;
    if (b->s && b->len + n < b->cap)
        return 0;
    if (n >= (size_t)-1 / 2 - b->len) {
        b->oom = 1;
        return -1;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = 1;
        return -1;
    }
    b->s = s;
    b->cap = cap;
    b->s[b->len] = '\0';
    return 0;
}

void ion_strbuf_add(ion_strbuf *b, const void *s, size_t n)
{
    if (ion_strbuf_grow(b, n))
        return;
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void ion_strbuf_puts(ion_strbuf *b, const char *s)
{
    ion_strbuf_add(b, s, strlen(s));
}

void ion_strbuf_printf(ion_strbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        ion_strbuf_add(b, small, (size_t)n);
        return;
    }
    if (ion_strbuf_grow(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void ion_strbuf_reset(ion_strbuf *b)
{
    b->len = 0;
    b->oom = 0;
    if (b->s)
        b->s[0] = '\0';
}

char *ion_strbuf_detach(ion_strbuf *b, size_t *len)
{
    ion_strbuf_grow(b, 0);
    char *s = b->oom ? NULL : b->s;
    if (s && len)
        *len = b->len;
    if (!s)
        free(b->s);
    memset(b, 0, sizeof *b);
    return s;
}

void ion_strbuf_release(ion_strbuf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}
