/* Grading one submission against the key (SPEC.md "Grading"): numbers with
 * units and tolerances, choices with synonyms, mcq letters (each read by
 * the rules of judge.h, which the drill shares), mistakes, and
 * carried-forward credit recomputed from the key's expressions. */
#include "grade.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradekey.h"
#include "instance.h"
#include "judge.h"
#include "judge_text.h"
#include "strbuf.h"
#include "text.h"
#include "units.h"
#include "utf8.h"

#define NO_OFFSET ((size_t)-1)

/* What grading has learnt about one part of the submission at hand. */
typedef struct {
    const ion_answer *ans; /* the answer given (the first of several), or NULL */
    size_t given0, ngiven; /* all of them: the gradebook's given[given0..+ngiven) */
    int usable;            /* the answer is a number of the part's dimension */
    double si;             /* ... this one, in SI */
    ion_verdict verdict;
    double score;
    size_t feedback;       /* an offset like the strings below, or NO_OFFSET */
    size_t answer, key, note; /* offsets of strings in the gradebook's buffer */
} part_work;

typedef struct {
    int graded;       /* res holds a result */
    ion_status status;
    char *why;        /* REFUSED: "FILE: coded reason" (ion_text_refusal); CONFLICT: the files, "a.txt:1, b.txt:1" */
    ion_result res;
    ion_part_result *parts;
    char *text; /* the strings the parts point to, and the file name */
    size_t cap;
} gb_slot;

struct ion_gradebook {
    const ion_answer_key *key;
    char lang[16];   /* of the notes and feedback (text.h) */
    gb_slot *slots;
    /* scratch space for the submission at hand, sized once for the key */
    part_work *work;
    ion_val *vals;
    unsigned char *pinned;
    const ion_answer **given; /* the answers at hand, grouped by part */
    const char **texts;       /* ... a part's texts, for the judge */
    size_t *part_of;          /* ... each answer's part (nparts: none) */
    size_t cap_given;
    ion_strbuf buf; /* the strings of the result at hand, each with its NUL */
    ion_strbuf text; /* scratch for a feedback filled in */
};

ion_gradebook *ion_gradebook_new(const ion_answer_key *key, const char *lang)
{
    ion_gradebook *gb = calloc(1, sizeof *gb);
    if (!gb)
        return NULL;
    gb->key = key;
    snprintf(gb->lang, sizeof gb->lang, "%s", lang ? lang : "en");
    gb->slots = calloc(key->nstudents + 1, sizeof *gb->slots);
    gb->work = calloc(key->max_parts + 1, sizeof *gb->work);
    gb->vals = calloc(key->max_vars + 1, sizeof *gb->vals);
    gb->pinned = calloc(key->max_vars + 1, 1);
    if (!gb->slots || !gb->work || !gb->vals || !gb->pinned) {
        ion_gradebook_free(gb);
        return NULL;
    }
    return gb;
}

void ion_gradebook_free(ion_gradebook *gb)
{
    if (!gb)
        return;
    for (size_t i = 0; gb->slots && i < gb->key->nstudents; i++) {
        free(gb->slots[i].parts);
        free(gb->slots[i].text);
        free(gb->slots[i].why);
    }
    free(gb->slots);
    free(gb->work);
    free(gb->vals);
    free(gb->pinned);
    free(gb->given);
    free(gb->texts);
    free(gb->part_of);
    ion_strbuf_release(&gb->buf);
    ion_strbuf_release(&gb->text);
    free(gb);
}

const ion_result *ion_gradebook_result(const ion_gradebook *gb, size_t i)
{
    return i < gb->key->nstudents && gb->slots[i].status == ION_STATUS_GRADED ? &gb->slots[i].res : NULL;
}

ion_status ion_gradebook_status(const ion_gradebook *gb, size_t i, const char **why)
{
    if (i >= gb->key->nstudents)
        return ION_STATUS_MISSING;
    if (why)
        *why = gb->slots[i].why ? gb->slots[i].why : "";
    return gb->slots[i].status;
}

