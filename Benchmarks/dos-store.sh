#!/usr/bin/env bash
# What the normal hour and the DoS hour leave in the store (Benchmarks/RESULTS-dos.md): for each
# binary, the daemon (`serve`) follows an empty Master.csv, the hour (Benchmarks/make-dos-hour.py,
# LINES lines) is appended in one go, and once every line is stored and the daemon has stopped the
# `sqlite3` shell counts the rows and measures the file (after a WAL checkpoint) and the evidence
# chain's tables and indexes (dbstat, when the shell has it).
#
# Usage: Benchmarks/dos-store.sh [LINES] BINARY...
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-100000}
shift
[ $# -gt 0 ] || { echo "usage: $0 [LINES] BINARY..." >&2; exit 2; }
data=/tmp/callwarden-dos-bench
mkdir -p "$data"
if [ ! -f "$data/dos.csv" ] || [ "$(wc -l <"$data/dos.csv")" -ne "$lines" ]; then
    python3 Benchmarks/make-dos-hour.py "$data" "$lines"
fi
work=$(mktemp -d /tmp/callwarden-dos-store.XXXXXX)
serve_pid=""
trap '[ -z "$serve_pid" ] || { kill $serve_pid 2>/dev/null; wait $serve_pid 2>/dev/null; }; rm -rf "$work"' EXIT

for binary in "$@"; do
    for hour in normal dos; do
        run="$work/run"
        rm -rf "$run" && mkdir -p "$run"
        : >"$run/Master.csv"
        cat >"$run/callwarden.yaml" <<YAML
store:
  path: $run/callwarden.sqlite
numbering:
  country: GB
  extension_digits: 4
  time_zone: UTC
cdr:
  files:
    - path: $run/Master.csv
      format: asterisk-csv
  poll_interval: 1s
logging:
  level: warning
YAML
        "$binary" serve --config "$run/callwarden.yaml" >"$run/serve.log" 2>&1 &
        serve_pid=$!
        for _ in $(seq 1 100); do [ -f "$run/callwarden.sqlite" ] && break; sleep 0.1; done
        sleep 2
        cat "$data/$hour.csv" >>"$run/Master.csv"
        count=0
        for _ in $(seq 1 1200); do
            count=$(sqlite3 "$run/callwarden.sqlite" "SELECT count(*) FROM call_events" 2>/dev/null || echo 0)
            [ "$count" -ge "$lines" ] && break
            sleep 0.5
        done
        sleep 2
        kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=""
        db="$run/callwarden.sqlite"
        sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
        entries=$(sqlite3 "$db" "SELECT count(*) FROM evidence_chain")
        if [ "$(sqlite3 "$db" "SELECT count(*) FROM sqlite_master WHERE name = 'evidence_entries'")" = 1 ]; then
            entries=$(sqlite3 "$db" "SELECT (SELECT count(*) FROM evidence_chain) + (SELECT count(*) FROM evidence_entries)")
        fi
        chain_bytes=$(sqlite3 "$db" "SELECT sum(pgsize) FROM dbstat WHERE name IN ('evidence_chain', 'evidence_chain_by_row', 'evidence_entries')" 2>/dev/null || echo "?")
        printf '%s %-6s events %s  incident_calls %s  detections %s  chain entries %s  store %s bytes  chain tables+index %s bytes\n' \
            "$binary" "$hour" "$count" \
            "$(sqlite3 "$db" "SELECT count(*) FROM incident_calls")" "$(sqlite3 "$db" "SELECT count(*) FROM detections")" \
            "$entries" "$(stat -c %s "$db")" "$chain_bytes"
    done
done
