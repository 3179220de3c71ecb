/* A growable string: text built piece by piece (markup, feedback, CSV,
 * JSON, pools of NUL-separated strings, PDF content streams).
 *
 *     ion_strbuf b = {0};
 *     ion_strbuf_puts(&b, "total: ");
 *     ion_strbuf_printf(&b, "%d", n);
 *     char *text = ion_strbuf_detach(&b, NULL);   // caller frees; NULL when out of memory
 *
 * Out of memory is remembered rather than returned from every call: the
 * text stops growing at the first failure, `oom` says so, and the caller
 * checks once at the end. b.s is NULL until something was added; add, puts
 * and printf keep it NUL-terminated at b.len (the bytes before may hold
 * NULs of their own), and a caller writing through ion_strbuf_grow writes
 * its own NUL when it wants one. */
#ifndef ION_STRBUF_H
#define ION_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
    char *s;
    size_t len, cap;
    int oom; /* an allocation failed: nothing is added any more */
} ion_strbuf;

/* Room for n more bytes and a NUL after them, for writing at b->s + b->len
 * (then advance b->len). 0, or -1 when out of memory (and oom set). */
int ion_strbuf_grow(ion_strbuf *b, size_t n);

/* Appends n bytes (s must not point into b), a NUL-terminated string, or
 * printf's output. Adding nothing still allocates, so b->s is a string. */
void ion_strbuf_add(ion_strbuf *b, const void *s, size_t n);
void ion_strbuf_puts(ion_strbuf *b, const char *s);

/* Appends one byte; inline, for loops that build text a byte at a time. */
static inline void ion_strbuf_addch(ion_strbuf *b, char c)
{
    if (b->s && b->len + 1 < b->cap) {
        b->s[b->len++] = c;
        b->s[b->len] = '\0';
    } else {
        ion_strbuf_add(b, &c, 1);
    }
}
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void ion_strbuf_printf(ion_strbuf *b, const char *fmt, ...);
/* The same with the arguments in ap (left unused: copied first). */
void ion_strbuf_vprintf(ion_strbuf *b, const char *fmt, va_list ap);

/* How ion_strbuf_read_file ended. */
typedef enum {
    ION_READ_OK = 0,
    ION_READ_OPEN,      /* the file could not be opened */
    ION_READ_IO,        /* reading failed */
    ION_READ_TOO_LARGE, /* it holds more than the limit */
    ION_READ_OOM,
} ion_read_status;

/* Appends the whole file at path to b (one allocation of the file's size
 * when it says its size), at most limit bytes. On failure b keeps the text
 * it had (out of memory sets oom) and errno is the failing call's. */
ion_read_status ion_strbuf_read_file(ion_strbuf *b, const char *path, size_t limit);

/* Empties b for reuse: its memory is kept, oom is cleared. */
void ion_strbuf_reset(ion_strbuf *b);

/* The text, which the caller now owns and frees ("" when nothing was
 * added), with its length in *len when len is not NULL; NULL when out of
 * memory. b is empty afterwards. */
char *ion_strbuf_detach(ion_strbuf *b, size_t *len);

/* Frees the text; b is empty afterwards. */
void ion_strbuf_release(ion_strbuf *b);

#endif
