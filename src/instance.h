/* Instances: one template filled with one seed's values, and the one
 * formatting routine every output uses (keys, PDFs, answer files, drill),
 * so that a value printed anywhere is the value in the key.
 *
 * An ion_instance is allocated once per template (ion_instance_init) and
 * refilled for each seed without allocating (ion_instance_generate), which
 * is what makes generating for thousands of students fast. */
#ifndef ION_INSTANCE_H
#define ION_INSTANCE_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "partkey.h"
#include "strbuf.h"
#include "template.h"

#define ION_MAX_DRAWS 1000  /* samples tried before requires are declared unmet */
#define ION_MAX_OPTIONS 26  /* mcq options are lettered A..Z */

/* What drawing a seed gave one part, from which its key (partkey.h) was
 * made: the generator's own, read by what checks the bank's templates
 * (`bank check`, `bank show`, the stored instances) and the storage the
 * key points into. An instance read from a key has none. */
typedef struct {
    ion_val answer;        /* numeric: SI value; choice: the id; mcq: unused */
    ion_val *mistakes;     /* one per template mistake */
    unsigned char *mistake_ok; /* 0 when that mistake's formula has no value here */
    int *order;            /* mcq: option index shown at letter A, B, ... */
    ion_judge_mistake *judged; /* the key's mistakes: those with a value */
    const char **shown_ids; /* the key's ids (mcq): option ids by letter */
    char letter[2];        /* the key's answer (mcq): the correct letter */
} ion_part_draw;

/* One template filled for one student: the per-student model (README
 * "Layout"). Every output, the drill and the judge read the values and the
 * part keys; the generator also keeps what it drew (drawn). */
typedef struct {
    const ion_template *t;
    uint64_t seed;
    int draws;             /* samples it took to meet the requires */
    ion_val *vals;         /* per slot (param or let), SI */
    ion_part_key *keys;    /* per part: its key for this student */
    ion_part_draw *drawn;  /* per part, as generated; NULL when read from a key */
    /* The params as printed, when the instance was read back from a key
     * (gradekey.c: a v2 key gives them as the worksheet showed them);
     * NULL: formatted from vals, as generated. */
    const char *const *shown;
} ion_instance;

int ion_instance_init(ion_instance *in, const ion_template *t);
void ion_instance_release(ion_instance *in);

/* Fills the instance for seed: samples the params, evaluates the lets,
 * redraws while a require fails (at most ION_MAX_DRAWS times), evaluates
 * the answers and mistakes and shuffles mcq options. Returns 0, or -1 with
 * err saying what failed ("template X: cannot meet its requires after 1000
 * draws", or a let or answer that has no value, with the params). */
int ion_instance_generate(ion_instance *in, uint64_t seed, ion_error *err);

/* Formats v with sig significant figures in plain decimal notation
 * (exponent notation only outside 1e-4..1e7), without "-0". Returns buf. */
char *ion_format_sig(double v, int sig, char *buf, size_t n);

/* A param or let's value in its declared unit as shown to students ("4.2"),
 * and with its unit ("4.2 mM", "37 °C"; no unit when dimensionless). */
char *ion_instance_value(const ion_instance *in, int slot, char *buf, size_t n);
char *ion_instance_quantity(const ion_instance *in, int slot, char *buf, size_t n);

/* The mcq option of part k shown at letter shown (0 for A), as its key
 * orders them; NULL past the last. */
const ion_option *ion_instance_option(const ion_instance *in, size_t k, size_t shown);

/* The params with their values, for messages: "Ko = 4.2 mM, Ki = 140 mM"
 * (cut at n bytes). */
void ion_instance_describe(const ion_instance *in, char *buf, size_t n);

/* The right answer of a part key as shown in keys' feedback, solutions
 * and the drill: "-95.02 mV" (sigfigs, the unit's label), "outward", "B".
 * Returns buf. */
char *ion_part_key_text(const ion_part_key *k, char *buf, size_t n);

/* A numeric SI value in the part's unit with the part's sigfigs ("-95.02");
 * the display of answers and mistakes in keys, PDFs and feedback. */
char *ion_part_value(const ion_part *p, double si, char *buf, size_t n);

/* A unit's name as printed after a value ("°C" for Celsius, "" for none). */
const char *ion_unit_label(const ion_unit *u);

/* A value as shown with its unit's label: "4.2 mM", "37 °C", "0.25" (no
 * label for a dimensionless unit or u NULL). Returns buf. */
char *ion_quantity(const char *value, const ion_unit *u, char *buf, size_t n);

/* The quantity named name[0..len) as shown (ion_quantity) into buf, or
 * NULL when there is none: how ion_subst fills {name}. */
typedef const char *(*ion_quantity_fn)(void *ctx, const char *name, size_t len, char *buf, size_t n);

/* ion_instance_subst and ion_instance_plain with the quantities from fn:
 * the answer-key reader fills feedback from a key's values this way. */
int ion_subst(const char *markup, int typographic, ion_quantity_fn fn, void *ctx, ion_strbuf *b);
int ion_plain(const char *markup, ion_quantity_fn fn, void *ctx, ion_strbuf *b);

/* Appends markup to b with every {name} replaced by the quantity.
 * Typographic output (for PDFs; see ion_typographic) writes a true minus
 * sign (U+2212), a power of ten for an exponent and a
 * thin space (U+2009) before the unit; plain output writes "-" and " ".
 * Returns 0, or -1 when b is out of memory. */
int ion_instance_subst(const ion_instance *in, const char *markup, int typographic, ion_strbuf *b);

/* Appends markup as plain text to b: {name}s filled (plain), then the
 * markup made Unicode text (ion_markup_plain); for terminals and text
 * files. Returns 0, or -1 when out of memory. */
int ion_instance_plain(const ion_instance *in, const char *markup, ion_strbuf *b);

/* Typesets a plain quantity ("-94.1 mV") for print, as markup: U+2212 for
 * a leading minus, U+2009 for the space before the unit, and an exponent
 * as a power of ten ("8.11e+07" -> "8.11 × 10<sup>7</sup>", thin spaces
 * around the sign). Returns buf. */
char *ion_typographic(const char *plain, char *buf, size_t n);

#endif
