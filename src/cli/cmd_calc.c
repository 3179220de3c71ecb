/* ionsheet calc KIND NAME=VALUE[UNIT]... [--si]: the compute core directly. */
#include "cli.h"
#include "core.h"
#include "expr.h"
#include "text.h"
#include "units.h"

#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 64

typedef struct {
    char name[32];
    double value;      /* as written */
    const ion_unit *unit; /* as written, or NULL */
    int used;
} calc_arg;

typedef struct {
    calc_arg args[MAX_ARGS];
    int n;
    int si;
    int status;        /* first error's exit code, 0 while all is well */
    char out[2048];    /* results, printed once every input is known used */
    size_t out_len;
    const char *lang;  /* of the messages */
} calc_ctx;

/* Records the first error (a message, cli.h) with its exit code; later
 * ones are noise. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail(calc_ctx *c, int code, const char *key, const char *sig, ...)
{
    if (!c->status) {
        char msg[256];
        va_list ap;
        va_start(ap, sig);
        cli_vformat(msg, sizeof msg, key, sig, ap);
        va_end(ap);
        cli_msg(NULL, 0, "cli.calc.error", "%s", msg);
        c->status = code;
    }
    return -1;
}

static calc_arg *find_arg(calc_ctx *c, const char *name)
{
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->args[i].name, name))
            return &c->args[i];
    return NULL;
}

/* The display unit of each dimension, used for output and for input
 * written without a unit. */
static const ion_unit *display_unit(ion_dim dim)
{
    static const char *const names[ION_DIM_COUNT] = {
        "1", "mM", "mV", "pA", "nS", "pF", "C", "ms", "cm/s", "kPa", "mOsm", "1/s",
        "um", "um^2", "pL", "pC", "MOhm", "kOhm*cm^2", "Ohm*cm", "uF/cm^2", "mS/cm^2",
        "uA/cm^2", "fmol", "kJ/mol",
    };
    return ion_unit_find(names[dim]);
}

/* Reads input `name` of dimension dim into *si. Returns 1 when found, 0
 * when absent (and not required), -1 on error. */
static int get(calc_ctx *c, const char *name, ion_dim dim, int required, double *si)
{
    calc_arg *a = find_arg(c, name);
    if (!a) {
        if (required)
            fail(c, EXIT_USAGE, "cli.calc.missing", "%s", name);
        return required ? -1 : 0;
    }
    a->used = 1;
    const ion_unit *u = a->unit ? a->unit : display_unit(dim);
    if (u->dim != dim) {
        return fail(c, EXIT_INPUT, "cli.calc.unit", "%s%s", name, ion_text_gloss(c->lang, "dim", ion_dim_name(dim)));
    }
    *si = ion_to_si(u, a->value);
    if (!isfinite(*si)) /* 1e308 M is finite, in mol/m^3 it is not */
        return fail(c, EXIT_INPUT, "cli.calc.range", "%s", name);
    return 1;
}

static int get_temperature(calc_ctx *c, double *T)
{
    *T = ION_DEFAULT_T;
    return get(c, "T", ION_DIM_TEMP, 0, T) < 0 ? -1 : 0;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void emit(calc_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->out + c->out_len, sizeof c->out - c->out_len, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof c->out - c->out_len)
        c->out_len += (size_t)n;
}

/* "VALUE UNIT" of an SI value of dimension dim: in its display unit with
 * 6 digits, or with in_si in SI with 10; a dimensionless number is the
 * number alone ("2", not "2 1": "1" is only how it is written in). */
static void format_value(char *buf, size_t n, double si, ion_dim dim, int in_si)
{
    const ion_unit *u = display_unit(dim);
    int len = in_si ? snprintf(buf, n, "%.10g", si) : snprintf(buf, n, "%.6g", ion_from_si(u, si));
    if (dim != ION_DIM_NONE && len > 0 && (size_t)len < n)
        snprintf(buf + len, n - (size_t)len, " %s", in_si ? ion_dim_si_name(dim) : u->name);
}

