/* The drill's session: problems from the picker, each part asked until it
 * is right, missed twice or revealed, hints and worked solutions, the
 * record in the bank and the summary. What to show goes to a view
 * (drill.h), worded from the message catalogue (text.h). */
#include "drill.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "judge.h"
#include "judge_text.h"
#include "text.h"
#include "utf8.h"

typedef struct {
    ion_bank *b;
    const ion_drill_opts *o;
    ion_drill_out out;
    ion_drill_read_fn read;
    void *read_ctx;
    ion_drill_picker *pk;
    int *topic_done, *topic_right; /* this session, per picker topic */
    ion_drill_tally tally;
    int problems;                  /* shown so far */
    ion_error *err;
} session;

typedef ion_drill_problem problem;

/* How a problem ended: how its last part ended (ion_drill_part_end), or
 * the end of input. */
enum { END_INPUT = ION_DRILL_PART_QUIT + 1 };

/* Shows catalogue message key (its name, value pairs follow, ending with
 * NULL) as a paragraph. */
static void say(const ion_drill_out *s, int indent, ion_drill_tone tone, const char *key, ...)
{
    va_list ap;
    va_start(ap, key);
    char *text = ion_text_vformat(s->lang, key, ap);
    va_end(ap);
    if (text)
        s->view->text(s->ctx, indent, 2, tone, text);
    free(text);
}

static void say_int(const ion_drill_out *s, int indent, ion_drill_tone tone, const char *key, const char *name, int n)
{
    char num[16];
    snprintf(num, sizeof num, "%d", n);
    say(s, indent, tone, key, name, num, (const char *)NULL);
}

static const char *topic_name(const char *topic, const char *lang)
{
    return ion_text_gloss(lang, "topic", topic);
}

/* The plain text of a template text for this instance ({name}s filled,
 * markup as Unicode); NULL when empty or out of memory. Caller frees. */
static char *plain_text(const ion_instance *in, const ion_i18n *t, const char *lang)
{
    const char *markup = ion_i18n_get(t, lang);
    if (!markup || !*markup)
        return NULL;
    ion_strbuf b = {0};
    if (ion_instance_plain(in, markup, &b))
        ion_strbuf_release(&b);
    /* Authors wrap long texts over several lines: one line on screen. */
    return b.s ? ion_squeeze_blanks(b.s) : NULL;
}

void ion_drill_key_text(const ion_instance *in, size_t i, const char *lang, char *buf, size_t n)
{
    const ion_part *p = &in->t->parts[i];
    const ion_part_key *key = &in->keys[i];
    if (p->kind != ION_ANSWER_MCQ) {
        ion_part_key_text(key, buf, n);
    } else {
        const ion_option *o = ion_instance_option(in, i, (size_t)(key->answer[0] - 'A'));
        char *text = o ? plain_text(in, &o->text, lang) : NULL;
        snprintf(buf, n, "%s) %s", key->answer, text ? text : "");
        free(text);
    }
}

/* "out, in, none": the choice ids of a part. */
static void choice_list(const ion_part *p, const char *sep, char *buf, size_t n)
{
    ion_judge_list((const char *const *)p->choices, p->nchoices, sep, buf, n);
}

char *ion_drill_next_text(const ion_drill_picker *p, const char *lang)
{
    ion_drill_topic tp;
    long i = ion_drill_picker_weakest(p);
    if (i < 0 || !ion_drill_picker_topic(p, (size_t)i, &tp))
        return NULL;
    char done[16], right[16];
    snprintf(done, sizeof done, "%d", tp.attempts);
    snprintf(right, sizeof right, "%d", tp.right_first);
    return ion_text_format(lang, tp.attempts ? "drill.next" : "drill.next_new", "topic", topic_name(tp.topic, lang),
                           "id", tp.topic, "done", done, "right", right, (const char *)NULL);
}

static void say_next(const session *s)
{
    char *text = ion_drill_next_text(s->pk, s->out.lang);
    if (text)
        s->out.view->text(s->out.ctx, 0, 2, ION_DRILL_STRONG, text);
    free(text);
}

