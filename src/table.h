/* Text tables for the terminal: columns aligned by what a terminal shows
 * (display width), so that a title with ⁺ or 钾 or an id longer than the
 * others does not push the rest out of line.
 *
 *     ion_table *t = ion_table_new("lrl");        // per column: left, right
 *     ion_table_row(t, (const char *[]){"id", "students", "title"});
 *     ion_table_row(t, (const char *[]){"PHYS2", "14", "Physiology 2"});
 *     char *text = ion_table_render(t);            // caller frees
 *     ion_table_free(t);
 */
#ifndef ION_TABLE_H
#define ION_TABLE_H

#include <stddef.h>

typedef struct ion_table ion_table;

/* align: one letter per column, 'l' (left) or 'r' (right). NULL when out
 * of memory. */
ion_table *ion_table_new(const char *align);
void ion_table_free(ion_table *t);

/* Adds a row of as many cells as columns (copied; NULL prints as ""). 0,
 * or -1 when out of memory (the table then renders as NULL). */
int ion_table_row(ion_table *t, const char *const *cells);

/* The rows, one line each, columns two spaces apart, no trailing spaces.
 * Caller frees; NULL when out of memory. */
char *ion_table_render(const ion_table *t);

#endif