static void print_value(calc_ctx *c, const char *name, double si, ion_dim dim)
{
    char value[64];
    format_value(value, sizeof value, si, dim, c->si);
    emit(c, "%s = %s\n", name, value);
}

static int physics_error(calc_ctx *c, int rc)
{
    char why[160];
    return fail(c, EXIT_INPUT, "cli.calc.core", "%s", ion_text_core_error(rc, why, sizeof why));
}

static int calc_nernst(calc_ctx *c)
{
    double z, out, in, T, g_out, g_in, E, dE;
    if (get(c, "z", ION_DIM_NONE, 1, &z) < 0 || get(c, "out", ION_DIM_CONC, 1, &out) < 0 ||
        get(c, "in", ION_DIM_CONC, 1, &in) < 0 || get_temperature(c, &T) < 0)
        return -1;
    int has_out = get(c, "gamma_out", ION_DIM_NONE, 0, &g_out);
    int has_in = get(c, "gamma_in", ION_DIM_NONE, 0, &g_in);
    if (has_out < 0 || has_in < 0)
        return -1;
    if (has_out != has_in)
        return fail(c, EXIT_USAGE, "cli.calc.gammas", "-");
    int rc = has_out ? ion_nernst_act(z, out, in, g_out, g_in, T, &E, &dE)
                     : ion_nernst(z, out, in, T, &E);
    if (rc)
        return physics_error(c, rc);
    print_value(c, "E", E, ION_DIM_VOLTAGE);
    if (has_out)
        print_value(c, "dE_activity", dE, ION_DIM_VOLTAGE);
    return 0;
}

/* The valence of the ions calc knows by name. */
static int known_valence(const char *ion, double *z)
{
    static const struct { const char *name; double z; } known[] = {
        {"K", 1}, {"Na", 1}, {"Cl", -1}, {"Ca", 2}, {"Mg", 2}, {"H", 1}, {"Li", 1},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(known[i].name, ion)) {
            *z = known[i].z;
            return 1;
        }
    return 0;
}

static int calc_ghk(calc_ctx *c)
{
    ion_species ions[16];
    size_t n = 0;
    double T;
    ion_dim p_dim = ION_DIM_COUNT;
    if (get_temperature(c, &T) < 0)
        return -1;
    /* Every P_X names an ion X; its concentrations and valence follow. */
    for (int i = 0; i < c->n; i++) {
        if (strncmp(c->args[i].name, "P_", 2) || n == sizeof ions / sizeof ions[0])
            continue;
        const char *x = c->args[i].name + 2;
        char key[48];
        ion_species *s = &ions[n];
        const ion_unit *pu = c->args[i].unit ? c->args[i].unit : display_unit(ION_DIM_NONE);
        if (p_dim == ION_DIM_COUNT)
            p_dim = pu->dim;
        if (pu->dim != p_dim || (pu->dim != ION_DIM_NONE && pu->dim != ION_DIM_VELOCITY))
            return fail(c, EXIT_INPUT, "cli.calc.permeability", "%s",
                        c->args[i].name);
        c->args[i].used = 1;
        s->P = ion_to_si(pu, c->args[i].value);
        if (!isfinite(s->P))
            return fail(c, EXIT_INPUT, "cli.calc.range", "%s", c->args[i].name);
        snprintf(key, sizeof key, "z_%s", x);
        int has_z = get(c, key, ION_DIM_NONE, 0, &s->z);
        if (has_z < 0)
            return -1;
        if (!has_z && !known_valence(x, &s->z))
            return fail(c, EXIT_USAGE, "cli.calc.valence", "%s%s", x, x);
        snprintf(key, sizeof key, "%s_out", x);
        if (get(c, key, ION_DIM_CONC, 1, &s->c_out) < 0)
            return -1;
        snprintf(key, sizeof key, "%s_in", x);
        if (get(c, key, ION_DIM_CONC, 1, &s->c_in) < 0)
            return -1;
        n++;
    }
    if (!n)
        return fail(c, EXIT_USAGE, "cli.calc.ghk_empty", "-");
    double V;
    int rc = ion_ghk(ions, n, T, &V);
    if (rc)
        return physics_error(c, rc);
    print_value(c, "V", V, ION_DIM_VOLTAGE);
    return 0;
}

