#!/usr/bin/env python3
"""No user-facing English literal outside the message catalogue.

Reads the C sources for calls that print or report (printf, fprintf, fputs,
puts, cli_msg, cli_say, cli_err, ion_fail, refuse, ...) and the string
literals among their arguments. A literal holding an English word (two
letters or more, outside % conversions) must be a catalogue key
(`cli.x.y`, `err.x`, or any key of templates/en.conf), or be allowed in tests/lint/messages.allow with a reason (what
scripts read, names that are the same in every language, ...).

The same holds for the library (src/*.c): its error messages are err.*
keys (ion_fail_key and its kin, ion_text_say for a message's pieces); a
new English literal fails, as in src/cli/, in check.c's and instance.c's
snprintf too (they write report sentences), and the compute core
(src/core.c) holds no text at all.

Each call that names a message (cli_msg(NULL, 0, "cli.x", "%s%d", ...),
ion_fail_key, ...) names a key of templates/en.conf whose format takes the
arguments of the conversions it passes (the compiler checks the arguments
against those).

Usage: messages.py (from the top of the tree); exit 1 on a literal that
is neither, or on a call whose key is not in templates/en.conf or takes
other arguments.
"""
import os, re, sys

CALLS = r'\b(printf|fprintf|fputs|puts|cli_msg|cli_say|cli_err|cli_fail|ion_fail|ion_fail_key|ion_text_say|refuse|fail|db_fail|run|run_for|note|grade_note|refuse_row|tfail|fail_file)\s*\('
# Files whose snprintf writes the words of a report (bank check's rules,
# a let or answer with no value): there snprintf is a report call too.
SENTENCES = {'src/check.c': r'\bsnprintf\s*\(', 'src/instance.c': r'\bsnprintf\s*\('}
KEY = re.compile(r'^(cli|err)\.[a-z0-9_.]+$')
WORD = re.compile(r'[A-Za-z]{2,}')
CONV = re.compile(r'%(%|[0-9$]*[-+ #0\']*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|z|j|t|L)?[a-zA-Z])')


def args_of(src, start):
    """The text of the call's arguments from the '(' at start to its match."""
    depth, i, n = 0, start, len(src)
    while i < n:
        c = src[i]
        if c in '"\'':
            q, i = c, i + 1
            while i < n and src[i] != q:
                i += 2 if src[i] == '\\' else 1
        elif c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
            if depth == 0:
                return src[start + 1:i]
        i += 1
    return src[start + 1:]


def literals(args):
    """Adjacent string literals joined, as they are in the source."""
    out, cur = [], None
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"|(\S)', args):
        if m.group(1) is not None:
            cur = (cur or '') + m.group(1)
        else:
            if cur is not None:
                out.append(cur)
            cur = None
    if cur is not None:
        out.append(cur)
    return out


def english(lit):
    return bool(WORD.search(CONV.sub('', lit.replace('\\n', ' ').replace('\\r', ' ').replace('\\t', ' '))))


def strip_comments(src):
    return re.sub(r'//[^\n]*|/\*.*?\*/', lambda m: re.sub(r'[^\n]', ' ', m.group(0)), src, flags=re.S)


def found(paths):
    for path in paths:
        src = strip_comments(open(path, encoding='utf-8').read())
        calls = CALLS + ('|' + SENTENCES[path] if path in SENTENCES else '')
        for m in re.finditer(calls, src):
            line = src.count('\n', 0, m.start()) + 1
            for lit in literals(args_of(src, m.end() - 1)):
                if english(lit) and not KEY.match(lit):
                    yield path, line, m.group(1) or 'snprintf', lit


def load_allow(path):
    rules = []
    for n, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line.strip() or line.startswith('#'):
            continue
        parts = line.split('\t')
        if len(parts) != 3 or not parts[2].strip():
            sys.exit('%s:%d: want FILE<TAB>REGEX<TAB>REASON' % (path, n))
        rules.append((parts[0], re.compile(parts[1]), n))
    return rules


def catalogue_keys(path):
    """The keys of templates/en.conf: a literal that is one is a lookup."""
    keys = set()
    for line in open(path, encoding='utf-8'):
        if '=' in line and not line.lstrip().startswith('#'):
            keys.add(line.split('=', 1)[0].strip())
    return keys


TYPES = [('', 'dic', 'i'), ('h', 'di', 'i'), ('hh', 'di', 'i'), ('', 'ouxX', 'u'), ('h', 'ouxX', 'u'),
         ('hh', 'ouxX', 'u'), ('l', 'di', 'l'), ('l', 'ouxX', 'L'), ('ll', 'di', 'q'), ('ll', 'ouxX', 'Q'),
         ('z', 'diouxX', 'z'), ('', 'fFeEgGaA', 'f'), ('l', 'fFeEgGaA', 'f'), ('', 's', 's'), ('', 'p', 'p')]
SPEC = re.compile(r"%(?:(\d+)\$)?[-+ #0']*(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|z)?([a-zA-Z%])")


