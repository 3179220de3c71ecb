/* A student's elements read into the model (gradekey_reader.h): the
 * root, each student, problem, param and let, part (its key, partkey.h),
 * choices, options, mistakes, feedback and carries of a v1 key, the same
 * parts of a v2 key from its template (gradekey_v2.c); when a problem
 * ends, its instance (instance.h) with its shape, and the grader's view
 * of its parts (key_part) with their carries. */
#include "gradekey_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parserInternals.h>

#include "bank_limits.h"

int kr_on_root(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    k->version = !kr->uri ? 0 : !strcmp(kr->uri, KEY_NS2) ? 2 : !strcmp(kr->uri, KEY_NS1) ? 1 : 0;
    if (!k->version)
        return fail(kr, "err.key.not_a_key", "%s%s",
                    KEY_NS2, KEY_NS1);
    const char *ws = kr_need_attr(kr, "answer-key", "worksheet");
    const char *course = kr_need_attr(kr, "answer-key", "course");
    const char *title = kr_attr(kr, "title");
    if (!ws || !course)
        return -1;
    const char *why = ion_bank_id_problem(ws);
    if (why)
        return fail(kr, "err.bank.ws_name", "%s%s", ws, ion_text_phrase(why));
    k->worksheet = ion_arena_strdup(k->mem, ws);
    k->course = ion_arena_strdup(k->mem, course);
    k->title = ion_arena_strdup(k->mem, title ? title : "");
    return k->worksheet && k->course && k->title ? 0 : kr_oom(kr);
}

int kr_on_student(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    const char *id = kr_need_attr(kr, "student", "id");
    const char *name = kr_need_attr(kr, "student", "name");
    if (!id || !name)
        return -1;
    /* Ids name feedback files: only safe ones. */
    const char *why = ion_bank_id_problem(id);
    if (why)
        return fail(kr, "err.key.student_id", "%s%s", id, ion_text_phrase(why));
    if (kr_grow(&k->students, &kr->cap_students, k->nstudents, sizeof *k->students) < 0)
        return kr_oom(kr);
    key_student *s = &k->students[k->nstudents];
    memset(s, 0, sizeof *s);
    s->sheet.id = ion_arena_strdup(k->mem, id);
    s->sheet.name = ion_arena_strdup(k->mem, name);
    if (!s->sheet.id || !s->sheet.name)
        return kr_oom(kr);
    s->sheet.index = k->nstudents;
    s->sheet.own = 1;
    s->part0 = k->nparts;
    s->inst0 = k->ninsts;
    kr->in_student = 1;
    kr->student_part0 = k->nparts;
    kr->rec_len = 0;
    return 0;
}

int kr_on_problem(key_reader *kr)
{
    double n, version;
    const char *tmpl = kr_need_attr(kr, "problem", "template");
    if (!tmpl || kr_number_attr(kr, "problem", "n", 1, 0, &n) < 0 ||
        kr_number_attr(kr, "problem", "version", 1, 0, &version) < 0)
        return -1;
    if (n < 1 || n > 1e6 || version < 1 || version > 1e9 || n != (int)n || version != (int)version)
        return fail(kr, "err.key.problem_n", "-");
    kr->prob_t = NULL;
    if (kr->k->version == 2) {
        const ion_answer_key *k = kr->k;
        for (size_t i = 0; i < k->ntemplates && !kr->prob_t; i++)
            if (!strcmp(k->templates[i]->id, tmpl) && k->templates[i]->version == (int)version) {
                kr->prob_t = k->templates[i];
                kr->prob_tindex = i;
            }
        if (!kr->prob_t)
            return fail(kr, "err.key.problem_template", "%d%s%d", (int)n, tmpl, (int)version);
        kr->prob_lets = kr_attr(kr, "lets");
    }
    kr->prob_template = tmpl;
    kr->prob_n = (int)n;
    kr->prob_version = (int)version;
    kr->prob_line = kr_line(kr);
    kr->prob_part0 = kr->k->nparts;
    kr->in_problem = 1;
    kr->nvars = kr->npsrc = kr->ncarries = kr->nalts = kr->nmistakes = 0;
    return 0;
}

