/* Problem files: secure XML reading, XSD validation, and compiling each
 * <problem> into an ion_template. */
#include "template.h"

#include <libxml/tree.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "text.h"
#include "tolerance.h"
#include "xmlsafe.h"

#define MAX_FILE_BYTES (4 << 20)
#define MAX_VARS 128
#define DEFAULT_SIGFIGS 4

/* ---- XML reading ------------------------------------------------------ */

/* Parses data by the rules of xmlsafe.h (no network, no entity loading,
 * no DOCTYPE), at most MAX_FILE_BYTES. */
static xmlDocPtr read_xml(const char *data, size_t len, const char *name, ion_error *err)
{
    if (len > MAX_FILE_BYTES) {
        ion_fail_key(err, name, 0, "err.problem.too_large", "%d", MAX_FILE_BYTES);
        return NULL;
    }
    return ion_xml_read(data, len, name, ION_XML_AS_WRITTEN, err);
}

static int validate(xmlDocPtr doc, const char *xsd_path, const char *name, ion_error *err)
{
    xmlSchemaPtr schema = ion_xml_schema(xsd_path, err);
    if (!schema)
        return -1;
    xmlNodePtr where;
    if (ion_xml_validate(doc, schema, name, ION_XML_AS_WRITTEN, "err.problem.schema", &where, err) == 0)
        return 0;
    /* Name the template the complaint is in, as every other import error
     * does: "template ID: Element '...': ...". */
    for (xmlNodePtr n = where; n; n = n->parent) {
        if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "problem"))
            continue;
        xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
        if (id && *id) {
            ion_error e = *err;
            ion_fail_key(err, e.file, e.line, "err.problem.template", "%s%s", (const char *)id, e.msg);
        }
        xmlFree(id);
        break;
    }
    return -1;
}

/* ---- tree helpers ----------------------------------------------------- */

static int is_elem(xmlNodePtr n, const char *tag)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, tag);
}

/* Text into markup: the XML specials stay escaped so that the markup stays
 * unambiguous. */
static void put_text(ion_strbuf *b, const char *t)
{
    for (; *t; t++) {
        if (*t == '<')
            ion_strbuf_puts(b, "&lt;");
        else if (*t == '>')
            ion_strbuf_puts(b, "&gt;");
        else if (*t == '&')
            ion_strbuf_puts(b, "&amp;");
        else
            ion_strbuf_addch(b, *t);
    }
}

static void put_markup(ion_strbuf *b, xmlNodePtr n)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            put_text(b, (const char *)c->content);
        } else if (is_elem(c, "sub") || is_elem(c, "sup") || is_elem(c, "i") || is_elem(c, "b")) {
            ion_strbuf_puts(b, "<");
            ion_strbuf_puts(b, (const char *)c->name);
            ion_strbuf_puts(b, ">");
            put_markup(b, c);
            ion_strbuf_puts(b, "</");
            ion_strbuf_puts(b, (const char *)c->name);
            ion_strbuf_puts(b, ">");
        }
    }
}

/* b's text with its blank runs squeezed (ion_squeeze_blanks), which the
 * caller frees; NULL when out of memory. */
static char *squeezed(ion_strbuf *b)
{
    char *s = ion_strbuf_detach(b, NULL);
    return s ? ion_squeeze_blanks(s) : NULL;
}

/* An element's inline markup on one line (blank runs as one space,
 * trimmed); the caller frees it. NULL when out of memory. */
static char *markup_of(xmlNodePtr n)
{
    ion_strbuf b = {0};
    put_markup(&b, n);
    return squeezed(&b);
}

/* The plain text content of an element (its expression) on one line, so
 * that messages and keys show it so; the caller frees it. NULL when out of
 * memory. */
static char *text_of(xmlNodePtr n)
{
    ion_strbuf b = {0};
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            ion_strbuf_puts(&b, (const char *)c->content);
    return squeezed(&b);
}

/* ---- building a template ---------------------------------------------- */

typedef struct {
    ion_template *t;
    const char *file;
    ion_error *err;
    int *state;          /* per var: 0 not compiled, 1 compiling, 2 done */
    int failed;          /* a nested let failed: err already says why */
    int oom;             /* an attribute could not be copied (battr) */
} builder;

/* Out of memory while building: the template fails with that message. */
static int oom(builder *b, int line)
{
    b->failed = 1;
    return ion_fail_key(b->err, b->file, line, "err.out_of_memory", "-");
}

