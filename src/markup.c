/* The one reader of the inline markup (markup.h). */
#include "markup.h"

#include <string.h>

#include "utf8.h"

static const char *const tag_names[] = {"sub", "sup", "i", "b"};

const char *ion_markup_tag_name(ion_mk_tag tag)
{
    return tag_names[tag];
}

static const struct {
    const char *text;
    ion_mk_kind kind;
    ion_mk_tag tag;
} tags[] = {
    {"<sub>", ION_MK_OPEN, ION_TAG_SUB}, {"</sub>", ION_MK_CLOSE, ION_TAG_SUB},
    {"<sup>", ION_MK_OPEN, ION_TAG_SUP}, {"</sup>", ION_MK_CLOSE, ION_TAG_SUP},
    {"<i>", ION_MK_OPEN, ION_TAG_I},     {"</i>", ION_MK_CLOSE, ION_TAG_I},
    {"<b>", ION_MK_OPEN, ION_TAG_B},     {"</b>", ION_MK_CLOSE, ION_TAG_B},
    {"<br/>", ION_MK_BR, ION_TAG_SUB},   {"<br />", ION_MK_BR, ION_TAG_SUB},
    {"<br>", ION_MK_BR, ION_TAG_SUB},
};

/* A character a document may hold (XML 1.0's Char without the
 * discouraged controls and noncharacters, which HTML also refuses). */
static int allowed(uint32_t v)
{
    if (v == '\t' || v == '\n' || v == '\r')
        return 1;
    if (v < 0x20 || (v >= 0x7F && v <= 0x9F) || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
        return 0;
    return !(v >= 0xFDD0 && v <= 0xFDEF) && (v & 0xFFFE) != 0xFFFE;
}

/* The entity at s ('&'): its length and *cp, or 0 when it is none. */
static size_t entity(const char *s, uint32_t *cp)
{
    static const struct {
        const char *name;
        uint32_t cp;
    } named[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (size_t i = 0; i < sizeof named / sizeof *named; i++) {
        size_t n = strlen(named[i].name);
        if (strncmp(s, named[i].name, n) == 0) {
            *cp = named[i].cp;
            return n;
        }
    }
    if (s[1] != '#')
        return 0;
    int hex = s[2] == 'x' || s[2] == 'X';
    const char *p = s + 2 + hex;
    uint32_t v = 0;
    int digits = 0;
    for (;; p++, digits++) {
        int d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (hex && *p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (hex && *p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else
            break;
        v = v * (hex ? 16 : 10) + (uint32_t)d;
        if (v > 0x10FFFF)
            return 0;
    }
    if (*p != ';' || digits == 0 || !allowed(v))
        return 0;
    *cp = v;
    return (size_t)(p + 1 - s);
}

void ion_markup_next(const char *s, size_t n, int markup, ion_mk_token *tok)
{
    tok->tag = ION_TAG_SUB;
    tok->entity = 0;
    if (markup && *s == '<') {
        for (size_t i = 0; i < sizeof tags / sizeof *tags; i++) {
            size_t tl = strlen(tags[i].text);
            if (tl <= n && memcmp(s, tags[i].text, tl) == 0) {
                tok->kind = tags[i].kind;
                tok->tag = tags[i].tag;
                tok->len = tl;
                return;
            }
        }
        tok->kind = ION_MK_BAD_TAG;
        tok->cp = '<';
        tok->len = 1;
        return;
    }
    if (markup && *s == '&') {
        tok->len = entity(s, &tok->cp);
        tok->entity = tok->len > 0;
        tok->kind = tok->len ? ION_MK_CHAR : ION_MK_BAD_ENT;
        if (!tok->len) {
            tok->cp = '&';
            tok->len = 1;
        }
        return;
    }
    tok->len = ion_utf8_next(s, n, &tok->cp);
    tok->kind = tok->len ? ION_MK_CHAR : ION_MK_BAD_UTF8;
    tok->len += !tok->len;
}
