/* Inline markup as plain UTF-8 text, for terminals and text files:
 * <sup>/<sub> become Unicode super- and subscripts where those exist
 * ("[K⁺]ₒ", "Ca²⁺"), else '^'/'_' before the text; <i>, <b> are dropped;
 * &lt; &gt; &amp; are unescaped. */
#ifndef ION_TEXT_H
#define ION_TEXT_H

#include <stddef.h>

/* Appends the plain text of markup to *buf (realloc'd; *len, *cap kept).
 * Returns 0, or -1 when out of memory. */
int ion_markup_plain(const char *markup, char **buf, size_t *len, size_t *cap);

#endif
