/* The unit table and the quantity parser shared by calc, the expression
 * engine's unit literals and the grader. */
#include "units.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exact.h"
#include "utf8.h"

static const ion_unit units[] = {
    {"1", ION_DIM_NONE, 1, 0},
    {"%", ION_DIM_NONE, 0.01, 0},
    {"M", ION_DIM_CONC, 1000, 0},
    {"mM", ION_DIM_CONC, 1, 0},
    {"uM", ION_DIM_CONC, 1e-3, 0},
    {"nM", ION_DIM_CONC, 1e-6, 0},
    {"mol/m^3", ION_DIM_CONC, 1, 0},
    {"mmol/L", ION_DIM_CONC, 1, 0},
    {"V", ION_DIM_VOLTAGE, 1, 0},
    {"mV", ION_DIM_VOLTAGE, 1e-3, 0},
    {"uV", ION_DIM_VOLTAGE, 1e-6, 0},
    {"A", ION_DIM_CURRENT, 1, 0},
    {"mA", ION_DIM_CURRENT, 1e-3, 0},
    {"uA", ION_DIM_CURRENT, 1e-6, 0},
    {"nA", ION_DIM_CURRENT, 1e-9, 0},
    {"pA", ION_DIM_CURRENT, 1e-12, 0},
    {"S", ION_DIM_CONDUCT, 1, 0},
    {"mS", ION_DIM_CONDUCT, 1e-3, 0},
    {"uS", ION_DIM_CONDUCT, 1e-6, 0},
    {"nS", ION_DIM_CONDUCT, 1e-9, 0},
    {"pS", ION_DIM_CONDUCT, 1e-12, 0},
    {"F", ION_DIM_CAPACIT, 1, 0},
    {"uF", ION_DIM_CAPACIT, 1e-6, 0},
    {"nF", ION_DIM_CAPACIT, 1e-9, 0},
    {"pF", ION_DIM_CAPACIT, 1e-12, 0},
    {"K", ION_DIM_TEMP, 1, 0},
    {"C", ION_DIM_TEMP, 1, 273.15},
    {"s", ION_DIM_TIME, 1, 0},
    {"ms", ION_DIM_TIME, 1e-3, 0},
    {"us", ION_DIM_TIME, 1e-6, 0},
    {"min", ION_DIM_TIME, 60, 0},
    {"m/s", ION_DIM_VELOCITY, 1, 0},
    {"cm/s", ION_DIM_VELOCITY, 0.01, 0},
    {"Pa", ION_DIM_PRESSURE, 1, 0},
    {"kPa", ION_DIM_PRESSURE, 1e3, 0},
    {"MPa", ION_DIM_PRESSURE, 1e6, 0},
    {"mmHg", ION_DIM_PRESSURE, 133.322387415, 0},
    {"atm", ION_DIM_PRESSURE, 101325, 0},
    {"osmol/m^3", ION_DIM_OSMOL, 1, 0},
    {"mOsm", ION_DIM_OSMOL, 1, 0},
    {"mOsm/L", ION_DIM_OSMOL, 1, 0},
    {"Osm", ION_DIM_OSMOL, 1000, 0},
    {"1/s", ION_DIM_RATE, 1, 0},
    {"ions/s", ION_DIM_RATE, 1, 0},
    /* The units below print as named, so the name is the typeset form
     * and the ASCII spelling an alias. */
    {"cm", ION_DIM_LENGTH, 1e-2, 0},
    {"\xc2\xb5m", ION_DIM_LENGTH, 1e-6, 0},
    {"cm\xc2\xb2", ION_DIM_AREA, 1e-4, 0},
    {"\xc2\xb5m\xc2\xb2", ION_DIM_AREA, 1e-12, 0},
    {"L", ION_DIM_VOLUME, 1e-3, 0},
    {"nL", ION_DIM_VOLUME, 1e-12, 0},
    {"pL", ION_DIM_VOLUME, 1e-15, 0},
    {"fL", ION_DIM_VOLUME, 1e-18, 0},
    {"\xc2\xb5m\xc2\xb3", ION_DIM_VOLUME, 1e-18, 0},
    {"nC", ION_DIM_CHARGE, 1e-9, 0},
    {"pC", ION_DIM_CHARGE, 1e-12, 0},
    {"fC", ION_DIM_CHARGE, 1e-15, 0},
    {"\xce\xa9", ION_DIM_RESIST, 1, 0},
    {"k\xce\xa9", ION_DIM_RESIST, 1e3, 0},
    {"M\xce\xa9", ION_DIM_RESIST, 1e6, 0},
    {"G\xce\xa9", ION_DIM_RESIST, 1e9, 0},
    {"\xce\xa9\xc2\xb7""cm\xc2\xb2", ION_DIM_SPEC_RES, 1e-4, 0},
    {"k\xce\xa9\xc2\xb7""cm\xc2\xb2", ION_DIM_SPEC_RES, 1e-1, 0},
    {"\xce\xa9\xc2\xb7""cm", ION_DIM_RESISTIVITY, 1e-2, 0},
    {"\xc2\xb5""F/cm\xc2\xb2", ION_DIM_SPEC_CAP, 1e-2, 0},
    {"mS/cm\xc2\xb2", ION_DIM_SPEC_COND, 10, 0},
    {"\xc2\xb5""A/cm\xc2\xb2", ION_DIM_CURR_DENS, 1e-2, 0},
    {"A/m\xc2\xb2", ION_DIM_CURR_DENS, 1, 0},
    {"mol", ION_DIM_AMOUNT, 1, 0},
    {"pmol", ION_DIM_AMOUNT, 1e-12, 0},
    {"fmol", ION_DIM_AMOUNT, 1e-15, 0},
    {"amol", ION_DIM_AMOUNT, 1e-18, 0},
    {"J/mol", ION_DIM_MOLAR_EN, 1, 0},
    {"kJ/mol", ION_DIM_MOLAR_EN, 1e3, 0},
};

