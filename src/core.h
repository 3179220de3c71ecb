/* The compute core: every formula of PHYSICS.md, SI units in and out, no I/O.
 *
 * Every function returns ION_OK or a negative ion_err code and writes its
 * result through an out pointer, so invalid physics is an error value and
 * never a NaN in anybody's output. Concentrations are in mol/m^3 (= mM),
 * potentials in V, temperatures in K, currents in A, conductances in S,
 * capacitances in F, pressures in Pa, osmolarities in osmol/m^3. */
#ifndef ION_CORE_H
#define ION_CORE_H

#include <stddef.h>

#define ION_R 8.314462618          /* J/(mol K) */
#define ION_F 96485.33212          /* C/mol */
#define ION_N_A 6.02214076e23      /* 1/mol */
#define ION_ZERO_C 273.15          /* K at 0 degrees Celsius */
#define ION_DEFAULT_T (37.0 + ION_ZERO_C)

typedef enum {
    ION_OK = 0,
    ION_EZ = -1,         /* z = 0 (or not allowed for this formula) */
    ION_ECONC = -2,      /* a concentration that must be positive is not */
    ION_ETEMP = -3,      /* temperature not positive */
    ION_ENOION = -4,     /* no permeant ion on one side / all weights zero */
    ION_EDOMAIN = -5,    /* any other impossible input (negative g, ...) */
    ION_ENUM = -6,       /* the root finder failed (should not happen) */
} ion_err;

/* A stable name of an error code ("z", "concentration", ..., "unknown"
 * for a code that is none of them), not words: the core holds no text, a
 * message puts the code in words in its language (text.h:
 * ion_text_core_error, the catalogue's err.core.NAME). */
const char *ion_err_name(int err);

/* E = (RT/zF) ln(out/in). */
int ion_nernst(double z, double c_out, double c_in, double T, double *E);

/* Activity-corrected Nernst: E = (RT/zF) ln(g_o out / g_i in); *dE is the
 * error made by using concentrations, (RT/zF) ln(g_o/g_i). dE may be NULL. */
int ion_nernst_act(double z, double c_out, double c_in, double g_out,
                   double g_in, double T, double *E, double *dE);

/* One permeant ion species for the GHK equations. */
typedef struct {
    double P;     /* permeability (any consistent unit, relative is fine) */
    double z;     /* valence, non-zero */
    double c_out; /* mol/m^3, >= 0 */
    double c_in;  /* mol/m^3, >= 0 */
} ion_species;

/* GHK voltage: V where the sum of GHK currents is zero. Closed form when
 * every ion with P > 0 has |z| = 1; otherwise a bracketing root finder
 * converged to 1e-12 V. */
int ion_ghk(const ion_species *ions, size_t n, double T, double *V);

/* The closed monovalent form only (ION_EDOMAIN if some |z| != 1). */
int ion_ghk_mono(const ion_species *ions, size_t n, double T, double *V);

/* GHK current density I = P z^2 F^2 V/(RT) (c_in - c_out e^{-zFV/RT}) /
 * (1 - e^{-zFV/RT}), outward positive; with P in m/s the result is A/m^2.
 * The V -> 0 limit is P z F (c_in - c_out). */
int ion_ghk_current(double P, double z, double c_out, double c_in, double V,
                    double T, double *I);

/* Chord conductance: V = (sum g E - I_pump) / sum g. */
int ion_chord(const double *g, const double *E, size_t n, double I_pump,
              double *V);

/* V_m with a pump: V = E_L - I_pump/g_L; offset dV = -I_pump/g_L. */
int ion_vm_pump(double E_L, double g_L, double I_pump, double *V);
int ion_pump_offset(double I_pump, double g_L, double *dV);

/* Mullins-Noda with coupling ratio r (1.5 for 3:2):
 * V = (RT/F) ln((r P_K Ko + P_Na Nao)/(r P_K Ki + P_Na Nai)). */
int ion_mullins_noda(double r, double P_K, double K_out, double K_in,
                     double P_Na, double Na_out, double Na_in, double T,
                     double *V);

/* Donnan equilibrium of a cell holding impermeant anions A (valence z_A < 0)
 * at A_in in a KCl bath of concentration c. */
typedef struct {
    double K_in, Cl_in;     /* mol/m^3 */
    double V;               /* Donnan potential, V */
    double osm_in, osm_out; /* osmol/m^3 */
    double dosm;            /* osm_in - osm_out */
    double Pi;              /* van 't Hoff pressure dosm R T, Pa */
} ion_donnan_result;
int ion_donnan(double A_in, double z_A, double c_out, double T,
               ion_donnan_result *out);

/* van 't Hoff: Pi = dc R T. */
int ion_osmotic_pressure(double dc, double T, double *Pi);

/* Driving force DF = V_m - E, with current direction (+1 outward, -1
 * inward, 0 none) and ion movement (+1 out, -1 in, 0 none) for valence z. */
typedef enum { ION_NONE = 0, ION_OUTWARD = 1, ION_INWARD = -1 } ion_sense;
int ion_drive(double z, double V_m, double E, double *DF, int *current,
              int *ions);
const char *ion_current_name(int current); /* "outward" "inward" "none" */
const char *ion_ions_name(int ions);       /* "out" "in" "none" */

/* Membrane time constant tau = C / g. */
int ion_tau(double C, double g, double *tau);

/* Ions per second carried by a current I of ions with valence z:
 * |I| / (|z| F) * N_A. */
int ion_ions_per_s(double I, double z, double *rate);

/* Liquid-junction correction: V_m = V_meas - V_LJP. */
int ion_ljp_correct(double V_meas, double V_ljp, double *V_m);

/* Ussing flux ratio efflux/influx of an ion of valence z moving passively
 * and independently at V: (c_in/c_out) e^{zFV/RT}. */
int ion_ussing_ratio(double z, double c_out, double c_in, double V, double T, double *ratio);

/* The change of concentration a charge Q (C) of ions of valence z makes
 * in a volume (m^3): Q / (z F volume), mol/m^3 (= mM). */
int ion_conc_change(double Q, double z, double volume, double *dc);

/* The change of V_m at time t after a current step that will move it by
 * dV in the end, with membrane time constant tau: dV (1 - e^{-t/tau}). */
int ion_step_response(double dV, double tau, double t, double *V);

/* Length constant of a cylinder: sqrt(R_m d / (4 R_i)), with R_m the
 * specific membrane resistance (ohm m^2), R_i the axial resistivity
 * (ohm m), d the diameter (m). */
int ion_length_constant(double R_m, double R_i, double d, double *lambda);

/* Reversal potential of the 3 Na+ : 2 K+ pump: 3 E_Na - 2 E_K + dG_atp/F,
 * dG_atp the free energy of ATP hydrolysis (J/mol, negative). */
int ion_pump_reversal(double dG_atp, double Na_out, double Na_in, double K_out, double K_in, double T,
                      double *V);

/* One ion for the Henderson liquid-junction equation: mobility u
 * (relative units), valence z, concentrations in solutions 1 and 2. */
typedef struct {
    double u, z, c1, c2;
} ion_mobile;

/* Henderson liquid-junction potential: the potential of solution 2
 * relative to solution 1 (V). */
int ion_henderson(const ion_mobile *ions, size_t n, double T, double *V);

#endif
