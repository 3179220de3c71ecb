#include "utf8.h"

#include <string.h>

#include <utf8proc.h>

size_t ion_utf8_next(const char *s, size_t n, uint32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)(n < 4 ? n : 4), &c);
    if (len <= 0) {
        *cp = 0xFFFD;
        return 0;
    }
    *cp = (uint32_t)c;
    return (size_t)len;
}

size_t ion_utf8_put(uint32_t cp, char out[4])
{
    if (!utf8proc_codepoint_valid((utf8proc_int32_t)cp))
        return 0;
    return (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)out);
}

size_t ion_utf16_put(uint32_t cp, uint16_t out[2])
{
    if (cp > 0x10FFFF)
        cp = 0xFFFD;
    if (cp < 0x10000) {
        out[0] = (uint16_t)cp;
        return 1;
    }
    cp -= 0x10000;
    out[0] = (uint16_t)(0xD800 + (cp >> 10));
    out[1] = (uint16_t)(0xDC00 + (cp & 0x3FF));
    return 2;
}

size_t ion_utf8_invalid_at(const char *s, size_t n)
{
    uint32_t cp;
    size_t i = 0;
    for (size_t k; i < n; i += k)
        if ((unsigned char)s[i] < 0x80)
            k = 1; /* ASCII without a call: most of every file */
        else if (!(k = ion_utf8_next(s + i, n - i, &cp)))
            return i;
    return n;
}

static int continuation(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

size_t ion_utf8_cut(const char *s, size_t max)
{
    while (max > 0 && continuation(s[max]))
        max--;
    return max;
}

size_t ion_utf8_space(const char *s, size_t n)
{
    if (!n)
        return 0;
    if (*s == ' ' || *s == '\t')
        return 1;
    uint32_t cp;
    size_t len = (unsigned char)*s >= 0x80 ? ion_utf8_next(s, n, &cp) : 0;
    return len && utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_ZS ? len : 0;
}

int ion_utf8_cp_width(uint32_t cp)
{
    return utf8proc_charwidth((utf8proc_int32_t)cp);
}

int ion_utf8_width(const char *s)
{
    int cols = 0;
    for (size_t n = strlen(s), k; n > 0; s += k, n -= k) {
        uint32_t cp;
        k = ion_utf8_next(s, n, &cp);
        cols += k ? ion_utf8_cp_width(cp) : 1;
        k += !k;
    }
    return cols;
}

size_t ion_utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t k; n > 0; s += k, n -= k, count++) {
        uint32_t cp;
        k = ion_utf8_next(s, n, &cp);
        k += !k;
    }
    return count;
}

const char *ion_utf8_clip(const char *s, size_t n, char *out, size_t cap)
{
    size_t max = cap - 4, len = n <= max ? n : ion_utf8_cut(s, max);
    for (size_t i = 0; i < len; i++)
        out[i] = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
    if (len < n)
        memcpy(out + len, "...", 3), len += 3;
    out[len] = '\0';
    return out;
}
