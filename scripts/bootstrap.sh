#!/usr/bin/env bash
# bootstrap.sh — install what Tenure needs to build, test and run.
#
# Idempotent and silent when everything is present; `make`, `make run` and
# `make test` call it first, so a fresh Debian machine needs nothing else.
#   1. Debian packages (apt-get, as root or through sudo) for the build tools
#      and the libraries Tenure links.
#   2. DuckDB 1.4.4, which Debian does not package: a system libduckdb is
#      used when one is installed; otherwise the official prebuilt
#      libduckdb.so from the npm package @duckdb/node-bindings-linux-x64 and
#      duckdb.h from the npm package duckdb, fetched with `npm pack` into
#      .deps/duckdb/ and checked against scripts/duckdb.sha256.
#   3. The dashboard's npm packages (web/package-lock.json: Chart.js, built
#      into the binary, and playwright-core for the browser tests), with
#      `npm ci` whenever the lock file changed since the last install.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPS="$ROOT/.deps"
DUCKDB_DIR="$DEPS/duckdb"
DUCKDB_LIB_PACKAGE="@duckdb/node-bindings-linux-x64@1.4.4-r.4"
DUCKDB_HEADER_PACKAGE="duckdb@1.4.4"

say() { echo "bootstrap: $*" >&2; }
die() { say "$*"; exit 1; }

# Debian packages: the build tools, the libraries (libyaml reads the project
# file, zlib reads gzip'd exports, libcurl sends the alerts' webhooks and
# OpenSSL's libcrypto hashes their idempotency keys), and
# what the tests and benchmarks drive (jq reads JSON in the integration tests;
# script(1), from bsdutils, gives them a terminal; curl talks to the server;
# python3-jsonschema validates its answers against api/openapi.json;
# python3-sklearn (with NumPy) recomputes the models' test figures in
# test_train.sh from the model files alone, and its
# python3-xgboost recomputes the served survival curves in test_survival.sh;
# python3 runs the alerts' test receiver; wrk loads it in bench/serve.sh;
# nginx-light is the load balancer in front of two replicas in
# test_replicas.sh and bench/replicas.sh (started by them with their own
# configuration, on loopback; Debian's own nginx service, which its package
# may start on port 80, is not used); chromium runs the dashboard's browser
# tests; postgresql is the second real engine test_postgres.sh runs the models
# on, a server the test starts and stops itself, and python3-jinja2 with
# python3-yaml render the dbt project there as dbt would). clang and
# libclang-rt-dev (its libFuzzer and sanitizer runtimes) build the fuzz
# targets of tests/fuzz.
PACKAGES=(
    gcc make cmake pkg-config git ca-certificates clang libclang-rt-dev
    libxgboost-dev libmicrohttpd-dev libjansson-dev libgsl-dev libcmocka-dev libyaml-dev zlib1g-dev
    libcurl4-openssl-dev libssl-dev
    jq bsdutils curl python3-jsonschema python3-sklearn python3-xgboost wrk nginx-light chromium
    postgresql python3-jinja2 python3-yaml
)

package_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

install_packages() {
    local missing=()
    local package
    for package in "${PACKAGES[@]}"; do
        package_installed "$package" || missing+=("$package")
    done
    # npm installs the dashboard's packages (and fetches DuckDB); a Node.js from
    # elsewhere may bring its own npm.
    if ! command -v npm >/dev/null; then
        missing+=(npm)
    fi
    [[ ${#missing[@]} -eq 0 ]] && return 0

    local sudo=""
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || die "missing packages (${missing[*]}) and no root or sudo to install them"
        sudo="sudo"
    fi
    command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get: install them by hand"
    say "installing ${missing[*]}"
    local log
    log=$(mktemp)
    if ! { $sudo apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        die "apt-get could not install ${missing[*]}"
    fi
    rm -f "$log"
}

# A DuckDB installed on the system wins (the same search CMake does).
system_duckdb() {
    pkg-config --exists duckdb 2>/dev/null && return 0
    local lib inc
    for lib in /usr/local/lib /usr/lib /usr/lib/x86_64-linux-gnu /usr/lib64; do
        [[ -e $lib/libduckdb.so ]] || continue
        for inc in /usr/local/include /usr/include; do
            [[ -e $inc/duckdb.h ]] && return 0
        done
    done
    return 1
}

duckdb_verified() {
    [[ -f $DUCKDB_DIR/lib/libduckdb.so && -f $DUCKDB_DIR/include/duckdb.h ]] &&
        (cd "$DUCKDB_DIR" && sha256sum --quiet --status -c "$ROOT/scripts/duckdb.sha256")
}

fetch_duckdb() {
    [[ $(uname -m) == x86_64 ]] ||
        die "the npm DuckDB build is for x86_64; on $(uname -m) install libduckdb 1.4 system-wide"
    say "fetching DuckDB 1.4.4 with npm pack (libduckdb.so and duckdb.h)"
    local tmp
    tmp=$(mktemp -d "$DEPS/duckdb-fetch.XXXXXX")
    (
        cd "$tmp"
        npm pack --silent "$DUCKDB_LIB_PACKAGE" "$DUCKDB_HEADER_PACKAGE" >/dev/null 2>npm.log ||
            { cat npm.log >&2; exit 1; }
        mkdir -p stage/lib stage/include
        tar -xzf duckdb-node-bindings-linux-x64-*.tgz -O package/libduckdb.so >stage/lib/libduckdb.so
        tar -xzf duckdb-1.4.4.tgz -O package/src/duckdb/src/include/duckdb.h >stage/include/duckdb.h
        cd stage
        sha256sum --quiet -c "$ROOT/scripts/duckdb.sha256" ||
            { echo "bootstrap: checksum mismatch: the downloaded DuckDB is not the one recorded" >&2; exit 1; }
    ) || { rm -rf "$tmp"; die "could not fetch DuckDB"; }
    rm -rf "$DUCKDB_DIR"
    mv "$tmp/stage" "$DUCKDB_DIR"
    rm -rf "$tmp"
    say "DuckDB 1.4.4 is in ${DUCKDB_DIR#"$ROOT"/}"
}

# web/node_modules as web/package-lock.json pins it; the lock file's checksum,
# kept beside the packages, says whether they are still the ones it pins.
install_web_packages() {
    local stamp="$ROOT/web/node_modules/.tenure-lock.sha256"
    (cd "$ROOT/web" && sha256sum --quiet --status -c "$stamp" 2>/dev/null) && return 0
    say "installing the dashboard's npm packages (npm ci in web/)"
    local log
    log=$(mktemp)
    if ! (cd "$ROOT/web" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        die "npm ci could not install web/package-lock.json"
    fi
    rm -f "$log"
    (cd "$ROOT/web" && sha256sum package-lock.json >"$stamp")
}

main() {
    mkdir -p "$DEPS"
    # One bootstrap at a time (parallel make targets may start several).
    exec 9>"$DEPS/.bootstrap.lock"
    flock 9
    install_packages
    if ! system_duckdb && ! duckdb_verified; then
        fetch_duckdb
    fi
    install_web_packages
}

main "$@"
