/* Text tables aligned by display width (utf8.c measures it). */
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "utf8.h"

struct ion_table {
    size_t ncols, nrows, cap;
    char *align;
    char **cells; /* nrows * ncols */
    int oom;
};

ion_table *ion_table_new(const char *align)
{
    ion_table *t = calloc(1, sizeof *t);
    if (!t || !(t->align = strdup(align))) {
        free(t);
        return NULL;
    }
    t->ncols = strlen(align);
    return t;
}

void ion_table_free(ion_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->align);
    free(t);
}

int ion_table_row(ion_table *t, const char *const *cells)
{
    if (t->oom)
        return -1;
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        char **c = realloc(t->cells, cap * t->ncols * sizeof *c);
        if (!c)
            return t->oom = -1;
        t->cells = c;
        t->cap = cap;
    }
    char **row = t->cells + t->nrows * t->ncols;
    for (size_t j = 0; j < t->ncols; j++)
        if (!(row[j] = strdup(cells[j] ? cells[j] : ""))) {
            while (j--)
                free(row[j]);
            return t->oom = -1;
        }
    t->nrows++;
    return 0;
}

static void pad(ion_strbuf *b, size_t n)
{
    while (n--)
        ion_strbuf_addch(b, ' ');
}

char *ion_table_render(const ion_table *t)
{
    size_t *widths = calloc(t->ncols ? t->ncols : 1, sizeof *widths);
    ion_strbuf b = {0};
    if (!widths || t->oom) {
        free(widths);
        return NULL;
    }
    for (size_t i = 0; i < t->nrows * t->ncols; i++) {
        size_t w = (size_t)ion_utf8_width(t->cells[i]);
        if (w > widths[i % t->ncols])
            widths[i % t->ncols] = w;
    }
    ion_strbuf_puts(&b, "");
    for (size_t r = 0; r < t->nrows; r++) {
        size_t line = b.len;
        for (size_t j = 0; j < t->ncols; j++) {
            const char *cell = t->cells[r * t->ncols + j];
            size_t room = widths[j] - (size_t)ion_utf8_width(cell);
            if (j)
                pad(&b, 2);
            if (t->align[j] == 'r')
                pad(&b, room);
            ion_strbuf_puts(&b, cell);
            if (t->align[j] != 'r')
                pad(&b, room);
        }
        while (b.len > line && b.s[b.len - 1] == ' ')
            b.s[--b.len] = '\0';
        ion_strbuf_addch(&b, '\n');
    }
    free(widths);
    return ion_strbuf_detach(&b, NULL);
}