int kr_on_var(key_reader *kr, const char *elem, int is_let)
{
    if (kr_grow(&kr->vars, &kr->cap_vars, kr->nvars, sizeof *kr->vars) < 0)
        return kr_oom(kr);
    tmp_var *v = &kr->vars[kr->nvars];
    v->name = kr_need_attr(kr, elem, "name");
    v->value = kr_need_attr(kr, elem, "value");
    if (kr->prob_t) { /* key v2: the template has the unit */
        const ion_template *t = kr->prob_t;
        if (!v->name || !v->value)
            return -1;
        if (kr->nvars >= kr_params(t) || strcmp(t->vars[kr->nvars].name, v->name))
            return fail(kr, "err.key.param_order", "%s%s", v->name, t->id);
        v->unit = t->vars[kr->nvars].unit->name;
        v->expr = NULL;
        kr->nvars++;
        return 0;
    }
    v->unit = kr_need_attr(kr, elem, "unit");
    v->expr = is_let ? kr_need_attr(kr, elem, "expr") : NULL;
    if (!v->name || !v->value || !v->unit || (is_let && !v->expr))
        return -1;
    if (!ion_unit_find(v->unit))
        return fail(kr, "err.key.var_unit", "%s%s%s", elem, v->name, v->unit);
    if (!is_let && kr->nvars && kr->vars[kr->nvars - 1].expr)
        return fail(kr, "err.key.param_after_let", "%s", v->name);
    kr->nvars++;
    return 0;
}

/* The column of part id, added when new; columns keep their first-seen
 * order here and are sorted once the key is read. */
static int column_of(key_reader *kr, const char *id, size_t *col)
{
    ion_answer_key *k = kr->k;
    for (size_t i = 0; i < k->ncolumns; i++) {
        size_t c = (kr->column_hint + i) % k->ncolumns;
        if (!strcmp(k->columns[c], id)) {
            *col = c;
            kr->column_hint = c + 1;
            return 0;
        }
    }
    if (kr_grow(&k->columns, &kr->cap_columns, k->ncolumns, sizeof *k->columns) < 0)
        return kr_oom(kr);
    k->columns[k->ncolumns] = ion_arena_strdup(k->mem, id);
    if (!k->columns[k->ncolumns])
        return kr_oom(kr);
    *col = k->ncolumns++;
    kr->column_hint = k->ncolumns;
    return 0;
}

static int valid_part_id(const char *id)
{
    size_t n = strlen(id);
    if (n < 2 || n > 7 || id[0] < '1' || id[0] > '9' || id[n - 1] < 'a' || id[n - 1] > 'z')
        return 0;
    for (size_t i = 1; i + 1 < n; i++)
        if (id[i] < '0' || id[i] > '9')
            return 0;
    return 1;
}