/* The file's name only: the feedback and the database show it to the
 * student, and a path would tell where the instructor keeps things. */
static const char *base_name(const char *file)
{
    const char *slash = strrchr(file, '/');
    return slash ? slash + 1 : file;
}

/* Appends "file:line" (its name only) to the files that claim student i, who is then in
 * conflict. -1 when out of memory. */
static int claim(ion_gradebook *gb, size_t i, const char *file, int line)
{
    gb_slot *slot = &gb->slots[i];
    if (slot->status != ION_STATUS_CONFLICT) {
        free(slot->why);
        slot->why = NULL;
        int had_file = slot->status == ION_STATUS_GRADED;
        slot->status = ION_STATUS_CONFLICT;
        if (had_file && claim(gb, i, slot->res.file, slot->res.line) < 0)
            return -1;
    }
    size_t had = slot->why ? strlen(slot->why) : 0, add = strlen(file) + 32;
    char *w = realloc(slot->why, had + add);
    if (!w)
        return -1;
    snprintf(w + had, add, "%s%s:%d", had ? ", " : "", base_name(file), line);
    slot->why = w;
    return 0;
}

/* The student a file is named after ("s010.txt", "answers/s010.xml"), or -1. */
static long named_after(const ion_answer_key *k, const char *file)
{
    const char *base = base_name(file);
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot > base ? (size_t)(dot - base) : strlen(base);
    char id[128];
    if (n >= sizeof id)
        return -1;
    memcpy(id, base, n);
    id[n] = '\0';
    return ion_answer_key_find(k, id);
}

long ion_gradebook_refuse(ion_gradebook *gb, const char *file, const char *student, const char *reason)
{
    long i = student ? ion_answer_key_find(gb->key, student) : -1;
    if (i < 0)
        i = named_after(gb->key, file);
    if (i < 0)
        return -1;
    gb_slot *slot = &gb->slots[i];
    if (slot->status == ION_STATUS_GRADED || slot->status == ION_STATUS_CONFLICT)
        return i; /* another file of theirs was read: this one is only reported */
    size_t n = strlen(file) + strlen(reason) + 4;
    char *w = malloc(n);
    if (w) {
        snprintf(w, n, "%s: %s", base_name(file), reason);
        free(slot->why);
        slot->why = w;
        slot->status = ION_STATUS_REFUSED;
    }
    return i;
}

int ion_gradebook_set_status(ion_gradebook *gb, size_t i, ion_status st, const char *why)
{
    if (i >= gb->key->nstudents || (st != ION_STATUS_REFUSED && st != ION_STATUS_CONFLICT))
        return -1;
    char *w = strdup(why ? why : "");
    if (!w)
        return -1;
    gb_slot *slot = &gb->slots[i];
    free(slot->why);
    slot->why = w;
    slot->status = st;
    slot->graded = 0;
    return 0;
}

/* ---- strings of the result at hand --------------------------------------- */

/* Adds s and its NUL to the strings of the result at hand: its offset, or
 * NO_OFFSET when out of memory. */
static size_t add_str(ion_gradebook *gb, const char *s)
{
    size_t off = gb->buf.len;
    ion_strbuf_add(&gb->buf, s, strlen(s) + 1);
    return gb->buf.oom ? NO_OFFSET : off;
}

/* Adds s as one line: answers may hold line breaks. */
static size_t add_line(ion_gradebook *gb, char *s)
{
    for (char *c = s; *c; c++)
        if ((unsigned char)*c < 0x20)
            *c = ' ';
    return add_str(gb, s);
}

/* Adds the catalogue's text for key in the gradebook's language (text.h),
 * filled from the name, value pairs that follow (ended by NULL). */
static size_t add_text(ion_gradebook *gb, const char *key, ...)
{
    va_list ap;
    va_start(ap, key);
    char *text = ion_text_vformat(gb->lang, key, ap);
    va_end(ap);
    size_t off = text ? add_line(gb, text) : NO_OFFSET;
    free(text);
    return off;
}

