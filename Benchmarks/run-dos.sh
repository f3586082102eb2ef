#!/usr/bin/env bash
# Replay speed of a normal hour against a telephony DoS hour of the same size, side by side in one
# run on one machine (issue 14, "Under attack and load"): `callwarden replay` on both files,
# alternating, RUNS times each; prints the median rates and the ratio DoS / normal.
#
# Usage: Benchmarks/run-dos.sh [LINES] [RUNS] [BINARY...]   (default 100,000 lines per file, 5 runs)
# With several binaries (e.g. a copy of main's build and this tree's), each round runs every binary
# on both files, one after the other, so that they share the machine's load; medians per binary.
# Without one, CALLWARDEN=path/to/callwarden, or the release build of this tree (built when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-100000}
runs=${2:-5}
shift 2 || shift $#
binaries=("$@")
dir=/tmp/callwarden-dos-bench
mkdir -p "$dir"
if [ ! -f "$dir/dos.csv" ] || [ "$(wc -l < "$dir/dos.csv")" -ne "$lines" ]; then
    python3 Benchmarks/make-dos-hour.py "$dir" "$lines"
fi
if [ ${#binaries[@]} -eq 0 ]; then
    binaries=("${CALLWARDEN:-.build/release/callwarden}")
    if [ -z "${CALLWARDEN:-}" ] && [ ! -x "${binaries[0]}" ]; then
        swift build -c release --product callwarden >/dev/null
    fi
fi
sed "s|path: /var/lib/callwarden/callwarden.sqlite|path: $dir/unused.sqlite|" Config/callwarden.yaml > "$dir/callwarden.yaml"
cat "$dir/normal.csv" "$dir/dos.csv" > /dev/null  # warm the page cache for both

replay() {  # $1 binary index, $2 file: prints the seconds one replay took
    local t0 t1 store=()
    # The store's work is part of the ingest measured: a binary whose replay only counts by default
    # (`--store` in its help) writes into a new SQLite file per run, as older ones always did.
    if "${binaries[$1]}" replay --help | grep -q -- --store; then
        rm -f "$dir/store.$1.$2.sqlite" "$dir/store.$1.$2.sqlite-wal" "$dir/store.$1.$2.sqlite-shm"
        store=(--store "$dir/store.$1.$2.sqlite")
    fi
    t0=$(date +%s.%N)
    "${binaries[$1]}" replay --config "$dir/callwarden.yaml" --format asterisk-csv "${store[@]}" "$dir/$2.csv" > "$dir/$2.$1.txt"
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }'
}

declare -A times
for _ in $(seq "$runs"); do
    for index in "${!binaries[@]}"; do
        times[$index,normal]+="$(replay "$index" normal) "
        times[$index,dos]+="$(replay "$index" dos) "
    done
done
echo "$lines lines per file, $runs runs each, binaries alternating (medians); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for index in "${!binaries[@]}"; do
    python3 - "$lines" "${binaries[$index]}" "${times[$index,normal]}" "${times[$index,dos]}" <<'PY'
import statistics, sys
lines, binary = int(sys.argv[1]), sys.argv[2]
normal, dos = ([float(x) for x in arg.split()] for arg in sys.argv[3:5])
n, d = statistics.median(normal), statistics.median(dos)
print(f"binary: {binary}")
print(f"  normal hour: {n:7.3f} s  {lines / n:10,.0f} lines/s   runs: {' '.join(f'{x:.2f}' for x in normal)}")
print(f"  DoS hour:    {d:7.3f} s  {lines / d:10,.0f} lines/s   runs: {' '.join(f'{x:.2f}' for x in dos)}")
print(f"  DoS / normal rate: {n / d:.2f}x  (goal: 0.5x or better)")
PY
    sed -n 2p "$dir/normal.$index.txt" | sed 's/^/  normal: /'
    sed -n 2p "$dir/dos.$index.txt" | sed 's/^/  DoS:    /'
done
