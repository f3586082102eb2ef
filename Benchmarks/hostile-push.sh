#!/usr/bin/env bash
# Hostile push senders against `callwarden serve` (issue 14): a 60 MB flood of bad lines from a client
# that never reads, and 70 slow clients before AUTH from one address, while a good sender pushes
# 1,000 events; prints the daemon's memory (VmRSS before/after, VmHWM) and what was closed.
#   Benchmarks/hostile-push.sh [debug|release]
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-debug}
dir=$(mktemp -d /tmp/callwarden-hostile.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
swift build -c "$mode" --product callwarden >/dev/null
secret=hostile-bench-secret-0123
printf '%s\n' "$secret" > "$dir/push.secret"
chmod 600 "$dir/push.secret"
cat > "$dir/callwarden.yaml" <<YAML
store:
  path: $dir/bench.sqlite
numbering:
  country: GB
  time_zone: UTC
decision:
  http: off
push:
  listeners:
    - tcp: 127.0.0.1:$port
      format: jsonl
      secret_file: push.secret
logging:
  level: warning
YAML
".build/$mode/callwarden" serve --config "$dir/callwarden.yaml" 2> "$dir/daemon.log" &
daemon=$!
trap 'kill $daemon 2>/dev/null || true; wait $daemon 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 400); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port)).close()" 2>/dev/null && break
    sleep 0.05
done
python3 Benchmarks/hostile-push.py --port "$port" --pid "$daemon" --secret "$secret"
echo "daemon warnings:"
grep -c "listener refused or closed" "$dir/daemon.log" || true
