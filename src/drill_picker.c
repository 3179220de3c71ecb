/* The drill's picker: which template comes next, adaptive to the user's
 * stored progress (the rules are in drill.h). */
#include "drill.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

#include "rng.h"

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

ion_drill_picker *ion_drill_picker_open(ion_bank *b, const char *user, const char *topic, int difficulty,
                                        uint64_t seed, int *code, ion_error *err)
{
    *code = ION_BANK_EINVAL;
    const char *why = user ? ion_bank_text_problem(user, ION_BANK_TEXT_MAX) : "err.text.missing";
    if (why) {
        ion_fail_key(err, NULL, 0, "err.drill.user", "%s", ion_text_phrase(why));
        return NULL;
    }
    if (difficulty < 0 || difficulty > 3) {
        ion_fail_key(err, NULL, 0, "err.drill.difficulty", "%d", difficulty);
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
            ion_fail_key(err, NULL, 0, "err.drill.no_topic", "%s", topic);
        else if (p->nt)
            ion_fail_key(err, NULL, 0, topic ? "err.drill.no_templates_topic" : "err.drill.no_templates", "%d%s",
                         difficulty, topic ? topic : "");
        else
            ion_fail_key(err, NULL, 0, "err.drill.empty_bank", "-");
        goto fail;
    }
    if (pk_replay(p))
        goto oom;
    return p;
oom:
    *code = ION_BANK_EDB;
    ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
fail:
    ion_drill_picker_free(p);
    return NULL;
}

ion_drill_picker *ion_drill_picker_new(ion_bank *b, const char *user, const char *topic, int difficulty,
                                       uint64_t seed, ion_error *err)
{
    int code;
    return ion_drill_picker_open(b, user, topic, difficulty, seed, &code, err);
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

long ion_drill_picker_topic_of(const ion_drill_picker *p, const char *template_id)
{
    const pk_template *t = pk_find(p, template_id);
    return t ? (long)t->topic : -1;
}

long ion_drill_picker_weakest(const ion_drill_picker *p)
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
