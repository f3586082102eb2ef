#!/usr/bin/env bash
# Makes the SIP captures in this directory with real tools: Kamailio (Debian `kamailio`) as the
# office's proxy on loopback, SIPp (Debian `sip-tester`) as the trunk's callers and as the
# extensions, tcpdump recording. Run as root (tcpdump needs CAP_NET_RAW; everything else stays on
# loopback addresses 127.0.0.77-83 and ::1):
#
#   Captures/sip/make-captures.sh            # all captures
#   Captures/sip/make-captures.sh tcp ipv6   # only these
#
# Times in the captures are the real clock at generation; every burst is made within a minute or
# two so that the detection windows (minutes long) fire. Numbers are fictional (Ofcom drama
# ranges). The *.expected.json sidecars are written by hand, not by this script: after
# regenerating, `swift test --filter CaptureSidecarTests` says whether the captures still match.
#
# Addresses:  callers 127.0.0.78 (UDP/TCP) and [::1]:5070 → Kamailio 127.0.0.77:5060 / [::1]:5060
#             → extensions: answers 127.0.0.79, busy 127.0.0.81, no answer 127.0.0.82, TCP 127.0.0.83,
#               IPv6 [::1]:5090; Kamailio's siptrace → HEP collector 127.0.0.80:9060.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scenarios=$here/scenarios
out=${CAPTURES_OUT:-$here}
work=$(mktemp -d /tmp/callwarden-captures.XXXXXX)
pids=()

need() { command -v "$1" >/dev/null || { echo "make-captures: $1 is missing (apt-get install $2)" >&2; exit 1; }; }
need kamailio kamailio
need sipp sip-tester
need tcpdump tcpdump
[ "$(id -u)" -eq 0 ] || { echo "make-captures: run as root (tcpdump needs CAP_NET_RAW)" >&2; exit 1; }

cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$work/kamailio.pid" ] && kill "$(cat "$work/kamailio.pid")" 2>/dev/null || true
    sleep 0.5
    rm -rf "$work"
}
trap cleanup EXIT

# Refuse to start beside another SIP server on the same sockets.
if ss -lntup | grep -qE '127\.0\.0\.(77|78|79|8[0-3]):5060|\[::1\]:(5060|5070|5090)'; then
    echo "make-captures: a socket this script needs is in use:" >&2
    ss -lntup | grep -E '127\.0\.0\.(77|78|79|8[0-3]):5060|\[::1\]:(5060|5070|5090)' >&2
    exit 1
fi

start_infrastructure() {
    mkdir -p "$work/run"
    kamailio -f "$here/kamailio.cfg" -P "$work/kamailio.pid" -Y "$work/run" -m 32 -M 8 -E -DD >"$work/kamailio.log" 2>&1 &
    pids+=($!)
    # The HEP collector: a sink, so that siptrace's datagrams are accepted (no ICMP unreachable).
    python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.80", 9060))
while True:
    s.recv(65535)
' &
    pids+=($!)
    callee callee-answers.xml -i 127.0.0.79 -p 5060
    callee callee-busy.xml -i 127.0.0.81 -p 5060
    callee callee-no-answer.xml -i 127.0.0.82 -p 5060
    callee callee-answers.xml -i 127.0.0.83 -p 5060 -t t1
    callee callee-answers.xml -i ::1 -p 5090
    sleep 1
    kill -0 "${pids[0]}" || { cat "$work/kamailio.log" >&2; exit 1; }
}

# A SIPp extension (server) in the background.
callee() {
    local scenario=$1
    shift
    sipp -sf "$scenarios/$scenario" "$@" -nostdin -trace_err -error_file "$work/callee-$scenario-$$-${#pids[@]}.err" \
        >"$work/callee-${#pids[@]}.log" 2>&1 &
    pids+=($!)
}

# Callers: `call SCENARIO CSV HOLD_MS [sipp options...]` places one call per CSV line, one at a
# time (-l 1), and waits for them.
call() {
    local scenario=$1 csv=$2 hold=$3
    shift 3
    local lines
    lines=$(grep -vc '^SEQUENTIAL' "$csv")
    sipp 127.0.0.77:5060 -sf "$scenarios/$scenario" -inf "$csv" -i 127.0.0.78 -p 5060 -m "$lines" -l 1 -r 2 \
        -d "$hold" -nostdin -timeout 60s -timeout_error -trace_err -error_file "$work/caller.err" "$@" \
        >"$work/caller.log" 2>&1 || { echo "make-captures: sipp $scenario $csv failed" >&2; cat "$work/caller.err" >&2; exit 1; }
}

call6() {
    local scenario=$1 csv=$2 hold=$3
    shift 3
    local lines
    lines=$(grep -vc '^SEQUENTIAL' "$csv")
    sipp '[::1]:5060' -sf "$scenarios/$scenario" -inf "$csv" -i ::1 -p 5070 -m "$lines" -l 1 -r 2 \
        -d "$hold" -nostdin -timeout 60s -timeout_error -trace_err -error_file "$work/caller.err" "$@" \
        >"$work/caller.log" 2>&1 || { echo "make-captures: sipp $scenario $csv failed" >&2; cat "$work/caller.err" >&2; exit 1; }
}

# `csv NAME 'caller;callee;display' ...` writes an injection file.
csv() {
    local name=$1
    shift
    { echo SEQUENTIAL; printf '%s\n' "$@"; } >"$work/$name.csv"
    echo "$work/$name.csv"
}

