#!/usr/bin/env bash
# Five hosts over mutual TLS: runs the Swift test NetworkNamespaceTLSTests, which puts each service in its own
# network namespace (made with `ip netns`, joined by a bridge) talking tls+tcp:// by host name, runs a
# customer flow across them, and shows that certificates from another CA are refused. Needs root and
# `ip netns`; skips with a message otherwise. The namespaces and /etc/netns/<ns> files it makes carry a tag
# of this run, and are removed on exit whatever happens, with any process still running in them.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

if [ "$(id -u)" -ne 0 ]; then
    echo "netns-tls: SKIPPED: needs root (network namespaces); run: sudo deploy/tests/netns-tls.sh"
    exit 0
fi
if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
    echo "netns-tls: SKIPPED: 'ip netns' is not available (install iproute2; needs a kernel with network namespaces)"
    exit 0
fi

tag="cx$$"
export CX_NETNS_TAG="$tag"
if ! { ip netns add "$tag-probe" && ip netns delete "$tag-probe"; } 2>/dev/null; then
    ip netns delete "$tag-probe" 2>/dev/null || true
    echo "netns-tls: SKIPPED: cannot create a network namespace here (a container without CAP_SYS_ADMIN/NET_ADMIN?)"
    exit 0
fi
cleanup() {
    for namespace in $(ip netns list | awk '{ print $1 }' | grep "^$tag-" || true); do
        # Services the test started and could not stop (it crashed): by pid, from the namespace's own list.
        for pid in $(ip netns pids "$namespace" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
        ip netns delete "$namespace" 2>/dev/null || true
        rm -rf "/etc/netns/$namespace"
    done
    rmdir /etc/netns 2>/dev/null || true
    ip link delete "$tag-root" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

cd "$root"
swift test --skip-build --filter '^IntegrationTests\.NetworkNamespaceTLSTests'
left="$(ip netns list | grep -c "^$tag-" || true)"
[ "$left" -eq 0 ] || { echo "netns-tls: the test left $left namespaces behind" >&2; exit 1; }
