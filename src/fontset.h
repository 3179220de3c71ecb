/* The fonts a PDF embeds, subset with HarfBuzz's hb-subset, and shaping
 * with HarfBuzz.
 *
 * The PDF's standard 14 fonts (Helvetica, Symbol) draw Latin-1 and the
 * Greek and mathematical signs of units; every reader has them, so they are
 * not embedded. Everything else is drawn with a TrueType font embedded as a
 * subset:
 *  - ION_EMB_CJK: WenQuanYi Micro Hei (Debian fonts-wqy-microhei): all of
 *    GB 2312, the common Hanzi beyond it, kana and every Hangul syllable,
 *    sans serif like Helvetica; no bold, so bold is drawn with a stroke;
 *  - ION_EMB_SANS, ION_EMB_SANS_BOLD: DejaVu Sans and DejaVu Sans Bold
 *    (fonts-dejavu-core): Greek, Cyrillic, Latin Extended (Vietnamese),
 *    Hebrew, Arabic, Armenian, Georgian, IPA, ...
 *
 * A fontset collects the characters a run will draw (every text of the
 * worksheet's templates, the labels, every name), then is sealed: each font
 * is subset once to the characters it will draw (HarfBuzz keeps the glyphs
 * its substitutions reach, such as Arabic joining forms), and the subset is
 * what text is shaped with and what every document embeds, so glyph ids
 * agree and the cost per student stays flat. A character not collected
 * before sealing is not in the subsets: the typesetter then prints '?'.
 *
 * One fontset serves many documents (reference counted). Errors: functions
 * return 0 (or a pointer) on success, -1 (or NULL) with err filled. */
#ifndef ION_FONTSET_H
#define ION_FONTSET_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef enum { ION_EMB_CJK, ION_EMB_SANS, ION_EMB_SANS_BOLD, ION_EMB_COUNT } ion_emb;

typedef struct ion_fontset ion_fontset;

ion_fontset *ion_fontset_new(ion_error *err);
ion_fontset *ion_fontset_ref(ion_fontset *fs);
void ion_fontset_free(ion_fontset *fs); /* drops one reference */

/* Collects one character; `standard` says the standard fonts draw it (the
 * typesetter's choice, ion_ts_collect). Before sealing only. */
int ion_fontset_add(ion_fontset *fs, uint32_t cp, int standard);

/* Builds the subsets. Fonts that are not installed are left out (their
 * characters print as '?'); that is not an error. Sealing twice is a no-op. */
int ion_fontset_seal(ion_fontset *fs, ion_error *err);
int ion_fontset_sealed(const ion_fontset *fs);

/* Ends a collection: fs sealed, or NULL with fs freed when collecting it
 * failed (`failed`: out of memory, said in err) or sealing does. */
ion_fontset *ion_fontset_seal_or_free(ion_fontset *fs, int failed, ion_error *err);

/* Marks the characters collected so far as shared by every document (the
 * texts and labels, before the students' names): ion_fontset_narrow
 * keeps them. Before sealing, once. */
int ion_fontset_mark_shared(ion_fontset *fs);

/* Whether sealed font f has a glyph for cp. */
int ion_fontset_has(const ion_fontset *fs, ion_emb f, uint32_t cp);

/* CJK ideographs, kana, Hangul, CJK punctuation and full-width forms: the
 * characters the CJK font draws first. */
int ion_fontset_is_cjk(uint32_t cp);

/* One shaped glyph; lengths in 1/1000 of the font size. */
typedef struct {
    uint16_t gid;
    float advance, xoff, yoff;
    int first; /* index (in the input) of the first character of its
                * cluster when this is the cluster's first glyph, else -1 */
} ion_shaped;

/* Shapes cp[0..n) in font f, right to left when rtl. The glyphs come in
 * logical order (a right-to-left run's visual order reversed); *out (size
 * *cap, grown with realloc) receives them; returns their number or -1. */
int ion_fontset_shape(ion_fontset *fs, ion_emb f, const uint32_t *cp, int n,
                      int rtl, ion_shaped **out, int *cap);

/* What a PDF needs of sealed font f; NULL when it has no subset. */
typedef struct {
    const char *name;            /* "ABCDEF+WenQuanYiMicroHei" */
    const unsigned char *z;      /* the subset font program, deflated */
    size_t zlen, len;            /* ... and its length before */
    unsigned nglyphs;
    const uint16_t *width;       /* per glyph, 1/1000 em */
    int default_width;           /* the commonest width */
    int ascent, descent, cap_height, bbox[4]; /* 1/1000 em */
    int bold;                    /* the font's own bold */
} ion_emb_font;
const ion_emb_font *ion_fontset_font(const ion_fontset *fs, ion_emb f);

/* Font f's subset cut down to the shared characters and those of utf8
 * (one student's name and id), for a document that prints no others: the
 * same glyph ids and widths (the same pages draw with it), the glyphs of
 * other characters empty. NULL when that would keep every glyph of the
 * subset (nothing was collected after the shared characters, or none of it
 * is drawn with f), or out of memory: then the whole subset serves. One
 * block: free() it. */
ion_emb_font *ion_fontset_narrow(const ion_fontset *fs, ion_emb f, const char *utf8);

/* The ToUnicode CMap of font f, deflated: each glyph drawn so far (and each
 * one the font maps a character to) to its characters. Made again only when
 * shaping learned a glyph since; valid until the next call. */
int ion_fontset_to_unicode(ion_fontset *fs, ion_emb f,
                           const unsigned char **z, size_t *zlen);

#endif
