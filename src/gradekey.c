/* Reading the answer key (schema/answer-key.xsd, v2; answer-key-1.xsd,
 * v1) for grading: fed in 64 KiB chunks through libxml2's SAX2 push
 * parser, so a key never exists whole, as a tree or as bytes; every
 * expression compiled once per template version. The reader checks the
 * structure itself (elements, attributes, numbers, ids, expressions) for
 * every student, keeps the templates, shapes and an index of the students
 * (id, name, points, the bytes of their element), and drops each
 * student's instances; ion_answer_key_student reads one student's element
 * again into the model (gradekey.h) when the grader needs it. The XSD,
 * when given, is checked in a second pass. */
#include "gradekey.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "bank.h"
#include "strbuf.h"
#include "text.h"
#include "xmlsafe.h"

#define KEY_NS1 "urn:ionsheet:answer-key:1"
#define KEY_NS2 "urn:ionsheet:answer-key:2"
#define DEFAULT_SIGFIGS 4

/* ---- an arena of strings and small arrays, with interning ---------------- */

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    max_align_t data[];
} chunk;

struct key_arena {
    chunk *head, *cur;
    const char **set; /* interned strings: open addressing */
    size_t set_cap, set_n;
};

static struct key_arena *arena_new(void)
{
    return calloc(1, sizeof(struct key_arena));
}

