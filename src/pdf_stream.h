/* A PDF written to a file page by page, for the class documents: libharu
 * keeps every object of a document in memory until it saves (about 7 KB a
 * page), so class.pdf and solutions.pdf for a large class would grow
 * without bound. Here a page's objects go out as soon as it is added; what
 * stays is its object's offset and number (12 bytes a page).
 *
 * The fonts are made in a libharu document all the same: when the document
 * ends, the caller hands over a small PDF libharu wrote with the same fonts
 * (the standard ones, and the embedded subsets with their ToUnicode tables
 * complete), and the objects reachable from those fonts and from its Info
 * dictionary are copied over with their numbers changed. The layout of a
 * page's objects is libharu's own, so the two kinds of document read
 * alike.
 *
 * Errors: functions return 0 (or a pointer) on success; -1 (or NULL) with
 * err filled. A failed write makes every later call fail. */
#ifndef ION_PDF_STREAM_H
#define ION_PDF_STREAM_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

typedef struct ion_pdfw ion_pdfw;

/* Writes the header to out, which stays the caller's to close. */
ion_pdfw *ion_pdfw_begin(FILE *out, ion_error *err);

/* A page of width x height points whose content stream is the deflated
 * bytes z[0..zlen); its font Fi (1-based) is the document font fonts[i-1],
 * a small number the caller chooses (below ION_PDFW_FONTS). */
enum { ION_PDFW_FONTS = 16 };
int ion_pdfw_page(ion_pdfw *w, double width, double height,
                  const unsigned char *fonts, int nfonts, const void *z,
                  size_t zlen, ion_error *err);

/* Whether a page has used document font k. */
int ion_pdfw_font_used(const ion_pdfw *w, int k);

/* Ends the document: src[0..len) is a PDF written by libharu in which
 * document font k (for each one used) is object font_obj[k] and the Info
 * dictionary is object info_obj; lang (ASCII, "en") goes into the catalog. */
int ion_pdfw_finish(ion_pdfw *w, const unsigned char *src, size_t len,
                    const unsigned *font_obj, unsigned info_obj,
                    const char *lang, ion_error *err);

void ion_pdfw_free(ion_pdfw *w);

#endif
