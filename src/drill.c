/* The self-check drill: the picker (adaptive choice of templates), the
 * session (problems, answers, hints, solutions, the summary) and the
 * progress table. See drill.h for the rules. */
#include "drill.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "judge.h"
#include "rng.h"
#include "text.h"
#include "tmpl.h"
#include "utf8.h"

/* ---- wording ----------------------------------------------------------- */

/* Our fixed strings in English and Chinese, with {name} placeholders that
 * ion_tmpl_expand fills (never printf formats). */
enum msg {
    M_WELCOME, M_PROBLEM, M_SOURCE, M_RIGHT, M_RIGHT_LATE, M_WRONG, M_PARTIAL,
    M_SIGN, M_SCALE, M_DIMENSION, M_NOT_NUMBER, M_NOT_NUMBER_UNIT, M_NOT_CHOICE, M_NOT_LETTER, M_HINT,
    M_NO_HINT, M_TRY_AGAIN, M_ANSWER_IS, M_SOLUTION, M_NO_SOLUTION,
    M_PART_ANSWER, M_WELL_DONE, M_SKIPPED, M_HELP, M_LEVEL_UP, M_LEVEL_DOWN,
    M_SUMMARY, M_SUMMARY_ONE, M_SUMMARY_SKIPPED, M_SUMMARY_UNFINISHED, M_SUMMARY_TOPIC, M_NOTHING_DONE, M_NEXT,
    M_NEXT_NEW, M_STATS_TITLE, M_STATS_HEAD_TOPIC, M_STATS_HEAD_DONE,
    M_STATS_HEAD_RIGHT, M_STATS_HEAD_LEVEL, M_STATS_HEAD_STREAK, M_STATS_TOTAL,
    M_STATS_EMPTY, M_COUNT
};

static const char *const msgs[2][M_COUNT] = {
    {
        [M_WELCOME] = "Self-check drill for {user}. Answer each part at its prompt; "
                      "type ? for a hint, s for the worked solution, n to skip the problem, q to quit.",
        [M_PROBLEM] = "Problem {n} · {topic} · difficulty {d}",
        [M_SOURCE] = "[{id}, seed {seed}]",
        [M_RIGHT] = "✓ Right! The answer is {key}.",
        [M_RIGHT_LATE] = "✓ Right this time. The answer is {key}.",
        [M_WRONG] = "✗ Not right.",
        [M_PARTIAL] = "✗ Not quite: that would earn {pct}% of the points.",
        [M_SIGN] = "Check the sign: the size is right, the sign is not.",
        [M_SCALE] = "Check the unit: the digits are right, the number is {factor} times off.",
        [M_DIMENSION] = "The unit {unit} does not fit here: answer in {want}.",
        [M_NOT_NUMBER] = "I could not read that as a number ({why}). Type a number such as 0.25.",
        [M_NOT_NUMBER_UNIT] = "I could not read that as a number ({why}). "
                              "Type a number, with its unit if you like: 12.5 or 12.5 {unit}.",
        [M_NOT_CHOICE] = "Answer with one of: {list}.",
        [M_NOT_LETTER] = "Answer with one letter, {first} to {last}.",
        [M_HINT] = "Hint: {text}",
        [M_NO_HINT] = "This problem has no hint; type s for the worked solution.",
        [M_TRY_AGAIN] = "Try again (? shows the hint, s the worked solution).",
        [M_ANSWER_IS] = "The answer is {key}.",
        [M_SOLUTION] = "Worked solution: {text}",
        [M_NO_SOLUTION] = "This problem has no worked solution.",
        [M_PART_ANSWER] = "({part}) {key}",
        [M_WELL_DONE] = "Every part right at the first try. Well done!",
        [M_SKIPPED] = "Skipped.",
        [M_HELP] = "Type your answer and press Enter; ? shows a hint, s the worked solution, "
                   "n skips the problem, q quits.",
        [M_LEVEL_UP] = "Next {topic} problems step up to difficulty {d}.",
        [M_LEVEL_DOWN] = "Next {topic} problems step back to difficulty {d}.",
        [M_SUMMARY] = "Summary: {done} problems done, {right} right the first time.",
        [M_SUMMARY_ONE] = "Summary: 1 problem done, {right} right the first time.",
        [M_SUMMARY_SKIPPED] = "Skipped: {n}.",
        [M_SUMMARY_UNFINISHED] = "Left unfinished after a wrong try: {n} (counted as missed).",
        [M_SUMMARY_TOPIC] = "{topic}: {done} done, {right} right the first time",
        [M_NOTHING_DONE] = "Summary: no problems done this time.",
        [M_NEXT] = "Practise next: {topic} ({right} of {done} right the first time so far): "
                   "ionsheet drill --topic {id}",
        [M_NEXT_NEW] = "Practise next: {topic} (not tried yet): ionsheet drill --topic {id}",
        [M_STATS_TITLE] = "Drill progress of {user}",
        [M_STATS_HEAD_TOPIC] = "topic",
        [M_STATS_HEAD_DONE] = "done",
        [M_STATS_HEAD_RIGHT] = "right first time",
        [M_STATS_HEAD_LEVEL] = "level",
        [M_STATS_HEAD_STREAK] = "streak",
        [M_STATS_TOTAL] = "All topics: {done} done, {right} right the first time.",
        [M_STATS_EMPTY] = "Nothing drilled yet: start with ionsheet drill",
    },
    {
        [M_WELCOME] = "{user} 的自测练习。请在提示符后回答每一小题；"
                      "输入 ? 查看提示，s 查看详细解答，n 跳过本题，q 退出。",
        [M_PROBLEM] = "第 {n} 题 · {topic} · 难度 {d}",
        [M_SOURCE] = "[{id}, seed {seed}]",
        [M_RIGHT] = "✓ 正确！答案是 {key}。",
        [M_RIGHT_LATE] = "✓ 这次对了。答案是 {key}。",
        [M_WRONG] = "✗ 不对。",
        [M_PARTIAL] = "✗ 不完全对：这个答案只能得 {pct}% 的分数。",
        [M_SIGN] = "检查符号：数值大小对了，符号不对。",
        [M_SCALE] = "检查单位：数字对了，但差了 {factor} 倍。",
        [M_DIMENSION] = "单位 {unit} 不适用于此题：请用 {want} 作答。",
        [M_NOT_NUMBER] = "无法识别为数值（{why}）。请输入一个数，例如 0.25。",
        [M_NOT_NUMBER_UNIT] = "无法识别为数值（{why}）。请输入一个数，可带单位，例如 12.5 或 12.5 {unit}。",
        [M_NOT_CHOICE] = "请从以下选项中选一个作答：{list}。",
        [M_NOT_LETTER] = "请只用一个字母作答（{first} 到 {last}）。",
        [M_HINT] = "提示：{text}",
        [M_NO_HINT] = "本题没有提示；输入 s 查看详细解答。",
        [M_TRY_AGAIN] = "再试一次（? 查看提示，s 查看详细解答）。",
        [M_ANSWER_IS] = "答案是 {key}。",
        [M_SOLUTION] = "详细解答：{text}",
        [M_NO_SOLUTION] = "本题没有详细解答。",
        [M_PART_ANSWER] = "（{part}）{key}",
        [M_WELL_DONE] = "所有小题都一次答对，做得好！",
        [M_SKIPPED] = "已跳过。",
        [M_HELP] = "输入答案后按回车；? 查看提示，s 查看详细解答，n 跳过本题，q 退出。",
        [M_LEVEL_UP] = "接下来的{topic}题目升到难度 {d}。",
        [M_LEVEL_DOWN] = "接下来的{topic}题目降回难度 {d}。",
        [M_SUMMARY] = "小结：完成 {done} 题，其中 {right} 题一次答对。",
        [M_SUMMARY_ONE] = "小结：完成 1 题，其中 {right} 题一次答对。",
        [M_SUMMARY_SKIPPED] = "跳过：{n} 题。",
        [M_SUMMARY_UNFINISHED] = "答错后未完成：{n} 题（记为答错）。",
        [M_SUMMARY_TOPIC] = "{topic}：完成 {done} 题，一次答对 {right} 题",
        [M_NOTHING_DONE] = "小结：本次没有完成题目。",
        [M_NEXT] = "下一步练习：{topic}（目前 {done} 题中一次答对 {right} 题）：ionsheet drill --topic {id}",
        [M_NEXT_NEW] = "下一步练习：{topic}（尚未练习）：ionsheet drill --topic {id}",
        [M_STATS_TITLE] = "{user} 的练习进度",
        [M_STATS_HEAD_TOPIC] = "主题",
        [M_STATS_HEAD_DONE] = "已做",
        [M_STATS_HEAD_RIGHT] = "一次答对",
        [M_STATS_HEAD_LEVEL] = "难度",
        [M_STATS_HEAD_STREAK] = "连对",
        [M_STATS_TOTAL] = "全部主题：完成 {done} 题，一次答对 {right} 题。",
        [M_STATS_EMPTY] = "还没有练习记录：用 ionsheet drill 开始",
    },
};

