/* Gradebook CSV files: plain, Moodle's grade import, Canvas's. */
#include "render_csv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "numfmt.h"

int ion_csv_format_parse(const char *name)
{
    static const char *const names[] = {"plain", "moodle", "canvas"};
    for (int i = 0; name && i < 3; i++)
        if (!strcmp(name, names[i]))
            return i;
    return -1;
}

const char *ion_csv_points(double v, char *buf, size_t n)
{
    return ion_fmt_points(buf, n, v);
}

/* Text cells separated by commas, then the line end. */
static void line(ion_strbuf *b, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            ion_strbuf_addch(b, ',');
        ion_csv_field(b, cells[i], 1);
    }
    ion_strbuf_puts(b, "\r\n");
}

void ion_csv_header(ion_strbuf *b, const ion_csv_book *k)
{
    char points[32];
    if (k->excel)
        ion_strbuf_puts(b, "\xEF\xBB\xBF");
    if (k->format == ION_CSV_MOODLE) {
        line(b, (const char *[]){"ID number", "Email address", k->title}, 3);
    } else if (k->format == ION_CSV_CANVAS) {
        line(b, (const char *[]){"Student", "ID", "SIS User ID", "SIS Login ID", "Section", k->title}, 6);
        /* Canvas's own export has this row; its import reads it. */
        line(b, (const char *[]){"    Points Possible", "", "", "", "", ion_csv_points(k->points, points, sizeof points)},
             6);
    } else {
        ion_strbuf_puts(b, "student,name,total,max,percent");
        for (size_t c = 0; c < k->nparts; c++) {
            ion_strbuf_addch(b, ',');
            ion_csv_field(b, k->parts[c], 1);
        }
        ion_strbuf_puts(b, "\r\n");
    }
}

void ion_csv_row_add(ion_strbuf *b, const ion_csv_book *k, const ion_csv_row *r)
{
    char total[32], max[32];
    const char *grade = r->graded ? ion_csv_points(r->total, total, sizeof total) : "";
    if (k->format == ION_CSV_MOODLE) {
        line(b, (const char *[]){r->id, r->email, grade}, 3);
    } else if (k->format == ION_CSV_CANVAS) {
        line(b, (const char *[]){r->name, "", r->id, "", k->course, grade}, 6);
    } else {
        ion_csv_field(b, r->id, 1);
        ion_strbuf_addch(b, ',');
        ion_csv_field(b, r->name, 1);
        ion_strbuf_printf(b, ",%s,%s,%.1f", ion_csv_points(r->total, total, sizeof total),
                          ion_csv_points(r->max, max, sizeof max), r->max > 0 ? 100 * r->total / r->max : 0);
        for (size_t c = 0; c < k->nparts; c++) {
            ion_strbuf_addch(b, ',');
            ion_strbuf_puts(b, r->cells[c]);
        }
        ion_strbuf_puts(b, "\r\n");
    }
}