/* An attribute's value (caller frees), or NULL. Out of memory (a present
 * attribute not copied) sets b->oom, which the caller checks once it has
 * read its attributes. */
static char *attr(builder *b, xmlNodePtr n, const char *name)
{
    char *v = (char *)xmlGetProp(n, (const xmlChar *)name);
    if (!v && xmlHasProp(n, (const xmlChar *)name))
        b->oom = 1;
    return v;
}

/* A number attribute, dflt when absent (as attr when out of memory). */
static double attr_num(builder *b, xmlNodePtr n, const char *name, double dflt)
{
    char *s = attr(b, n, name);
    double v = s ? strtod(s, NULL) : dflt;
    xmlFree(s);
    return v;
}

/* Fails the template at line with the catalogue's message key (text.h:
 * ion_text_say, sig naming its conversions), after its id. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int tfail(builder *b, int line, const char *key, const char *sig, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, sig);
    ion_text_vsay(msg, sizeof msg, key, sig, ap);
    va_end(ap);
    b->failed = 1;
    ion_fail_key(b->err, b->file, line, "err.problem.in_template", "%s%s", b->t->id ? b->t->id : "?", msg);
    if (b->err)
        b->err->key = key; /* what is wrong, for callers that test it */
    return -1;
}

/* The line of each '{' in the text under n, in document order (the order
 * markup_of keeps them in), counting from *line, the line the text starts
 * on: libxml2 gives a text node the line where it ends. Out of memory:
 * fewer, and lines fall back to the element's. */
static void brace_lines(xmlNodePtr n, int *line, int **lines, size_t *count)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            brace_lines(c, line, lines, count);
            continue;
        }
        if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
            continue;
        for (const char *s = (const char *)c->content; s && *s; s++) {
            *line += *s == '\n';
            if (*s != '{')
                continue;
            int *grown = realloc(*lines, (*count + 1) * sizeof **lines);
            if (!grown)
                return;
            *lines = grown;
            grown[(*count)++] = *line;
        }
    }
}

/* The element's text in its language (xml:lang, inherited; none is
 * English), whichever it is: a reader whose language (a LANG.conf) has
 * the same name gets it. One no catalogue could be named by (ion_i18n_set)
 * is left out. 0, or -1 when out of memory. */
static int add_i18n(builder *b, ion_i18n *t, xmlNodePtr n)
{
    int line = (int)xmlGetLineNo(n);
    xmlChar *lang = xmlNodeGetLang(n);
    const char *name = lang ? (const char *)lang : "en";
    size_t len = strlen(name);
    char *text = markup_of(n);
    ion_i18n_text *e = NULL;
    int rc = !text ? -1 : !ion_i18n_is_lang(name, len) ? 1 : (e = ion_i18n_set(t, name, len, text)) ? 0 : -1;
    xmlFree(lang);
    if (rc < 0) /* ion_i18n_set freed the text */
        return oom(b, line);
    if (rc > 0) {
        free(text);
        return 0;
    }
    e->line = line;
    brace_lines(n, &line, &e->brace_line, &e->nbraces);
    return 0;
}

int ion_template_slot(const ion_template *t, const char *name, size_t len)
{
    for (size_t i = 0; i < t->nvars; i++)
        if (strlen(t->vars[i].name) == len && !memcmp(t->vars[i].name, name, len))
            return (int)i;
    return -1;
}

/* The let an answer asks for when it is just that let's name, else -1. */
int ion_part_asked_let(const ion_template *t, const ion_part *p)
{
    if (p->kind != ION_ANSWER_NUMERIC || !p->answer_src)
        return -1;
    int slot = ion_template_slot(t, p->answer_src, strlen(p->answer_src));
    return slot >= 0 && t->vars[slot].kind == ION_LET ? slot : -1;
}

/* Whether expression e reads slot, directly or through lets. */
static int depends_on(const ion_template *t, const ion_expr *e, int slot, int depth)
{
    int refs[64];
    size_t n = ion_expr_refs(e, refs, 64);
    for (size_t i = 0; i < n && i < 64; i++) {
        if (refs[i] == slot)
            return 1;
        const ion_var *v = &t->vars[refs[i]];
        if (v->kind == ION_LET && depth < 64 && depends_on(t, v->expr, slot, depth + 1))
            return 1;
    }
    return 0;
}

int ion_template_reads(const ion_template *t, const ion_expr *e, int slot)
{
    return depends_on(t, e, slot, 0);
}

static int compile_let(builder *b, size_t slot);

