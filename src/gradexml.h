/* The grader's XML rules, shared by the answer key reader (gradekey.c) and
 * the submission parser (submission.c): no DOCTYPE, no entity declarations,
 * nothing ever loaded from a file or the network, libxml2's own messages
 * kept instead of printed, and each XSD compiled once per process. Internal
 * to the grader. */
#ifndef ION_GRADEXML_H
#define ION_GRADEXML_H

#include <stddef.h>

#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "error.h"

/* Sets libxml2's process-wide rules (an entity loader that refuses every
 * file and URL, no generic error output). Idempotent. */
void ion_gradexml_init(void);

/* The 1-based line of the first "<!DOCTYPE" or "<!ENTITY" in data, or 0:
 * such a document is refused before libxml2 sees it. */
int ion_gradexml_doctype_line(const char *data, size_t len);

/* The first error libxml2 reported during a parse or a validation. */
typedef struct {
    int seen, line;
    char msg[300];
} ion_gradexml_error;

/* An xmlStructuredErrorFunc keeping the first error in ctx (an
 * ion_gradexml_error), in lower case and on one line. */
void ion_gradexml_keep(void *ctx, xmlErrorPtr e);

/* The schema compiled from the XSD file at path; compiled on first use and
 * kept for the life of the process. NULL with err filled on failure. */
xmlSchemaPtr ion_gradexml_schema(const char *xsd_path, ion_error *err);

#endif
