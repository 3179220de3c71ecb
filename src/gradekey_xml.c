/* The answer key reader's XML (gradekey_reader.h): libxml2's SAX2 push
 * parser fed in 64 KiB chunks, so a key never exists whole, as a tree or
 * as bytes; the table of where each element may be and its attributes,
 * and the attribute and number readers every element uses. */
#include "gradekey_reader.h"
#include "numfmt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>

/* ---- attributes and numbers ---------------------------------------------- */

/* Names are compared thousands of times a key: the first byte first. */
static int same_name(const char *a, const char *b)
{
    return a[0] == b[0] && !strcmp(a, b);
}

int kr_line(key_reader *kr)
{
    return kr->ctxt ? xmlSAX2GetLineNumber(kr->ctxt) : 0;
}

/* Stops the parse after an error (err already filled); returns ret. */
int kr_stop(key_reader *kr, int ret)
{
    if (!kr->failed) {
        kr->failed = 1;
        if (kr->ctxt)
            xmlStopParser(kr->ctxt);
    }
    return ret;
}

int kr_oom(key_reader *kr)
{
    return fail(kr, "err.out_of_memory", "-");
}

/* The attribute's value copied into the temporary arena, or NULL when the
 * element has no such attribute. */
const char *kr_attr(key_reader *kr, const char *name)
{
    /* After an error the parser is stopped and the values are freed. */
    for (int i = 0; !kr->failed && i < kr->nattrs; i++) {
        const xmlChar **a = kr->attrs + 5 * i;
        if (a[2] || !same_name((const char *)a[0], name))
            continue;
        size_t n = (size_t)(a[4] - a[3]);
        char *v = ion_arena_alloc(kr->tmp, n + 1);
        if (!v) {
            kr_oom(kr);
            return NULL;
        }
        memcpy(v, a[3], n);
        v[n] = '\0';
        return v; /* "&amp;" is "&" here: XML_PARSE_NOENT (kr_parse) */
    }
    return NULL;
}

const char *kr_need_attr(key_reader *kr, const char *elem, const char *name)
{
    const char *v = kr_attr(kr, name);
    if (!v)
        fail(kr, "err.key.needs_attr", "%s%s", elem, name);
    return v;
}

/* A whole string as a finite number, as strtod reads it (numfmt.h). */
int kr_parse_number(const char *s, double *out)
{
    return ion_read_double(s, out);
}

int kr_number_attr(key_reader *kr, const char *elem, const char *name, int required,
                       double fallback, double *out)
{
    const char *v = required ? kr_need_attr(kr, elem, name) : kr_attr(kr, name);
    if (!v) {
        *out = fallback;
        return required ? -1 : 0;
    }
    if (kr_parse_number(v, out) < 0)
        return fail(kr, "err.key.attr_nan", "%s%s%s", elem, name, v);
    return 0;
}


/* The next space-separated token of *s copied into the temporary arena,
 * or NULL at the end. */
const char *kr_next_token(key_reader *kr, const char **s)
{
    const char *p = *s;
    while (*p == ' ')
        p++;
    size_t n = strcspn(p, " ");
    if (!n)
        return NULL;
    char *t = ion_arena_alloc(kr->tmp, n + 1);
    if (!t) {
        kr_oom(kr);
        return NULL;
    }
    memcpy(t, p, n);
    t[n] = '\0';
    *s = p + n;
    return t;
}

/* A string kept by the key (the template's strings outlive every problem). */
const char *kr_keep(key_reader *kr, const char *s)
{
    const char *k = s ? ion_arena_intern(kr->k->mem, s) : NULL;
    if (s && !k)
        kr_oom(kr);
    return k;
}

/* Grows *arr (of elements of size) so that index n fits. */
int kr_grow(void *arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 16;
    while (c <= n)
        c *= 2;
    void *p = realloc(*(void **)arr, c * size);
    if (!p)
        return -1;
    /* zeroed: the records (gradekey_student.c) copy whole elements,
     * padding included, to a file */
    memset((char *)p + *cap * size, 0, (c - *cap) * size);
    *(void **)arr = p;
    *cap = c;
    return 0;
}

/* ---- the walk ------------------------------------------------------------ */

/* Where each element may be, and the attributes it may have. */
static const struct {
    const char *name;
    int depth;
    const char *attrs[12];
} places[] = {
    {"answer-key", 0, {"worksheet", "course", "title", "due", "max"}},
    {"student", 1, {"id", "name"}},
    {"problem", 2, {"n", "template", "version", "seed", "lets"}},
    {"param", 3, {"name", "value", "unit"}},
    {"let", 3, {"name", "value", "unit", "expr"}},
    {"part", 3, {"id", "kind", "value", "unit", "tol-abs", "tol-rel", "sigfigs", "points", "expr", "options", "mistakes"}},
    {"choice", 4, {"id"}},
    {"option", 4, {"letter", "id"}},
    {"mistake", 4, {"value", "credit"}},
    {"carry", 4, {"from", "let"}},
    {"feedback", 5, {NULL}},
    /* key v2 */
    {"template", 1, {"id", "version"}},
    {"param", 2, {"name", "unit"}},
    {"let", 2, {"name", "unit", "digits", "expr"}},
    {"part", 2, {"id", "kind", "sigfigs", "slip-credit", "sign-credit", "expr"}},
    {"choice", 3, {"id"}},
    {"mistake", 3, {"credit", "expr"}},
    {"carry", 3, {"from", "let"}},
    {"feedback", 4, {NULL}},
};
enum { PLACE_FEEDBACK = 10, PLACE_TFEEDBACK = 18, PLACES = 19 };