static void arena_free(struct key_arena *a)
{
    if (!a)
        return;
    for (chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(a->set);
    free(a);
}

/* Forgets everything allocated (keeping the memory) but not the set. */
static void arena_reset(struct key_arena *a)
{
    for (chunk *c = a->head; c; c = c->next)
        c->used = 0;
    a->cur = a->head;
}

static void *arena_alloc(struct key_arena *a, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    while (a->cur && a->cur->used + size > a->cur->cap && a->cur->next)
        a->cur = a->cur->next;
    if (!a->cur || a->cur->used + size > a->cur->cap) {
        size_t cap = size > (1u << 16) ? size : (1u << 16);
        chunk *c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->used = 0;
        c->cap = cap;
        /* After the current chunk, so that a reset arena reuses it first. */
        if (a->cur) {
            c->next = a->cur->next;
            a->cur->next = c;
        } else {
            c->next = NULL;
            a->head = c;
        }
        a->cur = c;
    }
    void *p = (char *)a->cur->data + a->cur->used;
    a->cur->used += size;
    return p;
}

static char *arena_strdup(struct key_arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* One stored copy of s however often it comes: thousands of students share
 * their choice ids and most feedback texts. */
static const char *arena_intern(struct key_arena *a, const char *s)
{
    if (a->set_n * 2 >= a->set_cap) {
        size_t cap = a->set_cap ? a->set_cap * 2 : 1024;
        const char **set = calloc(cap, sizeof *set);
        if (!set)
            return NULL;
        for (size_t i = 0; i < a->set_cap; i++)
            if (a->set[i]) {
                size_t j = hash_str(a->set[i]) & (cap - 1);
                while (set[j])
                    j = (j + 1) & (cap - 1);
                set[j] = a->set[i];
            }
        free(a->set);
        a->set = set;
        a->set_cap = cap;
    }
    size_t j = hash_str(s) & (a->set_cap - 1);
    for (; a->set[j]; j = (j + 1) & (a->set_cap - 1))
        if (!strcmp(a->set[j], s))
            return a->set[j];
    char *copy = arena_strdup(a, s);
    if (copy) {
        a->set[j] = copy;
        a->set_n++;
    }
    return copy;
}

/* Grows *arr (of elements of size) so that index n fits. */
static int grow(void *arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 16;
    while (c <= n)
        c *= 2;
    void *p = realloc(*(void **)arr, c * size);
    if (!p)
        return -1;
    *(void **)arr = p;
    *cap = c;
    return 0;
}

/* ---- the reader's state -------------------------------------------------- */

typedef struct {
    const char *name, *value, *unit, *expr; /* in the temporary arena */
    ion_type type;                          /* of the value */
} tmp_var;

typedef struct {
    size_t part; /* absolute index into key->parts */
    const char *from, *let;
    int line;
} tmp_carry;

/* A part of the problem being read, until the problem ends and becomes an
 * instance (end_problem): its key, whose arrays are the reader's (from
 * alt0 and mis0) until then. */
typedef struct {
    const char *id;
    ion_part_key key;
    size_t alt0, mis0;
} tmp_part;

typedef struct key_reader {
    ion_answer_key *k;
    xmlParserCtxtPtr ctxt;
    const char *name;
    ion_error *err;
    ion_xml_error xml;
    int failed, depth, seen_root;
    /* the element at hand: its namespace and attributes (SAX2's array of
     * localname, prefix, URI, value, end per attribute) */
    const char *uri;
    const xmlChar **attrs;
    int nattrs;
    /* the text of a <feedback> being read */
    ion_strbuf text;
    int in_feedback, feedback_zh;
    key_feedback *feedback_to; /* where the <feedback> being read goes: a v1 mistake's, */
    ion_i18n *tfeedback_to;    /* or a v2 template mistake's */
    struct key_arena *tmp; /* strings of the current problem */
    /* capacities of the key's arrays */
    size_t cap_students, cap_insts, cap_parts, cap_carries, cap_shapes, cap_columns;
    /* the problem being read: its parts, their choices or mcq options (ids
     * and letters side by side, as the judge takes them), their mistakes
     * with their feedback, its values (SI) */
    tmp_part *tparts;
    const char **alt_ids;
    char *alt_letters;
    size_t nalts;
    ion_judge_mistake *mistakes;
    key_feedback *feedback;
    size_t nmistakes;
    ion_val *vals;
    size_t cap_tparts_tmp, cap_alt_ids, cap_alt_letters, cap_mistakes, cap_feedback, cap_vals;
    /* the current student and problem */
    int in_student, in_problem;
    size_t student_part0;
    int prob_n, prob_version, prob_line;
    const char *prob_template;
    size_t prob_part0;
    tmp_var *vars;
    size_t nvars, cap_vars;
    const char **psrc;
    size_t npsrc, cap_psrc;
    tmp_carry *carries;
    size_t ncarries, cap_carries_tmp;
    size_t column_hint;
    /* key v2: the template being read, its arrays' capacities; the
     * current problem's template and lets */
    size_t cap_templates, cap_tvars, cap_tparts, cap_tchoices, cap_tmistakes, cap_tcarries;
    int in_template;
    const key_template *prob_tdef;
    const char *prob_lets;
    /* loading one student again (ion_answer_key_student): which, and the
     * line of the key its element starts on */
    int student_mode;
    xmlParserCtxtPtr reuse;
    size_t load_index;
    int line_base;
} key_reader;

static int line_now(key_reader *kr)
{
    return kr->ctxt ? xmlSAX2GetLineNumber(kr->ctxt) + kr->line_base : 0;
}

/* Stops the parse after an error (err already filled); returns ret. */
static int stop(key_reader *kr, int ret)
{
    if (!kr->failed) {
        kr->failed = 1;
        if (kr->ctxt)
            xmlStopParser(kr->ctxt);
    }
    return ret;
}

/* fail(kr, KEY, SIG, ...): the catalogue's message KEY (ion_fail_key,
 * text.h) at the reader's line, and the parse stops; -1. The first error
 * stands: <answer-key> without worksheet then checks course, which must
 * not say course is missing. */
#define fail(kr, ...) \
    ((kr)->failed ? -1 : stop((kr), ion_fail_key((kr)->err, (kr)->name, line_now(kr), __VA_ARGS__)))

static int oom(key_reader *kr)
{
    return fail(kr, "err.out_of_memory", "-");
}

/* The attribute's value copied into the temporary arena, or NULL when the
 * element has no such attribute. */
static const char *attr(key_reader *kr, const char *name)
{
    /* After an error the parser is stopped and the values are freed. */
    for (int i = 0; !kr->failed && i < kr->nattrs; i++) {
        const xmlChar **a = kr->attrs + 5 * i;
        if (a[2] || strcmp((const char *)a[0], name))
            continue;
        size_t n = (size_t)(a[4] - a[3]);
        char *v = arena_alloc(kr->tmp, n + 1);
        if (!v) {
            oom(kr);
            return NULL;
        }
        memcpy(v, a[3], n);
        v[n] = '\0';
        return v; /* "&amp;" is "&" here: XML_PARSE_NOENT (parse_chunks) */
    }
    return NULL;
}

static const char *need_attr(key_reader *kr, const char *elem, const char *name)
{
    const char *v = attr(kr, name);
    if (!v)
        fail(kr, "err.key.needs_attr", "%s%s", elem, name);
    return v;
}

/* A whole string as a finite number. */
static int parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int number_attr(key_reader *kr, const char *elem, const char *name, int required,
                       double fallback, double *out)
{
    const char *v = required ? need_attr(kr, elem, name) : attr(kr, name);
    if (!v) {
        *out = fallback;
        return required ? -1 : 0;
    }
    if (parse_number(v, out) < 0)
        return fail(kr, "err.key.attr_nan", "%s%s%s", elem, name, v);
    return 0;
}

/* ---- elements -------------------------------------------------------------- */

static int on_root(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    k->version = !kr->uri ? 0 : !strcmp(kr->uri, KEY_NS2) ? 2 : !strcmp(kr->uri, KEY_NS1) ? 1 : 0;
    if (!k->version)
        return fail(kr, "err.key.not_a_key", "%s%s",
                    KEY_NS2, KEY_NS1);
    const char *ws = need_attr(kr, "answer-key", "worksheet");
    const char *course = need_attr(kr, "answer-key", "course");
    const char *title = attr(kr, "title");
    if (!ws || !course)
        return -1;
    const char *why = ion_bank_id_problem(ws);
    if (why)
        return fail(kr, "err.bank.ws_name", "%s%s", ws, why);
    k->worksheet = arena_strdup(k->mem, ws);
    k->course = arena_strdup(k->mem, course);
    k->title = arena_strdup(k->mem, title ? title : "");
    return k->worksheet && k->course && k->title ? 0 : oom(kr);
}

static int on_student(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    if (kr->student_mode) {
        k->students[kr->load_index].part0 = 0;
        k->students[kr->load_index].inst0 = 0;
        kr->in_student = 1;
        kr->student_part0 = 0;
        return 0;
    }
    const char *id = need_attr(kr, "student", "id");
    const char *name = need_attr(kr, "student", "name");
    if (!id || !name)
        return -1;
    /* Ids name feedback files: only safe ones. */
    const char *why = ion_bank_id_problem(id);
    if (why)
        return fail(kr, "err.key.student_id", "%s%s", id, why);
    if (grow(&k->students, &kr->cap_students, k->nstudents, sizeof *k->students) < 0)
        return oom(kr);
    key_student *s = &k->students[k->nstudents];
    memset(s, 0, sizeof *s);
    s->sheet.id = arena_strdup(k->mem, id);
    s->sheet.name = arena_strdup(k->mem, name);
    if (!s->sheet.id || !s->sheet.name)
        return oom(kr);
    s->sheet.index = k->nstudents;
    s->sheet.own = 1;
    s->part0 = k->nparts;
    s->inst0 = k->ninsts;
    s->from = (size_t)xmlByteConsumed(kr->ctxt);
    s->line = line_now(kr);
    kr->in_student = 1;
    kr->student_part0 = k->nparts;
    return 0;
}

static int on_problem(key_reader *kr)
{
    double n, version;
    const char *tmpl = need_attr(kr, "problem", "template");
    if (!tmpl || number_attr(kr, "problem", "n", 1, 0, &n) < 0 ||
        number_attr(kr, "problem", "version", 1, 0, &version) < 0)
        return -1;
    if (n < 1 || n > 1e6 || version < 1 || version > 1e9 || n != (int)n || version != (int)version)
        return fail(kr, "err.key.problem_n", "-");
    kr->prob_tdef = NULL;
    if (kr->k->version == 2) {
        const ion_answer_key *k = kr->k;
        for (size_t i = 0; i < k->ntemplates && !kr->prob_tdef; i++)
            if (!strcmp(k->templates[i].t->id, tmpl) && k->templates[i].t->version == (int)version)
                kr->prob_tdef = &k->templates[i];
        if (!kr->prob_tdef)
            return fail(kr, "err.key.problem_template", "%d%s%d", (int)n, tmpl, (int)version);
        kr->prob_lets = attr(kr, "lets");
    }
    kr->prob_template = tmpl;
    kr->prob_n = (int)n;
    kr->prob_version = (int)version;
    kr->prob_line = line_now(kr);
    kr->prob_part0 = kr->k->nparts;
    kr->in_problem = 1;
    kr->nvars = kr->npsrc = kr->ncarries = kr->nalts = kr->nmistakes = 0;
    return 0;
}

static int on_var(key_reader *kr, const char *elem, int is_let)
{
    if (grow(&kr->vars, &kr->cap_vars, kr->nvars, sizeof *kr->vars) < 0)
        return oom(kr);
    tmp_var *v = &kr->vars[kr->nvars];
    v->name = need_attr(kr, elem, "name");
    v->value = need_attr(kr, elem, "value");
    if (kr->prob_tdef) { /* key v2: the template has the unit */
        const key_template *kt = kr->prob_tdef;
        if (!v->name || !v->value)
            return -1;
        if (kr->nvars >= kt->nparams || strcmp(kt->t->vars[kr->nvars].name, v->name))
            return fail(kr, "err.key.param_order", "%s%s", v->name, kt->t->id);
        v->unit = kt->t->vars[kr->nvars].unit->name;
        v->expr = NULL;
        kr->nvars++;
        return 0;
    }
    v->unit = need_attr(kr, elem, "unit");
    v->expr = is_let ? need_attr(kr, elem, "expr") : NULL;
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
    if (grow(&k->columns, &kr->cap_columns, k->ncolumns, sizeof *k->columns) < 0)
        return oom(kr);
    k->columns[k->ncolumns] = arena_strdup(k->mem, id);
    if (!k->columns[k->ncolumns])
        return oom(kr);
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

static int part_from_template(key_reader *kr, tmp_part *p, const char **expr);

static int on_part(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    const char *id = need_attr(kr, "part", "id");
    const char *kind = need_attr(kr, "part", "kind");
    const char *value = need_attr(kr, "part", "value");
    if (!id || !kind || !value)
        return -1;
    if (!valid_part_id(id))
        return fail(kr, "err.key.part_id", "%s", id);
    for (size_t i = kr->student_part0; i < k->nparts; i++)
        if (!strcmp(k->parts[i].id, id))
            return fail(kr, "err.key.part_twice", "%s", id);
    if (grow(&k->parts, &kr->cap_parts, k->nparts, sizeof *k->parts) < 0 ||
        grow(&kr->psrc, &kr->cap_psrc, kr->npsrc, sizeof *kr->psrc) < 0 ||
        grow(&kr->tparts, &kr->cap_tparts_tmp, kr->npsrc, sizeof *kr->tparts) < 0)
        return oom(kr);
    key_part *p = &k->parts[k->nparts];
    memset(p, 0, sizeof *p);
    if (column_of(kr, id, &p->column) < 0)
        return -1;
    p->id = k->columns[p->column];
    p->line = line_now(kr);
    p->inst = k->ninsts; /* the instance is made when the problem ends */
    p->index = kr->npsrc;
    tmp_part *tp = &kr->tparts[kr->npsrc];
    memset(tp, 0, sizeof *tp);
    tp->id = p->id;
    tp->alt0 = kr->nalts;
    tp->mis0 = kr->nmistakes;
    ion_part_key *pk = &tp->key;
    if (number_attr(kr, "part", "points", 1, 0, &pk->points) < 0)
        return -1;
    pk->slip_credit = ION_SLIP_CREDIT;
    pk->sign_credit = ION_SIGN_CREDIT;
    if (pk->points < 0 || pk->points > ION_POINTS_MAX)
        return fail(kr, "err.key.points", "%s%g%d", id, pk->points, ION_POINTS_MAX);
    if (!strcmp(kind, "numeric")) {
        pk->kind = ION_ANSWER_NUMERIC;
        const char *unit = attr(kr, "unit");
        pk->unit = ion_unit_find(unit ? unit : "1");
        if (!pk->unit)
            return fail(kr, "err.key.part_unit", "%s%s", id, unit);
        double sig;
        if (parse_number(value, &pk->value) < 0)
            return fail(kr, "err.key.part_value", "%s%s", id, value);
        if (number_attr(kr, "part", "tol-abs", 0, 0, &pk->tol_abs) < 0 ||
            number_attr(kr, "part", "tol-rel", 0, 0, &pk->tol_rel) < 0 ||
            number_attr(kr, "part", "sigfigs", 0, DEFAULT_SIGFIGS, &sig) < 0)
            return -1;
        if (pk->tol_abs < 0 || pk->tol_rel < 0)
            return fail(kr, "err.key.negative_tol", "%s", id);
        pk->sigfigs = sig >= 1 && sig <= 17 ? (int)sig : DEFAULT_SIGFIGS;
    } else if (!strcmp(kind, "choice") || !strcmp(kind, "mcq")) {
        pk->kind = kind[0] == 'c' ? ION_ANSWER_CHOICE : ION_ANSWER_MCQ;
        if (!(pk->answer = arena_intern(k->mem, value)))
            return oom(kr);
    } else {
        return fail(kr, "err.key.kind", "%s%s", id, kind);
    }
    const char *expr = NULL;
    if (!kr->prob_tdef)
        expr = attr(kr, "expr");
    else if (part_from_template(kr, tp, &expr) < 0)
        return -1;
    kr->psrc[kr->npsrc++] = expr;
    k->nparts++;
    return 0;
}

static tmp_part *current_part(key_reader *kr, const char *elem)
{
    if (!kr->npsrc || !kr->in_problem) {
        fail(kr, "err.key.outside_part", "%s", elem);
        return NULL;
    }
    return &kr->tparts[kr->npsrc - 1];
}

/* Adds a choice (letter 0) or an mcq option to part p. */
static int add_alt(key_reader *kr, tmp_part *p, const char *id, char letter)
{
    for (size_t i = 0; i < p->key.nids; i++)
        if (letter ? kr->alt_letters[p->alt0 + i] == letter : !strcmp(kr->alt_ids[p->alt0 + i], id))
            return letter ? fail(kr, "err.key.option_twice", "%s%c", p->id, letter)
                          : fail(kr, "err.key.choice_twice", "%s%s", p->id, id);
    if (grow(&kr->alt_ids, &kr->cap_alt_ids, kr->nalts, sizeof *kr->alt_ids) < 0 ||
        grow(&kr->alt_letters, &kr->cap_alt_letters, kr->nalts, sizeof *kr->alt_letters) < 0)
        return oom(kr);
    kr->alt_letters[kr->nalts] = letter;
    if (!(kr->alt_ids[kr->nalts] = arena_intern(kr->k->mem, id)))
        return oom(kr);
    kr->nalts++;
    p->key.nids++;
    return 0;
}

static int on_alt(key_reader *kr, int option)
{
    tmp_part *p = current_part(kr, option ? "option" : "choice");
    if (!p)
        return -1;
    const char *id = need_attr(kr, option ? "option" : "choice", "id");
    const char *letter = option ? need_attr(kr, "option", "letter") : "";
    if (!id || !letter)
        return -1;
    if (option && (strlen(letter) != 1 || letter[0] < 'A' || letter[0] > 'Z'))
        return fail(kr, "err.key.option_letter", "%s", letter);
    return add_alt(kr, p, id, letter[0]);
}

/* Adds a mistake with its value (text) and credit to part p; source is
 * its index among the template part's mistakes. */
static int add_mistake(key_reader *kr, tmp_part *p, const char *value, double credit, int source)
{
    if (grow(&kr->mistakes, &kr->cap_mistakes, kr->nmistakes, sizeof *kr->mistakes) < 0 ||
        grow(&kr->feedback, &kr->cap_feedback, kr->nmistakes, sizeof *kr->feedback) < 0)
        return oom(kr);
    ion_judge_mistake *m = &kr->mistakes[kr->nmistakes];
    memset(m, 0, sizeof *m);
    memset(&kr->feedback[kr->nmistakes], 0, sizeof *kr->feedback);
    m->source = source;
    m->credit = credit;
    if (credit < 0 || credit > 1)
        return fail(kr, "err.key.mistake_credit", "%s%g", p->id, credit);
    if (p->key.kind == ION_ANSWER_NUMERIC) {
        if (parse_number(value, &m->value) < 0)
            return fail(kr, "err.key.mistake_value", "%s%s", p->id, value);
    } else if (!(m->str = arena_intern(kr->k->mem, value))) {
        return oom(kr);
    }
    kr->nmistakes++;
    p->key.nmistakes++;
    return 0;
}

static int on_mistake(key_reader *kr)
{
    tmp_part *p = current_part(kr, "mistake");
    if (!p)
        return -1;
    const char *value = need_attr(kr, "mistake", "value");
    double credit;
    if (!value || number_attr(kr, "mistake", "credit", 1, 0, &credit) < 0)
        return -1;
    if (add_mistake(kr, p, value, credit, (int)p->key.nmistakes) < 0)
        return -1;
    kr->feedback_to = &kr->feedback[kr->nmistakes - 1];
    return 0;
}

static int on_feedback(key_reader *kr)
{
    if (!kr->feedback_to && !kr->tfeedback_to)
        return fail(kr, "err.key.feedback_outside", "-");
    kr->in_feedback = 1;
    kr->feedback_zh = 0;
    ion_strbuf_reset(&kr->text);
    for (int i = 0; i < kr->nattrs; i++) {
        const xmlChar **a = kr->attrs + 5 * i;
        if (a[2] && !strcmp((const char *)a[2], (const char *)XML_XML_NAMESPACE) &&
            !strcmp((const char *)a[0], "lang"))
            kr->feedback_zh = a[4] - a[3] == 2 && !memcmp(a[3], "zh", 2);
    }
    return 0;
}

static int end_feedback(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    ion_strbuf_add(&kr->text, "", 0);
    if (kr->text.oom)
        return oom(kr);
    kr->in_feedback = 0;
    if (kr->tfeedback_to) {
        char **text = kr->feedback_zh ? &kr->tfeedback_to->zh : &kr->tfeedback_to->en;
        free(*text);
        return (*text = strdup(kr->text.s)) ? 0 : oom(kr);
    }
    key_feedback *f = kr->feedback_to;
    f->text[kr->feedback_zh] = arena_intern(k->mem, kr->text.s);
    return f->text[kr->feedback_zh] ? 0 : oom(kr);
}

static int on_carry(key_reader *kr)
{
    tmp_part *p = current_part(kr, "carry");
    if (!p)
        return -1;
    if (grow(&kr->carries, &kr->cap_carries_tmp, kr->ncarries, sizeof *kr->carries) < 0)
        return oom(kr);
    tmp_carry *c = &kr->carries[kr->ncarries];
    c->part = kr->k->nparts - 1;
    c->from = need_attr(kr, "carry", "from");
    c->let = need_attr(kr, "carry", "let");
    c->line = line_now(kr);
    if (!c->from || !c->let)
        return -1;
    kr->ncarries++;
    return 0;
}

/* ---- key v2: the templates ----------------------------------------------- */

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

/* A string kept by the key (the template's strings outlive every problem). */
static const char *keep(key_reader *kr, const char *s)
{
    const char *k = s ? arena_intern(kr->k->mem, s) : NULL;
    if (s && !k)
        oom(kr);
    return k;
}

/* A copy of s owned by a template (ion_template_free frees it). */
static int own(key_reader *kr, char **to, const char *s)
{
    return (*to = strdup(s)) ? 0 : oom(kr);
}

static int on_template(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    double version;
    const char *id = need_attr(kr, "template", "id");
    if (!id || number_attr(kr, "template", "version", 1, 0, &version) < 0)
        return -1;
    if (k->version != 2 || k->nstudents)
        return fail(kr, "err.key.template_late", "-");
    if (version < 1 || version > 1e9 || version != (int)version)
        return fail(kr, "err.key.template_version", "-");
    for (size_t i = 0; i < k->ntemplates; i++)
        if (!strcmp(k->templates[i].t->id, id) && k->templates[i].t->version == (int)version)
            return fail(kr, "err.key.template_twice", "%s%d", id, (int)version);
    if (grow(&k->templates, &kr->cap_templates, k->ntemplates, sizeof *k->templates) < 0)
        return oom(kr);
    key_template *kt = &k->templates[k->ntemplates];
    memset(kt, 0, sizeof *kt);
    if (!(kt->t = calloc(1, sizeof *kt->t)))
        return oom(kr);
    k->ntemplates++;
    kr->cap_tvars = kr->cap_tparts = kr->cap_tcarries = 0;
    kt->t->version = (int)version;
    return own(kr, &kt->t->id, id);
}

static int on_tvar(key_reader *kr, int is_let)
{
    key_template *kt = current_template(kr);
    ion_template *t = kt->t;
    const char *elem = is_let ? "let" : "param";
    const char *name = need_attr(kr, elem, "name"), *unit = need_attr(kr, elem, "unit");
    const char *expr = is_let ? need_attr(kr, elem, "expr") : NULL;
    double digits = 0;
    if (!name || !unit || (is_let && (!expr || number_attr(kr, elem, "digits", 1, 0, &digits) < 0)))
        return -1;
    if (!is_let && t->nvars > kt->nparams)
        return fail(kr, "err.key.param_after_let", "%s", name);
    for (size_t i = 0; i < t->nvars; i++)
        if (!strcmp(t->vars[i].name, name))
            return fail(kr, "err.key.template_var_twice", "%s%s", t->id, name);
    if (grow(&t->vars, &kr->cap_tvars, t->nvars, sizeof *t->vars) < 0)
        return oom(kr);
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

static int on_tpart(key_reader *kr)
{
    ion_template *t = current_template(kr)->t;
    const char *id = need_attr(kr, "part", "id"), *kind = need_attr(kr, "part", "kind");
    if (!id || !kind)
        return -1;
    if (strlen(id) != 1 || id[0] < 'a' || id[0] > 'z')
        return fail(kr, "err.key.template_part_id", "%s", id);
    if (grow(&t->parts, &kr->cap_tparts, t->nparts, sizeof *t->parts) < 0)
        return oom(kr);
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
    if (number_attr(kr, "part", "sigfigs", 0, DEFAULT_SIGFIGS, &sig) < 0 ||
        number_attr(kr, "part", "slip-credit", 0, ION_SLIP_CREDIT, &p->slip_credit) < 0 ||
        number_attr(kr, "part", "sign-credit", 0, ION_SIGN_CREDIT, &p->sign_credit) < 0)
        return -1;
    if (p->slip_credit < 0 || p->slip_credit > 1 || p->sign_credit < 0 || p->sign_credit > 1)
        return fail(kr, "err.key.slip_credit", "%s", id);
    p->sigfigs = sig >= 1 && sig <= 17 ? (int)sig : DEFAULT_SIGFIGS;
    const char *expr = attr(kr, "expr");
    return kr->failed ? -1 : expr ? own(kr, &p->answer_src, expr) : 0;
}

static int on_tchoice(key_reader *kr)
{
    ion_part *p = current_tpart(kr, "choice");
    const char *id = p ? need_attr(kr, "choice", "id") : NULL;
    if (!id)
        return -1;
    if (grow(&p->choices, &kr->cap_tchoices, p->nchoices, sizeof *p->choices) < 0)
        return oom(kr);
    if (own(kr, &p->choices[p->nchoices], id) < 0)
        return -1;
    p->nchoices++;
    return 0;
}

static int on_tmistake(key_reader *kr)
{
    ion_part *p = current_tpart(kr, "mistake");
    double credit;
    if (!p || !need_attr(kr, "mistake", "expr") || number_attr(kr, "mistake", "credit", 1, 0, &credit) < 0)
        return -1;
    if (credit < 0 || credit > 1)
        return fail(kr, "err.key.mistake_credit", "%s%g", p->id, credit);
    if (grow(&p->mistakes, &kr->cap_tmistakes, p->nmistakes, sizeof *p->mistakes) < 0)
        return oom(kr);
    ion_mistake *m = &p->mistakes[p->nmistakes++];
    memset(m, 0, sizeof *m);
    m->credit = credit;
    kr->tfeedback_to = &m->feedback;
    return 0;
}

static int on_tcarry(key_reader *kr)
{
    key_template *kt = current_template(kr);
    const ion_part *p = current_tpart(kr, "carry");
    const char *from = p ? need_attr(kr, "carry", "from") : NULL, *let = from ? need_attr(kr, "carry", "let") : NULL;
    if (!let)
        return -1;
    if (grow(&kt->carries, &kr->cap_tcarries, kt->ncarries, sizeof *kt->carries) < 0)
        return oom(kr);
    key_tcarry *c = &kt->carries[kt->ncarries];
    c->part = kt->t->nparts - 1;
    if (!(c->from = keep(kr, from)) || !(c->let = keep(kr, let)))
        return -1;
    kt->ncarries++;
    return 0;
}

/* The next space-separated token of *s copied into the temporary arena,
 * or NULL at the end. */
static const char *next_token(key_reader *kr, const char **s)
{
    const char *p = *s;
    while (*p == ' ')
        p++;
    size_t n = strcspn(p, " ");
    if (!n)
        return NULL;
    char *t = arena_alloc(kr->tmp, n + 1);
    if (!t) {
        oom(kr);
        return NULL;
    }
    memcpy(t, p, n);
    t[n] = '\0';
    *s = p + n;
    return t;
}

/* A v2 student's part: what its template part gives (expression, figures,
 * choices, mistakes' credits and feedback, carries) and the student's own
 * mcq order and mistake values. */
static int part_from_template(key_reader *kr, tmp_part *p, const char **expr)
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
        if (add_alt(kr, p, tp->choices[c], 0) < 0)
            return -1;
    const char *list = attr(kr, "options"), *tok;
    if (p->key.kind == ION_ANSWER_MCQ && !list)
        return fail(kr, "err.key.mcq_options", "%s", p->id);
    for (char letter = 'A'; list && (tok = next_token(kr, &list)); letter++)
        if (letter > 'Z' || add_alt(kr, p, tok, letter) < 0)
            return letter > 'Z' ? fail(kr, "err.key.options_26", "%s", p->id) : -1;
    list = attr(kr, "mistakes");
    size_t m = 0;
    for (; list && (tok = next_token(kr, &list)); m++) {
        if (m >= tp->nmistakes)
            return fail(kr, "err.key.mistakes_more", "%s%zu", p->id, tp->nmistakes);
        if (!strcmp(tok, "-"))
            continue;
        if (add_mistake(kr, p, tok, tp->mistakes[m].credit, (int)m) < 0)
            return -1;
        const ion_i18n *f = &tp->mistakes[m].feedback;
        kr->feedback[kr->nmistakes - 1] = (key_feedback){{f->en, f->zh}, 1};
    }
    if (m != tp->nmistakes)
        return fail(kr, "err.key.mistakes_count", "%s%zu%zu", p->id, m, tp->nmistakes);
    for (size_t c = 0; c < kt->ncarries; c++) {
        if (kt->carries[c].part != i)
            continue;
        if (grow(&kr->carries, &kr->cap_carries_tmp, kr->ncarries, sizeof *kr->carries) < 0)
            return oom(kr);
        char *from = arena_alloc(kr->tmp, 16);
        if (!from)
            return oom(kr);
        snprintf(from, 16, "%d%s", kr->prob_n, kt->carries[c].from);
        tmp_carry *tc = &kr->carries[kr->ncarries++];
        tc->part = kr->k->nparts;
        tc->from = from;
        tc->let = kt->carries[c].let;
        tc->line = line_now(kr);
    }
    return 0;
}

/* A v2 problem's lets (problem/@lets) after its params, as a v1 key
 * gives them. */
static int lets_from_template(key_reader *kr)
{
    const key_template *kt = kr->prob_tdef;
    const ion_template *t = kt->t;
    if (kr->nvars != kt->nparams)
        return fail(kr, "err.key.params_count", "%d%zu%zu%s", kr->prob_n, kr->nvars, kt->nparams, t->id);
    const char *list = kr->prob_lets ? kr->prob_lets : "", *tok;
    for (size_t i = kt->nparams; i < t->nvars; i++) {
        if (!(tok = next_token(kr, &list)))
            return kr->failed ? -1 : fail(kr, "err.key.lets_fewer", "%d%s", kr->prob_n, t->id);
        if (grow(&kr->vars, &kr->cap_vars, kr->nvars, sizeof *kr->vars) < 0)
            return oom(kr);
        tmp_var *v = &kr->vars[kr->nvars++];
        v->name = t->vars[i].name;
        v->value = tok;
        v->unit = t->vars[i].unit->name;
        v->expr = t->vars[i].src;
    }
    if (next_token(kr, &list))
        return fail(kr, "err.key.lets_more", "%d%s", kr->prob_n, t->id);
    return 0;
}

/* ---- shapes: one compiled template per template version ------------------ */

static int shape_resolve(void *ctx, const char *name, size_t len, ion_type *type)
{
    const ion_template *sh = ctx;
    int slot = ion_template_slot(sh, name, len);
    if (slot >= 0)
        *type = sh->vars[slot].type;
    return slot;
}

/* A shape's params: its vars before the first let. */
static size_t shape_params(const ion_template *sh)
{
    size_t n = 0;
    while (n < sh->nvars && sh->vars[n].kind != ION_LET)
        n++;
    return n;
}

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static int shape_fits(const ion_template *t, const key_reader *kr)
{
    if (t->version != kr->prob_version || strcmp(t->id, kr->prob_template) || t->nvars != kr->nvars ||
        t->nparts != kr->npsrc)
        return 0;
    for (size_t i = 0; i < t->nvars; i++)
        if (!same_str(t->vars[i].name, kr->vars[i].name) || !same_str(t->vars[i].src, kr->vars[i].expr) ||
            t->vars[i].type != kr->vars[i].type)
            return 0;
    for (size_t i = 0; i < t->nparts; i++)
        if (!same_str(t->parts[i].answer_src, kr->psrc[i]))
            return 0;
    return 1;
}

/* key: err.key.let_expr or err.key.part_expr, about the let or part name. */
static int compile(key_reader *kr, ion_template *sh, const char *src, const char *key, const char *name,
                   ion_expr **out)
{
    ion_error e = {0};
    *out = ion_expr_compile(src, shape_resolve, sh, &e);
    if (*out)
        return 0;
    return stop(kr, ion_fail_key(kr->err, kr->name, kr->prob_line, key, "%s%s%s", sh->id, name, e.msg));
}

static int compile_shape(key_reader *kr, ion_template *t);

/* The problem just read as a compiled template: its vars' names, units and
 * lets' expressions, its parts' answer expressions. */
static int shape_of_problem(key_reader *kr, ion_template *t)
{
    for (size_t i = 0; i < kr->nvars; i++) {
        const tmp_var *kv = &kr->vars[i];
        ion_var *v = &t->vars[t->nvars++];
        v->kind = kv->expr ? ION_LET : ION_PARAM_FIXED;
        v->unit = ion_unit_find(kv->unit);
        v->digits = kr->prob_tdef ? kr->prob_tdef->t->vars[i].digits : 0; /* how feedback shows a let */
        v->type = kv->type;
        if (!(v->name = strdup(kv->name)) || (kv->expr && !(v->src = strdup(kv->expr))))
            return oom(kr);
    }
    for (size_t i = 0; i < kr->npsrc; i++) {
        ion_part *p = &t->parts[t->nparts++];
        const char *id = kr->k->parts[kr->prob_part0 + i].id;
        snprintf(p->id, sizeof p->id, "%s", id + strspn(id, "0123456789"));
        if (kr->psrc[i] && !(p->answer_src = strdup(kr->psrc[i])))
            return oom(kr);
    }
    return compile_shape(kr, t);
}

/* Compiles a shape's lets and part answers for its vars' types. */
static int compile_shape(key_reader *kr, ion_template *t)
{
    for (size_t i = shape_params(t); i < t->nvars; i++) {
        if (compile(kr, t, t->vars[i].src, "err.key.let_expr", t->vars[i].name, &t->vars[i].expr) < 0)
            return -1;
    }
    for (size_t i = 0; i < t->nparts; i++) {
        if (!t->parts[i].answer_src)
            continue;
        if (compile(kr, t, t->parts[i].answer_src, "err.key.part_expr", kr->k->parts[kr->prob_part0 + i].id,
                    &t->parts[i].answer) < 0)
            return -1;
    }
    return 0;
}

static const ion_template *make_shape(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    if (grow(&k->shapes, &kr->cap_shapes, k->nshapes, sizeof *k->shapes) < 0) {
        oom(kr);
        return NULL;
    }
    ion_template *t = calloc(1, sizeof *t);
    if (!t || !(t->vars = calloc(kr->nvars + 1, sizeof *t->vars)) ||
        !(t->parts = calloc(kr->npsrc + 1, sizeof *t->parts)) || !(t->id = strdup(kr->prob_template))) {
        if (t)
            ion_template_free(t);
        oom(kr);
        return NULL;
    }
    k->shapes[k->nshapes++] = t; /* owned by the key from here on */
    t->version = kr->prob_version;
    if (shape_of_problem(kr, t) < 0)
        return NULL;
    if (t->nvars > k->max_vars)
        k->max_vars = t->nvars;
    return t;
}

/* A key v2 template compiled itself for the value types of the problem
 * just read, its first: the shape of the students who have it, not a copy
 * of it (another shape only for students whose lets give other types). */
static const ion_template *template_as_shape(key_reader *kr, ion_template *t)
{
    ion_answer_key *k = kr->k;
    if (grow(&k->shapes, &kr->cap_shapes, k->nshapes, sizeof *k->shapes) < 0) {
        oom(kr);
        return NULL;
    }
    k->shapes[k->nshapes++] = t; /* still freed as the key's template */
    for (size_t i = 0; i < t->nvars; i++)
        t->vars[i].type = kr->vars[i].type;
    if (compile_shape(kr, t) < 0)
        return NULL;
    if (t->nvars > k->max_vars)
        k->max_vars = t->nvars;
    return t;
}

/* A variable's value from the key, in SI: a number in its unit, or a
 * string (a choice id computed by a let). */
static int var_value(key_reader *kr, const tmp_var *v, ion_val *out)
{
    double x;
    if (parse_number(v->value, &x) == 0) {
        out->type = ION_T_NUM;
        out->num = ion_to_si(ion_unit_find(v->unit), x);
        out->str = NULL;
        return 0;
    }
    if (!v->expr)
        return fail(kr, "err.key.param_value", "%s%s", v->name, v->value);
    out->type = ION_T_STR;
    out->num = 0;
    out->str = arena_intern(kr->k->mem, v->value);
    return out->str ? 0 : oom(kr);
}

/* The problem just read as the model's instance (instance.h): its shape,
 * its values, its params as printed (key v2), a part key per part with its
 * choices or options and its mistakes; in the arena of the students held,
 * so that nothing points into arrays that grow. */
static int make_instance(key_reader *kr, const ion_template *sh)
{
    ion_answer_key *k = kr->k;
    size_t np = kr->npsrc, nv = kr->nvars, nm = kr->nmistakes, na = kr->nalts;
    size_t ns = kr->prob_tdef ? kr->prob_tdef->nparams : 0;
    if (grow(&k->insts, &kr->cap_insts, k->ninsts, sizeof *k->insts) < 0)
        return oom(kr);
    /* One block, the arrays in the order of their alignment. */
    char *block = arena_alloc(k->loaded_mem, nv * sizeof(ion_val) + np * sizeof(ion_part_inst) +
                                             nm * (sizeof(ion_judge_mistake) + sizeof(key_feedback)) +
                                             (na + ns) * sizeof(char *) + na + 1);
    if (!block)
        return oom(kr);
    ion_val *vals = (ion_val *)block;
    ion_part_inst *parts = (ion_part_inst *)(vals + nv);
    ion_judge_mistake *mistakes = (ion_judge_mistake *)(parts + np);
    key_feedback *feedback = (key_feedback *)(mistakes + nm);
    const char **ids = (const char **)(feedback + nm), **shown = ids + na;
    char *letters = (char *)(shown + ns);
    if (nv)
        memcpy(vals, kr->vals, nv * sizeof *vals);
    if (nm) {
        memcpy(mistakes, kr->mistakes, nm * sizeof *mistakes);
        memcpy(feedback, kr->feedback, nm * sizeof *feedback);
    }
    if (na) {
        memcpy(ids, kr->alt_ids, na * sizeof *ids);
        memcpy(letters, kr->alt_letters, na);
    }
    for (size_t i = 0; i < ns; i++)
        if (!(shown[i] = keep(kr, kr->vars[i].value)))
            return -1;
    for (size_t i = 0; i < np; i++) {
        const tmp_part *tp = &kr->tparts[i];
        ion_part_inst *pi = &parts[i];
        memset(pi, 0, sizeof *pi);
        pi->key = tp->key;
        pi->key.ids = tp->key.nids ? ids + tp->alt0 : NULL;
        pi->key.letters = tp->key.kind == ION_ANSWER_MCQ ? letters + tp->alt0 : NULL;
        pi->judged = tp->key.nmistakes ? mistakes + tp->mis0 : NULL;
        pi->key.mistakes = pi->judged;
        if (tp->key.kind == ION_ANSWER_NUMERIC)
            pi->answer = (ion_val){ION_T_NUM, ion_to_si(tp->key.unit, tp->key.value), NULL};
        else if (tp->key.kind == ION_ANSWER_CHOICE)
            pi->answer = (ion_val){ION_T_STR, 0, tp->key.answer};
        else
            pi->letter = tp->key.answer[0];
        k->parts[kr->prob_part0 + i].feedback = feedback + tp->mis0;
    }
    ion_instance *in = &k->insts[k->ninsts++];
    memset(in, 0, sizeof *in);
    in->t = sh;
    in->vals = vals;
    in->parts = parts;
    in->shown = ns ? shown : NULL;
    return 0;
}

/* The kind of part i of the student being read (an index in key->parts):
 * of the problem being read, or of an instance made already. */
static ion_answer_kind part_kind(const key_reader *kr, size_t i)
{
    return i >= kr->prob_part0 ? kr->tparts[i - kr->prob_part0].key.kind : key_part_key(kr->k, &kr->k->parts[i])->kind;
}

static int end_problem(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    if (!kr->npsrc)
        return fail(kr, "err.key.no_part", "%d", kr->prob_n);
    /* A choice or mcq part without alternatives: no answer could ever be
     * right (and the grader would index a NULL array). */
    for (size_t i = 0; i < kr->npsrc; i++)
        if (kr->tparts[i].key.kind != ION_ANSWER_NUMERIC && !kr->tparts[i].key.nids)
            return stop(kr, ion_fail_key(kr->err, kr->name, k->parts[kr->prob_part0 + i].line,
                                         kr->tparts[i].key.kind == ION_ANSWER_CHOICE ? "err.key.no_choices"
                                                                                      : "err.key.no_options",
                                         "%s", kr->tparts[i].id));
    if (kr->prob_tdef && lets_from_template(kr) < 0)
        return -1;
    if (grow(&kr->vals, &kr->cap_vals, kr->nvars, sizeof *kr->vals) < 0)
        return oom(kr);
    for (size_t i = 0; i < kr->nvars; i++) {
        for (size_t j = 0; j < i; j++)
            if (!strcmp(kr->vars[i].name, kr->vars[j].name))
                return fail(kr, "err.key.problem_var_twice", "%d%s", kr->prob_n, kr->vars[i].name);
        if (var_value(kr, &kr->vars[i], &kr->vals[i]) < 0)
            return -1;
        kr->vars[i].type = kr->vals[i].type;
    }
    /* A v2 template's last shape first: its strings are the same pointers. */
    key_template *tdef = (key_template *)kr->prob_tdef;
    const ion_template *sh = tdef && tdef->shape && shape_fits(tdef->shape, kr) ? tdef->shape : NULL;
    for (size_t i = k->nshapes; i-- > 0 && !sh;)
        if (shape_fits(k->shapes[i], kr))
            sh = k->shapes[i];
    if (!sh && tdef && !tdef->shape && tdef->t->nparts == kr->npsrc)
        sh = template_as_shape(kr, tdef->t);
    else if (!sh)
        sh = make_shape(kr);
    if (!sh)
        return -1;
    if (tdef)
        tdef->shape = sh;
    /* Carries: the earlier part by id, the let by name. */
    for (size_t i = kr->prob_part0; i < k->nparts; i++) {
        key_part *p = &k->parts[i];
        p->car0 = k->ncarries;
        for (size_t c = 0; c < kr->ncarries; c++) {
            const tmp_carry *tc = &kr->carries[c];
            if (tc->part != i)
                continue;
            size_t from = kr->student_part0;
            while (from < i && strcmp(k->parts[from].id, tc->from))
                from++;
            if (from == i || part_kind(kr, from) != ION_ANSWER_NUMERIC)
                return stop(kr, ion_fail_key(kr->err, kr->name, tc->line,
                                         "err.key.carry_from", "%s%s",
                                         p->id, tc->from));
            size_t slot = shape_params(sh);
            while (slot < sh->nvars && strcmp(sh->vars[slot].name, tc->let))
                slot++;
            if (slot == sh->nvars)
                return stop(kr, ion_fail_key(kr->err, kr->name, tc->line,
                                         "err.key.carry_let", "%s%s", p->id, tc->let));
            if (grow(&k->carries, &kr->cap_carries, k->ncarries, sizeof *k->carries) < 0)
                return oom(kr);
            k->carries[k->ncarries].from = from - kr->student_part0;
            k->carries[k->ncarries].slot = slot;
            k->ncarries++;
            p->ncar++;
        }
    }
    if (make_instance(kr, sh) < 0)
        return -1;
    kr->in_problem = 0;
    arena_reset(kr->tmp);
    return 0;
}

/* Forgets the students held: grading loads one student at a time. */
static void drop_student(ion_answer_key *k)
{
    k->nparts = k->ninsts = k->ncarries = 0;
    if (k->loaded_mem != k->mem)
        arena_reset(k->loaded_mem);
}

static int end_student(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    if (kr->student_mode) {
        k->students[kr->load_index].nparts = k->nparts;
        k->students[kr->load_index].ninst = k->ninsts;
        kr->in_student = 0;
        return 0;
    }
    key_student *s = &k->students[k->nstudents];
    s->to = (size_t)xmlByteConsumed(kr->ctxt);
    s->nparts = k->nparts - s->part0;
    s->ninst = k->ninsts - s->inst0;
    if (!s->nparts)
        return fail(kr, "err.key.no_problem", "%s", s->sheet.id);
    for (size_t i = s->part0; i < k->nparts; i++)
        s->max += key_part_key(k, &k->parts[i])->points;
    if (s->nparts > k->max_parts)
        k->max_parts = s->nparts;
    k->nstudents++;
    kr->in_student = 0;
    if (!k->whole)
        drop_student(k);
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
            known = !strcmp(places[place].attrs[k], name);
        if (!known)
            return fail(kr, "err.key.unknown_attr", "%s%s", places[place].name, name);
    }
    return 0;
}

static int on_start(key_reader *kr, const char *name, int depth)
{
    /* By depth first: at most two names to compare. */
    size_t i = 0;
    while (i < PLACES && (places[i].depth != depth || strcmp(places[i].name, name)))
        i++;
    if (i == PLACES)
        return fail(kr, "err.key.unexpected", "%s", name);
    if (depth > 0 && (!kr->uri || strcmp(kr->uri, kr->k->version == 2 ? KEY_NS2 : KEY_NS1)))
        return fail(kr, "err.key.namespace", "%s", name);
    int only = version_of_place(i);
    if (only && only != kr->k->version)
        return fail(kr, "err.key.wrong_version", "%s%d", name, kr->k->version);
    if (kr->k->version == 2 && i == 4)
        return fail(kr, "err.key.let_v2", "-");
    if (known_attributes(kr, i) < 0)
        return -1;
    switch (i) {
    case 0: return on_root(kr);
    case 1: return on_student(kr);
    case 2: return on_problem(kr);
    case 3: return on_var(kr, "param", 0);
    case 4: return on_var(kr, "let", 1);
    case 5: return on_part(kr);
    case 6: return on_alt(kr, 0);
    case 7: return on_alt(kr, 1);
    case 8: return on_mistake(kr);
    case 9: return on_carry(kr);
    case 11: return on_template(kr);
    case 12: return on_tvar(kr, 0);
    case 13: return on_tvar(kr, 1);
    case 14: return on_tpart(kr);
    case 15: return on_tchoice(kr);
    case 16: return on_tmistake(kr);
    case 17: return on_tcarry(kr);
    default: return on_feedback(kr);
    }
}

static int on_end(key_reader *kr, const char *name, int depth)
{
    if (!strcmp(name, "problem"))
        return end_problem(kr);
    if (!strcmp(name, "student"))
        return end_student(kr);
    if (!strcmp(name, "feedback"))
        return end_feedback(kr);
    if (!strcmp(name, "mistake"))
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
        oom(kr);
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

static int cmp_columns(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    long nx = strtol(x, NULL, 10), ny = strtol(y, NULL, 10);
    if (nx != ny)
        return nx < ny ? -1 : 1;
    return strcmp(x, y);
}

/* Student i's sheet points at their instances, which key->insts holds
 * whole once the student is read. */
static void link_sheet(ion_answer_key *k, size_t i)
{
    k->students[i].sheet.inst = &k->insts[k->students[i].inst0];
    k->students[i].sheet.count = k->nstudents;
}

/* Columns in worksheet order (1a, 1b, ..., 10a), and the student index. */
static int finish(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    const char **sorted = malloc((k->ncolumns + 1) * sizeof *sorted);
    size_t *map = malloc((k->ncolumns + 1) * sizeof *map);
    k->index_cap = 16;
    while (k->index_cap < k->nstudents * 2)
        k->index_cap *= 2;
    k->index = calloc(k->index_cap, sizeof *k->index);
    if (!sorted || !map || !k->index) {
        free(sorted);
        free(map);
        return ion_fail_key(kr->err, kr->name, 0, "err.out_of_memory", "-");
    }
    /* A key without students has no columns, and k->columns is NULL: not
     * even 0 bytes may be copied from or to NULL. */
    if (k->ncolumns)
        memcpy(sorted, k->columns, k->ncolumns * sizeof *sorted);
    qsort(sorted, k->ncolumns, sizeof *sorted, cmp_columns);
    for (size_t i = 0; i < k->ncolumns; i++)
        for (size_t j = 0; j < k->ncolumns; j++)
            if (sorted[j] == k->columns[i])
                map[i] = j;
    if (k->ncolumns)
        memcpy(k->columns, sorted, k->ncolumns * sizeof *sorted);
    /* A whole key's parts were read before the columns were sorted. */
    for (size_t i = 0; i < k->nparts; i++)
        k->parts[i].column = map[k->parts[i].column];
    for (size_t i = 0; k->whole && i < k->nstudents; i++)
        link_sheet(k, i);
    free(sorted);
    free(map);
    for (size_t i = 0; i < k->nstudents; i++) {
        const char *id = k->students[i].sheet.id;
        size_t j = hash_str(id) & (k->index_cap - 1);
        for (; k->index[j]; j = (j + 1) & (k->index_cap - 1))
            if (!strcmp(k->students[k->index[j] - 1].sheet.id, id))
                return ion_fail_key(kr->err, kr->name, 0, "err.key.student_twice", "%s", id);
        k->index[j] = i + 1;
    }
    return 0;
}

#define CHUNK ((size_t)1 << 16)

/* Parses prefix (may be NULL), then len bytes from offset `from` of the
 * key (its file, or its copy in memory) with the reader's callbacks, in
 * chunks: the key is never whole in memory. */
static int parse_chunks(key_reader *kr, const char *prefix, size_t from, size_t len)
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
    /* A student loaded again reuses the context of the last one: making
     * one was most of the time of a load. */
    xmlParserCtxtPtr ctxt = kr->reuse;
    kr->reuse = NULL;
    if (ctxt && xmlCtxtResetPush(ctxt, NULL, 0, kr->name, NULL) != 0) {
        xmlFreeParserCtxt(ctxt);
        ctxt = NULL;
    }
    if (!ctxt && !(ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, kr->name)))
        return ion_fail_key(kr->err, kr->name, 0, "err.out_of_memory", "-");
    kr->ctxt = ctxt;
    /* NOENT: "&amp;" in a name is "&", not "&#38;" (libxml2 keeps
     * references escaped otherwise); a DOCTYPE, and with it any entity of
     * its own, is refused (sax_doctype, sax_entity). */
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOENT);
    ctxt->_private = kr;
    xmlSetStructuredErrorFunc(kr, on_error);
    char *buf = k->data ? NULL : malloc(CHUNK);
    int rc = 0, io = 0, blank = !prefix;
    if (prefix)
        rc = xmlParseChunk(ctxt, prefix, (int)strlen(prefix), 0);
    for (size_t done = 0; !rc && !kr->failed && !io && (done < len || !done);) {
        size_t n = len - done < CHUNK ? len - done : CHUNK;
        const char *chunk = k->data ? k->data + from + done : buf;
        ssize_t got = (ssize_t)n;
        if (!k->data && (!buf || (got = pread(k->fd, buf, n, (off_t)(from + done))) < 0))
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
    if (kr->student_mode && wf && !kr->failed && !rc)
        kr->reuse = ctxt;
    else
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

static void keep_validity_error(void *ctx, xmlErrorPtr e)
{
    if (e && e->level >= XML_ERR_ERROR)
        ion_xml_keep(ctx, e);
}

/* Validates a key the reader accepted against the schema, in a second
 * pass that always runs to the end: libxml2 2.9 leaks when a validator is
 * stopped early or meets a document that is not well-formed. */
static int validate(const char *data, size_t len, const char *name, xmlSchemaPtr schema, ion_error *err)
{
    ion_xml_error x = {0};
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlParserInputBufferPtr in = xmlParserInputBufferCreateMem(data, (int)len, XML_CHAR_ENCODING_NONE);
    int rc = -1;
    if (vc && in) {
        xmlSchemaSetValidStructuredErrors(vc, keep_validity_error, &x);
        xmlSetStructuredErrorFunc(&x, keep_validity_error);
        rc = xmlSchemaValidateStream(vc, in, XML_CHAR_ENCODING_NONE, NULL, NULL);
        xmlSetStructuredErrorFunc(NULL, NULL);
        in = NULL; /* the stream owns and frees it */
    }
    xmlFreeParserInputBuffer(in);
    xmlSchemaFreeValidCtxt(vc);
    if (rc == 0 && !x.seen)
        return 0;
    return x.seen ? ion_fail(err, name, x.line, "%s", x.msg) : ion_fail_key(err, name, x.line, "err.key.schema", "-");
}

static void reader_free(key_reader *kr)
{
    if (!kr)
        return;
    if (kr->reuse)
        xmlFreeParserCtxt(kr->reuse);
    arena_free(kr->tmp);
    free(kr->vars);
    free(kr->psrc);
    free(kr->carries);
    free(kr->tparts);
    free(kr->alt_ids);
    free(kr->alt_letters);
    free(kr->mistakes);
    free(kr->feedback);
    free(kr->vals);
    ion_strbuf_release(&kr->text);
    free(kr);
}

/* Reads the key whose bytes k->fd or k->data give (len of them): every
 * student checked, the templates and shapes kept, the students indexed. */
static ion_answer_key *read_key(ion_answer_key *k, size_t len, const char *name, ion_error *err)
{
    key_reader *kr = calloc(1, sizeof *kr);
    k->reader = kr;
    k->mem = arena_new();
    k->loaded_mem = k->whole ? k->mem : arena_new();
    if (!kr || !k->mem || !k->loaded_mem || !(kr->tmp = arena_new())) {
        ion_fail_key(err, name, 0, "err.out_of_memory", "-");
        ion_answer_key_free(k);
        return NULL;
    }
    kr->name = k->name = name;
    kr->err = err;
    kr->k = k;
    if (parse_chunks(kr, NULL, 0, len) < 0 || finish(kr) < 0) {
        ion_answer_key_free(k);
        return NULL;
    }
    return k;
}

ion_answer_key *ion_answer_key_parse(const char *data, size_t len, const char *name,
                                     const char *xsd_path, ion_error *err)
{
    ion_xml_init();
    if (!name)
        name = "key";
    int dt = ion_xml_doctype_line(data, len);
    if (dt) {
        ion_fail_key(err, name, dt, "err.key.doctype_decl", "-");
        return NULL;
    }
    xmlSchemaPtr schema = NULL;
    if (xsd_path && !(schema = ion_xml_schema(xsd_path, err)))
        return NULL;
    ion_answer_key *k = calloc(1, sizeof *k);
    if (k)
        k->data = malloc(len + 1);
    if (!k || !k->data) {
        free(k);
        ion_fail_key(err, name, 0, "err.out_of_memory", "-");
        return NULL;
    }
    k->fd = -1;
    memcpy(k->data, data, len);
    k->data_len = len;
    k->whole = 1;
    if (!(k = read_key(k, len, name, err)))
        return NULL;
    free(k->data); /* whole: never read again */
    k->data = NULL;
    if (schema && validate(data, len, name, schema, err) < 0) {
        ion_answer_key_free(k);
        return NULL;
    }
    return k;
}

ion_answer_key *ion_answer_key_load(const char *path, const char *xsd_path, ion_error *err)
{
    ion_xml_init();
    xmlSchemaPtr schema = NULL;
    if (xsd_path && !(schema = ion_xml_schema(xsd_path, err)))
        return NULL;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ion_fail_key(err, path, 0, "err.key.open", "%s", strerror(errno));
        return NULL;
    }
    /* errno only when fstat failed: a directory leaves an older one. */
    int unreadable = fstat(fd, &st) < 0;
    if (unreadable || !S_ISREG(st.st_mode)) {
        if (unreadable)
            ion_fail_key(err, path, 0, "err.key.read", "%s", strerror(errno));
        else
            ion_fail_key(err, path, 0, "err.key.not_a_file", "-");
        close(fd);
        return NULL;
    }
    ion_answer_key *k = calloc(1, sizeof *k);
    if (!k) {
        close(fd);
        ion_fail_key(err, path, 0, "err.out_of_memory", "-");
        return NULL;
    }
    k->fd = fd;
    if (!(k = read_key(k, (size_t)st.st_size, path, err)))
        return NULL;
    if (schema) {
        ion_xml_error x = {0};
        xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
        int rc = -1;
        if (vc) {
            xmlSchemaSetValidStructuredErrors(vc, keep_validity_error, &x);
            rc = xmlSchemaValidateFile(vc, path, 0);
        }
        xmlSchemaFreeValidCtxt(vc);
        if (rc != 0 || x.seen) {
            if (x.seen)
                ion_fail(err, path, x.line, "%s", x.msg);
            else
                ion_fail_key(err, path, x.line, "err.key.schema", "-");
            ion_answer_key_free(k);
            return NULL;
        }
    }
    return k;
}

int ion_answer_key_student(ion_answer_key *k, size_t i, ion_error *err)
{
    if (k->whole || k->loaded == i + 1)
        return 0;
    key_reader *kr = k->reader;
    const key_student *s = &k->students[i];
    char prefix[96];
    snprintf(prefix, sizeof prefix, "<student xmlns=\"%s\">", k->version == 2 ? KEY_NS2 : KEY_NS1);
    if (k->loaded)
        k->students[k->loaded - 1].sheet.inst = NULL;
    drop_student(k);
    k->loaded = 0;
    kr->err = err;
    kr->failed = 0;
    kr->seen_root = 0;
    kr->depth = 1;
    kr->student_mode = 1;
    kr->load_index = i;
    kr->line_base = s->line - 1;
    kr->in_problem = kr->in_student = kr->in_feedback = 0;
    kr->feedback_to = NULL;
    kr->tfeedback_to = NULL;
    if (parse_chunks(kr, prefix, s->from, s->to - s->from) < 0) {
        drop_student(k);
        return -1;
    }
    link_sheet(k, i);
    k->loaded = i + 1;
    return 0;
}

void ion_answer_key_free(ion_answer_key *k)
{
    if (!k)
        return;
    if (k->fd >= 0)
        close(k->fd);
    free(k->data);
    reader_free(k->reader);
    for (size_t i = 0; i < k->nshapes; i++) {
        size_t t = 0; /* a key v2 template compiled as a shape is freed below */
        while (t < k->ntemplates && k->templates[t].t != k->shapes[i])
            t++;
        if (t == k->ntemplates)
            ion_template_free(k->shapes[i]);
    }
    free(k->shapes);
    free(k->students);
    free(k->insts);
    free(k->parts);
    for (size_t i = 0; i < k->ntemplates; i++) {
        ion_template_free(k->templates[i].t);
        free(k->templates[i].carries);
    }
    free(k->templates);
    free(k->carries);
    free(k->columns);
    free(k->index);
    if (k->loaded_mem != k->mem)
        arena_free(k->loaded_mem);
    arena_free(k->mem);
    free(k);
}

/* ---- accessors ----------------------------------------------------------- */

const char *ion_answer_key_worksheet(const ion_answer_key *k) { return k->worksheet; }
const char *ion_answer_key_course(const ion_answer_key *k) { return k->course; }
const char *ion_answer_key_title(const ion_answer_key *k) { return k->title; }
size_t ion_answer_key_students(const ion_answer_key *k) { return k->nstudents; }
size_t ion_answer_key_parts(const ion_answer_key *k) { return k->ncolumns; }
size_t ion_answer_key_shapes(const ion_answer_key *k) { return k->nshapes; }

const char *ion_answer_key_student_id(const ion_answer_key *k, size_t i)
{
    return i < k->nstudents ? k->students[i].sheet.id : NULL;
}

const char *ion_answer_key_student_name(const ion_answer_key *k, size_t i)
{
    return i < k->nstudents ? k->students[i].sheet.name : NULL;
}

double ion_answer_key_student_max(const ion_answer_key *k, size_t i)
{
    return i < k->nstudents ? k->students[i].max : 0;
}

const char *ion_answer_key_part_id(const ion_answer_key *k, size_t j)
{
    return j < k->ncolumns ? k->columns[j] : NULL;
}

long ion_answer_key_find(const ion_answer_key *k, const char *id)
{
    if (!id || !k->index_cap)
        return -1;
    for (size_t j = hash_str(id) & (k->index_cap - 1); k->index[j]; j = (j + 1) & (k->index_cap - 1))
        if (!strcmp(k->students[k->index[j] - 1].sheet.id, id))
            return (long)(k->index[j] - 1);
    /* "S06" for s06: the one id equal but for case, when only one is. */
    long found = -1;
    for (size_t i = 0; i < k->nstudents; i++)
        if (!strcasecmp(k->students[i].sheet.id, id)) {
            if (found >= 0)
                return -1;
            found = (long)i;
        }
    return found;
}

/* ---- feedback ------------------------------------------------------------- */

const char *ion_key_feedback(const ion_answer_key *k, const key_part *p, size_t m, int zh, ion_strbuf *out)
{
    const key_feedback *f = &p->feedback[m];
    const char *text = zh && f->text[1] ? f->text[1] : f->text[0];
    if (!text || !f->markup)
        return text;
    ion_strbuf_reset(out);
    return ion_instance_plain(&k->insts[p->inst], text, out) == 0 ? out->s : NULL;
}
