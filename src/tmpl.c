#include "tmpl.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every key a template must define. A fixed table rather than "anything
 * goes" so that a misspelt key in a translation is an error, not a string
 * silently missing from every sheet. */
typedef enum { KEY_STR, KEY_NUM, KEY_PLURAL } key_type; /* KEY_PLURAL: KEY.FORM strings */

static const struct {
    const char *key;
    key_type type;
} known[] = {
    /* page layout: sizes in millimetres, fonts in points */
    {"page.width_mm", KEY_NUM},
    {"page.height_mm", KEY_NUM},
    {"margin.top_mm", KEY_NUM},
    {"margin.bottom_mm", KEY_NUM},
    {"margin.left_mm", KEY_NUM},
    {"margin.right_mm", KEY_NUM},
    {"font.body_pt", KEY_NUM},
    {"font.title_pt", KEY_NUM},
    {"font.heading_pt", KEY_NUM},
    {"font.small_pt", KEY_NUM},
    {"line.spacing", KEY_NUM},   /* baseline distance / font size */
    {"problem.gap_mm", KEY_NUM}, /* space between problems */
    {"answer.line_mm", KEY_NUM}, /* length of a ruled answer line */
    {"answer.space_mm", KEY_NUM}, /* room for working after a part */
    {"ladder.width_mm", KEY_NUM},
    {"ladder.height_mm", KEY_NUM},
    /* fixed strings; {x} are placeholders */
    {"label.name", KEY_STR},
    {"label.student_id", KEY_STR},
    {"label.due", KEY_STR},
    {"label.total", KEY_STR},        /* {points} */
    {"label.instructions", KEY_STR},
    {"label.link", KEY_STR},
    {"label.problem", KEY_STR},      /* {n} */
    {"label.points", KEY_PLURAL},    /* {n} */
    {"label.answer", KEY_STR},
    {"label.page", KEY_STR},         /* {page} {pages} */
    {"label.solutions", KEY_STR},
    {"label.confidential", KEY_STR},
    {"label.solution", KEY_STR},
    {"label.ladder", KEY_STR},
    {"label.preview", KEY_STR},      /* {id} {seed}: bank preview's title */
    {"text.colon", KEY_STR},         /* {label} {text}: a label and what it labels */
    /* the blank answer file, feedback, grading notes, the number reader's
     * reasons and the drill (see templates/en.conf) */
    {"answers.intro_1", KEY_STR},
    {"answers.intro_2", KEY_STR},
    {"answers.number", KEY_STR},
    {"answers.number_in", KEY_STR},
    {"answers.choice", KEY_STR},
    {"answers.letter", KEY_STR},
    {"feedback.head", KEY_STR},
    {"feedback.head_titled", KEY_STR},
    {"feedback.student", KEY_STR},
    {"feedback.missing", KEY_STR},
    {"feedback.refused", KEY_STR},
    {"feedback.refused_again", KEY_STR},
    {"feedback.conflict", KEY_STR},
    {"feedback.conflict_after", KEY_STR},
    {"gradebook.refused", KEY_STR},  /* {id} {why} */
    {"gradebook.conflict", KEY_STR}, /* {id} {why} */
    {"feedback.submission", KEY_STR},
    {"feedback.total", KEY_PLURAL},
    {"feedback.answer", KEY_STR},
    {"feedback.no_answer", KEY_STR},
    {"feedback.key", KEY_STR},
    {"grade.dimension", KEY_STR},
    {"grade.carried", KEY_STR},
    {"grade.sign", KEY_STR},
    {"grade.not_choice", KEY_STR},
    {"grade.many_choices", KEY_STR},
    {"grade.current_for_movement", KEY_STR},
    {"grade.movement_for_current", KEY_STR},
    {"grade.not_letter", KEY_STR},
    {"grade.twice", KEY_STR},
    {"grade.scale_large", KEY_STR},
    {"grade.scale_small", KEY_STR},
    {"web.submit", KEY_STR},
    {"web.received", KEY_STR},
    {"web.your_latest", KEY_STR},
    {"web.latest_refused", KEY_STR},  /* {time} {why} */
    {"web.latest_conflict", KEY_STR}, /* {time} {why} */
    {"web.due", KEY_STR},
    {"web.closed", KEY_STR},
    {"web.problem", KEY_STR},
    {"web.not_found", KEY_STR},
    {"web.forbidden", KEY_STR},
    {"web.too_large", KEY_STR},
    {"web.too_many", KEY_STR},
    {"web.bad_method", KEY_STR},
    {"web.error", KEY_STR},
    {"web.drill", KEY_STR},
    {"web.check", KEY_STR},
    {"web.next", KEY_STR},
    {"web.right", KEY_STR},
    {"web.wrong", KEY_STR},
    {"web.hint", KEY_STR},
    {"web.solution", KEY_STR},
    {"web.topic", KEY_STR},
    {"web.any_topic", KEY_STR},
    {"web.start", KEY_STR},
    {"web.progress", KEY_STR},
    {"web.template", KEY_STR},
    {"web.seed", KEY_STR},
    {"web.gradebook", KEY_STR},
    {"web.download", KEY_STR},
    {"web.histogram", KEY_STR},
    {"web.not_submitted", KEY_STR},
    {"web.not_graded", KEY_STR},
    {"web.history", KEY_STR},
    {"web.worksheets", KEY_STR},
    {"web.student", KEY_STR},
    {"web.name", KEY_STR},
    {"web.total", KEY_STR},
    {"web.time", KEY_STR},
    {"web.none", KEY_STR},
    {"web.answer", KEY_STR},
    {"web.verdict", KEY_STR},
    {"web.score", KEY_STR},
    {"web.feedback", KEY_STR},
    {"web.attempts", KEY_STR},
    {"web.right_first", KEY_STR},
    {"web.level", KEY_STR},
    {"web.after_due", KEY_STR},
    {"web.no_feedback", KEY_STR},
    {"web.key", KEY_STR},
    {"reason.not_number", KEY_STR},
    {"reason.separators", KEY_STR},
    {"reason.range", KEY_STR},
    {"reason.unit_syntax", KEY_STR},
    {"reason.ambiguous_unit", KEY_STR},
    {"reason.unknown_unit", KEY_STR},
    {"reason.number_too_long", KEY_STR},
    {"reason.too_long", KEY_STR},
    {"reason.not_one", KEY_STR},
    {"reason.two_answers", KEY_STR},
    {"reason.not_utf8", KEY_STR},
    {"reason.binary", KEY_STR},
    {"reason.no_student", KEY_STR},
    {"reason.no_student_attr", KEY_STR},
    {"reason.empty", KEY_STR},
    {"reason.too_large", KEY_STR},
    {"reason.bad_encoding", KEY_STR},
    {"reason.convert", KEY_STR},
    {"reason.gradebook", KEY_STR},
    {"reason.no_columns", KEY_STR},
    {"reason.doctype", KEY_STR},
    {"reason.other_worksheet", KEY_STR},
    {"reason.unknown_student", KEY_STR},
    {"reason.file_word", KEY_STR},
    {"reason.file_office", KEY_STR},
    {"reason.file_pdf", KEY_STR},
    {"reason.file_rtf", KEY_STR},
    {"reason.file_image", KEY_STR},
    {"reason.file_utf16", KEY_STR},
    {"reason.header_empty", KEY_STR},
    {"reason.header_twice", KEY_STR},
    {"reason.no_student_column", KEY_STR},
    {"reason.no_rows", KEY_STR},
    {"reason.no_student_id", KEY_STR},
    {"reason.not_regular", KEY_STR},
    {"reason.cannot_open", KEY_STR},
    {"reason.cannot_read", KEY_STR},
    {"reason.not_submission", KEY_STR},
    {"reason.said", KEY_STR},
    {"drill.welcome", KEY_STR},
    {"drill.problem", KEY_STR},
    {"drill.source", KEY_STR},
    {"drill.right", KEY_STR},
    {"drill.right_late", KEY_STR},
    {"drill.wrong", KEY_STR},
    {"drill.partial", KEY_STR},
    {"drill.not_number", KEY_STR},      /* {why} */
    {"drill.not_number_unit", KEY_STR}, /* {why} {unit} */
    {"drill.hint", KEY_STR},
    {"drill.no_hint", KEY_STR},
    {"drill.try_again", KEY_STR},
    {"drill.answer_is", KEY_STR},
    {"drill.solution", KEY_STR},
    {"drill.no_solution", KEY_STR},
    {"drill.part_answer", KEY_STR},
    {"drill.well_done", KEY_STR},
    {"drill.skipped", KEY_STR},
    {"drill.help", KEY_STR},
    {"drill.level_up", KEY_STR},
    {"drill.level_down", KEY_STR},
    {"drill.summary", KEY_PLURAL},
    {"drill.summary_skipped", KEY_STR},
    {"drill.summary_unfinished", KEY_STR},
    {"drill.summary_hinted", KEY_STR},
    {"drill.summary_topic", KEY_STR},
    {"drill.nothing_done", KEY_STR},
    {"drill.next", KEY_STR},
    {"drill.next_new", KEY_STR},
    {"drill.stats_title", KEY_STR},
    {"drill.stats_topic", KEY_STR},
    {"drill.stats_done", KEY_STR},
    {"drill.stats_right", KEY_STR},
    {"drill.stats_level", KEY_STR},
    {"drill.stats_streak", KEY_STR},
    {"drill.stats_total", KEY_STR},
    {"drill.stats_empty", KEY_STR},
};
enum { NKNOWN = sizeof known / sizeof known[0] };

