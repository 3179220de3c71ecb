/* The names of verdicts and statuses, both ways (verdict.h). */
#include "verdict.h"

#include <string.h>

#define COUNT(a) (sizeof a / sizeof *a)

static const char *const verdicts[] = {"missing", "blank", "invalid", "wrong", "partial", "carried", "right"};
static const char *const statuses[] = {"missing", "graded", "refused", "conflict"};

static const char *name_at(const char *const *names, size_t n, unsigned i)
{
    return i < n ? names[i] : "?";
}

/* The index of name in names (n of them), or -1. */
static int find(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (!strcmp(names[i], name))
            return (int)i;
    return -1;
}

const char *ion_verdict_name(ion_verdict v)
{
    return name_at(verdicts, COUNT(verdicts), (unsigned)v);
}

const char *ion_status_name(ion_status st)
{
    return name_at(statuses, COUNT(statuses), (unsigned)st);
}

int ion_verdict_parse(const char *name, ion_verdict *v)
{
    int i = find(verdicts, COUNT(verdicts), name);
    *v = i < 0 ? *v : (ion_verdict)i;
    return i < 0 ? -1 : 0;
}

int ion_status_parse(const char *name, ion_status *st)
{
    int i = find(statuses, COUNT(statuses), name);
    *st = i < 0 ? *st : (ion_status)i;
    return i < 0 ? -1 : 0;
}
