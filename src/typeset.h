/* Inline typesetting: markup or plain UTF-8 -> positioned glyphs -> lines
 * of a given width.
 *
 * Knows nothing of libharu: the caller passes a callback that measures
 * encoded bytes in the standard fonts, so this module is testable on its
 * own; the other fonts are shaped by HarfBuzz through a fontset
 * (fontset.h).
 *
 * Each character goes to the first font that has it:
 *  1. Helvetica (regular, bold, oblique, bold-oblique) in WinAnsi encoding:
 *     ASCII, Latin-1, and the WinAnsi extras (– — ‘ ’ “ ” • … € ™ ...);
 *  2. Symbol: Greek letters, the true minus U+2212, ≤ ≥ ≈ ≠ ∞ → ...;
 *  3. CJK ideographs, kana, Hangul, CJK punctuation: the fontset's CJK font
 *     (WenQuanYi Micro Hei; bold is drawn with a stroke, ION_FONT_CJK_BOLD);
 *  4. anything else the fontset's DejaVu Sans (or Sans Bold) has: Greek
 *     with accents, Cyrillic, Vietnamese, Hebrew, Arabic, ...; then the
 *     CJK font for what only it has;
 *  5. otherwise '?' in Helvetica (emoji, ...): the line survives.
 * A word (text between spaces) with a character of step 4 is set in DejaVu
 * as a whole, so that "Nguyễn" or "Σοφία" do not mix fonts; a combining mark
 * goes with its letter. Runs of one embedded font are shaped by HarfBuzz:
 * glyphs are glyph ids of the fontset's subset (two bytes, big endian, for
 * the PDF's Identity-H encoding), with HarfBuzz's advances and mark
 * offsets, Arabic joining forms and ligatures.
 * U+2009 and U+202F (thin spaces) print as a narrow non-breaking space;
 * U+00A0 as a normal non-breaking space.
 *
 * Markup (ION_TS_MARKUP): <sub> <sup> <i> <b> nest (scripts shrink to 70%
 * per level and shift the baseline); <br/> (or <br>) forces a line break;
 * the entities &lt; &gt; &amp; &quot; &apos; &#N; &#xH; are decoded. Anything
 * else that looks like a tag (an unknown tag, a closing tag that does not
 * close the innermost open one, more than 8 nested tags) is SHOWN LITERALLY,
 * so an author sees the mistake on the page instead of losing the line;
 * tags still open at the end are closed silently. Invalid UTF-8 bytes print
 * as '?'. ion_ts_markup_check reports the first such problem for callers
 * that want to reject it instead (an importer).
 *
 * Direction: FriBidi's Unicode bidi algorithm gives each character of an
 * appended text its embedding level (paragraph left to right); HarfBuzz
 * shapes right-to-left runs as such, and ion_ts_break puts each line in
 * visual order (FriBidi's line reordering).
 *
 * Lines break at spaces, between CJK characters (not before closing or after
 * opening CJK punctuation), after '/' and after a hyphen between letters;
 * a word longer than the line is broken between characters. */
#ifndef ION_TYPESET_H
#define ION_TYPESET_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "fontset.h"

typedef enum {
    ION_FONT_REGULAR = 0, /* Helvetica, WinAnsiEncoding */
    ION_FONT_BOLD,        /* Helvetica-Bold */
    ION_FONT_ITALIC,      /* Helvetica-Oblique */
    ION_FONT_BOLD_ITALIC, /* Helvetica-BoldOblique */
    ION_FONT_SYMBOL,      /* Symbol, its built-in encoding */
    ION_FONT_CJK,         /* the fontset's CJK font: glyph ids */
    ION_FONT_CJK_BOLD,    /* the same font, drawn bold with a stroke */
    ION_FONT_SANS,        /* DejaVu Sans: glyph ids */
    ION_FONT_SANS_BOLD,   /* DejaVu Sans Bold: glyph ids */
    ION_FONT_COUNT
} ion_font;

/* Width of `len` encoded bytes in standard font `font` (Helvetica, Symbol),
 * in 1/1000 of the font size. */
typedef double (*ion_ts_measure_fn)(void *ctx, ion_font font,
                                    const unsigned char *bytes, size_t len);

