/* A key v2's <template>s (gradekey_reader.h): each template version once,
 * read into the model's template (ion_template): params, lets, parts with
 * their choices, mistakes (credit, feedback in en and zh) and carries;
 * then a student's parts and lets filled from their template. */
#include "gradekey_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static key_template *current_template(key_reader *kr)
{
    return &kr->k->templates[kr->k->ntemplates - 1];
}

static ion_part *current_tpart(key_reader *kr, const char *elem)
{
    ion_template *t = current_template(kr)->t;
    if (!t->nparts) {
        fail(kr, "err.key.outside_part", "%s", elem);
        return NULL;
    }
    return &t->parts[t->nparts - 1];
}

/* A copy of s owned by a template (ion_template_free frees it). */
static int own(key_reader *kr, char **to, const char *s)
{
    return (*to = strdup(s)) ? 0 : kr_oom(kr);
}

int kr_on_template(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    double version;
    const char *id = kr_need_attr(kr, "template", "id");
    if (!id || kr_number_attr(kr, "template", "version", 1, 0, &version) < 0)
        return -1;
    if (k->version != 2 || k->nstudents)
        return fail(kr, "err.key.template_late", "-");
    if (version < 1 || version > 1e9 || version != (int)version)
        return fail(kr, "err.key.template_version", "-");
    for (size_t i = 0; i < k->ntemplates; i++)
        if (!strcmp(k->templates[i].t->id, id) && k->templates[i].t->version == (int)version)
            return fail(kr, "err.key.template_twice", "%s%d", id, (int)version);
    if (kr_grow(&k->templates, &kr->cap_templates, k->ntemplates, sizeof *k->templates) < 0)
        return kr_oom(kr);
    key_template *kt = &k->templates[k->ntemplates];
    memset(kt, 0, sizeof *kt);
    if (!(kt->t = calloc(1, sizeof *kt->t)))
        return kr_oom(kr);
    k->ntemplates++;
    kr->cap_tvars = kr->cap_tparts = kr->cap_tcarries = 0;
    kt->t->version = (int)version;
    return own(kr, &kt->t->id, id);
}

int kr_on_tvar(key_reader *kr, int is_let)
{
    key_template *kt = current_template(kr);
    ion_template *t = kt->t;
    const char *elem = is_let ? "let" : "param";
    const char *name = kr_need_attr(kr, elem, "name"), *unit = kr_need_attr(kr, elem, "unit");
    const char *expr = is_let ? kr_need_attr(kr, elem, "expr") : NULL;
    double digits = 0;
    if (!name || !unit || (is_let && (!expr || kr_number_attr(kr, elem, "digits", 1, 0, &digits) < 0)))
        return -1;
    if (!is_let && t->nvars > kt->nparams)
        return fail(kr, "err.key.param_after_let", "%s", name);
    for (size_t i = 0; i < t->nvars; i++)
        if (!strcmp(t->vars[i].name, name))
            return fail(kr, "err.key.template_var_twice", "%s%s", t->id, name);
    if (kr_grow(&t->vars, &kr->cap_tvars, t->nvars, sizeof *t->vars) < 0)
        return kr_oom(kr);
    ion_var *v = &t->vars[t->nvars];
    memset(v, 0, sizeof *v);
    if (!(v->unit = ion_unit_find(unit)))
        return fail(kr, "err.key.var_unit", "%s%s%s", elem, name, unit);
    v->kind = is_let ? ION_LET : ION_PARAM_FIXED;
    v->digits = digits >= 0 && digits <= 17 ? (int)digits : 0;
    t->nvars++; /* the template frees what is set from here on */
    if (own(kr, &v->name, name) < 0 || (expr && own(kr, &v->src, expr) < 0))
        return -1;
    if (!is_let)
        kt->nparams = t->nvars;
    return 0;
}