/* A help text of the problem (t: its hint or its worked solution) under
 * key, or key_none when the template has none; seeing either counts the
 * problem as missed. */
static void show_help(const ion_drill_out *s, problem *pb, const ion_i18n *t, ion_drill_tone tone,
                      const char *key, const char *key_none)
{
    char *text = plain_text(&pb->in, t, s->lang);
    if (text)
        say(s, 2, tone, key, "text", text, (const char *)NULL);
    else
        say(s, 2, tone, key_none, (const char *)NULL);
    free(text);
    pb->missed = 1;
}

static void show_hint(const ion_drill_out *s, problem *pb)
{
    show_help(s, pb, &pb->in.t->hint, ION_DRILL_HINT, "drill.hint", "drill.no_hint");
    pb->hint_shown = 1;
}

/* The worked solution, once per problem. */
static void show_solution(const ion_drill_out *s, problem *pb)
{
    if (pb->solution_shown)
        return;
    show_help(s, pb, &pb->in.t->solution, ION_DRILL_SOLUTION, "drill.solution", "drill.no_solution");
    pb->solution_shown = 1;
}

/* Shows "label text" with the text's later lines under its start. */
static void show_labelled(const ion_drill_out *s, int indent, const char *label, const char *text)
{
    size_t n = strlen(label) + strlen(text) + 2;
    char *line = malloc(n);
    if (!line)
        return;
    snprintf(line, n, "%s %s", label, text);
    s->view->text(s->ctx, indent, ion_utf8_width(label) + 1, ION_DRILL_PLAIN, line);
    free(line);
}

static void show_part(const ion_drill_out *s, const problem *pb, size_t i)
{
    const ion_part *p = &pb->in.t->parts[i];
    char *text = plain_text(&pb->in, &p->text, s->lang);
    char label[16];
    snprintf(label, sizeof label, "(%s)", p->id);
    s->view->gap(s->ctx);
    show_labelled(s, 0, label, text ? text : "");
    free(text);
    if (p->kind != ION_ANSWER_MCQ)
        return;
    for (size_t k = 0; k < pb->in.keys[i].nids; k++) {
        char *opt = plain_text(&pb->in, &ion_instance_option(&pb->in, i, k)->text, s->lang);
        snprintf(label, sizeof label, "%c)", (int)('A' + k));
        show_labelled(s, 4, label, opt ? opt : "");
        free(opt);
    }
}

static void prompt(const ion_drill_out *s, const problem *pb, size_t i)
{
    const ion_part *p = &pb->in.t->parts[i];
    char takes[256];
    takes[0] = '\0';
    if (p->kind == ION_ANSWER_NUMERIC)
        snprintf(takes, sizeof takes, "%s", ion_unit_label(p->unit));
    else if (p->kind == ION_ANSWER_CHOICE)
        choice_list(p, "/", takes, sizeof takes);
    else
        snprintf(takes, sizeof takes, "A-%c", (int)('A' + p->noptions - 1));
    s->view->prompt(s->ctx, p->id, takes);
}

/* Says the judge's note on answer (judge_text.h: the grader's words). */
static void say_note(const ion_drill_out *s, ion_drill_tone tone, const problem *pb, size_t i, const ion_judgement *j,
                     const char *answer)
{
    char *text = ion_judge_note_text(s->lang, &pb->in.keys[i], j, answer);
    if (text)
        s->view->text(s->ctx, 2, 2, tone, text);
    free(text);
}

/* An answer the judge could not read: the grader's words for why, and for
 * a number what to type (drill.not_number: a learner at a prompt, not a
 * file to be handed in again). It does not count as a try. */
