# Which files under a root scripts/generate owns. Sourced by scripts/generate (to delete stale
# ones) and scripts/check-generated (to compare them), so that both agree.

# Prints the paths, relative to $1 and sorted, of every generated file under $1.
list_generated_files() {
    local root="$1"
    (
        cd "$root"
        if [[ -d Shared/CProto ]]; then
            find Shared/CProto -type f \( -name '*.pb-c.h' -o -name '*.pb-c.c' \
                -o -path Shared/CProto/include/CProto.h -o -path Shared/CProto/include/module.modulemap \)
        fi
        if [[ -d Shared/Models/Generated ]]; then
            find Shared/Models/Generated -type f
        fi
    ) | LC_ALL=C sort
}
