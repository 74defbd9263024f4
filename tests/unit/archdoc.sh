#!/bin/bash
# docs/ARCHITECTURE.md against the tree, so it cannot drift:
#   - every source file of host/, guest/ and include/ is named in it;
#   - every file it names in a host/ or guest/ role exists;
#   - every host header has a row in its include table, and the row's
#     "(what it includes)" is exactly the header's own #includes of
#     project headers (<mapbench/abi.h> as abi.h);
#   - the include graph of host/ and guest/, derived from the tree, has
#     no circle;
#   - analysis code cannot reach the VMM: no file under host/analysis/ or
#     host/lab/ includes, directly or through other headers, a header
#     under host/kvm/ (both sets taken from the tree).
# Debian's python3 (another may come first on PATH).
set -u
cd "$(dirname "$0")/../.." || exit 1
exec /usr/bin/python3 - "$@" <<'EOF'
import glob, os, re, sys

doc = open("docs/ARCHITECTURE.md").read()
passed = failed = 0

def check(ok, name, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - {name}")
    else:
        failed += 1
        print(f"not ok - {name}{': ' + detail if detail else ''}")

srcs = sorted(glob.glob("host/**/*.[chS]", recursive=True) +
              glob.glob("guest/*.[chS]") + glob.glob("include/mapbench/*.h"))

def named(path):
    base = os.path.basename(path)
    rel = path.split("/", 1)[1]
    return re.search(r"(?<![\w./-])" + re.escape(base) + r"(?![\w-])", doc) or \
        rel in doc

missing = [p for p in srcs if not named(p)]
check(not missing, f"every one of the {len(srcs)} source files is named",
      "not named: " + " ".join(missing))

# project includes of a file: "x.h" (resolved to a path) and <mapbench/..>
def includes(path):
    out = []
    for line in open(path, errors="replace"):
        m = re.match(r'\s*#\s*include\s+(?:"([^"]+)"|<mapbench/([^>]+)>)', line)
        if m:
            out.append(m.group(1) or m.group(2))
    return out

def resolve(path, inc):
    d = os.path.dirname(path)
    for cand in (os.path.join(d, inc), os.path.join("host", inc),
                 os.path.join("guest", inc), os.path.join("tests/unit", inc),
                 os.path.join("include/mapbench", inc)):
        if os.path.isfile(cand):
            return os.path.normpath(cand)
    return None

# the host include table: "<name>.h (<its includes>)" rows
table = doc[doc.index(" layer     header (what it includes)"):]
table = table[:table.index("```")]
rows = {}
for m in re.finditer(r"((?:\w+/)?\w+\.h) +\(([^)]*)\)", table):
    rows[m.group(1)] = sorted(t for t in m.group(2).split()
                              if t.endswith(".h"))
headers = sorted(glob.glob("host/*.h") + glob.glob("host/*/*.h"))
for h in headers:
    key = h[len("host/"):]
    if key not in rows:
        check(False, f"{key} has a row in the include table")
        continue
    have = sorted(includes(h))
    check(rows[key] == have, f"{key}: its row lists what it includes",
          f"doc ({' '.join(rows[key]) or 'nothing'}), tree ({' '.join(have) or 'nothing'})")
stale = [k for k in rows if not os.path.isfile("host/" + k)
         and not os.path.isfile("include/mapbench/" + k)]
check(not stale, "every header in the include table exists",
      " ".join(stale))

# no circle in the include graph (host, guest and the shared header)
graph = {}
for p in srcs:
    graph[p] = [r for r in (resolve(p, i) for i in includes(p)) if r]
state, cycle = {}, []
def visit(n, stack):
    state[n] = 1
    for m in graph.get(n, []):
        if state.get(m) == 1:
            cycle.append(stack[stack.index(m):] + [m] if m in stack
                         else [n, m])
        elif not state.get(m):
            visit(m, stack + [m])
    state[n] = 2
for n in graph:
    if not state.get(n):
        visit(n, [n])
check(not cycle, "the include graph has no circle",
      " ; ".join(" -> ".join(c) for c in cycle[:3]))

# no analysis -> VMM edge: the closure of every analysis and lab file's
# includes holds no header of the KVM backend
vmm = {p for p in srcs if p.startswith("host/kvm/") and p.endswith(".h")}
def reach(n, seen, path):
    for m in graph.get(n, []):
        if m not in seen:
            seen[m] = path + [m]
            reach(m, seen, path + [m])
    return seen
edges = []
sides = [p for p in srcs if p.startswith(("host/analysis/", "host/lab/"))]
for p in sides:
    for h, path in sorted(reach(p, {}, [p]).items()):
        if h in vmm:
            edges.append(" -> ".join(path))
check(vmm and sides and not edges,
      f"no analysis or lab file ({len(sides)}) reaches a KVM header "
      f"({len(vmm)})", " ; ".join(edges[:3]) or "no files to check")

print(f"archdoc: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOF
