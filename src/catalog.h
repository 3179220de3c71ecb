/* Between problem files, the bank and templates: importing files into the
 * bank (all or nothing) and loading stored templates back. */
#ifndef ION_CATALOG_H
#define ION_CATALOG_H

#include <stddef.h>

#include "bank.h"
#include "template.h"

typedef struct {
    int files, templates, added, updated, unchanged;
} ion_import_stats;

/* Called once per file that cannot be imported. */
typedef void (*ion_import_error_fn)(const ion_error *err, void *ctx);

/* Reads every path (a problem file, or a directory whose *.xml files are
 * read in name order), validates each against xsd_path and compiles it;
 * when all are good, stores every template in one transaction. When any
 * file is bad, calls on_error for each bad one and stores nothing.
 * Returns 0, ION_BANK_EINVAL (-2) when a file was bad, ION_BANK_EDB (-1)
 * when the database failed (err says why). */
int ion_import(ion_bank *b, const char *const *paths, size_t n,
               const char *xsd_path, ion_import_error_fn on_error, void *ctx,
               ion_import_stats *stats, ion_error *err);

/* Appends to *files (n of them, each malloc'd) the files a path stands for:
 * the path itself, or a directory's *.xml files in name order. Returns 0, or
 * -1 with err filled when the path does not exist or cannot be read. */
int ion_catalog_expand(const char *path, char ***files, size_t *n, ion_error *err);

/* Loads version `version` (0: current) of a stored template. Returns NULL
 * with err filled when there is none or it no longer compiles. */
ion_template *ion_catalog_load(ion_bank *b, const char *id, int version,
                               ion_error *err);

#endif
