#!/usr/bin/env bash
# The comparison of issue 8: ionsheet's time per worksheet beside the floor
# of every LaTeX-based generator (one pdflatex run of an equivalent
# one-page, 5-problem worksheet, written below) and beside R/exams'
# published figures (exams2pdf about 0.45 s per PDF version of a 5-exercise
# numeric exam, LaTeX included; exams2moodle about 0.15 s per version).
# pdflatex comes from Debian's texlive-latex-base; without it this prints
# how to get it and stops (exit 0, so `make bench` goes on).
# Ours: a 5-problem worksheet (one problem per family) generated for a
# class of BENCH_LATEX_CLASS (1,000) students with every PDF (student PDF,
# class.pdf and solutions.pdf pages), and with --no-pdf (key.xml, answer
# file and database rows, our nearest to a Moodle XML version); and one
# `generate --student` run for a single student, start to exit, the fair
# match for one pdflatex process. Medians of BENCH_LATEX_RUNS (7) runs;
# CPU = user + system. IONSHEET_BIN another ionsheet. Files under $TMPDIR.
set -eu
cd "$(dirname "$0")/.."
ion=${IONSHEET_BIN:-$PWD/ionsheet}
runs=${BENCH_LATEX_RUNS:-7}
class=${BENCH_LATEX_CLASS:-1000}
if ! command -v pdflatex >/dev/null; then
    echo "bench/latex.sh: skipped: no pdflatex (apt-get install texlive-latex-base)"
    exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# The worksheet, as a LaTeX author would write it for one student: the