/* The shipped topics' names; another topic is shown by its id. */
static const struct {
    const char *id, *name[2];
} topic_names[] = {
    {"nernst", {"Nernst potentials", "能斯特电位"}},
    {"ghk", {"GHK voltage", "GHK 电压方程"}},
    {"pump", {"Na⁺/K⁺ pump", "钠钾泵"}},
    {"donnan", {"Donnan equilibrium", "唐南平衡"}},
    {"drive", {"Driving forces", "驱动力"}},
    {"concept", {"Concepts", "概念题"}},
};

static int lang_index(const char *lang)
{
    return lang && !strcmp(lang, "zh");
}

static const char *topic_name(const char *topic, int lang)
{
    for (size_t i = 0; i < sizeof topic_names / sizeof topic_names[0]; i++)
        if (!strcmp(topic, topic_names[i].id))
            return topic_names[i].name[lang];
    return topic;
}

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"

/* Where a session or table writes: the stream, the language, colours,
 * the width to wrap text at (0: none). */
typedef struct {
    FILE *out;
    int lang;
    int color;
    int width;
} writer;

static void paint(const writer *w, const char *color, const char *text)
{
    if (w->color && color)
        fprintf(w->out, "%s%s%s", color, text, C_RESET);
    else
        fputs(text, w->out);
}

/* The length of the next word of s: up to a blank, or one East Asian
 * wide character (those lines may break between any two). */
static size_t word_len(const char *s)
{
    size_t n = 0, left = strlen(s);
    while (n < left && s[n] != ' ') {
        uint32_t cp;
        size_t len = ion_utf8_next(s + n, left - n, &cp);
        if (!len)
            len = 1;
        else if (ion_utf8_cp_width(cp) == 2)
            return n ? n : len;
        n += len;
    }
    return n;
}

/* Writes a line of text in color after indent, wrapped at word boundaries
 * to the writer's width; the lines after the first are indented by hang
 * more columns. */
static void emit(const writer *w, const char *indent, int hang, const char *color, const char *text)
{
    fputs(indent, w->out);
    if (w->color && color)
        fputs(color, w->out);
    int start = ion_utf8_width(indent), col = start;
    for (const char *p = text; *p;) {
        int space = 0;
        while (*p == ' ') {
            space = 1;
            p++;
        }
        if (!*p)
            break;
        size_t n = word_len(p);
        char word[512];
        snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), p);
        int wide = ion_utf8_width(word);
        if (w->width > 0 && col > start + hang && col + space + wide > w->width) {
            fprintf(w->out, "\n%s%*s", indent, hang, "");
            col = start + hang;
        } else if (space) {
            fputc(' ', w->out);
            col++;
        }
        fwrite(p, 1, n, w->out);
        col += wide;
        p += n;
    }
    if (w->color && color)
        fputs(C_RESET, w->out);
    fputc('\n', w->out);
}

/* Message m with its {name}s filled from the NULL-terminated name, value
 * pairs in ap; NULL when out of memory. Caller frees. */