int kr_on_part(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    const char *id = kr_need_attr(kr, "part", "id");
    const char *kind = kr_need_attr(kr, "part", "kind");
    const char *value = kr_need_attr(kr, "part", "value");
    if (!id || !kind || !value)
        return -1;
    if (!valid_part_id(id))
        return fail(kr, "err.key.part_id", "%s", id);
    for (size_t i = kr->student_part0; i < k->nparts; i++)
        if (!strcmp(k->parts[i].id, id))
            return fail(kr, "err.key.part_twice", "%s", id);
    if (kr_grow(&k->parts, &kr->cap_parts, k->nparts, sizeof *k->parts) < 0 ||
        kr_grow(&kr->psrc, &kr->cap_psrc, kr->npsrc, sizeof *kr->psrc) < 0 ||
        kr_grow(&kr->tparts, &kr->cap_tparts_tmp, kr->npsrc, sizeof *kr->tparts) < 0)
        return kr_oom(kr);
    key_part *p = &k->parts[k->nparts];
    memset(p, 0, sizeof *p);
    if (column_of(kr, id, &p->column) < 0)
        return -1;
    p->id = k->columns[p->column];
    p->line = kr_line(kr);
    p->inst = k->ninsts; /* the instance is made when the problem ends */
    p->index = kr->npsrc;
    tmp_part *tp = &kr->tparts[kr->npsrc];
    memset(tp, 0, sizeof *tp);
    tp->id = p->id;
    tp->alt0 = kr->nalts;
    tp->mis0 = kr->nmistakes;
    ion_part_key *pk = &tp->key;
    if (kr_number_attr(kr, "part", "points", 1, 0, &pk->points) < 0)
        return -1;
    pk->slip_credit = ION_SLIP_CREDIT;
    pk->sign_credit = ION_SIGN_CREDIT;
    if (pk->points < 0 || pk->points > ION_POINTS_MAX)
        return fail(kr, "err.key.points", "%s%g%d", id, pk->points, ION_POINTS_MAX);
    if (!strcmp(kind, "numeric")) {
        pk->kind = ION_ANSWER_NUMERIC;
        const char *unit = kr_attr(kr, "unit");
        pk->unit = ion_unit_find(unit ? unit : "1");
        if (!pk->unit)
            return fail(kr, "err.key.part_unit", "%s%s", id, unit);
        double sig;
        if (kr_parse_number(value, &pk->value) < 0)
            return fail(kr, "err.key.part_value", "%s%s", id, value);
        if (kr_number_attr(kr, "part", "tol-abs", 0, 0, &pk->tol_abs) < 0 ||
            kr_number_attr(kr, "part", "tol-rel", 0, 0, &pk->tol_rel) < 0 ||
            kr_number_attr(kr, "part", "sigfigs", 0, DEFAULT_SIGFIGS, &sig) < 0)
            return -1;
        if (pk->tol_abs < 0 || pk->tol_rel < 0)
            return fail(kr, "err.key.negative_tol", "%s", id);
        pk->sigfigs = sig >= 1 && sig <= 17 ? (int)sig : DEFAULT_SIGFIGS;
    } else if (!strcmp(kind, "choice") || !strcmp(kind, "mcq")) {
        pk->kind = kind[0] == 'c' ? ION_ANSWER_CHOICE : ION_ANSWER_MCQ;
        if (!(pk->answer = ion_arena_intern(k->mem, value)))
            return kr_oom(kr);
    } else {
        return fail(kr, "err.key.kind", "%s%s", id, kind);
    }
    const char *expr = NULL;
    if (!kr->prob_t)
        expr = kr_attr(kr, "expr");
    else if (kr_part_from_template(kr, tp, &expr) < 0)
        return -1;
    kr->psrc[kr->npsrc++] = expr;
    k->nparts++;
    return 0;
}

static tmp_part *kr_current_part(key_reader *kr, const char *elem)
{
    if (!kr->npsrc || !kr->in_problem) {
        fail(kr, "err.key.outside_part", "%s", elem);
        return NULL;
    }
    return &kr->tparts[kr->npsrc - 1];
}

/* Adds a choice (letter 0) or an mcq option to part p. */
int kr_add_alt(key_reader *kr, tmp_part *p, const char *id, char letter)
{
    for (size_t i = 0; i < p->key.nids; i++)
        if (letter ? kr->alt_letters[p->alt0 + i] == letter : !strcmp(kr->alt_ids[p->alt0 + i], id))
            return letter ? fail(kr, "err.key.option_twice", "%s%c", p->id, letter)
                          : fail(kr, "err.key.choice_twice", "%s%s", p->id, id);
    if (kr_grow(&kr->alt_ids, &kr->cap_alt_ids, kr->nalts, sizeof *kr->alt_ids) < 0 ||
        kr_grow(&kr->alt_letters, &kr->cap_alt_letters, kr->nalts, sizeof *kr->alt_letters) < 0)
        return kr_oom(kr);
    kr->alt_letters[kr->nalts] = letter;
    if (!(kr->alt_ids[kr->nalts] = ion_arena_intern(kr->k->mem, id)))
        return kr_oom(kr);
    kr->nalts++;
    p->key.nids++;
    return 0;
}