/* Other spellings of a unit in the table. */
static const struct {
    const char *alias, *name;
} aliases[] = {
    {"", "1"}, {"degC", "C"}, {"\xc2\xb0""C", "C"}, {"s^-1", "1/s"},
    {"um", "\xc2\xb5m"}, {"cm^2", "cm\xc2\xb2"}, {"um^2", "\xc2\xb5m\xc2\xb2"},
    {"um^3", "\xc2\xb5m\xc2\xb3"}, {"Ohm", "\xce\xa9"}, {"kOhm", "k\xce\xa9"},
    {"MOhm", "M\xce\xa9"}, {"GOhm", "G\xce\xa9"},
    {"Ohm*cm^2", "\xce\xa9\xc2\xb7""cm\xc2\xb2"}, {"kOhm*cm^2", "k\xce\xa9\xc2\xb7""cm\xc2\xb2"},
    {"Ohm*cm", "\xce\xa9\xc2\xb7""cm"}, {"uF/cm^2", "\xc2\xb5""F/cm\xc2\xb2"},
    {"mS/cm^2", "mS/cm\xc2\xb2"}, {"uA/cm^2", "\xc2\xb5""A/cm\xc2\xb2"}, {"A/m^2", "A/m\xc2\xb2"},
};

static const char *const dim_si[ION_DIM_COUNT] = {
    "1", "mol/m^3", "V", "A", "S", "F", "K", "s", "m/s", "Pa", "osmol/m^3", "1/s",
    "m", "m^2", "m^3", "A s", "ohm", "ohm m^2", "ohm m", "F/m^2", "S/m^2", "A/m^2",
    "mol", "J/mol",
};
static const char *const dim_names[ION_DIM_COUNT] = {
    "dimensionless", "concentration", "voltage", "current", "conductance",
    "capacitance", "temperature", "time", "permeability", "pressure",
    "osmolarity", "rate", "length", "area", "volume", "charge", "resistance",
    "specific resistance", "resistivity", "specific capacitance",
    "conductance per area", "current density", "amount", "molar energy",
};

