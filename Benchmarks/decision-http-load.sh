#!/usr/bin/env bash
# HTTP decision latency under load from a second process, on loopback (issue 4):
#   hey at a fixed 5,000 requests/s (10 workers x 500/s) for p50/p99, then wrk flat out for the
#   ceiling. The server is the real daemon, `callwarden serve` (release, Benchmarks/bench-serve.sh):
#   transport + normalisation + rule matcher + event queue, with every question stored in SQLite.
# Needs: hey and wrk (apt-get install hey wrk). Prints the tools' own summaries.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${SECONDS_PER_RUN:-10}
command -v hey >/dev/null && command -v wrk >/dev/null || {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hey wrk >/dev/null
}
work=$(mktemp -d /tmp/callwarden-http-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
serve_pid=""
trap '[ -z "$serve_pid" ] || { kill $serve_pid 2>/dev/null; wait $serve_pid 2>/dev/null; }; rm -rf "$work"' EXIT
source Benchmarks/bench-serve.sh
start_callwarden_serve "$port"
url="http://127.0.0.1:$port/v1/decision?caller=sip:%2B442079460123@carrier.example&callee=1001&callid=bench"
curl -fsS "$url"
echo "== hey: 5,000 requests/s for ${seconds}s (10 connections x 500/s)"
hey -z "${seconds}s" -c 10 -q 500 "$url" | sed -n '/Summary/,/Status code/p'
echo "== wrk: flat out, 1 thread, 8 connections, ${seconds}s"
wrk -t1 -c8 -d"${seconds}s" --latency "$url"
curl -fsS "http://127.0.0.1:$port/metrics" | grep -E '^callwarden_(decisions_total\{action="block"\}|decision_events_dropped_total|event_queue_dropped_total)'