/* Optional glosses of ids: a choice, a topic, a dimension, a verdict. */
static const char *const gloss_prefixes[] = {"choice.", "topic.", "dim.", "verdict."};

static int is_gloss(const char *key)
{
    for (size_t i = 0; i < sizeof gloss_prefixes / sizeof gloss_prefixes[0]; i++) {
        size_t n = strlen(gloss_prefixes[i]);
        if (!strncmp(key, gloss_prefixes[i], n) && key[n])
            return 1;
    }
    return 0;
}

/* Plural forms. A string that holds a count has one form for each plural
 * form of the language, KEY.one, KEY.other, ...; the language's rule
 * (`plural.rule`) says which forms it has and which one a count takes. */
static const char *const form_names[] = {"one", "other"}; /* the forms the rules below have */
enum { NFORMS = sizeof form_names / sizeof form_names[0] };

typedef enum { RULE_NONE = -1, RULE_OTHER_ONLY, RULE_ONE_IS_1, RULE_ONE_BELOW_2, NRULES } plural_rule;
static const struct {
    const char *name, *forms[3], *said; /* its forms, NULL-ended, and in words */
} rules[NRULES] = {
    [RULE_OTHER_ONLY] = {"other-only", {"other"}, "other"},             /* zh, ja, ko */
    [RULE_ONE_IS_1] = {"one-is-1", {"one", "other"}, "one, other"},     /* en, de, es, it, nl */
    [RULE_ONE_BELOW_2] = {"one-below-2", {"one", "other"}, "one, other"}, /* fr: 0, 1 and 1.5 */
};
#define RULE_NAMES "other-only, one-is-1, one-below-2"