/* s for a one-line message: control characters as spaces, at most cap - 4
 * bytes, cut at a character boundary. */
static const char *clip(const char *s, char *out, size_t cap)
{
    return ion_utf8_clip(s, strlen(s), out, cap);
}

/* ---- one part ------------------------------------------------------------- */

/* The part's value recomputed with the student's own answers to the parts
 * it carries from: each such part answered with a usable number, right or
 * wrong (follow-through: (c) = (b) - (a) from an accepted -70 and -57 is 13),
 * puts that number into its let, the later lets are evaluated again (the
 * lets the carried parts asked for stay pinned), then the part's
 * expression. Returns 1 and fills *out and from (the parts used, "1a, 1b"),
 * or 0 when nothing is carried or the recomputation has no value. */
static int carried_value(ion_gradebook *gb, const key_student *stu, const key_part *p, ion_val *out,
                         char *from, size_t from_len)
{
    const ion_answer_key *k = gb->key;
    const ion_instance *in = &k->insts[p->inst];
    const ion_template *t = in->t;
    const ion_part *tp = &t->parts[p->index];
    if (!tp->ncarries || !tp->answer)
        return 0;
    /* the student's part where p's problem starts: carries are within it */
    size_t part0 = (size_t)(p - &k->parts[stu->part0]) - p->index;
    memcpy(gb->vals, in->vals, t->nvars * sizeof *gb->vals);
    memset(gb->pinned, 0, t->nvars);
    /* first: the earliest carried let in evaluation order (let_order: a
     * key's template lists its lets in that order, the bank's template,
     * which a key built from sheets holds, in the author's) */
    size_t first = t->nlets, used = 0;
    from[0] = '\0';
    for (size_t c = 0; c < tp->ncarries; c++) {
        const ion_carry *kc = &tp->carries[c];
        const part_work *w = &gb->work[part0 + kc->from];
        gb->pinned[kc->slot] = 1;
        if (!w->usable) /* right ones too: a rounded right answer carries its rounding */
            continue;
        gb->vals[kc->slot].type = ION_T_NUM;
        gb->vals[kc->slot].num = w->si;
        size_t at = 0;
        while (at < t->nlets && t->let_order[at] != kc->slot)
            at++;
        if (at < first)
            first = at;
        used += (size_t)snprintf(from + used, used < from_len ? from_len - used : 0, "%s%s",
                                 used ? ", " : "", k->parts[stu->part0 + part0 + kc->from].id);
        if (used >= from_len)
            used = from_len - 1;
    }
    if (first == t->nlets)
        return 0;
    for (size_t l = first + 1; l < t->nlets; l++) {
        size_t v = t->let_order[l];
        if (!gb->pinned[v] && ion_expr_eval(t->vars[v].expr, gb->vals, &gb->vals[v]) != 0)
            return 0;
    }
    return ion_expr_eval(t->parts[p->index].answer, gb->vals, out) == 0;
}

/* The judge's note in words (judge_text.h), as one line. */
static size_t judge_note(ion_gradebook *gb, const ion_part_key *p, const ion_judgement *j, const char *answer)
{
    char *text = ion_judge_note_text(gb->lang, p, j, answer);
    size_t off = text ? add_line(gb, text) : NO_OFFSET;
    free(text);
    return off;
}

/* The note on a part carried forward: from which parts, and the value
 * the student's own answers there give. */
static size_t carried_note(ion_gradebook *gb, const ion_part_key *pk, const ion_val *c, const char *from)
{
    char shown[64], value[96];
    if (c->type == ION_T_NUM)
        snprintf(value, sizeof value, "%s %s", ion_format_sig(ion_from_si(pk->unit, c->num), pk->sigfigs, shown, sizeof shown),
                 ion_unit_label(pk->unit));
    return add_text(gb, "grade.carried", "from", from, "value", c->type == ION_T_NUM ? value : c->str, (const char *)NULL);
}

/* The note on a part answered more than once with answers that read
 * differently: which lines. */
