#!/usr/bin/env python3
"""Load generator for Callwarden's push listener (docs/push-protocol.md), run as a second process.

Opens C connections to a listener, pushes N JSON-schema events in total (synthetic Ofcom drama-range
numbers, distinct call ids), half-closes, and waits for the cumulative OK of the last line on each
connection. Prints events/s from the first byte sent to the last OK received: every counted event
was committed to SQLite before its OK was written.

  push-load.py --port 7070 --events 200000 --connections 4 [--secret S] [--unix PATH]
"""
import argparse
import random
import socket
import sys
import threading
import time


RANGES = ["07700900", "02079460", "01134960", "01144960", "01154960", "01174960", "01214960", "01614960"]


def lines_for(connection, count, base_time):
    """`count` events: a started and an ended event per call. Callers and timing as in
    make-master-csv.py (Ofcom drama ranges, 0-2 s between calls, one call in a thousand from a burst
    caller), so detection does the work real traffic gives it. Deterministic per connection."""
    rng = random.Random(20260112 + connection)
    out = []
    moment = base_time + connection * 10_000_000
    for call in range(count // 2 + count % 2):
        moment += rng.choice((0, 1, 1, 2))
        if rng.random() < 0.001:
            caller = "07700900999"
        else:
            prefix = rng.choice(RANGES)
            caller = prefix + str(rng.randrange(0, 10 ** (11 - len(prefix)))).zfill(11 - len(prefix))
        callee = str(1000 + rng.randrange(0, 300))
        call_id = "bench-%d-%d" % (connection, call)
        out.append('{"v":1,"time":%d,"call_id":"%s","phase":"started","caller":"%s","callee":"%s"}\n'
                   % (moment, call_id, caller, callee))
        if len(out) < count:
            duration = rng.randrange(5, 600)
            out.append('{"v":1,"time":%d,"call_id":"%s","phase":"ended","caller":"%s","callee":"%s",'
                       '"disposition":"answered","start":%d,"duration":%d,"talk_time":%d}\n'
                       % (moment + duration, call_id, caller, callee, moment, duration, duration - 5))
    return "".join(out).encode()


def run_connection(args, index, count, results):
    sock = socket.socket(socket.AF_UNIX if args.unix else socket.AF_INET, socket.SOCK_STREAM)
    sock.connect(args.unix if args.unix else (args.host, args.port))
    payload = (("AUTH %s\n" % args.secret).encode() if args.secret else b"") + results[index]
    last_line = count + (1 if args.secret else 0)
    answers = {"ok": 0, "err": 0, "last": 0}

    def reader():
        buffer = b""
        while True:
            data = sock.recv(65536)
            if not data:
                return
            buffer += data
            *complete, buffer = buffer.split(b"\n")
            for line in complete:
                if line.startswith(b"OK "):
                    answers["ok"] += 1
                    answers["last"] = max(answers["last"], int(line[3:]))
                elif line.startswith(b"ERR"):
                    answers["err"] += 1
            if answers["last"] >= last_line:
                return

    thread = threading.Thread(target=reader)
    thread.start()
    sock.sendall(payload)
    sock.shutdown(socket.SHUT_WR)
    thread.join()
    sock.close()
    results[index] = answers


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7070)
    parser.add_argument("--unix")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--secret")
    args = parser.parse_args()
    per = args.events // args.connections
    # Payloads are built before the clock starts.
    results = [lines_for(i, per, 1_768_208_400) for i in range(args.connections)]
    threads = [threading.Thread(target=run_connection, args=(args, i, per, results)) for i in range(args.connections)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    total = per * args.connections
    acked = all(r and r["last"] >= per for r in results)
    errors = sum(r["err"] for r in results if r)
    print("push: %d events over %d connection(s) in %.3f s = %.0f events/s (all acknowledged: %s, ERR lines: %d)"
          % (total, args.connections, elapsed, total / elapsed, acked, errors))
    sys.exit(0 if acked and errors == 0 else 1)


if __name__ == "__main__":
    main()
