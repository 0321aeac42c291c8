#!/bin/sh
# check-po.sh — checks the translations in locale/NAME/LANG.po (one folder per capability,
# "core" for the pages every deployment has):
#   1. msgfmt --check accepts each file (syntax, header, charset);
#   2. the mandatory catalogues are complete: in each folder es.po and en.po have the same msgids
#      as its ca.po (the source language), each with a non-empty, non-fuzzy msgstr that uses the
#      same {placeholders} as the Catalan one; a plural entry (msgid_plural, msgstr[0],
#      msgstr[1], …: msgfmt checks the count against the header's Plural-Forms) stays plural in
#      every language, its forms together using the Catalan forms' placeholders;
#   3. a further language (ar.po, zh.po, …) may leave keys out — they fall back to
#      i18n.fallback — but what it has must be keys of ca.po, non-empty, non-fuzzy, with the
#      Catalan placeholders (plural entries plural, with its own number of forms); and in the
#      folders citizens see (CITIZEN_FOLDERS: every page, mail, calendar file and receipt of
#      theirs) a language shipped here must be complete;
#   4. every further language names itself in core/LANG.po (lang_name, lang_tag, lang_dir);
#   5. no key is defined in two folders.
# The server runs the same checks when it loads the files (src/view/i18n_load.c); this catches a
# mistake before it gets that far. Exit 1 with one line per problem.
set -eu

cd "$(dirname "$0")/.."
dir=${1:-locale}
# The folders whose texts citizens read; a further language shipped must translate them all.
CITIZEN_FOLDERS=${CITIZEN_FOLDERS:-core booking notify floor survey chat requests remote padro facilities kiosk legal}
export CITIZEN_FOLDERS

if ! command -v msgfmt >/dev/null 2>&1; then
	echo "check-po: msgfmt not found; installing gettext" >&2
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		apt-get install -y gettext >/dev/null
	else
		echo "check-po: install the gettext package (apt-get install gettext)" >&2
		exit 1
	fi
fi

set -- "$dir"/*/*.po
if [ ! -e "$1" ]; then
	echo "check-po: no .po files in $dir/*/" >&2
	exit 1
fi

status=0
for f in "$@"; do
	if ! msgfmt --check -o /dev/null "$f"; then
		echo "check-po: $f: msgfmt --check failed" >&2
		status=1
	fi
done

python3 - "$dir" "$@" <<'EOF' || status=1
import os, re, sys

def unquote(s, where):
    s = s.strip()
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        raise ValueError("%s: expected a quoted string" % where)
    out, i, body = [], 0, s[1:-1]
    esc = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\'}
    while i < len(body):
        c = body[i]
        if c == '\\':
            i += 1
            if i >= len(body) or body[i] not in esc:
                raise ValueError("%s: bad escape" % where)
            c = esc[body[i]]
        out.append(c)
        i += 1
    return ''.join(out)