/* Exponents of m kg s A K mol for each ion_dim. */
static const signed char dim_base[ION_DIM_COUNT][ION_BASE_COUNT] = {
    [ION_DIM_NONE] = {0, 0, 0, 0, 0, 0},
    [ION_DIM_CONC] = {-3, 0, 0, 0, 0, 1},
    [ION_DIM_VOLTAGE] = {2, 1, -3, -1, 0, 0},
    [ION_DIM_CURRENT] = {0, 0, 0, 1, 0, 0},
    [ION_DIM_CONDUCT] = {-2, -1, 3, 2, 0, 0},
    [ION_DIM_CAPACIT] = {-2, -1, 4, 2, 0, 0},
    [ION_DIM_TEMP] = {0, 0, 0, 0, 1, 0},
    [ION_DIM_TIME] = {0, 0, 1, 0, 0, 0},
    [ION_DIM_VELOCITY] = {1, 0, -1, 0, 0, 0},
    [ION_DIM_PRESSURE] = {-1, 1, -2, 0, 0, 0},
    [ION_DIM_OSMOL] = {-3, 0, 0, 0, 0, 1},
    [ION_DIM_RATE] = {0, 0, -1, 0, 0, 0},
    [ION_DIM_LENGTH] = {1, 0, 0, 0, 0, 0},
    [ION_DIM_AREA] = {2, 0, 0, 0, 0, 0},
    [ION_DIM_VOLUME] = {3, 0, 0, 0, 0, 0},
    [ION_DIM_CHARGE] = {0, 0, 1, 1, 0, 0},
    [ION_DIM_RESIST] = {2, 1, -3, -2, 0, 0},
    [ION_DIM_SPEC_RES] = {4, 1, -3, -2, 0, 0},
    [ION_DIM_RESISTIVITY] = {3, 1, -3, -2, 0, 0},
    [ION_DIM_SPEC_CAP] = {-4, -1, 4, 2, 0, 0},
    [ION_DIM_SPEC_COND] = {-4, -1, 3, 2, 0, 0},
    [ION_DIM_CURR_DENS] = {-2, 0, 0, 1, 0, 0},
    [ION_DIM_AMOUNT] = {0, 0, 0, 0, 0, 1},
    [ION_DIM_MOLAR_EN] = {2, 1, -2, 0, 0, -1},
};

ion_dimension ion_dim_vector(ion_dim dim)
{
    ion_dimension d = {{0}};
    if (dim < ION_DIM_COUNT)
        memcpy(d.e, dim_base[dim], sizeof d.e);
    return d;
}

int ion_dimension_eq(ion_dimension a, ion_dimension b)
{
    return !memcmp(a.e, b.e, sizeof a.e);
}

int ion_dimension_named(ion_dimension d)
{
    for (int k = 0; k < ION_DIM_COUNT; k++)
        if (ion_dimension_eq(d, ion_dim_vector((ion_dim)k)))
            return k;
    return -1;
}

void ion_dimension_base_units(ion_dimension d, char *buf, size_t n)
{
    static const char *const base[ION_BASE_COUNT] = {"m", "kg", "s", "A", "K", "mol"};
    size_t len = 0;
    if (n)
        buf[0] = '\0';
    for (int i = 0; i < ION_BASE_COUNT && len < n; i++) {
        if (!d.e[i])
            continue;
        if (d.e[i] == 1)
            len += (size_t)snprintf(buf + len, n - len, " %s", base[i]);
        else
            len += (size_t)snprintf(buf + len, n - len, " %s^%d", base[i], d.e[i]);
    }
}

void ion_dimension_describe(ion_dimension d, char *buf, int n)
{
    if (n <= 0)
        return;
    int k = ion_dimension_named(d);
    if (k == ION_DIM_NONE) {
        snprintf(buf, (size_t)n, "a dimensionless number");
    } else if (k > 0) {
        snprintf(buf, (size_t)n, "a%s %s (%s)", strchr("aeiou", dim_names[k][0]) ? "n" : "",
                 dim_names[k], dim_si[k]);
    } else {
        char units[96];
        ion_dimension_base_units(d, units, sizeof units);
        snprintf(buf, (size_t)n, "a quantity in%s", units);
    }
}

const char *ion_dim_si_name(ion_dim dim)
{
    return dim < ION_DIM_COUNT ? dim_si[dim] : "?";
}

const char *ion_dim_name(ion_dim dim)
{
    return dim < ION_DIM_COUNT ? dim_names[dim] : "?";
}