/* One glyph, positioned by its advance. */
typedef struct {
    float width;          /* advance in points */
    float size;           /* font size in points */
    float rise;           /* baseline shift in points: > 0 up (sup), < 0 down;
                           * a mark's vertical offset included */
    float xoff;           /* drawn this far right of its pen position */
    uint32_t cp;          /* the first character of its cluster; 0 for the
                           * cluster's other glyphs */
    int li;               /* its index in reading order (ion_ts_break) */
    unsigned char font;   /* ion_font */
    unsigned char len;    /* encoded bytes: 1 or 2; 0 marks a forced break */
    unsigned char code[2];
    unsigned char flags;  /* ION_TS_G_* */
    unsigned char level;  /* bidi embedding level: odd is right to left */
} ion_ts_glyph;

enum {
    ION_TS_G_SPACE = 1,    /* a breakable space: dropped at line ends */
    ION_TS_G_BREAK = 2,    /* a line may break after this glyph */
    ION_TS_G_NOBREAK = 4,  /* no break before this glyph (closing punct.) */
    ION_TS_G_NEWLINE = 8,  /* a forced break after this glyph (zero width) */
};

typedef struct {
    int start, end;  /* glyphs [start, end) to draw, trailing spaces removed */
    double width;    /* their total advance in points */
} ion_ts_line;

/* A run of glyphs on one line sharing font, size and rise. */
typedef struct {
    int start, end;  /* glyph indices */
    ion_font font;
    double size, rise;
    double x;        /* offset from the line's start, points */
    double width;
} ion_ts_run;

/* A paragraph being built: a value struct, zero it or call ion_ts_text_init,
 * release with ion_ts_text_release; ion_ts_text_clear keeps the memory. */
typedef struct {
    ion_ts_glyph *g;
    int n, cap;
    ion_ts_line *lines;
    int nlines, lcap;
} ion_ts_text;

void ion_ts_text_init(ion_ts_text *t);
void ion_ts_text_clear(ion_ts_text *t);
void ion_ts_text_release(ion_ts_text *t);

/* A typesetter: the measuring callback, width caches and the fontset (a
 * sealed one, or NULL: no embedded fonts, their characters print '?';
 * the typesetter holds a reference). `ctx` is passed to `measure` and must
 * outlive the typesetter. */
typedef struct ion_ts ion_ts;
ion_ts *ion_ts_new(ion_ts_measure_fn measure, void *ctx, ion_fontset *fs,
                   ion_error *err);

/* Adds the characters of a text to an unsealed fontset, each marked with
 * whether the standard fonts draw it. 0, or -1 when out of memory. */
int ion_ts_collect(ion_fontset *fs, const char *utf8, int markup);
void ion_ts_free(ion_ts *ts);

/* Style flags for ion_ts_append. */
enum {
    ION_TS_MARKUP = 1, /* parse tags and entities; without it, plain text */
    ION_TS_BOLD = 2,
    ION_TS_ITALIC = 4,
};

/* Appends UTF-8 text at `size` points to t (NULL text appends nothing).
 * Fails only when out of memory. */
int ion_ts_append(ion_ts *ts, ion_ts_text *t, const char *utf8, double size,
                  int flags, ion_error *err);

/* Sum of all advances: the width of t set on one line. */
double ion_ts_width(const ion_ts_text *t);

/* Breaks t into lines of at most `width` points (a glyph wider than the line
 * still gets a line of its own). With max_lines > 0, text beyond that many
 * lines is cut and the last line ends in "…". Fills t->lines / t->nlines,
 * and puts each line in visual order (the glyphs' li keep reading order; a
 * second break, or an append, restores it first). */
int ion_ts_break(ion_ts *ts, ion_ts_text *t, double width, int max_lines,
                 ion_error *err);

/* Iterates the runs of a line: ion_ts_runs_begin(&run, line) and then
 * ion_ts_next_run(t, line, &run) until it returns 0; each run's x is its
 * offset from the line's start. */
void ion_ts_runs_begin(ion_ts_run *run, const ion_ts_line *line);
int ion_ts_next_run(const ion_ts_text *t, const ion_ts_line *line,
                    ion_ts_run *run);

/* Checks markup strictly: returns 0, or -1 with err naming the first unknown
 * or mismatched tag, unknown entity or invalid UTF-8 (err->line = 0). */
int ion_ts_markup_check(const char *markup, ion_error *err);

#endif