static int calc_chord(calc_ctx *c)
{
    double g[16], E[16], I_pump = 0;
    size_t n = 0;
    for (int i = 0; i < c->n && n < 16; i++) {
        if (strncmp(c->args[i].name, "g_", 2))
            continue;
        char key[48];
        snprintf(key, sizeof key, "E_%s", c->args[i].name + 2);
        if (get(c, c->args[i].name, ION_DIM_CONDUCT, 1, &g[n]) < 0 ||
            get(c, key, ION_DIM_VOLTAGE, 1, &E[n]) < 0)
            return -1;
        n++;
    }
    if (!n)
        return fail(c, EXIT_USAGE, "cli.calc.chord_empty", "-");
    if (get(c, "I_pump", ION_DIM_CURRENT, 0, &I_pump) < 0)
        return -1;
    double V;
    int rc = ion_chord(g, E, n, I_pump, &V);
    if (rc)
        return physics_error(c, rc);
    print_value(c, "V", V, ION_DIM_VOLTAGE);
    return 0;
}

static int calc_pump(calc_ctx *c)
{
    double E_L, g_L, I, V, dV;
    if (get(c, "E_L", ION_DIM_VOLTAGE, 1, &E_L) < 0 || get(c, "g_L", ION_DIM_CONDUCT, 1, &g_L) < 0 ||
        get(c, "I_pump", ION_DIM_CURRENT, 1, &I) < 0)
        return -1;
    int rc = ion_vm_pump(E_L, g_L, I, &V);
    if (!rc)
        rc = ion_pump_offset(I, g_L, &dV);
    if (rc)
        return physics_error(c, rc);
    print_value(c, "V", V, ION_DIM_VOLTAGE);
    print_value(c, "dV", dV, ION_DIM_VOLTAGE);
    return 0;
}

static int calc_donnan(calc_ctx *c)
{
    double A, z_A = -1, c_out, T;
    ion_donnan_result r;
    if (get(c, "A_in", ION_DIM_CONC, 1, &A) < 0 || get(c, "z_A", ION_DIM_NONE, 0, &z_A) < 0 ||
        get(c, "KCl_out", ION_DIM_CONC, 1, &c_out) < 0 || get_temperature(c, &T) < 0)
        return -1;
    int rc = ion_donnan(A, z_A, c_out, T, &r);
    if (rc)
        return physics_error(c, rc);
    print_value(c, "K_in", r.K_in, ION_DIM_CONC);
    print_value(c, "Cl_in", r.Cl_in, ION_DIM_CONC);
    print_value(c, "V", r.V, ION_DIM_VOLTAGE);
    print_value(c, "osm_in", r.osm_in, ION_DIM_OSMOL);
    print_value(c, "osm_out", r.osm_out, ION_DIM_OSMOL);
    print_value(c, "dosm", r.dosm, ION_DIM_OSMOL);
    print_value(c, "Pi", r.Pi, ION_DIM_PRESSURE);
    return 0;
}

static int calc_drive(calc_ctx *c)
{
    double z, V_m, E, DF;
    int current, ions;
    if (get(c, "z", ION_DIM_NONE, 1, &z) < 0 || get(c, "V_m", ION_DIM_VOLTAGE, 1, &V_m) < 0 ||
        get(c, "E", ION_DIM_VOLTAGE, 1, &E) < 0)
        return -1;
    int rc = ion_drive(z, V_m, E, &DF, &current, &ions);
    if (rc)
        return physics_error(c, rc);
    print_value(c, "DF", DF, ION_DIM_VOLTAGE);
    emit(c, "current = %s\n", ion_current_name(current));
    emit(c, "ions = %s\n", ion_ions_name(ions));
    return 0;
}

static const struct {
    const char *kind;
    int (*run)(calc_ctx *c);
} kinds[] = {
    {"nernst", calc_nernst}, {"ghk", calc_ghk}, {"chord", calc_chord},
    {"pump", calc_pump}, {"donnan", calc_donnan}, {"drive", calc_drive},
};