static const ion_unit *find_exact(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].name) == n && !memcmp(units[i].name, name, n))
            return &units[i];
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strlen(aliases[i].alias) == n && !memcmp(aliases[i].alias, name, n))
            return find_exact(aliases[i].name, strlen(aliases[i].name));
    return NULL;
}

/* 2 when name[0..n) starts with the micro sign (U+00B5) or Greek mu
 * (U+03BC), which both mean 'u'; else 0. */
static size_t micro_len(const char *name, size_t n)
{
    uint32_t cp;
    size_t len = n >= 2 ? ion_utf8_next(name, n, &cp) : 0;
    return len && (cp == 0xB5 || cp == 0x3BC) ? len : 0;
}

const ion_unit *ion_unit_findn(const char *name, int n)
{
    if (n < 0 || n > 32)
        return NULL;
    const ion_unit *u = find_exact(name, (size_t)n); /* "µm" is a name */
    if (u)
        return u;
    if (micro_len(name, (size_t)n)) {
        char buf[40] = "u";
        memcpy(buf + 1, name + 2, (size_t)n - 2);
        return find_exact(buf, (size_t)n - 1);
    }
    return find_exact(name, (size_t)n);
}

const ion_unit *ion_unit_find(const char *name)
{
    return ion_unit_findn(name, (int)strlen(name));
}


/* ---- units as students spell them ----------------------------------------- */

/* Spellings of a unit that are not its name, read in answers only (the
 * templates keep to the table's names). */
static const struct {
    const char *said, *name;
} spellings[] = {
    {"mol/L", "M"}, {"umol/L", "uM"}, {"nmol/L", "nM"}, {"mmol/l", "mmol/L"},
    {"millivolt", "mV"}, {"millivolts", "mV"}, {"volt", "V"}, {"volts", "V"},
    {"millimolar", "mM"}, {"micromolar", "uM"}, {"\xe2\x84\x83", "C"} /* ℃ */,
    {"\xe6\xaf\xab\xe4\xbc\x8f", "mV"},                                /* 毫伏 */
    {"\xe4\xbc\x8f", "V"}, {"\xe4\xbc\x8f\xe7\x89\xb9", "V"},          /* 伏, 伏特 */
    {"\xe5\xbe\xae\xe4\xbc\x8f", "uV"},                                /* 微伏 */
    {"\xe6\xaf\xab\xe6\x91\xa9\xe5\xb0\x94/\xe5\x8d\x87", "mM"},       /* 毫摩尔/升 */
    {"\xe6\xaf\xab\xe6\x91\xa9/\xe5\x8d\x87", "mM"},                   /* 毫摩/升 */
    {"\xe6\x91\xa9\xe5\xb0\x94/\xe5\x8d\x87", "M"},                    /* 摩尔/升 */
    {"\xe5\xbe\xae\xe6\x91\xa9\xe5\xb0\x94/\xe5\x8d\x87", "uM"},       /* 微摩尔/升 */
    {"\xe7\xba\xb3\xe6\x91\xa9\xe5\xb0\x94/\xe5\x8d\x87", "nM"},       /* 纳摩尔/升 */
    {"\xe6\xaf\xab\xe7\xa7\x92", "ms"}, {"\xe7\xa7\x92", "s"},         /* 毫秒, 秒 */
    {"\xe6\x91\x84\xe6\xb0\x8f\xe5\xba\xa6", "C"},                     /* 摄氏度 */
    {"\xe7\x9a\xae\xe5\xae\x89", "pA"}, {"\xe7\xba\xb3\xe5\xae\x89", "nA"}, /* 皮安, 纳安 */
    {"\xe7\x9a\xae\xe6\xb3\x95", "pF"},                                /* 皮法 */
    {"\xe6\xaf\xab\xe7\xb1\xb3\xe6\xb1\x9e\xe6\x9f\xb1", "mmHg"},      /* 毫米汞柱 */
};

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* a starts with b, ignoring ASCII case, and b is n bytes long. */
static int same_ignoring_case(const char *a, const char *b, size_t n)
{
    if (strlen(b) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* Adds u to the distinct units found[0..*n) (at most two are kept). */
static void found_add(const ion_unit **found, int *n, const ion_unit *u)
{
    if (!u || (*n > 0 && found[0] == u) || (*n > 1 && found[1] == u))
        return;
    if (*n < 2)
        found[*n] = u;
    ++*n;
}

/* The unit a student means by name[0..n): its name or another spelling;
 * then the same ignoring case when only one unit is spelled so ("mv",
 * "MMOL/L"; but "MS" is mS or ms). Returns 1 with *out set, 0 when
 * unknown, or -1 when ambiguous, with the two first candidates in
 * alt[0..2). */
static int student_unit(const char *name, size_t n, const ion_unit **out, const ion_unit *alt[2])
{
    char buf[40];
    if (n >= sizeof buf - 1)
        return 0;
    if ((*out = ion_unit_findn(name, (int)n))) /* the names first: "µm³" is one */
        return 1;
    /* µ and μ as u, for the lookups that do not know them. */
    if (micro_len(name, n)) {
        buf[0] = 'u';
        memcpy(buf + 1, name + 2, n - 2);
        n--;
    } else {
        memcpy(buf, name, n);
    }
    buf[n] = '\0';
    if ((*out = find_exact(buf, n)))
        return 1;
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++)
        if (strlen(spellings[i].said) == n && !memcmp(spellings[i].said, buf, n))
            return (*out = ion_unit_find(spellings[i].name)) != NULL;
    int count = 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (same_ignoring_case(buf, units[i].name, n))
            found_add(alt, &count, &units[i]);
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (same_ignoring_case(buf, aliases[i].alias, n))
            found_add(alt, &count, ion_unit_find(aliases[i].name));
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++)
        if (same_ignoring_case(buf, spellings[i].said, n))
            found_add(alt, &count, ion_unit_find(spellings[i].name));
    if (count == 1)
        *out = alt[0];
    return count <= 1 ? count : -1;
}

