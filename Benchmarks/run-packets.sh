#!/usr/bin/env bash
# Packet decoding speed beside tshark, in one run on one machine, over the same file:
#   tshark -r FILE -Y sip -T fields -e sip.Call-ID   (dissect every frame, print each SIP Call-ID)
#   packet-bench decode FILE                         (libpcap read + PacketDecoding, best of 3)
# FILE repeats the public captures' Ethernet frames (SIP/UDP, SIP/TCP with RTP, SIP/UDP over IPv6)
# to FRAMES frames (default 500,000), made in /tmp, never committed. Prints both rates and the ratio.
# SKIP_ORDO=1 skips the ordo-one benchmark suite that follows.
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-500000}
dir=/tmp/callwarden-bench
file=$dir/packets-$frames.pcap
mkdir -p "$dir"
command -v tshark >/dev/null || {
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq tshark >/dev/null
}
export CALLWARDEN_BENCHMARKS=1  # the benchmark targets exist only with it (Package.swift)
swift build --scratch-path .build-benchmarks -c release --product packet-bench >/dev/null
bench=$(swift build --scratch-path .build-benchmarks -c release --show-bin-path)/packet-bench
[ -f "$file" ] || "$bench" make "$file" "$frames" ../shared/public-captures
cat "$file" > /dev/null  # warm the page cache for both
t0=$(date +%s.%N)
tshark_messages=$(tshark -r "$file" -Y sip -T fields -e sip.Call-ID 2>/dev/null | wc -l)
t1=$(date +%s.%N)
ours=$("$bench" decode "$file" 3)
python3 - "$frames" "$t0" "$t1" "$tshark_messages" "$ours" "$(du -h "$file" | cut -f1)" <<'PY'
import sys
frames, t0, t1, tshark_messages, ours, size = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
fields = dict(part.split("=") for part in ours.split())
seconds, messages = float(fields["seconds"]), int(fields["sip_messages"])
tshark = t1 - t0
print(f"input: {frames:,} frames ({size}), {messages:,} SIP messages")
print(f"tshark -Y sip:      {tshark:8.3f} s  {frames / tshark:12,.0f} frames/s  {tshark_messages / tshark:12,.0f} SIP msgs/s  ({tshark_messages:,} messages)")
print(f"PacketDecoding:     {seconds:8.3f} s  {frames / seconds:12,.0f} frames/s  {messages / seconds:12,.0f} SIP msgs/s  (malformed {fields['malformed']})")
print(f"ratio: {tshark / seconds:.1f}x tshark (target >= 50x)")
PY
if [ "${SKIP_ORDO:-0}" != 1 ]; then
    CALLWARDEN_BENCH_PCAP="$file" CALLWARDEN_PUBLIC_CAPTURES=../shared/public-captures \
        swift package --scratch-path .build-benchmarks --allow-writing-to-package-directory benchmark --target PacketBenchmarks
fi