/* The form of rule r that count n takes. */
static const char *form_for(plural_rule r, double n)
{
    double a = n < 0 ? -n : n;
    if (r == RULE_ONE_IS_1)
        return a == 1 ? "one" : "other";
    if (r == RULE_ONE_BELOW_2)
        return a < 2 ? "one" : "other";
    return "other";
}

static int rule_has(plural_rule r, const char *form)
{
    for (int i = 0; r >= 0 && rules[r].forms[i]; i++)
        if (!strcmp(rules[r].forms[i], form))
            return 1;
    return 0;
}

/* The form key names (KEY.FORM, FORM one of form_names) with *stem the
 * length of KEY; NULL when it names none. */
static const char *form_of(const char *key, size_t *stem)
{
    const char *dot = strrchr(key, '.');
    for (int i = 0; dot && i < NFORMS; i++)
        if (!strcmp(dot + 1, form_names[i])) {
            *stem = (size_t)(dot - key);
            return form_names[i];
        }
    return NULL;
}

typedef struct {
    char *key, *value;
    int line;
} extra;

/* Where a key's value is: known[i], extras[i] or msgs[i]. */
typedef enum { IN_KNOWN, IN_EXTRAS, IN_MSGS } key_home;
typedef struct {
    const char *key;
    key_home home;
    int i;
} key_entry;