/* Part p's carries (template.h): each earlier part asking for a let that
 * p's answer reads. 0, or -1 when out of memory. */
static int find_carries(builder *b, ion_part *p)
{
    const ion_template *t = b->t;
    size_t k = (size_t)(p - t->parts);
    for (size_t j = 0; j < k; j++) {
        int slot = ion_part_asked_let(t, &t->parts[j]);
        if (slot < 0 || !ion_template_reads(t, p->answer, slot))
            continue;
        ion_carry *c = realloc(p->carries, (p->ncarries + 1) * sizeof *c);
        if (!c) {
            b->failed = 1;
            return ion_fail_key(b->err, b->file, p->line, "err.out_of_memory", "-");
        }
        p->carries = c;
        p->carries[p->ncarries++] = (ion_carry){j, (size_t)slot};
    }
    return 0;
}

/* The resolver: a let is compiled when first used, so lets may come in
 * any order; a let met while it is being compiled is a cycle. */
static int resolve(void *ctx, const char *name, size_t len, ion_type *type)
{
    builder *b = ctx;
    int slot = ion_template_slot(b->t, name, len);
    if (slot < 0)
        return -1;
    ion_var *v = &b->t->vars[slot];
    *type = ION_T_NUM;
    if (v->kind != ION_LET)
        return slot;
    if (b->state[slot] == 1) {
        tfail(b, v->line, "err.problem.let_cycle", "%s", v->name);
        return -1;
    }
    if (b->state[slot] == 0 && compile_let(b, (size_t)slot) < 0)
        return -1;
    *type = ion_expr_type(v->expr);
    return slot;
}

/* A param's or a let's dimension is its declared unit's (a let's
 * expression is checked against it). */
static int slot_dim(void *ctx, int slot, ion_dimension *dim)
{
    builder *b = ctx;
    *dim = ion_dim_vector(b->t->vars[slot].unit->dim);
    return 0;
}

static ion_expr *compile(builder *b, const char *src, int line, const char *what)
{
    ion_error e = {0};
    ion_expr *x = ion_expr_compile_dim(src, resolve, slot_dim, b, &e);
    if (!x && !b->failed)
        tfail(b, line + e.line - 1, "err.problem.expr", "%s%s", what, e.msg);
    return x;
}

/* A number that will be shown in `unit` must have its dimension. */
static int want_dim(builder *b, const ion_expr *x, const ion_unit *unit, int line, const char *what,
                    const char *src)
{
    ion_dimension got, want = ion_dim_vector(unit->dim);
    if (ion_expr_type(x) != ION_T_NUM || ion_expr_dimension(x, &got) < 0 || ion_dimension_eq(got, want))
        return 0;
    char g[80], w[80];
    ion_text_dimension(got, g, sizeof g);
    ion_text_dimension(want, w, sizeof w);
    return tfail(b, line, "err.problem.unit_dim", "%s%s%s%s%s", what, src, g,
                 unit->name[0] && strcmp(unit->name, "1") ? unit->name : ion_text_phrase("err.problem.no_unit"), w);
}

static int compile_let(builder *b, size_t slot)
{
    ion_var *v = &b->t->vars[slot];
    char what[96];
    ion_text_say(what, sizeof what, "err.problem.what_let", "%s", v->name);
    b->state[slot] = 1;
    v->expr = compile(b, v->src, v->line, what);
    if (!v->expr || want_dim(b, v->expr, v->unit, v->line, what, v->src))
        return -1;
    b->state[slot] = 2;
    b->t->let_order[b->t->nlets++] = slot;
    return 0;
}

/* Places shown after the decimal point in a number as written. */
static int decimals_of(const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot)
        return 0;
    int n = 0;
    while (dot[1 + n] >= '0' && dot[1 + n] <= '9')
        n++;
    return n;
}

static int parse_number(builder *b, int line, const char *what, const char *s, double *v)
{
    char *end;
    *v = strtod(s, &end);
    if (end == s || *end || !isfinite(*v))
        return tfail(b, line, "err.problem.not_number", "%s%s", what, s);
    return 0;
}