static size_t twice_note(ion_gradebook *gb, const part_work *w, size_t other)
{
    char first[16], second[16];
    snprintf(first, sizeof first, "%d", w->ans->line);
    snprintf(second, sizeof second, "%d", gb->given[w->given0 + other]->line);
    return add_text(gb, "grade.twice", "first", first, "second", second, (const char *)NULL);
}

static void grade_answer(ion_gradebook *gb, const key_student *stu, const key_part *p, part_work *w)
{
    const ion_part_key *pk = key_part_key(gb->key, p);
    ion_judgement j;
    for (size_t k = 0; k < w->ngiven; k++)
        gb->texts[k] = gb->given[w->given0 + k]->text;
    ion_judge_answers(pk, gb->texts, w->ngiven, &j);
    w->usable = j.usable;
    w->si = j.value_si;
    ion_val c;
    char from[64];
    /* carried_value evaluates the template again: only when it may count */
    int carried = ion_judge_may_carry(&j) && carried_value(gb, stu, p, &c, from, sizeof from) &&
                  ion_judge_carried(pk, &c, &j);
    w->verdict = j.verdict;
    w->score = j.credit * pk->points;
    if (j.mistake >= 0) {
        const char *text = ion_key_feedback(gb->key, p, (size_t)j.mistake, gb->lang, &gb->text);
        w->feedback = text ? add_str(gb, text) : NO_OFFSET;
    }
    w->note = carried                        ? carried_note(gb, pk, &c, from)
              : j.note == ION_JUDGE_NOTE_TWICE ? twice_note(gb, w, j.twice)
                                               : judge_note(gb, pk, &j, w->ans->text);
}

/* ---- a submission ------------------------------------------------------------ */

static int same_part(const char *written, const char *id)
{
    for (; *written && *id; written++, id++) {
        char c = *written;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != *id)
            return 0;
    }
    return !*written && !*id;
}

typedef struct {
    ion_grade_note_fn fn;
    void *ctx;
    const char *file;
} noter;

/* Hands the caller a note about a line: the catalogue's message key
 * (text.h: ion_text_say, sig naming its conversions). */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void grade_note(const noter *n, int line, const char *key, const char *sig, ...)
{
    if (!n->fn)
        return;
    ion_error e;
    char msg[sizeof e.msg];
    va_list ap;
    va_start(ap, sig);
    ion_text_vsay(msg, sizeof msg, key, sig, ap);
    va_end(ap);
    ion_fail_key(&e, n->file, line, "err.said", "%s", msg);
    e.key = key;
    n->fn(&e, n->ctx);
}

/* Which answers belong to which part: gb->given grouped by part, in the
 * order written; 0, or -1 when out of memory. */
static int assign(ion_gradebook *gb, const key_student *stu, const ion_submission *s, const noter *n)
{
    const ion_answer_key *k = gb->key;
    char shown[80];
    if (s->n > gb->cap_given) {
        const ion_answer **g = realloc(gb->given, s->n * sizeof *g);
        if (g)
            gb->given = g;
        const char **t = g ? realloc(gb->texts, s->n * sizeof *t) : NULL;
        if (t)
            gb->texts = t;
        size_t *po = t ? realloc(gb->part_of, s->n * sizeof *po) : NULL;
        if (!po)
            return -1;
        gb->part_of = po;
        gb->cap_given = s->n;
    }
    memset(gb->work, 0, stu->nparts * sizeof *gb->work);
    for (size_t i = 0; i < s->n; i++) { /* each answer's part, counted */
        const ion_answer *a = &s->answers[i];
        size_t j = 0;
        while (j < stu->nparts && !same_part(a->part, k->parts[stu->part0 + j].id))
            j++;
        gb->part_of[i] = j;
        if (j == stu->nparts)
            grade_note(n, a->line, "err.grade.no_part", "%s%s%s", stu->sheet.id, clip(a->part, shown, sizeof shown),
                k->worksheet);
        else if (!gb->work[j].ngiven++)
            gb->work[j].ans = a;
    }
    for (size_t j = 0, at = 0; j < stu->nparts; j++) { /* then placed, in the order written */
        gb->work[j].given0 = at;
        at += gb->work[j].ngiven;
        gb->work[j].ngiven = 0;
    }
    for (size_t i = 0; i < s->n; i++)
        if (gb->part_of[i] < stu->nparts) {
            part_work *w = &gb->work[gb->part_of[i]];
            gb->given[w->given0 + w->ngiven++] = &s->answers[i];
        }
    return 0;
}

