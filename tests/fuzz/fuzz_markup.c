/* The one reader of the inline markup (markup.h) and the two writers that
 * have no fuzz target of their own: the web's HTML (ion_html_markup,
 * serve_html.h, a public server's page) and plain text (ion_markup_plain,
 * text.h). Promises checked: every token reads at least one byte and no more
 * than are left; a character is a Unicode scalar, and one written as an
 * entity a character a page may hold; the HTML is valid UTF-8 whose every
 * '<' starts a tag of the markup, balanced, and every '&' an entity the
 * reader accepts (so no &#0; or surrogate reaches a browser), with no raw
 * quote; the plain text is valid UTF-8. */
#include "fuzz.h"
#include "markup.h"
#include "serve_html.h"
#include "text.h"
#include "utf8.h"

static void check_tokens(const char *s, int markup)
{
    size_t n = strlen(s);
    while (n > 0) {
        ion_mk_token t;
        ion_markup_next(s, n, markup, &t);
        FUZZ_CHECK(t.len >= 1 && t.len <= n);
        if (t.kind == ION_MK_CHAR) {
            char u[4];
            FUZZ_CHECK(ion_utf8_put(t.cp, u) > 0);
            FUZZ_CHECK(!t.entity || (markup && *s == '&' && s[t.len - 1] == ';'));
            FUZZ_CHECK(!t.entity || t.cp >= 0x20 || t.cp == '\t' || t.cp == '\n' || t.cp == '\r');
        }
        FUZZ_CHECK(t.kind != ION_MK_BAD_UTF8 || t.len == 1);
        s += t.len;
        n -= t.len;
    }
}

static void check_html(const char *h, size_t len)
{
    FUZZ_CHECK(ion_utf8_invalid_at(h, len) == len);
    FUZZ_CHECK(!memchr(h, '"', len) && !memchr(h, '\'', len));
    ion_mk_tag open[64];
    int depth = 0;
    for (size_t n = len; n > 0;) {
        ion_mk_token t;
        ion_markup_next(h, n, 1, &t);
        FUZZ_CHECK(t.kind != ION_MK_BAD_TAG && t.kind != ION_MK_BAD_ENT && t.kind != ION_MK_BAD_UTF8);
        FUZZ_CHECK(t.kind != ION_MK_BR || !strncmp(h, "<br>", 4));
        if (t.kind == ION_MK_OPEN) {
            FUZZ_CHECK(depth < 64);
            open[depth++] = t.tag;
        } else if (t.kind == ION_MK_CLOSE) {
            FUZZ_CHECK(depth > 0 && open[depth - 1] == t.tag);
            depth--;
        }
        h += t.len;
        n -= t.len;
    }
    FUZZ_CHECK(depth == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    check_tokens(text, 1);
    check_tokens(text, 0);

    ion_strbuf b = {0};
    ion_html_markup(&b, text);
    FUZZ_CHECK(!b.oom);
    check_html(b.s ? b.s : "", b.len);
    free(b.s);

    ion_strbuf p = {0};
    FUZZ_CHECK(ion_markup_plain(text, &p) == 0);
    FUZZ_CHECK(ion_utf8_invalid_at(p.s, p.len) == p.len);
    free(p.s);
    free(text);
    return 0;
}