/* calc expr SRC: a template author's check of an expression, with the
 * same compiler, units and dimension rules as an import. */
static int calc_expr(const char *src, int si)
{
    ion_error err = {0};
    ion_expr *e = ion_expr_compile(src, NULL, NULL, &err);
    if (!e) {
        cli_msg(NULL, 0, "cli.calc.expr_error", "%s", err.msg);
        return EXIT_INPUT;
    }
    ion_val v;
    int rc = ion_expr_eval(e, NULL, &v);
    ion_dimension d = {{0}};
    int known = ion_expr_dimension(e, &d) == 0;
    ion_expr_free(e);
    if (rc != ION_OK) {
        char why[160];
        cli_msg(NULL, 0, "cli.calc.expr_error", "%s", ion_text_core_error(rc, why, sizeof why));
        return EXIT_INPUT;
    }
    if (v.type == ION_T_STR) {
        printf("%s\n", v.str);
        return EXIT_OK;
    }
    char what[96], value[64];
    ion_dimension_describe(d, what, sizeof what);
    int k = known ? ion_dimension_named(d) : -1;
    if (k >= 0)
        format_value(value, sizeof value, v.num, (ion_dim)k, si);
    else /* no unit of its own: SI, as the description says */
        snprintf(value, sizeof value, "%.10g", v.num);
    printf("%s (%s)\n", value, what);
    return EXIT_OK;
}

/* NAME=VALUE[UNIT] into c->args; the value is parsed, not yet converted. */
static int parse_arg(calc_ctx *c, const char *text)
{
    const char *eq = strchr(text, '=');
    if (!eq || eq == text || eq - text >= (int)sizeof c->args[0].name)
        return fail(c, EXIT_USAGE, "cli.calc.syntax", "%s", text);
    if (c->n == MAX_ARGS)
        return fail(c, EXIT_USAGE, "cli.calc.too_many", "-");
    calc_arg *a = &c->args[c->n];
    memset(a, 0, sizeof *a);
    memcpy(a->name, text, (size_t)(eq - text));
    if (find_arg(c, a->name))
        return fail(c, EXIT_USAGE, "cli.calc.twice", "%s", a->name);
    ion_reason why;
    char text_why[256];
    if (ion_parse_quantity(eq + 1, &a->value, &a->unit, &why))
        return fail(c, EXIT_INPUT, "cli.calc.value", "%s%s", a->name,
                    ion_text_reason(c->lang, &why, text_why, sizeof text_why));
    c->n++;
    return 0;
}

int cmd_calc(int argc, char **argv, ion_cli *cli)
{
    if (cli_wants_help(argc, argv, "cli.calc.usage"))
        return EXIT_OK;
    if (argc >= 2 && !strcmp(argv[1], "expr")) {
        int si = argc == 4 && !strcmp(argv[3], "--si");
        if (argc != 3 && !si) {
            cli_msg(NULL, 0, "cli.calc.expr_args", "-");
            return EXIT_USAGE;
        }
        return calc_expr(argv[2], si);
    }
    static calc_ctx c;
    memset(&c, 0, sizeof c);
    c.lang = cli->lang;
    const char *kind = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--si"))
            c.si = 1;
        else if (!kind && !strchr(argv[i], '='))
            kind = argv[i];
        else
            parse_arg(&c, argv[i]);
    }
    if (!kind) {
        cli_usage(stderr, "cli.calc.usage");
        return EXIT_USAGE;
    }
    if (c.status)
        return c.status;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        if (strcmp(kind, kinds[k].kind))
            continue;
        if (kinds[k].run(&c) < 0)
            return c.status;
        for (int i = 0; i < c.n; i++)
            if (!c.args[i].used) {
                cli_msg(NULL, 0, "cli.calc.unused", "%s%s", kind, c.args[i].name);
                return EXIT_USAGE;
            }
        fwrite(c.out, 1, c.out_len, stdout);
        return EXIT_OK;
    }
    cli_msg(NULL, 0, "cli.calc.unknown_kind", "%s", kind);
    return EXIT_USAGE;
}