int kr_on_alt(key_reader *kr, int option)
{
    tmp_part *p = kr_current_part(kr, option ? "option" : "choice");
    if (!p)
        return -1;
    const char *id = kr_need_attr(kr, option ? "option" : "choice", "id");
    const char *letter = option ? kr_need_attr(kr, "option", "letter") : "";
    if (!id || !letter)
        return -1;
    if (option && (strlen(letter) != 1 || letter[0] < 'A' || letter[0] > 'Z'))
        return fail(kr, "err.key.option_letter", "%s", letter);
    return kr_add_alt(kr, p, id, letter[0]);
}

/* Adds a mistake with its value (text) and credit to part p; source is
 * its index among the template part's mistakes. */
int kr_add_mistake(key_reader *kr, tmp_part *p, const char *value, double credit, int source)
{
    if (kr_grow(&kr->mistakes, &kr->cap_mistakes, kr->nmistakes, sizeof *kr->mistakes) < 0 ||
        kr_grow(&kr->feedback, &kr->cap_feedback, kr->nmistakes, sizeof *kr->feedback) < 0)
        return kr_oom(kr);
    ion_judge_mistake *m = &kr->mistakes[kr->nmistakes];
    memset(m, 0, sizeof *m);
    memset(&kr->feedback[kr->nmistakes], 0, sizeof *kr->feedback);
    m->source = source;
    m->credit = credit;
    if (credit < 0 || credit > 1)
        return fail(kr, "err.key.mistake_credit", "%s%g", p->id, credit);
    if (p->key.kind == ION_ANSWER_NUMERIC) {
        if (kr_parse_number(value, &m->value) < 0)
            return fail(kr, "err.key.mistake_value", "%s%s", p->id, value);
    } else if (!(m->str = ion_arena_intern(kr->k->mem, value))) {
        return kr_oom(kr);
    }
    kr->nmistakes++;
    p->key.nmistakes++;
    return 0;
}

int kr_on_mistake(key_reader *kr)
{
    tmp_part *p = kr_current_part(kr, "mistake");
    if (!p)
        return -1;
    const char *value = kr_need_attr(kr, "mistake", "value");
    double credit;
    if (!value || kr_number_attr(kr, "mistake", "credit", 1, 0, &credit) < 0)
        return -1;
    if (kr_add_mistake(kr, p, value, credit, (int)p->key.nmistakes) < 0)
        return -1;
    kr->feedback_to = &kr->feedback[kr->nmistakes - 1];
    return 0;
}

int kr_on_feedback(key_reader *kr)
{
    if (!kr->feedback_to && !kr->tfeedback_to)
        return fail(kr, "err.key.feedback_outside", "-");
    kr->in_feedback = 1;
    snprintf(kr->feedback_lang, sizeof kr->feedback_lang, "en");
    ion_strbuf_reset(&kr->text);
    for (int i = 0; i < kr->nattrs; i++) {
        const xmlChar **a = kr->attrs + 5 * i;
        if (a[2] && !strcmp((const char *)a[2], (const char *)XML_XML_NAMESPACE) &&
            !strcmp((const char *)a[0], "lang")) {
            /* one no language could be named by (ion_i18n_set) is left out */
            size_t n = (size_t)(a[4] - a[3]);
            kr->feedback_lang[0] = '\0';
            if (n < sizeof kr->feedback_lang) {
                memcpy(kr->feedback_lang, a[3], n);
                kr->feedback_lang[n] = '\0';
            }
        }
    }
    return 0;
}

/* A v1 mistake's feedback gets lang's text (at most V1_LANGS languages).
 * Its languages are an array in the key's own arena, as its interned texts
 * are (a student's record keeps the pointers), and one array serves every
 * student whose feedback has the same texts: the last few made are
 * remembered (kr->v1_made). */
