/* A growable string: see strbuf.h. */
#include "strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

void ion_strbuf_vprintf(ion_strbuf *b, const char *fmt, va_list ap)
{
    char small[256];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= 0 && (size_t)n < sizeof small)
        ion_strbuf_add(b, small, (size_t)n);
    else if (n >= 0 && !ion_strbuf_grow(b, (size_t)n)) {
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
}

void ion_strbuf_printf(ion_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ion_strbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

ion_read_status ion_strbuf_read_file(ion_strbuf *b, const char *path, size_t limit)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ION_READ_OPEN;
    struct stat st;
    size_t want = 1 << 16; /* room asked for before the next read */
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size <= limit)
        want = (size_t)st.st_size;
    size_t start = b->len, got = 0;
    ion_read_status ret = ION_READ_OK;
    for (;;) {
        if (ion_strbuf_grow(b, want)) {
            ret = ION_READ_OOM;
            break;
        }
        /* One byte past the limit is enough to know the file is too large. */
        size_t room = b->cap - b->len - 1;
        if (room > limit + 1 - got)
            room = limit + 1 - got;
        size_t n = fread(b->s + b->len, 1, room, f);
        b->len += n;
        got += n;
        if (got > limit) {
            ret = ION_READ_TOO_LARGE;
            break;
        }
        if (n < room) {
            if (ferror(f))
                ret = ION_READ_IO;
            break;
        }
        want = got; /* the file grew meanwhile, or said no size: double */
    }
    int saved = errno;
    fclose(f);
    errno = saved;
    if (ret != ION_READ_OK)
        b->len = start;
    if (b->s)
        b->s[b->len] = '\0';
    return ret;
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
    /* A detached string is often kept (a path per file of a class): it
     * keeps its own size, not the buffer's. */
    if (s && b->cap > 2 * (b->len + 1)) {
        char *fit = realloc(s, b->len + 1);
        if (fit)
            s = fit;
    }
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
