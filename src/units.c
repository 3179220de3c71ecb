/* The unit table and the quantity parser shared by calc, the expression
 * engine's unit literals and the grader. */
#include "units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
};

/* Other spellings of a unit in the table. */
static const struct {
    const char *alias, *name;
} aliases[] = {
    {"", "1"}, {"degC", "C"}, {"\xc2\xb0""C", "C"}, {"s^-1", "1/s"},
};

static const char *const dim_si[ION_DIM_COUNT] = {
    "1", "mol/m^3", "V", "A", "S", "F", "K", "s", "m/s", "Pa", "osmol/m^3", "1/s",
};
static const char *const dim_names[ION_DIM_COUNT] = {
    "dimensionless", "concentration", "voltage", "current", "conductance",
    "capacitance", "temperature", "time", "permeability", "pressure",
    "osmolarity", "rate",
};

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

const ion_unit *ion_unit_findn(const char *name, int n)
{
    if (n < 0 || n > 32)
        return NULL;
    /* The micro sign (U+00B5) and Greek mu (U+03BC) both mean 'u'. */
    const unsigned char *b = (const unsigned char *)name;
    if (n >= 2 && ((b[0] == 0xc2 && b[1] == 0xb5) || (b[0] == 0xce && b[1] == 0xbc))) {
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

/* Length of a space at s: ASCII blanks, no-break, thin and narrow spaces. */
static int space_len(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (*u == ' ' || *u == '\t')
        return 1;
    if (u[0] == 0xc2 && u[1] == 0xa0)                         /* U+00A0 */
        return 2;
    if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0x89 || u[2] == 0xaf || u[2] == 0x8a))
        return 3;                                             /* U+2009 U+202F U+200A */
    return 0;
}

static const char *skip_spaces(const char *s)
{
    for (int n; (n = space_len(s)) > 0;)
        s += n;
    return s;
}

static int fail_why(char *why, int why_len, const char *fmt, const char *arg)
{
    if (why && why_len > 0)
        snprintf(why, (size_t)why_len, fmt, arg);
    return -1;
}

int ion_parse_quantity(const char *text, double *value, const ion_unit **unit,
                       char *why, int why_len)
{
    char num[64];
    size_t k = 0;
    const char *s = skip_spaces(text);

    if (*s == '+' || *s == '-') {
        num[k++] = *s++;
    } else if (!strncmp(s, "\xe2\x88\x92", 3)) { /* U+2212 minus sign */
        num[k++] = '-';
        s += 3;
    }
    int digits = 0, seps = 0, run = 0, grouped = 0;
    for (;; s++) {
        /* A space between groups of three digits ("112 268", "0.072 18"):
         * before the separator the first group has 1 to 3 digits and every
         * later one 3; after it every group but the last has 3. */
        int sp = run ? space_len(s) : 0;
        if (sp) {
            size_t next = 0;
            while (s[sp + next] >= '0' && s[sp + next] <= '9')
                next++;
            if (seps ? run == 3 && next >= 1 && next <= 3 : (grouped ? run == 3 : run <= 3) && next == 3) {
                s += sp - 1;
                run = 0;
                grouped = 1;
                continue;
            }
        }
        if (!((*s >= '0' && *s <= '9') || *s == '.' || *s == ','))
            break;
        if (k >= sizeof num - 8)
            return fail_why(why, why_len, "number too long%s", "");
        if (*s == '.' || *s == ',') {
            if (seps++)
                return fail_why(why, why_len, "'%s' has more than one decimal separator", text);
            num[k++] = '.';  /* a decimal comma is a decimal point */
            run = 0;
            grouped = 0;
        } else {
            num[k++] = *s;
            digits++;
            run++;
        }
    }
    if (!digits)
        return fail_why(why, why_len, "'%s' is not a number", text);
    if ((*s == 'e' || *s == 'E') &&
        (isdigit((unsigned char)s[1]) ||
         ((s[1] == '+' || s[1] == '-') && isdigit((unsigned char)s[2])))) {
        num[k++] = 'e';
        s++;
        if (*s == '+' || *s == '-')
            num[k++] = *s++;
        while (*s >= '0' && *s <= '9' && k < sizeof num - 1)
            num[k++] = *s++;
        if (*s >= '0' && *s <= '9')
            return fail_why(why, why_len, "number too long%s", "");
    }
    num[k] = '\0';
    double v = strtod(num, NULL);
    if (!isfinite(v))
        return fail_why(why, why_len, "'%s' is out of range", text);

    s = skip_spaces(s);
    const char *u = s, *end = s + strlen(s);
    if (*u == '[') {
        const char *close = strchr(u, ']');
        if (!close || *skip_spaces(close + 1))
            return fail_why(why, why_len, "'%s' has a malformed unit", text);
        u++;
        end = close;
    }
    while (end > u && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
        end--;
    const ion_unit *found = NULL;
    if (end > u) {
        found = ion_unit_findn(u, (int)(end - u));
        if (!found) {
            char name[40];
            snprintf(name, sizeof name, "%.*s", (int)(end - u > 32 ? 32 : end - u), u);
            return fail_why(why, why_len, "unknown unit '%s'", name);
        }
    }
    *value = v;
    *unit = found;
    return 0;
}