static int v1_feedback(key_reader *kr, key_feedback *f, const char *lang, const char *text)
{
    ion_i18n_text v[V1_LANGS];
    memset(v, 0, sizeof v); /* compared whole, padding too */
    size_t n = f->text.n, i = 0;
    if (n)
        memcpy(v, f->text.v, n * sizeof *v);
    while (i < n && strcmp(v[i].lang, lang))
        i++;
    if (i == n) {
        if (n == V1_LANGS)
            return 0;
        snprintf(v[n++].lang, sizeof v->lang, "%s", lang);
    }
    v[i].text = (char *)text; /* interned: never freed through the view */
    for (size_t c = 0; c < kr->nv1_made; c++)
        if (kr->v1_made[c].n == n && !memcmp(kr->v1_made[c].v, v, n * sizeof *v)) {
            f->text = kr->v1_made[c];
            return 0;
        }
    ion_i18n_text *kept = ion_arena_alloc(kr->k->mem, n * sizeof *kept);
    if (!kept)
        return kr_oom(kr);
    memcpy(kept, v, n * sizeof *v);
    f->text = (ion_i18n){kept, n};
    kr->v1_made[kr->v1_next++ % V1_MADE] = f->text;
    if (kr->nv1_made < V1_MADE)
        kr->nv1_made++;
    return 0;
}

int kr_end_feedback(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    ion_strbuf_add(&kr->text, "", 0);
    if (kr->text.oom)
        return kr_oom(kr);
    kr->in_feedback = 0;
    const char *lang = kr->feedback_lang;
    if (kr->tfeedback_to) {
        char *text = strdup(kr->text.s);
        if (!text)
            return kr_oom(kr);
        /* NULL for a language left out as well as out of memory */
        return ion_i18n_set(kr->tfeedback_to, lang, strlen(lang), text) || !*lang ? 0 : kr_oom(kr);
    }
    if (!*lang)
        return 0;
    const char *text = ion_arena_intern(k->mem, kr->text.s);
    return text ? v1_feedback(kr, kr->feedback_to, lang, text) : kr_oom(kr);
}

int kr_on_carry(key_reader *kr)
{
    tmp_part *p = kr_current_part(kr, "carry");
    if (!p)
        return -1;
    if (kr_grow(&kr->carries, &kr->cap_carries_tmp, kr->ncarries, sizeof *kr->carries) < 0)
        return kr_oom(kr);
    tmp_carry *c = &kr->carries[kr->ncarries];
    c->part = kr->npsrc - 1;
    c->from = kr_need_attr(kr, "carry", "from");
    c->let = kr_need_attr(kr, "carry", "let");
    c->line = kr_line(kr);
    if (!c->from || !c->let)
        return -1;
    kr->ncarries++;
    return 0;
}


/* A variable's value from the key, in SI: a number in its unit, or a
 * string (a choice id computed by a let). */
static int var_value(key_reader *kr, const tmp_var *v, ion_val *out)
{
    double x;
    if (kr_parse_number(v->value, &x) == 0) {
        out->type = ION_T_NUM;
        out->num = ion_to_si(ion_unit_find(v->unit), x);
        out->str = NULL;
        return 0;
    }
    if (!v->expr)
        return fail(kr, "err.key.param_value", "%s%s", v->name, v->value);
    out->type = ION_T_STR;
    out->num = 0;
    out->str = ion_arena_intern(kr->k->mem, v->value);
    return out->str ? 0 : kr_oom(kr);
}

/* What a problem gives its instance and its parts' views: the reader's
 * arrays once the problem is read (kr_end_problem), or the same arrays in
 * the student's record (kr_load_student). Every pointer in them is to
 * something the key keeps (interned strings, templates, shapes, units)
 * but the part keys' arrays, which make_instance sets. */
typedef struct {
    const ion_template *shape;
    size_t nvals, nparts, nmistakes, nalts, nshown;
    const ion_val *vals;
    const tmp_part *tparts;
    const key_part *parts; /* NULL: in the key's parts already (a whole key) */
    const ion_judge_mistake *mistakes;
    const key_feedback *feedback;
    const char *const *alt_ids;
    const char *const *shown;
    const char *alt_letters;
} kr_problem;

/* A problem as the model's instance (instance.h): its shape, its values,
 * its params as printed (key v2), a part key per part with its choices or
 * options and its mistakes (nothing drawn: no seed was), and its parts'
 * views (key_part) from part0 of the key's parts; in the arena of the
 * students held, so that nothing points into arrays that grow. */
