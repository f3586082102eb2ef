#!/usr/bin/env python3
"""Writes the packet fuzzers' seed corpus (Tests/Fuzz/Corpus/frames and hep): small synthetic
frames and HEP packets covering each decoder path. Numbers are from Ofcom's drama ranges.
Frame seeds: byte 0 selects the link type (the linkTypes list in Tests/Fuzz/PacketFrameFuzzer), then frames each behind a
2-byte big-endian length."""
import os, struct, sys, zlib

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Corpus")
ETH, SLL, SLL2, RAW, NULL, LOOP = 0, 1, 2, 3, 7, 8

def sip(method="INVITE", call_id="seed@example.test", body=b""):
    head = (f"{method} sip:+442079460123@example.test SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10\r\n"
            f"From: <sip:+447700900123@example.test>;tag=1\r\nTo: <sip:+442079460123@example.test>\r\n"
            f"Call-ID: {call_id}\r\nCSeq: 1 {method}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    return head + body

def udp(payload, sport=5060, dport=5060):
    return struct.pack(">HHHH", sport, dport, len(payload) + 8, 0) + payload

def tcp(payload, seq, flags=0x10, sport=40000, dport=5060):
    return struct.pack(">HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 65535, 0, 0) + payload

def ipv4(payload, proto=17, ident=1, offset=0, more=False):
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, (0x2000 if more else 0) | offset // 8,
                       64, proto, 0, bytes([192, 0, 2, 10]), bytes([192, 0, 2, 20])) + payload

def ipv6(payload, nxt=17):
    src = bytes.fromhex("20010db8000000000000000000000010")
    dst = bytes.fromhex("20010db8000000000000000000000020")
    return struct.pack(">IHBB", 0x60000000, len(payload), nxt, 64) + src + dst + payload

def eth(payload, ethertype=0x0800, vlans=()):
    head = bytes(12)
    for tag in vlans:
        head += struct.pack(">HH", 0x8100, tag)
    return head + struct.pack(">H", ethertype) + payload

def sll2(payload, proto=0x0800):
    return struct.pack(">HHIHBB", proto, 0, 1, 1, 0, 6) + bytes(8) + payload

def frames(link, *items):
    out = bytes([link])
    for item in items:
        out += struct.pack(">H", len(item)) + item
    return out

def hep3(payload, chunk_type=15, extra=b""):
    def chunk(t, v):
        return struct.pack(">HHH", 0, t, 6 + len(v)) + v
    body = (chunk(1, b"\x02") + chunk(2, b"\x11") + chunk(3, bytes([192, 0, 2, 10])) + chunk(4, bytes([192, 0, 2, 20]))
            + chunk(7, struct.pack(">H", 5060)) + chunk(8, struct.pack(">H", 5060))
            + chunk(9, struct.pack(">I", 1700000000)) + chunk(10, struct.pack(">I", 250000))
            + chunk(11, b"\x01") + chunk(12, struct.pack(">I", 2001)) + chunk(14, b"s3cret")
            + chunk(chunk_type, payload) + chunk(17, b"seed@example.test") + extra)
    return b"HEP3" + struct.pack(">H", 6 + len(body)) + body

def hep2(payload):
    return (bytes([2, 16, 2, 17]) + struct.pack(">HH", 5060, 5060) + bytes([192, 0, 2, 10, 192, 0, 2, 20])
            + struct.pack("<IIH", 1700000000, 250000, 7) + payload)

message = sip()
big = sip(body=b"v=0\r\n" + b"a=x\r\n" * 400)
stream = message + sip("BYE", body=b"") + sip("ACK")
datagram = udp(big)
pieces = [datagram[i:i + 800] for i in range(0, len(datagram), 800)]
seeds = {
    "frames/udp-ethernet": frames(ETH, eth(ipv4(udp(message)))),
    "frames/udp-qinq": frames(ETH, eth(ipv4(udp(message)), vlans=(10, 20))),
    "frames/udp-ipv6-sll2": frames(SLL2, sll2(ipv6(udp(message)), proto=0x86DD)),
    "frames/raw-ipv4": frames(RAW, ipv4(udp(message))),
    "frames/null": frames(NULL, struct.pack("<I", 2) + ipv4(udp(message))),
    "frames/loop-ipv6": frames(LOOP, struct.pack(">I", 24) + ipv6(udp(message))),
    "frames/ipv4-fragments": frames(ETH, *[eth(ipv4(p, ident=9, offset=i * 800, more=i < len(pieces) - 1))
                                             for i, p in reversed(list(enumerate(pieces)))]),
    "frames/ipv6-fragments": frames(ETH, *[eth(ipv6(struct.pack(">BBHI", 17, 0, (i * 800) | (1 if i < len(pieces) - 1 else 0), 77) + p, nxt=44), 0x86DD)
                                            for i, p in enumerate(pieces)]),
    "frames/tcp-split-packed": frames(ETH, eth(ipv4(tcp(b"", 99, flags=0x02), proto=6)),
                                      eth(ipv4(tcp(stream[:150], 100), proto=6)),
                                      eth(ipv4(tcp(stream[300:], 400), proto=6)),
                                      eth(ipv4(tcp(stream[150:300], 250), proto=6)),
                                      eth(ipv4(tcp(b"", 100 + len(stream), flags=0x11), proto=6))),
    "frames/gre-erspan": frames(ETH, eth(ipv4(struct.pack(">HHI", 0x2000, 0x6558, 0) + eth(ipv4(udp(message))), proto=47))),
    "frames/sctp": frames(ETH, eth(ipv4(struct.pack(">HHII", 5060, 5060, 1, 0)
                                        + struct.pack(">BBHIHHI", 0, 3, 16 + len(message), 1, 0, 0, 0) + message
                                        + bytes(-len(message) % 4), proto=132))),
    "frames/hep-in-udp": frames(ETH, eth(ipv4(udp(hep3(message), dport=9060)))),
    "frames/websocket": frames(ETH, eth(ipv4(tcp(b"", 9, flags=0x02, dport=8080), proto=6)),
                               eth(ipv4(tcp(b"GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n"
                                            + bytes([0x81, 0x80 | 126]) + struct.pack(">H", len(message)) + b"\x00\x00\x00\x00" + message,
                                            10, dport=8080), proto=6))),
    "hep/v3": hep3(message),
    "hep/v3-compressed": hep3(zlib.compress(message), chunk_type=16),
    "hep/v3-unknown-vendor": hep3(message, extra=struct.pack(">HHH", 7, 3, 7) + b"\x01"),
    "hep/v2": hep2(message),
    "hep/stream-message": stream,
    "hep/raw-deflate": zlib.compress(big)[2:-4],
}
for name, data in seeds.items():
    path = os.path.join(root, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds in {root}")