static int add_param(builder *b, xmlNodePtr n)
{
    ion_var *v = &b->t->vars[b->t->nvars];
    int line = xmlGetLineNo(n);
    char *name = attr(b, n, "name"), *unit = attr(b, n, "unit"), *min = attr(b, n, "min"),
         *max = attr(b, n, "max"), *step = attr(b, n, "step"), *values = attr(b, n, "values"),
         *value = attr(b, n, "value"), *digits = attr(b, n, "digits");
    int rc = -1;
    memset(v, 0, sizeof *v);
    v->name = strdup(name ? name : "");
    v->line = line;
    b->t->nvars++;
    if (b->oom || !v->name) {
        oom(b, line);
        goto cleanup;
    }
    v->unit = ion_unit_find(unit ? unit : "1");
    if (!v->unit) {
        tfail(b, line, "err.problem.param_unit", "%s%s", v->name, unit);
        goto cleanup;
    }
    v->digits = digits ? atoi(digits) : 0;
    int forms = (min || max || step) + !!values + !!value;
    if (forms != 1 || ((min || max || step) && !(min && max && step))) {
        tfail(b, line, "err.problem.param_forms", "%s", v->name);
        goto cleanup;
    }
    if (min) {
        v->kind = ION_PARAM_RANGE;
        if (parse_number(b, line, "min", min, &v->min) || parse_number(b, line, "max", max, &v->max) ||
            parse_number(b, line, "step", step, &v->step))
            goto cleanup;
        if (!(v->step > 0) || v->max < v->min || (v->max - v->min) / v->step > 1e9) {
            tfail(b, line, "err.problem.param_range", "%s%s%s%s", v->name, min, max, step);
            goto cleanup;
        }
        v->decimals = decimals_of(min) > decimals_of(step) ? decimals_of(min) : decimals_of(step);
    } else {
        const char *list = values ? values : value;
        v->kind = values ? ION_PARAM_LIST : ION_PARAM_FIXED;
        char *copy = strdup(list), *save = NULL;
        if (!copy) {
            oom(b, line);
            goto cleanup;
        }
        for (char *tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
            double *p = realloc(v->values, (v->nvalues + 1) * sizeof *p);
            if (!p) {
                free(copy);
                oom(b, line);
                goto cleanup;
            }
            v->values = p;
            if (parse_number(b, line, "value", tok, &v->values[v->nvalues])) {
                free(copy);
                goto cleanup;
            }
            v->nvalues++;
            if (decimals_of(tok) > v->decimals)
                v->decimals = decimals_of(tok);
        }
        free(copy);
        if (!v->nvalues) {
            tfail(b, line, "err.problem.param_no_values", "%s", v->name);
            goto cleanup;
        }
    }
    rc = 0;
cleanup:
    xmlFree(name), xmlFree(unit), xmlFree(min), xmlFree(max), xmlFree(step);
    xmlFree(values), xmlFree(value), xmlFree(digits);
    return rc;
}

static int add_let(builder *b, xmlNodePtr n)
{
    ion_var *v = &b->t->vars[b->t->nvars++];
    char *name = attr(b, n, "name"), *unit = attr(b, n, "unit"), *digits = attr(b, n, "digits");
    memset(v, 0, sizeof *v);
    v->kind = ION_LET;
    v->name = strdup(name ? name : "");
    v->line = xmlGetLineNo(n);
    v->src = text_of(n);
    v->digits = digits ? atoi(digits) : 3;
    v->unit = ion_unit_find(unit ? unit : "1");
    int rc = b->oom || !v->name || !v->src ? oom(b, v->line)
             : v->unit                      ? 0
                                            : tfail(b, v->line, "err.problem.let_unit", "%s%s", v->name, unit);
    xmlFree(name), xmlFree(unit), xmlFree(digits);
    return rc;
}

/* Child c of part p: its text, a choice, an option, the answer or a
 * mistake. 0, or -1 when out of memory. */