static int make_instance(key_reader *kr, const kr_problem *pb)
{
    ion_answer_key *k = kr->k;
    size_t np = pb->nparts, nv = pb->nvals, nm = pb->nmistakes, na = pb->nalts, ns = pb->nshown;
    if (kr_grow(&k->insts, &kr->cap_insts, k->ninsts, sizeof *k->insts) < 0 ||
        kr_grow(&k->parts, &kr->cap_parts, k->nparts + np - 1, sizeof *k->parts) < 0)
        return kr_oom(kr);
    /* One block, the arrays in the order of their alignment. */
    char *block = ion_arena_alloc(k->loaded_mem, nv * sizeof(ion_val) + np * sizeof(ion_part_key) +
                                             nm * (sizeof(ion_judge_mistake) + sizeof(key_feedback)) +
                                             (na + ns) * sizeof(char *) + na + 1);
    if (!block)
        return kr_oom(kr);
    ion_val *vals = (ion_val *)block;
    ion_part_key *keys = (ion_part_key *)(vals + nv);
    ion_judge_mistake *mistakes = (ion_judge_mistake *)(keys + np);
    key_feedback *feedback = (key_feedback *)(mistakes + nm);
    const char **ids = (const char **)(feedback + nm), **shown = ids + na;
    char *letters = (char *)(shown + ns);
    if (nv)
        memcpy(vals, pb->vals, nv * sizeof *vals);
    if (nm) {
        memcpy(mistakes, pb->mistakes, nm * sizeof *mistakes);
        memcpy(feedback, pb->feedback, nm * sizeof *feedback);
    }
    if (na) {
        memcpy(ids, pb->alt_ids, na * sizeof *ids);
        memcpy(letters, pb->alt_letters, na);
    }
    if (ns)
        memcpy(shown, pb->shown, ns * sizeof *shown);
    key_part *parts = &k->parts[k->nparts];
    if (pb->parts)
        memcpy(parts, pb->parts, np * sizeof *parts);
    for (size_t i = 0; i < np; i++) {
        const tmp_part *tp = &pb->tparts[i];
        keys[i] = tp->key;
        keys[i].ids = tp->key.nids ? ids + tp->alt0 : NULL;
        keys[i].letters = tp->key.kind == ION_ANSWER_MCQ ? letters + tp->alt0 : NULL;
        keys[i].mistakes = tp->key.nmistakes ? mistakes + tp->mis0 : NULL;
        parts[i].feedback = feedback + tp->mis0;
        parts[i].inst = k->ninsts;
        parts[i].index = i;
    }
    k->nparts += np;
    ion_instance *in = &k->insts[k->ninsts++];
    memset(in, 0, sizeof *in);
    in->t = pb->shape;
    in->vals = vals;
    in->keys = keys;
    in->shown = ns ? shown : NULL;
    return 0;
}

/* ---- records --------------------------------------------------------------- */

/* A record is each problem's kr_problem counts, then its arrays, each at
 * an offset aligned for any type (the record starts so aligned, in memory
 * and in the buffer it is read into), so that they are used where they
 * lie. */
typedef struct {
    const ion_template *shape;
    size_t nvals, nparts, nmistakes, nalts, nshown;
} rec_head;

#define REC_ALIGN _Alignof(max_align_t)

static size_t rec_aligned(size_t n)
{
    return (n + REC_ALIGN - 1) / REC_ALIGN * REC_ALIGN;
}

static int rec_put(key_reader *kr, const void *p, size_t n)
{
    size_t at = rec_aligned(kr->rec_len);
    if (kr_grow(&kr->rec, &kr->rec_cap, at + n, 1) < 0)
        return kr_oom(kr);
    memset(kr->rec + kr->rec_len, 0, at - kr->rec_len);
    if (n)
        memcpy(kr->rec + at, p, n);
    kr->rec_len = at + n;
    return 0;
}

/* The next n bytes of a record, or NULL past its end. */
static const void *rec_take(const char *rec, size_t len, size_t *at, size_t n)
{
    size_t from = rec_aligned(*at);
    if (from > len || n > len - from)
        return NULL;
    *at = from + n;
    return rec + from;
}

