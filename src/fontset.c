#include "fontset.h"
#include "text.h"

#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "strbuf.h"
#include "utf8.h"

/* Where Debian installs them (the Makefile's DEB_PACKAGES). */
static const struct {
    const char *path;
    int bold;
} font_file[ION_EMB_COUNT] = {
    {"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0},
    {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0},
    {"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 1},
};

#ifndef NARROW_LEVEL
#define NARROW_LEVEL 1
#endif
enum { UNI_MAX = 3 }; /* characters a glyph stands for in ToUnicode */

typedef struct {
    hb_face_t *full;  /* the installed font, while sealing */
    int missing;      /* it is not installed */
    hb_face_t *face;  /* the subset, shaped with and embedded */
    hb_font_t *font;
    unsigned upem;
    ion_emb_font pdf;
    char name[80];
    unsigned char *z;
    uint16_t *width;
    uint32_t *uni;    /* UNI_MAX per glyph, 0-padded */
    int uni_dirty;    /* a glyph learned since the CMap was made */
    int narrow;       /* worth cutting down for one student's document */
    ion_strbuf cmap_z;
} emb;

struct ion_fontset {
    int refs, sealed;
    hb_set_t *all, *nonstd; /* collected; those the standard fonts lack */
    hb_set_t *shared;       /* collected before ion_fontset_mark_shared */
    emb f[ION_EMB_COUNT];
    hb_buffer_t *buf;
};

ion_fontset *ion_fontset_new(ion_error *err)
{
    ion_fontset *fs = calloc(1, sizeof *fs);
    if (!fs || !(fs->all = hb_set_create()) || !(fs->nonstd = hb_set_create()) ||
        !(fs->buf = hb_buffer_create()) || !hb_buffer_allocation_successful(fs->buf)) {
        ion_fontset_free(fs);
        ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        return NULL;
    }
    fs->refs = 1;
    return fs;
}

ion_fontset *ion_fontset_ref(ion_fontset *fs)
{
    if (fs)
        fs->refs++;
    return fs;
}

void ion_fontset_free(ion_fontset *fs)
{
    if (!fs || --fs->refs > 0)
        return;
    for (int i = 0; i < ION_EMB_COUNT; i++) {
        emb *e = &fs->f[i];
        hb_font_destroy(e->font);
        hb_face_destroy(e->face);
        free(e->z);
        free(e->width);
        free(e->uni);
        ion_strbuf_release(&e->cmap_z);
    }
    hb_set_destroy(fs->all);
    hb_set_destroy(fs->nonstd);
    hb_set_destroy(fs->shared);
    hb_buffer_destroy(fs->buf);
    free(fs);
}

int ion_fontset_add(ion_fontset *fs, uint32_t cp, int standard)
{
    if (fs->sealed)
        return -1;
    hb_set_add(fs->all, cp);
    if (!standard)
        hb_set_add(fs->nonstd, cp);
    return hb_set_allocation_successful(fs->all) &&
                   hb_set_allocation_successful(fs->nonstd)
               ? 0
               : -1;
}

int ion_fontset_sealed(const ion_fontset *fs) { return fs->sealed; }

int ion_fontset_mark_shared(ion_fontset *fs)
{
    if (fs->sealed || fs->shared)
        return -1;
    fs->shared = hb_set_copy(fs->all);
    return hb_set_allocation_successful(fs->shared) ? 0 : -1;
}

int ion_fontset_is_cjk(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x11FF) ||  /* Hangul jamo */
           (cp >= 0x2E80 && cp <= 0x9FFF) ||  /* radicals ... CJK ideographs */
           (cp >= 0xA960 && cp <= 0xA97F) ||  /* Hangul jamo extended */
           (cp >= 0xAC00 && cp <= 0xD7FF) ||  /* Hangul syllables */
           (cp >= 0xF900 && cp <= 0xFAFF) ||  /* compatibility ideographs */
           (cp >= 0xFE30 && cp <= 0xFE4F) ||  /* CJK compatibility forms */
           (cp >= 0xFF00 && cp <= 0xFFEF) ||  /* full- and half-width forms */
           (cp >= 0x20000 && cp <= 0x3FFFF);  /* supplementary ideographs */
}

static int face_has(hb_face_t *face, hb_font_t **font, uint32_t cp)
{
    hb_codepoint_t g;
    if (!*font)
        *font = hb_font_create(face);
    return hb_font_get_nominal_glyph(*font, cp, &g);
}

int ion_fontset_has(const ion_fontset *fs, ion_emb f, uint32_t cp)
{
    hb_codepoint_t g;
    return fs->f[f].font && hb_font_get_nominal_glyph(fs->f[f].font, cp, &g) && g != 0;
}

/* Deflates n bytes into a malloc'ed block. */
static unsigned char *deflate_bytes(const void *s, size_t n, size_t *zlen, int level)
{
    uLongf cap = compressBound((uLong)n);
    unsigned char *z = malloc(cap);
    if (z && compress2(z, &cap, s, (uLong)n, level) != Z_OK) {
        free(z);
        return NULL;
    }
    *zlen = cap;
    return z;
}

static int to_milli(const emb *e, hb_position_t v)
{
    double m = v * 1000.0 / e->upem;
    return (int)(m < 0 ? m - 0.5 : m + 0.5);
}

static int16_t be16(const char *p)
{
    return (int16_t)((unsigned char)p[0] << 8 | (unsigned char)p[1]);
}

/* The PostScript name, the metrics, the widths and the characters of each
 * glyph of e's subset, and the subset deflated. */
static int describe(emb *e, hb_blob_t *blob)
{
    e->face = hb_face_create(blob, 0);
    e->font = hb_font_create(e->face);
    e->upem = hb_face_get_upem(e->face);
    unsigned n = hb_face_get_glyph_count(e->face);
    if (!e->font || n == 0 || e->upem == 0)
        return -1;
    unsigned len;
    const char *data = hb_blob_get_data(blob, &len);
    e->z = deflate_bytes(data, len, &e->pdf.zlen, 6);
    e->width = calloc(n, sizeof *e->width);
    e->uni = calloc((size_t)n * UNI_MAX, sizeof *e->uni);
    if (!e->z || !e->width || !e->uni)
        return -1;
    e->pdf.len = len;
    e->pdf.nglyphs = n;

    /* the commonest width is the default, listed once */
    int best = 0, best_count = 0;
    for (unsigned g = 0; g < n; g++) {
        int w = to_milli(e, hb_font_get_glyph_h_advance(e->font, g));
        e->width[g] = (uint16_t)(w < 0 ? 0 : w > 65535 ? 65535 : w);
    }
    for (unsigned g = 0; g < n && best_count < (int)n / 2 + 1; g++) {
        int count = 0;
        for (unsigned k = g; k < n; k++)
            count += e->width[k] == e->width[g];
        if (count > best_count)
            best = e->width[g], best_count = count;
    }
    e->pdf.default_width = best;

    hb_position_t v;
    e->pdf.ascent = hb_ot_metrics_get_position(e->font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &v) ? to_milli(e, v) : 880;
    e->pdf.descent = hb_ot_metrics_get_position(e->font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &v) ? to_milli(e, v) : -120;
    e->pdf.cap_height = hb_ot_metrics_get_position(e->font, HB_OT_METRICS_TAG_CAP_HEIGHT, &v) ? to_milli(e, v) : 700;
    hb_blob_t *head = hb_face_reference_table(e->face, HB_TAG('h', 'e', 'a', 'd'));
    unsigned hl;
    const char *h = hb_blob_get_data(head, &hl);
    for (int i = 0; i < 4; i++)
        e->pdf.bbox[i] = hl >= 54 ? to_milli(e, be16(h + 36 + 2 * i)) : (i < 2 ? 0 : 1000);
    hb_blob_destroy(head);

    /* each glyph the cmap reaches stands for its character */
    hb_set_t *cps = hb_set_create();
    hb_face_collect_unicodes(e->face, cps);
    for (hb_codepoint_t cp = HB_SET_VALUE_INVALID; hb_set_next(cps, &cp);) {
        hb_codepoint_t g;
        if (hb_font_get_nominal_glyph(e->font, cp, &g) && g < n && !e->uni[g * UNI_MAX])
            e->uni[g * UNI_MAX] = cp;
    }
    hb_set_destroy(cps);
    e->uni_dirty = 1;

    /* a subset's name starts with a tag of six capitals (ISO 32000 9.6.4),
     * here from the glyphs kept, so equal subsets get equal names */
    char ps[64] = "Font";
    unsigned pl = sizeof ps;
    hb_ot_name_get_utf8(e->face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &pl, ps);
    if (!ps[0])
        strcpy(ps, "Font");
    for (char *c = ps; *c; c++) /* a PDF name: no delimiters, no spaces */
        if (*c <= ' ' || *c >= 127 || strchr("()<>[]{}/%#", *c))
            *c = '-';
    uLong crc = crc32(0L, e->z, (uInt)e->pdf.zlen);
    for (int i = 0; i < 6; i++, crc /= 26)
        e->name[i] = (char)('A' + crc % 26);
    snprintf(e->name + 6, sizeof e->name - 6, "+%s", ps);
    e->pdf.name = e->name;
    e->pdf.z = e->z;
    e->pdf.width = e->width;
    return 0;
}

/* The subset of font e for the characters in cps; 0 when there is nothing
 * to keep. */
static int subset(emb *e, const hb_set_t *cps)
{
    if (hb_set_is_empty(cps))
        return 0;
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return -1;
    hb_set_union(hb_subset_input_unicode_set(in), cps);
    /* no hinting: PDF readers scale the outlines themselves */
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    hb_face_t *sub = hb_subset_or_fail(e->full, in);
    hb_subset_input_destroy(in);
    if (!sub)
        return -1;
    hb_blob_t *blob = hb_face_reference_blob(sub);
    hb_face_destroy(sub);
    int rc = describe(e, blob);
    hb_blob_destroy(blob);
    return rc;
}

/* The installed font i, opened on first use; NULL when it is missing. */
static hb_face_t *full_face(ion_fontset *fs, int i)
{
    emb *e = &fs->f[i];
    if (!e->full && !e->missing) {
        hb_blob_t *b = hb_blob_create_from_file_or_fail(font_file[i].path);
        e->full = b ? hb_face_create(b, 0) : NULL;
        e->missing = !e->full || hb_face_get_glyph_count(e->full) == 0;
        hb_blob_destroy(b);
    }
    return e->missing ? NULL : e->full;
}

/* Whether installed font i has a glyph for cp. */
static int full_has(ion_fontset *fs, hb_font_t **probe, int i, uint32_t cp)
{
    hb_face_t *face = full_face(fs, i);
    return face && face_has(face, probe, cp);
}

static int has_unshared(const ion_fontset *fs, ion_emb f);
static ion_emb_font *narrow(const ion_fontset *fs, const emb *e, const char *utf8);

/* Cutting font i down costs about 0.5 ms a document (deflating its
 * program again): worth it only when the names' glyphs are a large part of
 * the subset. */
static int worth_narrowing(const ion_fontset *fs, int i)
{
    if (!fs->f[i].font || !has_unshared(fs, (ion_emb)i))
        return 0;
    ion_emb_font *bare = narrow(fs, &fs->f[i], "");
    size_t whole = fs->f[i].pdf.zlen, shared = bare ? bare->zlen : whole;
    free(bare);
    return whole > 2 * shared;
}

ion_fontset *ion_fontset_seal_or_free(ion_fontset *fs, int failed, ion_error *err)
{
    if (failed)
        ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    if (failed || ion_fontset_seal(fs, err)) {
        ion_fontset_free(fs);
        return NULL;
    }
    return fs;
}

int ion_fontset_seal(ion_fontset *fs, ion_error *err)
{
    if (fs->sealed)
        return 0;
    hb_font_t *probe[ION_EMB_COUNT] = {0};
    hb_set_t *want[ION_EMB_COUNT];
    for (int i = 0; i < ION_EMB_COUNT; i++) {
        want[i] = hb_set_create();
        fs->f[i].pdf.bold = font_file[i].bold;
    }
    /* The Unicode font is needed when a character has no other home; then
     * it also takes every character that may share a word with one. Fonts
     * are opened only when a character may need them. */
    int sans = 0;
    for (hb_codepoint_t cp = HB_SET_VALUE_INVALID; !sans && hb_set_next(fs->nonstd, &cp);)
        sans = !ion_fontset_is_cjk(cp) && full_has(fs, &probe[ION_EMB_SANS], ION_EMB_SANS, cp);
    for (hb_codepoint_t cp = HB_SET_VALUE_INVALID; hb_set_next(fs->all, &cp);) {
        int cjk = ion_fontset_is_cjk(cp), nonstd = hb_set_has(fs->nonstd, cp);
        int in_sans = !cjk && (sans || nonstd) && full_has(fs, &probe[ION_EMB_SANS], ION_EMB_SANS, cp);
        if (sans && in_sans) {
            hb_set_add(want[ION_EMB_SANS], cp);
            hb_set_add(want[ION_EMB_SANS_BOLD], cp);
        }
        if ((cjk || (nonstd && !in_sans)) && full_has(fs, &probe[ION_EMB_CJK], ION_EMB_CJK, cp))
            hb_set_add(want[ION_EMB_CJK], cp);
    }
    if (sans)
        for (uint32_t d = '0'; d <= '9'; d++) {
            hb_set_add(want[ION_EMB_SANS], d);
            hb_set_add(want[ION_EMB_SANS_BOLD], d);
        }
    int bad = 0;
    for (int i = 0; i < ION_EMB_COUNT; i++) {
        if (!bad && !hb_set_is_empty(want[i]) && full_face(fs, i) && subset(&fs->f[i], want[i]))
            bad = 1;
        hb_set_destroy(want[i]);
        hb_font_destroy(probe[i]);
        hb_face_destroy(fs->f[i].full); /* the subsets are all that is used */
        fs->f[i].full = NULL;
    }
    fs->sealed = 1;
    for (int i = 0; !bad && i < ION_EMB_COUNT; i++)
        fs->f[i].narrow = worth_narrowing(fs, i);
    if (bad)
        return ion_fail_key(err, font_file[0].path, 0, "err.fonts.subset", "-");
    return 0;
}

/* Whether font f's subset draws a character collected after the shared
 * ones: only then is a document's own, smaller program worth making. */
static int has_unshared(const ion_fontset *fs, ion_emb f)
{
    for (hb_codepoint_t cp = HB_SET_VALUE_INVALID; fs->shared && hb_set_next(fs->all, &cp);)
        if (!hb_set_has(fs->shared, cp) && ion_fontset_has(fs, f, cp))
            return 1;
    return 0;
}

/* Font e's subset cut down to the shared characters and those of utf8,
 * deflated: see ion_fontset_narrow. */
static ion_emb_font *narrow(const ion_fontset *fs, const emb *e, const char *utf8)
{
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return NULL;
    hb_set_t *u = hb_subset_input_unicode_set(in);
    hb_set_union(u, fs->shared);
    for (size_t i = 0, n = strlen(utf8), len; i < n; i += len ? len : 1) {
        uint32_t cp;
        len = ion_utf8_next(utf8 + i, n - i, &cp);
        hb_set_add(u, cp);
    }
    /* the glyph ids of the whole subset, which the pages were shaped with */
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_RETAIN_GIDS);
    hb_face_t *sub = hb_subset_or_fail(e->face, in);
    hb_subset_input_destroy(in);
    hb_blob_t *blob = sub ? hb_face_reference_blob(sub) : NULL;
    hb_face_destroy(sub);
    unsigned len;
    const char *data = blob ? hb_blob_get_data(blob, &len) : NULL;
    size_t zlen = 0;
    unsigned char *z = data ? deflate_bytes(data, len, &zlen, NARROW_LEVEL) : NULL;
    hb_blob_destroy(blob);
    ion_emb_font *o = z ? malloc(sizeof *o + sizeof e->name + zlen) : NULL;
    if (!o) {
        free(z);
        return NULL;
    }
    *o = e->pdf;
    char *name = (char *)(o + 1);
    memcpy(name, e->name, sizeof e->name);
    uLong crc = crc32(0L, z, (uInt)zlen); /* its own tag (ISO 32000 9.6.4) */
    for (int i = 0; i < 6; i++, crc /= 26)
        name[i] = (char)('A' + crc % 26);
    memcpy(name + sizeof e->name, z, zlen);
    free(z);
    o->name = name;
    o->z = (unsigned char *)name + sizeof e->name;
    o->zlen = zlen;
    o->len = len;
    return o;
}