struct ion_tmpl {
    char lang[16];
    char *str[NKNOWN];
    double num[NKNOWN];
    extra *extras; /* glosses (gloss_prefixes) */
    int nextras;
    extra *msgs;   /* the messages (is_msg) */
    int nmsgs;
    /* Every key, sorted, built once at load: grading looks up about fifty
     * strings a student, and a line-by-line search cost 12% of it. */
    key_entry *index;
    int nindex;
    plural_rule rule; /* plural.rule */
};

/* Keys of the messages, the command line's (cli.), the library's errors
 * (err.) and the counted phrases either puts in a message with two
 * counts (count.: "3 templates"): printf formats, checked against each
 * other across languages by text.c; kept apart from the strings that
 * ion_tmpl_str_at lists, which PDFs take their fonts' glyphs from. */
static int is_msg(const char *key)
{
    static const char *const prefixes[] = {"cli.", "err.", "count."};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i]);
        if (!strncmp(key, prefixes[i], n) && key[n])
            return 1;
    }
    return 0;
}

static int known_index(const char *key)
{
    for (int i = 0; i < NKNOWN; i++)
        if (strcmp(known[i].key, key) == 0)
            return i;
    return -1;
}

void ion_tmpl_free(ion_tmpl *t)
{
    if (!t)
        return;
    for (int i = 0; i < NKNOWN; i++)
        free(t->str[i]);
    for (int i = 0; i < t->nextras; i++) {
        free(t->extras[i].key);
        free(t->extras[i].value);
    }
    free(t->extras);
    for (int i = 0; i < t->nmsgs; i++) {
        free(t->msgs[i].key);
        free(t->msgs[i].value);
    }
    free(t->msgs);
    free(t->index);
    free(t);
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const key_entry *)a)->key, ((const key_entry *)b)->key);
}

/* Sorts every key of t into t->index; -1 when out of memory. The three
 * kinds of keys never share a name (their prefixes differ) and each kind
 * was checked for duplicates while parsing. */
static int build_index(ion_tmpl *t)
{
    t->index = malloc((size_t)(NKNOWN + t->nextras + t->nmsgs) * sizeof *t->index);
    if (!t->index)
        return -1;
    for (int i = 0; i < NKNOWN; i++)
        t->index[t->nindex++] = (key_entry){known[i].key, IN_KNOWN, i};
    for (int i = 0; i < t->nextras; i++)
        t->index[t->nindex++] = (key_entry){t->extras[i].key, IN_EXTRAS, i};
    for (int i = 0; i < t->nmsgs; i++)
        t->index[t->nindex++] = (key_entry){t->msgs[i].key, IN_MSGS, i};
    qsort(t->index, (size_t)t->nindex, sizeof *t->index, entry_cmp);
    return 0;
}

static const key_entry *find(const ion_tmpl *t, const char *key)
{
    key_entry want = {key, IN_KNOWN, 0};
    return bsearch(&want, t->index, (size_t)t->nindex, sizeof *t->index, entry_cmp);
}

