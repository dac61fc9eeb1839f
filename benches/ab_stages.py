#!/usr/bin/env python3
"""Before/after ratio of the `stages` criterion groups, interleaved in one run.

    python3 benches/ab_stages.py BEFORE_CHECKOUT AFTER_CHECKOUT [ROUNDS] [FILTER]

Each checkout must have built its bench (`cargo bench --bench stages --no-run`).
The two bench binaries run alternately ROUNDS times (default 6) on the groups
matching FILTER (default "evaluate"); the medians of the per-run estimates are
compared. No figure is asserted: this prints ratios for a human to read.
"""
import glob, os, re, statistics, subprocess, sys

def bench_binary(checkout):
    found = [p for p in glob.glob(os.path.join(checkout, "target/release/deps/stages-*"))
             if os.access(p, os.X_OK) and not p.endswith(".d")]
    if not found:
        sys.exit(f"no stages bench in {checkout}: run `cargo bench --bench stages --no-run` there")
    return max(found, key=os.path.getmtime)

UNIT = {"ns": 1e-3, "µs": 1.0, "us": 1.0, "ms": 1e3, "s": 1e6}
PAT = re.compile(r"^(\S+/\S+)\s*(?:\n\s*)?time:\s+\[\S+ \S+ (\S+) (\S+)", re.M)

def main():
    before, after = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    filt = sys.argv[4] if len(sys.argv) > 4 else "evaluate"
    runs = {}
    for _ in range(rounds):
        for tag, checkout in (("before", before), ("after", after)):
            out = subprocess.run([bench_binary(checkout), "--bench", filt, "--noplot"],
                                 cwd=checkout, capture_output=True, text=True).stdout
            for m in PAT.finditer(out):
                runs.setdefault(m.group(1), {}).setdefault(tag, []).append(float(m.group(2)) * UNIT[m.group(3)])
    print(f"load average {os.getloadavg()[0]:.2f}; {rounds} interleaved rounds")
    for name, v in runs.items():
        b, a = statistics.median(v["before"]), statistics.median(v["after"])
        print(f"{name:40s} before {b:9.1f} µs  after {a:9.1f} µs  after/before {a / b:5.3f}")

if __name__ == "__main__":
    main()