static char *vexpand(int lang, enum msg m, va_list ap)
{
    const char *names[8], *values[8];
    int n = 0;
    const char *name;
    while (n < 8 && (name = va_arg(ap, const char *)) != NULL) {
        names[n] = name;
        values[n++] = va_arg(ap, const char *);
    }
    const char *pattern = msgs[lang][m];
    size_t len = ion_tmpl_expand(NULL, 0, pattern, names, values, n);
    char *text = malloc(len + 1);
    if (text)
        ion_tmpl_expand(text, len + 1, pattern, names, values, n);
    return text;
}

static char *expand(int lang, enum msg m, ...)
{
    va_list ap;
    va_start(ap, m);
    char *text = vexpand(lang, m, ap);
    va_end(ap);
    return text;
}

/* Writes a line: indent, then message m (its name, value pairs follow,
 * ending with NULL) in color (NULL: none). */
static void say(const writer *w, const char *indent, const char *color, enum msg m, ...)
{
    va_list ap;
    va_start(ap, m);
    char *text = vexpand(w->lang, m, ap);
    va_end(ap);
    if (text)
        emit(w, indent, 2, color, text);
    free(text);
}

/* The plain text of a template text for this instance ({name}s filled,
 * markup as Unicode); NULL when empty or out of memory. Caller frees. */
static char *plain_text(const ion_instance *in, const ion_i18n *t, int lang)
{
    const char *markup = ion_i18n_get(t, lang ? "zh" : "en");
    if (!markup || !*markup)
        return NULL;
    ion_strbuf b = {0};
    if (ion_instance_plain(in, markup, &b))
        ion_strbuf_release(&b);
    /* Authors wrap long texts over several lines: one line on screen. */
    return b.s ? ion_squeeze_blanks(b.s) : NULL;
}

/* The right answer of part i as shown: "-58.32 mV", "out", "D) text". */
static void key_text(const ion_instance *in, size_t i, int lang, char *buf, size_t n)
{
    const ion_part *p = &in->t->parts[i];
    const ion_part_inst *pi = &in->parts[i];
    if (p->kind != ION_ANSWER_MCQ) {
        ion_part_key_text(&pi->key, buf, n);
    } else {
        char *text = plain_text(in, &p->options[pi->order[pi->letter - 'A']].text, lang);
        snprintf(buf, n, "%c) %s", pi->letter, text ? text : "");
        free(text);
    }
}

/* "out, in, none": the choice ids of a part. */
static void choice_list(const ion_part *p, const char *sep, char *buf, size_t n)
{
    ion_judge_list((const char *const *)p->choices, p->nchoices, sep, buf, n);
}

/* ---- the picker --------------------------------------------------------- */

typedef struct {
    char *id;
    size_t topic;
    int difficulty;
    int attempts, right_first, streak;
    char *last;         /* UTC time of the latest attempt, for the replay */
} pk_template;

typedef struct {
    char *name;
    int mind, maxd;     /* the difficulties the topic has */
    int level, fails, streak;
    int attempts, right_first;
    int candidates;     /* templates of the picker's difficulty */
    int at[4];          /* of them, how many of each difficulty 1..3 */
} pk_topic;

struct ion_drill_picker {
    pk_template *t;
    size_t nt;
    pk_topic *tp;
    size_t ntp;
    int difficulty;
    ion_rng rng;
    long shown;         /* the template picked last, or -1 */
    double *weights;
    int oom;
};

static void pk_step(pk_topic *tp, int difficulty, int right_first)
{
    if (right_first) {
        tp->streak++;
        tp->fails = 0;
        if (difficulty >= tp->level && tp->level < tp->maxd)
            tp->level++;
    } else {
        tp->streak = 0;
        if (++tp->fails >= 2) {
            tp->fails = 0;
            if (tp->level > tp->mind)
                tp->level--;
        }
    }
}

static int pk_add_template(const ion_bank_template *d, void *ctx)
{
    ion_drill_picker *p = ctx;
    if (!p->ntp || strcmp(p->tp[p->ntp - 1].name, d->topic)) {
        pk_topic *tp = realloc(p->tp, (p->ntp + 1) * sizeof *tp);
        if (!tp)
            return p->oom = 1;
        p->tp = tp;
        memset(&tp[p->ntp], 0, sizeof *tp);
        if (!(tp[p->ntp].name = strdup(d->topic)))
            return p->oom = 1;
        tp[p->ntp].mind = tp[p->ntp].maxd = d->difficulty;
        p->ntp++;
    }
    pk_topic *tp = &p->tp[p->ntp - 1];
    if (d->difficulty < tp->mind)
        tp->mind = d->difficulty;
    if (d->difficulty > tp->maxd)
        tp->maxd = d->difficulty;
    if (!p->difficulty || d->difficulty == p->difficulty) {
        tp->candidates++;
        if (d->difficulty >= 1 && d->difficulty <= 3)
            tp->at[d->difficulty]++;
    }
    pk_template *t = realloc(p->t, (p->nt + 1) * sizeof *t);
    if (!t)
        return p->oom = 1;
    p->t = t;
    memset(&t[p->nt], 0, sizeof *t);
    if (!(t[p->nt].id = strdup(d->id)))
        return p->oom = 1;
    t[p->nt].topic = p->ntp - 1;
    t[p->nt].difficulty = d->difficulty;
    p->nt++;
    return 0;
}

static pk_template *pk_find(const ion_drill_picker *p, const char *id)
{
    for (size_t i = 0; i < p->nt; i++)
        if (!strcmp(p->t[i].id, id))
            return &p->t[i];
    return NULL;
}

static int pk_add_progress(const ion_bank_drill *d, void *ctx)
{
    ion_drill_picker *p = ctx;
    pk_template *t = pk_find(p, d->template_id);
    if (!t)
        return 0;  /* a template no longer in the bank */
    t->attempts = d->attempts;
    t->right_first = d->right_first;
    t->streak = d->streak;
    if (!(t->last = strdup(d->last ? d->last : "")))
        return p->oom = 1;
    p->tp[t->topic].attempts += d->attempts;
    p->tp[t->topic].right_first += d->right_first;
    return 0;
}