static char *dup_range(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Trims [*s, *e) of blanks. */
static void trim(const char **s, const char **e)
{
    while (*s < *e && is_blank(**s))
        (*s)++;
    while (*e > *s && is_blank((*e)[-1]))
        (*e)--;
}

static int valid_key(const char *k, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = k[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* A message's value with its escapes decoded: `\n` is a line break (a
 * usage text is one value), `\r` a carriage return, `\\` a backslash; a value in double quotes is
 * the text between them, blanks at its ends included. */
static char *unescape(const char *v, size_t n)
{
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v++;
        n -= 2;
    }
    char *d = malloc(n + 1), *o = d;
    for (size_t i = 0; d && i < n; i++) {
        if (v[i] == '\\' && i + 1 < n && strchr("nr\\", v[i + 1]))
            *o++ = v[++i] == 'n' ? '\n' : v[i] == 'r' ? '\r' : '\\';
        else
            *o++ = v[i];
    }
    if (d)
        *o = '\0';
    return d;
}

/* Adds key = [v, v + vn) to *list (a gloss or a message). */
static int add_extra(extra **list, int *n, const char *key, const char *v, size_t vn, int escapes,
                     const char *name, int line, ion_error *err)
{
    for (int i = 0; i < *n; i++)
        if (strcmp((*list)[i].key, key) == 0)
            return ion_fail(err, name, line, "duplicate key '%s'", key);
    extra *x = realloc(*list, (size_t)(*n + 1) * sizeof *x);
    if (!x)
        return ion_fail(err, name, line, "out of memory");
    *list = x;
    x[*n].key = dup_range(key, strlen(key));
    x[*n].value = escapes ? unescape(v, vn) : dup_range(v, vn);
    x[*n].line = line;
    (*n)++;
    if (!x[*n - 1].key || !x[*n - 1].value)
        return ion_fail(err, name, line, "out of memory");
    return 0;
}

/* plural.rule = NAME, once. */
static int set_rule(ion_tmpl *t, const char *v, size_t n, const char *name, int line, ion_error *err)
{
    if (t->rule != RULE_NONE)
        return ion_fail(err, name, line, "duplicate key 'plural.rule'");
    for (int r = 0; r < NRULES; r++)
        if (strlen(rules[r].name) == n && !memcmp(rules[r].name, v, n)) {
            t->rule = (plural_rule)r;
            return 0;
        }
    return ion_fail(err, name, line, "unknown plural.rule '%.*s' (rules: " RULE_NAMES ")", (int)n, v);
}

/* KEY.FORM for each form of t's rule, KEY the first stem bytes of key:
 * 0, or -1 with err naming the first missing (on line). */
static int check_forms(const ion_tmpl *t, const char *key, size_t stem, const char *name, int line, ion_error *err)
{
    char k[80];
    for (int f = 0; rules[t->rule].forms[f]; f++) {
        snprintf(k, sizeof k, "%.*s.%s", (int)stem, key, rules[t->rule].forms[f]);
        if (!find(t, k))
            return ion_fail(err, name, line, "missing key '%s' (plural.rule %s has the forms %s)", k,
                            rules[t->rule].name, rules[t->rule].said);
    }
    return 0;
}

/* Every string that holds a count has the forms of t's rule, no other:
 * the known ones (KEY_PLURAL) and every KEY.FORM message. */
static int check_plurals(const ion_tmpl *t, const char *name, ion_error *err)
{
    if (t->rule == RULE_NONE)
        return ion_fail(err, name, 0, "missing key 'plural.rule' (rules: " RULE_NAMES ")");
    for (int i = 0; i < NKNOWN; i++)
        if (known[i].type == KEY_PLURAL && check_forms(t, known[i].key, strlen(known[i].key), name, 0, err))
            return -1;
    for (int i = 0; i < t->nindex; i++) {
        const key_entry *e = &t->index[i];
        size_t stem;
        const char *form = e->home == IN_KNOWN ? NULL : form_of(e->key, &stem);
        int line = e->home == IN_MSGS ? t->msgs[e->i].line : e->home == IN_EXTRAS ? t->extras[e->i].line : 0;
        if (form && !rule_has(t->rule, form))
            return ion_fail(err, name, line, "'%s': plural.rule %s has no form '%s' (its forms: %s)", e->key,
                            rules[t->rule].name, form, rules[t->rule].said);
        if (form && check_forms(t, e->key, stem, name, line, err))
            return -1;
    }
    return 0;
}

/* One `key = value` line; [s, e) excludes the newline. */
static int parse_line(ion_tmpl *t, int *seen, const char *s, const char *e,
                      const char *name, int line, ion_error *err)
{
    trim(&s, &e);
    if (s == e || *s == '#')
        return 0;
    const char *eq = memchr(s, '=', (size_t)(e - s));
    if (!eq)
        return ion_fail(err, name, line, "expected 'key = value'");
    const char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;
    trim(&ks, &ke);
    trim(&vs, &ve);
    char key[64];
    size_t kn = (size_t)(ke - ks);
    if (!valid_key(ks, kn) || kn >= sizeof key)
        return ion_fail(err, name, line, "invalid key '%.*s'", (int)kn, ks);
    memcpy(key, ks, kn);
    key[kn] = '\0';

    if (!strcmp(key, "plural.rule"))
        return set_rule(t, vs, (size_t)(ve - vs), name, line, err);
    if (is_gloss(key))
        return add_extra(&t->extras, &t->nextras, key, vs, (size_t)(ve - vs), 0, name, line, err);
    if (is_msg(key))
        return add_extra(&t->msgs, &t->nmsgs, key, vs, (size_t)(ve - vs), 1, name, line, err);
    int i = known_index(key);
    size_t stem;
    if (i < 0 && form_of(key, &stem)) { /* label.points.one: a form of a known string */
        char k[64];
        memcpy(k, key, stem);
        k[stem] = '\0';
        int p = known_index(k);
        if (p >= 0 && known[p].type == KEY_PLURAL) {
            seen[p] = line;
            return add_extra(&t->extras, &t->nextras, key, vs, (size_t)(ve - vs), 0, name, line, err);
        }
    }
    if (i < 0)
        return ion_fail(err, name, line, "unknown key '%s'", key);
    if (known[i].type == KEY_PLURAL)
        return ion_fail(err, name, line, "'%s' holds a count: write its plural forms, %s.one, %s.other, ... (plural.rule)",
                        key, key, key);
    if (seen[i])
        return ion_fail(err, name, line, "duplicate key '%s'", key);
    seen[i] = line;
    if (known[i].type == KEY_STR) {
        t->str[i] = dup_range(vs, (size_t)(ve - vs));
        return t->str[i] ? 0 : ion_fail(err, name, line, "out of memory");
    }
    char num[64];
    size_t vn = (size_t)(ve - vs);
    if (vn == 0 || vn >= sizeof num)
        return ion_fail(err, name, line, "'%s' needs a number", key);
    memcpy(num, vs, vn);
    num[vn] = '\0';
    char *end;
    errno = 0;
    double v = strtod(num, &end);
    if (*end || errno || !(v > 0) || v > 1e5)
        return ion_fail(err, name, line,
                        "'%s' needs a positive number, not '%s'", key, num);
    t->num[i] = v;
    return 0;
}

ion_tmpl *ion_tmpl_parse(const char *text, size_t len, const char *name,
                         const char *lang, ion_error *err)
{
    ion_tmpl *t = calloc(1, sizeof *t);
    if (!t) {
        ion_fail(err, name, 0, "out of memory");
        return NULL;
    }
    snprintf(t->lang, sizeof t->lang, "%s", lang ? lang : "");
    t->rule = RULE_NONE;
    int seen[NKNOWN] = {0};
    const char *p = text, *end = text + len;
    int line = 1;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* a BOM some editors add */
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (memchr(p, '\0', (size_t)(le - p))) {
            ion_fail(err, name, line, "NUL byte in template");
            goto fail;
        }
        if (parse_line(t, seen, p, le, name, line, err) < 0)
            goto fail;
        p = nl ? nl + 1 : end;
        line++;
    }
    for (int i = 0; i < NKNOWN; i++)
        if (!seen[i] && known[i].type != KEY_PLURAL) {
            ion_fail(err, name, 0, "missing key '%s'", known[i].key);
            goto fail;
        }
    if (build_index(t)) {
        ion_fail(err, name, 0, "out of memory");
        goto fail;
    }
    if (check_plurals(t, name, err))
        goto fail;
    return t;
fail:
    ion_tmpl_free(t);
    return NULL;
}

