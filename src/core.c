/* The compute core: the formulas of PHYSICS.md in SI units. */
#include "core.h"

#include <math.h>

const char *ion_err_name(int err)
{
    switch (err) {
    case ION_OK: return "ok";
    case ION_EZ: return "z";
    case ION_ECONC: return "concentration";
    case ION_ETEMP: return "temperature";
    case ION_ENOION: return "no_ion";
    case ION_EDOMAIN: return "domain";
    case ION_ENUM: return "numeric";
    default: return "unknown";
    }
}

/* Every result leaves through here: a non-finite value is an error. */
static int finite_out(double v, double *out)
{
    if (!isfinite(v))
        return ION_EDOMAIN;
    *out = v;
    return ION_OK;
}

static int check_T(double T)
{
    return isfinite(T) && T > 0 ? ION_OK : ION_ETEMP;
}

static double thermal_voltage(double T)
{
    return ION_R * T / ION_F;
}

int ion_nernst(double z, double c_out, double c_in, double T, double *E)
{
    if (!isfinite(z) || z == 0)
        return ION_EZ;
    if (!(c_out > 0) || !(c_in > 0) || !isfinite(c_out) || !isfinite(c_in))
        return ION_ECONC;
    if (check_T(T))
        return ION_ETEMP;
    /* Equal concentrations give exactly 0, not a rounding residue. */
    if (c_out == c_in)
        return finite_out(0.0, E);
    return finite_out(thermal_voltage(T) / z * log(c_out / c_in), E);
}

int ion_nernst_act(double z, double c_out, double c_in, double g_out,
                   double g_in, double T, double *E, double *dE)
{
    if (!(g_out > 0) || !(g_in > 0))
        return ION_EDOMAIN;
    int rc = ion_nernst(z, c_out * g_out, c_in * g_in, T, E);
    if (rc || !dE)
        return rc;
    return g_out == g_in ? finite_out(0.0, dE)
                         : finite_out(thermal_voltage(T) / z * log(g_out / g_in), dE);
}

/* Checks a species list: valences non-zero, concentrations non-negative,
 * permeabilities non-negative; returns ION_OK and whether all permeant
 * ions are monovalent. */
static int check_species(const ion_species *ions, size_t n, int *monovalent)
{
    *monovalent = 1;
    for (size_t i = 0; i < n; i++) {
        const ion_species *s = &ions[i];
        if (!isfinite(s->P) || s->P < 0)
            return ION_EDOMAIN;
        if (!isfinite(s->z) || s->z == 0)
            return ION_EZ;
        if (!isfinite(s->c_out) || !isfinite(s->c_in) || s->c_out < 0 || s->c_in < 0)
            return ION_ECONC;
        if (s->P > 0 && fabs(s->z) != 1)
            *monovalent = 0;
    }
    return ION_OK;
}

int ion_ghk_mono(const ion_species *ions, size_t n, double T, double *V)
{
    int mono, rc = check_species(ions, n, &mono);
    if (rc)
        return rc;
    if (!mono)
        return ION_EDOMAIN;
    if (check_T(T))
        return ION_ETEMP;
    /* Cations carry out/in, anions in/out: num = what drives V positive. */
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        const ion_species *s = &ions[i];
        if (s->P == 0)
            continue;
        num += s->P * (s->z > 0 ? s->c_out : s->c_in);
        den += s->P * (s->z > 0 ? s->c_in : s->c_out);
    }
    if (!(num > 0) || !(den > 0))
        return ION_ENOION;
    if (num == den)
        return finite_out(0.0, V);
    return finite_out(thermal_voltage(T) * log(num / den), V);
}

/* x / (1 - e^-x), continuous at 0 (value 1); callers keep |x| <= 700. */
static double x_over_1_minus_exp(double x)
{
    if (fabs(x) < 1e-8)
        return 1.0 + x / 2.0;
    return x / -expm1(-x);
}

/* GHK current for one species in units of P * F * mol/m^3; outward > 0.
 * I = P z F * u/(1-e^-u) * (c_in - c_out e^-u) with u = zV/V_T, written so
 * that no term overflows for large |u|. */
static double ghk_flux(const ion_species *s, double u)
{
    double w = s->z * u;
    if (w > 700)       /* e^-w underflows: I -> P z F w c_in */
        return s->P * s->z * w * s->c_in;
    if (w < -700)      /* e^-w huge: I -> P z F (-w) (-c_out) */
        return s->P * s->z * w * s->c_out;
    if (w < -1e-8)     /* the same times e^w/e^w: c_out e^-w cannot overflow */
        return s->P * s->z * w / expm1(w) * (s->c_in * exp(w) - s->c_out);
    double g = x_over_1_minus_exp(w);
    return s->P * s->z * g * (s->c_in - s->c_out * exp(-w));
}

static double ghk_total(const ion_species *ions, size_t n, double u)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (ions[i].P > 0)
            sum += ghk_flux(&ions[i], u);
    return sum;
}