static int add_part_child(builder *b, ion_part *p, xmlNodePtr c)
{
    int line = (int)xmlGetLineNo(c);
    if (is_elem(c, "text"))
        return add_i18n(b, &p->text, c);
    if (is_elem(c, "choice")) {
        char **ids = realloc(p->choices, (p->nchoices + 1) * sizeof *ids);
        if (!ids)
            return oom(b, line);
        p->choices = ids;
        p->choices[p->nchoices++] = attr(b, c, "id");
        return b->oom ? oom(b, line) : 0;
    }
    if (is_elem(c, "option")) {
        ion_option *o = realloc(p->options, (p->noptions + 1) * sizeof *o);
        if (!o)
            return oom(b, line);
        p->options = o;
        o = &p->options[p->noptions++];
        memset(o, 0, sizeof *o);
        o->id = attr(b, c, "id");
        o->correct = attr_num(b, c, "correct", 0) == 1;
        if (b->oom)
            return oom(b, line);
        for (xmlNodePtr t = c->children; t; t = t->next)
            if (is_elem(t, "text") && add_i18n(b, &o->text, t))
                return -1;
        return 0;
    }
    if (is_elem(c, "answer")) {
        free(p->answer_src);
        return (p->answer_src = text_of(c)) ? 0 : oom(b, line);
    }
    if (is_elem(c, "mistake")) {
        ion_mistake *m = realloc(p->mistakes, (p->nmistakes + 1) * sizeof *m);
        if (!m)
            return oom(b, line);
        p->mistakes = m;
        m = &p->mistakes[p->nmistakes++];
        memset(m, 0, sizeof *m);
        m->line = line;
        m->src = text_of(c);
        m->credit = attr_num(b, c, "credit", 0);
        if (!m->src || b->oom)
            return oom(b, line);
        for (xmlNodePtr f = c->children; f; f = f->next)
            if (is_elem(f, "feedback") && add_i18n(b, &m->feedback, f))
                return -1;
    }
    return 0;
}

/* Reads a part's attributes and children; expressions are compiled later,
 * once every let is known. */
static int add_part(builder *b, xmlNodePtr n)
{
    ion_part *p = &b->t->parts[b->t->nparts++];
    memset(p, 0, sizeof *p);
    p->line = xmlGetLineNo(n);
    char *id = attr(b, n, "id"), *kind = attr(b, n, "kind"), *unit = attr(b, n, "unit");
    snprintf(p->id, sizeof p->id, "%s", id ? id : "?");
    p->kind = !kind || !strcmp(kind, "numeric") ? ION_ANSWER_NUMERIC
              : !strcmp(kind, "choice") ? ION_ANSWER_CHOICE : ION_ANSWER_MCQ;
    p->points = attr_num(b, n, "points", 1);
    p->tol_abs = attr_num(b, n, "tol-abs", 0);
    p->tol_rel = attr_num(b, n, "tol-rel", 0);
    char *tol = attr(b, n, "tol");
    p->tol_auto = tol && !strcmp(tol, "auto");
    xmlFree(tol);
    p->sigfigs = (int)attr_num(b, n, "sigfigs", DEFAULT_SIGFIGS);
    char *plaus = attr(b, n, "plausible");
    if (plaus) {
        char *end;
        p->plausible_lo = strtod(plaus, &end);
        p->plausible_hi = strtod(end, &end);
        p->has_plausible = 1;
        int bad = !(p->plausible_lo < p->plausible_hi);
        xmlFree(plaus);
        if (bad)
            return tfail(b, p->line, "err.problem.plausible", "%s", p->id);
    }
    p->slip_credit = attr_num(b, n, "slip-credit", ION_SLIP_CREDIT);
    p->sign_credit = attr_num(b, n, "sign-credit", ION_SIGN_CREDIT);
    p->unit = ion_unit_find(unit ? unit : "1");
    int rc = 0;
    if (b->oom)
        rc = oom(b, p->line);
    else if (!p->unit)
        rc = tfail(b, p->line, "err.problem.part_unit", "%s%s", p->id, unit);
    xmlFree(id), xmlFree(kind), xmlFree(unit);
    for (xmlNodePtr c = n->children; !rc && c; c = c->next)
        rc = add_part_child(b, p, c);
    return rc;
}

/* {name} placeholders must name a param or let. A bad one is reported at
 * the line of its own text element (line: where that is not known). */
static int check_placeholders(builder *b, const ion_i18n *t, int line)
{
    for (size_t i = 0; i < t->n; i++) {
        const ion_i18n_text *e = &t->v[i];
        size_t k = 0;
        for (const char *s = e->text; s && (s = strchr(s, '{')); s++, k++) {
            int at = k < e->nbraces ? e->brace_line[k] : e->line > 0 ? e->line : line;
            const char *close = strchr(s, '}');
            if (!close)
                return tfail(b, at, "err.problem.unclosed_brace", "-");
            if (ion_template_slot(b->t, s + 1, (size_t)(close - s - 1)) < 0)
                return tfail(b, at, "err.problem.placeholder", "%.*s", (int)(close - s - 1), s + 1);
        }
    }
    return 0;
}

/* The phrase that names a type in an error (err.problem.type_*). */
static const char *type_key(ion_type t)
{
    return t == ION_T_STR ? "err.problem.type_choice" : t == ION_T_BOOL ? "err.problem.type_condition"
                                                                         : "err.problem.type_number";
}

