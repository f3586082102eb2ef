#!/usr/bin/env bash
# The rule matcher before and after a change, side by side in one run (issue 14): two MatcherProbe
# binaries run alternately (before, after, before, after, ...) at each rule count and mix; prints
# the median CPU ns per decision of each, the flat exact-number table timed in every run beside
# them, and the ratios. Single thread, no writer, 75 % hits in random order.
#
# Usage: Benchmarks/compare-matcher.sh BEFORE AFTER [RUNS]   (default 3 runs of each)
# Build a probe with
#   CALLWARDEN_BENCHMARKS=1 swift build --scratch-path .build-benchmarks -c release --product MatcherProbe
# and copy .build-benchmarks/release/MatcherProbe aside before changing the matcher.
set -euo pipefail
before=$1 after=$2 runs=${3:-3}
for config in "10000 typical" "10000 exact" "1000000 typical" "1000000 exact"; do
    set -- $config
    rules=$1 mix=$2
    extra=(); [ "$mix" = exact ] && extra=(exact)
    b=() a=() fb=() fa=()
    for _ in $(seq "$runs"); do
        line=$("$before" "$rules" 1 0 "${extra[@]}" | sed -n 2p)
        b+=("$(sed -E 's/.* ([0-9.]+) ns CPU \(best.*/\1/' <<<"$line")"); fb+=("$(sed -E 's/.*wall, ([0-9.]+) ns CPU; matcher.*/\1/' <<<"$line")")
        line=$("$after" "$rules" 1 0 "${extra[@]}" | sed -n 2p)
        a+=("$(sed -E 's/.* ([0-9.]+) ns CPU \(best.*/\1/' <<<"$line")"); fa+=("$(sed -E 's/.*wall, ([0-9.]+) ns CPU; matcher.*/\1/' <<<"$line")")
    done
    python3 - "$rules" "$mix" "${b[*]}" "${a[*]}" "${fb[*]} ${fa[*]}" <<'PY'
import statistics, sys
rules, mix = int(sys.argv[1]), sys.argv[2]
b, a, f = ([float(x) for x in arg.split()] for arg in sys.argv[3:6])
mb, ma, mf = statistics.median(b), statistics.median(a), statistics.median(f)
print(f"{rules:>9,} {mix:8} before {mb:6.1f} ns  after {ma:6.1f} ns  after/before {ma / mb:4.2f}  "
      f"flat {mf:5.1f} ns  matcher/flat {mb / mf:4.2f} -> {ma / mf:4.2f}   "
      f"(before {' '.join(map(str, b))}; after {' '.join(map(str, a))})")
PY
done
