#!/usr/bin/env bash
# Proves that the runtime image's package list is enough: every shared library that `ldd` finds for each
# built binary is either a Swift runtime library (which the Dockerfile copies from the build stage by the
# same ldd rule) or belongs — by `dpkg -S` — to a package that the Dockerfile's runtime stage installs, or to
# libc6/libgcc-s1, which every Debian image has. Also warns when a pinned version differs from this machine's
# (Debian 12, as the runtime image): the pin may then be gone from the archive.
#   deploy/tests/check-runtime-libs.sh [BIN_DIR]       (default .build/debug)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dockerfile="${DOCKERFILE:-$root/deploy/Dockerfile}"
bin="${1:-$root/.build/debug}"
binaries=(cx-feedback cx-loyalty cx-advocacy cx-escalation cx-health cx-suite cxctl)
base_packages=(libc6 libgcc-s1)

# The runtime stage's `apt-get install` list: name=version words after `FROM … AS runtime`.
mapfile -t pinned < <(awk '/^FROM .* AS runtime/ { runtime = 1 } runtime' "$dockerfile" \
    | grep -oE '^\s+[a-z0-9][a-z0-9.+-]*=[^ ]+' | tr -d ' ')
[ ${#pinned[@]} -gt 0 ] || { echo "no pinned packages found in the runtime stage of $dockerfile" >&2; exit 1; }
declare -A runtime_packages=()
for entry in "${pinned[@]}"; do runtime_packages["${entry%%=*}"]="${entry#*=}"; done
for package in "${base_packages[@]}"; do runtime_packages["$package"]="(base image)"; done

# The Dockerfile's rule for Swift libraries, and where it puts them.
grep -q "awk '\$3 ~ /\\\\/lib\\\\/swift\\\\// { print \$3 }'" "$dockerfile" \
    || { echo "the Dockerfile no longer copies the Swift libraries by ldd (awk rule on /lib/swift/)" >&2; exit 1; }
grep -q '^COPY --from=build /staging/swift/ /usr/lib/swift/linux/' "$dockerfile" \
    || { echo "the Dockerfile no longer installs the Swift libraries in /usr/lib/swift/linux" >&2; exit 1; }

problems=0
declare -A swift_libraries=() debian_libraries=()
for binary in "${binaries[@]}"; do
    [ -x "$bin/$binary" ] || { echo "missing $bin/$binary: build first (swift build)" >&2; exit 1; }
    while read -r name path; do
        if [ "$path" = "not" ]; then
            echo "FAIL  $binary: $name not found by ldd"
            problems=$((problems + 1))
        elif [[ "$path" == */lib/swift/* ]]; then
            swift_libraries["$name"]=1
        else
            package=""
            for candidate in "$path" "$(readlink -f "$path")" "/usr$path" "${path#/usr}"; do
                package="$(dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1)" && [ -n "$package" ] && break
            done
            if [ -z "$package" ]; then
                echo "FAIL  $binary: $name ($path) belongs to no Debian package"
                problems=$((problems + 1))
            elif [ -z "${runtime_packages[$package]+x}" ]; then
                echo "FAIL  $binary: $name comes from $package, which the runtime image does not install"
                problems=$((problems + 1))
            else
                debian_libraries["$name"]="$package"
            fi
        fi
    done < <(ldd "$bin/$binary" | awk '$2 == "=>" { print $1, $3 } $1 ~ /^\// { print $1, $1 }')
done

for name in $(printf '%s\n' "${!debian_libraries[@]}" | sort); do
    echo "ok    $name <- ${debian_libraries[$name]} ${runtime_packages[${debian_libraries[$name]}]}"
done
echo "ok    ${#swift_libraries[@]} Swift runtime libraries, copied from the build stage: $(printf '%s\n' "${!swift_libraries[@]}" | sort | tr '\n' ' ')"

# Installed packages that nothing here needs are fine; a runtime package that no binary needs is noted.
needed=" $(printf '%s ' "${debian_libraries[@]}") "
for package in "${!runtime_packages[@]}"; do
    [[ "$needed" == *" $package "* ]] || echo "note  $package is installed in the image but no binary links it directly"
    version="${runtime_packages[$package]}"
    [ "$version" = "(base image)" ] && continue
    here="$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null || true)"
    if [ -n "$here" ] && [ "$here" != "$version" ]; then
        echo "warn  $package is pinned to $version in the Dockerfile, this machine has $here: check the pin"
    fi
done
echo "runtime libraries: ${#binaries[@]} binaries, $problems problems"
[ "$problems" -eq 0 ]