static void say_unreadable(const ion_drill_out *s, const problem *pb, size_t i, const ion_judgement *j,
                           const char *answer)
{
    if (j->note != ION_JUDGE_NOTE_NOT_NUMBER) {
        say_note(s, ION_DRILL_NOTE, pb, i, j, answer);
        return;
    }
    char *why = ion_judge_note_text(s->lang, &pb->in.keys[i], j, answer);
    const char *unit = ion_unit_label(pb->in.t->parts[i].unit);
    say(s, 2, ION_DRILL_NOTE, *unit ? "drill.not_number_unit" : "drill.not_number", "why", why ? why : "", "unit", unit,
        (const char *)NULL);
    free(why);
}

static void say_wrong(const ion_drill_out *s, const problem *pb, size_t i, const ion_judgement *j, const char *answer)
{
    const ion_part *p = &pb->in.t->parts[i];
    if (j->verdict == ION_VERDICT_PARTIAL) {
        char pct[16];
        snprintf(pct, sizeof pct, "%.0f", 100 * j->credit);
        say(s, 2, ION_DRILL_NOTE, "drill.partial", "pct", pct, (const char *)NULL);
    } else {
        say(s, 2, ION_DRILL_WRONG, "drill.wrong", (const char *)NULL);
    }
    if (j->mistake >= 0) {
        int source = pb->in.keys[i].mistakes[j->mistake].source;
        char *fb = plain_text(&pb->in, &p->mistakes[source].feedback, s->lang);
        if (fb)
            s->view->text(s->ctx, 2, 2, ION_DRILL_PLAIN, fb);
        free(fb);
    }
    say_note(s, ION_DRILL_PLAIN, pb, i, j, answer);
}

/* ---- commands at the prompt ------------------------------------------------ */

enum { CMD_NONE, CMD_HINT, CMD_HELP, CMD_SOLUTION, CMD_SKIP, CMD_QUIT };

/* The command a line is (blanks around it and ASCII case aside), or
 * CMD_NONE for an answer: a word that is one of the part's choices is
 * an answer even when it names a command. */
static int command_of(const char *line, const ion_part *p)
{
    static const struct {
        const char *word;
        int cmd;
    } words[] = {
        {"?", CMD_HINT}, {"\xef\xbc\x9f", CMD_HINT} /* full-width ？ */, {"hint", CMD_HINT},
        {"h", CMD_HELP}, {"help", CMD_HELP}, {"s", CMD_SOLUTION}, {"solution", CMD_SOLUTION},
        {"n", CMD_SKIP}, {"skip", CMD_SKIP}, {"next", CMD_SKIP}, {"q", CMD_QUIT}, {"quit", CMD_QUIT},
        {"exit", CMD_QUIT},
    };
    while (ion_utf8_space(line, strlen(line)))
        line += ion_utf8_space(line, strlen(line));
    size_t len = strlen(line);
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r' || line[len - 1] == '\n'))
        len--;
    for (size_t k = 0; p->kind == ION_ANSWER_CHOICE && k < p->nchoices; k++)
        if (strlen(p->choices[k]) == len && !strncasecmp(line, p->choices[k], len))
            return CMD_NONE;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i].word) == len && !strncasecmp(line, words[i].word, len))
            return words[i].cmd;
    return CMD_NONE;
}

