/* What the two halves of the PDF renderer share (render_pdf.h): the
 * layout (render_pdf.c) turns a sheet into rows of drawing operations and
 * pages; the backend (pdf_backend.c, pdf_fonts.c, pdf_content.c,
 * pdf_compress.c: pdf_backend_int.h) holds the document, its fonts, and
 * turns a page's operations into a content stream in one or more
 * documents. Not for other modules. */
#ifndef ION_RENDER_PDF_INT_H
#define ION_RENDER_PDF_INT_H

#include <hpdf.h>

#include "fontset.h"
#include "pdf_stream.h"
#include "render_pdf.h"
#include "strbuf.h"
#include "typeset.h"

#define MM (72.0 / 25.4)

/* The fonts a document can hold: the typesetter's ion_font but for
 * ION_FONT_CJK_BOLD, which is the CJK font drawn with a stroke. */
enum {
    DF_CJK = ION_FONT_SYMBOL + 1,
    DF_SANS,
    DF_SANS_BOLD,
    DF_COUNT
};

/* ---- the layout model ------------------------------------------------ */
typedef enum { OP_TEXT, OP_LINE, OP_RECT, OP_TRI } op_kind;
typedef enum { C_TEXT, C_GRAY, C_RULE, C_ACCENT, C_VM, C_SHADE, C_COUNT } color;


/* One drawing operation; y grows downwards from the top of its row. */
typedef struct {
    unsigned char kind, color, font;
    unsigned char style; /* OP_LINE: 1 dashed; OP_RECT/OP_TRI: 1 filled;
                          * OP_TEXT: 1 starts where the op before ends */
    float x, y;          /* text: baseline start; line: start; rect: top left */
    float a, b, c, d;    /* text: size, rise; line: end x, y; rect: w, h;
                          * triangle: second and third corner */
    float w;             /* line width */
    size_t text;         /* OP_TEXT: offset of the bytes in the arena */
    unsigned tlen;       /* OP_TEXT: their number */
} op;

typedef struct {
    float height;
    int op0, nops;
    unsigned char keep_next; /* do not break the page after this row */
    unsigned char space;     /* blank space: dropped at the top of a page */
    unsigned char fixed;     /* y is from the top of the page, not the body */
    int page;
    float y;                 /* from the body's (or page's) top */
} row;

typedef struct {
    int row0, nrows;
} block; /* a problem, or the header: kept on one page when it fits */

struct ion_pdf {
    const ion_tmpl *t;
    HPDF_Doc doc;
    HPDF_STATUS hpdf_error, hpdf_detail;
    /* the document's fonts (DF_*), dictionaries made in pdf_fonts.c */
    HPDF_Dict font[DF_COUNT];
    HPDF_Dict to_unicode[DF_COUNT]; /* embedded fonts: filled when saved */
    ion_fontset *fonts; /* the embedded fonts' subsets, shared */
    char *own_chars;    /* the only characters beyond the shared ones it
                         * prints (ion_pdf_own_chars), or NULL */
    HPDF_Doc probe;     /* measures the standard fonts; never written */
    HPDF_Font probe_font[DF_CJK];
    int info_set;       /* Title, Author, Subject, Lang written */
    ion_ts *ts;
    ion_ts_text txt; /* scratch paragraph */

    op *ops;
    int nops, ops_cap;
    row *rows;
    int nrows, rows_cap;
    block *blocks;
    int nblocks, blocks_cap;
    ion_strbuf arena; /* the bytes of the text ops */
    ion_strbuf text;  /* the model's text being laid out (printed.h) */
    int oom;

    /* the content stream of the page being drawn, and its fonts */
    ion_strbuf cs;
    size_t cs_read;
    ion_strbuf z;    /* ... and compressed */
    HPDF_Stream z_in, z_out;
    unsigned char page_font[DF_COUNT]; /* local number, 0: unused */
    unsigned char page_font_order[DF_COUNT];
    int npage_fonts;

    int pages;
    unsigned char *bytes;
    size_t nbytes;
    /* a document written as it grows (ion_pdf_new_streamed): doc only
     * measures and, at the end, makes the fonts */
    ion_pdfw *w;
    int finished;

    double col; /* width of the column parts are set in (beside a figure) */
    double points_col; /* width of "88 points", 0 until measured */
    /* layout, in points, from the template */
    double page_w, page_h, left, top, bottom, width, body_h;
    double body, title, heading, small, spacing, gap, answer_len, answer_space;
    double ladder_w, ladder_h;
};

/* ---- the backend (pdf_backend.c, pdf_fonts.c, pdf_content.c) --------- */

/* 0, or -1 with err saying what failed in p (out of memory, libharu). */
int ion_pdf_failed(ion_pdf *p, ion_error *err);

/* p's typesetter, made on first use with p's fontset. */
ion_ts *ion_pdf_typesetter(ion_pdf *p, ion_error *err);

/* Before the first sheet of each document: one fontset for all of them
 * (made from the sheet when none was given), and the document's Title,
 * Author, Subject and Lang. */
int ion_pdf_begin_sheet(ion_pdf *const *docs, int ndocs, const ion_student_sheet *s,
                        int solutions, ion_error *err);

/* The bytes of glyphs [start, end) of p->txt as the content stream shows
 * them, stored in the arena; returns their offset and sets *len. */
size_t ion_pdf_text_bytes(ion_pdf *p, int start, int end, unsigned *len);

/* v / 1000 with no trailing zeros, then a space; at most 24 bytes. */
char *ion_pdf_fmt_milli(char *d, long v);

/* Draws p's content rows [r0, r1) and furniture row fr as one page of each
 * document of docs. */
int ion_pdf_draw_page(ion_pdf *p, ion_pdf *const *docs, int ndocs, int r0,
                      int r1, int fr, ion_error *err);

#endif