int ion_ghk(const ion_species *ions, size_t n, double T, double *V)
{
    int mono, rc = check_species(ions, n, &mono);
    if (rc)
        return rc;
    if (mono)
        return ion_ghk_mono(ions, n, T, V);
    if (check_T(T))
        return ION_ETEMP;
    /* Far positive V only ions able to carry outward current count (cations
     * inside, anions outside), far negative V only the others; without
     * both, no V balances the currents. */
    int can_out = 0, can_in = 0;
    for (size_t i = 0; i < n; i++) {
        if (ions[i].P == 0)
            continue;
        can_out |= (ions[i].z > 0 ? ions[i].c_in : ions[i].c_out) > 0;
        can_in |= (ions[i].z > 0 ? ions[i].c_out : ions[i].c_in) > 0;
    }
    if (!can_out || !can_in)
        return ION_ENOION;
    /* The total outward current rises monotonically with V (every term
     * does), so a sign change brackets the unique root; without one, some
     * side has no permeant ion and V would be infinite. Work in u = V/V_T. */
    double lo = -1, hi = 1;
    double flo = ghk_total(ions, n, lo), fhi = ghk_total(ions, n, hi);
    while (flo > 0 && lo > -1e4) {
        lo *= 2;
        flo = ghk_total(ions, n, lo);
    }
    while (fhi < 0 && hi < 1e4) {
        hi *= 2;
        fhi = ghk_total(ions, n, hi);
    }
    if (flo == 0)
        return finite_out(lo * thermal_voltage(T), V);
    if (fhi == 0)
        return finite_out(hi * thermal_voltage(T), V);
    if (!(flo < 0 && fhi > 0))
        return ION_ENOION;
    /* Bisection on the bracket; 1e-12 V absolute is ~4e-11 in u. */
    double tol = 1e-12 / thermal_voltage(T) / 4;
    for (int it = 0; it < 200 && hi - lo > tol; it++) {
        double mid = 0.5 * (lo + hi), fm = ghk_total(ions, n, mid);
        if (fm == 0) {
            lo = hi = mid;
            break;
        }
        if (fm < 0)
            lo = mid;
        else
            hi = mid;
    }
    if (hi - lo > tol)
        return ION_ENUM;
    double u = 0.5 * (lo + hi);
    /* Equal concentrations everywhere: the root is exactly 0. */
    if (fabs(u) <= tol && ghk_total(ions, n, 0.0) == 0)
        u = 0;
    return finite_out(u * thermal_voltage(T), V);
}

int ion_ghk_current(double P, double z, double c_out, double c_in, double V,
                    double T, double *I)
{
    ion_species s = {P, z, c_out, c_in};
    int mono;
    int rc = check_species(&s, 1, &mono);
    if (rc)
        return rc;
    if (check_T(T))
        return ION_ETEMP;
    return finite_out(ION_F * ghk_flux(&s, V / thermal_voltage(T)), I);
}

int ion_chord(const double *g, const double *E, size_t n, double I_pump,
              double *V)
{
    double gsum = 0, gE = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(g[i]) || g[i] < 0 || !isfinite(E[i]))
            return ION_EDOMAIN;
        gsum += g[i];
        gE += g[i] * E[i];
    }
    if (!(gsum > 0) || !isfinite(I_pump))
        return ION_EDOMAIN;
    return finite_out((gE - I_pump) / gsum, V);
}

int ion_pump_offset(double I_pump, double g_L, double *dV)
{
    if (!(g_L > 0) || !isfinite(I_pump))
        return ION_EDOMAIN;
    return finite_out(-I_pump / g_L, dV);
}

int ion_vm_pump(double E_L, double g_L, double I_pump, double *V)
{
    double dV;
    int rc = ion_pump_offset(I_pump, g_L, &dV);
    if (rc)
        return rc;
    return finite_out(E_L + dV, V);
}

int ion_mullins_noda(double r, double P_K, double K_out, double K_in,
                     double P_Na, double Na_out, double Na_in, double T,
                     double *V)
{
    if (!(r > 0))
        return ION_EDOMAIN;
    /* Weighting K by r is the monovalent GHK form with P_K -> r P_K. */
    ion_species s[2] = {{r * P_K, 1, K_out, K_in}, {P_Na, 1, Na_out, Na_in}};
    return ion_ghk_mono(s, 2, T, V);
}

int ion_donnan(double A_in, double z_A, double c_out, double T,
               ion_donnan_result *out)
{
    if (!isfinite(A_in) || A_in < 0 || !(c_out > 0) || !isfinite(c_out))
        return ION_ECONC;
    if (!isfinite(z_A) || z_A >= 0)
        return ION_EZ;
    if (check_T(T))
        return ION_ETEMP;
    double q = -z_A * A_in;  /* fixed negative charge, mol/m^3 */
    /* Cl_in = (-q + sqrt(q^2 + 4c^2))/2, rewritten as 2c^2/(q + sqrt(..))
     * so a small q loses no digits to cancellation. */
    double Cl_in = 2 * c_out * c_out / (q + sqrt(q * q + 4 * c_out * c_out));
    double K_in = Cl_in + q;
    ion_donnan_result r;
    r.Cl_in = Cl_in;
    r.K_in = K_in;
    r.V = K_in == c_out ? 0.0 : thermal_voltage(T) * log(c_out / K_in);
    r.osm_in = K_in + Cl_in + A_in;
    r.osm_out = 2 * c_out;
    r.dosm = r.osm_in - r.osm_out;
    r.Pi = r.dosm * ION_R * T;
    if (!isfinite(r.V) || !isfinite(r.Pi))
        return ION_EDOMAIN;
    *out = r;
    return ION_OK;
}

