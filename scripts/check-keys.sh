#!/bin/sh
# check-keys.sh — every translation key the code uses exists in the catalogues (locale/*/ca.po;
# check-po.sh makes sure every language has what Catalan has), so no page shows a raw key:
#   1. templates (templates/**/*.html, *.txt): {{t.KEY}}, {{#t.KEY}}, {{^t.KEY}} and the plural
#      {{t.KEY(count)}}, which must name a plural entry (msgid_plural);
#   2. C files (src/): the literal key arguments of the functions that translate (http_t,
#      http_tv, http_tn, i18n_get, i18n_nget, …, and the helpers that take a key, listed below
#      with the argument that holds it); a literal with %s or %d (http_tf, arena_printf of a key)
#      is a pattern that at least one key must match.
# Keys built some other way escape this check; the API and browser suites catch them at run
# time (the server logs "i18n: no translation for 'KEY'", which fails the suite).
# Exit 1 with one line per unknown key.
set -eu
cd "$(dirname "$0")/.."

python3 - <<'EOF'
import glob, re, sys

keys, plural = set(), set()
for f in glob.glob('locale/*/ca.po'):
    text = open(f, encoding='utf-8').read()
    for m in re.finditer(r'^msgid "([a-z][a-z0-9_]*)"\n(msgid_plural)?', text, re.M):
        keys.add(m.group(1))
        if m.group(2):
            plural.add(m.group(1))

problems = []

# ---- templates
tag = re.compile(r'\{\{\{?\s*[#^/&]?\s*t\.([a-z][a-z0-9_]*)(\([^)}]*\))?\s*\}?\}\}')
for f in sorted(glob.glob('templates/**/*.html', recursive=True) + glob.glob('templates/**/*.txt', recursive=True)):
    if '/example/' in f:
        continue
    for n, line in enumerate(open(f, encoding='utf-8'), 1):
        for m in tag.finditer(line):
            k, count = m.group(1), m.group(2)
            if k not in keys:
                problems.append('%s:%d: t.%s is in no catalogue' % (f, n, k))
            elif count and k not in plural:
                problems.append('%s:%d: t.%s%s needs a plural entry (msgid_plural)' % (f, n, k, count))

# ---- C: function -> the 0-based arguments that hold a key
KEY_ARGS = {
    'http_t': [1], 'http_tv': [1], 'http_tn': [1], 'http_tf': [1], 'i18n_get': [1], 'i18n_nget': [1],
    'i18n_has': [], 'tr': [1], 'http_reply_error': [3], 'http_reply_fields': [3], 'form_err': [2],
    'form_lookup': [3], 'bk_problem': [3, 6], 'bk_err_set': [2], 'bk_err_field': [2],
    'sched_f_time': [2], 'sched_f_date': [2], 'bk_time_page': [2],
    'manage_page': [5, 6], 'lookup_page': [4], 'bk_notice': [2],
}

def strip_comments(src):
    out, i, n = [], 0, len(src)
    while i < n:
        if src.startswith('/*', i):
            j = src.find('*/', i + 2)
            i = n if j < 0 else j + 2
            out.append(' ')
        elif src.startswith('//', i):
            j = src.find('\n', i)
            i = n if j < 0 else j
        elif src[i] == '"' or src[i] == "'":
            q, j = src[i], i + 1
            while j < n and src[j] != q:
                j += 2 if src[j] == '\\' else 1
            out.append(src[i:j + 1])
            i = j + 1
        else:
            out.append(src[i])
            i += 1
    return ''.join(out)

def call_args(src, i):
    """The top-level arguments of the call whose '(' is at src[i], as strings."""
    depth, start, args, j, n = 0, i + 1, [], i, len(src)
    while j < n:
        c = src[j]
        if c == '"' or c == "'":
            k = j + 1
            while k < n and src[k] != c:
                k += 2 if src[k] == '\\' else 1
            j = k
        elif c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
            if depth == 0:
                args.append(src[start:j])
                return args
        elif c == ',' and depth == 1:
            args.append(src[start:j])
            start = j + 1
        j += 1
    return args

literal = re.compile(r'"((?:[^"\\]|\\.)*)"')
call = re.compile(r'\b(' + '|'.join(KEY_ARGS) + r')\s*\(')
key_like = re.compile(r'[a-z][a-z0-9_]*(%[sd][a-z0-9_%sd]*)?')
for f in sorted(glob.glob('src/**/*.c', recursive=True)):
    if '/example/' in f:
        continue
    raw = open(f, encoding='utf-8').read()
    src = strip_comments(raw)
    for m in call.finditer(src):
        args = call_args(src, m.end() - 1)
        for idx in KEY_ARGS[m.group(1)]:
            if idx >= len(args):
                continue
            # literals of calls inside the argument (str_eq(code, "x") ? "key_a" : "key_b") are not keys
            arg = args[idx]
            while True:
                nested = re.search(r'\b[a-z_][a-z0-9_]*\s*\(', arg)
                if not nested:
                    break
                inner = call_args(arg, nested.end() - 1)
                arg = arg[:nested.start()] + arg[nested.end() + sum(len(a) + 1 for a in inner):]
            for lm in literal.finditer(arg):
                k = lm.group(1)
                line = src.count('\n', 0, m.start()) + 1
                if not key_like.fullmatch(k) or ('_' not in k and '%' not in k):
                    continue
                if '%' in k:
                    # a pattern ("cita_ch_%s", "%s%s" with the prefix in another argument)
                    if k.startswith('%'):
                        continue
                    rx = re.compile(re.sub(r'%[sd]', '[a-z0-9_]+', k))
                    if not any(rx.fullmatch(x) for x in keys):
                        problems.append('%s:%d: no key matches "%s"' % (f, line, k))
                elif k not in keys:
                    problems.append('%s:%d: "%s" is in no catalogue' % (f, line, k))

for p in problems:
    print('check-keys: ' + p, file=sys.stderr)
if problems:
    sys.exit(1)
print('check-keys: every key used in templates and C is in the catalogues (%d keys, %d plural)'
      % (len(keys), len(plural)))
EOF