static int want_type(builder *b, ion_expr *e, ion_type want, int line, const char *what)
{
    ion_type got = ion_expr_type(e);
    if (got == want || (want == ION_T_BOOL && got == ION_T_NUM))
        return 0;
    return tfail(b, line, "err.problem.type", "%s%s%s", what, ion_text_phrase(type_key(got)),
                 ion_text_phrase(type_key(want)));
}

static int compile_part(builder *b, ion_part *p)
{
    char what[64];
    if (!ion_i18n_only(&p->text, "en"))
        return tfail(b, p->line, "err.problem.part_no_text", "%s", p->id);
    if (check_placeholders(b, &p->text, p->line))
        return -1;
    if (p->kind == ION_ANSWER_MCQ) {
        int correct = 0;
        for (size_t i = 0; i < p->noptions; i++) {
            correct += p->options[i].correct;
            if (!ion_i18n_only(&p->options[i].text, "en"))
                return tfail(b, p->line, "err.problem.option_no_text", "%s%s", p->id, p->options[i].id);
        }
        if (p->noptions < 2 || correct != 1)
            return tfail(b, p->line, "err.problem.mcq_options", "%s", p->id);
        if (p->answer_src || p->nmistakes || p->nchoices)
            return tfail(b, p->line, "err.problem.mcq_only", "%s", p->id);
        return 0;
    }
    if (!p->answer_src)
        return tfail(b, p->line, "err.problem.no_answer", "%s", p->id);
    ion_type want = p->kind == ION_ANSWER_NUMERIC ? ION_T_NUM : ION_T_STR;
    if (p->kind == ION_ANSWER_CHOICE && p->nchoices < 2)
        return tfail(b, p->line, "err.problem.choices", "%s", p->id);
    if (p->kind == ION_ANSWER_NUMERIC && (p->noptions || p->nchoices))
        return tfail(b, p->line, "err.problem.numeric_choices", "%s", p->id);
    if (p->kind == ION_ANSWER_NUMERIC && !p->tol_auto && !(p->tol_abs > 0 || p->tol_rel > 0))
        return tfail(b, p->line, "err.problem.numeric_tol", "%s", p->id);
    ion_text_say(what, sizeof what, "err.problem.what_answer", "%s", p->id);
    p->answer = compile(b, p->answer_src, p->line, what);
    if (!p->answer || want_type(b, p->answer, want, p->line, what) ||
        want_dim(b, p->answer, p->unit, p->line, what, p->answer_src) || find_carries(b, p) < 0)
        return -1;
    if (p->tol_auto && (p->kind != ION_ANSWER_NUMERIC || !ion_tolerance_inputs(b->t, (size_t)(p - b->t->parts))))
        return tfail(b, p->line, "err.problem.tol_auto", "%s", p->id);
    for (size_t i = 0; i < p->nmistakes; i++) {
        ion_mistake *m = &p->mistakes[i];
        ion_text_say(what, sizeof what, "err.problem.what_mistake", "%s", p->id);
        m->expr = compile(b, m->src, m->line, what);
        if (!m->expr || want_type(b, m->expr, want, m->line, what) ||
            want_dim(b, m->expr, p->unit, m->line, what, m->src))
            return -1;
        if (!ion_i18n_only(&m->feedback, "en"))
            return tfail(b, m->line, "err.problem.mistake_no_text", "%s", p->id);
        if (check_placeholders(b, &m->feedback, m->line))
            return -1;
    }
    return 0;
}

/* The problem element as a document of its own, for the bank to store;
 * NULL when out of memory. */
static char *standalone_source(xmlNodePtr problem)
{
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr copy = doc ? xmlDocCopyNode(problem, doc, 1) : NULL;
    xmlChar *mem = NULL;
    int len = 0;
    if (copy) {
        xmlDocSetRootElement(doc, copy);
        xmlReconciliateNs(doc, copy);
        xmlDocDumpMemoryEnc(doc, &mem, &len, "UTF-8");
    }
    xmlFreeDoc(doc);
    char *s = mem ? strndup((const char *)mem, (size_t)len) : NULL;
    xmlFree(mem);
    return s;
}

