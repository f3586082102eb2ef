#!/usr/bin/env bash
# Decision latency while the daemon ingests a telephony DoS hour (issue 14, "Under attack and
# load"): the real daemon (`callwarden serve`, release) follows a Master.csv; `hey` asks its HTTP
# decision service 5,000 questions/s (10 connections x 500/s, keep-alive) for SECONDS, first with
# nothing else to do (quiet), then again while the DoS hour of Benchmarks/make-dos-hour.py is
# appended to the followed file (under DoS). Prints p50/p90/p99 of both runs side by side, the
# ratio under-DoS / quiet, how many CDR lines the daemon ingested meanwhile, and the daemon's
# counters of dropped decision events (the PBX still got its answer).
#
# Usage: Benchmarks/decision-under-dos.sh [SECONDS] [LINES]   (default 20 s, 100,000 lines)
# Pinning: the load generator runs on CPU LOADGEN_CPU (default: the last CPU) and the daemon on
# DAEMON_CPUS (default: every other CPU), with `taskset`. On a 2-core machine that leaves the
# daemon one core for its ingest, SQLite writer and decision threads together: say so with the
# numbers. CALLWARDEN=path/to/callwarden times another binary (default .build/release/callwarden,
# built when missing). Needs hey (installed with apt-get when missing) and curl.
# Benchmark code: nothing here is part of the daemon.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
lines=${2:-100000}
command -v hey >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hey >/dev/null
binary=${CALLWARDEN:-.build/release/callwarden}
if [ -z "${CALLWARDEN:-}" ] && [ ! -x "$binary" ]; then
    swift build -c release --product callwarden >/dev/null
fi
cpus=$(nproc)
loadgen_cpu=${LOADGEN_CPU:-$((cpus - 1))}
daemon_cpus=${DAEMON_CPUS:-$([ "$cpus" -gt 1 ] && seq -s, 0 $((cpus - 2)) || echo 0)}

data=/tmp/callwarden-dos-bench
mkdir -p "$data"
if [ ! -f "$data/dos.csv" ] || [ "$(wc -l <"$data/dos.csv")" -ne "$lines" ]; then
    python3 Benchmarks/make-dos-hour.py "$data" "$lines"
fi
work=$(mktemp -d /tmp/callwarden-dos-decisions.XXXXXX)
serve_pid=""
trap '[ -z "$serve_pid" ] || { kill $serve_pid 2>/dev/null; wait $serve_pid 2>/dev/null; }; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
: >"$work/Master.csv"
cat >"$work/callwarden.yaml" <<YAML
store:
  path: $work/callwarden.sqlite
numbering:
  country: GB
  extension_digits: 4
  time_zone: UTC
cdr:
  files:
    - path: $work/Master.csv
      format: asterisk-csv
  poll_interval: 1s
decision:
  http: 127.0.0.1:$port
logging:
  level: warning
YAML
# The same rules as Benchmarks/bench-serve.sh: a blocked number, unidentified callers redirected.
"$binary" blocks add 02079460123 --reason "threatened reception" --by bench --config "$work/callwarden.yaml" >/dev/null
"$binary" redirects add unidentified --to 02079460999 --reason "unidentified" --by bench --config "$work/callwarden.yaml" >/dev/null
taskset -c "$daemon_cpus" "$binary" serve --config "$work/callwarden.yaml" >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/serve.log" >&2; exit 1; }

url="http://127.0.0.1:$port/v1/decision?caller=sip:%2B442079460123@carrier.example&callee=1001&callid=bench"
metric() {  # the value of counter $1 (summed over its labels), 0 when absent
    curl -fsS "http://127.0.0.1:$port/metrics" | awk -v name="$1" '$1 == name || index($1, name "{") == 1 { s += $2 } END { print s + 0 }'
}
load() {  # hey at 5,000 questions/s for $seconds, pinned; prints its summary and latency lines
    taskset -c "$loadgen_cpu" hey -z "${seconds}s" -c 10 -q 500 "$url" >"$work/hey-$1.txt"
}

echo "callwarden: $binary   daemon on CPU(s) $daemon_cpus, hey on CPU $loadgen_cpu   $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
load quiet
lines_before=$(metric callwarden_cdr_lines_total)
dropped_before=$(metric callwarden_decision_events_dropped_total)
# Under DoS: the whole hour is appended at once a second into the run, so the daemon ingests it as
# fast as it can while the questions keep coming.
( sleep 1; cat "$data/dos.csv" >>"$work/Master.csv" ) &
load dos
ingested=$(($(metric callwarden_cdr_lines_total) - lines_before))
dropped=$(($(metric callwarden_decision_events_dropped_total) - dropped_before))
# Let the rest of the hour drain, to report how long the whole ingest took.
for _ in $(seq 1 600); do
    [ "$(metric callwarden_cdr_lines_total)" -ge $((lines_before + lines)) ] && break
    sleep 0.5
done

python3 - "$work/hey-quiet.txt" "$work/hey-dos.txt" "$ingested" "$lines" "$seconds" "$dropped" <<'PY'
import re, sys
def parse(path):
    text = open(path).read()
    found = {int(p): float(s) * 1e3 for p, s in re.findall(r"(\d+)%+ in ([0-9.]+) secs", text)}
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))
    codes = re.findall(r"\[(\d+)\]\s+(\d+) responses", text)
    errors = text.split("Error distribution:")[1].strip() if "Error distribution:" in text else ""
    return found, rps, codes, errors
quiet, dos = parse(sys.argv[1]), parse(sys.argv[2])
ingested, lines, seconds, dropped = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
print(f"{'':10} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'req/s':>8}  status codes")
for name, (found, rps, codes, _) in (("quiet", quiet), ("under DoS", dos)):
    print(f"{name:10} {found[50]:8.3f} {found[90]:8.3f} {found[99]:8.3f} {rps:8.0f}  {' '.join(f'{c}x{n}' for c, n in codes)}")
print(f"under DoS / quiet: p50 {dos[0][50] / quiet[0][50]:.2f}x, p99 {dos[0][99] / quiet[0][99]:.2f}x   (goal: p99 under 1 ms under DoS)")
print(f"DoS hour lines ingested during the {seconds} s run: {ingested:,} of {lines:,}; decision events dropped meanwhile: {dropped}")
for name, (_, _, _, errors) in (("quiet", quiet), ("under DoS", dos)):
    if errors:
        print(f"{name} errors: {errors}")
PY
echo "whole DoS hour ingested: $(metric callwarden_cdr_lines_total) lines total in the daemon"