ion_drill_part_end ion_drill_problem_take(problem *pb, size_t i, int *tries, const char *line, const ion_drill_out *s)
{
    const ion_part *p = &pb->in.t->parts[i];
    size_t blank = 0;
    while (line[blank] == ' ' || line[blank] == '\t' || line[blank] == '\r')
        blank++;
    if (!line[blank])
        return ION_DRILL_PART_OPEN;
    char key[512];
    ion_drill_key_text(&pb->in, i, s->lang, key, sizeof key);
    switch (command_of(line, p)) {
    case CMD_HINT:
        show_hint(s, pb);
        return ION_DRILL_PART_OPEN;
    case CMD_HELP:
        say(s, 2, ION_DRILL_PLAIN, "drill.help", (const char *)NULL);
        return ION_DRILL_PART_OPEN;
    case CMD_SOLUTION:
        show_solution(s, pb);
        say(s, 2, ION_DRILL_STRONG, "drill.part_answer", "part", p->id, "key", key, (const char *)NULL);
        return ION_DRILL_PART_REVEALED;
    case CMD_SKIP:
        return ION_DRILL_PART_SKIP;
    case CMD_QUIT:
        return ION_DRILL_PART_QUIT;
    default:
        break;
    }
    ion_judgement j;
    ion_judge_answer(&pb->in, i, line, &j);
    if (j.verdict == ION_VERDICT_INVALID) {
        say_unreadable(s, pb, i, &j, line + blank);
        return ION_DRILL_PART_OPEN;
    }
    if (j.verdict == ION_VERDICT_RIGHT) {
        say(s, 2, ION_DRILL_RIGHT, *tries ? "drill.right_late" : "drill.right", "key", key, (const char *)NULL);
        return ION_DRILL_PART_RIGHT;
    }
    ++*tries;
    pb->missed = pb->tried_wrong = 1;
    say_wrong(s, pb, i, &j, line + blank);
    if (*tries == 1) {
        if (pb->hint_shown)
            say(s, 2, ION_DRILL_PLAIN, "drill.try_again", (const char *)NULL);
        else
            show_hint(s, pb);
        return ION_DRILL_PART_OPEN;
    }
    say(s, 2, ION_DRILL_STRONG, "drill.answer_is", "key", key, (const char *)NULL);
    show_solution(s, pb);
    return ION_DRILL_PART_MISSED;
}

/* Asks part i until it is answered right, missed twice, or the student
 * leaves it; returns how it ended (ion_drill_part_end, or END_INPUT). */
static int ask_part(session *s, problem *pb, size_t i)
{
    show_part(&s->out, pb, i);
    for (int tries = 0;;) {
        prompt(&s->out, pb, i);
        ion_drill_ask ask = {&pb->in, i, tries};
        const char *line = s->read(s->read_ctx, &ask);
        s->out.view->read(s->out.ctx, line);
        if (!line)
            return END_INPUT;
        int end = ion_drill_problem_take(pb, i, &tries, line, &s->out);
        if (end != ION_DRILL_PART_OPEN)
            return end;
    }
}

int ion_drill_problem_end(problem *pb, int ended, ion_bank *b, ion_drill_picker *picker, const char *user,
                          int difficulty, uint64_t seed, const ion_drill_out *s, ion_error *err)
{
    int right_first = ended && !pb->missed;
    if (right_first)
        say(s, 0, ION_DRILL_RIGHT, "drill.well_done", (const char *)NULL);
    if (!ended && !pb->missed)
        return 0; /* left unseen: costs nothing */
    const char *id = pb->t->id;
    if (user && ion_bank_drill_record(b, user, id, seed, right_first, err) < 0)
        return ION_BANK_EDB;
    long topic = ion_drill_picker_topic_of(picker, id);
    ion_drill_topic before, after;
    if (topic < 0 || !ion_drill_picker_topic(picker, (size_t)topic, &before))
        return 0;
    ion_drill_picker_result(picker, id, right_first);
    ion_drill_picker_topic(picker, (size_t)topic, &after);
    if (!difficulty && after.level != before.level) {
        char d[16];
        snprintf(d, sizeof d, "%d", after.level);
        say(s, 0, ION_DRILL_LEVEL, after.level > before.level ? "drill.level_up" : "drill.level_down", "topic",
            topic_name(after.topic, s->lang), "d", d, (const char *)NULL);
    }
    return 0;
}

static void show_problem(const session *s, const problem *pb, uint64_t seed)
{
    const ion_template *t = pb->t;
    const char *lang = s->out.lang;
    char n[16], d[16], sd[32];
    snprintf(n, sizeof n, "%d", s->problems);
    snprintf(d, sizeof d, "%d", t->difficulty);
    snprintf(sd, sizeof sd, "%llu", (unsigned long long)seed);
    char *head = ion_text_format(lang, "drill.problem", "n", n, "topic", topic_name(t->topic, lang), "d", d,
                                 (const char *)NULL);
    char *source = ion_text_format(lang, "drill.source", "id", t->id, "seed", sd, (const char *)NULL);
    char *title = plain_text(&pb->in, &t->title, lang);
    if (head && source)
        s->out.view->problem(s->out.ctx, head, source, title ? title : "");
    free(head);
    free(source);
    free(title);
    char *text = plain_text(&pb->in, &t->text, lang);
    if (text)
        s->out.view->text(s->out.ctx, 0, 0, ION_DRILL_PLAIN, text);
    free(text);
}

