/* The XML answer key (schema/answer-key.xsd), written as a stream: one
 * student at a time, so a class of any size needs no more memory. Each
 * student's elements are built in memory and written with one fwrite, and
 * numbers are formatted by ion_fmt_g (the same bytes as printf's %.10g):
 * for a large class this file was most of the time of `generate --no-pdf`. */
#include "render.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "strbuf.h"

/* Characters that an attribute or text needs escaped, with their escapes;
 * other control characters are dropped (not allowed in XML). */
static const char *const escapes[128] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\n'] = "&#10;", ['\t'] = "&#9;",
    [1] = "", [2] = "", [3] = "", [4] = "", [5] = "", [6] = "", [7] = "", [8] = "", [11] = "", [12] = "",
    ['\r'] = "", [14] = "", [15] = "", [16] = "", [17] = "", [18] = "", [19] = "", [20] = "", [21] = "",
    [22] = "", [23] = "", [24] = "", [25] = "", [26] = "", [27] = "", [28] = "", [29] = "", [30] = "", [31] = "",
};

/* Appends s with the XML specials escaped (attribute-safe), in runs. */
static void put_escaped(ion_strbuf *b, const char *s)
{
    for (;;) {
        const char *run = s;
        while ((unsigned char)*s >= 128 || !escapes[(unsigned char)*s])
            if (!*s++) {
                ion_strbuf_add(b, run, (size_t)(s - 1 - run));
                return;
            }
        ion_strbuf_add(b, run, (size_t)(s - run));
        ion_strbuf_puts(b, escapes[(unsigned char)*s++]);
    }
}

/* Appends ` name="` (name is a literal), the escaped value and `"`. */
static void attr(ion_strbuf *b, const char *name, const char *value)
{
    ion_strbuf_puts(b, name);
    put_escaped(b, value);
    ion_strbuf_addch(b, '"');
}

/* The same with a number, as %.10g. */
static void attr_num(ion_strbuf *b, const char *name, double v)
{
    char num[48];
    ion_strbuf_puts(b, name);
    ion_strbuf_add(b, num, (size_t)ion_fmt_g(num, sizeof num, 10, v));
    ion_strbuf_addch(b, '"');
}

/* Appends an unsigned number in decimal. */
static void put_uint(ion_strbuf *b, unsigned long long n)
{
    char d[24], *p = d + sizeof d;
    do
        *--p = (char)('0' + n % 10);
    while (n /= 10);
    ion_strbuf_add(b, p, (size_t)(d + sizeof d - p));
}

/* A feedback text as the key writes it (plain, escaped), kept by the
 * markup's address: a template's texts live as long as the worksheet. */
typedef struct {
    const char *markup;
    char *text;
    size_t len;
} cached_text;

struct ion_key_writer {
    FILE *f;
    cached_text *cache; /* open addressing on the address; cap a power of 2 */
    size_t ncache, cap;
    ion_strbuf out, tmp;
};

/* Writes what b holds; 0 or -1. */
static int flush(FILE *f, ion_strbuf *b)
{
    int bad = b->oom || fwrite(b->s, 1, b->len, f) != b->len;
    ion_strbuf_release(b);
    return bad || ferror(f) ? -1 : 0;
}

ion_key_writer *ion_key_begin(FILE *f, const ion_worksheet *w)
{
    ion_key_writer *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->f = f;
    ion_strbuf b = {0};
    ion_strbuf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<answer-key xmlns=\"urn:ionsheet:answer-key:1\"");
    attr(&b, " worksheet=\"", w->ws.name);
    attr(&b, " course=\"", w->ws.course);
    attr(&b, " title=\"", w->ws.title);
    if (w->ws.due)
        attr(&b, " due=\"", w->ws.due);
    attr_num(&b, " max=\"", w->max_points);
    ion_strbuf_puts(&b, ">\n");
    if (flush(f, &b)) {
        free(k);
        return NULL;
    }
    return k;
}