/* Adds the problem just read to the student's record. */
static int record_problem(key_reader *kr, const kr_problem *pb)
{
    rec_head h = {pb->shape, pb->nvals, pb->nparts, pb->nmistakes, pb->nalts, pb->nshown};
    if (rec_put(kr, &h, sizeof h) < 0 || rec_put(kr, pb->vals, pb->nvals * sizeof *pb->vals) < 0 ||
        rec_put(kr, pb->tparts, pb->nparts * sizeof *pb->tparts) < 0 ||
        rec_put(kr, pb->parts, pb->nparts * sizeof *pb->parts) < 0 ||
        rec_put(kr, pb->mistakes, pb->nmistakes * sizeof *pb->mistakes) < 0 ||
        rec_put(kr, pb->feedback, pb->nmistakes * sizeof *pb->feedback) < 0 ||
        rec_put(kr, pb->alt_ids, pb->nalts * sizeof *pb->alt_ids) < 0 ||
        rec_put(kr, pb->shown, pb->nshown * sizeof *pb->shown) < 0 ||
        rec_put(kr, pb->alt_letters, pb->nalts) < 0)
        return -1;
    return 0;
}

int kr_load_student(key_reader *kr, const char *rec, size_t len, size_t n)
{
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        const rec_head *h = rec_take(rec, len, &at, sizeof *h);
        if (!h)
            return kr_oom(kr); /* not written by kr_end_student: cannot be */
        kr_problem pb = {h->shape, h->nvals, h->nparts, h->nmistakes, h->nalts, h->nshown,
                         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
        if (!(pb.vals = rec_take(rec, len, &at, pb.nvals * sizeof *pb.vals)) ||
            !(pb.tparts = rec_take(rec, len, &at, pb.nparts * sizeof *pb.tparts)) ||
            !(pb.parts = rec_take(rec, len, &at, pb.nparts * sizeof *pb.parts)) ||
            !(pb.mistakes = rec_take(rec, len, &at, pb.nmistakes * sizeof *pb.mistakes)) ||
            !(pb.feedback = rec_take(rec, len, &at, pb.nmistakes * sizeof *pb.feedback)) ||
            !(pb.alt_ids = rec_take(rec, len, &at, pb.nalts * sizeof *pb.alt_ids)) ||
            !(pb.shown = rec_take(rec, len, &at, pb.nshown * sizeof *pb.shown)) ||
            !(pb.alt_letters = rec_take(rec, len, &at, pb.nalts)))
            return kr_oom(kr);
        size_t part0 = kr->k->nparts;
        if (make_instance(kr, &pb) < 0)
            return -1;
        for (size_t j = part0; j < kr->k->nparts; j++) /* the columns were sorted after the read */
            kr->k->parts[j].column = kr->k->column_sorted[kr->k->parts[j].column];
    }
    return 0;
}

/* A v1 problem's <carry>s as the shape's carries (template.h): the
 * earlier numeric part of the problem by id, the let by name. */
static int resolve_carries(key_reader *kr)
{
    const ion_answer_key *k = kr->k;
    size_t lets = 0;
    while (lets < kr->nvars && !kr->vars[lets].expr)
        lets++;
    for (size_t c = 0; c < kr->ncarries; c++) {
        tmp_carry *tc = &kr->carries[c];
        if (!tc->from)
            continue; /* a v2 template's, resolved when it was read */
        const char *id = k->parts[kr->prob_part0 + tc->part].id;
        size_t from = 0;
        while (from < tc->part && strcmp(kr->tparts[from].id, tc->from))
            from++;
        if (from == tc->part || kr->tparts[from].key.kind != ION_ANSWER_NUMERIC)
            return kr_stop(kr, ion_fail_key(kr->err, kr->name, tc->line, "err.key.carry_from", "%s%s", id, tc->from));
        size_t slot = lets;
        while (slot < kr->nvars && strcmp(kr->vars[slot].name, tc->let))
            slot++;
        if (slot == kr->nvars)
            return kr_stop(kr, ion_fail_key(kr->err, kr->name, tc->line, "err.key.carry_let", "%s%s", id, tc->let));
        tc->c = (ion_carry){from, slot};
        tc->from = NULL;
    }
    return 0;
}