int kr_on_tpart(key_reader *kr)
{
    ion_template *t = current_template(kr)->t;
    const char *id = kr_need_attr(kr, "part", "id"), *kind = kr_need_attr(kr, "part", "kind");
    if (!id || !kind)
        return -1;
    if (strlen(id) != 1 || id[0] < 'a' || id[0] > 'z')
        return fail(kr, "err.key.template_part_id", "%s", id);
    if (kr_grow(&t->parts, &kr->cap_tparts, t->nparts, sizeof *t->parts) < 0)
        return kr_oom(kr);
    ion_part *p = &t->parts[t->nparts++];
    memset(p, 0, sizeof *p);
    kr->cap_tchoices = kr->cap_tmistakes = 0;
    kr->tfeedback_to = NULL;
    snprintf(p->id, sizeof p->id, "%s", id);
    p->kind = !strcmp(kind, "numeric") ? ION_ANSWER_NUMERIC : !strcmp(kind, "choice") ? ION_ANSWER_CHOICE
                                                                                     : ION_ANSWER_MCQ;
    if (p->kind == ION_ANSWER_MCQ && strcmp(kind, "mcq"))
        return fail(kr, "err.key.kind", "%s%s", id, kind);
    double sig;
    if (kr_number_attr(kr, "part", "sigfigs", 0, DEFAULT_SIGFIGS, &sig) < 0 ||
        kr_number_attr(kr, "part", "slip-credit", 0, ION_SLIP_CREDIT, &p->slip_credit) < 0 ||
        kr_number_attr(kr, "part", "sign-credit", 0, ION_SIGN_CREDIT, &p->sign_credit) < 0)
        return -1;
    if (p->slip_credit < 0 || p->slip_credit > 1 || p->sign_credit < 0 || p->sign_credit > 1)
        return fail(kr, "err.key.slip_credit", "%s", id);
    p->sigfigs = sig >= 1 && sig <= 17 ? (int)sig : DEFAULT_SIGFIGS;
    const char *expr = kr_attr(kr, "expr");
    return kr->failed ? -1 : expr ? own(kr, &p->answer_src, expr) : 0;
}

int kr_on_tchoice(key_reader *kr)
{
    ion_part *p = current_tpart(kr, "choice");
    const char *id = p ? kr_need_attr(kr, "choice", "id") : NULL;
    if (!id)
        return -1;
    if (kr_grow(&p->choices, &kr->cap_tchoices, p->nchoices, sizeof *p->choices) < 0)
        return kr_oom(kr);
    if (own(kr, &p->choices[p->nchoices], id) < 0)
        return -1;
    p->nchoices++;
    return 0;
}

int kr_on_tmistake(key_reader *kr)
{
    ion_part *p = current_tpart(kr, "mistake");
    double credit;
    if (!p || !kr_need_attr(kr, "mistake", "expr") || kr_number_attr(kr, "mistake", "credit", 1, 0, &credit) < 0)
        return -1;
    if (credit < 0 || credit > 1)
        return fail(kr, "err.key.mistake_credit", "%s%g", p->id, credit);
    if (kr_grow(&p->mistakes, &kr->cap_tmistakes, p->nmistakes, sizeof *p->mistakes) < 0)
        return kr_oom(kr);
    ion_mistake *m = &p->mistakes[p->nmistakes++];
    memset(m, 0, sizeof *m);
    m->credit = credit;
    kr->tfeedback_to = &m->feedback;
    return 0;
}

int kr_on_tcarry(key_reader *kr)
{
    key_template *kt = current_template(kr);
    const ion_part *p = current_tpart(kr, "carry");
    const char *from = p ? kr_need_attr(kr, "carry", "from") : NULL, *let = from ? kr_need_attr(kr, "carry", "let") : NULL;
    if (!let)
        return -1;
    if (kr_grow(&kt->carries, &kr->cap_tcarries, kt->ncarries, sizeof *kt->carries) < 0)
        return kr_oom(kr);
    key_tcarry *c = &kt->carries[kt->ncarries];
    c->part = kt->t->nparts - 1;
    if (!(c->from = kr_keep(kr, from)) || !(c->let = kr_keep(kr, let)))
        return -1;
    kt->ncarries++;
    return 0;
}

