#!/usr/bin/env bash
# Partitions: runs `cx-chaos --faults partitions` (Benchmarks/Chaos). Each service runs on a host of its own
# (a network namespace on a bridge, plain tcp), the seeded mixed workload comes from the root namespace, and
# meanwhile links are cut for a few seconds and restored, over and over (a host isolated, a service and its
# source cut apart, one direction lost). Then the crash chaos run's checks against a fault-free run, and the
# convergence time after each heal. Arguments go to cx-chaos: `make partitions` passes the long run's,
# `make deploy-check` a short one. Needs root, `ip netns` and `nft`; skips with a message otherwise. The
# namespaces carry a tag of this run and are removed on exit whatever happens, with any process still
# running in them.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

if [ "$(id -u)" -ne 0 ]; then
    echo "partitions: SKIPPED: needs root (network namespaces); run: sudo deploy/tests/partitions.sh"
    exit 0
fi
if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
    echo "partitions: SKIPPED: 'ip netns' is not available (install iproute2; needs a kernel with network namespaces)"
    exit 0
fi
if ! command -v nft >/dev/null; then
    echo "partitions: SKIPPED: 'nft' is not available (install nftables, or run scripts/install-deps)"
    exit 0
fi

tag="cxp$$"
export CX_NETNS_TAG="$tag"
if ! { ip netns add "$tag-probe" && ip netns exec "$tag-probe" nft list ruleset >/dev/null && ip netns delete "$tag-probe"; } 2>/dev/null; then
    ip netns delete "$tag-probe" 2>/dev/null || true
    echo "partitions: SKIPPED: cannot create a network namespace with nftables here (a container without CAP_SYS_ADMIN/NET_ADMIN?)"
    exit 0
fi
cleanup() {
    for namespace in $(ip netns list | awk '{ print $1 }' | grep "^$tag-" || true); do
        # Services cx-chaos started and could not stop (it crashed): by pid, from the namespace's own list.
        for pid in $(ip netns pids "$namespace" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
        ip netns delete "$namespace" 2>/dev/null || true
    done
    ip link delete "$tag-root" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

cd "$root"
.build/debug/cx-chaos --faults partitions "$@"
left="$(ip netns list | grep -c "^$tag-" || true)"
[ "$left" -eq 0 ] || { echo "partitions: cx-chaos left $left namespaces behind" >&2; exit 1; }
