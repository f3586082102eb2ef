#!/usr/bin/env bash
# Alert latency end to end: POST /v1/mcid → outbox → dispatcher → signed webhook → a receiver that
# verifies the signature. Prints how long each alert took, and checks exactly-once delivery across
# a receiver outage and a daemon restart. Loopback only; bounded (20 + 10 requests); stops itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
# CALLWARDEN_BIN: measure that binary (e.g. a copy of another branch's build) instead of building this one.
bin=${CALLWARDEN_BIN:-}
if [ -z "$bin" ]; then
    swift build --product callwarden >/dev/null
    bin=$PWD/.build/debug/callwarden
fi
dir=$(mktemp -d)
cp Benchmarks/alerts/webhook-receiver.py "$dir/"
cd "$dir"
echo "whsec_$(echo -n 'latency-test-secret-0123456789' | base64)" > hook.secret
cat > cw.yaml <<'YAML'
store:
  path: cw.sqlite
api:
  listen: 127.0.0.1:18752
alerts:
  journal: false
  webhooks:
    - name: bench
      url: http://127.0.0.1:18753/hook
      secret_file: hook.secret
YAML
token=$("$bin" tokens create bench --role security --config cw.yaml | tail -1)
python3 webhook-receiver.py 18753 & receiver=$!
"$bin" serve --config cw.yaml > serve.log 2>&1 & daemon=$!
trap 'kill $receiver $daemon 2>/dev/null || true; rm -rf "$dir"' EXIT
sleep 3
flag() { # kind extension → prints "send-time alert-key"
    local t; t=$(date +%s.%N)
    echo "$t $(curl -s -H "Authorization: Bearer $token" -d "kind=$1&extension=$2" http://127.0.0.1:18752/v1/mcid | python3 -c 'import json,sys; print(json.load(sys.stdin)["alert"])')"
}
report() {
    python3 - "$1" <<'PY'
import sys
sent = {l.split()[1]: float(l.split()[0]) for l in open('sent.log')}
recv = {}
for l in open('received.log'):
    t, k, ok, typ = l.split()
    assert ok == 'ok', 'bad signature'
    recv.setdefault(k, []).append(float(t))
lat = sorted(recv[k][0] - (float(sys.argv[1]) or sent[k]) for k in sent if k in recv)
print(f"sent {len(sent)} delivered {sum(k in recv for k in sent)} duplicates {sum(len(v) - 1 for v in recv.values())}")
print(f"latency ms: min {lat[0]*1e3:.0f} median {lat[len(lat)//2]*1e3:.0f} max {lat[-1]*1e3:.0f}")
PY
}
: > received.log; : > sent.log
for i in $(seq 1 20); do flag threat "10$((i % 10))0" >> sent.log; sleep 0.3; done
sleep 2; echo "== receiver up:"; report 0
kill $receiver; wait $receiver 2>/dev/null || true
: > received.log; : > sent.log
for i in $(seq 1 10); do flag harassment "20$i" >> sent.log; done
sleep 20; kill -TERM $daemon; wait $daemon 2>/dev/null || true
"$bin" serve --config cw.yaml > serve2.log 2>&1 & daemon=$!
sleep 20; up=$(date +%s.%N)
token=$("$bin" tokens create bench --role security --config cw.yaml | tail -1)
python3 webhook-receiver.py 18753 & receiver=$!
sleep 30; echo "== receiver down 40 s, daemon restarted meanwhile (latency from the receiver's start):"; report "$up"
