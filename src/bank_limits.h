/* What the bank accepts as an id, a text or points: apart from bank.h so
 * that code which checks such values without touching the database (the
 * answer key reader) need not see it. */
#ifndef ION_BANK_LIMITS_H
#define ION_BANK_LIMITS_H

#include <stddef.h>

#define ION_BANK_ID_MAX 64 /* bytes in a student id or worksheet name */
#define ION_BANK_TEXT_MAX 1024 /* bytes in a name, e-mail, title, course */
#define ION_POINTS_MAX 1000    /* a problem's or a part's points, at most */

/* NULL when s may be a student id or worksheet name, which become file
 * names: 1 to ION_BANK_ID_MAX bytes of [A-Za-z0-9._-], not starting with a
 * dot. Otherwise the catalogue key of the reason, such as "err.id.dot"
 * ("must not start with a dot"; ion_text_phrase words it), for a message
 * that names the id. */
const char *ion_bank_id_problem(const char *s);

/* NULL when s is acceptable text for a name, e-mail, title or course: 1 to
 * max bytes of valid UTF-8 without control characters. Otherwise the
 * catalogue key of the reason, such as "err.text.utf8" ("is not valid
 * UTF-8"; ion_text_phrase words it). */
const char *ion_bank_text_problem(const char *s, size_t max);

#endif
