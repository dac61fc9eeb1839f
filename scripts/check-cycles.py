#!/usr/bin/env python3
"""check-cycles.py [SRC]: the import graph of a Rust crate's modules, and its cycles.

Each file is a module (src/a/b.rs = a::b, src/a/mod.rs = a). An edge F -> M for every
path `crate::m::...`, `super::...` or `self::...` in F's code (not in comments or
strings, not in #[cfg(test)] mod tests), resolved to the deepest module that exists.
Edges from a module to its own submodules via `mod`/`pub use` re-exports are kept
(parent -> child); a child naming its parent's items is child -> parent, so a
parent and child that use each other show up as a cycle.
Reports strongly connected components of size > 1 at two levels: top-level modules
(crate::x), and the files of each directory.
"""
import os, re, sys
src = sys.argv[1] if len(sys.argv) > 1 else "src"
mods = {}
for dp, _, fs in os.walk(src):
    for f in fs:
        if not f.endswith(".rs"): continue
        p = os.path.join(dp, f)
        rel = os.path.relpath(p, src)[:-3].split(os.sep)
        if rel[-1] == "mod": rel = rel[:-1]
        if rel in (["lib"], ["main"]): rel = []
        mods[tuple(rel)] = p
def strip(code):
    code = re.sub(r"//[^\n]*", "", code)
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
    code = re.sub(r'"(\\.|[^"\\])*"', '""', code)
    m = re.search(r"#\[cfg\(test\)\]\s*mod tests", code)
    return code[:m.start()] if m else code
def resolve(parts):
    for n in range(len(parts), -1, -1):
        if tuple(parts[:n]) in mods: return tuple(parts[:n])
    return None
edges = {m: set() for m in mods}
for m, p in mods.items():
    if m == (): continue
    code = strip(open(p).read())
    is_dir = p.endswith("mod.rs")
    here = list(m) if is_dir else list(m)
    for mt in re.finditer(r"\b((?:crate|super|self)(?:::\w+)+|(?:crate|super|self)::\{[^}]*\})", code):
        path = mt.group(1)
        # expand simple braces: crate::a::{b, c::d}
        heads = []
        br = re.match(r"(.*?)::\{(.*)\}$", path, re.S)
        if br:
            base = br.group(1).split("::")
            for item in br.group(2).split(","):
                item = item.strip()
                if item: heads.append(base + re.split(r"::|\s", item)[:3])
        else:
            heads.append(path.split("::"))
        for parts in heads:
            if parts[0] == "crate": absp = parts[1:]
            elif parts[0] == "self": absp = (list(m) if is_dir else list(m)) + parts[1:]
            else:
                base = list(m)[:-1] if is_dir else list(m)[:-1]
                # super from file a/b.rs -> a ; from a/b/mod.rs -> a
                absp = base + parts[1:]
                while absp[:1] == ["super"]:
                    base = base[:-1]; absp = base + absp[1:]
            t = resolve([x for x in absp if re.match(r"^\w+$", x)])
            if t is not None and t != m: edges[m].add(t)
def sccs(nodes, E):
    idx, low, st, on, out, c = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def go(v):
        idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
        for w in E.get(v, ()):
            if w not in nodes: continue
            if w not in idx: go(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], idx[w])
        if low[v] == idx[v]:
            comp = []
            while True:
                w = st.pop(); on.discard(w); comp.append(w)
                if w == v: break
            out.append(comp)
    for v in nodes:
        if v not in idx: go(v)
    return [s for s in out if len(s) > 1]
bad = 0
# level 1: top-level modules
top = lambda m: m[:1]
T = {}
for a, bs in edges.items():
    if a == (): continue
    for b in bs:
        if b == () or top(a) == top(b): continue
        T.setdefault(top(a), set()).add(top(b))
for comp in sccs({top(m) for m in mods if m}, T):
    bad += 1; print("cycle between top-level modules:", ", ".join("::".join(c) for c in comp))
    for a in comp:
        for b in comp:
            if b in T.get(a, ()):
                ws = sorted(mods[x] for x in mods if x[:1] == a and any(y[:1] == b for y in edges[x]))
                print(f"   {a[0]} -> {b[0]}  ({', '.join(ws)})")
# level 2: files within each directory module
dirs = {m[:-1] for m in mods if len(m) >= 1}
for d in sorted(dirs):
    nodes = {m for m in mods if m[:len(d)] == d and len(m) in (len(d), len(d) + 1)}
    E = {}
    for a in nodes:
        for b in edges[a]:
            bb = b[:len(d) + 1] if b[:len(d)] == d else None
            if bb and bb in nodes and bb != a: E.setdefault(a, set()).add(bb)
    for comp in sccs(nodes, E):
        bad += 1; print("cycle in", "::".join(d) or "crate", ":", ", ".join(mods[c] for c in comp))
print(f"{len(mods)} modules, {sum(len(v) for v in edges.values())} edges, {bad} cycle(s)")
sys.exit(1 if bad else 0)
