/* The rules for reading XML, for every document ionsheet reads (problem
 * files in problem.c, the answer key in gradekey.c, submissions in
 * submission.c): nothing is ever loaded from a file or the network, a
 * DOCTYPE is refused, libxml2's own messages are kept instead of printed
 * (the library never prints), and each XSD is compiled once per process.
 * Internal to the library. */
#ifndef ION_XMLSAFE_H
#define ION_XMLSAFE_H

#include <stddef.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "error.h"

/* Sets libxml2's process-wide rules (an entity loader that refuses every
 * file and URL, no generic error output). Idempotent; every ion_xml_*
 * function below calls it. */
void ion_xml_init(void);

/* The 1-based line of the first "<!DOCTYPE" or "<!ENTITY" in data, or 0:
 * the grader refuses such a document before libxml2 sees it. */
int ion_xml_doctype_line(const char *data, size_t len);

/* How libxml2's messages are passed on. SPEC.md wants messages in lower
 * case; problem files have always shown libxml2's own capitals
 * ("Element '...': ..."), and keep them so that their messages stay as
 * they were. */
typedef enum { ION_XML_LOWER_CASE = 0, ION_XML_AS_WRITTEN } ion_xml_case;

/* The first error libxml2 reported during a parse or a validation. */
typedef struct {
    int seen, line;
    ion_xml_case msg_case;
    const void *node;  /* the node libxml2 named, when it named one */
    char msg[300];
} ion_xml_error;

/* An xmlStructuredErrorFunc keeping the first error in ctx (an
 * ion_xml_error) on one line, without a trailing period, in its msg_case. */
void ion_xml_keep(void *ctx, xmlErrorPtr e);

/* Parses data into a tree (no network, no entity loading, CDATA as text).
 * Returns the document (free with xmlFreeDoc), or NULL with err filled at
 * name: libxml2's first error ("not well-formed xml" when it gave none),
 * or "a DOCTYPE is not allowed". */
xmlDocPtr ion_xml_read(const char *data, size_t len, const char *name, ion_xml_case msg_case,
                       ion_error *err);

/* The schema compiled from the XSD file at path; compiled on first use and
 * kept for the life of the process. NULL with err filled on failure. */
xmlSchemaPtr ion_xml_schema(const char *xsd_path, ion_error *err);

/* Validates a tree against a schema from ion_xml_schema. Returns 0, or -1
 * with err filled at name: libxml2's first complaint (its own words), or
 * the catalogue's message `otherwise` (an err.* key, text.h) when it gave
 * none. When where is not NULL it receives the node of that
 * complaint (an element or attribute of doc), or NULL. */
int ion_xml_validate(xmlDocPtr doc, xmlSchemaPtr schema, const char *name, ion_xml_case msg_case,
                     const char *otherwise, xmlNodePtr *where, ion_error *err);

#endif