/* A problem ends when its last part was answered or revealed. */
static int ended(int end)
{
    return end == ION_DRILL_PART_RIGHT || end == ION_DRILL_PART_MISSED || end == ION_DRILL_PART_REVEALED;
}

/* Counts how a problem ended in the tally. */
static void tally_problem(session *s, const problem *pb, size_t topic, int end)
{
    if (ended(end)) {
        s->tally.done++;
        s->tally.right_first += !pb->missed;
        s->topic_done[topic]++;
        s->topic_right[topic] += !pb->missed;
    } else if (end == ION_DRILL_PART_SKIP) {
        s->tally.skipped++;
        say(&s->out, 2, ION_DRILL_PLAIN, "drill.skipped", (const char *)NULL);
    } else if (pb->tried_wrong) {
        s->tally.unfinished++;
    } else if (pb->missed) {
        s->tally.helped++;
    }
}

int ion_drill_problem_open(problem *pb, ion_bank *b, const char *id, uint64_t seed, ion_error *err)
{
    memset(pb, 0, sizeof *pb);
    if (!(pb->t = ion_catalog_load(b, id, 0, err)))
        return ION_DRILL_ETEMPLATE;
    if (ion_instance_init(&pb->in, pb->t)) {
        ion_template_free(pb->t);
        pb->t = NULL;
        ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        return ION_BANK_EDB;
    }
    return ion_instance_generate(&pb->in, seed, err) ? ION_DRILL_ETEMPLATE : 0;
}

void ion_drill_problem_close(problem *pb)
{
    if (pb->t)
        ion_instance_release(&pb->in);
    ion_template_free(pb->t);
    memset(pb, 0, sizeof *pb);
}

/* One problem from pick to record; *end gets how it ended. */
static int run_problem(session *s, int *end)
{
    uint64_t seed;
    const char *id = ion_drill_pick(s->pk, &seed);
    problem pb;
    int ret = ion_drill_problem_open(&pb, s->b, id, seed, s->err);
    if (ret < 0)
        goto done;
    s->problems++;
    show_problem(s, &pb, seed);
    int r = ION_DRILL_PART_RIGHT;
    /* A part revealed with s ends that part; the next ones are asked. */
    for (size_t i = 0; i < pb.t->nparts && ended(r); i++)
        r = ask_part(s, &pb, i);
    tally_problem(s, &pb, (size_t)ion_drill_picker_topic_of(s->pk, id), r);
    ret = ion_drill_problem_end(&pb, ended(r), s->b, s->pk, s->o->user, s->o->difficulty, seed, &s->out, s->err);
    *end = r;
done:
    ion_drill_problem_close(&pb);
    return ret;
}

static void summary(session *s)
{
    const ion_drill_out *o = &s->out;
    o->view->gap(o->ctx);
    if (!s->tally.done) {
        say(o, 0, ION_DRILL_STRONG, "drill.nothing_done", (const char *)NULL);
    } else {
        char done[16], right[16];
        snprintf(done, sizeof done, "%d", s->tally.done);
        snprintf(right, sizeof right, "%d", s->tally.right_first);
        say(o, 0, ION_DRILL_STRONG, ion_text_plural(o->lang, "drill.summary", s->tally.done), "done", done,
            "right", right, (const char *)NULL);
        ion_drill_topic tp;
        for (size_t i = 0; ion_drill_picker_topic(s->pk, i, &tp); i++) {
            if (!s->topic_done[i])
                continue;
            snprintf(done, sizeof done, "%d", s->topic_done[i]);
            snprintf(right, sizeof right, "%d", s->topic_right[i]);
            say(o, 2, ION_DRILL_PLAIN, "drill.summary_topic", "topic", topic_name(tp.topic, o->lang), "done", done,
                "right", right, (const char *)NULL);
        }
    }
    if (s->tally.skipped)
        say_int(o, 0, ION_DRILL_PLAIN, "drill.summary_skipped", "n", s->tally.skipped);
    if (s->tally.unfinished)
        say_int(o, 0, ION_DRILL_PLAIN, "drill.summary_unfinished", "n", s->tally.unfinished);
    if (s->tally.helped)
        say_int(o, 0, ION_DRILL_PLAIN, "drill.summary_hinted", "n", s->tally.helped);
    say_next(s);
}