def parse(path):
    """msgid -> (msgstr, fuzzy, line); enough of the format for what msgfmt already accepted."""
    entries, cur, fuzzy_next = {}, None, False
    def flush():
        if cur and cur['id'] is not None and cur['id'] != '':
            if cur['id'] in entries:
                raise ValueError("%s:%d: duplicate msgid '%s'" % (path, cur['line'], cur['id']))
            entries[cur['id']] = (cur['str'], cur['fuzzy'], cur['line'])
    with open(path, encoding='utf-8') as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.strip()
            where = "%s:%d" % (path, n)
            if not line:
                continue
            if line.startswith('#'):
                if line.startswith('#,') and 'fuzzy' in [x.strip() for x in line[2:].split(',')]:
                    fuzzy_next = True
                continue
            m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr\[\d+\]|msgstr)\s*(".*)$', line)
            if m:
                kw, rest = m.group(1), m.group(2)
                if kw == 'msgctxt':
                    raise ValueError("%s: %s is not used in Finestreta's catalogues" % (where, kw))
                if kw == 'msgid':
                    flush()
                    cur = {'id': unquote(rest, where), 'str': None, 'fuzzy': fuzzy_next,
                           'line': n, 'field': 'id'}
                    fuzzy_next = False
                elif kw == 'msgid_plural':
                    if cur is None or cur['str'] is not None:
                        raise ValueError("%s: msgid_plural without msgid" % where)
                    cur['plural'] = unquote(rest, where)
                    cur['field'] = 'plural'
                elif kw.startswith('msgstr['):
                    if cur is None or 'plural' not in cur:
                        raise ValueError("%s: msgstr[n] without msgid_plural" % where)
                    if cur['str'] is None:
                        cur['str'] = []
                    cur['str'].append(unquote(rest, where))
                    cur['field'] = 'form'
                else:
                    if cur is None or cur['str'] is not None:
                        raise ValueError("%s: msgstr without msgid" % where)
                    cur['str'] = unquote(rest, where)
                    cur['field'] = 'str'
                continue
            if line.startswith('"') and cur:
                if cur['field'] == 'form':
                    cur['str'][-1] += unquote(line, where)
                else:
                    cur[cur['field']] += unquote(line, where)
                continue
            raise ValueError("%s: unexpected line" % where)
    flush()
    return entries

def placeholders(s):
    """The {names} of a message, or of all the forms of a plural entry together."""
    if isinstance(s, list):
        s = ' '.join(s)
    return sorted(set(re.findall(r'\{([a-z_]+)\}', s)))

def empty(s):
    return not s or (isinstance(s, list) and not all(s))

MANDATORY = ('ca', 'es', 'en')
CITIZEN = set(os.environ.get('CITIZEN_FOLDERS', '').split())

def check_folder(dirname, files, problems):
    cats = {}
    for f in files:
        try:
            cats[f] = parse(f)
        except (ValueError, UnicodeDecodeError) as e:
            problems.append(str(e))
    src = dirname + '/ca.po'
    if src not in cats and not problems:
        problems.append("%s: missing (Catalan is the source language)" % src)
    if src in cats:
        ca = cats[src]
        for key, (text, fuzzy, line) in ca.items():
            if not re.fullmatch(r'[a-z][a-z0-9_]*', key):
                problems.append("%s:%d: msgid '%s' is not a snake_case key" % (src, line, key))
            if empty(text) or fuzzy:
                problems.append("%s:%d: '%s' is %s" % (src, line, key, 'fuzzy' if fuzzy else 'empty'))
        for f, cat in cats.items():
            if f == src:
                continue
            lang = os.path.basename(f)[:-3]
            complete = lang in MANDATORY or os.path.basename(dirname) in CITIZEN
            for key in ca:
                if key not in cat:
                    if complete:
                        why = '' if lang in MANDATORY else ' (a folder citizens see: a language shipped covers it all)'
                        problems.append("%s: missing translation for '%s'%s" % (f, key, why))
                    continue
                text, fuzzy, line = cat[key]
                if isinstance(text, list) != isinstance(ca[key][0], list):
                    problems.append("%s:%d: '%s' must %sbe a plural entry, as in ca.po"
                                    % (f, line, key, '' if isinstance(ca[key][0], list) else 'not '))
                elif empty(text):
                    problems.append("%s:%d: empty translation for '%s'" % (f, line, key))
                elif fuzzy:
                    problems.append("%s:%d: '%s' is marked fuzzy (review it, then remove the flag)"
                                    % (f, line, key))
                elif placeholders(text) != placeholders(ca[key][0]):
                    problems.append("%s:%d: '%s' uses placeholders %s but ca.po uses %s"
                                    % (f, line, key, placeholders(text), placeholders(ca[key][0])))
            for key, (_, _, line) in cat.items():
                if key not in ca:
                    problems.append("%s:%d: '%s' is not in ca.po" % (f, line, key))
    return cats.get(src, {})

root, files = sys.argv[1], sys.argv[2:]
problems = []
folders = {}
for f in files:
    folders.setdefault(os.path.dirname(f), []).append(f)
owner = {}
total = 0
for d in sorted(folders):
    keys = check_folder(d, folders[d], problems)
    total += len(keys)
    for k in keys:
        if k in owner:
            problems.append("%s/ca.po: '%s' is also defined in %s/ca.po" % (d, k, owner[k]))
        owner.setdefault(k, d)
# Each further language names itself: its name, tag and direction, in core/LANG.po.
further = sorted({os.path.basename(f)[:-3] for f in files} - set(MANDATORY))
for lang in further:
    core = os.path.join(root, 'core', lang + '.po')
    meta = parse(core) if os.path.exists(core) else {}
    for key in ('lang_name', 'lang_tag', 'lang_dir'):
        if key not in meta:
            problems.append("%s: '%s' is missing (each language names itself)" % (core, key))
    if 'lang_dir' in meta and meta['lang_dir'][0] not in ('ltr', 'rtl'):
        problems.append("%s: lang_dir is '%s', not ltr or rtl" % (core, meta['lang_dir'][0]))
for p in problems:
    print("check-po: " + p, file=sys.stderr)
if problems:
    sys.exit(1)
print("check-po: %d folders, %d files, %d keys; languages beyond ca, es, en: %s"
      % (len(folders), len(files), total, ', '.join(further) or 'none'))
EOF

exit $status
