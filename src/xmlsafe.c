/* The rules for reading XML: see xmlsafe.h. */
#include "xmlsafe.h"
#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "strbuf.h"

/* No file or URL is ever fetched on behalf of a document. */
static xmlParserInputPtr refuse_external(const char *url, const char *id,
                                         xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

static void ignore_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void ion_xml_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    xmlInitParser();
    xmlSetExternalEntityLoader(refuse_external);
    xmlSetGenericErrorFunc(NULL, ignore_generic);
}

int ion_xml_doctype_line(const char *data, size_t len)
{
    /* memchr runs fast over a large key; lines are counted on a hit only. */
    for (const char *p = data, *end = data + len; (p = memchr(p, '<', (size_t)(end - p))); p++) {
        size_t left = (size_t)(end - p);
        if (left >= 8 && p[1] == '!' &&
            ((left >= 9 && !memcmp(p + 2, "DOCTYPE", 7)) || !memcmp(p + 2, "ENTITY", 6))) {
            int line = 1;
            for (const char *q = data; q < p; q++)
                line += *q == '\n';
            return line;
        }
    }
    return 0;
}

void ion_xml_keep(void *ctx, xmlErrorPtr e)
{
    ion_xml_error *x = ctx;
    if (!x || x->seen || !e)
        return;
    x->seen = 1;
    x->line = e->line;
    x->node = e->node;
    if (e->message)
        snprintf(x->msg, sizeof x->msg, "%s", e->message);
    else
        ion_text_say(x->msg, sizeof x->msg, "err.xml.invalid", "-");
    size_t n = strlen(x->msg);
    while (n && (x->msg[n - 1] == '\n' || x->msg[n - 1] == ' ' || x->msg[n - 1] == '.'))
        x->msg[--n] = '\0';
    for (char *p = x->msg; *p; p++)
        if (*p == '\n')
            *p = ' ';
    /* Messages are lower case (SPEC.md); libxml2 starts some with a capital. */
    if (x->msg_case == ION_XML_LOWER_CASE)
        x->msg[0] = (char)tolower((unsigned char)x->msg[0]);
}

xmlDocPtr ion_xml_read(const char *data, size_t len, const char *name, ion_xml_case msg_case,
                       ion_error *err)
{
    ion_xml_init();
    ion_xml_error x = {.msg_case = msg_case};
    xmlSetStructuredErrorFunc(&x, ion_xml_keep);
    xmlDocPtr doc = xmlReadMemory(data, (int)len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (!doc) {
        if (x.seen) /* libxml2's own words */
            ion_fail(err, name, x.line, "%s", x.msg);
        else
            ion_fail_key(err, name, x.line, "err.xml.not_well_formed", "-");
        return NULL;
    }
    if (doc->intSubset || doc->extSubset) {
        /* Not xmlGetLineNo: a DTD node has no line, and it gives -1. */
        ion_fail_key(err, name, ion_xml_doctype_line(data, len), "err.xml.doctype", "-");
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

xmlSchemaPtr ion_xml_schema(const char *xsd_path, ion_error *err)
{
    /* A process reads problem files, or a key and submissions. */
    static struct {
        char *path;
        xmlSchemaPtr schema;
    } cache[4];
    size_t i;
    for (i = 0; i < sizeof cache / sizeof cache[0] && cache[i].path; i++)
        if (!strcmp(cache[i].path, xsd_path))
            return cache[i].schema;
    if (i == sizeof cache / sizeof cache[0]) {
        ion_fail_key(err, xsd_path, 0, "err.xml.schemas", "-");
        return NULL;
    }
    ion_xml_init();
    /* Read by us: the entity loader refuses every file. */
    ion_strbuf xsd = {0};
    if (ion_strbuf_read_file(&xsd, xsd_path, 8 << 20)) {
        ion_strbuf_release(&xsd);
        ion_fail_key(err, xsd_path, 0, "err.xml.read_schema", "-");
        return NULL;
    }
    ion_xml_error x = {0};
    xmlSchemaPtr schema = NULL;
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(xsd.s, (int)xsd.len);
    if (pc) {
        xmlSchemaSetParserStructuredErrors(pc, ion_xml_keep, &x);
        schema = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    }
    ion_strbuf_release(&xsd);
    if (!schema) {
        if (x.seen)
            ion_fail_key(err, xsd_path, x.line, "err.xml.invalid_schema", "%s", x.msg);
        else
            ion_fail_key(err, xsd_path, x.line, "err.out_of_memory", "-");
        return NULL;
    }
    cache[i].path = strdup(xsd_path);
    if (!cache[i].path) {
        xmlSchemaFree(schema);
        ion_fail_key(err, xsd_path, 0, "err.out_of_memory", "-");
        return NULL;
    }
    cache[i].schema = schema;
    return schema;
}

int ion_xml_validate(xmlDocPtr doc, xmlSchemaPtr schema, const char *name, ion_xml_case msg_case,
                     const char *otherwise, xmlNodePtr *where, ion_error *err)
{
    ion_xml_error x = {.msg_case = msg_case};
    if (where)
        *where = NULL;
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    if (!vc)
        return ion_fail_key(err, name, 0, "err.out_of_memory", "-");
    xmlSchemaSetValidStructuredErrors(vc, ion_xml_keep, &x);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    if (rc != 0) {
        if (where)
            *where = (xmlNodePtr)x.node;
        return x.seen ? ion_fail(err, name, x.line, "%s", x.msg) : ion_fail_key(err, name, x.line, otherwise, "-");
    }
    return 0;
}
