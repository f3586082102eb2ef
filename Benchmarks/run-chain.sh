#!/usr/bin/env bash
# The evidence chain's cost on detection-heavy CDR input, side by side in one run on one machine.
#
#   Benchmarks/run-chain.sh [LINES] [BINARY...]
#
# Writes a Master.csv where 1,000 callers each call the same few extensions again and again (caller
# 0770090%04d of i % 1000, callee 1000 + i % 90, one line every 7 s, ending an hour ago: stalking,
# so nearly every call ends up linked to an incident and chained). For each binary (default: this
# worktree's .build/debug/callwarden) it runs the daemon (`serve`) twice over a fresh store: with
# the chain, and with every `evidence_*` trigger dropped from the store (sqlite3 shell) before the
# file is filled — the same code without the chain. It prints lines/s from the file being filled to
# the last event stored (polled every 0.2 s with the sqlite3 shell), lines per second of the
# daemon's own CPU time (steadier than wall time on a machine shared with builds), and the chain
# entries made.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-60000}
shift || true
binaries=("$@")
[ ${#binaries[@]} -gt 0 ] || binaries=(.build/debug/callwarden)
dir=$(mktemp -d /tmp/callwarden-chain.XXXXXX)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir/Master.csv" "$lines" <<'PY'
import sys
from datetime import datetime, timedelta, timezone
path, total = sys.argv[1], int(sys.argv[2])
first = datetime.now(timezone.utc) - timedelta(seconds=total * 7 + 3600)
fmt = lambda t: t.strftime("%Y-%m-%d %H:%M:%S")
with open(path, "w") as out:
    for i in range(total):
        caller, callee, start = "0770090%04d" % (i % 1000), str(1000 + i % 90), first + timedelta(seconds=7 * i)
        out.write(f'"","{caller}","{callee}","from-trunk","""Caller"" <{caller}>","PJSIP/trunk-{i}",'
                  f'"PJSIP/{callee}-{i}","Dial","PJSIP/{callee},30","{fmt(start)}","{fmt(start + timedelta(seconds=5))}",'
                  f'"{fmt(start + timedelta(seconds=65))}",65,60,"ANSWERED","DOCUMENTATION","1768200000.{i}"\n')
PY
count() { sqlite3 -readonly "$1" "$2" 2>/dev/null || echo 0; }

run() {  # BINARY CHAIN(yes|no)
    local binary=$1 chain=$2 work="$dir/run"
    rm -rf "$work"; mkdir -p "$work"; : > "$work/Master.csv"
    cat > "$work/callwarden.yaml" <<YAML
store:
  path: $work/callwarden.sqlite
  retention:
    calls: 36500d
numbering:
  country: GB
  time_zone: UTC
cdr:
  files:
    - path: $work/Master.csv
      format: asterisk-csv
  poll_interval: 1s
decision:
  http: 127.0.0.1:0
logging:
  level: warning
YAML
    # First start on the empty file: the store is made (migrations, the chain's triggers).
    "$binary" serve --config "$work/callwarden.yaml" >> "$work/daemon.log" 2>&1 & local pid=$!
    until [ "$(count "$work/callwarden.sqlite" "SELECT count(*) FROM sqlite_master WHERE name = 'evidence_chain'")" = 1 ]; do sleep 0.2; done
    sleep 1; kill -TERM $pid; wait $pid || true
    if [ "$chain" = no ]; then
        sqlite3 "$work/callwarden.sqlite" "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'evidence%'" |
            while read -r name; do sqlite3 "$work/callwarden.sqlite" "DROP TRIGGER $name"; done
    fi
    "$binary" serve --config "$work/callwarden.yaml" >> "$work/daemon.log" 2>&1 & pid=$!
    sleep 1
    local t0; t0=$(date +%s.%N)
    cat "$dir/Master.csv" > "$work/Master.csv"
    until [ "$(count "$work/callwarden.sqlite" "SELECT count(*) FROM call_events")" -ge "$lines" ]; do
        kill -0 $pid 2>/dev/null || { echo "daemon exited:"; tail -20 "$work/daemon.log"; return 1; }
        sleep 0.2
    done
    local t1; t1=$(date +%s.%N)
    # The daemon's CPU time (user + system, clock ticks) from its start: on a shared machine the
    # steadier figure; it includes the first second idle and the file's polling.
    local ticks; ticks=$(awk '{ print $14 + $15 }' /proc/$pid/stat)
    kill -TERM $pid; wait $pid || true
    local entries incidents
    entries=$(count "$work/callwarden.sqlite" "SELECT count(*) FROM evidence_chain")
    incidents=$(count "$work/callwarden.sqlite" "SELECT count(*) FROM incident_calls")
    python3 -c "import sys; l,a,b,c=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]),int(sys.argv[8])/int(sys.argv[9]); print(f'{sys.argv[4]:<40} chain={sys.argv[5]:<3} wall {b-a:7.2f} s {l/(b-a):6.0f} lines/s  cpu {c:7.2f} s {l/c:6.0f} lines/cpu-s  entries={sys.argv[6]} links={sys.argv[7]}')" \
        "$lines" "$t0" "$t1" "$binary" "$chain" "$entries" "$incidents" "$ticks" "$(getconf CLK_TCK)"
}

for binary in "${binaries[@]}"; do
    run "$binary" yes
    run "$binary" no
done
