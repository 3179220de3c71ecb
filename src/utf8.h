/* UTF-8, the one encoding of every text ionsheet reads and writes: one
 * character at a time, validation, cutting at a character boundary and
 * the columns a text takes on a terminal. A thin layer over utf8proc
 * (Debian libutf8proc): it rejects overlong forms, surrogates and code
 * points past U+10FFFF, and knows East Asian widths and the Unicode
 * categories. */
#ifndef ION_UTF8_H
#define ION_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The character at s (n > 0 bytes left): returns its length in bytes and
 * sets *cp; returns 0 (and *cp = U+FFFD) when the bytes there are not valid
 * UTF-8 or the character is cut short by n. */
size_t ion_utf8_next(const char *s, size_t n, uint32_t *cp);

/* Writes cp as UTF-8 to out (room for 4 bytes, no NUL); returns the length,
 * 0 for a value that is not a Unicode scalar. */
size_t ion_utf8_put(uint32_t cp, char out[4]);

/* Writes cp as UTF-16 to out: one unit, or a surrogate pair past U+FFFF
 * (U+FFFD past U+10FFFF); returns how many (PDF text strings, ToUnicode
 * maps). */
size_t ion_utf16_put(uint32_t cp, uint16_t out[2]);

/* The offset of the first byte of s[0..n) that does not start a valid
 * character, or n when all of it is valid UTF-8. */
size_t ion_utf8_invalid_at(const char *s, size_t n);

/* The largest length <= max at which s (at least max bytes, or NUL-ended
 * before) can be cut without splitting a character. */
size_t ion_utf8_cut(const char *s, size_t max);

/* The length of a blank at s (n bytes left): space, tab or any Unicode space
 * separator (no-break, thin, narrow no-break, ideographic...); 0 for none. */
size_t ion_utf8_space(const char *s, size_t n);

/* Columns the character cp takes on a terminal: 2 for East Asian wide and
 * full-width ones, 0 for combining marks, else 1. */
int ion_utf8_cp_width(uint32_t cp);

/* Columns the NUL-ended s takes on a terminal; an invalid byte counts 1. */
int ion_utf8_width(const char *s);

/* Characters (code points) in s[0..n); an invalid byte counts as one. */
size_t ion_utf8_count(const char *s, size_t n);

/* s[0..n) made fit for a one-line message in out (cap > 4 bytes):
 * control characters as spaces, cut at a character boundary with "..."
 * when longer than cap - 4 bytes. Returns out. */
const char *ion_utf8_clip(const char *s, size_t n, char *out, size_t cap);

#endif