/* ---- numbers as people write them ------------------------------------------- */

/* Length of a space at s: ASCII blanks and line ends, no-break, thin and
 * other Unicode spaces. */
static int space_len(const char *s)
{
    if (*s == '\r' || *s == '\n')
        return 1;
    return (int)ion_utf8_space(s, strnlen(s, 4));
}

static const char *skip_spaces(const char *s)
{
    for (int n; (n = space_len(s)) > 0;)
        s += n;
    return s;
}

int ion_reason_set(ion_reason *why, ion_reason_code code, const char *text, const char *a, const char *b)
{
    if (why) {
        why->code = code;
        snprintf(why->text, sizeof why->text, "%s", text ? text : "");
        snprintf(why->a, sizeof why->a, "%s", a ? a : "");
        snprintf(why->b, sizeof why->b, "%s", b ? b : "");
    }
    return -1;
}

/* What one character (UTF-8 at s) stands for in a number: full-width
 * forms as their ASCII letter, the minus and dash signs as '-', the
 * multiplication signs before "10" as '*', the approximation signs as
 * '~', a superscript digit or sign after "10" as itself after '^' (only
 * the first of a run gets the '^': "10⁻³" is "10^-3"; "cm²" and "Ω·cm"
 * stay units), the ideographic space and full stop
 * as ' ' and '.'. Writes the replacement to rep (NUL-terminated) and
 * returns the bytes read, or 0 when the character stays as it is. */