# same header, five problems and nine parts, answer boxes and tick boxes
# as ionsheet's, standard fonts, base LaTeX packages only.
cat >"$tmp/sheet.tex" <<'EOF'
\documentclass[11pt,a4paper]{article}
\usepackage[margin=18mm]{geometry}
\usepackage{amsmath}
\usepackage{fancyhdr}
\pagestyle{fancy}\fancyhf{}\renewcommand{\headrulewidth}{0pt}
\fancyfoot[C]{\small Page \thepage}
\setlength{\parindent}{0pt}
\newcommand{\conc}[2]{[\mathrm{#1}]_{\mathrm{#2}}}
\newcommand{\answer}[1]{\par\smallskip\hspace*{8mm}Answer~\framebox[45mm]{\rule{0pt}{4mm}}~#1\par\medskip}
\newcommand{\tick}[1]{\par\smallskip\hspace*{8mm}#1\par\medskip}
\newcommand{\tickbox}{\framebox[3mm]{\rule{0pt}{2mm}}}
\newcommand{\problem}[3]{\par\bigskip\textbf{Problem #1}\quad\textbf{#2}\hfill #3 points\par\smallskip}
\newcommand{\qpart}[3]{\par\smallskip\makebox[10mm][l]{#1}\parbox[t]{140mm}{#2}\hfill #3\par}
\begin{document}
{\small PHYS2}\hfill Total: 15 points\par\medskip
{\Large\bfseries Week 5: resting potential}\par\medskip
Name\quad\underline{\makebox[70mm][l]{Ada Li}}\hfill Student ID\quad\underline{\makebox[30mm][l]{s001}}\par\smallskip
{\small Give numeric answers in the units shown, to about three significant figures.
Tick exactly one box for each choice question.}

\problem{1}{Potassium equilibrium potential}{3}
A neuron has $\conc{K^+}{o} = 6.2$~mM and $\conc{K^+}{i} = 127$~mM at 37~$^\circ$C.
\qpart{1a}{Calculate the potassium equilibrium potential $E_\mathrm{K}$.}{2 points}
\answer{mV}
\qpart{1b}{If the membrane potential is $V_\mathrm{m} = -62$~mV and the membrane is permeable to
K$^+$, in which direction does the K$^+$ current flow (outward, inward or none)?}{1 point}
\tick{\tickbox~outward\qquad\tickbox~inward\qquad\tickbox~none}

\problem{2}{Resting potential from K$^+$ and Na$^+$ permeabilities}{2}
At rest a neuron is permeable to K$^+$ and Na$^+$ with $P_\mathrm{Na}/P_\mathrm{K} = 0.090$.
$\conc{K^+}{o} = 3.0$~mM, $\conc{K^+}{i} = 140$~mM, $\conc{Na^+}{o} = 145$~mM,
$\conc{Na^+}{i} = 16$~mM, $T = 25$~$^\circ$C.
\qpart{2a}{Use the GHK voltage equation to calculate the resting potential $V_\mathrm{m}$.}{2 points}
\answer{mV}

\problem{3}{Resting potential with an electrogenic pump}{2}
The leak conductances of a neuron add up to $g_\mathrm{L} = 1.5$~nS with a leak reversal
potential $E_\mathrm{L} = -55$~mV. The Na$^+$/K$^+$ pump carries $I_\mathrm{pump} = 30$~pA outward.
\qpart{3a}{Calculate the resting potential $V_\mathrm{m}$.}{2 points}
\answer{mV}

\problem{4}{Donnan equilibrium: K$^+$ and Cl$^-$ inside a cell}{3}
A cell without a Na$^+$/K$^+$ pump contains impermeant organic anions A$^-$ ($z = -1$) at
100~mM. Its membrane is permeable to K$^+$ and Cl$^-$ only, and it sits in a large bath of
70~mM KCl. Ignore water movement.
\qpart{4a}{At Donnan equilibrium, what is $\conc{Cl^-}{i}$?}{2 points}
\answer{mM}
\qpart{4b}{What is $\conc{K^+}{i}$?}{1 point}
\answer{mM}

\problem{5}{Chloride: current direction versus ion movement}{5}
A neuron at 37~$^\circ$C has $\conc{Cl^-}{o} = 124$~mM and $\conc{Cl^-}{i} = 23$~mM.
It sits at $V_\mathrm{m} = -57$~mV when GABA$_\mathrm{A}$ receptors (Cl$^-$ channels) open.
\qpart{5a}{Calculate the driving force $V_\mathrm{m} - E_\mathrm{Cl}$.}{2 points}
\answer{mV}
\qpart{5b}{Is the Cl$^-$ current outward, inward or none?}{1 point}
\tick{\tickbox~outward\qquad\tickbox~inward\qquad\tickbox~none}
\qpart{5c}{Which way do the Cl$^-$ ions move (out, in, none)?}{2 points}
\tick{\tickbox~out\qquad\tickbox~in\qquad\tickbox~none}
\end{document}
EOF

# Runs "$@" $runs times after one warm-up; prints the median wall and CPU
# (user + system, from getrusage) seconds of one run.
timed_runs() {
    python3 - "$runs" "$@" <<'PY'
import resource, statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
def once():
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    t1 = time.perf_counter(); c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return t1 - t0, (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
once()
r = [once() for _ in range(runs)]
print(statistics.median(w for w, _ in r), statistics.median(c for _, c in r))
PY
}

(cd "$tmp" && pdflatex -interaction=batchmode -halt-on-error sheet.tex >/dev/null) ||
    { echo "bench/latex.sh: pdflatex failed:"; tail -20 "$tmp/sheet.log"; exit 1; }
pages=$(pdfinfo "$tmp/sheet.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
[ "${pages:-1}" = 1 ] || { echo "bench/latex.sh: the LaTeX worksheet has $pages pages, not 1"; exit 1; }
read -r tex_wall tex_cpu < <(cd "$tmp" && timed_runs pdflatex -interaction=batchmode sheet.tex)

db="$tmp/b.db"
"$ion" --db "$db" --quiet init
{ echo "id,name"; for i in $(seq -w 1 "$class"); do echo "s$i,Student $i"; done; } >"$tmp/roster.csv"
"$ion" --db "$db" --quiet roster import "$tmp/roster.csv" --course C
"$ion" --db "$db" --quiet worksheet create w --course C \
    --problems nernst-k,ghk-kna,pump-vm,donnan-concentrations,drive-cl
first=$(sed -n 2p "$tmp/roster.csv" | cut -d, -f1)
read -r one_wall one_cpu < <(timed_runs "$ion" --db "$db" --quiet generate w --student "$first" --out "$tmp/one")
read -r pdf_wall pdf_cpu < <(timed_runs "$ion" --db "$db" --quiet generate w --out "$tmp/all")
read -r key_wall key_cpu < <(timed_runs "$ion" --db "$db" --quiet generate w --out "$tmp/key" --no-pdf)

awk -v tw="$tex_wall" -v tc="$tex_cpu" -v ow="$one_wall" -v oc="$one_cpu" -v pw="$pdf_wall" -v pc="$pdf_cpu" \
    -v kw="$key_wall" -v kc="$key_cpu" -v n="$class" -v runs="$runs" 'BEGIN {
    p = 1000 * pc / n; k = 1000 * kc / n
    printf "per worksheet (medians of %d runs; ms)                      wall      CPU\n", runs
    printf "  pdflatex, one run of the one-page LaTeX worksheet      %8.1f %8.1f\n", 1000 * tw, 1000 * tc
    printf "  ionsheet generate --student, one worksheet, whole run  %8.2f %8.2f\n", 1000 * ow, 1000 * oc
    printf "  ionsheet generate, class of %d, every PDF            %8.3f %8.3f\n", n, 1000 * pw / n, p
    printf "  ionsheet generate --no-pdf, class of %d (key+db)     %8.3f %8.3f\n", n, 1000 * kw / n, k
    printf "  R/exams exams2pdf (published)                          %8.0f\n", 450
    printf "  R/exams exams2moodle (published)                       %8.0f\n", 150
    printf "speed-up per worksheet (CPU): %.0fx R/exams PDF, %.0fx pdflatex alone; key+db %.0fx R/exams Moodle XML; one-student run %.0fx R/exams PDF\n",
           450 / p, 1000 * tc / p, 150 / k, 450 / (1000 * oc) }'
