#!/usr/bin/env bash
# Replay speed of a normal hour against a telephony DoS hour of the same size, side by side in one
# run on one machine (issue 14, "Under attack and load"): `callwarden replay` on both files,
# alternating, RUNS times each; prints the median rates and the ratio DoS / normal.
#
# Usage: Benchmarks/run-dos.sh [LINES] [RUNS]    (default 100,000 lines per file, 5 runs)
# CALLWARDEN=path/to/callwarden times another binary (e.g. one built from main) instead of the
# release build of this tree, which is built when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-100000}
runs=${2:-5}
dir=/tmp/callwarden-dos-bench
mkdir -p "$dir"
if [ ! -f "$dir/dos.csv" ] || [ "$(wc -l < "$dir/dos.csv")" -ne "$lines" ]; then
    python3 Benchmarks/make-dos-hour.py "$dir" "$lines"
fi
binary=${CALLWARDEN:-.build/release/callwarden}
if [ -z "${CALLWARDEN:-}" ] && [ ! -x "$binary" ]; then
    swift build -c release --product callwarden >/dev/null
fi
sed "s|path: /var/lib/callwarden/callwarden.sqlite|path: $dir/unused.sqlite|" Config/callwarden.yaml > "$dir/callwarden.yaml"
cat "$dir/normal.csv" "$dir/dos.csv" > /dev/null  # warm the page cache for both

replay() {  # prints the seconds one replay of $1 took
    local t0 t1
    t0=$(date +%s.%N)
    "$binary" replay --config "$dir/callwarden.yaml" --format asterisk-csv "$dir/$1.csv" > "$dir/$1.txt"
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }'
}

normal=() dos=()
for _ in $(seq "$runs"); do
    normal+=("$(replay normal)")
    dos+=("$(replay dos)")
done
python3 - "$lines" "$binary" "${normal[*]}" "${dos[*]}" <<'PY'
import statistics, sys
lines, binary = int(sys.argv[1]), sys.argv[2]
normal, dos = ([float(x) for x in arg.split()] for arg in sys.argv[3:5])
n, d = statistics.median(normal), statistics.median(dos)
print(f"binary: {binary}   {lines:,} lines per file, {len(normal)} runs each, alternating (medians)")
print(f"normal hour: {n:7.3f} s  {lines / n:10,.0f} lines/s   runs: {' '.join(f'{x:.2f}' for x in normal)}")
print(f"DoS hour:    {d:7.3f} s  {lines / d:10,.0f} lines/s   runs: {' '.join(f'{x:.2f}' for x in dos)}")
print(f"DoS / normal rate: {n / d:.2f}x  (goal: 0.5x or better)")
PY
sed -n 2p "$dir/normal.txt" | sed 's/^/normal: /'
sed -n 2p "$dir/dos.txt" | sed 's/^/DoS:    /'