int kr_end_problem(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    if (!kr->npsrc)
        return fail(kr, "err.key.no_part", "%d", kr->prob_n);
    /* A choice or mcq part without alternatives: no answer could ever be
     * right (and the grader would index a NULL array). */
    for (size_t i = 0; i < kr->npsrc; i++)
        if (kr->tparts[i].key.kind != ION_ANSWER_NUMERIC && !kr->tparts[i].key.nids)
            return kr_stop(kr, ion_fail_key(kr->err, kr->name, k->parts[kr->prob_part0 + i].line,
                                         kr->tparts[i].key.kind == ION_ANSWER_CHOICE ? "err.key.no_choices"
                                                                                      : "err.key.no_options",
                                         "%s", kr->tparts[i].id));
    if (kr->prob_t && kr_lets_from_template(kr) < 0)
        return -1;
    if (kr_grow(&kr->vals, &kr->cap_vals, kr->nvars, sizeof *kr->vals) < 0)
        return kr_oom(kr);
    for (size_t i = 0; i < kr->nvars; i++) {
        /* a v2 problem's names are its template's, checked once */
        for (size_t j = 0; !kr->prob_t && j < i; j++)
            if (!strcmp(kr->vars[i].name, kr->vars[j].name))
                return fail(kr, "err.key.problem_var_twice", "%d%s", kr->prob_n, kr->vars[i].name);
        if (var_value(kr, &kr->vars[i], &kr->vals[i]) < 0)
            return -1;
        kr->vars[i].type = kr->vals[i].type;
    }
    if (resolve_carries(kr) < 0)
        return -1;
    const ion_template *sh = kr_shape(kr);
    if (!sh)
        return -1;
    size_t ns = kr->prob_t ? kr_params(kr->prob_t) : 0;
    if (kr_grow(&kr->shown, &kr->cap_shown, ns, sizeof *kr->shown) < 0)
        return kr_oom(kr);
    for (size_t i = 0; i < ns; i++)
        if (!(kr->shown[i] = kr_keep(kr, kr->vars[i].value)))
            return -1;
    key_student *s = &k->students[k->nstudents];
    for (size_t i = 0; i < kr->npsrc; i++)
        s->max += kr->tparts[i].key.points;
    s->sheet.n++;
    /* A whole key's parts stay where kr_on_part put them. */
    kr_problem pb = {sh, kr->nvars, kr->npsrc, kr->nmistakes, kr->nalts, ns, kr->vals, kr->tparts,
                     &k->parts[kr->prob_part0], kr->mistakes, kr->feedback, kr->alt_ids, kr->shown, kr->alt_letters};
    if (k->whole) {
        k->nparts = kr->prob_part0;
        pb.parts = NULL;
        if (make_instance(kr, &pb) < 0)
            return -1;
    } else if (record_problem(kr, &pb) < 0) {
        return -1;
    }
    kr->in_problem = 0;
    ion_arena_reset(kr->tmp);
    return 0;
}

/* Forgets the students held: grading loads one student at a time. */
void kr_drop_student(ion_answer_key *k)
{
    k->nparts = k->ninsts = 0;
    if (k->loaded_mem != k->mem)
        ion_arena_reset(k->loaded_mem);
}

int kr_end_student(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    key_student *s = &k->students[k->nstudents];
    s->nparts = k->nparts - s->part0;
    if (!s->nparts)
        return fail(kr, "err.key.no_problem", "%s", s->sheet.id);
    if (s->nparts > k->max_parts)
        k->max_parts = s->nparts;
    if (!k->whole) {
        if (kr_store_put(k, kr->rec, kr->rec_len, &s->rec, kr->err) < 0)
            return kr_stop(kr, -1);
        s->rec_len = kr->rec_len;
        kr_drop_student(k);
    }
    k->nstudents++;
    kr->in_student = 0;
    return 0;
}