# `record NAME INTERFACE FILTER` starts tcpdump; `finish` stops it and keeps the file.
record() {
    capture_name=$1
    tcpdump -i "$2" -s 0 -U -w "$work/$1.pcap" "$3" >"$work/tcpdump-$1.log" 2>&1 &
    tcpdump_pid=$!
    sleep 1
}
finish() {
    sleep 1
    kill -INT "$tcpdump_pid"
    wait "$tcpdump_pid" || true
    cp "$work/$capture_name.pcap" "$out/$capture_name.pcap"
    echo "$capture_name.pcap: $(grep -E 'packets (captured|received)' "$work/tcpdump-$capture_name.log" | head -1), $(stat -c %s "$out/$capture_name.pcap") bytes"
}

# Two datagrams that look like SIP but are not well-formed: counted as malformed, never fatal.
send_malformed() {
    python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.78", 0))
s.sendto(b"INVITE sip:1005@127.0.0.77 SIP/2.0\r\nVia SIP/2.0/UDP 127.0.0.78\r\n\r\n", ("127.0.0.77", 5060))
s.sendto(b"INVITE sip:1005@127.0.0.77 SIP/2.0\r\nCall-ID: cut@127.0.0.78\r\nContent-Length: 4000\r\n\r\nv=0\r\n", ("127.0.0.77", 5060))
'
}

udp_filter='host 127.0.0.77 and port 5060 and not host 127.0.0.80'

capture_background() {
    record background lo "$udp_filter"
    call options.xml "$(csv options 'x;x;x' 'x;x;x')" 0
    call caller.xml "$(csv background \
        '07700900201;1001;Alex Morgan' '01632960202;1002;Sam Patel' '02079460203;1003;Jo Smith' \
        '07700900204;1081;Chris Lee' '01914980205;1004;Pat Doyle' '07700900206;1092;Kim Chen' \
        '01174960207;1005;Robin Hart' '07700900208;1006;Lee Quinn' '1020;1007;Reception Desk' \
        '07700900201;1008;Alex Morgan')" 1500
    send_malformed
    finish
}

capture_repeat_caller() {
    record repeat-caller lo "$udp_filter"
    call caller.xml "$(csv background-a '01632960301;1003;Dana Fox')" 1000
    call caller.xml "$(csv repeat '07700900123;1010;Unknown' '07700900123;1010;Unknown' '07700900123;1010;Unknown' \
        '07700900123;1010;Unknown' '07700900123;1010;Unknown' '07700900123;1010;Unknown')" 1000
    finish
}

capture_withheld_pai() {
    record withheld-pai lo "$udp_filter"
    call caller-withheld-pai.xml "$(csv pai '+447700900555;1022;x' '+447700900555;1022;x' '+447700900555;1022;x' \
        '+447700900555;1022;x' '+447700900555;1022;x' '+447700900555;1022;x')" 1000
    finish
}

capture_anonymous() {
    record anonymous lo "$udp_filter"
    call caller-withheld.xml "$(csv anonymous 'x;1013;x' 'x;1013;x' 'x;1013;x' 'x;1013;x')" 1000
    finish
}

capture_number_hopping() {
    record number-hopping lo "$udp_filter"
    # An ordinary long call to 1014 first: the extension has history before the surge.
    call caller.xml "$(csv hop-history '01632960400;1014;Office Supplies')" 8000
    sleep 12
    call caller.xml "$(csv hop '07700900901;1014;x' '01214960902;1014;x' '01174960903;1014;x' \
        '07700900904;1014;x' '01154960905;1014;x')" 1000
    finish
}

capture_tcp() {
    record tcp lo "host 127.0.0.77 and tcp port 5060 or host 127.0.0.83"
    call caller.xml "$(csv tcp '01614960777;1012;x' '01614960777;1012;x' '01614960777;1012;x' \
        '01614960777;1012;x' '01614960777;1012;x' '02079460550;1012;x')" 1000 -t t1
    finish
}

capture_ipv6() {
    record ipv6 lo "ip6 and host ::1 and port 5060"
    call6 caller.xml "$(csv ipv6 '07700900444;1021;x' '07700900444;1021;x' '07700900444;1021;x' \
        '07700900444;1021;x' '07700900444;1021;x')" 1000
    finish
}

capture_any() {
    record any-sll2 any "$udp_filter"
    call caller.xml "$(csv any '07700900666;1011;x' '07700900666;1011;x' '07700900666;1011;x' \
        '07700900666;1011;x' '07700900666;1011;x')" 1000
    finish
}

# The HEPv3 stream siptrace sends for five calls, and the same calls' plain SIP recorded at the same
# time (hep-plain.pcap): tshark 4.0 has no HEP dissector, so the tests compare what Callwarden reads
# from the HEP packets with what tshark reads from the wire.
capture_hep() {
    tcpdump -i lo -s 0 -U -w "$work/hep-plain.pcap" "$udp_filter" >"$work/tcpdump-hep-plain.log" 2>&1 &
    local plain_pid=$!
    record hep lo "udp and host 127.0.0.80 and port 9060"
    call caller.xml "$(csv hep '07700900777;1016;x' '07700900777;1016;x' '07700900777;1016;x' \
        '07700900777;1016;x' '07700900777;1016;x')" 1000
    finish
    kill -INT "$plain_pid"
    wait "$plain_pid" || true
    cp "$work/hep-plain.pcap" "$out/hep-plain.pcap"
    echo "hep-plain.pcap: $(stat -c %s "$out/hep-plain.pcap") bytes"
}

all=(background repeat_caller withheld_pai anonymous number_hopping tcp ipv6 any hep)
selected=("$@")
[ ${#selected[@]} -eq 0 ] && selected=("${all[@]}")
start_infrastructure
for name in "${selected[@]}"; do
    "capture_${name//-/_}"
done
