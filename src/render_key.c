/* The XML answer key v2 (schema/answer-key.xsd), written as a stream.
 * ion_key_begin writes each template version of the worksheet once: its
 * variables' expressions and display, its parts' expressions, choices,
 * mistakes (credit and feedback markup in every language) and carries.
 * ion_key_student then writes one student at a time, only what is the
 * student's own: the params as printed, the lets, and per part the key
 * (partkey.h) with its mistakes' values. Numbers are exact: the shortest
 * of %.15g, %.16g and %.17g that reads back as the same double. */
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

/* Appends an unsigned number in decimal. */
static void put_uint(ion_strbuf *b, unsigned long long n)
{
    char d[24], *p = d + sizeof d;
    do
        *--p = (char)('0' + n % 10);
    while (n /= 10);
    ion_strbuf_add(b, p, (size_t)(d + sizeof d - p));
}

/* Appends ` name="` (name is a literal), the escaped value and `"`. */
static void attr(ion_strbuf *b, const char *name, const char *value)
{
    ion_strbuf_puts(b, name);
    put_escaped(b, value);
    ion_strbuf_addch(b, '"');
}

/* v exact: the shortest %.15g..%.17g that reads back as v (ion_fmt_g:
 * printf's bytes, faster). */
static void put_num(ion_strbuf *b, double v)
{
    char num[48];
    int len = 0;
    for (int prec = 15; prec <= 17; prec++) {
        len = ion_fmt_g(num, sizeof num, prec, v);
        if (strtod(num, NULL) == v)
            break;
    }
    ion_strbuf_add(b, num, (size_t)len);
}

/* ` name="v"` with v exact. */
static void attr_num(ion_strbuf *b, const char *name, double v)
{
    ion_strbuf_puts(b, name);
    put_num(b, v);
    ion_strbuf_addch(b, '"');
}

/* ` name="N"` for a signed integer. */
static void attr_int(ion_strbuf *b, const char *name, long long n)
{
    ion_strbuf_puts(b, name);
    if (n < 0)
        ion_strbuf_addch(b, '-');
    put_uint(b, (unsigned long long)(n < 0 ? -n : n));
    ion_strbuf_addch(b, '"');
}


struct ion_key_writer {
    FILE *f;
    ion_strbuf out;
};

/* Writes what b holds; 0 or -1. */
static int flush(FILE *f, ion_strbuf *b)
{
    int bad = b->oom || fwrite(b->s, 1, b->len, f) != b->len;
    ion_strbuf_reset(b);
    return bad || ferror(f) ? -1 : 0;
}

static const char *const kinds[] = {"numeric", "choice", "mcq"};

/* A template part: what is the same for every student. */
static void template_part(ion_strbuf *o, const ion_template *t, size_t k)
{
    const ion_part *p = &t->parts[k];
    attr(o, "<part id=\"", p->id);
    attr(o, " kind=\"", kinds[p->kind]);
    if (p->kind == ION_ANSWER_NUMERIC) {
        attr_int(o, " sigfigs=\"", p->sigfigs);
        if (p->slip_credit != ION_SLIP_CREDIT)
            attr_num(o, " slip-credit=\"", p->slip_credit);
        if (p->sign_credit != ION_SIGN_CREDIT)
            attr_num(o, " sign-credit=\"", p->sign_credit);
    }
    if (p->answer_src)
        attr(o, " expr=\"", p->answer_src);
    ion_strbuf_puts(o, ">\n");
    for (size_t c = 0; c < p->nchoices; c++) {
        attr(o, "<choice id=\"", p->choices[c]);
        ion_strbuf_puts(o, "/>\n");
    }
    for (size_t m = 0; m < p->nmistakes; m++) {
        const ion_mistake *mi = &p->mistakes[m];
        attr_num(o, "<mistake credit=\"", mi->credit);
        attr(o, " expr=\"", mi->src);
        ion_strbuf_addch(o, '>');
        for (size_t l = 0; l < mi->feedback.n; l++) {
            attr(o, "<feedback xml:lang=\"", mi->feedback.v[l].lang);
            ion_strbuf_addch(o, '>');
            put_escaped(o, mi->feedback.v[l].text);
            ion_strbuf_puts(o, "</feedback>");
        }
        ion_strbuf_puts(o, "</mistake>\n");
    }
    for (size_t c = 0; c < p->ncarries; c++) {
        attr(o, "<carry from=\"", t->parts[p->carries[c].from].id);
        attr(o, " let=\"", t->vars[p->carries[c].slot].name);
        ion_strbuf_puts(o, "/>\n");
    }
    ion_strbuf_puts(o, "</part>\n");
}

/* A template version, once per key. */
static void template_def(ion_strbuf *o, const ion_template *t, int version)
{
    attr(o, "<template id=\"", t->id);
    attr_int(o, " version=\"", version);
    ion_strbuf_puts(o, ">\n");
    for (size_t v = 0; v < t->nvars; v++) {
        const ion_var *var = &t->vars[v];
        if (var->kind == ION_LET)
            continue;
        attr(o, "<param name=\"", var->name);
        attr(o, " unit=\"", var->unit->name);
        ion_strbuf_puts(o, "/>\n");
    }
    for (size_t l = 0; l < t->nlets; l++) {
        const ion_var *var = &t->vars[t->let_order[l]];
        attr(o, "<let name=\"", var->name);
        attr(o, " unit=\"", var->unit->name);
        attr_int(o, " digits=\"", var->digits);
        attr(o, " expr=\"", var->src);
        ion_strbuf_puts(o, "/>\n");
    }
    for (size_t k = 0; k < t->nparts; k++)
        template_part(o, t, k);
    ion_strbuf_puts(o, "</template>\n");
}

