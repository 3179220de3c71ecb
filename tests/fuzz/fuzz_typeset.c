/* The typesetter and its markup reader (typeset.h): ion_ts_markup_check,
 * then the text appended as markup and as plain text with a fontset of the
 * real fonts (HarfBuzz shaping, FriBidi levels), broken into lines at a
 * width and line count taken from the input's first byte, broken again (the
 * reading order comes back), and its runs walked. Promises checked: a
 * refusal says why; glyphs are well formed (one or two bytes, or a forced
 * break); lines are in order, within the text, no wider than asked unless
 * they hold one glyph, at most max_lines; each line is a permutation of its
 * glyphs in reading order; runs tile their line. */
#include "fuzz.h"
#include "typeset.h"

static double measure(void *ctx, ion_font f, const unsigned char *b, size_t n)
{
    (void)ctx;
    (void)b;
    return f == ION_FONT_SYMBOL ? 600.0 * (double)n : 500.0 * (double)n;
}

static ion_fontset *fonts(void)
{
    static ion_fontset *fs;
    if (!fs) {
        /* every script the typesetter knows, so the embedded fonts are used */
        static const char chars[] =
            "Nguyễn Thị Hương 王小明 钾离子，。（） 김민준 محمد عبد الله דוד כהן "
            "Σοφία Анна e\xcc\x82\xcc\x83 \xd8\xa8\xd9\x8e 0123456789 abcdefghijklmnopqrstuvwxyz";
        ion_error err = {0};
        fs = fuzz_need(ion_fontset_new(&err), &err, "fontset");
        if (ion_ts_collect(fs, chars, 0) || ion_fontset_seal(fs, &err))
            fuzz_need(NULL, &err, "fontset seal");
    }
    return fs;
}

static void check_lines(const ion_ts_text *t, double width, int max_lines)
{
    for (int i = 0; i < t->n; i++) {
        const ion_ts_glyph *g = &t->g[i];
        FUZZ_CHECK(g->len <= 2);
        FUZZ_CHECK(g->len > 0 || (g->flags & ION_TS_G_NEWLINE));
        FUZZ_CHECK(g->font < ION_FONT_COUNT);
        FUZZ_CHECK(g->width >= 0 || g->font > ION_FONT_SYMBOL); /* kerning may be negative */
    }
    FUZZ_CHECK(max_lines == 0 || t->nlines <= max_lines);
    for (int l = 0; l < t->nlines; l++) {
        const ion_ts_line *ln = &t->lines[l];
        FUZZ_CHECK(ln->start >= 0 && ln->start <= ln->end && ln->end <= t->n);
        FUZZ_CHECK(l == 0 || ln->start >= t->lines[l - 1].end);
        FUZZ_CHECK(ln->width <= width + 1e-6 || ln->end - ln->start <= 1 ||
                   max_lines > 0); /* an ellipsis may sit on a one-glyph line */
        /* visual order: a permutation of [start, end) */
        unsigned char seen[4096] = {0};
        if (ln->end - ln->start <= (int)sizeof seen)
            for (int k = ln->start; k < ln->end; k++) {
                int li = t->g[k].li - ln->start;
                FUZZ_CHECK(li >= 0 && li < ln->end - ln->start && !seen[li]);
                seen[li] = 1;
            }
        ion_ts_run r;
        ion_ts_runs_begin(&r, ln);
        int at = ln->start;
        while (ion_ts_next_run(t, ln, &r)) {
            FUZZ_CHECK(r.start == at && r.end > r.start && r.end <= ln->end);
            at = r.end;
        }
        FUZZ_CHECK(at == ln->end || ln->start == ln->end);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static ion_ts *ts;
    ion_error err = {0};
    if (!ts)
        ts = fuzz_need(ion_ts_new(measure, NULL, fonts(), &err), &err, "typesetter");
    double width = 1 + data[0] % 64 * 8;
    int max_lines = data[0] >> 6;
    char *text = fuzz_cstr(data + 1, size - 1);

    if (ion_ts_markup_check(text, &err) != 0)
        fuzz_check_error(&err);
    ion_ts_text t;
    ion_ts_text_init(&t);
    for (int markup = 0; markup < 2; markup++) {
        ion_ts_text_clear(&t);
        FUZZ_CHECK(ion_ts_append(ts, &t, text, 10, markup ? ION_TS_MARKUP : ION_TS_BOLD, &err) == 0);
        FUZZ_CHECK(ion_ts_append(ts, &t, " · ", 8, 0, &err) == 0);
        FUZZ_CHECK(ion_ts_break(ts, &t, width, max_lines, &err) == 0);
        check_lines(&t, width, max_lines);
        FUZZ_CHECK(ion_ts_break(ts, &t, width * 2, 0, &err) == 0);
        check_lines(&t, width * 2, 0);
    }
    ion_ts_text_release(&t);
    free(text);
    return 0;
}
