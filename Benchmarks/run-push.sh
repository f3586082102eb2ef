#!/usr/bin/env bash
# Push listener throughput with persistence, from a second process: starts `callwarden serve` (release
# build) with one TCP push listener and a fresh SQLite store, pushes events with push-load.py, checks
# the count stored in SQLite, and stops the daemon (SIGTERM, by pid).
#   Benchmarks/run-push.sh [events] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-200000}
connections=${2:-4}
dir=$(mktemp -d /tmp/callwarden-push-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
swift build -c release --product callwarden >/dev/null
cat > "$dir/callwarden.yaml" <<YAML
store:
  path: $dir/bench.sqlite
numbering:
  country: GB
  extension_digits: 4
  time_zone: UTC
push:
  listeners:
    - tcp: 127.0.0.1:$port
      format: jsonl
logging:
  level: warning
YAML
.build/release/callwarden serve --config "$dir/callwarden.yaml" 2> "$dir/daemon.log" &
daemon=$!
trap 'kill $daemon 2>/dev/null || true; wait $daemon 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 200); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port)).close()" 2>/dev/null && break
    sleep 0.05
done
python3 Benchmarks/push-load.py --port "$port" --events "$events" --connections "$connections"
stored=$(python3 -c "import sqlite3; print(sqlite3.connect('$dir/bench.sqlite').execute('SELECT COUNT(*) FROM call_events').fetchone()[0])")
echo "stored in SQLite: $stored events"
python3 - "$daemon" "$stored" <<'PY'
import os, sys
fields = open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")", 1)[1].split()
seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
print(f"daemon CPU (user+sys, whole run): {seconds:.2f} s = {seconds * 1e6 / max(1, int(sys.argv[2])):.1f} us per stored event")
PY
kill "$daemon"; wait "$daemon" || true
