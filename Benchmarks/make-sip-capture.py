#!/usr/bin/env python3
"""Writes a pcap of CALLS synthetic SIP calls for timing `callwarden replay` on SIP captures.

Each call is what Captures/sip shows a Kamailio proxy relaying: INVITE, 100, 180, 200, ACK, BYE,
200 on the caller's leg and the same (without the 100) on the callee's leg, UDP over Ethernet,
13 frames per call, one call started every 50 ms of capture time. Callers are spread over 20,000
drama-range numbers (07700 900xxx and 020 7946 0xxx are too few; the generator uses 01632 960xxx,
0113-0118/0121/0131/0141/0151/0161 496 0xxx) so no detection fires except by chance of the
generator's seeded order. Never committed; written to /tmp by run-sip-replay.sh.

  make-sip-capture.py OUT.pcap CALLS
"""
import random
import struct
import sys

PREFIXES = ["01632960", "01134960", "01144960", "01154960", "01164960", "01174960", "01184960",
            "01214960", "01314960", "01414960", "01514960", "01614960", "07700900", "02079460"]


def ip_checksum(header):
    total = sum(struct.unpack("!10H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def frame(src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, bytes(src), bytes(dst))
    header = header[:10] + struct.pack("!H", ip_checksum(header)) + header[12:]
    return b"\x00" * 12 + b"\x08\x00" + header + udp


def message(start, call_id, caller, callee, cseq, to_tag, vias, extra=b""):
    lines = [start] + vias + [
        f"From: <sip:{caller}@192.0.2.10>;tag=f{call_id}",
        f"To: <sip:{callee}@192.0.2.20>" + (f";tag=t{call_id}" if to_tag else ""),
        f"Call-ID: {call_id}@192.0.2.10",
        f"CSeq: {cseq}",
        "Max-Forwards: 70",
        "Content-Length: 0",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def main():
    out, calls = sys.argv[1], int(sys.argv[2])
    rng = random.Random(7)
    trunk, proxy, phone = [192, 0, 2, 10], [192, 0, 2, 1], [192, 0, 2, 20]
    start = 1_768_300_000.0
    records = []
    for n in range(calls):
        call_id = f"bench-{n}"
        caller = rng.choice(PREFIXES) + f"{rng.randrange(1000):03d}"
        callee = str(1000 + rng.randrange(200))
        t = start + n * 0.05
        via_a = [f"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK{n}a"]
        via_b = [f"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK{n}b"] + via_a
        def leg(first, seq, to_tag, offset, a_to_b):
            for hop, vias in ((0, via_a), (1, via_b)):
                if first.startswith("SIP/2.0 100") and hop == 1:
                    continue
                if a_to_b:
                    src, dst = (trunk, proxy) if hop == 0 else (proxy, phone)
                else:
                    src, dst = (proxy, trunk) if hop == 0 else (phone, proxy)
                records.append((t + offset + (hop if a_to_b else 1 - hop) * 0.001, frame(src, dst, 5060, 5060,
                    message(first, call_id, caller, callee, seq, to_tag, vias))))
        leg(f"INVITE sip:{callee}@192.0.2.1 SIP/2.0", "1 INVITE", False, 0.0, True)
        leg("SIP/2.0 100 Trying", "1 INVITE", False, 0.002, False)
        leg("SIP/2.0 180 Ringing", "1 INVITE", True, 0.01, False)
        leg("SIP/2.0 200 OK", "1 INVITE", True, 2.0, False)
        leg(f"ACK sip:{callee}@192.0.2.20 SIP/2.0", "1 ACK", True, 2.01, True)
        leg(f"BYE sip:{callee}@192.0.2.20 SIP/2.0", "2 BYE", True, 30.0, True)
        leg("SIP/2.0 200 OK", "2 BYE", True, 30.01, False)
    records.sort(key=lambda record: record[0])
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for t, data in records:
            seconds = int(t)
            micros = int(round((t - seconds) * 1_000_000))
            f.write(struct.pack("<IIII", seconds, micros, len(data), len(data)) + data)
    print(f"{out}: {len(records)} frames, {calls} calls")


if __name__ == "__main__":
    main()
