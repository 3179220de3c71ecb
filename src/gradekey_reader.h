/* The answer key reader's inside, shared by its files (README "Layout"):
 * gradekey.c the key's life (open, index, load a student, free) and its
 * store of records,
 * gradekey_xml.c the XML (the SAX2 walk, attributes, numbers),
 * gradekey_student.c a student's elements into the model (v1 and v2),
 * gradekey_v2.c a key v2's <template>s, gradekey_shape.c the compiled
 * shapes. Nothing outside them includes this. */
#ifndef ION_GRADEKEY_READER_H
#define ION_GRADEKEY_READER_H

#include <libxml/parser.h>

#include "arena.h"
#include "gradekey.h"
#include "strbuf.h"
#include "text.h"
#include "xmlsafe.h"

#define KEY_NS1 "urn:ionsheet:answer-key:1"
#define KEY_NS2 "urn:ionsheet:answer-key:2"
#define DEFAULT_SIGFIGS 4
#define V1_LANGS 16 /* a v1 mistake's feedback languages kept */
#define V1_MADE 64

typedef struct {
    const char *name, *value, *unit, *expr; /* in the temporary arena */
    ion_type type;                          /* of the value */
} tmp_var;

/* A carry of the problem being read (template.h: ion_carry), of its part
 * `part` (an index in the problem): a v2 template part's, or a v1
 * <carry>'s from and let, made an ion_carry when the problem ends. */
typedef struct {
    size_t part;
    ion_carry c;
    const char *from, *let; /* v1, until resolved; NULL: c is set */
    int line;
} tmp_carry;

/* A part of the problem being read, until the problem ends and becomes an
 * instance (kr_end_problem): its key, whose arrays are the reader's (from
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
    const char *ns; /* the key's namespace as libxml2 gives it, once seen */
    const xmlChar **attrs;
    int nattrs;
    /* the text of a <feedback> being read */
    ion_strbuf text;
    int in_feedback;
    char feedback_lang[16];    /* its xml:lang ("en" without; "": one left out) */
    key_feedback *feedback_to; /* where the <feedback> being read goes: a v1 mistake's, */
    ion_i18n *tfeedback_to;    /* or a v2 template mistake's */
    ion_i18n v1_made[V1_MADE]; /* the last v1 feedback arrays made (gradekey_student.c) */
    size_t nv1_made, v1_next;
    ion_arena *tmp; /* strings of the current problem */
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
    size_t cap_templates, cap_tvars, cap_tlets, cap_tparts, cap_tchoices, cap_tmistakes, cap_tcarries;
    const ion_template **tshape; /* per template: the shape its students used last */
    size_t cap_tshape;
    const ion_template *prob_t;  /* the problem's template (NULL in v1) */
    size_t prob_tindex;          /* ... its index in key->templates */
    const char *prob_lets;
    /* the student being read: their record (gradekey_student.c), the
     * interned params as printed of the problem at hand; after the read,
     * where a record read from the temporary file goes */
    char *rec;
    size_t rec_len, rec_cap;
    const char **shown;
    size_t cap_shown;
} key_reader;

/* fail(kr, KEY, SIG, ...): the catalogue's message KEY (ion_fail_key,
 * text.h) at the reader's line, and the parse stops; -1. The first error
 * stands: <answer-key> without worksheet then checks course, which must
 * not say course is missing. */
#define fail(kr, ...) \
    ((kr)->failed ? -1 : kr_stop((kr), ion_fail_key((kr)->err, (kr)->name, kr_line(kr), __VA_ARGS__)))

/* ---- gradekey_xml.c: the XML ---------------------------------------------- */

/* Parses the len bytes of the key (its file, or its copy in memory) with
 * the reader's callbacks, in chunks: the key is never whole in memory. 0,
 * or -1 with kr->err filled. */
int kr_parse(key_reader *kr, size_t len);
void kr_reader_free(key_reader *kr);

