#!/usr/bin/env python3
"""Runs every case of tests/cases/public.tsv (a copy of shared/cases/public.tsv,
so the tests need nothing outside the repository) through `ionsheet calc --si`
and compares with the independent implementation's results."""
import math, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASES = os.path.join(ROOT, "tests", "cases", "public.tsv")

def main():
    failures = count = 0
    with open(CASES, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            kind, inputs, expected, note = line.rstrip("\n").split("\t")
            out = subprocess.run([os.environ.get("IONSHEET_BIN", os.path.join(ROOT, "ionsheet")), "calc", kind, *inputs.split(), "--si"],
                                 capture_output=True, text=True)
            got = {}
            for row in out.stdout.splitlines():
                name, _, rest = row.partition(" = ")
                got[name] = rest.split()[0]
            for pair in expected.split():
                name, want = pair.split("=")
                count += 1
                have = got.get(name)
                ok = have is not None
                if ok:
                    try:
                        w, h = float(want), float(have)
                        ok = math.isclose(h, w, rel_tol=1e-9, abs_tol=1e-12)
                    except ValueError:
                        ok = have == want
                if not ok or out.returncode != 0:
                    failures += 1
                    print(f"FAIL {note}: {name} expected {want}, got {have} (exit {out.returncode}) {out.stderr.strip()}")
    print(f"calc public cases: {count - failures}/{count} values match")
    return 1 if failures else 0

if __name__ == "__main__":
    sys.exit(main())
