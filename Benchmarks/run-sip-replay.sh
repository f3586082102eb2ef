#!/usr/bin/env bash
# `callwarden replay` of a SIP capture end to end (libpcap read → PacketDecoding → SIP parser →
# dialog tracker → detector → counted as the store would count them; `--store PATH` would add the
# SQLite writes), beside tshark dissecting the same file:
#   Benchmarks/run-sip-replay.sh [CALLS]     (default 50,000 calls = 650,000 frames, made in /tmp)
# Prints the rates, beside `tcpdump -r` on the same file in the same run (reading only, `-w
# /dev/null`, and printing every packet), and the ratios. The capture comes from
# make-sip-capture.py and is never committed (14,231 calls make the ~185k-frame file of issue 13).
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
tcpdump -r "$file" -w /dev/null 2>/dev/null
t3=$(date +%s.%N)
tcpdump -n -r "$file" >/dev/null 2>&1
t4=$(date +%s.%N)
python3 - "$frames" "$calls" "$t0" "$t1" "$t2" "$tshark_messages" /tmp/callwarden-bench/replay.json "$t3" "$t4" <<'PY'
import json, sys
frames, calls, t0, t1, t2, tshark_messages = int(sys.argv[1]), int(sys.argv[2]), *map(float, sys.argv[3:6]), int(sys.argv[6])
t3, t4 = float(sys.argv[8]), float(sys.argv[9])
report = json.load(open(sys.argv[7]))
ours, tshark = t1 - t0, t2 - t1
print(f"input: {frames:,} frames, {calls:,} calls; replay stored {report['events']:,} events, {report['calls']:,} calls, {len(report['detections'])} detections")
print(f"callwarden replay: {ours:7.2f} s  {frames / ours:10,.0f} frames/s  {calls / ours:9,.0f} calls/s (decode, parse, dialogs, detect, SQLite)")
print(f"tshark -Y sip:     {tshark:7.2f} s  {frames / tshark:10,.0f} frames/s  ({tshark_messages:,} messages, dissection only)")
read, printed = t3 - t2, t4 - t3
print(f"tcpdump -r -w /dev/null: {read:7.3f} s  replay at {read / ours:.3f} of its rate")
print(f"tcpdump -n -r (printing): {printed:7.3f} s  replay at {printed / ours:.3f} of its rate")
PY