static ion_template *build(xmlNodePtr n, const char *file, ion_error *err)
{
    ion_template *t = calloc(1, sizeof *t);
    if (!t) {
        ion_fail_key(err, file, (int)xmlGetLineNo(n), "err.out_of_memory", "-");
        return NULL;
    }
    int state[MAX_VARS] = {0};
    builder b = {t, file, err, state, 0, 0};
    size_t nvars = 0, nparts = 0, nreq = 0;
    t->id = attr(&b, n, "id");
    t->topic = attr(&b, n, "topic");
    t->difficulty = (int)attr_num(&b, n, "difficulty", 1);
    t->file = strdup(file);
    t->line = xmlGetLineNo(n);
    if (b.oom || !t->file) {
        oom(&b, t->line);
        goto fail;
    }
    for (xmlNodePtr c = n->children; c; c = c->next) {
        nvars += is_elem(c, "param") || is_elem(c, "let");
        nparts += is_elem(c, "part");
        nreq += is_elem(c, "require");
    }
    if (nvars > MAX_VARS) {
        tfail(&b, t->line, "err.problem.too_many_vars", "%d", MAX_VARS);
        goto fail;
    }
    t->vars = calloc(nvars + 1, sizeof *t->vars);
    t->let_order = calloc(nvars + 1, sizeof *t->let_order);
    t->parts = calloc(nparts + 1, sizeof *t->parts);
    t->requires = calloc(nreq + 1, sizeof *t->requires);
    if (!t->vars || !t->let_order || !t->parts || !t->requires) {
        oom(&b, t->line);
        goto fail;
    }
    for (xmlNodePtr c = n->children; c; c = c->next) {
        int rc = 0;
        if (is_elem(c, "title"))
            rc = add_i18n(&b, &t->title, c);
        else if (is_elem(c, "text"))
            rc = add_i18n(&b, &t->text, c);
        else if (is_elem(c, "hint"))
            rc = add_i18n(&b, &t->hint, c);
        else if (is_elem(c, "solution"))
            rc = add_i18n(&b, &t->solution, c);
        else if (is_elem(c, "param"))
            rc = add_param(&b, c);
        else if (is_elem(c, "let"))
            rc = add_let(&b, c);
        else if (is_elem(c, "part"))
            rc = add_part(&b, c);
        else if (is_elem(c, "require")) {
            ion_cond *r = &t->requires[t->nrequires++];
            r->src = text_of(c);
            r->line = xmlGetLineNo(c);
            rc = r->src ? 0 : oom(&b, r->line);
        }
        if (rc)
            goto fail;
    }
    if (!ion_i18n_only(&t->title, "en")) {
        tfail(&b, t->line, "err.problem.no_title", "-");
        goto fail;
    }
    for (size_t i = 0; i < t->nvars; i++) {
        const char *nm = t->vars[i].name;
        if (ion_expr_reserved(nm, strlen(nm))) {
            tfail(&b, t->vars[i].line, "err.problem.reserved", "%s", nm);
            goto fail;
        }
        if (ion_template_slot(t, nm, strlen(nm)) != (int)i) {
            tfail(&b, t->vars[i].line, "err.problem.defined_twice", "%s", nm);
            goto fail;
        }
    }
    for (size_t i = 0; i < t->nparts; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(t->parts[i].id, t->parts[j].id)) {
                tfail(&b, t->parts[i].line, "err.problem.part_twice", "%s", t->parts[i].id);
                goto fail;
            }
    for (size_t i = 0; i < t->nvars; i++)
        if (t->vars[i].kind == ION_LET && state[i] == 0 && compile_let(&b, i) < 0)
            goto fail;
    for (size_t i = 0; i < t->nrequires; i++) {
        ion_cond *r = &t->requires[i];
        r->expr = compile(&b, r->src, r->line, "require");
        if (!r->expr || want_type(&b, r->expr, ION_T_BOOL, r->line, "require"))
            goto fail;
    }
    for (size_t i = 0; i < t->nparts; i++)
        if (compile_part(&b, &t->parts[i]))
            goto fail;
    const ion_i18n *texts[] = {&t->text, &t->hint, &t->solution};
    for (size_t i = 0; i < 3; i++)
        if (check_placeholders(&b, texts[i], t->line))
            goto fail;
    if ((t->source = standalone_source(n)))
        return t;
    oom(&b, t->line);
fail:
    ion_template_free(t);
    return NULL;
}

/* Appends the n templates of items to l, which then owns them. 0, or -1
 * when out of memory (l as it was, the templates still the caller's). */
static int list_add(ion_template_list *l, ion_template *const *items, size_t n)
{
    ion_template **p = realloc(l->items, (l->n + n + 1) * sizeof *p);
    if (!p)
        return -1;
    l->items = p;
    for (size_t i = 0; i < n; i++)
        l->items[l->n++] = items[i];
    return 0;
}