/* The answers given to a part, as recorded: one a line (a control
 * character in one is a blank, so that the lines stay apart). */
static size_t add_given(ion_gradebook *gb, const part_work *w)
{
    size_t off = gb->buf.len;
    for (size_t k = 0; k < w->ngiven; k++) {
        if (k)
            ion_strbuf_puts(&gb->buf, "\n");
        size_t at = gb->buf.len;
        ion_strbuf_puts(&gb->buf, gb->given[w->given0 + k]->text);
        for (size_t c = at; !gb->buf.oom && c < gb->buf.len; c++)
            if ((unsigned char)gb->buf.s[c] < 0x20)
                gb->buf.s[c] = ' ';
    }
    ion_strbuf_add(&gb->buf, "", 1);
    return gb->buf.oom ? NO_OFFSET : off;
}

static void grade_part(ion_gradebook *gb, const key_student *stu, size_t j, const noter *n)
{
    const key_part *p = &gb->key->parts[stu->part0 + j];
    part_work *w = &gb->work[j];
    char buf[96];
    w->answer = w->ans ? add_given(gb, w) : NO_OFFSET;
    w->key = add_str(gb, ion_part_key_text(key_part_key(gb->key, p), buf, sizeof buf));
    w->note = NO_OFFSET;
    w->feedback = NO_OFFSET;
    if (!w->ans) {
        w->verdict = ION_VERDICT_BLANK;
        return;
    }
    grade_answer(gb, stu, p, w);
    if (w->verdict == ION_VERDICT_INVALID && w->note != NO_OFFSET)
        grade_note(n, w->ans->line, "err.grade.part_note", "%s%s%s", stu->sheet.id, p->id, gb->buf.s + w->note);
}

/* Copies the result at hand into the student's slot. */
static int store(ion_gradebook *gb, size_t si, const key_student *stu, const ion_submission *s)
{
    gb_slot *slot = &gb->slots[si];
    size_t file = add_str(gb, base_name(s->file ? s->file : ""));
    if (gb->buf.oom)
        return -1;
    if (!slot->parts && !(slot->parts = malloc(stu->nparts * sizeof *slot->parts)))
        return -1;
    if (slot->cap < gb->buf.len) {
        char *t = realloc(slot->text, gb->buf.len);
        if (!t)
            return -1;
        slot->text = t;
        slot->cap = gb->buf.len;
    }
    memcpy(slot->text, gb->buf.s, gb->buf.len);
    double total = 0;
    for (size_t j = 0; j < stu->nparts; j++) {
        const part_work *w = &gb->work[j];
        const key_part *p = &gb->key->parts[stu->part0 + j];
        ion_part_result *r = &slot->parts[j];
        r->part_id = p->id;
        r->column = p->column;
        r->verdict = w->verdict;
        r->score = w->score;
        r->points = key_part_key(gb->key, p)->points;
        r->answer = w->answer == NO_OFFSET ? NULL : slot->text + w->answer;
        r->key = slot->text + w->key;
        r->feedback = w->feedback == NO_OFFSET ? NULL : slot->text + w->feedback;
        r->note = w->note == NO_OFFSET ? NULL : slot->text + w->note;
        r->line = w->ans ? w->ans->line : 0;
        total += w->score;
    }
    slot->res.student = si;
    slot->res.file = slot->text + file;
    slot->res.line = s->line;
    slot->res.total = total;
    slot->res.max = stu->max;
    slot->res.nparts = stu->nparts;
    slot->res.parts = slot->parts;
    slot->graded = 1;
    if (slot->status != ION_STATUS_CONFLICT) {
        slot->status = ION_STATUS_GRADED;
        free(slot->why);
        slot->why = NULL;
    }
    return 0;
}

