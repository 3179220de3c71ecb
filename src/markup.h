/* The bank's inline markup (template.h: UTF-8 text with <sub>, <sup>, <i>,
 * <b>, <br/> and the entities &lt; &gt; &amp; &quot; &apos; &#N; &#xH;) read
 * one token at a time: the one reader of it for the typesetter, the web
 * pages and plain text. An entity names a character a document may hold
 * (not NUL, a surrogate, a code point past U+10FFFF, a control other than
 * tab, line feed and carriage return, nor a noncharacter), else its '&' is
 * text; a '<' that starts no known tag is text. */
#ifndef ION_MARKUP_H
#define ION_MARKUP_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    ION_MK_CHAR,     /* cp, from the text or from an entity (entity = 1) */
    ION_MK_OPEN,     /* tag */
    ION_MK_CLOSE,    /* tag */
    ION_MK_BR,       /* <br/>, <br /> or <br> */
    ION_MK_BAD_TAG,  /* a '<' that starts no known tag: cp = '<' */
    ION_MK_BAD_ENT,  /* a '&' that starts no entity: cp = '&' */
    ION_MK_BAD_UTF8  /* a byte that is not valid UTF-8: cp = U+FFFD */
} ion_mk_kind;

typedef enum { ION_TAG_SUB, ION_TAG_SUP, ION_TAG_I, ION_TAG_B } ion_mk_tag;

typedef struct {
    ion_mk_kind kind;
    uint32_t cp;
    ion_mk_tag tag;
    int entity;  /* the character was written as an entity */
    size_t len;  /* bytes read, at least 1 */
} ion_mk_token;

/* The tag's name ("sub", "sup", "i", "b"). */
const char *ion_markup_tag_name(ion_mk_tag tag);

/* Reads the token at s (n > 0 bytes left, NUL-ended) into tok. With
 * markup = 0 the text is plain: every '<' and '&' is a character. */
void ion_markup_next(const char *s, size_t n, int markup, ion_mk_token *tok);

#endif
