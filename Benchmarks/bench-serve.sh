# Sourced by the decision benchmarks: starts the real daemon, `callwarden serve` (release), on a
# store of its own in "$work" with the decision service on 127.0.0.1:$1 and the rules the
# benchmarks use (a blocked number, unidentified callers redirected), added with the CLI as an
# operator would. Everything the daemon does per call runs: normalisation, the published rule
# snapshot, the event queue, and the ingest loop storing each question in SQLite.
# Expects: $work (a scratch directory), and the caller to kill $serve_pid on exit.
start_callwarden_serve() {
    local http_port=$1
    swift build -c release --product callwarden >/dev/null
    cat >"$work/callwarden.yaml" <<YAML
store:
  path: $work/callwarden.sqlite
numbering:
  country: GB
  time_zone: UTC
decision:
  http: 127.0.0.1:$http_port
logging:
  level: warning
YAML
    local cli=(.build/release/callwarden)
    "${cli[@]}" blocks add 02079460123 --reason "threatened reception" --by bench --config "$work/callwarden.yaml" >/dev/null
    "${cli[@]}" redirects add unidentified --to 02079460999 --reason "unidentified" --by bench --config "$work/callwarden.yaml" >/dev/null
    "${cli[@]}" serve --config "$work/callwarden.yaml" >"$work/serve.log" 2>&1 &
    serve_pid=$!
    for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$http_port/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "callwarden serve did not come up; its log:" >&2
    cat "$work/serve.log" >&2
    return 1
}
