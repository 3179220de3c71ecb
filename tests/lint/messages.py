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

Wrappers count as report calls too: any function of src/ that takes a
printf format (`const char *fmt, ...` or `va_list`) or a `what`/`why`
string (problem.c's tfail, roster.c's refuse_row, ...), found by reading
their definitions. ion_fail, which keeps no key, is a finding in the
library outside the text layer whatever it passes (`"%s", msg` hides the
English in a variable): copying an error already said is allowed with its
reason. And any literal of src/ holding two English words or more (SQL,
XML and the schema's comments aside) is a finding unless it is a key or
allowed: English passed in a variable (`why = "NUL byte in the row"`)
is found where it is written. A key-taking call's key must be a key
literal or a variable, never text (a sentence passed as a key is printed
as itself: text.c's ion_fail_key falls back to the key).

A message that holds a count has its plural forms in the catalogue
(KEY.one, KEY.other; a call names KEY and picks the form with
ion_text_plural or cli_plural, or a counted phrase count.* with
ion_text_count or cli_count): C never builds a plural, so `n == 1 ? "" :
"s"` (either way round) and a lone "s" passed to a print or message call
fail.

Usage: messages.py (from the top of the tree); exit 1 on a literal that
is neither, on a call whose key is not in templates/en.conf or takes
other arguments, or on a plural built in C.
"""
import os, re, sys

CALLS_NAMED = ['printf', 'fprintf', 'fputs', 'puts', 'cli_msg', 'cli_say', 'cli_err', 'cli_fail', 'ion_fail',
               'ion_fail_key', 'ion_text_say', 'refuse', 'fail', 'db_fail', 'run', 'run_for', 'note', 'grade_note',
               'refuse_row', 'tfail', 'fail_file']
# Files whose snprintf writes the words of a report (bank check's rules,
# a let or answer with no value): there snprintf is a report call too.
SENTENCES = {'src/check.c', 'src/instance.c'}
# What a wrapper passes its format or what/why on to, to be one itself.
REPORTS = ['ion_fail', 'ion_fail_key', 'ion_text_say', 'ion_fail_refusal', 'cli_msg', 'cli_err', 'cli_fail',
           'fprintf', 'vfprintf']
# Functions taking a format that print into a buffer or a file, not a
# message: what their callers pass is seen by the phrase check.
PRINTERS = {'ion_strbuf_printf', 'putf', 'library_log'}
KEY = re.compile(r'^(cli|err|count)\.[a-z0-9_.]+$')
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
    """Comments blanked (lines kept); a // or /* inside a literal is not one."""
    def blank(m):
        return m.group(0) if m.group(0)[0] in '"\'' else re.sub(r'[^\n]', ' ', m.group(0))
    return re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|//[^\n]*|/\*.*?\*/', blank, src, flags=re.S)


# The text layer itself: error.c is ion_fail, text.c and tmpl.c say the
# catalogue's own failures when there is no catalogue to say them with.
TEXT_LAYER = {'src/error.c', 'src/text.c', 'src/tmpl.c'}


def wrappers(paths, calls):
    """Functions defined in paths that take a printf format (buffer
    printers aside) or a what/why string that they pass on to a report
    call (ion_fail_key, ...): their calls are report calls too, a static
    one's in its own file. Yields (file or None, name)."""
    defn = re.compile(r'(\bstatic\s+)?\b[a-z_][a-z0-9_ *]*?\b([a-z_][a-z0-9_]*)\s*\(([^;{}()]*)\)\s*\{', re.S)
    found, names = [], set(calls)
    for path in paths:
        src = strip_comments(open(path, encoding='utf-8').read())
        for m in defn.finditer(src):
            scope, name, params = path if m.group(1) else None, m.group(2), m.group(3)
            if name in PRINTERS:
                continue
            if re.search(r'const char \*fmt\s*,\s*(\.\.\.|va_list)', params):
                yield scope, name
                names.add(name)
            elif re.search(r'const char \*(what|why)\b', params):
                found.append((scope, name, src[m.end():m.end() + body_length(src, m.end() - 1)]))
    grown = True
    while grown:  # a wrapper of a wrapper is one too
        grown = False
        for scope, name, body in found:
            if name not in names and re.search(r'\b(' + '|'.join(sorted(names)) + r')\s*\(', body):
                names.add(name)
                grown = True
                yield scope, name


def body_length(src, brace):
    """Length of the block whose '{' is at brace, to its matching '}'."""
    depth = 0
    for i in range(brace, len(src)):
        depth += {'{': 1, '}': -1}.get(src[i], 0)
        if depth == 0:
            return i - brace
    return len(src) - brace


def found(paths, calls):
    for path in paths:
        mine = [name for scope, name in calls if scope in (None, path)]
        pattern = re.compile(r'\b(' + '|'.join(sorted(set(mine))) + r')\s*\(')
        src = strip_comments(open(path, encoding='utf-8').read())
        for m in pattern.finditer(src):
            line = src.count('\n', 0, m.start()) + 1
            args = args_of(src, m.end() - 1)
            if re.match(r'\s*(const\s+)?(int|char|ion_error|builder|row|void)\b', args):
                continue  # a declaration or definition
            if m.group(1) == 'ion_fail' and path.startswith('src/') and path not in TEXT_LAYER:
                yield path, line, 'ion_fail', 'no key: ' + ', '.join(split_args(args)[3:])
                continue
            for lit in literals(args):
                if english(lit) and not KEY.match(lit):
                    yield path, line, m.group(1), lit


def split_args(args):
    """A call's arguments at the top level, as written."""
    out, depth, cur, i = [], 0, '', 0
    while i < len(args):
        c = args[i]
        if c in '"\'':
            j = i + 1
            while j < len(args) and args[j] != c:
                j += 2 if args[j] == '\\' else 1
            cur += args[i:j + 1]
            i = j + 1
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
        if c == ',' and depth == 0:
            out.append(cur.strip())
            cur = ''
        else:
            cur += c
        i += 1
    out.append(cur.strip())
    return out


# What is not text for a reader: SQL (the schema with its comments too),
# XML and HTML, CSS.
NOT_TEXT = re.compile(r'\b(SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA|REFERENCES|PRIMARY|FOREIGN|NOT NULL|CASE|'
                      r'WHEN|TEXT|INTEGER|REAL|BEGIN|SAVEPOINT|RELEASE|ROLLBACK|VALUES|FROM|WHERE|AND|ORDER BY|'
                      r'DROP|ALTER|SET|IS NULL|LIMIT|UNIQUE|CHECK|DEFAULT|JOIN|ON CONFLICT|RETURNING|COLLATE)\b'
                      r'|\bON\b|\bEND\b|\bNULL\b|\?\d|\bexcluded\.|\|\||^-- |^ *\)|<[a-z/!]|[{};]'
                      r"|^[\s(']*[a-z_.\-]+'?(, '?[a-z_.\-]+'?)+[)'\s,]*$")


def phrase(text):
    """Two words of two letters or more with a blank among them."""
    return ' ' in text.strip() and len(re.findall(r'[A-Za-z]{2,}', text)) >= 2


def string_literals(src):
    """(offset, text) of each string literal of src, char literals skipped."""
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "'":
            j = i + 1
            while j < n and src[j] != "'":
                j += 2 if src[j] == '\\' else 1
            i = j + 1
        elif c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == '\\' else 1
            yield i, src[i + 1:j]
            i = j + 1
        else:
            i += 1


def phrases(paths):
    """Literals of two English words or more anywhere in the code: English
    held in a variable before it reaches a report call."""
    for path in paths:
        src = strip_comments(open(path, encoding='utf-8').read())
        src = re.sub(r'(?m)^[ \t]*#[ \t]*(include|define|error|pragma)[^\n]*', '', src)
        src = re.sub(r'_Static_assert\s*\([^;]*\);', '', src)  # the compiler's words
        for at, lit in string_literals(src):
            text = CONV.sub(' ', lit.replace('\\n', ' ').replace('\\t', ' ').replace('\\r', ' '))
            if KEY.match(lit) or NOT_TEXT.search(lit) or not phrase(text):
                continue
            yield path, src.count('\n', 0, at) + 1, 'literal', lit


def key_arguments(files):
    """A key-taking call's key is a key literal or a variable, not text."""
    bad = 0
    where = {'ion_fail_key': 3, 'ion_text_say': 2}
    call = re.compile(r'\b(' + '|'.join(where) + r')\s*\(')
    for path in files:
        src = strip_comments(open(path, encoding='utf-8').read())
        for m in call.finditer(src):
            if re.match(r'\s*\(\s*(int|char|ion_error)\b', src[m.end() - 1:]):
                continue  # the declaration or definition
            args = split_args(args_of(src, m.end() - 1))
            if len(args) <= where[m.group(1)]:
                continue
            key = re.sub(r'\w+\s*\([^()]*\)', '', args[where[m.group(1)]])  # calls in it aside
            lits = re.findall(r'"((?:[^"\\]|\\.)*)"', key)
            if any(not KEY.match(lit) for lit in lits):
                print('%s:%d: %s: the key is not a key: %s' % (path, src.count('\n', 0, m.start()) + 1,
                                                            m.group(1), key))
                bad += 1
    return bad


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
# outfile.c's fail_file the system's; a counted phrase takes its count.
IMPLIED = {'db_fail': '%s%s', 'run': '%s%s', 'run_for': '%s%s', 'fail_file': '%s', 'cli_count': '%zu',
           'ion_text_count': '%zu'}
PLURAL_FORMS = ('one', 'other')


def forms_of(key, formats):
    """The catalogue keys a call's key names: itself, or the plural forms
    KEY.one, KEY.other of a key that holds a count (none: not there)."""
    if key in formats:
        return [key]
    return [key + '.' + f for f in PLURAL_FORMS if key + '.' + f in formats]


def check_keys(files, formats):
    """Every literal written as a key ("err.db.read", held in a variable or
    returned before it reaches a call) is a key of templates/en.conf."""
    bad = 0
    for path in files:
        src = strip_comments(open(path, encoding='utf-8').read())
        src = re.sub(r'(?m)^[ \t]*#[ \t]*include[^\n]*', '', src)
        for m in re.finditer(r'"((?:cli|err|count)\.[a-z0-9_.]+)"', src):
            if not forms_of(m.group(1), formats):
                print('%s:%d: %s is not in templates/en.conf' % (path, src.count('\n', 0, m.start()) + 1, m.group(1)))
                bad += 1
    return bad


def keyed(files):
    """Functions of src/ that take a key and the sig of its arguments
    (`const char *key, const char *sig`: problem.c's tfail, roster.c's
    refuse_row, ...): their calls are message calls too."""
    names = set()
    for path in files:
        src = strip_comments(open(path, encoding='utf-8').read())
        names |= set(re.findall(r'\b([a-z_][a-z0-9_]*)\s*\([^;{}()]*const char \*key,\s*const char \*sig\b', src))
    return names


def check_calls(files, formats):
    """Each message call's key is in en.conf and takes the arguments its
    sig names (cli_msg(NULL, 0, "cli.x", "%s%d", ...)): what the compiler
    checks the arguments against is what the catalogue's format takes."""
    bad = 0
    names = {'cli_msg', 'cli_say', 'cli_err', 'cli_fail', 'cli_vformat', 'ion_fail_key', 'ion_text_say', 'fail', 'refuse',
             'db_fail', 'run', 'run_for', 'note', 'grade_note', 'refuse_row', 'tfail', 'fail_file', 'cli_count',
             'ion_text_count'} | keyed(files)
    call = re.compile(r'\b(' + '|'.join(sorted(names)) + r')\s*\(')
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
                if not forms_of(lit, formats):
                    print('%s:%d: %s is not in templates/en.conf' % (path, line, lit))
                    bad += 1
                for key in forms_of(lit, formats):
                    if signature(formats[key]) != signature('' if sig == '-' else sig):
                        print('%s:%d: %s takes "%s" in templates/en.conf, the call passes "%s"'
                              % (path, line, key, formats[key], sig))
                        bad += 1
    return bad


PLURAL_IN_C = re.compile(r'\?\s*""\s*:\s*"s"|\?\s*"s"\s*:\s*""')


def plurals_in_c(files):
    """No plural built in C: `n == 1 ? "" : "s"` (or the other way round)
    anywhere, nor a lone "s" passed to a print or message call; the
    catalogue has the forms (KEY.one, KEY.other) and ion_text_plural picks."""
    bad = 0
    calls = set(CALLS_NAMED) | {'snprintf', 'ion_strbuf_printf', 'cli_vformat', 'say', 'put_msg'}
    call = re.compile(r'\b(' + '|'.join(sorted(calls)) + r')\s*\(')
    for path in files:
        src = strip_comments(open(path, encoding='utf-8').read())
        for m in PLURAL_IN_C.finditer(src):
            print('%s:%d: a plural built in C (%s): give the message its plural forms, KEY.one and KEY.other, '
                  'and pick one with ion_text_plural' % (path, src.count('\n', 0, m.start()) + 1, m.group(0)))
            bad += 1
        for m in call.finditer(src):
            if any(a.strip() == '"s"' for a in split_args(args_of(src, m.end() - 1))):
                print('%s:%d: %s: a lone "s" passed to a message: a plural built in C (KEY.one, KEY.other and '
                      'ion_text_plural instead)' % (path, src.count('\n', 0, m.start()) + 1, m.group(1)))
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
    pending, used_pending = load_allow(os.path.join(here, 'messages.pending')), set()
    files = sorted('src/cli/' + f for f in os.listdir('src/cli') if f.endswith('.c'))
    files += sorted('src/' + f for f in os.listdir('src') if f.endswith('.c'))
    formats = catalogue_formats('templates/en.conf')
    bad = check_calls(files, formats) + check_keys(files, formats) + key_arguments(files) + core_text()
    bad += plurals_in_c(files)
    used = set()
    calls = set(wrappers(files, REPORTS)) | {(None, c) for c in CALLS_NAMED} | {(f, 'snprintf') for f in SENTENCES}
    seen = set()
    for path, line, call, lit in list(found(files, calls)) + list(phrases(files)):
        if (path, lit) in seen:
            continue
        seen.add((path, lit))
        if lit in keys:
            continue
        rule = next((r for r in allow if r[0] == path and r[1].search(lit)), None)
        if rule:
            used.add(rule[2])
            continue
        rule = next((r for r in pending if r[0] == path and r[1].search(lit)), None)
        if rule:
            used_pending.add(rule[2])
            continue
        print('%s:%d: %s: English text outside the catalogue: "%s"' % (path, line, call, lit))
        bad += 1
    for rule in allow:
        if rule[2] not in used:
            print('tests/lint/messages.allow:%d: allows nothing any more' % rule[2])
            bad += 1
    for rule in pending:  # a note, not a failure: whoever moves the last one removes the line
        if rule[2] not in used_pending:
            print('tests/lint/messages.pending:%d: nothing pending here any more: remove the line' % rule[2])
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