static size_t plain_char(const unsigned char *s, int in_super, int after_ten, char rep[4], int *super)
{
    static const struct {
        uint32_t cp;
        char d;
    } supers[] = {
        {0xB9, '1'},   {0xB2, '2'},   {0xB3, '3'},   {0x2070, '0'}, {0x2074, '4'}, {0x2075, '5'}, {0x2076, '6'},
        {0x2077, '7'}, {0x2078, '8'}, {0x2079, '9'}, {0x207A, '+'}, {0x207B, '-'},
    };
    *super = 0;
    rep[1] = rep[2] = '\0';
    uint32_t cp;
    size_t n = *s >= 0x80 ? ion_utf8_next((const char *)s, strnlen((const char *)s, 4), &cp) : 0;
    if (!n)
        return 0;
    if (cp >= 0xFF01 && cp <= 0xFF5E) { /* full-width forms */
        rep[0] = (char)(cp - 0xFEE0);
        return n;
    }
    switch (cp) {
    case 0x3000: /* ideographic space and full stop */
        rep[0] = ' ';
        return n;
    case 0x3002:
        rep[0] = '.';
        return n;
    case 0x2212: /* minus, figure dash, en dash */
    case 0x2012:
    case 0x2013:
        rep[0] = '-';
        return n;
    case 0xD7: /* × · ⋅ ∙, before a power of ten only: "Ω·cm" is a unit */
    case 0xB7:
    case 0x22C5:
    case 0x2219: {
        const char *t = skip_spaces((const char *)s + n);
        if (t[0] != '1' || t[1] != '0')
            return 0;
        rep[0] = '*';
        return n;
    }
    case 0x2248: /* ≈ ≃ ∼ */
    case 0x2243:
    case 0x223C:
        rep[0] = '~';
        return n;
    default:
        break;
    }
    for (size_t i = 0; (in_super || after_ten) && i < sizeof supers / sizeof supers[0]; i++)
        if (cp == supers[i].cp) { /* after "10" only: "cm²" is a unit */
            *super = 1;
            rep[0] = in_super ? supers[i].d : '^';
            rep[1] = in_super ? '\0' : supers[i].d;
            return n;
        }
    return 0;
}

/* Words and signs before a number that only say it is approximate. */
static const char *const approx_words[] = {
    "~", "approximately", "approx.", "approx", "ca.", "circa", "about", "around", "roughly",
    "\xe5\xa4\xa7\xe7\xba\xa6", "\xe7\xba\xa6", "=", /* 大约, 约 */
};

/* text in the plain spelling read_one expects (plain_char), without the
 * blanks around it, an approximation word or sign before it and a full
 * stop after it. -1 when it does not fit in out. */
static int plain_spelling(const char *text, char *out, size_t cap)
{
    size_t k = 0;
    int super = 0;
    for (const unsigned char *s = (const unsigned char *)text; *s;) {
        char rep[4];
        int now_super;
        size_t n = plain_char(s, super, k >= 2 && out[k - 2] == '1' && out[k - 1] == '0', rep, &now_super);
        size_t add = n ? strlen(rep) : 1;
        if (k + add >= cap)
            return -1;
        if (n) {
            memcpy(out + k, rep, add);
            s += n;
        } else {
            out[k] = (char)*s++;
        }
        k += add;
        super = now_super;
    }
    out[k] = '\0';
    while (k > 0 && (out[k - 1] == ' ' || out[k - 1] == '\t' || out[k - 1] == '\r' || out[k - 1] == '\n'))
        out[--k] = '\0';
    if (k > 1 && out[k - 1] == '.')
        out[--k] = '\0';
    char *s = (char *)skip_spaces(out);
    for (size_t i = 0; i < sizeof approx_words / sizeof approx_words[0]; i++) {
        const char *w = approx_words[i];
        size_t n = strlen(w);
        int word = w[0] >= 'a' && w[0] <= 'z';
        if (strlen(s) > n && same_ignoring_case(s, w, n) && (!word || w[n - 1] == '.' || space_len(s + n))) {
            s += n;
            break;
        }
    }
    memmove(out, s, strlen(s) + 1);
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A number starts at s: a digit, or a sign or point before one. */
static int number_starts(const char *s)
{
    if (*s == '+' || *s == '-')
        s = skip_spaces(s + 1);
    if (*s == '.' || *s == ',')
        s++;
    return is_digit(*s);
}

/* The length of a separator between two answers in one (",", ";", "=",
 * "~", "(", "or", "and", 或, 和) at s, or 0. */
static size_t answer_separator(const char *s)
{
    static const char *const words[] = {"or", "and", "\xe6\x88\x96", "\xe5\x92\x8c"};
    if (*s == ',' || *s == ';' || *s == '=' || *s == '~' || *s == '(')
        return 1;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i]);
        if (same_ignoring_case(s, words[i], n) && (s[n] & 0x80 ? 1 : space_len(s + n) > 0))
            return n;
    }
    return 0;
}

