#!/usr/bin/env bash
# `callwarden replay` of a SIP capture end to end (libpcap read → PacketDecoding → SIP parser →
# dialog tracker → detector → SQLite in a temporary store), beside tshark dissecting the same file:
#   Benchmarks/run-sip-replay.sh [CALLS]     (default 50,000 calls = 650,000 frames, made in /tmp)
# Prints both rates. The capture comes from make-sip-capture.py and is never committed.
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-50000}
file=/tmp/callwarden-bench/sip-calls-$calls.pcap
mkdir -p /tmp/callwarden-bench
[ -f "$file" ] || python3 Benchmarks/make-sip-capture.py "$file" "$calls" >/dev/null
swift build -c release --product callwarden >/dev/null
frames=$((calls * 13))
cat "$file" >/dev/null
t0=$(date +%s.%N)
.build/release/callwarden replay --json --config Captures/sip/callwarden.yaml "$file" >/tmp/callwarden-bench/replay.json
t1=$(date +%s.%N)
tshark_messages=$(tshark -r "$file" -Y sip -T fields -e sip.Call-ID 2>/dev/null | wc -l)
t2=$(date +%s.%N)
python3 - "$frames" "$calls" "$t0" "$t1" "$t2" "$tshark_messages" /tmp/callwarden-bench/replay.json <<'PY'
import json, sys
frames, calls, t0, t1, t2, tshark_messages = int(sys.argv[1]), int(sys.argv[2]), *map(float, sys.argv[3:6]), int(sys.argv[6])
report = json.load(open(sys.argv[7]))
ours, tshark = t1 - t0, t2 - t1
print(f"input: {frames:,} frames, {calls:,} calls; replay stored {report['events']:,} events, {report['calls']:,} calls, {len(report['detections'])} detections")
print(f"callwarden replay: {ours:7.2f} s  {frames / ours:10,.0f} frames/s  {calls / ours:9,.0f} calls/s (decode, parse, dialogs, detect, SQLite)")
print(f"tshark -Y sip:     {tshark:7.2f} s  {frames / tshark:10,.0f} frames/s  ({tshark_messages:,} messages, dissection only)")
PY