static int valid_lang(const char *lang)
{
    size_t n = strlen(lang);
    if (n == 0 || n > 15)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = lang[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

ion_tmpl *ion_tmpl_load(const char *dir, const char *lang, ion_error *err)
{
    if (!lang || !valid_lang(lang)) {
        ion_fail(err, NULL, 0, "invalid language '%s'", lang ? lang : "");
        return NULL;
    }
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s.conf", dir ? dir : ".",
                         lang) >= sizeof path) {
        ion_fail(err, NULL, 0, "template directory path too long");
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        ion_fail(err, path, 0, "cannot open template: %s", strerror(errno));
        return NULL;
    }
    /* Templates are small; refuse anything that is clearly not one. */
    enum { MAX_SIZE = 1 << 20 };
    char *buf = malloc(MAX_SIZE);
    size_t n = buf ? fread(buf, 1, MAX_SIZE, f) : 0;
    int bad = !buf || ferror(f) || n == MAX_SIZE;
    fclose(f);
    ion_tmpl *t = NULL;
    if (bad)
        ion_fail(err, path, 0, buf ? "cannot read template (or over 1 MB)"
                                   : "out of memory");
    else
        t = ion_tmpl_parse(buf, n, path, lang, err);
    free(buf);
    return t;
}

const char *ion_tmpl_lang(const ion_tmpl *t) { return t->lang; }

