#include "text.h"

#include <string.h>

/* The Unicode super- or subscript form of an ASCII character, or NULL. */
static const char *script_of(char c, int super)
{
    static const char *const sup_digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    static const char *const sub_digits[] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
    static const struct { char c; const char *sup, *sub; } other[] = {
        {'+', "⁺", "₊"}, {'-', "⁻", "₋"}, {'=', "⁼", "₌"}, {'(', "⁽", "₍"}, {')', "⁾", "₎"},
        {'a', "ᵃ", "ₐ"}, {'e', "ᵉ", "ₑ"}, {'o', "ᵒ", "ₒ"}, {'x', "ˣ", "ₓ"}, {'i', "ⁱ", "ᵢ"},
        {'n', "ⁿ", "ₙ"}, {'m', "ᵐ", "ₘ"}, {'k', "ᵏ", "ₖ"}, {'l', "ˡ", "ₗ"}, {'p', "ᵖ", "ₚ"},
        {'s', "ˢ", "ₛ"}, {'t', "ᵗ", "ₜ"}, {'h', "ʰ", "ₕ"}, {'r', "ʳ", "ᵣ"}, {'u', "ᵘ", "ᵤ"},
        {'v', "ᵛ", "ᵥ"}, {'j', "ʲ", "ⱼ"},
    };
    if (c >= '0' && c <= '9')
        return super ? sup_digits[c - '0'] : sub_digits[c - '0'];
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        if (other[i].c == c)
            return super ? other[i].sup : other[i].sub;
    return NULL;
}

/* A script run is converted whole or not at all: "Cl" as a subscript has
 * no subscript C, so it is written "_Cl" rather than half converted. */
static void put_script(const char *s, size_t n, int super, ion_strbuf *b)
{
    int all = n > 0;
    for (size_t i = 0; i < n && all; i++)
        all = script_of(s[i], super) != NULL;
    if (!all) {
        ion_strbuf_puts(b, super ? "^" : "_");
        ion_strbuf_add(b, s, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        ion_strbuf_puts(b, script_of(s[i], super));
}

static void put_unescaped(const char *s, size_t n, ion_strbuf *b)
{
    static const struct { const char *ent, *ch; } ents[] = {{"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
    while (n) {
        const char *amp = memchr(s, '&', n);
        size_t run = amp ? (size_t)(amp - s) : n;
        ion_strbuf_add(b, s, run);
        s += run;
        n -= run;
        if (!n)
            break;
        size_t k = 0, elen = 1;
        for (; k < 3; k++) {
            elen = strlen(ents[k].ent);
            if (elen <= n && !memcmp(s, ents[k].ent, elen))
                break;
        }
        ion_strbuf_add(b, k < 3 ? ents[k].ch : s, 1);
        if (k == 3)
            elen = 1;
        s += elen;
        n -= elen;
    }
}

int ion_markup_plain(const char *markup, ion_strbuf *b)
{
    const char *s = markup ? markup : "";
    ion_strbuf_add(b, "", 0);
    while (*s) {
        const char *lt = strchr(s, '<');
        if (!lt) {
            put_unescaped(s, strlen(s), b);
            break;
        }
        put_unescaped(s, (size_t)(lt - s), b);
        int super = !strncmp(lt, "<sup>", 5), sub = !strncmp(lt, "<sub>", 5);
        if (super || sub) {
            /* Scripts hold plain text (nested tags are dropped). */
            const char *end = strstr(lt, super ? "</sup>" : "</sub>");
            if (!end)
                end = lt + strlen(lt);
            char tmp[128];
            size_t n = 0;
            for (const char *p = lt + 5; p < end && n < sizeof tmp - 1; p++) {
                if (*p == '<') {
                    p = strchr(p, '>');
                    if (!p)
                        break;
                    continue;
                }
                if (!strncmp(p, "\xe2\x88\x92", 3)) { /* U+2212 minus */
                    tmp[n++] = '-';
                    p += 2;
                    continue;
                }
                tmp[n++] = *p;
            }
            put_script(tmp, n, super, b);
            s = *end ? end + 6 : end;
        } else {
            const char *gt = strchr(lt, '>');
            s = gt ? gt + 1 : lt + strlen(lt);
        }
    }
    return b->oom ? -1 : 0;
}

char *ion_squeeze_blanks(char *s)
{
    char *d = s;
    for (const char *c = s; *c; c++) {
        int blank = *c == ' ' || *c == '\n' || *c == '\t' || *c == '\r';
        if (blank && (d == s || d[-1] == ' '))
            continue;
        *d++ = blank ? ' ' : *c;
    }
    while (d > s && d[-1] == ' ')
        d--;
    *d = '\0';
    return s;
}
