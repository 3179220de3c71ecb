/* Sampling params, evaluating a template for one seed, and formatting. */
#include "instance.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "numfmt.h"
#include "rng.h"
#include "text.h"
#include "tolerance.h"

int ion_instance_init(ion_instance *in, const ion_template *t)
{
    memset(in, 0, sizeof *in);
    in->t = t;
    in->vals = calloc(t->nvars + 1, sizeof *in->vals);
    in->keys = calloc(t->nparts + 1, sizeof *in->keys);
    in->drawn = calloc(t->nparts + 1, sizeof *in->drawn);
    if (!in->vals || !in->keys || !in->drawn)
        goto oom;
    for (size_t i = 0; i < t->nparts; i++) {
        ion_part_draw *d = &in->drawn[i];
        size_t m = t->parts[i].nmistakes + 1;
        d->mistakes = calloc(m, sizeof *d->mistakes);
        d->mistake_ok = calloc(m, 1);
        d->judged = calloc(m, sizeof *d->judged);
        if (!d->mistakes || !d->mistake_ok || !d->judged)
            goto oom;
        if (t->parts[i].kind != ION_ANSWER_MCQ)
            continue;
        d->order = calloc(ION_MAX_OPTIONS, sizeof *d->order);
        d->shown_ids = calloc(ION_MAX_OPTIONS, sizeof *d->shown_ids);
        if (!d->order || !d->shown_ids)
            goto oom;
    }
    return 0;
oom:
    ion_instance_release(in);
    return -1;
}

void ion_instance_release(ion_instance *in)
{
    if (in->drawn && in->t)
        for (size_t i = 0; i < in->t->nparts; i++) {
            free(in->drawn[i].mistakes);
            free(in->drawn[i].mistake_ok);
            free(in->drawn[i].judged);
            free(in->drawn[i].order);
            free(in->drawn[i].shown_ids);
        }
    free(in->drawn);
    free(in->keys);
    free(in->vals);
    memset(in, 0, sizeof *in);
}

const ion_option *ion_instance_option(const ion_instance *in, size_t k, size_t shown)
{
    const ion_part *p = &in->t->parts[k];
    const ion_part_key *key = &in->keys[k];
    if (shown >= key->nids)
        return NULL;
    /* A generated key points at the template's own ids; a key read back
     * holds copies. */
    for (size_t j = 0; j < p->noptions; j++)
        if (p->options[j].id == key->ids[shown])
            return &p->options[j];
    for (size_t j = 0; j < p->noptions; j++)
        if (!strcmp(p->options[j].id, key->ids[shown]))
            return &p->options[j];
    return NULL;
}

/* ---- formatting ------------------------------------------------------- */

char *ion_format_sig(double v, int sig, char *buf, size_t n)
{
    if (sig < 1)
        sig = 1;
    if (sig > 17)
        sig = 17;
    if (v == 0) {
        snprintf(buf, n, "0");
        return buf;
    }
    double a = fabs(v);
    if (a < 1e-4 || a >= 1e7) {
        ion_fmt_e(buf, n, sig - 1, v);
        return buf;
    }
    /* Round first: the exponent of the rounded value decides the decimals
     * (9.996 to 3 figures is 10.0, not 9.996). */
    char tmp[64];
    ion_fmt_e(tmp, sizeof tmp, sig - 1, v);
    double r = strtod(tmp, NULL);
    int exp10 = (int)floor(log10(fabs(r)));
    int decimals = sig - 1 - exp10;
    if (decimals < 0)
        decimals = 0;
    ion_fmt_f(buf, n, decimals, r);
    if (!strncmp(buf, "-0", 2) && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));  /* no "-0.00" */
    return buf;
}

const char *ion_unit_label(const ion_unit *u)
{
    if (u->dim == ION_DIM_NONE && u->scale == 1)
        return "";
    if (u->dim == ION_DIM_TEMP && u->offset != 0)
        return "\xc2\xb0" "C";
    return u->name;
}

/* A param's shown number: on the grid's decimals, or as written in a
 * list, or to `digits` significant figures when the author asked. */
static void format_param(const ion_var *v, double shown, char *buf, size_t n)
{
    if (v->digits > 0)
        ion_format_sig(shown, v->digits, buf, n);
    else if (v->kind == ION_PARAM_RANGE)
        ion_fmt_f(buf, n, v->decimals, shown);
    else
        ion_fmt_g(buf, n, 15, shown);
    if (!strncmp(buf, "-0", 2) && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));
}