ion_key_writer *ion_key_begin(FILE *f, const ion_worksheet *w)
{
    ion_key_writer *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->f = f;
    ion_strbuf *b = &k->out;
    ion_strbuf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<answer-key xmlns=\"urn:ionsheet:answer-key:2\"");
    attr(b, " worksheet=\"", w->ws.name);
    attr(b, " course=\"", w->ws.course);
    attr(b, " title=\"", w->ws.title);
    if (w->ws.due)
        attr(b, " due=\"", w->ws.due);
    attr_num(b, " max=\"", w->max_points);
    ion_strbuf_puts(b, ">\n");
    for (size_t i = 0; i < w->ws.n; i++) {
        size_t j = 0;
        while (j < i && (strcmp(w->ws.problems[j].template_id, w->ws.problems[i].template_id) ||
                         w->ws.problems[j].version != w->ws.problems[i].version))
            j++;
        if (j == i)
            template_def(b, w->templates[i], w->ws.problems[i].version);
    }
    if (flush(f, b)) {
        ion_strbuf_release(b);
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
    ion_strbuf_release(&k->out);
    free(k);
    return rc;
}

/* One part for one student: its key (partkey.h). */
static void student_part(ion_strbuf *o, const ion_student_sheet *s, size_t i, size_t k)
{
    const ion_instance *in = &s->inst[i];
    const ion_part *p = &in->t->parts[k];
    const ion_part_key *pk = &in->keys[k];
    ion_strbuf_puts(o, "<part id=\"");
    put_uint(o, i + 1);
    ion_strbuf_puts(o, p->id);
    attr(o, "\" kind=\"", kinds[pk->kind]);
    if (pk->kind == ION_ANSWER_NUMERIC) {
        attr_num(o, " value=\"", pk->value);
        attr(o, " unit=\"", pk->unit->name);
        attr_num(o, " tol-abs=\"", pk->tol_abs);
        attr_num(o, " tol-rel=\"", pk->tol_rel);
    } else {
        attr(o, " value=\"", pk->answer);
    }
    attr_num(o, " points=\"", pk->points);
    if (pk->kind == ION_ANSWER_MCQ) {
        /* The option ids in the order shown: letter A first. */
        ion_strbuf_puts(o, " options=\"");
        for (size_t n = 0; n < pk->nids; n++) {
            if (n)
                ion_strbuf_addch(o, ' ');
            put_escaped(o, pk->ids[n]);
        }
        ion_strbuf_addch(o, '"');
    }
    if (p->nmistakes) {
        /* One per template mistake, in order: its value, or - when it has
         * none for this student. */
        ion_strbuf_puts(o, " mistakes=\"");
        for (size_t m = 0, n = 0; m < p->nmistakes; m++) {
            if (m)
                ion_strbuf_addch(o, ' ');
            if (n < pk->nmistakes && pk->mistakes[n].source == (int)m) {
                const ion_judge_mistake *jm = &pk->mistakes[n++];
                if (pk->kind == ION_ANSWER_NUMERIC)
                    put_num(o, jm->value);
                else
                    put_escaped(o, jm->str);
            } else {
                ion_strbuf_addch(o, '-');
            }
        }
        ion_strbuf_addch(o, '"');
    }
    ion_strbuf_puts(o, "/>\n");
}

int ion_key_student(ion_key_writer *k, const ion_student_sheet *s)
{
    ion_strbuf *o = &k->out;
    attr(o, "<student id=\"", s->id);
    attr(o, " name=\"", s->name);
    ion_strbuf_puts(o, ">\n");
    for (size_t i = 0; i < s->n; i++) {
        const ion_instance *in = &s->inst[i];
        const ion_template *t = in->t;
        ion_strbuf_puts(o, "<problem n=\"");
        put_uint(o, i + 1);
        attr(o, "\" template=\"", t->id);
        attr_int(o, " version=\"", s->w->ws.problems[i].version);
        ion_strbuf_puts(o, " seed=\"");
        put_uint(o, (unsigned long long)in->seed);
        ion_strbuf_addch(o, '"');
        if (t->nlets) {
            /* The lets' values in the template's let order, in their units. */
            ion_strbuf_puts(o, " lets=\"");
            for (size_t l = 0; l < t->nlets; l++) {
                const ion_var *v = &t->vars[t->let_order[l]];
                const ion_val *x = &in->vals[t->let_order[l]];
                if (l)
                    ion_strbuf_addch(o, ' ');
                if (x->type == ION_T_STR)
                    put_escaped(o, x->str);
                else
                    put_num(o, ion_from_si(v->unit, x->num));
            }
            ion_strbuf_addch(o, '"');
        }
        ion_strbuf_puts(o, ">\n");
        char shown[64];
        for (size_t v = 0; v < t->nvars; v++) {
            if (t->vars[v].kind == ION_LET)
                continue;
            attr(o, "<param name=\"", t->vars[v].name);
            attr(o, " value=\"", ion_instance_value(in, (int)v, shown, sizeof shown));
            ion_strbuf_puts(o, "/>\n");
        }
        for (size_t p = 0; p < t->nparts; p++)
            student_part(o, s, i, p);
        ion_strbuf_puts(o, "</problem>\n");
    }
    ion_strbuf_puts(o, "</student>\n");
    return flush(k->f, o);
}