int ion_gradebook_grade(ion_gradebook *gb, const ion_submission *s, const ion_result **out,
                        ion_grade_note_fn note, void *ctx, ion_error *err)
{
    const ion_answer_key *k = gb->key;
    const char *file = s->file ? s->file : "";
    char shown[80], coded[256];
    ion_error said;
    if (s->worksheet && strcmp(s->worksheet, k->worksheet)) {
        ion_fail_refusal(err, file, s->worksheet_line, coded, sizeof coded, ION_REFUSAL_OTHER_WORKSHEET,
                         clip(s->worksheet, shown, sizeof shown), k->worksheet, (const char *)NULL);
        ion_gradebook_refuse(gb, file, s->student, coded);
        return -1;
    }
    if (!s->student)
        return ion_fail_refusal(err, file, s->line, coded, sizeof coded, ION_REFUSAL_NO_STUDENT_ID, (const char *)NULL);
    long si = ion_answer_key_find(k, s->student);
    if (si < 0) {
        ion_fail_refusal(err, file, s->student_line ? s->student_line : s->line, coded, sizeof coded,
                         ION_REFUSAL_UNKNOWN_STUDENT, clip(s->student, shown, sizeof shown), k->worksheet, (const char *)NULL);
        ion_gradebook_refuse(gb, file, NULL, coded);
        return -1;
    }
    noter n = {note, ctx, file};
    for (size_t i = 0; note && i < s->nnotes; i++)
        note(&s->notes[i], ctx);
    const key_student *stu = &k->students[si];
    gb_slot *slot = &gb->slots[si];
    /* Two files claiming one student, or a file named after another
     * student than it says: a conflict, nobody's answers chosen. The same
     * file again (the web, a regrade) replaces its earlier result. */
    long named = s->format == ION_SUB_CSV ? -1 : named_after(k, file);
    int again = slot->graded && !strcmp(slot->res.file, base_name(file));
    if ((named >= 0 && named != si) || slot->status == ION_STATUS_CONFLICT || (slot->graded && !again)) {
        if ((named >= 0 && named != si && claim(gb, (size_t)named, file, s->line) < 0) ||
            claim(gb, (size_t)si, file, s->line) < 0)
            return ion_fail_key(err, file, s->line, "err.out_of_memory", "-");
        if (named >= 0 && named != si)
            ion_fail_key(&said, file, s->student_line, "err.grade.conflict_named", "%s%s",
                         k->students[named].sheet.id, stu->sheet.id);
        else
            ion_fail_key(&said, file, s->student_line ? s->student_line : s->line, "err.grade.conflict_claimed",
                         "%s%s", stu->sheet.id, slot->why);
        if (note)
            note(&said, ctx);
    }
    else if (again && note) {
        ion_fail_key(&said, file, s->line, "err.grade.replaces", "%s%s%d", stu->sheet.id, slot->res.file,
                     slot->res.line);
        note(&said, ctx);
    }
    /* The key holds one student's parts at a time (gradekey.h). */
    if (ion_answer_key_student((ion_answer_key *)k, (size_t)si, err) < 0)
        return -1;
    ion_strbuf_reset(&gb->buf);
    if (assign(gb, stu, s, &n) < 0)
        return ion_fail_key(err, file, s->line, "err.out_of_memory", "-");
    for (size_t j = 0; j < stu->nparts; j++)
        grade_part(gb, stu, j, &n);
    if (store(gb, (size_t)si, stu, s) < 0)
        return ion_fail_key(err, file, s->line, "err.out_of_memory", "-");
    if (out)
        *out = &gb->slots[si].res;
    return 0;
}

const char *ion_gradebook_lang(const ion_gradebook *gb)
{
    return gb->lang;
}

const ion_answer_key *ion_gradebook_key(const ion_gradebook *gb)
{
    return gb->key;
}