/* Elements of one version only: v1's alternatives and mistakes inside a
 * student's part, v2's templates. */
static int version_of_place(size_t place)
{
    return place >= 6 && place <= 10 ? 1 : place >= 11 ? 2 : 0;
}

static int known_attributes(key_reader *kr, size_t place)
{
    for (int i = 0; i < kr->nattrs; i++) {
        const xmlChar **a = kr->attrs + 5 * i;
        const char *name = (const char *)a[0];
        int known = 0;
        if (a[2]) /* only xml:lang and its kin, on feedback */
            known = (place == PLACE_FEEDBACK || place == PLACE_TFEEDBACK) && !strcmp((const char *)a[2], (const char *)XML_XML_NAMESPACE);
        for (size_t k = 0; !a[2] && !known && k < 12 && places[place].attrs[k]; k++)
            known = same_name(places[place].attrs[k], name);
        if (!known)
            return fail(kr, "err.key.unknown_attr", "%s%s", places[place].name, name);
    }
    return 0;
}

static int on_start(key_reader *kr, const char *name, int depth)
{
    /* By depth first: at most two names to compare. */
    size_t i = 0;
    while (i < PLACES && (places[i].depth != depth || !same_name(places[i].name, name)))
        i++;
    if (i == PLACES)
        return fail(kr, "err.key.unexpected", "%s", name);
    /* libxml2 gives every element of one namespace the same string */
    if (depth > 0 && kr->uri != kr->ns) {
        if (!kr->uri || strcmp(kr->uri, kr->k->version == 2 ? KEY_NS2 : KEY_NS1))
            return fail(kr, "err.key.namespace", "%s", name);
        kr->ns = kr->uri;
    }
    int only = version_of_place(i);
    if (only && only != kr->k->version)
        return fail(kr, "err.key.wrong_version", "%s%d", name, kr->k->version);
    if (kr->k->version == 2 && i == 4)
        return fail(kr, "err.key.let_v2", "-");
    if (known_attributes(kr, i) < 0)
        return -1;
    switch (i) {
    case 0: return kr_on_root(kr);
    case 1: return kr_on_student(kr);
    case 2: return kr_on_problem(kr);
    case 3: return kr_on_var(kr, "param", 0);
    case 4: return kr_on_var(kr, "let", 1);
    case 5: return kr_on_part(kr);
    case 6: return kr_on_alt(kr, 0);
    case 7: return kr_on_alt(kr, 1);
    case 8: return kr_on_mistake(kr);
    case 9: return kr_on_carry(kr);
    case 11: return kr_on_template(kr);
    case 12: return kr_on_tvar(kr, 0);
    case 13: return kr_on_tvar(kr, 1);
    case 14: return kr_on_tpart(kr);
    case 15: return kr_on_tchoice(kr);
    case 16: return kr_on_tmistake(kr);
    case 17: return kr_on_tcarry(kr);
    default: return kr_on_feedback(kr);
    }
}

static int on_end(key_reader *kr, const char *name, int depth)
{
    if (same_name(name, "problem"))
        return kr_end_problem(kr);
    if (same_name(name, "student"))
        return kr_end_student(kr);
    if (same_name(name, "feedback"))
        return kr_end_feedback(kr);
    if (same_name(name, "mistake"))
        kr->feedback_to = NULL, kr->tfeedback_to = NULL;
    (void)depth;
    return 0;
}

/* ---- SAX2 callbacks: ctx is the parser context, its _private the reader -- */

static key_reader *reader_of(void *ctx)
{
    return ((xmlParserCtxtPtr)ctx)->_private;
}

static void sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                      int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
                      const xmlChar **attributes)
{
    (void)prefix;
    (void)nb_namespaces;
    (void)namespaces;
    (void)nb_defaulted;
    key_reader *kr = reader_of(ctx);
    if (kr->failed)
        return;
    kr->uri = (const char *)uri;
    kr->attrs = attributes;
    kr->nattrs = nb_attributes;
    kr->seen_root = 1;
    on_start(kr, (const char *)localname, kr->depth++);
    kr->attrs = NULL;
    kr->nattrs = 0;
}

static void sax_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    (void)prefix;
    (void)uri;
    key_reader *kr = reader_of(ctx);
    kr->depth--;
    if (!kr->failed)
        on_end(kr, (const char *)localname, kr->depth);
}

