/* The text layer: the message catalogue every user-facing string comes
 * from, and inline markup as plain text. (UTF-8 itself: utf8.h.)
 *
 * The catalogue. Every fixed string a student or an instructor reads in
 * their language (worksheet PDFs, answer files, feedback, grading notes,
 * the drill) is a key of templates/LANG.conf, in tmpl.h's format, one file
 * per language; a translator adds a language by copying en.conf. Each file
 * is loaded once per process, when first asked for, from the directory
 * given to ion_text_set_dir (default "templates"), and kept until
 * ion_text_release. Strings hold {name} placeholders, never printf
 * formats. Lookups may come from several threads. */
#ifndef ION_TEXT_H
#define ION_TEXT_H

#include <stdarg.h>
#include <stddef.h>

#include "error.h"
#include "strbuf.h"
#include "tmpl.h"
#include "units.h"

/* Where the LANG.conf files are (copied). Call before the first lookup. */
void ion_text_set_dir(const char *dir);

/* The catalogue of lang ("en", "zh", ...), loaded on first use. NULL with
 * err filled (file and line) when it cannot be loaded; commands call this
 * first, so that a broken catalogue is an error rather than keys shown. */
const ion_tmpl *ion_text_catalogue(const char *lang, ion_error *err);

/* ---- the languages ----
 * A language is there when its catalogue is: a file LANG.conf in the
 * catalogue's directory, LANG of ASCII letters, digits, '-' and '_' (at
 * most 15, and 8 languages at most); "en" always, as every other is
 * checked against it. The directory is read once, when first asked. */

/* Language i by name (i from 0; NULL past the last). */
const char *ion_text_language_at(size_t i);

/* The language the first len bytes of s name, case aside, as the
 * directory spells it; NULL when there is none. For names from the
 * network: nothing but the list is read. */
const char *ion_text_language(const char *s, size_t len);

/* 1 when lang is a language there, spelt as its file is, else 0. */
int ion_text_language_ok(const char *lang);

/* The languages joined by ", " into out (cap bytes): "en, zh", for
 * messages. Returns out. */
const char *ion_text_languages(char *out, size_t cap);

/* The string for key in lang (NULL lang: "en"); the key itself when the
 * catalogue cannot be loaded, ion_tmpl_missing's (tmpl.h: an abort in
 * tests, "[[KEY]]" otherwise) when it has no such key. */
const char *ion_text_get(const char *lang, const char *key);

/* ---- plural forms ----
 * A string or message that holds a count has a form for each plural form
 * of the language (tmpl.h: KEY.one, KEY.other, ... as the language's
 * plural.rule declares); C never builds a plural itself. */

/* The key of the form of key that count n takes in lang (NULL: "en"):
 * "cli.bank.listed.one" for 1 in English, "cli.bank.listed.other" for
 * any count in Chinese; to pass to ion_text_get, ion_fail_key, cli_say,
 * ... (the catalogue's, kept until ion_text_release). key itself when
 * the catalogue has no such form. */
const char *ion_text_plural(const char *lang, const char *key, double n);

/* A counted phrase ("3 templates", "3 个模板"): the form for n of key, a
 * `count.` message taking the count alone (%zu), in lang, into out (cap
 * bytes), for a message with two counts, which takes each as a %s.
 * Returns out. */
const char *ion_text_count(const char *lang, const char *key, size_t n, char *out, size_t cap);

/* The gloss of an id in lang: the optional key PREFIX.ID ("topic.nernst",
 * "dim.voltage", "verdict.right"; a blank in the id is '_' in the key,
 * "dim.current_density"), else the id itself. */
const char *ion_text_gloss(const char *lang, const char *prefix, const char *id);

/* Copies key's string in lang to out (cap bytes, NUL-terminated when cap >
 * 0) with its {name}s filled from the name, value pairs that follow, ended
 * by NULL. Returns the length the whole text needs, like snprintf. */
size_t ion_text_fill(char *out, size_t cap, const char *lang, const char *key, ...);

/* The same, allocated (caller frees); NULL when out of memory. */
char *ion_text_format(const char *lang, const char *key, ...);
char *ion_text_vformat(const char *lang, const char *key, va_list ap);

/* Why an answer is not read as a number (units.h: a code and the text it
 * is about), in lang's words (the catalogue's reason.* strings). Returns
 * out. */
const char *ion_text_reason(const char *lang, const ion_reason *why, char *out, size_t cap);

/* Why a whole file was refused. The database keeps a stable code in no
 * language (the comment's, "pdf"; then its arguments, each after a tab),
 * that ion_text_refusal puts into words; the library names it so. */
