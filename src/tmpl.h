/* Output templates: one file per language, templates/LANG.conf, holding the
 * message catalogue (every fixed string ionsheet prints for students and
 * instructors in that language: PDFs, answer files, feedback, grading notes,
 * the drill; see text.h) and the page layout.
 *
 * Format: UTF-8 lines `key = value`; blank lines and lines whose first
 * non-blank character is '#' are ignored; the value is the rest of the line
 * with surrounding blanks trimmed (it may be empty). Every key of the known
 * set (see tmpl.c, and templates/en.conf for the documented list) must appear
 * exactly once; keys under `choice.`, `topic.`, `dim.` and `verdict.` are
 * optional glosses for ids (`choice.outward = 外向`, `topic.nernst = 能斯特电位`).
 * Unknown keys, duplicates, lines without '=',
 * and numbers that do not parse (or are not positive) are errors naming the
 * file and line.
 *
 * Plural forms: a string or message that holds a count is written once
 * for each plural form of the language, KEY.one and KEY.other (a key
 * ending in .one or .other names a form: a rule with more forms, CLDR's
 * few or many, adds their names too); `plural.rule` (required, once) names
 * the language's rule, which says which forms it has and which a count
 * takes: `other-only` (other for every count: zh, ja, ko), `one-is-1` (one
 * for exactly 1, other else: en, de, es), `one-below-2` (one below 2, so 0,
 * 1 and 1.5; other from 2: fr). Every such string has exactly its rule's
 * forms, or the file does not load (the missing or extra one named).
 *
 * Strings may hold placeholders `{name}`, filled by ion_tmpl_expand; they
 * are never printf formats, so a template cannot crash the program.
 *
 * The one exception: keys under `cli.` are the command line's messages
 * (errors, usage, summaries), under `err.` the library's errors, and under
 * `count.` the counted phrases ("%zu templates") that a message with two
 * counts takes as its %s arguments, printf formats with `\n` for a line break, `\r`
 * a carriage return and `\\` a backslash; a value in double quotes keeps the blanks at its
 * ends. Any `cli.`, `err.` or `count.` key may appear (at most once); text.c
 * checks that every language has the same ones as en.conf, with the same
 * conversions, and never hands out a format whose conversions differ from
 * what its caller passes. */
#ifndef ION_TMPL_H
#define ION_TMPL_H

#include <stddef.h>

#include "error.h"

typedef struct ion_tmpl ion_tmpl;

/* Loads DIR/LANG.conf. LANG is letters, digits, '-' and '_' only (it names
 * a file). Returns NULL and fills err on failure. Free with ion_tmpl_free. */
ion_tmpl *ion_tmpl_load(const char *dir, const char *lang, ion_error *err);

/* The same from memory; `name` is the file name used in error messages and
 * `lang` is recorded as the template's language. */
ion_tmpl *ion_tmpl_parse(const char *text, size_t len, const char *name,
                         const char *lang, ion_error *err);

void ion_tmpl_free(ion_tmpl *t);

/* The language the template was loaded for ("en", "zh"). */
const char *ion_tmpl_lang(const ion_tmpl *t);

/* A key the catalogue does not have, looked up: a bug (tests/lint should
 * have caught it) that must not pass silently at run time either. With
 * IONSHEET_TEXT_STRICT=1 in the environment (make test, asan, valgrind
 * set it) it aborts, naming the key on stderr, so that the test at hand
 * fails at the lookup. Otherwise it returns "[[KEY]]", to be shown where the
 * text should be: a reader sees something is wrong and can quote it in a
 * bug report, and the command still finishes its work (a grading run or
 * a server stopped over one missing sentence would lose more than the
 * sentence). The marker holds no '%': it may stand for a printf format. */
const char *ion_tmpl_missing(const char *key);

/* The string for a known key (owned by t), or NULL for a key that is not a
 * string key, or an absent optional gloss; a key the catalogue does not
 * know at all (no gloss) is ion_tmpl_missing's. */
const char *ion_tmpl_str(const ion_tmpl *t, const char *key);

/* The key of count n's plural form of key, "KEY.one" or "KEY.other" as
 * t's plural.rule picks (owned by t); key itself when t has no such form
 * (a lookup of it then says the key is missing). */
const char *ion_tmpl_plural(const ion_tmpl *t, const char *key, double n);

/* The length of KEY when key names a plural form, KEY.one, KEY.other,
 * ...; else 0. */
size_t ion_tmpl_form_stem(const char *key);

/* The message (a `cli.` or `err.` key, escapes decoded) owned by t, or
 * NULL. */
const char *ion_tmpl_msg(const ion_tmpl *t, const char *key);

/* The i-th message of t, its *key and the *line it is on (line may be
 * NULL); NULL past the last. */
const char *ion_tmpl_msg_at(const ion_tmpl *t, int i, const char **key, int *line);

/* The number for a known numeric key; 0 for any other key. */
double ion_tmpl_num(const ion_tmpl *t, const char *key);

/* The i-th string of t (every known string, then the glosses) and its
 * *key, NULL past the last: for whoever must know every character a
 * template prints. */
const char *ion_tmpl_str_at(const ion_tmpl *t, int i, const char **key);

/* Copies `pattern` into out (at most cap bytes, always NUL-terminated when
 * cap > 0), replacing each `{names[i]}` with values[i]; an unknown `{x}` is
 * copied as is. Returns the length the full result needs, like snprintf. */
size_t ion_tmpl_expand(char *out, size_t cap, const char *pattern,
                       const char *const *names, const char *const *values,
                       int n);

#endif