char *ion_instance_value(const ion_instance *in, int slot, char *buf, size_t n)
{
    const ion_var *v = &in->t->vars[slot];
    const ion_val *x = &in->vals[slot];
    if (x->type == ION_T_STR)
        snprintf(buf, n, "%s", x->str);
    else if (v->kind != ION_LET && in->shown)
        snprintf(buf, n, "%s", in->shown[slot]);
    else if (v->kind == ION_LET)
        ion_format_sig(ion_from_si(v->unit, x->num), v->digits, buf, n);
    else
        format_param(v, ion_from_si(v->unit, x->num), buf, n);
    return buf;
}

char *ion_quantity(const char *value, const ion_unit *u, char *buf, size_t n)
{
    const char *label = u ? ion_unit_label(u) : "";
    snprintf(buf, n, "%s%s%s", value, *label ? " " : "", label);
    return buf;
}

char *ion_instance_quantity(const ion_instance *in, int slot, char *buf, size_t n)
{
    char v[64];
    ion_instance_value(in, slot, v, sizeof v);
    return ion_quantity(v, in->vals[slot].type == ION_T_STR ? NULL : in->t->vars[slot].unit, buf, n);
}

void ion_instance_describe(const ion_instance *in, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < in->t->nvars && len + 1 < n; i++) {
        if (in->t->vars[i].kind == ION_LET)
            continue;
        char q[96];
        ion_instance_quantity(in, (int)i, q, sizeof q);
        int w = snprintf(buf + len, n - len, "%s%s = %s", len ? ", " : "", in->t->vars[i].name, q);
        if (w > 0)
            len += (size_t)w;
    }
}

char *ion_part_key_text(const ion_part_key *k, char *buf, size_t n)
{
    if (k->kind != ION_ANSWER_NUMERIC) {
        snprintf(buf, n, "%s", k->answer ? k->answer : "?");
        return buf;
    }
    char v[64];
    return ion_quantity(ion_format_sig(k->value, k->sigfigs, v, sizeof v), k->unit, buf, n);
}

char *ion_part_value(const ion_part *p, double si, char *buf, size_t n)
{
    return ion_format_sig(ion_from_si(p->unit, si), p->sigfigs, buf, n);
}

/* Appends to buf (k bytes used, n in all) what fits of text. */
static size_t put(char *buf, size_t k, size_t n, const char *text)
{
    size_t len = strlen(text);
    if (k + len + 1 > n)
        return k;
    memcpy(buf + k, text, len);
    return k + len;
}

/* "e+07" / "e-05" after a mantissa -> " × 10<sup>7</sup>", " × 10<sup>−5</sup>"
 * (thin spaces, true minus); returns the bytes of plain consumed, 0 when
 * s does not start an exponent. */
static size_t put_exponent(const char *s, char *buf, size_t *k, size_t n)
{
    if ((s[0] != 'e' && s[0] != 'E') || (s[1] != '+' && s[1] != '-') || !isdigit((unsigned char)s[2]))
        return 0;
    size_t end = 2;
    while (isdigit((unsigned char)s[end]))
        end++;
    size_t first = 2;
    while (first + 1 < end && s[first] == '0')
        first++;
    char exp[32];
    snprintf(exp, sizeof exp, "%.*s", (int)(end - first), s + first);
    *k = put(buf, *k, n, "\xe2\x80\x89\xc3\x97\xe2\x80\x89" "10<sup>");
    if (s[1] == '-')
        *k = put(buf, *k, n, "\xe2\x88\x92");
    *k = put(buf, *k, n, exp);
    *k = put(buf, *k, n, "</sup>");
    return end;
}

char *ion_typographic(const char *plain, char *buf, size_t n)
{
    size_t k = 0, used;
    for (const char *s = plain; *s && k + 4 < n; s++) {
        if (*s == '-' && s == plain) {
            memcpy(buf + k, "\xe2\x88\x92", 3);
            k += 3;
        } else if (s > plain && isdigit((unsigned char)s[-1]) && (used = put_exponent(s, buf, &k, n))) {
            s += used - 1;
        } else if (*s == ' ') {
            memcpy(buf + k, "\xe2\x80\x89", 3);
            k += 3;
        } else {
            buf[k++] = *s;
        }
    }
    buf[k] = '\0';
    return buf;
}

int ion_subst(const char *markup, int typographic, ion_quantity_fn quantity, void *ctx, ion_strbuf *b)
{
    const char *s = markup ? markup : "";
    ion_strbuf_add(b, "", 0);
    for (;;) {
        const char *open = strchr(s, '{'), *close = open ? strchr(open, '}') : NULL;
        char q[96], t[160];
        const char *shown = close ? quantity(ctx, open + 1, (size_t)(close - open - 1), q, sizeof q) : NULL;
        if (!shown)  /* the loader checked placeholders: only text is left */
            break;
        if (typographic)
            shown = ion_typographic(q, t, sizeof t);
        ion_strbuf_add(b, s, (size_t)(open - s));
        ion_strbuf_puts(b, shown);
        s = close + 1;
    }
    ion_strbuf_puts(b, s);
    return b->oom ? -1 : 0;
}

