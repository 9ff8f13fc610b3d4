#!/usr/bin/env bash
# bench/run.sh — runs every benchmark script in bench/ (bench/<name>.sh) with
# the release binary; each writes its figures, with the command that produced
# them, into BENCHMARKS.md. Not lib.sh (the helpers) nor huge.sh (a billion
# events, an hour or more: `make bench-huge`). Usage: bench/run.sh path/to/tenure
set -euo pipefail
TENURE=${1:?usage: bench/run.sh path/to/tenure}
cd "$(dirname "$0")"
shopt -s nullglob
scripts=()
for script in *.sh; do
    case $script in
    run.sh | lib.sh | huge.sh) ;;
    *) scripts+=("$script") ;;
    esac
done
if [[ ${#scripts[@]} -eq 0 ]]; then
    echo "bench: no benchmarks yet (each stage adds bench/<stage>.sh)"
    exit 0
fi
for script in "${scripts[@]}"; do
    echo "bench: $script"
    bash "$script" "$TENURE"
done