int ion_osmotic_pressure(double dc, double T, double *Pi)
{
    if (check_T(T))
        return ION_ETEMP;
    return finite_out(dc * ION_R * T, Pi);
}

static int sign_of(double x)
{
    return (x > 0) - (x < 0);
}

int ion_drive(double z, double V_m, double E, double *DF, int *current,
              int *ions)
{
    if (!isfinite(z) || z == 0)
        return ION_EZ;
    double df = V_m - E;
    if (!isfinite(df))
        return ION_EDOMAIN;
    if (DF)
        *DF = df;
    /* Current follows DF; the ions follow z*DF (anions move against it). */
    if (current)
        *current = sign_of(df);
    if (ions)
        *ions = sign_of(z * df);
    return ION_OK;
}

const char *ion_current_name(int current)
{
    return current > 0 ? "outward" : current < 0 ? "inward" : "none";
}

const char *ion_ions_name(int ions)
{
    return ions > 0 ? "out" : ions < 0 ? "in" : "none";
}

int ion_tau(double C, double g, double *tau)
{
    if (!(C > 0) || !(g > 0))
        return ION_EDOMAIN;
    return finite_out(C / g, tau);
}

int ion_ions_per_s(double I, double z, double *rate)
{
    if (!isfinite(z) || z == 0)
        return ION_EZ;
    return finite_out(fabs(I) / (fabs(z) * ION_F) * ION_N_A, rate);
}

int ion_ljp_correct(double V_meas, double V_ljp, double *V_m)
{
    return finite_out(V_meas - V_ljp, V_m);
}

int ion_ussing_ratio(double z, double c_out, double c_in, double V, double T, double *ratio)
{
    if (!isfinite(z) || z == 0)
        return ION_EZ;
    if (!(c_out > 0) || !(c_in > 0))
        return ION_ECONC;
    if (check_T(T))
        return ION_ETEMP;
    return finite_out(c_in / c_out * exp(z * ION_F * V / (ION_R * T)), ratio);
}

int ion_conc_change(double Q, double z, double volume, double *dc)
{
    if (!isfinite(z) || z == 0)
        return ION_EZ;
    if (!(volume > 0))
        return ION_EDOMAIN;
    return finite_out(Q / (z * ION_F * volume), dc);
}

int ion_step_response(double dV, double tau, double t, double *V)
{
    if (!(tau > 0) || !(t >= 0))
        return ION_EDOMAIN;
    return finite_out(dV * (1 - exp(-t / tau)), V);
}

int ion_length_constant(double R_m, double R_i, double d, double *lambda)
{
    if (!(R_m > 0) || !(R_i > 0) || !(d > 0))
        return ION_EDOMAIN;
    return finite_out(sqrt(R_m * d / (4 * R_i)), lambda);
}

int ion_pump_reversal(double dG_atp, double Na_out, double Na_in, double K_out, double K_in, double T,
                      double *V)
{
    if (!(Na_out > 0) || !(Na_in > 0) || !(K_out > 0) || !(K_in > 0))
        return ION_ECONC;
    if (check_T(T))
        return ION_ETEMP;
    double rt = ION_R * T;
    /* One cycle moves 3 Na+ out and 2 K+ in, one charge out of a cell at V:
     * the ions gain 3RT ln(No/Ni) + 2RT ln(Ki/Ko) - FV, and the pump stops
     * where that equals what ATP gives, -dG_atp. */
    return finite_out((dG_atp + 3 * rt * log(Na_out / Na_in) + 2 * rt * log(K_in / K_out)) / ION_F, V);
}

int ion_henderson(const ion_mobile *ions, size_t n, double T, double *V)
{
    if (check_T(T))
        return ION_ETEMP;
    double num = 0, den = 0, s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        const ion_mobile *x = &ions[i];
        if (!isfinite(x->z) || x->z == 0)
            return ION_EZ;
        if (!(x->u >= 0) || !(x->c1 >= 0) || !(x->c2 >= 0))
            return ION_EDOMAIN;
        double az = fabs(x->z);
        num += az * x->u / x->z * (x->c2 - x->c1);
        den += az * x->u * (x->c2 - x->c1);
        s1 += az * x->u * x->c1;
        s2 += az * x->u * x->c2;
    }
    if (!(s1 > 0) || !(s2 > 0))
        return ION_ENOION;
    double rt = ION_R * T / ION_F;
    if (den == 0) /* equal mobility-weighted sums: the log's limit */
        return finite_out(-rt * num / s1, V);
    return finite_out(-rt * num / den * log(s2 / s1), V);
}