int ion_plain(const char *markup, ion_quantity_fn quantity, void *ctx, ion_strbuf *b)
{
    ion_strbuf sub = {0};
    int rc = ion_subst(markup, 0, quantity, ctx, &sub) || ion_markup_plain(sub.s, b) ? -1 : 0;
    ion_strbuf_release(&sub);
    return rc;
}

/* An instance's quantity by name, for ion_subst. */
static const char *instance_quantity(void *ctx, const char *name, size_t len, char *buf, size_t n)
{
    const ion_instance *in = ctx;
    int slot = ion_template_slot(in->t, name, len);
    return slot < 0 ? NULL : ion_instance_quantity(in, slot, buf, n);
}

int ion_instance_subst(const ion_instance *in, const char *markup, int typographic, ion_strbuf *b)
{
    return ion_subst(markup, typographic, instance_quantity, (void *)in, b);
}

int ion_instance_plain(const ion_instance *in, const char *markup, ion_strbuf *b)
{
    return ion_plain(markup, instance_quantity, (void *)in, b);
}

/* ---- sampling and evaluation ------------------------------------------ */

/* Sets a param from a shown number: the SI value is computed from exactly
 * the text printed, so the values shown are the values used. */
static void set_param(ion_instance *in, size_t slot, double shown)
{
    const ion_var *v = &in->t->vars[slot];
    char text[64];
    format_param(v, shown, text, sizeof text);
    in->vals[slot].type = ION_T_NUM;
    in->vals[slot].num = ion_to_si(v->unit, strtod(text, NULL));
}

static void sample_params(ion_instance *in, ion_rng *rng)
{
    const ion_template *t = in->t;
    for (size_t i = 0; i < t->nvars; i++) {
        const ion_var *v = &t->vars[i];
        if (v->kind == ION_PARAM_RANGE) {
            uint64_t steps = (uint64_t)floor((v->max - v->min) / v->step + 1e-9) + 1;
            set_param(in, i, v->min + (double)ion_rng_below(rng, steps) * v->step);
        } else if (v->kind == ION_PARAM_LIST) {
            set_param(in, i, v->values[ion_rng_below(rng, v->nvalues)]);
        } else if (v->kind == ION_PARAM_FIXED) {
            set_param(in, i, v->values[0]);
        }
    }
}

/* A let (or, when part is set, a part's answer) has no value: the core's
 * code in words, the seed and the params drawn. */
static int fail_at(const ion_instance *in, ion_error *err, int line, const ion_part *part, const char *let,
                   int code)
{
    char params[400], why[160];
    ion_instance_describe(in, params, sizeof params);
    ion_text_core_error(code, why, sizeof why);
    return ion_fail_key(err, in->t->file, line, part ? "err.instance.answer_no_value" : "err.instance.let_no_value",
                        "%s%s%s%llu%s", in->t->id, part ? part->id : let, why, (unsigned long long)in->seed,
                        params);
}

/* A require that can be decided is false. The ones reading a let that
 * failed (slot type 0) cannot be. */
static int some_require_fails(const ion_instance *in)
{
    const ion_template *t = in->t;
    for (size_t i = 0; i < t->nrequires; i++) {
        int refs[64];
        size_t nrefs = ion_expr_refs(t->requires[i].expr, refs, 64), k = 0;
        for (; k < nrefs && k < 64; k++)
            if (in->vals[refs[k]].type == 0)
                break;
        if (k < nrefs)
            continue;
        ion_val ok;
        if (ion_expr_eval(t->requires[i].expr, in->vals, &ok) == ION_OK && ok.num == 0)
            return 1;
    }
    return 0;
}

/* One draw: params, then lets in dependency order. Returns 0, 1 when a
 * require rejects the draw, or -1 after a let with no value. */
static int draw(ion_instance *in, ion_rng *rng, size_t *failed_let, int *code)
{
    const ion_template *t = in->t;
    sample_params(in, rng);
    for (size_t i = 0; i < t->nlets; i++)
        in->vals[t->let_order[i]].type = 0;
    int bad = 0;
    for (size_t i = 0; i < t->nlets && !bad; i++) {
        size_t s = t->let_order[i];
        int rc = ion_expr_eval(t->vars[s].expr, in->vals, &in->vals[s]);
        if (rc) {
            in->vals[s].type = 0;
            *failed_let = s;
            *code = rc;
            bad = 1;
        }
    }
    if (some_require_fails(in))
        return 1;
    return bad ? -1 : 0;
}