/* The exponent after a mantissa at s: "e-3", "E+1", "*10^-3" (also
 * "x 10^1", "*10**1", and "×10⁻³" after plain_spelling). Appends it to
 * num[*k..cap) as "e..." and returns the bytes read, or 0 when none. */
static size_t read_exponent(const char *s, char *num, size_t *k, size_t cap)
{
    const char *t = s, *digits;
    if (*t == 'e' || *t == 'E') {
        digits = t + 1;
    } else {
        t = skip_spaces(t);
        if (*t != '*' && *t != 'x' && *t != 'X')
            return 0;
        t = skip_spaces(t + 1);
        if (t[0] != '1' || t[1] != '0')
            return 0;
        t += 2;
        if (*t == '^')
            t++;
        else if (t[0] == '*' && t[1] == '*')
            t += 2;
        else
            return 0;
        digits = t;
    }
    const char *d = digits + (*digits == '+' || *digits == '-');
    if (!is_digit(*d))
        return 0;
    while (is_digit(*d))
        d++;
    size_t len = (size_t)(d - digits); /* sign and digits */
    if (*k + 1 + len >= cap)
        return 0;
    num[(*k)++] = 'e';
    memcpy(num + *k, digits, len);
    *k += len;
    return (size_t)(digits - s) + len;
}

/* Reads one quantity at s (in plain spelling) for ion_parse_quantity:
 * the number, then a unit up to the end or up to a separator before a
 * second answer, whose start goes to *next (NULL when none). */
static int read_one(const char *s, const char *text, ion_reading *r, const char **next, ion_reason *why)
{
    char num[64];
    size_t k = 0;
    s = skip_spaces(s);
    if (*s == '+' || *s == '-') {
        num[k++] = *s++;
        s = skip_spaces(s); /* "- 11.3 mV" */
    }
    int digits = 0, seps = 0, run = 0, grouped = 0, decimals = 0;
    for (;; s++) {
        /* A space between groups of three digits ("112 268", "0.072 18"):
         * before the separator the first group has 1 to 3 digits and every
         * later one 3; after it every group but the last has 3. */
        int sp = run ? space_len(s) : 0;
        if (sp) {
            size_t next_run = 0;
            while (is_digit(s[sp + next_run]))
                next_run++;
            if (seps ? run == 3 && next_run >= 1 && next_run <= 3
                     : (grouped ? run == 3 : run <= 3) && next_run == 3) {
                s += sp - 1;
                run = 0;
                grouped = 1;
                continue;
            }
        }
        /* A comma and a blank end the number: "-70, -57" is two answers. */
        if (*s == ',' && digits && space_len(s + 1))
            break;
        if (!(is_digit(*s) || *s == '.' || *s == ','))
            break;
        if (k >= sizeof num - 24)
            return ion_reason_set(why, ION_REASON_NUMBER_TOO_LONG, NULL, NULL, NULL);
        if (*s == '.' || *s == ',') {
            if (seps++)
                return ion_reason_set(why, ION_REASON_SEPARATORS, text, NULL, NULL);
            num[k++] = '.';  /* a decimal comma is a decimal point */
            run = 0;
            grouped = 0;
        } else {
            num[k++] = *s;
            digits++;
            decimals += seps > 0;
            run++;
        }
    }
    if (!digits)
        return ion_reason_set(why, ION_REASON_NOT_NUMBER, text, NULL, NULL);
    size_t ex = read_exponent(s, num, &k, sizeof num);
    if (!ex && (*s == 'e' || *s == 'E') && is_digit(s[1]))
        return ion_reason_set(why, ION_REASON_NUMBER_TOO_LONG, NULL, NULL, NULL);
    s += ex;
    num[k] = '\0';
    double v = strtod(num, NULL);
    if (!isfinite(v))
        return ion_reason_set(why, ION_REASON_RANGE, text, NULL, NULL);
    const char *e = strchr(num, 'e');
    r->half_digit = 0.5 * pow(10, (e ? atoi(e + 1) : 0) - decimals);

    /* The unit: up to the end, or to a separator or a blank before a
     * second number. */
    s = skip_spaces(s);
    const char *u = s, *end = s;
    *next = NULL;
    if (*u == '[') {
        const char *close = strchr(u, ']');
        if (!close)
            return ion_reason_set(why, ION_REASON_UNIT_SYNTAX, text, NULL, NULL);
        const char *after = skip_spaces(close + 1);
        size_t sep = answer_separator(after);
        if (*after && !sep)
            return ion_reason_set(why, ION_REASON_UNIT_SYNTAX, text, NULL, NULL);
        *next = *after ? after + sep : NULL;
        u++;
        end = close;
    } else {
        for (; *end; end++) {
            size_t sep = end == u || space_len(end - 1) || (unsigned char)*end >= 0x80 ? answer_separator(end) : 0;
            if (*end == ',' || *end == ';' || *end == '=' || *end == '~' || *end == '(')
                sep = 1;
            int sp = space_len(end);
            if (sep || (sp && number_starts(skip_spaces(end)))) {
                *next = end + (sep ? sep : (size_t)sp);
                break;
            }
        }
        if (end == u && *next && !number_starts(skip_spaces(*next)))
            *next = NULL, end = u + strlen(u); /* "5 or" is a unit, an unknown one */
        while (end > u && space_len(end - 1))
            end--;
    }
    const ion_unit *found = NULL, *alt[2] = {NULL, NULL};
    if (end > u) {
        int r = student_unit(u, (size_t)(end - u), &found, alt);
        char name[40];
        snprintf(name, sizeof name, "%.*s", (int)(end - u > 32 ? 32 : end - u), u);
        if (r < 0)
            return ion_reason_set(why, ION_REASON_AMBIGUOUS_UNIT, name, alt[0]->name, alt[1]->name);
        if (r == 0)
            return ion_reason_set(why, ION_REASON_UNKNOWN_UNIT, name, NULL, NULL);
    }
    r->value = v;
    r->unit = found;
    memcpy(r->decimal, num, k + 1);
    return 0;
}

