/* Problem templates: the parsed, compiled form of one <problem> element.
 *
 * A template is read from XML once (ion_templates_load) and then used to
 * make many instances without re-parsing anything. Everything in it is
 * owned by the template and freed by ion_template_free. */
#ifndef ION_TEMPLATE_H
#define ION_TEMPLATE_H

#include <stddef.h>

#include "error.h"
#include "expr.h"
#include "partkey.h"
#include "units.h"

/* A text in every language its source gives (xml:lang: "en", "zh", "fr",
 * ...; the languages a reader can ask for are the catalogue's LANG.conf
 * files, text.h). The strings are inline markup: UTF-8 text with <sub>,
 * <sup>, <i>, <b> and {name} placeholders. */
typedef struct {
    char lang[16];      /* as xml:lang spells it */
    char *text;
    int line;           /* where its element is (0: not known) */
    int *brace_line;    /* the line of each '{' in it, in order (NULL: not
                           known): placeholders' own lines */
    size_t nbraces;
} ion_i18n_text;

/* English first, then the other languages by name, so that what is
 * written from it (keys) does not depend on the source's order. A
 * template's (problem.c) requires English where a text is required. */
typedef struct {
    ion_i18n_text *v;
    size_t n;
} ion_i18n;

/* The language's text, else English's, else "". */
const char *ion_i18n_get(const ion_i18n *t, const char *lang);

/* The same, NULL where ion_i18n_get gives "". */
const char *ion_i18n_pick(const ion_i18n *t, const char *lang);

/* The language's own text (no fallback), or NULL. */
const char *ion_i18n_only(const ion_i18n *t, const char *lang);

/* Sets lang's text to text (taken: freed with t, or here on failure),
 * replacing what lang had. The entry, whose line and braces the caller may
 * fill, or NULL when lang is no language name (more than 15 bytes, or
 * other than letters, digits, '-' and '_') or memory ran out. */
ion_i18n_text *ion_i18n_set(ion_i18n *t, const char *lang, size_t lang_len, char *text);

/* Whether lang (len bytes) may name a language: 1 to 15 letters, digits,
 * '-' and '_' (ion_i18n_set refuses any other). */
int ion_i18n_is_lang(const char *lang, size_t len);

void ion_i18n_release(ion_i18n *t);

typedef enum { ION_PARAM_RANGE, ION_PARAM_LIST, ION_PARAM_FIXED, ION_LET } ion_var_kind;

/* A param or a let; both own a slot (their index in ion_template.vars). */
typedef struct {
    char *name;
    ion_var_kind kind;
    const ion_unit *unit;  /* declared unit (the "1" unit when none) */
    int digits;            /* significant figures shown; 0 = as written */
    int line;
    /* params: RANGE min..max on the step grid, LIST values, FIXED values[0];
     * the numbers are in the declared unit, decimals the places shown. */
    double min, max, step;
    double *values;
    size_t nvalues;
    int decimals;
    /* lets */
    char *src;
    ion_expr *expr;
    /* the type of its value the expressions were compiled for: a number,
     * or a choice id a let computes; 0 when the expressions ask (the
     * bank's templates), set where a key's values give it (gradekey.c) */
    ion_type type;
} ion_var;

typedef struct {
    char *src;
    ion_expr *expr;
    int line;
} ion_cond;

typedef struct {
    char *src;
    ion_expr *expr;
    double credit;         /* 0..1 */
    ion_i18n feedback;
    int line;
} ion_mistake;

typedef struct {
    char *id;              /* mcq option id */
    int correct;
    ion_i18n text;
} ion_option;


/* Carried forward (SPEC "Grading"): earlier part `from` (an index in the
 * template's parts) asks for the let at `slot`, which this part's answer
 * reads, so the part is graded again from the student's own answer there.
 * A bank template finds its carries when compiled (ion_part_asked_let,
 * ion_template_reads); a key gives them as <carry> elements. */
typedef struct {
    size_t from;
    size_t slot;
} ion_carry;

typedef struct {
    char id[8];            /* "a", "b", ... */
    ion_answer_kind kind;
    double points;
    ion_i18n text;
    /* numeric */
    const ion_unit *unit;
    double tol_abs;        /* in the part's unit */
    double tol_rel;
    int tol_auto;          /* tol="auto": from its inputs (tolerance.h); tol_* a floor */
    int sigfigs;           /* shown in keys and solutions; default 4 */
    int has_plausible;     /* plausible="lo hi" given: bank check keeps */
    double plausible_lo, plausible_hi; /* the key within, in the part's unit */
    double slip_credit;    /* generic slips (partkey.h): x1000 or /1000 */
    double sign_credit;    /* ... the other sign */
    /* choice */
    char **choices;
    size_t nchoices;
    /* mcq */
    ion_option *options;
    size_t noptions;
    /* numeric and choice */
    char *answer_src;
    ion_expr *answer;
    ion_mistake *mistakes;
    size_t nmistakes;
    ion_carry *carries;    /* in the order of the earlier parts */
    size_t ncarries;
    int line;
} ion_part;

typedef struct {
    char *id, *topic;
    int difficulty;
    ion_i18n title, text, hint, solution;
    ion_var *vars;         /* params and lets, in document order = slots */
    size_t nvars;
    size_t *let_order;     /* indexes of the lets in evaluation order */
    size_t nlets;
    ion_cond *requires;
    size_t nrequires;
    ion_part *parts;
    size_t nparts;
    int version;           /* the bank's version of it, when known (a key's templates) */
    char *source;          /* the <problem> element as a standalone XML document */
    char *file;
    int line;
} ion_template;

/* A list of templates read from one file or source text. */
typedef struct {
    ion_template **items;
    size_t n;
} ion_template_list;

/* Reads a problems file (root <problems>) or a single <problem> document:
 * refuses DTDs, entities and network access, validates against the XSD at
 * xsd_path (NULL: no schema validation, for sources the bank stored after
 * validating them) and compiles every expression. `name` is the file name
 * for messages. On error fills err (file, line, "template ID: what") and
 * returns -1 with nothing added to out. */
int ion_templates_parse(const char *data, size_t len, const char *name,
                        const char *xsd_path, ion_template_list *out,
                        ion_error *err);

/* Reads and parses a file: the same with the file's contents. */
int ion_templates_load(const char *path, const char *xsd_path,
                       ion_template_list *out, ion_error *err);

/* The slot of a param or let named name, or -1. */
int ion_template_slot(const ion_template *t, const char *name, size_t len);

/* The slot of the let a numeric part asks for when its answer is just that
 * let, else -1: what carried-forward grading recomputes from. */
int ion_part_asked_let(const ion_template *t, const ion_part *p);

/* Whether expression e of template t reads slot, directly or through lets:
 * a part whose answer reads the let an earlier part asked for builds on
 * that part (carried forward, propagated tolerances). */
int ion_template_reads(const ion_template *t, const ion_expr *e, int slot);

void ion_template_free(ion_template *t);
void ion_template_list_release(ion_template_list *l);

#endif
