#!/usr/bin/env bash
# layers.sh — no module includes a module above it. The layers, lowest first:
#
#   0  common                    dates, errors, strings, files, embedded files
#   1  stats, warehouse          pure statistics; DuckDB, the loader, the SQL models
#   2  gen, analysis, ml         the synthetic company; analyze; train and score
#   3  insight                   the business answers and their one encoding
#   4  serve                     HTTP transport and the snapshot cache
#   5  cli                       the commands
#
# A file under src/<module>/ may include its own module's headers and those of
# modules in lower layers, never one in its own layer or above (so ml cannot
# include analysis, nor serve cli). Prints each offending include as
# file:line and exits 1 when there is one.
# Usage: tests/lint/layers.sh [SOURCE_DIR]
set -euo pipefail
ROOT=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

declare -A LAYER=([common]=0 [stats]=1 [warehouse]=1 [gen]=2 [analysis]=2 [ml]=2 [insight]=3 [serve]=4 [cli]=5)

bad=0
while IFS= read -r file; do
    module=${file#"$ROOT"/src/}
    module=${module%%/*}
    if [[ -z ${LAYER[$module]+x} ]]; then
        echo "${file#"$ROOT"/}: the module '$module' has no layer in tests/lint/layers.sh" >&2
        bad=1
        continue
    fi
    while IFS=: read -r line included; do
        target=${included%%/*}
        [[ $target == "$module" ]] && continue
        if [[ -z ${LAYER[$target]+x} ]]; then
            continue # a generated header (tn_version.h) or a library's
        fi
        if ((LAYER[$target] >= LAYER[$module])); then
            echo "${file#"$ROOT"/}:$line: $module (layer ${LAYER[$module]}) includes $included (layer ${LAYER[$target]})" >&2
            bad=1
        fi
    done < <(grep -n '^#include "[a-z_]*/' "$file" | sed 's/^\([0-9]*\):#include "\([^"]*\)".*/\1:\2/')
done < <(find "$ROOT/src" -name '*.[ch]' | sort)
if ((bad)); then
    echo "layers: an include points up or sideways (see tests/lint/layers.sh)" >&2
    exit 1
fi
echo "layers: every include points down"
