#!/usr/bin/env bash
# check-layers.sh — fails when a file under src/ includes a header from a layer it may not use.
# The rules (docs/architecture.md, "Layers"):
#   1. Layers, lowest first: base (and src/app.h) · db, view · bus, render · http · core · jobs ·
#      capabilities (every other folder) · cli. A file includes headers of its own folder and of
#      lower layers only: never of a higher layer, never of another folder on its own layer
#      (capabilities excepted, rule 2).
#   2. A capability includes another capability's public header NAME/NAME.h only, and only of a
#      capability listed before it in the capability table (src/cli/capabilities.c; the skeleton
#      src/example/, not in the table, counts as listed last).
#   3. Inside a capability only the web files — cap.c, web.[ch], api*.c, pages*.[ch] — and its
#      public header include http/ headers: the rules, stores and models stay testable without
#      HTTP.
# Prints file:line for each breach; exit 1 when there is one.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 - <<'PY'
import os, re, sys

LAYERS = {'base': 0, 'db': 1, 'view': 1, 'bus': 2, 'render': 2, 'http': 3, 'core': 4, 'jobs': 5, 'cli': 7}
CAP = 6
WEB = re.compile(r'^(cap\.c|web\.[ch]|api[a-z_]*\.c|pages[a-z_]*\.[ch])$')

def folder_of(path):  # "src/booking/api.c" -> "booking"; "src/app.h" -> "base"
    parts = path.split('/')
    return 'base' if len(parts) == 2 else parts[1]

def layer(folder):
    return LAYERS.get(folder, CAP)

table = open('src/cli/capabilities.c', encoding='utf-8').read()
order = re.findall(r'^\s*X\((\w+)\)', table, re.M)
rank = {name: i for i, name in enumerate(order)}
# src/example/ is the skeleton to copy (not in the table): it ranks after every capability.
rank.setdefault('example', len(order))

problems = []
for dirpath, _, files in os.walk('src'):
    for f in sorted(files):
        if not f.endswith(('.c', '.h')):
            continue
        path = os.path.join(dirpath, f)
        me = folder_of(path)
        for n, line in enumerate(open(path, encoding='utf-8'), 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not m:
                continue
            inc = m.group(1)
            other = 'base' if '/' not in inc else inc.split('/')[0]
            where = '%s:%d: includes "%s"' % (path, n, inc)
            if other == me:
                continue
            if not os.path.exists(os.path.join('src', inc)):
                problems.append(where + ': no such header under src/')
            elif layer(other) > layer(me):
                problems.append(where + ': %s is above %s' % (other, me))
            elif layer(other) == layer(me) and layer(me) != CAP:
                problems.append(where + ': %s and %s are on the same layer' % (other, me))
            elif layer(me) == CAP and layer(other) == CAP:
                if inc != '%s/%s.h' % (other, other):
                    problems.append(where + ': another capability is used through %s/%s.h only' % (other, other))
                elif other not in rank or me not in rank:
                    problems.append(where + ': %s is not in the capability table' % (other if other not in rank else me))
                elif rank[other] > rank[me]:
                    problems.append(where + ': %s comes after %s in the capability table' % (other, me))
            if layer(me) == CAP and other == 'http' and not WEB.match(f) and f != me + '.h':
                problems.append(where + ': only the web files of a capability (cap.c, web.[ch], api*.c, pages*.[ch]) and its public header use http/')
for p in problems:
    print(p)
if problems:
    print('check-layers: %d include(s) break the layer rules (docs/architecture.md, "Layers")' % len(problems), file=sys.stderr)
    sys.exit(1)
print('check-layers: %d capabilities, every include within the layer rules' % len(order))
PY