ion_emb_font *ion_fontset_narrow(const ion_fontset *fs, ion_emb f, const char *utf8)
{
    return fs->f[f].narrow ? narrow(fs, &fs->f[f], utf8) : NULL;
}

const ion_emb_font *ion_fontset_font(const ion_fontset *fs, ion_emb f)
{
    return fs->f[f].font ? &fs->f[f].pdf : NULL;
}

int ion_fontset_shape(ion_fontset *fs, ion_emb f, const uint32_t *cp, int n,
                      int rtl, ion_shaped **out, int *cap)
{
    emb *e = &fs->f[f];
    if (!e->font)
        return -1;
    hb_buffer_t *b = fs->buf;
    hb_buffer_clear_contents(b);
    hb_buffer_add_codepoints(b, cp, n, 0, n);
    hb_buffer_set_direction(b, rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    hb_buffer_guess_segment_properties(b);
    hb_shape(e->font, b, NULL, 0);
    unsigned len;
    hb_glyph_info_t *gi = hb_buffer_get_glyph_infos(b, &len);
    hb_glyph_position_t *gp = hb_buffer_get_glyph_positions(b, &len);
    if (!hb_buffer_allocation_successful(b))
        return -1;
    if ((int)len > *cap) {
        ion_shaped *o = realloc(*out, len * sizeof *o);
        if (!o)
            return -1;
        *out = o;
        *cap = (int)len;
    }
    for (unsigned i = 0; i < len; i++) {
        /* logical order: a right-to-left run comes out reversed */
        unsigned k = rtl ? len - 1 - i : i;
        ion_shaped *s = &(*out)[i];
        s->gid = (uint16_t)gi[k].codepoint;
        s->advance = (float)(gp[k].x_advance * 1000.0 / e->upem);
        s->xoff = (float)(gp[k].x_offset * 1000.0 / e->upem);
        s->yoff = (float)(gp[k].y_offset * 1000.0 / e->upem);
        unsigned c = gi[k].cluster;
        int first = rtl ? (k + 1 == len || gi[k + 1].cluster != c) : (k == 0 || gi[k - 1].cluster != c);
        s->first = first ? (int)c : -1;
        /* the cluster's characters: to its first glyph, for ToUnicode */
        uint32_t *u = &e->uni[(size_t)s->gid * UNI_MAX];
        if (first && s->gid < e->pdf.nglyphs && !u[0]) {
            unsigned end = (unsigned)n;
            for (unsigned j = 0; j < len; j++)
                if (gi[j].cluster > c && gi[j].cluster < end)
                    end = gi[j].cluster;
            for (unsigned j = c; j < end && j - c < UNI_MAX; j++)
                u[j - c] = cp[j];
            e->uni_dirty = 1;
        }
    }
    return (int)len;
}

static void utf16_hex(ion_strbuf *b, uint32_t cp)
{
    uint16_t u[2];
    for (size_t k = 0, n = ion_utf16_put(cp, u); k < n; k++)
        ion_strbuf_printf(b, "%04X", (unsigned)u[k]);
}

int ion_fontset_to_unicode(ion_fontset *fs, ion_emb f, const unsigned char **z,
                           size_t *zlen)
{
    emb *e = &fs->f[f];
    if (!e->font)
        return -1;
    if (e->uni_dirty) {
        ion_strbuf b = {0};
        ion_strbuf_puts(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
        unsigned count = 0;
        for (unsigned g = 0; g < e->pdf.nglyphs; g++)
            count += e->uni[g * UNI_MAX] != 0;
        unsigned left = count;
        for (unsigned g = 0; g < e->pdf.nglyphs; g++) {
            const uint32_t *u = &e->uni[g * UNI_MAX];
            if (!u[0])
                continue;
            if ((count - left) % 100 == 0) /* at most 100 to a block */
                ion_strbuf_printf(&b, "%u beginbfchar\n", left < 100 ? left : 100);
            ion_strbuf_printf(&b, "<%04X> <", g);
            for (int k = 0; k < UNI_MAX && u[k]; k++)
                utf16_hex(&b, u[k]);
            ion_strbuf_puts(&b, ">\n");
            left--;
            if ((count - left) % 100 == 0 || left == 0)
                ion_strbuf_puts(&b, "endbfchar\n");
        }
        ion_strbuf_puts(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        size_t n = 0;
        unsigned char *d = b.oom ? NULL : deflate_bytes(b.s, b.len, &n, 6);
        ion_strbuf_release(&b);
        if (!d)
            return -1;
        ion_strbuf_reset(&e->cmap_z);
        ion_strbuf_add(&e->cmap_z, d, n);
        free(d);
        if (e->cmap_z.oom)
            return -1;
        e->uni_dirty = 0;
    }
    *z = (const unsigned char *)e->cmap_z.s;
    *zlen = e->cmap_z.len;
    return 0;
}
