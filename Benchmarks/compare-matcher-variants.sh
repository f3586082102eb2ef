#!/usr/bin/env bash
# The rule matcher before and after, with the after binary also run with String callee keys
# ("strings": the same harness as round 2) and batched ("batch"): four variants alternating per run
# at each rule count and mix; medians of CPU ns per decision and the flat table beside them (issue 14).
#
# Usage: Benchmarks/compare-matcher-variants.sh BEFORE AFTER [RUNS]   (AFTER must know strings and batch)
set -euo pipefail
before=$1 after=$2 runs=${3:-3}
for config in "10000 typical" "10000 exact" "1000000 typical" "1000000 exact"; do
    set -- $config; rules=$1 mix=$2
    extra=(); [ "$mix" = exact ] && extra=(exact)
    out=""
    for _ in $(seq "$runs"); do
        for variant in B A S X; do
            case $variant in B) cmd=("$before" "$rules" 1 0 "${extra[@]}");; A) cmd=("$after" "$rules" 1 0 "${extra[@]}");;
                S) cmd=("$after" "$rules" 1 0 "${extra[@]}" strings);; X) cmd=("$after" "$rules" 1 0 "${extra[@]}" batch);; esac
            line=$("${cmd[@]}" | sed -n 2p)
            m=$(sed -E 's/.* ([0-9.]+) ns CPU \(best.*/\1/' <<<"$line"); f=$(sed -E 's/.*wall, ([0-9.]+) ns CPU; matcher.*/\1/' <<<"$line")
            out+="$variant $m $f"$'\n'
        done
    done
    python3 - "$rules" "$mix" "$out" "$(uptime)" <<'PY'
import statistics, sys
rules, mix, out, up = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
v = {}; flats = []
for line in out.strip().splitlines():
    k, m, f = line.split(); v.setdefault(k, []).append(float(m)); flats.append(float(f))
med = {k: statistics.median(x) for k, x in v.items()}; fl = statistics.median(flats)
print(f"{rules:>9,} {mix:8} before {med['B']:6.1f}  after {med['A']:6.1f} ({med['A']/med['B']:.2f})  after/String keys {med['S']:6.1f}  after/batched {med['X']:6.1f}  flat {fl:5.1f}  "
      f"matcher/flat {med['B']/fl:.2f} -> {med['A']/fl:.2f} (strings {med['S']/fl:.2f}, batched {med['X']/fl:.2f})")
print("   runs " + "; ".join(f"{k}: {' '.join(map(str, x))}" for k, x in v.items()) + f"; flat {' '.join(map(str, flats))}")
print("   " + up.strip())
PY
done
