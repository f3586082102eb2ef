#!/usr/bin/env bash
# What the normal hour and the DoS hour leave in the store (Benchmarks/RESULTS-dos.md): for each
# binary, the daemon (`serve`) follows an empty Master.csv, the hour (Benchmarks/make-dos-hour.py,
# LINES lines) is appended in one go, and once every line is stored and the daemon has stopped the
# `sqlite3` shell counts the rows and measures the file (after a WAL checkpoint) and the evidence
# chain's tables and indexes (dbstat, when the shell has it); it also runs `evidence verify` and prints
# the rows by table, the chain's entries by kind and digests of the links, incidents and detections,
# which two builds must agree on.
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
        # What must not differ between two builds (only the chain's head does when entries move):
        # `evidence verify`, the rows by table and chain entries by kind, digests of the stored results.
        verify=$("$binary" evidence verify --config "$run/callwarden.yaml" 2>&1) && status=0 || status=$?
        echo "$binary $hour verify: $(echo "$verify" | tail -3 | tr '\n' ' ') exit $status"
        echo "$binary $hour tables: $(sqlite3 "$db" "SELECT (SELECT count(*) FROM incidents)||' incidents, '||(SELECT count(*) FROM alert_outbox)||' alerts, '||(SELECT count(*) FROM alert_deliveries)||' deliveries, '||(SELECT count(*) FROM rules)||' rules, '||(SELECT count(*) FROM incident_log)||' log, '||(SELECT count(*) FROM audit_log)||' audit, withheld '||(SELECT sum(withheld) FROM incidents)")"
        echo "$binary $hour chain by kind: $(sqlite3 "$db" "SELECT group_concat(kind||'='||n, ' ') FROM (SELECT kind, count(*) n FROM evidence_entries GROUP BY kind ORDER BY kind)")"
        sqlite3 "$db" "SELECT incident_id, hex(call_id), linked_at FROM incident_calls ORDER BY 1,2" | md5sum | sed "s|^|$binary $hour links md5: |"
        sqlite3 "$db" "SELECT kind, identity, target, severity, status, detection_count, suppressed_alerts, alerted_action, withheld FROM incidents ORDER BY id" | md5sum | sed "s|^|$binary $hour incidents md5: |"
        sqlite3 "$db" "SELECT episode_key, calls, call_ids, incident_id, action FROM detections ORDER BY episode_key" | md5sum | sed "s|^|$binary $hour detections md5: |"
        printf '%s %-6s events %s  incident_calls %s  detections %s  chain entries %s  store %s bytes  chain tables+index %s bytes\n' \
            "$binary" "$hour" "$count" \
            "$(sqlite3 "$db" "SELECT count(*) FROM incident_calls")" "$(sqlite3 "$db" "SELECT count(*) FROM detections")" \
            "$entries" "$(stat -c %s "$db")" "$chain_bytes"
    done
done
