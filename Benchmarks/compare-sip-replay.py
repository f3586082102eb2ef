#!/usr/bin/env python3
"""Two `callwarden replay` binaries and `tcpdump -r FILE -w /dev/null` side by side in one run,
alternating (tcpdump, before, after) ROUNDS times; prints wall and CPU (user+sys) medians, the
ratios to tcpdump, and whether both replays reported the same thing.

    swift build -c release --product callwarden && cp .build/release/callwarden /tmp/callwarden-before  # on the old state
    python3 Benchmarks/make-sip-capture.py /tmp/callwarden-bench/sip-calls-14231.pcap 14231
    swift build -c release --product callwarden                                                         # on the new state
    python3 Benchmarks/compare-sip-replay.py [ROUNDS]      (env CAPTURE=file, BEFORE=binary)
"""
import os, resource, statistics, subprocess, sys, time, json
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
f = os.environ.get("CAPTURE", "/tmp/callwarden-bench/sip-calls-14231.pcap")
before_binary = os.environ.get("BEFORE", "/tmp/callwarden-before")
os.makedirs("/tmp/callwarden-bench", exist_ok=True)
open(f, "rb").read()
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
def run(cmd, out):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(out, "wb") as o:
        subprocess.run(cmd, stdout=o, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
cfg = ["replay", "--json", "--config", "Captures/sip/callwarden.yaml", f]
rows = []
for i in range(rounds):
    t = run(["tcpdump", "-r", f, "-w", "/dev/null"], "/dev/null")
    b = run([before_binary] + cfg, "/tmp/callwarden-bench/before.json")
    a = run([".build/release/callwarden"] + cfg, "/tmp/callwarden-bench/after.json")
    rows.append((t, b, a))
    print(f"round {i+1}: tcpdump {t[0]:.3f} s (cpu {t[1]:.3f})  before {b[0]:.3f} s (cpu {b[1]:.3f})  after {a[0]:.3f} s (cpu {a[1]:.3f})")
med = lambda k, j: statistics.median(r[k][j] for r in rows)
tw, bw, aw = med(0, 0), med(1, 0), med(2, 0)
tc, bc, ac = med(0, 1), med(1, 1), med(2, 1)
print(f"wall medians: tcpdump {tw:.3f} s, before {bw:.3f} s (ratio {tw/bw:.3f}), after {aw:.3f} s (ratio {tw/aw:.3f}), before/after {bw/aw:.2f}")
print(f"cpu medians:  tcpdump {tc:.3f} s, before {bc:.3f} s (ratio {tc/bc:.3f}), after {ac:.3f} s (ratio {tc/ac:.3f}), before/after {bc/ac:.2f}")
print("load average:", os.getloadavg())
b = json.load(open("/tmp/callwarden-bench/before.json")); a = json.load(open("/tmp/callwarden-bench/after.json"))
print("same replay report before/after:", a == b, a["events"], "events", a["calls"], "calls", len(a["detections"]), "detections")