int ion_drill_session(ion_bank *b, const ion_drill_opts *o, ion_drill_read_fn read, void *read_ctx,
                      const ion_drill_view *view, void *view_ctx, ion_drill_tally *tally, ion_error *err)
{
    session s;
    memset(&s, 0, sizeof s);
    s.b = b;
    s.o = o;
    s.out = (ion_drill_out){view, view_ctx, o->lang ? o->lang : "en"};
    s.read = read;
    s.read_ctx = read_ctx;
    s.err = err;
    int ret;
    if (!(s.pk = ion_drill_picker_open(b, o->user, o->topic, o->difficulty, o->seed, &ret, err)))
        return ret;
    ion_drill_topic tp;
    size_t ntopics = 0;
    while (ion_drill_picker_topic(s.pk, ntopics, &tp))
        ntopics++;
    s.topic_done = calloc(ntopics + 1, sizeof *s.topic_done);
    s.topic_right = calloc(ntopics + 1, sizeof *s.topic_right);
    if (!s.topic_done || !s.topic_right) {
        ret = ION_BANK_EDB;
        ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        goto done;
    }
    say(&s.out, 0, ION_DRILL_PLAIN, "drill.welcome", "user", o->user, (const char *)NULL);
    int end = ION_DRILL_PART_RIGHT;
    while (end != ION_DRILL_PART_QUIT && end != END_INPUT)
        if ((ret = run_problem(&s, &end)) < 0)
            goto done;
    s.tally.quit = end == ION_DRILL_PART_QUIT;
    summary(&s);
done:
    if (tally)
        *tally = s.tally;
    free(s.topic_done);
    free(s.topic_right);
    ion_drill_picker_free(s.pk);
    return ret;
}

/* ---- on a terminal (drill_term.c draws) ---- */

int ion_drill_run(ion_bank *b, const ion_drill_opts *o, ion_drill_read_fn read, void *ctx, FILE *out,
                  ion_drill_tally *tally, ion_error *err)
{
    ion_drill_term w = {out, o->color, o->width, o->echo};
    int ret = ion_drill_session(b, o, read, ctx, &ion_drill_term_view, &w, tally, err);
    fflush(out);
    return ret;
}

int ion_drill_stats(ion_bank *b, const ion_drill_opts *o, FILE *out, ion_error *err)
{
    int ret;
    ion_drill_picker *p = ion_drill_picker_open(b, o->user, o->topic, o->difficulty, 0, &ret, err);
    if (!p)
        return ret;
    const char *lang = o->lang ? o->lang : "en";
    ion_drill_term w = {out, o->color, 0, 0};
    ion_drill_term_table_head(&w, lang, o->user);
    int done = 0, right = 0;
    ion_drill_topic t;
    for (size_t i = 0; ion_drill_picker_topic(p, i, &t); i++) {
        if (!t.templates)
            continue;
        ion_drill_term_table_row(&w, lang, &t);
        done += t.attempts;
        right += t.right_first;
    }
    char *next = done ? ion_drill_next_text(p, lang) : NULL;
    ion_drill_term_table_end(&w, lang, done, right, next);
    free(next);
    ion_drill_picker_free(p);
    return 0;
}