static void shuffle_options(ion_part_draw *d, const ion_part *p, ion_rng *rng)
{
    size_t n = p->noptions < ION_MAX_OPTIONS ? p->noptions : ION_MAX_OPTIONS;
    for (size_t i = 0; i < n; i++)
        d->order[i] = (int)i;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)ion_rng_below(rng, i);
        int tmp = d->order[i - 1];
        d->order[i - 1] = d->order[j];
        d->order[j] = tmp;
    }
    for (size_t i = 0; i < n; i++)
        if (p->options[d->order[i]].correct)
            d->letter[0] = (char)('A' + i);
}

/* The part's key (partkey.h) from the values just drawn. */
static void fill_key(ion_part_key *k, ion_part_draw *d, const ion_part *p)
{
    static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    memset(k, 0, sizeof *k);
    k->kind = p->kind;
    k->points = p->points;
    k->unit = p->kind == ION_ANSWER_NUMERIC ? p->unit : NULL; /* none for a choice, as a key reads back */
    k->tol_abs = p->tol_abs;
    k->tol_rel = p->tol_rel;
    k->sigfigs = p->sigfigs;
    k->slip_credit = p->slip_credit;
    k->sign_credit = p->sign_credit;
    if (p->kind == ION_ANSWER_NUMERIC) {
        k->value = ion_from_si(p->unit, d->answer.num);
    } else if (p->kind == ION_ANSWER_CHOICE) {
        k->answer = d->answer.str;
        k->ids = (const char *const *)p->choices;
        k->nids = p->nchoices;
    } else {
        k->nids = p->noptions < ION_MAX_OPTIONS ? p->noptions : ION_MAX_OPTIONS;
        for (size_t i = 0; i < k->nids; i++)
            d->shown_ids[i] = p->options[d->order[i]].id;
        d->letter[1] = '\0';
        k->answer = d->letter;
        k->ids = d->shown_ids;
        k->letters = letters;
    }
    size_t n = 0;
    for (size_t m = 0; m < p->nmistakes; m++) {
        const ion_val *v = &d->mistakes[m];
        if (!d->mistake_ok[m] || v->type != (p->kind == ION_ANSWER_NUMERIC ? ION_T_NUM : ION_T_STR))
            continue;
        ion_judge_mistake *j = &d->judged[n++];
        j->value = v->type == ION_T_NUM ? ion_from_si(p->unit, v->num) : 0;
        j->str = v->type == ION_T_STR ? v->str : NULL;
        j->credit = p->mistakes[m].credit;
        j->source = (int)m;
    }
    k->mistakes = d->judged;
    k->nmistakes = n;
}

int ion_instance_generate(ion_instance *in, uint64_t seed, ion_error *err)
{
    const ion_template *t = in->t;
    ion_rng rng;
    ion_rng_seed(&rng, seed);
    in->seed = seed;
    int state = 1;
    size_t failed_let = 0;
    int code = 0;
    for (in->draws = 1; in->draws <= ION_MAX_DRAWS; in->draws++) {
        state = draw(in, &rng, &failed_let, &code);
        if (state <= 0)
            break;
    }
    if (state > 0)
        return ion_fail_key(err, t->file, t->line, "err.instance.requires", "%s%d",
                        t->id, ION_MAX_DRAWS);
    if (state < 0)
        return fail_at(in, err, t->vars[failed_let].line, NULL, t->vars[failed_let].name, code);
    for (size_t i = 0; i < t->nparts; i++) {
        const ion_part *p = &t->parts[i];
        ion_part_draw *d = &in->drawn[i];
        if (p->kind == ION_ANSWER_MCQ) {
            shuffle_options(d, p, &rng);
            fill_key(&in->keys[i], d, p);
            continue;
        }
        int rc = ion_expr_eval(p->answer, in->vals, &d->answer);
        if (rc)
            return fail_at(in, err, p->line, p, NULL, rc);
        for (size_t k = 0; k < p->nmistakes; k++)
            d->mistake_ok[k] = ion_expr_eval(p->mistakes[k].expr, in->vals, &d->mistakes[k]) == ION_OK;
        fill_key(&in->keys[i], d, p);
        if (p->tol_auto) { /* from the earlier parts' keys, just filled */
            double tol = ion_tolerance_propagated(in, i);
            if (tol < 0)
                return ion_fail_key(err, t->file, p->line, "err.instance.tol_auto", "%s%s", t->id, p->id);
            in->keys[i].tol_abs = fmax(p->tol_abs, tol);
        }
    }
    return 0;
}