static int pk_by_last(const void *a, const void *b)
{
    const pk_template *x = *(pk_template *const *)a, *y = *(pk_template *const *)b;
    int c = strcmp(x->last, y->last);
    return c ? c : strcmp(x->id, y->id);
}

/* Works the topics' levels out again from the stored progress (drill.h). */
static int pk_replay(ion_drill_picker *p)
{
    pk_template **order = malloc((p->nt + 1) * sizeof *order);
    if (!order)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < p->nt; i++)
        if (p->t[i].attempts > 0 && p->t[i].last)
            order[n++] = &p->t[i];
    qsort(order, n, sizeof *order, pk_by_last);
    for (size_t i = 0; i < n; i++) {
        const pk_template *t = order[i];
        pk_topic *tp = &p->tp[t->topic];
        int before = t->attempts - t->streak;
        int failures = before <= 0 ? 0 : t->right_first == t->streak ? (before < 2 ? before : 2) : 1;
        for (int k = 0; k < failures; k++)
            pk_step(tp, t->difficulty, 0);
        for (int k = 0; k < t->streak; k++)
            pk_step(tp, t->difficulty, 1);
    }
    free(order);
    return 0;
}

void ion_drill_picker_free(ion_drill_picker *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nt; i++) {
        free(p->t[i].id);
        free(p->t[i].last);
    }
    for (size_t i = 0; i < p->ntp; i++)
        free(p->tp[i].name);
    free(p->t);
    free(p->tp);
    free(p->weights);
    free(p);
}

/* ion_drill_picker_new, with *code the bank error code of a failure. */
static ion_drill_picker *pk_new(ion_bank *b, const char *user, const char *topic, int difficulty,
                                uint64_t seed, int *code, ion_error *err)
{
    *code = ION_BANK_EINVAL;
    if (difficulty < 0 || difficulty > 3) {
        ion_fail(err, NULL, 0, "difficulty %d is not 1, 2 or 3", difficulty);
        return NULL;
    }
    ion_drill_picker *p = calloc(1, sizeof *p);
    if (!p)
        goto oom;
    p->difficulty = difficulty;
    p->shown = -1;
    ion_rng_seed(&p->rng, seed);
    if (ion_bank_template_list(b, topic, pk_add_template, p, err) < 0 ||
        (!p->oom && ion_bank_drill_list(b, user, topic, pk_add_progress, p, err) < 0)) {
        *code = ION_BANK_EDB;
        goto fail;
    }
    if (p->oom || !(p->weights = malloc((p->nt + p->ntp + 1) * sizeof *p->weights)))
        goto oom;
    int candidates = 0;
    for (size_t i = 0; i < p->ntp; i++) {
        p->tp[i].level = p->tp[i].mind;
        candidates += p->tp[i].candidates;
    }
    if (!candidates) {
        if (topic && !p->nt)
            ion_fail(err, NULL, 0, "no templates in topic '%s' (see ionsheet bank list)", topic);
        else if (p->nt)
            ion_fail(err, NULL, 0, "no templates of difficulty %d%s%s", difficulty, topic ? " in topic " : "",
                     topic ? topic : "");
        else
            ion_fail(err, NULL, 0, "the bank has no templates (run 'ionsheet init')");
        goto fail;
    }
    if (pk_replay(p))
        goto oom;
    return p;
oom:
    *code = ION_BANK_EDB;
    ion_fail(err, NULL, 0, "out of memory");
fail:
    ion_drill_picker_free(p);
    return NULL;
}

ion_drill_picker *ion_drill_picker_new(ion_bank *b, const char *user, const char *topic, int difficulty,
                                       uint64_t seed, ion_error *err)
{
    int code;
    return pk_new(b, user, topic, difficulty, seed, &code, err);
}

/* An index in [0, n) with probability w[i] / sum(w); n > 0, some w > 0. */
static size_t pk_weighted(ion_rng *r, const double *w, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += w[i];
    double x = (double)(ion_rng_next(r) >> 11) * 0x1.0p-53 * sum;
    size_t last = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i] <= 0)
            continue;
        last = i;
        if ((x -= w[i]) < 0)
            return i;
    }
    return last;
}

/* Laplace's estimate of being right first time: 1/2 with no history. */
static double pk_accuracy(int attempts, int right_first)
{
    return (right_first + 1.0) / (attempts + 2.0);
}

static int pk_candidate(const ion_drill_picker *p, const pk_template *t)
{
    return !p->difficulty || t->difficulty == p->difficulty;
}

const char *ion_drill_pick(ion_drill_picker *p, uint64_t *seed)
{
    double *w = p->weights;
    for (size_t i = 0; i < p->ntp; i++)
        w[i] = p->tp[i].candidates ? 0.5 + 4 * (1 - pk_accuracy(p->tp[i].attempts, p->tp[i].right_first)) : 0;
    size_t topic = pk_weighted(&p->rng, w, p->ntp);
    const pk_topic *tp = &p->tp[topic];
    static const double closeness[] = {1, 0.25, 0.05};
    for (size_t i = 0; i < p->nt; i++) {
        const pk_template *t = &p->t[i];
        w[i] = 0;
        if (t->topic != topic || !pk_candidate(p, t))
            continue;
        int gap = p->difficulty ? 0 : abs(t->difficulty - tp->level);
        /* The closeness is shared among the templates of that difficulty,
         * so that the level's difficulty comes most often however many
         * templates the others have. */
        int same = t->difficulty >= 1 && t->difficulty <= 3 ? tp->at[t->difficulty] : 1;
        w[i] = closeness[gap > 2 ? 2 : gap] / (same > 0 ? same : 1) *
               (0.5 + 2 * (1 - pk_accuracy(t->attempts, t->right_first)));
        if (t->streak >= 3)
            w[i] /= 2;
        if ((long)i == p->shown && tp->candidates > 1)
            w[i] /= 4;
    }
    size_t k = pk_weighted(&p->rng, w, p->nt);
    p->shown = (long)k;
    /* 32 bits: short enough to type into `ionsheet bank show ID --seed N`. */
    *seed = ion_rng_next(&p->rng) >> 32;
    return p->t[k].id;
}