/* The line of the element at hand in the key. */
int kr_line(key_reader *kr);
/* Stops the parse after an error (err already filled); returns ret. */
int kr_stop(key_reader *kr, int ret);
int kr_oom(key_reader *kr);
/* The attribute's value copied into the temporary arena, or NULL when the
 * element has no such attribute (kr_need_attr: an error then). */
const char *kr_attr(key_reader *kr, const char *name);
const char *kr_need_attr(key_reader *kr, const char *elem, const char *name);
/* A whole string as a finite number: 0, or -1. */
int kr_parse_number(const char *s, double *out);
/* A number attribute (fallback when it is absent and not required). */
int kr_number_attr(key_reader *kr, const char *elem, const char *name, int required, double fallback,
                   double *out);
/* The next space-separated token of *s copied into the temporary arena,
 * or NULL at the end. */
const char *kr_next_token(key_reader *kr, const char **s);
/* A string kept as long as the key (interned), NULL for NULL. */
const char *kr_keep(key_reader *kr, const char *s);
/* Grows *arr (of elements of size) so that index n fits, the new
 * elements zeroed: 0, or -1. */
int kr_grow(void *arr, size_t *cap, size_t n, size_t size);

/* ---- gradekey_student.c: a student's elements ---------------------------- */

int kr_on_root(key_reader *kr);
int kr_on_student(key_reader *kr);
int kr_on_problem(key_reader *kr);
int kr_on_var(key_reader *kr, const char *elem, int is_let);
int kr_on_part(key_reader *kr);
int kr_on_alt(key_reader *kr, int option);
int kr_on_mistake(key_reader *kr);
int kr_on_feedback(key_reader *kr);
int kr_end_feedback(key_reader *kr);
int kr_on_carry(key_reader *kr);
int kr_end_problem(key_reader *kr);
int kr_end_student(key_reader *kr);
/* Adds a choice (letter 0) or an mcq option to part p. */
int kr_add_alt(key_reader *kr, tmp_part *p, const char *id, char letter);
/* Adds a mistake with its value (text) and credit to part p; source is
 * its index among the template part's mistakes. */
int kr_add_mistake(key_reader *kr, tmp_part *p, const char *value, double credit, int source);
/* Forgets the students held: grading loads one student at a time. */
void kr_drop_student(ion_answer_key *k);
/* Makes a student's instances and parts again from their record (the
 * n problems kr_end_problem put in it). 0, or -1 (out of memory). */
int kr_load_student(key_reader *kr, const char *rec, size_t len, size_t n);

/* ---- gradekey.c: the store of records (key_store, gradekey.h) ----------- */

/* Adds a record of len bytes, its offset in *at: 0, or -1 with err filled. */
int kr_store_put(ion_answer_key *k, const void *rec, size_t len, size_t *at, ion_error *err);
/* Record bytes at..at+len: in memory, or read into kr->rec; NULL with err
 * filled. */
const char *kr_store_get(key_reader *kr, size_t at, size_t len, ion_error *err);

/* ---- gradekey_v2.c: a key v2's templates --------------------------------- */

int kr_on_template(key_reader *kr);
int kr_on_tvar(key_reader *kr, int is_let);
int kr_on_tpart(key_reader *kr);
int kr_on_tchoice(key_reader *kr);
int kr_on_tmistake(key_reader *kr);
int kr_on_tcarry(key_reader *kr);
/* A v2 student's part: what its template part gives (expression, figures,
 * choices, mistakes' credits and feedback, carries) and the student's own
 * mcq order and mistake values. */
int kr_part_from_template(key_reader *kr, tmp_part *p, const char **expr);
/* A v2 problem's lets (problem/@lets) after its params, as a v1 key
 * gives them. */
int kr_lets_from_template(key_reader *kr);

/* ---- gradekey_shape.c: the shapes ---------------------------------------- */

/* The shape of the problem just read (its vars and values in the
 * reader): one that fits, or a new one compiled; NULL on error. */
const ion_template *kr_shape(key_reader *kr);
/* A template's or shape's params: its vars before the first let. */
static inline size_t kr_params(const ion_template *t)
{
    return t->nvars - t->nlets;
}

#endif
