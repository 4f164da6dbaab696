#!/usr/bin/env bash
# The image's HEALTHCHECK command, taken from deploy/Dockerfile, run against a real cx-health with the same
# settings the image sets (CX_HTTP, CX_DATA_DIR, JSON logs): healthy while it runs; SIGTERM stops it with
# exit status 0; then the check reports unhealthy.
#   deploy/tests/healthcheck.sh [BIN_DIR]       (default .build/debug)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$root/.build/debug}"
work="$(mktemp -d /tmp/cx-healthcheck.XXXXXX)"
pid=""
cleanup() {
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# HEALTHCHECK … \ + CMD ["/bin/bash", "-c", "…"] → the bash script, as Docker would run it.
script="$(python3 - "$root/deploy/Dockerfile" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
match = re.search(r"^HEALTHCHECK .*?CMD (\[.*\])$", text, re.M)
command = json.loads(match.group(1))
assert command[:2] == ["/bin/bash", "-c"], command
print(command[2])
PY
)"
probe() { CX_HTTP="$1" /bin/bash -c "$script"; }

port=$((20000 + RANDOM % 20000))
CX_DATA_DIR="$work/data" CX_HTTP="0.0.0.0:$port" CX_LOG_FORMAT=json CX_TOKEN="admin:ops:healthcheck-secret-0123456789" \
    "$bin/cx-health" >"$work/log" 2>&1 &
pid=$!
healthy=false
for _ in $(seq 1 100); do
    if probe "0.0.0.0:$port" 2>/dev/null; then healthy=true; break; fi
    sleep 0.1
done
failed=0
if $healthy; then echo "ok    HEALTHCHECK reports healthy while cx-health runs"; else
    echo "FAIL  HEALTHCHECK never reported healthy"; cat "$work/log"; failed=$((failed + 1)); fi
# SIGTERM once the service says it is ready: the HTTP probes start before the service's signal
# handlers, and a SIGTERM in between ends it with the default action (status 143; seen once in CI).
for _ in $(seq 1 100); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/readyz', timeout=1)" \
        2>/dev/null && break
    sleep 0.1
done
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
if [ "$status" -eq 0 ]; then echo "ok    cx-health exits 0 on SIGTERM"; else
    echo "FAIL  cx-health exited $status on SIGTERM"; cat "$work/log"; failed=$((failed + 1)); fi
if probe "0.0.0.0:$port" 2>/dev/null; then echo "FAIL  HEALTHCHECK still healthy after stop"; failed=$((failed + 1)); else
    echo "ok    HEALTHCHECK reports unhealthy once it has stopped"; fi
echo "image healthcheck: $((3 - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
