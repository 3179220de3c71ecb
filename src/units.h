/* Units and numbers at the edges: everything inside ionsheet is SI.
 *
 * A unit is a dimension plus an affine map to SI: si = value * scale +
 * offset (the offset is only non-zero for Celsius). The table is static;
 * returned pointers live forever. */
#ifndef ION_UNITS_H
#define ION_UNITS_H

#include <stddef.h>

typedef enum {
    ION_DIM_NONE = 0,  /* dimensionless: "1", "" , "%" */
    ION_DIM_CONC,      /* mol/m^3 */
    ION_DIM_VOLTAGE,   /* V */
    ION_DIM_CURRENT,   /* A */
    ION_DIM_CONDUCT,   /* S */
    ION_DIM_CAPACIT,   /* F */
    ION_DIM_TEMP,      /* K */
    ION_DIM_TIME,      /* s */
    ION_DIM_VELOCITY,  /* m/s (permeability) */
    ION_DIM_PRESSURE,  /* Pa */
    ION_DIM_OSMOL,     /* osmol/m^3 */
    ION_DIM_RATE,      /* 1/s (ions per second) */
    ION_DIM_LENGTH,    /* m */
    ION_DIM_AREA,      /* m^2 */
    ION_DIM_VOLUME,    /* m^3 */
    ION_DIM_CHARGE,    /* C = A s */
    ION_DIM_RESIST,    /* ohm */
    ION_DIM_SPEC_RES,  /* ohm m^2 (specific membrane resistance) */
    ION_DIM_RESISTIVITY, /* ohm m (axial resistivity) */
    ION_DIM_SPEC_CAP,  /* F/m^2 (specific capacitance) */
    ION_DIM_SPEC_COND, /* S/m^2 (conductance per area) */
    ION_DIM_CURR_DENS, /* A/m^2 */
    ION_DIM_AMOUNT,    /* mol */
    ION_DIM_MOLAR_EN,  /* J/mol */
    ION_DIM_COUNT
} ion_dim;

typedef struct {
    const char *name;  /* canonical spelling, e.g. "mV", "uM", "C" */
    ion_dim dim;
    double scale;      /* SI per unit */
    double offset;     /* SI at unit value 0 (Celsius: 273.15) */
} ion_unit;

/* The unit spelled `name` (exact, case-sensitive: "mM" is not "MM"),
 * accepting u, µ (U+00B5) and μ (U+03BC) for micro and "degC" / "°C" for
 * Celsius; "" and "1" are dimensionless. NULL when unknown. */
const ion_unit *ion_unit_find(const char *name);

/* The same for the n bytes at name (not NUL-terminated). */
const ion_unit *ion_unit_findn(const char *name, int n);

/* The SI unit of a dimension ("V", "mol/m^3", ...). */
const char *ion_dim_si_name(ion_dim dim);
/* A human name of a dimension for messages ("voltage", "concentration"). */
const char *ion_dim_name(ion_dim dim);

static inline double ion_to_si(const ion_unit *u, double v)
{
    return v * u->scale + u->offset;
}
static inline double ion_from_si(const ion_unit *u, double si)
{
    return (si - u->offset) / u->scale;
}

/* A physical dimension: the exponents of the SI base units m kg s A K mol
 * (an osmole counts as a mole). The expression engine carries one with
 * every value to refuse a volt plus a number. */
enum { ION_BASE_M, ION_BASE_KG, ION_BASE_S, ION_BASE_A, ION_BASE_K, ION_BASE_MOL, ION_BASE_COUNT };
typedef struct {
    signed char e[ION_BASE_COUNT];
} ion_dimension;

/* The dimension of the unit dimension dim. */
ion_dimension ion_dim_vector(ion_dim dim);
int ion_dimension_eq(ion_dimension a, ion_dimension b);
/* The named dimension with d's vector (the first in ion_dim's order), or
 * -1 when d has no name of its own. */
int ion_dimension_named(ion_dimension d);
/* d in SI base units, each after a blank: " m^2 kg s^-3 A^-1". */
void ion_dimension_base_units(ion_dimension d, char *buf, size_t n);
/* "a voltage (V)", "a dimensionless number", or the base units for a
 * dimension with no name of its own ("a quantity in m^2 kg s^-3 A^-1"):
 * English always (calc's output); text.h's ion_text_dimension says it in
 * the errors' language. */
