#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ion_fail(ion_error *err, const char *file, int line, const char *fmt, ...)
{
    if (!err)
        return -1;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->io = 0;
    err->key = NULL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

const char *ion_strerror(int e)
{
    static _Thread_local char buf[128]; /* one a thread: the server's threads report too */
    if (strerror_r(e, buf, sizeof buf) != 0)
        snprintf(buf, sizeof buf, "error %d", e);
    /* "No space..." but not an acronym such as "EOF" */
    if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}