void ion_drill_picker_result(ion_drill_picker *p, const char *template_id, int right_first)
{
    pk_template *t = pk_find(p, template_id);
    if (!t)
        return;
    right_first = right_first != 0;
    t->attempts++;
    t->right_first += right_first;
    t->streak = right_first ? t->streak + 1 : 0;
    pk_topic *tp = &p->tp[t->topic];
    tp->attempts++;
    tp->right_first += right_first;
    pk_step(tp, t->difficulty, right_first);
}

int ion_drill_picker_topic(const ion_drill_picker *p, size_t i, ion_drill_topic *out)
{
    if (i >= p->ntp)
        return 0;
    const pk_topic *tp = &p->tp[i];
    *out = (ion_drill_topic){tp->name, tp->candidates, tp->attempts, tp->right_first, tp->streak, tp->level};
    return 1;
}

/* The weakest topic that can be picked (lowest accuracy, the first of
 * equals), or -1. */
static long pk_weakest(const ion_drill_picker *p)
{
    long best = -1;
    double best_acc = 2;
    for (size_t i = 0; i < p->ntp; i++) {
        double acc = pk_accuracy(p->tp[i].attempts, p->tp[i].right_first);
        if (p->tp[i].candidates && acc < best_acc) {
            best_acc = acc;
            best = (long)i;
        }
    }
    return best;
}

static void say_next(const writer *w, const ion_drill_picker *p)
{
    long i = pk_weakest(p);
    if (i < 0)
        return;
    const pk_topic *tp = &p->tp[i];
    char done[16], right[16];
    snprintf(done, sizeof done, "%d", tp->attempts);
    snprintf(right, sizeof right, "%d", tp->right_first);
    say(w, "", C_BOLD, tp->attempts ? M_NEXT : M_NEXT_NEW, "topic", topic_name(tp->name, w->lang), "id", tp->name,
        "done", done, "right", right, (const char *)NULL);
}

/* ---- the session -------------------------------------------------------- */

typedef struct {
    ion_bank *b;
    const ion_drill_opts *o;
    ion_drill_read_fn read;
    void *ctx;
    writer w;
    ion_drill_picker *pk;
    int *topic_done, *topic_right; /* this session, per picker topic */
    ion_drill_tally tally;
    int problems;                  /* shown so far */
    ion_error *err;
} session;

typedef struct {
    ion_instance in;
    int missed;          /* not right first time: a wrong try, or help used */
    int hint_shown, solution_shown;
} problem;

/* How a part, or a problem, ended. */
enum { END_ANSWERED, END_SOLUTION, END_SKIP, END_QUIT, END_INPUT };

static void show_hint(session *s, problem *pb)
{
    char *hint = plain_text(&pb->in, &pb->in.t->hint, s->w.lang);
    if (hint)
        say(&s->w, "  ", C_YELLOW, M_HINT, "text", hint, (const char *)NULL);
    else
        say(&s->w, "  ", C_YELLOW, M_NO_HINT, (const char *)NULL);
    free(hint);
    pb->hint_shown = 1;
    pb->missed = 1;
}

/* The worked solution, once per problem. */
static void show_solution(session *s, problem *pb)
{
    if (pb->solution_shown)
        return;
    char *text = plain_text(&pb->in, &pb->in.t->solution, s->w.lang);
    if (text)
        say(&s->w, "  ", NULL, M_SOLUTION, "text", text, (const char *)NULL);
    else
        say(&s->w, "  ", NULL, M_NO_SOLUTION, (const char *)NULL);
    free(text);
    pb->solution_shown = 1;
    pb->missed = 1;
}

/* Writes "label text" with the text wrapped under itself. */
static void emit_labelled(const writer *w, const char *indent, const char *label, const char *text)
{
    size_t n = strlen(label) + strlen(text) + 2;
    char *line = malloc(n);
    if (!line)
        return;
    snprintf(line, n, "%s %s", label, text);
    emit(w, indent, ion_utf8_width(label) + 1, NULL, line);
    free(line);
}

static void show_part(session *s, const problem *pb, size_t i)
{
    const ion_part *p = &pb->in.t->parts[i];
    char *text = plain_text(&pb->in, &p->text, s->w.lang);
    char label[16];
    snprintf(label, sizeof label, "(%s)", p->id);
    fputc('\n', s->w.out);
    emit_labelled(&s->w, "", label, text ? text : "");
    free(text);
    if (p->kind != ION_ANSWER_MCQ)
        return;
    for (size_t k = 0; k < p->noptions; k++) {
        char *opt = plain_text(&pb->in, &p->options[pb->in.parts[i].order[k]].text, s->w.lang);
        snprintf(label, sizeof label, "%c)", (int)('A' + k));
        emit_labelled(&s->w, "    ", label, opt ? opt : "");
        free(opt);
    }
}

static void prompt(session *s, const problem *pb, size_t i)
{
    const ion_part *p = &pb->in.t->parts[i];
    char hint[256], text[300];
    hint[0] = '\0';
    if (p->kind == ION_ANSWER_NUMERIC)
        snprintf(hint, sizeof hint, "%s", ion_unit_label(p->unit));
    else if (p->kind == ION_ANSWER_CHOICE)
        choice_list(p, "/", hint, sizeof hint);
    else
        snprintf(hint, sizeof hint, "A-%c", (int)('A' + p->noptions - 1));
    snprintf(text, sizeof text, *hint ? "%s [%s]>" : "%s>", p->id, hint);
    paint(&s->w, C_BOLD C_CYAN, text);
    fputc(' ', s->w.out);
    fflush(s->w.out);
}

/* The number parser's reason (units.c, judge.c: English, the quoted text
 * between a fixed start and end) in Chinese; left as it is in English or
 * when it is none of those. */
