/* Errors the library reports to its caller (it never prints). */
#ifndef ION_ERROR_H
#define ION_ERROR_H

typedef struct {
    char file[256]; /* the input file, or "" */
    int line;       /* 1-based line in that file, or 0 */
    char msg[512];  /* lower case, no trailing period */
    int io;         /* the database or the file system failed (exit 4), not
                       the input: set by those who know, ion_fail clears it */
    const char *key; /* the catalogue key of msg (ion_fail_key, text.h), or
                        NULL: what callers test for a kind of error, the
                        text being in the user's language */
} ion_error;

/* Fills err (when not NULL) printf-style and returns -1, so code can say
 * `return ion_fail(err, file, line, "unknown unit '%s'", u);`. */
int ion_fail(ion_error *err, const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* strerror(e) in lower case, as messages are ("no space left on
 * device"), the system's own words; a buffer of the calling thread's, good
 * until its next call. */
const char *ion_strerror(int e);

#endif