int kr_part_from_template(key_reader *kr, tmp_part *p, const char **expr)
{
    const key_template *kt = kr->prob_tdef;
    const ion_template *t = kt->t;
    size_t i = kr->npsrc;
    if (i >= t->nparts)
        return fail(kr, "err.key.too_many_parts", "%s%s%zu", p->id, t->id, t->nparts);
    const ion_part *tp = &t->parts[i];
    if (strcmp(p->id + strlen(p->id) - 1, tp->id) || tp->kind != p->key.kind)
        return fail(kr, "err.key.part_mismatch", "%s%s%s%s", p->id, tp->id,
                    tp->kind == ION_ANSWER_NUMERIC ? "numeric" : tp->kind == ION_ANSWER_CHOICE ? "choice" : "mcq", t->id);
    *expr = tp->answer_src;
    p->key.sigfigs = tp->sigfigs;
    p->key.slip_credit = tp->slip_credit;
    p->key.sign_credit = tp->sign_credit;
    for (size_t c = 0; c < tp->nchoices; c++)
        if (kr_add_alt(kr, p, tp->choices[c], 0) < 0)
            return -1;
    const char *list = kr_attr(kr, "options"), *tok;
    if (p->key.kind == ION_ANSWER_MCQ && !list)
        return fail(kr, "err.key.mcq_options", "%s", p->id);
    for (char letter = 'A'; list && (tok = kr_next_token(kr, &list)); letter++)
        if (letter > 'Z' || kr_add_alt(kr, p, tok, letter) < 0)
            return letter > 'Z' ? fail(kr, "err.key.options_26", "%s", p->id) : -1;
    list = kr_attr(kr, "mistakes");
    size_t m = 0;
    for (; list && (tok = kr_next_token(kr, &list)); m++) {
        if (m >= tp->nmistakes)
            return fail(kr, "err.key.mistakes_more", "%s%zu", p->id, tp->nmistakes);
        if (!strcmp(tok, "-"))
            continue;
        if (kr_add_mistake(kr, p, tok, tp->mistakes[m].credit, (int)m) < 0)
            return -1;
        const ion_i18n *f = &tp->mistakes[m].feedback;
        kr->feedback[kr->nmistakes - 1] = (key_feedback){{f->en, f->zh}, 1};
    }
    if (m != tp->nmistakes)
        return fail(kr, "err.key.mistakes_count", "%s%zu%zu", p->id, m, tp->nmistakes);
    for (size_t c = 0; c < kt->ncarries; c++) {
        if (kt->carries[c].part != i)
            continue;
        if (kr_grow(&kr->carries, &kr->cap_carries_tmp, kr->ncarries, sizeof *kr->carries) < 0)
            return kr_oom(kr);
        char *from = ion_arena_alloc(kr->tmp, 16);
        if (!from)
            return kr_oom(kr);
        snprintf(from, 16, "%d%s", kr->prob_n, kt->carries[c].from);
        tmp_carry *tc = &kr->carries[kr->ncarries++];
        tc->part = kr->k->nparts;
        tc->from = from;
        tc->let = kt->carries[c].let;
        tc->line = kr_line(kr);
    }
    return 0;
}

int kr_lets_from_template(key_reader *kr)
{
    const key_template *kt = kr->prob_tdef;
    const ion_template *t = kt->t;
    if (kr->nvars != kt->nparams)
        return fail(kr, "err.key.params_count", "%d%zu%zu%s", kr->prob_n, kr->nvars, kt->nparams, t->id);
    const char *list = kr->prob_lets ? kr->prob_lets : "", *tok;
    for (size_t i = kt->nparams; i < t->nvars; i++) {
        if (!(tok = kr_next_token(kr, &list)))
            return kr->failed ? -1 : fail(kr, "err.key.lets_fewer", "%d%s", kr->prob_n, t->id);
        if (kr_grow(&kr->vars, &kr->cap_vars, kr->nvars, sizeof *kr->vars) < 0)
            return kr_oom(kr);
        tmp_var *v = &kr->vars[kr->nvars++];
        v->name = t->vars[i].name;
        v->value = tok;
        v->unit = t->vars[i].unit->name;
        v->expr = t->vars[i].src;
    }
    if (kr_next_token(kr, &list))
        return fail(kr, "err.key.lets_more", "%d%s", kr->prob_n, t->id);
    return 0;
}