static void reason_text(const char *why, int lang, char *buf, size_t n)
{
    static const struct {
        const char *start, *end, *zh;
    } reasons[] = {
        {"'", "' is not a number", "“{text}”不是数值"},
        {"'", "' has more than one decimal separator", "“{text}”有不止一个小数点"},
        {"'", "' is out of range", "“{text}”超出了可表示的范围"},
        {"'", "' has a malformed unit", "“{text}”的单位写法有误"},
        {"unknown unit '", "'", "不认识的单位“{text}”"},
        {"number too long", "", "数字太长"},
        {"the answer is too long", "", "答案太长"},
    };
    snprintf(buf, n, "%s", why);
    if (!lang)
        return;
    size_t len = strlen(why);
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
        size_t a = strlen(reasons[i].start), b = strlen(reasons[i].end);
        if (len < a + b || strncmp(why, reasons[i].start, a) || strcmp(why + len - b, reasons[i].end))
            continue;
        char text[128];
        snprintf(text, sizeof text, "%.*s", (int)(len - a - b), why + a);
        const char *names[] = {"text"}, *values[] = {text};
        ion_tmpl_expand(buf, n, reasons[i].zh, names, values, 1);
        return;
    }
}

/* Says why an answer could not be read; it does not count as a try. */
static void say_unreadable(session *s, const ion_part *p, const ion_judgement *j)
{
    if (j->note == ION_JUDGE_NOTE_NOT_NUMBER) {
        const char *unit = ion_unit_label(p->unit);
        char why[256];
        reason_text(j->detail, s->w.lang, why, sizeof why);
        say(&s->w, "  ", C_YELLOW, *unit ? M_NOT_NUMBER_UNIT : M_NOT_NUMBER, "why", why, "unit", unit,
            (const char *)NULL);
    } else if (j->note == ION_JUDGE_NOTE_NOT_CHOICE || j->note == ION_JUDGE_NOTE_AMBIGUOUS ||
               j->note == ION_JUDGE_NOTE_MOVEMENT) {
        char list[256];
        choice_list(p, ", ", list, sizeof list);
        say(&s->w, "  ", C_YELLOW, M_NOT_CHOICE, "list", list, (const char *)NULL);
    } else {
        char last[2] = {(char)('A' + p->noptions - 1), '\0'};
        say(&s->w, "  ", C_YELLOW, M_NOT_LETTER, "first", "A", "last", last, (const char *)NULL);
    }
}

static void say_wrong(session *s, const problem *pb, size_t i, const ion_judgement *j)
{
    const ion_part *p = &pb->in.t->parts[i];
    if (j->verdict == ION_VERDICT_PARTIAL) {
        char pct[16];
        snprintf(pct, sizeof pct, "%.0f", 100 * j->credit);
        say(&s->w, "  ", C_YELLOW, M_PARTIAL, "pct", pct, (const char *)NULL);
    } else {
        say(&s->w, "  ", C_RED, M_WRONG, (const char *)NULL);
    }
    if (j->mistake >= 0) {
        int source = pb->in.parts[i].key.mistakes[j->mistake].source;
        char *fb = plain_text(&pb->in, &p->mistakes[source].feedback, s->w.lang);
        if (fb)
            emit(&s->w, "  ", 2, NULL, fb);
        free(fb);
    }
    if (j->note == ION_JUDGE_NOTE_SIGN)
        say(&s->w, "  ", NULL, M_SIGN, (const char *)NULL);
    else if (j->note == ION_JUDGE_NOTE_SCALE)
        say(&s->w, "  ", NULL, M_SCALE, "factor", "1000", (const char *)NULL);
    else if (j->note == ION_JUDGE_NOTE_DIMENSION)
        say(&s->w, "  ", NULL, M_DIMENSION, "unit", ion_unit_label(j->unit), "want", ion_unit_label(p->unit),
            (const char *)NULL);
}

/* The line without surrounding blanks: *len bytes from the return value. */
static const char *trim(const char *line, size_t *len)
{
    while (*line == ' ' || *line == '\t')
        line++;
    size_t n = strlen(line);
    while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r' || line[n - 1] == '\n'))
        n--;
    *len = n;
    return line;
}

static int is_command(const char *text, size_t len, const char *cmd)
{
    return len == strlen(cmd) && !memcmp(text, cmd, len);
}

/* Asks part i until it is answered right, missed twice, or the student
 * leaves it; returns how it ended. */
static int ask_part(session *s, problem *pb, size_t i)
{
    const ion_part *p = &pb->in.t->parts[i];
    char key[512];
    key_text(&pb->in, i, s->w.lang, key, sizeof key);
    show_part(s, pb, i);
    for (int tries = 0;;) {
        prompt(s, pb, i);
        ion_drill_ask ask = {&pb->in, i, tries};
        const char *line = s->read(s->ctx, &ask);
        if (!line) {
            fputc('\n', s->w.out);
            return END_INPUT;
        }
        if (s->o->echo)
            fprintf(s->w.out, "%s\n", line);
        size_t len;
        const char *text = trim(line, &len);
        if (!len)
            continue;
        if (is_command(text, len, "?")) {
            show_hint(s, pb);
            continue;
        }
        if (is_command(text, len, "h") || is_command(text, len, "help")) {
            say(&s->w, "  ", NULL, M_HELP, (const char *)NULL);
            continue;
        }
        if (is_command(text, len, "s"))
            return END_SOLUTION;
        if (is_command(text, len, "n"))
            return END_SKIP;
        if (is_command(text, len, "q"))
            return END_QUIT;
        ion_judgement j;
        ion_judge_answer(&pb->in, i, line, &j);
        if (j.verdict == ION_VERDICT_INVALID) {
            say_unreadable(s, p, &j);
            continue;
        }
        if (j.verdict == ION_VERDICT_RIGHT) {
            say(&s->w, "  ", C_GREEN, tries ? M_RIGHT_LATE : M_RIGHT, "key", key, (const char *)NULL);
            return END_ANSWERED;
        }
        tries++;
        pb->missed = 1;
        say_wrong(s, pb, i, &j);
        if (tries == 1) {
            if (pb->hint_shown)
                say(&s->w, "  ", NULL, M_TRY_AGAIN, (const char *)NULL);
            else
                show_hint(s, pb);
            continue;
        }
        say(&s->w, "  ", C_BOLD, M_ANSWER_IS, "key", key, (const char *)NULL);
        show_solution(s, pb);
        return END_ANSWERED;
    }
}

