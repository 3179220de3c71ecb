/* A key v2's <template>s (gradekey_reader.h): each template version once,
 * read into the model's template (ion_template): params, lets, parts with
 * their choices, mistakes (credit, feedback in every language) and carries;
 * then a student's parts and lets filled from their template. */
#include "gradekey_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ion_template *current_template(key_reader *kr)
{
    return kr->k->templates[kr->k->ntemplates - 1];
}

static ion_part *current_tpart(key_reader *kr, const char *elem)
{
    ion_template *t = current_template(kr);
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
        if (!strcmp(k->templates[i]->id, id) && k->templates[i]->version == (int)version)
            return fail(kr, "err.key.template_twice", "%s%d", id, (int)version);
    if (kr_grow(&k->templates, &kr->cap_templates, k->ntemplates, sizeof *k->templates) < 0 ||
        kr_grow(&kr->tshape, &kr->cap_tshape, k->ntemplates, sizeof *kr->tshape) < 0)
        return kr_oom(kr);
    ion_template *t = calloc(1, sizeof *t);
    if (!t)
        return kr_oom(kr);
    k->templates[k->ntemplates] = t;
    kr->tshape[k->ntemplates] = NULL;
    k->ntemplates++;
    kr->cap_tvars = kr->cap_tlets = kr->cap_tparts = 0;
    t->version = (int)version;
    return own(kr, &t->id, id);
}

int kr_on_tvar(key_reader *kr, int is_let)
{
    ion_template *t = current_template(kr);
    const char *elem = is_let ? "let" : "param";
    const char *name = kr_need_attr(kr, elem, "name"), *unit = kr_need_attr(kr, elem, "unit");
    const char *expr = is_let ? kr_need_attr(kr, elem, "expr") : NULL;
    double digits = 0;
    if (!name || !unit || (is_let && (!expr || kr_number_attr(kr, elem, "digits", 1, 0, &digits) < 0)))
        return -1;
    if (!is_let && t->nlets)
        return fail(kr, "err.key.param_after_let", "%s", name);
    for (size_t i = 0; i < t->nvars; i++)
        if (!strcmp(t->vars[i].name, name))
            return fail(kr, "err.key.template_var_twice", "%s%s", t->id, name);
    if (kr_grow(&t->vars, &kr->cap_tvars, t->nvars, sizeof *t->vars) < 0 ||
        kr_grow(&t->let_order, &kr->cap_tlets, t->nlets, sizeof *t->let_order) < 0)
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
    if (is_let) /* in evaluation order, after the params */
        t->let_order[t->nlets++] = t->nvars - 1;
    return 0;
}

int kr_on_tpart(key_reader *kr)
{
    ion_template *t = current_template(kr);
    const char *id = kr_need_attr(kr, "part", "id"), *kind = kr_need_attr(kr, "part", "kind");
    if (!id || !kind)
        return -1;
    if (strlen(id) != 1 || id[0] < 'a' || id[0] > 'z')
        return fail(kr, "err.key.template_part_id", "%s", id);
    if (kr_grow(&t->parts, &kr->cap_tparts, t->nparts, sizeof *t->parts) < 0)
        return kr_oom(kr);
    ion_part *p = &t->parts[t->nparts++];
    memset(p, 0, sizeof *p);
    kr->cap_tchoices = kr->cap_tmistakes = kr->cap_tcarries = 0;
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

/* A carry of the template part at hand: from an earlier numeric part of
 * the template, through one of its lets (template.h: ion_carry). */
int kr_on_tcarry(key_reader *kr)
{
    const ion_template *t = current_template(kr);
    ion_part *p = current_tpart(kr, "carry");
    const char *from = p ? kr_need_attr(kr, "carry", "from") : NULL, *let = from ? kr_need_attr(kr, "carry", "let") : NULL;
    if (!let)
        return -1;
    size_t j = 0, k = (size_t)(p - t->parts);
    while (j < k && strcmp(t->parts[j].id, from))
        j++;
    if (j == k || t->parts[j].kind != ION_ANSWER_NUMERIC)
        return fail(kr, "err.key.carry_from", "%s%s", p->id, from);
    int slot = ion_template_slot(t, let, strlen(let));
    if (slot < 0 || t->vars[slot].kind != ION_LET)
        return fail(kr, "err.key.carry_let", "%s%s", p->id, let);
    if (kr_grow(&p->carries, &kr->cap_tcarries, p->ncarries, sizeof *p->carries) < 0)
        return kr_oom(kr);
    p->carries[p->ncarries++] = (ion_carry){j, (size_t)slot};
    return 0;
}

int kr_part_from_template(key_reader *kr, tmp_part *p, const char **expr)
{
    const ion_template *t = kr->prob_t;
    size_t i = kr->npsrc;
    if (i >= t->nparts)
        return fail(kr, ion_text_plural(ion_text_lang(), "err.key.too_many_parts", (double)t->nparts), "%s%s%zu", p->id,
                    t->id, t->nparts);
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
        kr->feedback[kr->nmistakes - 1] = (key_feedback){tp->mistakes[m].feedback, 1};
    }
    if (m != tp->nmistakes)
        return fail(kr, "err.key.mistakes_count", "%s%zu%zu", p->id, m, tp->nmistakes);
    for (size_t c = 0; c < tp->ncarries; c++) {
        if (kr_grow(&kr->carries, &kr->cap_carries_tmp, kr->ncarries, sizeof *kr->carries) < 0)
            return kr_oom(kr);
        kr->carries[kr->ncarries++] = (tmp_carry){i, tp->carries[c], NULL, NULL, kr_line(kr)};
    }
    return 0;
}

int kr_lets_from_template(key_reader *kr)
{
    const ion_template *t = kr->prob_t;
    size_t nparams = kr_params(t);
    if (kr->nvars != nparams)
        return fail(kr, "err.key.params_count", "%d%zu%zu%s", kr->prob_n, kr->nvars, nparams, t->id);
    const char *list = kr->prob_lets ? kr->prob_lets : "", *tok;
    for (size_t i = nparams; i < t->nvars; i++) {
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