const char *ion_tmpl_missing(const char *key)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static struct {
        char key[64], marker[72];
    } seen[32]; /* the markers handed out: never changed once written */
    static int nseen;
    const char *strict = getenv("IONSHEET_TEXT_STRICT");
    if (strict && *strict && strcmp(strict, "0")) {
        fprintf(stderr, "ionsheet: no catalogue text for key '%s' (templates/LANG.conf)\n", key);
        abort();
    }
    const char *marker = "[[?]]"; /* past the table's room */
    pthread_mutex_lock(&lock);
    int i = 0;
    while (i < nseen && strcmp(seen[i].key, key))
        i++;
    if (i == nseen && nseen < (int)(sizeof seen / sizeof seen[0]) && strlen(key) < sizeof seen[0].key) {
        snprintf(seen[i].key, sizeof seen[i].key, "%s", key);
        snprintf(seen[i].marker, sizeof seen[i].marker, "[[%s]]", key);
        for (char *c = seen[i].marker; *c; c++)
            if (*c == '%')
                *c = '?';
        nseen++;
    }
    if (i < nseen)
        marker = seen[i].marker;
    pthread_mutex_unlock(&lock);
    return marker;
}

const char *ion_tmpl_str(const ion_tmpl *t, const char *key)
{
    const key_entry *e = find(t, key);
    if (!e && !is_gloss(key))
        return ion_tmpl_missing(key);
    if (!e || e->home == IN_MSGS)
        return NULL;
    if (e->home == IN_EXTRAS)
        return t->extras[e->i].value;
    return known[e->i].type == KEY_STR ? t->str[e->i] : NULL;
}

size_t ion_tmpl_form_stem(const char *key)
{
    size_t stem;
    return form_of(key, &stem) ? stem : 0;
}

const char *ion_tmpl_plural(const ion_tmpl *t, const char *key, double n)
{
    char k[80];
    int len = snprintf(k, sizeof k, "%s.%s", key, form_for(t->rule, n));
    const key_entry *e = len > 0 && (size_t)len < sizeof k ? find(t, k) : NULL;
    return e ? e->key : key;
}

const char *ion_tmpl_msg(const ion_tmpl *t, const char *key)
{
    const key_entry *e = find(t, key);
    return e && e->home == IN_MSGS ? t->msgs[e->i].value : NULL;
}

const char *ion_tmpl_msg_at(const ion_tmpl *t, int i, const char **key, int *line)
{
    if (i < 0 || i >= t->nmsgs)
        return NULL;
    *key = t->msgs[i].key;
    if (line)
        *line = t->msgs[i].line;
    return t->msgs[i].value;
}

double ion_tmpl_num(const ion_tmpl *t, const char *key)
{
    const key_entry *e = find(t, key);
    return e && e->home == IN_KNOWN && known[e->i].type == KEY_NUM ? t->num[e->i] : 0;
}

const char *ion_tmpl_str_at(const ion_tmpl *t, int i, const char **key)
{
    for (int k = 0; k < NKNOWN; k++)
        if (t->str[k] && i-- == 0) {
            *key = known[k].key;
            return t->str[k];
        }
    if (i < 0 || i >= t->nextras)
        return NULL;
    *key = t->extras[i].key;
    return t->extras[i].value;
}

size_t ion_tmpl_expand(char *out, size_t cap, const char *pattern,
                       const char *const *names, const char *const *values,
                       int n)
{
    size_t len = 0;
#define PUT(c)                                                               \
    do {                                                                     \
        if (len + 1 < cap)                                                   \
            out[len] = (c);                                                  \
        len++;                                                               \
    } while (0)
    for (const char *p = pattern; *p;) {
        int hit = -1;
        size_t nl = 0;
        if (*p == '{')
            for (int i = 0; i < n && hit < 0; i++) {
                nl = strlen(names[i]);
                if (strncmp(p + 1, names[i], nl) == 0 && p[1 + nl] == '}')
                    hit = i;
            }
        if (hit < 0) {
            PUT(*p);
            p++;
            continue;
        }
        for (const char *v = values[hit]; *v; v++)
            PUT(*v);
        p += nl + 2;
    }
#undef PUT
    if (cap > 0)
        out[len < cap ? len : cap - 1] = '\0';
    return len;
}