int ion_templates_parse(const char *data, size_t len, const char *name,
                        const char *xsd_path, ion_template_list *out,
                        ion_error *err)
{
    xmlDocPtr doc = read_xml(data, len, name, err);
    if (!doc)
        return -1;
    int rc = -1;
    ion_template_list got = {0};
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || !root->ns || strcmp((const char *)root->ns->href, "urn:ionsheet:problem:1")) {
        ion_fail_key(err, name, root ? xmlGetLineNo(root) : 0, "err.problem.namespace", "-");
        goto cleanup;
    }
    if (xsd_path && validate(doc, xsd_path, name, err))
        goto cleanup;
    if (is_elem(root, "problem")) {
        ion_template *t = build(root, name, err);
        if (!t)
            goto cleanup;
        if (list_add(&got, &t, 1)) {
            ion_template_free(t);
            goto oom;
        }
    } else {
        for (xmlNodePtr c = root->children; c; c = c->next) {
            if (!is_elem(c, "problem"))
                continue;
            ion_template *t = build(c, name, err);
            if (!t)
                goto cleanup;
            for (size_t i = 0; i < got.n + out->n; i++) {
                const ion_template *o = i < got.n ? got.items[i] : out->items[i - got.n];
                if (!strcmp(o->id, t->id)) {
                    ion_fail_key(err, name, t->line, "err.problem.id_twice", "%s", t->id);
                    ion_template_free(t);
                    goto cleanup;
                }
            }
            if (list_add(&got, &t, 1)) {
                ion_template_free(t);
                goto oom;
            }
        }
    }
    if (list_add(out, got.items, got.n))
        goto oom;
    got.n = 0;
    rc = 0;
    goto cleanup;
oom:
    ion_fail_key(err, name, 0, "err.out_of_memory", "-");
cleanup:
    ion_template_list_release(&got);
    xmlFreeDoc(doc);
    return rc;
}

int ion_templates_load(const char *path, const char *xsd_path,
                       ion_template_list *out, ion_error *err)
{
    ion_strbuf data = {0};
    int rc = -1;
    switch (ion_strbuf_read_file(&data, path, MAX_FILE_BYTES)) {
    case ION_READ_OK:
        rc = ion_templates_parse(data.s, data.len, path, xsd_path, out, err);
        break;
    case ION_READ_OPEN:
        ion_fail_key(err, path, 0, "err.problem.open", "-");
        break;
    case ION_READ_TOO_LARGE:
        ion_fail_key(err, path, 0, "err.problem.too_large", "%d", MAX_FILE_BYTES);
        break;
    default:
        ion_fail_key(err, path, 0, "err.problem.read", "-");
    }
    ion_strbuf_release(&data);
    return rc;
}

void ion_template_free(ion_template *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nvars; i++) {
        free(t->vars[i].name);
        free(t->vars[i].values);
        free(t->vars[i].src);
        ion_expr_free(t->vars[i].expr);
    }
    for (size_t i = 0; i < t->nrequires; i++) {
        free(t->requires[i].src);
        ion_expr_free(t->requires[i].expr);
    }
    for (size_t i = 0; i < t->nparts; i++) {
        ion_part *p = &t->parts[i];
        ion_i18n_release(&p->text);
        for (size_t k = 0; k < p->nchoices; k++)
            xmlFree(p->choices[k]);
        free(p->choices);
        for (size_t k = 0; k < p->noptions; k++) {
            xmlFree(p->options[k].id);
            ion_i18n_release(&p->options[k].text);
        }
        free(p->options);
        free(p->answer_src);
        ion_expr_free(p->answer);
        for (size_t k = 0; k < p->nmistakes; k++) {
            free(p->mistakes[k].src);
            ion_expr_free(p->mistakes[k].expr);
            ion_i18n_release(&p->mistakes[k].feedback);
        }
        free(p->mistakes);
        free(p->carries);
    }
    xmlFree(t->id);
    xmlFree(t->topic);
    ion_i18n_release(&t->title);
    ion_i18n_release(&t->text);
    ion_i18n_release(&t->hint);
    ion_i18n_release(&t->solution);
    free(t->vars);
    free(t->let_order);
    free(t->requires);
    free(t->parts);
    free(t->source);
    free(t->file);
    free(t);
}

void ion_template_list_release(ion_template_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        ion_template_free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}
