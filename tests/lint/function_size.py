#!/usr/bin/env python3
"""Commands only parse options and print (issue 16): no function in the
given C files is longer than LIMIT lines, counted from the first line of
its declaration to its closing brace. Functions are found the way this
code base writes them: the body opens with '{' in column 0 and closes
with '}' in column 0. Prints each offender as file:line and exits 1."""
import sys

LIMIT = 60


def functions(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    start = None
    for i, line in enumerate(lines):
        if line.startswith("{"):
            j = i
            # walk back over the declaration to the line that follows a
            # blank line, a directive, a comment or another statement's end
            while j > 0:
                prev = lines[j - 1].rstrip()
                if (not prev or prev.startswith(("#", "}", "/*", " *", "//"))
                        or prev.endswith((";", "*/", "}"))):
                    break
                j -= 1
            start = j
        elif line.startswith("}") and start is not None:
            yield start + 1, lines[start].strip(), i - start + 1
            start = None


def main(paths):
    bad = 0
    for path in paths:
        for line, decl, n in functions(path):
            if n > LIMIT:
                print(f"{path}:{line}: {n} lines (limit {LIMIT}): {decl}")
                bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