typedef enum {
    ION_REFUSAL_NONE = 0,          /* not refused */
    ION_REFUSAL_NOT_UTF8,          /* not-utf8 */
    ION_REFUSAL_BINARY,            /* binary */
    ION_REFUSAL_NO_STUDENT,        /* no-student */
    ION_REFUSAL_NO_STUDENT_ATTR,   /* no-student-attr */
    ION_REFUSAL_EMPTY,             /* empty */
    ION_REFUSAL_TOO_LARGE,         /* too-large: max */
    ION_REFUSAL_BAD_ENCODING,      /* bad-encoding: code */
    ION_REFUSAL_CONVERT,           /* convert: code */
    ION_REFUSAL_GRADEBOOK,         /* gradebook */
    ION_REFUSAL_NO_COLUMNS,        /* no-columns */
    ION_REFUSAL_DOCTYPE,           /* doctype */
    ION_REFUSAL_OTHER_WORKSHEET,   /* other-worksheet: got, want */
    ION_REFUSAL_UNKNOWN_STUDENT,   /* unknown-student: id, worksheet */
    ION_REFUSAL_DOCX,              /* docx */
    ION_REFUSAL_OFFICE,            /* office */
    ION_REFUSAL_PDF,               /* pdf */
    ION_REFUSAL_RTF,               /* rtf */
    ION_REFUSAL_IMAGE,             /* image */
    ION_REFUSAL_UTF16_NO_BOM,      /* utf16-no-bom */
    ION_REFUSAL_HEADER_EMPTY,      /* header-empty: what */
    ION_REFUSAL_HEADER_TWICE,      /* header-twice: what, got, line, had */
    ION_REFUSAL_NO_STUDENT_COLUMN, /* no-student-column */
    ION_REFUSAL_NO_ROWS,           /* no-rows */
    ION_REFUSAL_NO_STUDENT_ID,     /* no-student-id */
    ION_REFUSAL_NOT_REGULAR,       /* not-regular */
    ION_REFUSAL_CANNOT_OPEN,       /* cannot-open */
    ION_REFUSAL_CANNOT_READ,       /* cannot-read */
    ION_REFUSAL_NOT_SUBMISSION,    /* not-submission: ns */
    ION_REFUSAL_SAID,              /* said: text (libxml2's or the system's words) */
    ION_REFUSAL_COUNT
} ion_refusal;

/* coded, the reason a whole file was refused as the grader records it
 * (a stable code, then its arguments each after a tab: "pdf",
 * "too-large\t1048576"; the database keeps it so), in lang's words from
 * the catalogue's reason.* strings. Anything else is copied as it is.
 * Returns out. */
const char *ion_text_refusal(const char *lang, const char *coded, char *out, size_t cap);

/* why, a refused file as the grader records it ("FILE: CODE"), with its
 * reason in lang (ion_text_refusal). Returns out. */
const char *ion_text_refused_file(const char *lang, const char *why, char *out, size_t cap);

/* Writes refusal why's code and its arguments (const char *, ended by
 * NULL) into coded as ion_text_refusal reads it, fills err with its words
 * in the library's language and returns -1. */
int ion_fail_refusal(ion_error *err, const char *file, int line, char *coded, size_t cap, ion_refusal why, ...);

/* ---- the command line's messages ----
 * Keys under `cli.` (tmpl.h) are printf formats. Every language has the
 * same ones as English, with the same argument types, or it does not load
 * (an error naming the file and line). */

/* The argument types of printf format fmt into sig (cap bytes), one letter
 * per argument in order ('i' int, 'u' unsigned, 'l' long, 'z' size_t, 'q'
 * long long, 'f' double, 's' string, ...; `%N$` puts it at N). 0, or -1
 * for a conversion a message may not use (%n, %ls, ...), both kinds of
 * argument reference, or too many arguments. */
int ion_text_signature(const char *fmt, char *sig, size_t cap);

/* The format of message key in lang (NULL: "en") for a caller that passes
 * the arguments of sig, a format of conversions alone ("%s%d"), which the
 * compiler checks the arguments against: lang's, else English's when
 * lang's takes other arguments; no such message is ion_tmpl_missing's
 * (tmpl.h: an abort in tests, "[[KEY]]" otherwise); NULL only when no
 * catalogue can be loaded. */
const char *ion_text_msg(const char *lang, const char *key, const char *sig);

/* The library's error messages: `err.` keys, printf formats as the
 * command line's. ion_fail_key is ion_fail (error.h) with the message of
 * key in the language set by ion_text_set_lang ("en" until then; set it
 * before threads start), sig naming its conversions as cli_msg's does
 * (cli.h), so that the compiler checks the arguments. Without a catalogue
 * the message is the key. */
void ion_text_set_lang(const char *lang);
/* That language ("en" until set): for ion_text_plural's and
 * ion_text_count's lang in the library. */
const char *ion_text_lang(void);
int ion_fail_key(ion_error *err, const char *file, int line, const char *key, const char *sig, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* The message of key in that same language into out (cap bytes), as
 * ion_fail_key fills its error: for the pieces of a message that are
 * themselves sentences. Returns the length, as snprintf. */
int ion_text_say(char *out, size_t cap, const char *key, const char *sig, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
int ion_text_vsay(char *out, size_t cap, const char *key, const char *sig, va_list ap);

/* The message key, which takes no arguments, in that same language: a
 * phrase that another message puts in its %s, such as bank.h's reasons
 * ("err.text.empty": "is empty"). The catalogue's string, kept until
 * ion_text_release; the key itself without a catalogue. */
const char *ion_text_phrase(const char *key);

/* Dimension d in words in that language ("a voltage (V)", "a quantity in
 * m^2 s"): err.dim.* with the dim.NAME glosses. */
void ion_text_dimension(ion_dimension d, char *out, size_t cap);

/* The compute core's error code (core.h) in words in that same language,
 * into out (cap bytes): err.core.NAME, NAME its ion_err_name ("a
 * concentration must be positive"). The core holds no text; whoever turns
 * its code into a message calls this. Returns out. */
const char *ion_text_core_error(int code, char *out, size_t cap);

/* Frees the loaded catalogues (at exit, for leak checkers). */
void ion_text_release(void);

/* ---- inline markup as plain text ----
 * For terminals and text files: <sup>/<sub> become Unicode super- and
 * subscripts where those exist ("[K⁺]ₒ", "Ca²⁺"), else '^'/'_' before the
 * text; <i>, <b> are dropped; &lt; &gt; &amp; are unescaped. */

/* Appends the plain text of markup to b. Returns 0, or -1 when b is out of
 * memory. */
int ion_markup_plain(const char *markup, ion_strbuf *b);

/* Collapses each run of blanks (space, tab, CR, LF) in s to one space and
 * drops those at both ends, in place: authored text wrapped over several
 * lines, on one. Returns s. */
char *ion_squeeze_blanks(char *s);

#endif
