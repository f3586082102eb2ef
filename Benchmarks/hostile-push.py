#!/usr/bin/env python3
"""Hostile push senders against a running `callwarden serve` (issue 14), with the daemon's memory.

Two attacks on one push listener, each while a well-behaved sender pushes events and waits for its
OKs:
  flood:     one client writes --flood-mb MB of short bad lines ("x\\n") and never reads its answers;
  slow-auth: --slow clients from 127.0.0.2 send one byte a second of an AUTH line that never ends.
Prints the daemon's VmRSS before and after and its peak (VmHWM), how many bytes the flooder got
written before the daemon closed it, how many slow clients the daemon closed or refused, and the
good sender's OK count. Usage (see hostile-push.sh):
  hostile-push.py --port P --pid PID --secret S [--flood-mb 60] [--slow 70]
"""
import argparse, socket, threading, time

def status(pid, key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) // 1024
    return -1

def good_sender(port, secret, count, out):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(120)
    lines = [f"AUTH {secret}\n"] + [
        '{"time":%d,"call_id":"good-%d","phase":"started","caller":"+442079460%03d","callee":"1001"}\n' % (1768208400 + i, i, i % 1000)
        for i in range(count)
    ]
    s.sendall("".join(lines).encode())
    buf = b""
    while b"OK %d\n" % (count + 1) not in buf:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    acked = [int(line[3:]) for line in buf.split(b"\n") if line.startswith(b"OK ")]
    out["good_acknowledged_through_line"] = max(acked, default=0)
    out["good_lines_sent"] = count + 1
    s.close()

def flood(port, secret, megabytes, out):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"AUTH {secret}\n".encode())
    chunk = b"x\n" * 32768
    written = 0
    try:
        while written < megabytes << 20:
            s.sendall(chunk)
            written += len(chunk)
        out["flood_closed"] = False
    except OSError:
        out["flood_closed"] = True
    out["flood_written_mb"] = round(written / (1 << 20), 1)

def slow(port, index, out, lock):
    try:
        s = socket.socket()
        s.bind(("127.0.0.2", 0))
        s.connect(("127.0.0.1", port))
        s.settimeout(1.0)
        for byte in b"AUTH not-finished-ever":
            s.send(bytes([byte]))
            try:
                data = s.recv(4096)
                if data == b"" or data:
                    with lock:
                        key = "slow_refused" if b"too-many" in data else "slow_closed"
                        out[key] = out.get(key, 0) + 1
                    return
            except socket.timeout:
                continue
    except OSError:
        with lock:
            out["slow_closed"] = out.get("slow_closed", 0) + 1

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--flood-mb", type=int, default=60)
    parser.add_argument("--slow", type=int, default=70)
    args = parser.parse_args()
    out = {"rss_before_mb": status(args.pid, "VmRSS")}
    lock = threading.Lock()
    threads = [threading.Thread(target=flood, args=(args.port, args.secret, args.flood_mb, out))]
    threads += [threading.Thread(target=slow, args=(args.port, i, out, lock)) for i in range(args.slow)]
    for t in threads:
        t.start()
    time.sleep(1)
    good = threading.Thread(target=good_sender, args=(args.port, args.secret, 1000, out))
    good.start()
    good.join()
    for t in threads:
        t.join()
    out["rss_after_mb"] = status(args.pid, "VmRSS")
    out["rss_peak_mb"] = status(args.pid, "VmHWM")
    for key, value in out.items():
        print(f"{key}: {value}")

if __name__ == "__main__":
    main()