/* Records a problem that ended, or one left when it is known to be missed,
 * and says when the topic's level changed. */
static int record(session *s, const char *id, uint64_t seed, int right_first)
{
    if (ion_bank_drill_record(s->b, s->o->user, id, seed, right_first, s->err) < 0)
        return ION_BANK_EDB;
    const pk_template *t = pk_find(s->pk, id);
    if (!t)
        return 0;
    const pk_topic *tp = &s->pk->tp[t->topic];
    int before = tp->level;
    ion_drill_picker_result(s->pk, id, right_first);
    if (!s->o->difficulty && tp->level != before) {
        char d[16];
        snprintf(d, sizeof d, "%d", tp->level);
        say(&s->w, "", C_CYAN, tp->level > before ? M_LEVEL_UP : M_LEVEL_DOWN, "topic",
            topic_name(tp->name, s->w.lang), "d", d, (const char *)NULL);
    }
    return 0;
}

static void show_problem(session *s, const problem *pb, const char *id, uint64_t seed)
{
    const ion_template *t = pb->in.t;
    char n[16], d[16], sd[32];
    snprintf(n, sizeof n, "%d", s->problems);
    snprintf(d, sizeof d, "%d", t->difficulty);
    snprintf(sd, sizeof sd, "%llu", (unsigned long long)seed);
    char *head = expand(s->w.lang, M_PROBLEM, "n", n, "topic", topic_name(t->topic, s->w.lang), "d", d,
                        (const char *)NULL);
    char *source = expand(s->w.lang, M_SOURCE, "id", id, "seed", sd, (const char *)NULL);
    fputc('\n', s->w.out);
    if (head && source) {
        paint(&s->w, C_BOLD C_CYAN, head);
        int fits = !s->w.width || ion_utf8_width(head) + 1 + ion_utf8_width(source) <= s->w.width;
        fputc(fits ? ' ' : '\n', s->w.out);
        paint(&s->w, C_DIM, source);
        fputc('\n', s->w.out);
    }
    free(head);
    free(source);
    char *title = plain_text(&pb->in, &t->title, s->w.lang);
    if (title)
        emit(&s->w, "", 0, C_BOLD, title);
    free(title);
    char *text = plain_text(&pb->in, &t->text, s->w.lang);
    if (text)
        emit(&s->w, "", 0, NULL, text);
    free(text);
}

/* One problem from pick to record; *end gets how it ended. */
static int run_problem(session *s, int *end)
{
    uint64_t seed;
    const char *id = ion_drill_pick(s->pk, &seed);
    ion_template *t = ion_catalog_load(s->b, id, 0, s->err);
    if (!t)
        return ION_DRILL_ETEMPLATE;
    problem pb;
    memset(&pb, 0, sizeof pb);
    int ret = 0;
    if (ion_instance_init(&pb.in, t)) {
        ret = ION_BANK_EDB;
        ion_fail(s->err, NULL, 0, "out of memory");
        goto done;
    }
    if (ion_instance_generate(&pb.in, seed, s->err)) {
        ret = ION_DRILL_ETEMPLATE;
        goto done;
    }
    s->problems++;
    show_problem(s, &pb, id, seed);
    int r = END_ANSWERED;
    size_t i = 0;
    for (; i < t->nparts && r == END_ANSWERED; i++)
        r = ask_part(s, &pb, i);
    if (r == END_SOLUTION) {
        show_solution(s, &pb);
        for (size_t k = i - 1; k < t->nparts; k++) {
            char key[512];
            key_text(&pb.in, k, s->w.lang, key, sizeof key);
            say(&s->w, "  ", C_BOLD, M_PART_ANSWER, "part", t->parts[k].id, "key", key, (const char *)NULL);
        }
    }
    int ended = r == END_ANSWERED || r == END_SOLUTION;
    size_t topic = pk_find(s->pk, id)->topic;
    if (ended) {
        s->tally.done++;
        s->tally.right_first += !pb.missed;
        s->topic_done[topic]++;
        s->topic_right[topic] += !pb.missed;
        if (!pb.missed)
            say(&s->w, "", C_GREEN, M_WELL_DONE, (const char *)NULL);
    } else if (r == END_SKIP) {
        s->tally.skipped++;
        say(&s->w, "  ", NULL, M_SKIPPED, (const char *)NULL);
    } else if (pb.missed) {
        s->tally.unfinished++;
    }
    if (ended || pb.missed)
        ret = record(s, id, seed, ended && !pb.missed);
    *end = r;
done:
    ion_instance_release(&pb.in);
    ion_template_free(t);
    return ret;
}

static void summary(session *s)
{
    char done[16], right[16];
    fputc('\n', s->w.out);
    if (!s->tally.done) {
        say(&s->w, "", C_BOLD, M_NOTHING_DONE, (const char *)NULL);
    } else {
        snprintf(done, sizeof done, "%d", s->tally.done);
        snprintf(right, sizeof right, "%d", s->tally.right_first);
        say(&s->w, "", C_BOLD, s->tally.done == 1 ? M_SUMMARY_ONE : M_SUMMARY, "done", done, "right", right, (const char *)NULL);
        for (size_t i = 0; i < s->pk->ntp; i++) {
            if (!s->topic_done[i])
                continue;
            snprintf(done, sizeof done, "%d", s->topic_done[i]);
            snprintf(right, sizeof right, "%d", s->topic_right[i]);
            say(&s->w, "  ", NULL, M_SUMMARY_TOPIC, "topic", topic_name(s->pk->tp[i].name, s->w.lang), "done",
                done, "right", right, (const char *)NULL);
        }
    }
    if (s->tally.skipped) {
        snprintf(done, sizeof done, "%d", s->tally.skipped);
        say(&s->w, "", NULL, M_SUMMARY_SKIPPED, "n", done, (const char *)NULL);
    }
    if (s->tally.unfinished) {
        snprintf(done, sizeof done, "%d", s->tally.unfinished);
        say(&s->w, "", NULL, M_SUMMARY_UNFINISHED, "n", done, (const char *)NULL);
    }
    say_next(&s->w, s->pk);
}

