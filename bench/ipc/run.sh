#!/usr/bin/env bash
# FoxIPC throughput: how many trivial tasks per second workers drain from a
# queue. For each backend and worker count: submit N tasks, start W worker
# processes (one task at a time each), time until the queue is empty.
#
# Usage: bench/ipc/run.sh [N]              (default N = 5000)
# Env:   PG_URL=postgres://…  also measure the PostgreSQL backend
#        WORKERS="1 2 4"      worker process counts
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fox="$here/../../target/release/fox"
n="${1:-5000}"
workers="${WORKERS:-1 2 4}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/trivial.fox" "$work/"
cd "$work"

ms() { date +%s%N | cut -b1-13; }

bench() { # store label workers
    local store="$1" label="$2" w="$3"
    "$fox" ipc purge --store "$store" --state selesai >/dev/null
    "$fox" ipc submit --store "$store" --repeat "$n" trivial.fox >/dev/null
    local start end pids=()
    start=$(ms)
    for _ in $(seq "$w"); do
        "$fox" ipc worker --store "$store" --idle-exit-ms 200 --quiet &
        pids+=($!)
    done
    wait "${pids[@]}"
    end=$(ms)
    local done_n
    done_n=$("$fox" ipc list --store "$store" --state selesai --limit 1000000 | wc -l)
    # Each worker idles 200 ms before it exits: not part of the work.
    local secs
    secs=$(python3 -c "print(max(($end - $start - 200) / 1000, 0.001))")
    python3 -c "print(f'| $label | $w | $done_n | {$secs:.2f} | {$done_n / $secs:,.0f} |')"
}

echo "| backend | workers | tasks | seconds | tasks/s |"
echo "|---|---:|---:|---:|---:|"
for w in $workers; do
    bench "sqlite:$work/q.db" sqlite "$w"
done
if [ -n "${PG_URL:-}" ]; then
    for w in $workers; do
        bench "$PG_URL" postgres "$w"
    done
fi
