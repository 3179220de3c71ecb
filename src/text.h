/* Inline markup as plain UTF-8 text, for terminals and text files:
 * <sup>/<sub> become Unicode super- and subscripts where those exist
 * ("[K⁺]ₒ", "Ca²⁺"), else '^'/'_' before the text; <i>, <b> are dropped;
 * &lt; &gt; &amp; are unescaped. */
#ifndef ION_TEXT_H
#define ION_TEXT_H

#include "strbuf.h"

/* Appends the plain text of markup to b. Returns 0, or -1 when b is out of
 * memory. */
int ion_markup_plain(const char *markup, ion_strbuf *b);

/* Collapses each run of blanks (space, tab, CR, LF) in s to one space and
 * drops those at both ends, in place: authored text wrapped over several
 * lines, on one. Returns s. */
char *ion_squeeze_blanks(char *s);

#endif