static void sax_text(void *ctx, const xmlChar *ch, int len)
{
    key_reader *kr = reader_of(ctx);
    if (kr->failed || !kr->in_feedback || len <= 0)
        return;
    ion_strbuf_add(&kr->text, ch, (size_t)len);
    if (kr->text.oom)
        kr_oom(kr);
}

static void sax_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    (void)name;
    (void)ext;
    (void)sys;
    key_reader *kr = reader_of(ctx);
    if (!kr->failed)
        fail(kr, "err.key.doctype", "-");
}

static xmlEntityPtr sax_entity(void *ctx, const xmlChar *name)
{
    key_reader *kr = reader_of(ctx);
    if (!kr->failed)
        fail(kr, "err.key.entity", "%s", (const char *)name);
    return NULL;
}

/* libxml2's own parse errors (set with xmlSetStructuredErrorFunc, whose
 * context is the reader): the first one fails the parse. It is only
 * recorded, not stopped with xmlStopParser: libxml2 reports some errors
 * from inside its input code (an encoding error in xmlParserInputGrow),
 * which goes on using the input buffer xmlStopParser frees. The reader
 * ignores every event after a failure, and libxml2 sends none after a
 * fatal error. */
static void on_error(void *ctx, xmlErrorPtr e)
{
    key_reader *kr = ctx;
    if (kr->failed || !e || e->level < XML_ERR_ERROR)
        return;
    ion_xml_keep(&kr->xml, e);
    ion_fail(kr->err, kr->name, kr->xml.line, "%s", kr->xml.msg);
    kr->failed = 1;
}


#define CHUNK ((size_t)1 << 16)

/* Parses the len bytes of the key (its file, or its copy in memory) with
 * the reader's callbacks, in chunks: the key is never whole in memory. */
int kr_parse(key_reader *kr, size_t len)
{
    const ion_answer_key *k = kr->k;
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = sax_start;
    sax.endElementNs = sax_end;
    sax.characters = sax_text;
    sax.ignorableWhitespace = sax_text;
    sax.internalSubset = sax_doctype;
    sax.externalSubset = sax_doctype;
    sax.getEntity = sax_entity;
    xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, kr->name);
    if (!ctxt)
        return ion_fail_key(kr->err, kr->name, 0, "err.out_of_memory", "-");
    kr->ctxt = ctxt;
    /* NOENT: "&amp;" in a name is "&", not "&#38;" (libxml2 keeps
     * references escaped otherwise); a DOCTYPE, and with it any entity of
     * its own, is refused (sax_doctype, sax_entity). */
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOENT);
    ctxt->_private = kr;
    xmlSetStructuredErrorFunc(kr, on_error);
    char *buf = k->data ? NULL : malloc(CHUNK);
    int rc = 0, io = 0, blank = 1;
    for (size_t done = 0; !rc && !kr->failed && !io && (done < len || !done);) {
        size_t n = len - done < CHUNK ? len - done : CHUNK;
        const char *chunk = k->data ? k->data + done : buf;
        ssize_t got = (ssize_t)n;
        if (!k->data && (!buf || (got = pread(k->fd, buf, n, (off_t)done)) < 0))
            io = 1;
        else if (got == 0)
            break; /* the file ends here */
        else
            rc = xmlParseChunk(ctxt, chunk, (int)got, 0);
        for (ssize_t i = 0; blank && i < got; i++)
            blank = chunk[i] == ' ' || chunk[i] == '\t' || chunk[i] == '\r' || chunk[i] == '\n';
        done += (size_t)(got > 0 ? got : 0);
    }
    if (!rc && !kr->failed && !io)
        rc = xmlParseChunk(ctxt, NULL, 0, 1);
    int why = errno;
    xmlSetStructuredErrorFunc(NULL, NULL);
    int nomem = !(k->data || buf);
    free(buf);
    int wf = ctxt->wellFormed;
    kr->ctxt = NULL;
    xmlFreeParserCtxt(ctxt);
    if (io)
        return nomem ? ion_fail_key(kr->err, kr->name, 0, "err.out_of_memory", "-")
                     : ion_fail_key(kr->err, kr->name, 0, "err.key.read", "%s", strerror(why));
    if (blank)
        return ion_fail_key(kr->err, kr->name, 0, "err.key.empty", "-");
    if (kr->failed)
        return -1;
    if (rc != 0 || !wf)
        return ion_fail_key(kr->err, kr->name, 0, "err.key.not_xml", "-");
    if (!kr->seen_root)
        return ion_fail_key(kr->err, kr->name, 0, "err.key.empty", "-");
    return 0;
}

void kr_reader_free(key_reader *kr)
{
    if (!kr)
        return;
    ion_arena_free(kr->tmp);
    free(kr->rec);
    free(kr->shown);
    free(kr->vars);
    free(kr->psrc);
    free(kr->carries);
    free(kr->tshape);
    free(kr->tparts);
    free(kr->alt_ids);
    free(kr->alt_letters);
    free(kr->mistakes);
    free(kr->feedback);
    free(kr->vals);
    ion_strbuf_release(&kr->text);
    free(kr);
}