def signature(fmt):
    """The argument types of a printf format, as src/text.c's ion_text_signature."""
    args, n = {}, 0
    for m in SPEC.finditer(fmt):
        if m.group(5) == '%':
            continue
        for star in (m.group(2), m.group(3)):
            if star == '*':
                n += 1
                args[n] = 'i'
        t = next((c for ln, convs, c in TYPES if ln == (m.group(4) or '') and m.group(5) in convs), '?')
        pos = int(m.group(1)) if m.group(1) else n + 1
        n = max(n, pos) if m.group(1) else pos
        args[pos] = t
    return ''.join(args.get(i, '?') for i in range(1, max(args, default=0) + 1))


def catalogue_formats(path):
    """key -> value of templates/en.conf's messages, escapes decoded."""
    out = {}
    for line in open(path, encoding='utf-8'):
        if '=' not in line or line.lstrip().startswith('#'):
            continue
        k, v = (x.strip() for x in line.split('=', 1))
        if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
            v = v[1:-1]
        out[k] = v.replace('\\\\', '\\').replace('\\n', '\n')
    return out


# Calls whose arguments after the key are implied: bank.c's database
# failures (db_fail, run, run_for) pass SQLite's reason and the system's,
# outfile.c's fail_file the system's.
IMPLIED = {'db_fail': '%s%s', 'run': '%s%s', 'run_for': '%s%s', 'fail_file': '%s'}


def check_keys(files, formats):
    """Every literal written as a key ("err.db.read", held in a variable or
    returned before it reaches a call) is a key of templates/en.conf."""
    bad = 0
    for path in files:
        src = strip_comments(open(path, encoding='utf-8').read())
        src = re.sub(r'(?m)^\s*#\s*include[^\n]*', '', src)
        for m in re.finditer(r'"((?:cli|err)\.[a-z0-9_.]+)"', src):
            if m.group(1) not in formats:
                print('%s:%d: %s is not in templates/en.conf' % (path, src.count('\n', 0, m.start()) + 1, m.group(1)))
                bad += 1
    return bad


def check_calls(files, formats):
    """Each message call's key is in en.conf and takes the arguments its
    sig names (cli_msg(NULL, 0, "cli.x", "%s%d", ...)): what the compiler
    checks the arguments against is what the catalogue's format takes."""
    bad = 0
    call = re.compile(r'\b(cli_msg|cli_say|cli_err|cli_fail|cli_vformat|ion_fail_key|ion_text_say|fail|refuse|db_fail|run|'
                      r'run_for|note|grade_note|refuse_row|tfail|fail_file)\s*\(')
    for path in files:
        src = strip_comments(open(path, encoding='utf-8').read())
        for m in call.finditer(src):
            lits = re.findall(r'"((?:[^"\\]|\\.)*)"', args_of(src, m.end() - 1))
            first = next((i for i, lit in enumerate(lits) if KEY.match(lit)), None)
            if first is None:
                continue
            end = first
            while end < len(lits) and KEY.match(lits[end]):  # c ? "k1" : "k2"
                end += 1
            if m.group(1) in IMPLIED:
                lits = lits[:end] + [IMPLIED[m.group(1)]]
            if end == len(lits):
                continue
            named, sig, line = lits[first:end], lits[end], src.count('\n', 0, m.start()) + 1
            for lit in named:
                if lit not in formats:
                    print('%s:%d: %s is not in templates/en.conf' % (path, line, lit))
                    bad += 1
                elif signature(formats[lit]) != signature('' if sig == '-' else sig):
                    print('%s:%d: %s takes "%s" in templates/en.conf, the call passes "%s"'
                          % (path, line, lit, formats[lit], sig))
                    bad += 1
    return bad


def core_text(path='src/core.c'):
    """The compute core holds no text (its codes are put in words by the
    catalogue, err.core.*): a literal of two words or more there fails."""
    src = strip_comments(open(path, encoding='utf-8').read())
    bad = 0
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', src):
        if re.search(r'[A-Za-z]{2,}\s+[A-Za-z]{2,}', CONV.sub('', m.group(1))):
            print('%s:%d: the compute core holds no text (a code, put in words as err.core.*): "%s"'
                  % (path, src.count('\n', 0, m.start()) + 1, m.group(1)))
            bad += 1
    return bad


def main():
    here = 'tests/lint'
    keys = catalogue_keys('templates/en.conf')
    allow = load_allow(os.path.join(here, 'messages.allow'))
    files = sorted('src/cli/' + f for f in os.listdir('src/cli') if f.endswith('.c'))
    files += sorted('src/' + f for f in os.listdir('src') if f.endswith('.c'))
    formats = catalogue_formats('templates/en.conf')
    bad, used = check_calls(files, formats) + check_keys(files, formats) + core_text(), set()
    for path, line, call, lit in found(files):
        if lit in keys:
            continue
        rule = next((r for r in allow if r[0] == path and r[1].search(lit)), None)
        if rule:
            used.add(rule[2])
            continue
        print('%s:%d: %s: English text outside the catalogue: "%s"' % (path, line, call, lit))
        bad += 1
    for rule in allow:
        if rule[2] not in used:
            print('tests/lint/messages.allow:%d: allows nothing any more' % rule[2])
            bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
