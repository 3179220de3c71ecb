#!/usr/bin/env bash
# ionsheet calc: the public reference cases, display output and exit codes.
set -u
cd "$(dirname "$0")/../.."
bin=${IONSHEET_BIN:-$PWD/ionsheet}  # another build may be tried with IONSHEET_BIN
fail=0
tmp=$(mktemp -d)  # not a fixed /tmp name: other helpers run this test too
trap 'rm -rf "$tmp"' EXIT
check() { # expected-exit description command...
    local want=$1 what=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?
    if [ "$got" != "$want" ]; then echo "FAIL $what: exit $got, expected $want"; cat "$tmp/err"; fail=1; fi
}
expect_line() { # description expected-line
    grep -qxF -- "$2" "$tmp/out" || { echo "FAIL $1: no line '$2' in:"; cat "$tmp/out"; fail=1; }
}
python3 tests/e2e/calc_public_cases.py || fail=1

check 0 "display units" "$bin" calc nernst z=1 out=4mM in=140mM
expect_line "nernst display" "E = -95.0226 mV"
check 0 "micro units" "$bin" calc nernst z=2 out=2mM in=100nM T=310.15K
expect_line "nernst Ca" "E = 132.344 mV"
check 0 "µM and μM" "$bin" calc nernst z=2 out=2000µM in=0.1μM
expect_line "nernst Ca micro" "E = 132.344 mV"
check 0 "uM and degC" "$bin" calc nernst z=2 out=2000uM in=0.1uM T=37degC
expect_line "nernst Ca uM degC" "E = 132.344 mV"
check 0 "drive anion" "$bin" calc drive z=-1 V_m=-70mV E=-64mV
expect_line "drive DF" "DF = -6 mV"
expect_line "drive current" "current = inward"
expect_line "drive ions" "ions = out"
check 0 "donnan display" "$bin" calc donnan A_in=100mM KCl_out=100mM
expect_line "donnan Pi" "Pi = 318.749 kPa"
check 0 "pump" "$bin" calc pump E_L=-70mV g_L=1nS I_pump=5pA
expect_line "pump dV" "dV = -5 mV"
check 2 "unknown kind" "$bin" calc foo z=1
check 2 "unknown name" "$bin" calc nernst z=1 out=4mM in=140mM q=3
check 2 "missing input" "$bin" calc nernst z=1 out=4mM
check 3 "bad number" "$bin" calc nernst z=1 out=abc in=140mM
check 3 "unknown unit" "$bin" calc nernst z=1 out=4mX in=140mM
check 3 "wrong dimension" "$bin" calc nernst z=1 out=4mV in=140mM
check 3 "z = 0" "$bin" calc nernst z=0 out=4mM in=140mM
check 3 "negative concentration" "$bin" calc nernst z=1 out=-4mM in=140mM
check 2 "ghk ion without a valence" "$bin" calc ghk P_X=1 X_out=4mM X_in=140mM
grep -qxF "ionsheet: calc: give the valence of X as z_X" "$tmp/err" || { echo "FAIL valence message:"; cat "$tmp/err"; fail=1; }
check 3 "no ion inside" "$bin" calc ghk P_K=1 K_out=4mM K_in=0mM
grep -q "^ionsheet: calc: " "$tmp/err" || { echo "FAIL message format"; fail=1; }
check 0 "help" "$bin" calc --help
# calc expr: an expression as an import compiles it, with its dimension.
check 0 "expr" "$bin" calc expr 'nernst(1, 4[mM], 140[mM], 37[C]) - 3[mV]'
expect_line "expr value" "-98.0226 mV (a voltage (V))"
check 0 "expr length" "$bin" calc expr 'length_constant(10000[Ohm*cm^2], 100[Ohm*cm], 1[um])'
expect_line "expr lambda" "500 µm (a length (m))"
# A dimensionless result is the number alone: "1" is how one is written in,
# not a unit to print ("2 1" was printed).
check 0 "expr dimensionless" "$bin" calc expr '2*3'
expect_line "expr dimensionless" "6 (a dimensionless number)"
check 0 "expr dimensionless --si" "$bin" calc expr '1[mV]/1[V]' --si
expect_line "expr ratio --si" "0.001 (a dimensionless number)"
check 0 "expr percent" "$bin" calc expr '50[%]'
expect_line "expr percent" "0.5 (a dimensionless number)"
check 0 "expr --si" "$bin" calc expr '1[pA]*1[ms]' --si
expect_line "expr charge --si" "1e-15 A s (a charge (A s))"
check 3 "expr volt plus number" "$bin" calc expr 'nernst(2, 2[mM], 100[nM], 37[C]) + 1'
grep -qF "adds a voltage (V) and a dimensionless number" "$tmp/err" || { echo "FAIL expr dimension message:"; cat "$tmp/err"; fail=1; }
# a dimension error quotes the whole operation, its left operand an operation too
check 3 "expr product plus volt" "$bin" calc expr '(1[mV]+2[mV])*3[mA] + 1[mV]'
grep -qxF "ionsheet: calc: expr: '(1[mV]+2[mV])*3[mA] + 1[mV]' adds a quantity in m^2 kg s^-3 and a voltage (V)" "$tmp/err" ||
    { echo "FAIL expr quote of an operation:"; cat "$tmp/err"; fail=1; }
check 3 "expr product plus volt, zh" "$bin" --lang zh calc expr '1[mV]*1[mA] + 1[mV]'
grep -qxF "ionsheet: calc：expr：'1[mV]*1[mA] + 1[mV]' 把 单位为 m^2 kg s^-3 的量 与 电压（V） 相加" "$tmp/err" ||
    { echo "FAIL expr quote of an operation in Chinese:"; cat "$tmp/err"; fail=1; }
check 2 "expr without expression" "$bin" calc expr
exit $fail