int ion_key_end(ion_key_writer *k)
{
    if (!k)
        return -1;
    fputs("</answer-key>\n", k->f);
    int rc = ferror(k->f) ? -1 : 0;
    for (size_t i = 0; i < k->cap; i++)
        free(k->cache[i].text);
    free(k->cache);
    ion_strbuf_release(&k->out);
    ion_strbuf_release(&k->tmp);
    free(k);
    return rc;
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

/* Markup with values substituted, as plain text and escaped (feedback
 * for files). Markup without {name} is the same for every student: it is
 * worked out once and kept. */
static void put_plain(ion_key_writer *k, const ion_instance *in, const char *markup)
{
    ion_strbuf *o = &k->out, *b = &k->tmp;
    int constant = strchr(markup, '{') == NULL;
    size_t slot = 0;
    if (constant && k->cap) {
        slot = ((uintptr_t)markup >> 3) & (k->cap - 1);
        while (k->cache[slot].markup && k->cache[slot].markup != markup)
            slot = (slot + 1) & (k->cap - 1);
        if (k->cache[slot].markup) {
            ion_strbuf_add(o, k->cache[slot].text, k->cache[slot].len);
            return;
        }
    }
    ion_strbuf_reset(b);
    if (ion_instance_plain(in, markup, b) != 0)
        return;
    size_t start = o->len;
    put_escaped(o, b->s);
    if (!constant || o->oom)
        return;
    if (2 * (k->ncache + 1) > k->cap) { /* grow, then find the slot again */
        size_t cap = k->cap ? 2 * k->cap : 64;
        cached_text *c = calloc(cap, sizeof *c);
        if (!c)
            return;
        for (size_t i = 0; i < k->cap; i++) {
            if (!k->cache[i].markup)
                continue;
            size_t j = ((uintptr_t)k->cache[i].markup >> 3) & (cap - 1);
            while (c[j].markup)
                j = (j + 1) & (cap - 1);
            c[j] = k->cache[i];
        }
        free(k->cache);
        k->cache = c;
        k->cap = cap;
        slot = ((uintptr_t)markup >> 3) & (cap - 1);
        while (k->cache[slot].markup)
            slot = (slot + 1) & (cap - 1);
    }
    size_t len = o->len - start;
    char *text = malloc(len + 1);
    if (!text)
        return;
    memcpy(text, o->s + start, len);
    k->cache[slot].markup = markup;
    k->cache[slot].text = text;
    k->cache[slot].len = len;
    k->ncache++;
}

/* "1a": the problem's number and the part's id. */
static void put_part_id(ion_strbuf *b, size_t i, const char *id)
{
    put_uint(b, i + 1);
    ion_strbuf_puts(b, id);
}

static void write_part(ion_key_writer *kw, const ion_student_sheet *s, size_t i, size_t k)
{
    ion_strbuf *o = &kw->out;
    const ion_instance *in = &s->inst[i];
    const ion_template *t = in->t;
    const ion_part *p = &t->parts[k];
    const ion_part_inst *pi = &in->parts[k];
    static const char *const kinds[] = {"numeric", "choice", "mcq"};
    ion_strbuf_puts(o, "      <part id=\"");
    put_part_id(o, i, p->id);
    ion_strbuf_puts(o, "\" kind=\"");
    ion_strbuf_puts(o, kinds[p->kind]);
    ion_strbuf_addch(o, '"');
    if (p->kind == ION_ANSWER_NUMERIC) {
        attr_num(o, " value=\"", ion_from_si(p->unit, pi->answer.num));
        attr(o, " unit=\"", p->unit->name);
        attr_num(o, " tol-abs=\"", p->tol_abs);
        attr_num(o, " tol-rel=\"", p->tol_rel);
        ion_strbuf_puts(o, " sigfigs=\"");
        if (p->sigfigs < 0)
            ion_strbuf_addch(o, '-');
        put_uint(o, (unsigned long long)(p->sigfigs < 0 ? -(long long)p->sigfigs : p->sigfigs));
        ion_strbuf_addch(o, '"');
    } else if (p->kind == ION_ANSWER_CHOICE) {
        attr(o, " value=\"", pi->answer.str);
    } else {
        ion_strbuf_puts(o, " value=\"");
        ion_strbuf_addch(o, pi->letter);
        ion_strbuf_addch(o, '"');
    }
    attr_num(o, " points=\"", ion_worksheet_part_points(s->w, i, k));
    if (p->answer_src)
        attr(o, " expr=\"", p->answer_src);
    ion_strbuf_puts(o, ">\n");
    for (size_t c = 0; c < p->nchoices; c++) {
        attr(o, "        <choice id=\"", p->choices[c]);
        ion_strbuf_puts(o, "/>\n");
    }
    for (size_t n = 0; n < p->noptions && n < ION_MAX_OPTIONS; n++) {
        ion_strbuf_puts(o, "        <option letter=\"");
        ion_strbuf_addch(o, (char)('A' + n));
        attr(o, "\" id=\"", p->options[pi->order[n]].id);
        ion_strbuf_puts(o, "/>\n");
    }
    for (size_t m = 0; m < p->nmistakes; m++) {
        if (!pi->mistake_ok[m])
            continue;
        if (p->kind == ION_ANSWER_NUMERIC)
            attr_num(o, "        <mistake value=\"", ion_from_si(p->unit, pi->mistakes[m].num));
        else
            attr(o, "        <mistake value=\"", pi->mistakes[m].str);
        attr_num(o, " credit=\"", p->mistakes[m].credit);
        ion_strbuf_addch(o, '>');
        const ion_i18n *fb = &p->mistakes[m].feedback;
        const char *opens[] = {"<feedback xml:lang=\"en\">", "<feedback xml:lang=\"zh\">"};
        const char *texts[] = {fb->en, fb->zh};
        for (int l = 0; l < 2; l++) {
            if (!texts[l])
                continue;
            ion_strbuf_puts(o, opens[l]);
            put_plain(kw, in, texts[l]);
            ion_strbuf_puts(o, "</feedback>");
        }
        ion_strbuf_puts(o, "</mistake>\n");
    }
    /* Carried forward: an earlier part asked for a let this answer uses. */
    for (size_t j = 0; j < k && p->answer; j++) {
        int slot = ion_part_asked_let(t, &t->parts[j]);
        if (slot >= 0 && depends_on(t, p->answer, slot, 0)) {
            ion_strbuf_puts(o, "        <carry from=\"");
            put_part_id(o, i, t->parts[j].id);
            attr(o, "\" let=\"", t->vars[slot].name);
            ion_strbuf_puts(o, "/>\n");
        }
    }
    ion_strbuf_puts(o, "      </part>\n");
}

int ion_key_student(ion_key_writer *k, const ion_student_sheet *s)
{
    ion_strbuf_reset(&k->out);
    ion_strbuf *o = &k->out;
    attr(o, "  <student id=\"", s->id);
    attr(o, " name=\"", s->name);
    ion_strbuf_puts(o, ">\n");
    for (size_t i = 0; i < s->w->ws.n; i++) {
        const ion_instance *in = &s->inst[i];
        const ion_template *t = in->t;
        ion_strbuf_puts(o, "    <problem n=\"");
        put_uint(o, i + 1);
        attr(o, "\" template=\"", t->id);
        ion_strbuf_puts(o, " version=\"");
        int version = s->w->ws.problems[i].version;
        if (version < 0)
            ion_strbuf_addch(o, '-');
        put_uint(o, (unsigned long long)(version < 0 ? -(long long)version : version));
        ion_strbuf_puts(o, "\" seed=\"");
        put_uint(o, (unsigned long long)in->seed);
        ion_strbuf_puts(o, "\">\n");
        for (size_t v = 0; v < t->nvars; v++) {
            if (t->vars[v].kind == ION_LET)
                continue;
            char shown[64];
            attr(o, "      <param name=\"", t->vars[v].name);
            attr(o, " value=\"", ion_instance_value(in, (int)v, shown, sizeof shown));
            attr(o, " unit=\"", t->vars[v].unit->name);
            ion_strbuf_puts(o, "/>\n");
        }
        for (size_t l = 0; l < t->nlets; l++) {
            const ion_var *v = &t->vars[t->let_order[l]];
            const ion_val *x = &in->vals[t->let_order[l]];
            attr(o, "      <let name=\"", v->name);
            if (x->type == ION_T_STR)
                attr(o, " value=\"", x->str);
            else
                attr_num(o, " value=\"", ion_from_si(v->unit, x->num));
            attr(o, " unit=\"", v->unit->name);
            attr(o, " expr=\"", v->src);
            ion_strbuf_puts(o, "/>\n");
        }
        for (size_t p = 0; p < t->nparts; p++)
            write_part(k, s, i, p);
        ion_strbuf_puts(o, "    </problem>\n");
    }
    ion_strbuf_puts(o, "  </student>\n");
    int bad = o->oom || fwrite(o->s, 1, o->len, k->f) != o->len;
    return bad || ferror(k->f) ? -1 : 0;
}