/* Readings a and b are the same quantity, exactly as typed ("-65 mV" and
 * "-0.065 V"; not "-0.06500000001 V"); a reading without a unit is in the
 * other's. */
static int same_quantity(const ion_reading *a, const ion_reading *b)
{
    const ion_unit *ua = a->unit ? a->unit : b->unit, *ub = b->unit ? b->unit : a->unit;
    if (ua && ua->dim != ub->dim)
        return 0;
    mpq_t x, y;
    mpq_inits(x, y, (mpq_ptr)NULL);
    ion_exact_value(x, a->decimal, ua, NULL);
    ion_exact_value(y, b->decimal, ub, NULL);
    int same = mpq_equal(x, y);
    mpq_clears(x, y, (mpq_ptr)NULL);
    return same;
}

int ion_parse_quantity(const char *text, double *value, const ion_unit **unit, ion_reason *why)
{
    ion_reading r[2];
    int n = ion_parse_readings(text, r, why);
    if (n < 0)
        return -1;
    if (n == 2 && !same_quantity(&r[0], &r[1]))
        return ion_reason_set(why, ION_REASON_TWO_ANSWERS, text, NULL, NULL);
    int k = n == 2 && !r[0].unit; /* the one with a unit */
    *value = r[k].value;
    *unit = r[k].unit;
    return 0;
}

int ion_parse_readings(const char *text, ion_reading r[2], ion_reason *why)
{
    char plain[256];
    if (plain_spelling(text, plain, sizeof plain) < 0)
        return ion_reason_set(why, ION_REASON_TOO_LONG, NULL, NULL, NULL);
    const char *next;
    if (read_one(plain, text, &r[0], &next, why) < 0)
        return -1;
    if (!next)
        return 1;
    /* The answer written twice: "130.9 mV = 130.9", "-70 (-0.07 V)". */
    char second[256];
    const char *third;
    snprintf(second, sizeof second, "%s", skip_spaces(next));
    size_t n = strlen(second);
    if (n && second[n - 1] == ')' && !strchr(second, '('))
        second[n - 1] = '\0';
    if (read_one(second, text, &r[1], &third, NULL) < 0 || third)
        return ion_reason_set(why, ION_REASON_NOT_ONE, text, NULL, NULL);
    return 2;
}
