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
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}
