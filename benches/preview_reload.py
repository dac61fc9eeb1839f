#!/usr/bin/env python3
"""Hot reload latency of `anim preview`: file saved → new frame on screen.

    benches/preview_reload.py [ANIM] [EDITS]   (defaults: target/release/anim, 9)

Copies tests/fixtures/mini.ron into a temp project, opens it paused in a
320x180 window on a private Xvfb server, then saves the file EDITS times,
alternating box "a"'s fill between two colours. For each save it reports
when stderr said `preview: reloaded` and when a screenshot (ImageMagick
`import`, one pixel of box "a") first showed the new colour, both counted
from the write. The screenshot figure is an upper bound: one `import`
takes a few tens of ms, so it is late by up to one poll. The watcher waits
DEBOUNCE (50 ms, src/preview/watch.rs) after the last change before
loading, so no edit can show sooner than that.
"""
import os, shutil, statistics, subprocess, sys, tempfile, threading, time

anim = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/anim")
edits = int(sys.argv[2]) if len(sys.argv) > 2 else 9
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

n = 150 + os.getpid() % 100
while os.path.exists(f"/tmp/.X{n}-lock"):
    n += 1
display = f":{n}"
xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "640x480x24", "-nolisten", "tcp"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
project = tempfile.mkdtemp(prefix="anim-reload-")
preview = None
try:
    env = dict(os.environ, DISPLAY=display)
    for _ in range(100):
        if subprocess.run(["xdpyinfo", "-display", display], capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    os.makedirs(f"{project}/scenes")
    os.symlink(f"{repo}/assets", f"{project}/assets")
    mini = open(f"{repo}/tests/fixtures/mini.ron").read()
    colours = {"ff0000": mini.replace('fill: "primary_soft"', 'fill: "#ff0000"'),
               "0000ff": mini.replace('fill: "primary_soft"', 'fill: "#0000ff"')}
    scene = f"{project}/scenes/01-mini.ron"
    open(scene, "w").write(mini)
    preview = subprocess.Popen([anim, "preview", "--scene", "mini", "--start", "1", "--paused",
                                "--window", "320x180", "--no-overlay"],
                               cwd=project, env=env, stderr=subprocess.PIPE, text=True)
    lines = []  # (time, line)
    def read():
        for line in preview.stderr:
            lines.append((time.monotonic(), line.strip()))
    threading.Thread(target=read, daemon=True).start()

    def pixel():
        out = subprocess.run(["import", "-display", display, "-window", "root", "-crop", "1x1+30+60",
                              "+repage", "-depth", "8", "txt:-"], capture_output=True, text=True).stdout
        return out.split("#")[-1][:6].lower() if "#" in out else ""

    deadline = time.monotonic() + 30
    while not any("preview: ready" in l for _, l in lines):
        assert time.monotonic() < deadline and preview.poll() is None, "the preview did not start"
        time.sleep(0.05)
    time.sleep(0.5)
    reloaded, shown = [], []
    for i in range(edits):
        colour = ["ff0000", "0000ff"][i % 2]
        before = sum("preview: reloaded" in l for _, l in lines)
        t0 = time.monotonic()
        with open(scene, "w") as f:
            f.write(colours[colour])
        seen = None
        while time.monotonic() < t0 + 5:
            if pixel() == colour:
                seen = time.monotonic()
                break
        hits = [t for t, l in lines if "preview: reloaded" in l]
        if seen is None or len(hits) <= before:
            sys.exit(f"edit {i + 1}: the new colour did not show within 5 s")
        reloaded.append((hits[before] - t0) * 1000)
        shown.append((seen - t0) * 1000)
        print(f"edit {i + 1}: reloaded after {reloaded[-1]:.0f} ms, on screen by {shown[-1]:.0f} ms")
        time.sleep(0.4)
    for name, v in (("stderr 'reloaded'", reloaded), ("on screen", shown)):
        print(f"{name}: min {min(v):.0f}  median {statistics.median(v):.0f}  max {max(v):.0f} ms")
finally:
    if preview:
        preview.kill()
        preview.wait()
    xvfb.terminate()
    xvfb.wait()
    shutil.rmtree(project, ignore_errors=True)
