#!/usr/bin/env bash
# Install what the test suite needs on a fresh Debian machine, if missing:
#   - PostgreSQL server binaries (initdb, pg_ctl, postgres): the FoxIPC and
#     fox-store PostgreSQL tests start their own throwaway server on
#     127.0.0.1 (this script starts no server);
#   - Chromium and its WebDriver (chromium, chromium-driver): browser tests.
# Idempotent: installs nothing when everything is already there. Exits
# non-zero with a message when something cannot be installed.
set -euo pipefail

die() {
    echo "test-deps.sh: $*" >&2
    exit 1
}

have_pg_server() {
    local d
    for d in $(printf '%s' "${PATH:-}" | tr ':' ' ') /usr/lib/postgresql/*/bin; do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
            return 0
        fi
    done
    return 1
}

have_chromium() {
    command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1
}

missing=()
have_pg_server || missing+=(postgresql)
if ! have_chromium; then
    missing+=(chromium chromium-driver)
fi

if [ "${#missing[@]}" -eq 0 ]; then
    echo "test-deps.sh: everything is installed (PostgreSQL server, chromium, chromedriver)"
    exit 0
fi

command -v apt-get >/dev/null 2>&1 \
    || die "apt-get not found: install ${missing[*]} with this system's package manager"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        command -v sudo >/dev/null 2>&1 \
            || die "not root and sudo not found: install ${missing[*]} as root"
        sudo "$@"
    fi
}

# Debian's postgresql package would start its own cluster from its
# maintainer scripts: a temporary policy-rc.d (exit 101 = "action
# forbidden") keeps it from starting any service. An existing policy is
# left alone.
policy=/usr/sbin/policy-rc.d
added_policy=0
cleanup() {
    if [ "$added_policy" -eq 1 ]; then
        as_root rm -f "$policy" || true
    fi
}
trap cleanup EXIT
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# test-deps.sh: start no services while installing\nexit 101\n' \
        | as_root tee "$policy" >/dev/null \
        && as_root chmod 755 "$policy" \
        && added_policy=1 \
        || die "cannot write $policy"
fi

echo "test-deps.sh: installing ${missing[*]}"
as_root apt-get update \
    || die "apt-get update failed"
as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}" \
    || die "apt-get install ${missing[*]} failed"

have_pg_server || die "postgresql installed but initdb/pg_ctl/postgres not found in PATH or /usr/lib/postgresql/*/bin"
have_chromium || die "chromium installed but chromium/chromedriver not found in PATH"
echo "test-deps.sh: done"