void ion_dimension_describe(ion_dimension d, char *buf, int n);

/* Why a text is not one number: each code is a reason.* string of the
 * message catalogue (templates/LANG.conf), whose {text}, {a} and {b} are
 * the fields below. */
typedef enum {
    ION_REASON_NONE = 0,
    ION_REASON_NOT_NUMBER,      /* reason.not_number: {text} */
    ION_REASON_SEPARATORS,      /* reason.separators: {text} */
    ION_REASON_RANGE,           /* reason.range: {text} */
    ION_REASON_UNIT_SYNTAX,     /* reason.unit_syntax: {text} */
    ION_REASON_AMBIGUOUS_UNIT,  /* reason.ambiguous_unit: the unit {text}, {a} or {b} */
    ION_REASON_UNKNOWN_UNIT,    /* reason.unknown_unit: the unit {text} */
    ION_REASON_NUMBER_TOO_LONG, /* reason.number_too_long */
    ION_REASON_TOO_LONG,        /* reason.too_long */
    ION_REASON_NOT_ONE,         /* reason.not_one: {text} */
    ION_REASON_TWO_ANSWERS,     /* reason.two_answers: {text} */
} ion_reason_code;

typedef struct {
    ion_reason_code code;
    char text[160]; /* the answer or the unit it is about (cut when longer) */
    char a[24], b[24];
} ion_reason;

/* Sets why (when not NULL) and returns -1. */
int ion_reason_set(ion_reason *why, ion_reason_code code, const char *text, const char *a, const char *b);

/* Parses a quantity as people write it: optional spaces (also thin and
 * no-break spaces), a sign ('+', '-', U+2212 minus, an en dash; blanks may
 * follow it: "- 11.3"), digits with a decimal point or a decimal comma, an
 * optional exponent ("e-3", "×10^1", "·10¹", "x 10⁻³"), then an optional
 * unit, possibly in brackets ("-70[mV]") or after a space. Also read:
 * full-width digits, signs and letters ("－１８８．９"); an approximation
 * before it ("approx", "ca.", "~", "≈", "约"); a full stop after it; a
 * unit in another case when only one unit is spelled so ("mv", but not
 * "MS", which is mS or ms), or as students spell it ("mol/L", "mmol/l",
 * "毫伏", "毫摩尔/升", "℃"); the same answer written twice ("130.9 mV =
 * 130.9", "-70 mV (-0.07 V)": the same number exactly, as typed). Two
 * different answers ("-70 or -57", "-65 mV (-0.06500000001 V)") are
 * refused as ambiguous.
 * On success *value holds the number as written (not converted) and *unit
 * the unit found, or NULL when none was written. Returns 0, or -1 when the
 * text is not one number; then why (when not NULL) says what is wrong as a
 * code with the text it is about (UNKNOWN_UNIT "mVV"; TWO_ANSWERS "-70 or
 * -57"), which the catalogue's reason.* strings put in words in each
 * language (text.h: ion_text_reason). */
int ion_parse_quantity(const char *text, double *value, const ion_unit **unit, ion_reason *why);

/* A number as written: its value and unit (NULL: none written), half
 * a unit in its last digit ("-95" 0.5, "-95.0" 0.05, "6.512×10^1" 0.005),
 * in that unit: what it may be the rounding of; and the decimal itself in
 * C's notation ("-94.52", "6.512e1": sign, digits, a point, an exponent),
 * for deciding exactly (the judge). */
enum { ION_DECIMAL_MAX = 64 };
typedef struct {
    double value;
    const ion_unit *unit;
    double half_digit;
    char decimal[ION_DECIMAL_MAX];
} ion_reading;

/* The readings of an answer as ion_parse_quantity reads it, without
 * deciding whether two are one: 1, or 2 for the answer written twice
 * ("130.9 mV = 130.9", "-70 (-0.07 V)", "-70 or -57"); -1 with why when
 * the text is not one or two quantities. The judge decides with the
 * part's unit (judge.h); ion_parse_quantity, knowing none, takes a number
 * without a unit in the other's. */
int ion_parse_readings(const char *text, ion_reading r[2], ion_reason *why);

#endif