static int check_user(const char *user, ion_error *err)
{
    const char *why = user ? ion_bank_text_problem(user, ION_BANK_TEXT_MAX) : "is missing";
    if (why) {
        ion_fail(err, NULL, 0, "user name %s", why);
        return ION_BANK_EINVAL;
    }
    return 0;
}

int ion_drill_run(ion_bank *b, const ion_drill_opts *o, ion_drill_read_fn read, void *ctx, FILE *out,
                  ion_drill_tally *tally, ion_error *err)
{
    session s;
    memset(&s, 0, sizeof s);
    s.b = b;
    s.o = o;
    s.read = read;
    s.ctx = ctx;
    s.w = (writer){out, lang_index(o->lang), o->color, o->width};
    s.err = err;
    int ret = check_user(o->user, err);
    if (ret)
        return ret;
    if (!(s.pk = pk_new(b, o->user, o->topic, o->difficulty, o->seed, &ret, err)))
        return ret;
    s.topic_done = calloc(s.pk->ntp + 1, sizeof *s.topic_done);
    s.topic_right = calloc(s.pk->ntp + 1, sizeof *s.topic_right);
    if (!s.topic_done || !s.topic_right) {
        ret = ION_BANK_EDB;
        ion_fail(err, NULL, 0, "out of memory");
        goto done;
    }
    say(&s.w, "", NULL, M_WELCOME, "user", o->user, (const char *)NULL);
    int end = END_ANSWERED;
    while (end != END_QUIT && end != END_INPUT)
        if ((ret = run_problem(&s, &end)) < 0)
            goto done;
    s.tally.quit = end == END_QUIT;
    summary(&s);
done:
    fflush(out);
    if (tally)
        *tally = s.tally;
    free(s.topic_done);
    free(s.topic_right);
    ion_drill_picker_free(s.pk);
    return ret;
}

/* ---- the progress table ------------------------------------------------- */

/* s in a field of width columns, left or right aligned. */
static void field(FILE *out, const char *s, int width, int right)
{
    int pad = width - ion_utf8_width(s);
    if (right && pad > 0)
        fprintf(out, "%*s", pad, "");
    fputs(s, out);
    if (!right && pad > 0)
        fprintf(out, "%*s", pad, "");
}

#define BAR 20

static void bar(const writer *w, int attempts, int right_first)
{
    int full = attempts ? (int)((double)BAR * right_first / attempts + 0.5) : 0;
    const char *on = w->color ? "█" : "#", *off = w->color ? "░" : ".";
    double ratio = attempts ? (double)right_first / attempts : 0;
    if (w->color)
        fputs(ratio >= 0.7 ? C_GREEN : ratio >= 0.4 ? C_YELLOW : C_RED, w->out);
    for (int k = 0; k < BAR; k++) {
        if (k == full && w->color)
            fputs(C_RESET C_DIM, w->out);
        fputs(k < full ? on : off, w->out);
    }
    if (w->color)
        fputs(C_RESET, w->out);
}

int ion_drill_stats(ion_bank *b, const ion_drill_opts *o, FILE *out, ion_error *err)
{
    int ret = check_user(o->user, err);
    if (ret)
        return ret;
    ion_drill_picker *p = pk_new(b, o->user, o->topic, o->difficulty, 0, &ret, err);
    if (!p)
        return ret;
    writer w = {out, lang_index(o->lang), o->color, 0};
    say(&w, "", C_BOLD, M_STATS_TITLE, "user", o->user, (const char *)NULL);
    const char *const *m = msgs[w.lang];
    if (w.color)
        fputs(C_BOLD, out);
    field(out, m[M_STATS_HEAD_TOPIC], 30, 0);
    field(out, m[M_STATS_HEAD_DONE], 5, 1);
    fputs("  ", out);
    field(out, m[M_STATS_HEAD_RIGHT], 30, 0);
    field(out, m[M_STATS_HEAD_LEVEL], 6, 1);
    field(out, m[M_STATS_HEAD_STREAK], 7, 1);
    if (w.color)
        fputs(C_RESET, out);
    fputc('\n', out);
    int done = 0, right = 0;
    ion_drill_topic t;
    for (size_t i = 0; ion_drill_picker_topic(p, i, &t); i++) {
        if (!t.templates)
            continue;
        char num[32];
        field(out, t.topic, 9, 0);
        field(out, topic_name(t.topic, w.lang), 21, 0);
        fprintf(out, "%5d  ", t.attempts);
        if (t.attempts)
            fprintf(out, "%4d %3d%% ", t.right_first, (int)(100.0 * t.right_first / t.attempts + 0.5));
        else
            fprintf(out, "%4s      ", "-");
        bar(&w, t.attempts, t.right_first);
        snprintf(num, sizeof num, "%d", t.level);
        field(out, num, 6, 1);
        snprintf(num, sizeof num, "%d", t.streak);
        field(out, t.attempts ? num : "-", 7, 1);
        fputc('\n', out);
        done += t.attempts;
        right += t.right_first;
    }
    if (done) {
        char d[16], r[16];
        snprintf(d, sizeof d, "%d", done);
        snprintf(r, sizeof r, "%d", right);
        say(&w, "", NULL, M_STATS_TOTAL, "done", d, "right", r, (const char *)NULL);
        say_next(&w, p);
    } else {
        say(&w, "", NULL, M_STATS_EMPTY, (const char *)NULL);
    }
    ion_drill_picker_free(p);
    fflush(out);
    return 0;
}
