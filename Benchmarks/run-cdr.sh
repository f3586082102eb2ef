#!/usr/bin/env bash
# CDR ingestion speed, side by side in one run on one machine:
#   wc -l (the floor: reading the file and counting lines), callwarden replay (decode + detect +
#   SQLite), and the ordo-one benchmarks (decode alone, replay in-process).
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
dir=/tmp/callwarden-bench
mkdir -p "$dir"
[ -f "$dir/Master.csv" ] && [ "$(wc -l < "$dir/Master.csv")" -eq "$lines" ] || python3 Benchmarks/make-master-csv.py "$dir/Master.csv" "$lines"
swift build -c release --product callwarden >/dev/null
sed "s|path: /var/lib/callwarden/callwarden.sqlite|path: $dir/unused.sqlite|" Config/callwarden.yaml > "$dir/callwarden.yaml"
cat "$dir/Master.csv" > /dev/null  # warm the page cache for both
t0=$(date +%s.%N); wc -l "$dir/Master.csv" >/dev/null; t1=$(date +%s.%N)
.build/release/callwarden replay --config "$dir/callwarden.yaml" --format asterisk-csv "$dir/Master.csv" > "$dir/replay.txt"
t2=$(date +%s.%N)
python3 - "$lines" "$t0" "$t1" "$t2" <<'PY'
import sys
lines, t0, t1, t2 = int(sys.argv[1]), *map(float, sys.argv[2:])
wc, replay = t1 - t0, t2 - t1
print(f"wc -l:             {wc:8.3f} s  {lines / wc:14,.0f} lines/s")
print(f"callwarden replay: {replay:8.3f} s  {lines / replay:14,.0f} lines/s  ({replay / wc:.1f}x wc -l)")
PY
tail -n +1 "$dir/replay.txt" | head -3
if [ "${SKIP_ORDO:-0}" != 1 ]; then
    CALLWARDEN_BENCHMARKS=1 CALLWARDEN_BENCH_CSV="$dir/Master.csv" CALLWARDEN_BENCH_CONFIG="$dir/callwarden.yaml" \
        swift package --scratch-path .build-benchmarks --allow-writing-to-package-directory benchmark --target CDRBenchmarks
fi
