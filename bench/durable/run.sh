#!/usr/bin/env bash
# Ticket benchmark: freeze a run holding a big heap at its failing
# instruction, then time `fox resume` of the ticket (load, validate,
# rebuild the heap, finish). Usage: bench/durable/run.sh [N...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fox="$here/../../target/release/fox"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/tiket_heap.fox" "$work/"
cd "$work"
printf "%-8s %10s %12s %12s %12s %12s\n" records objects raw_bytes ticket_bytes run_ms resume_ms
[ $# -gt 0 ] || set -- 15000 150000
for n in "$@"; do
    rm -rf t kunci.txt
    start=$(date +%s%N)
    "$fox" run --tiket t tiket_heap.fox "$n" >/dev/null 2>&1 || true
    run_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    ticket=$(ls t/*.z)
    echo "kunci" > kunci.txt
    raw=$(python3 - "$ticket" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
print(struct.unpack_from('<Q', b, 16)[0])
PY
)
    size=$(stat -c %s "$ticket")
    # Five timed resumes (the ticket is kept), best and median reported.
    times=()
    for _ in 1 2 3 4 5; do
        s=$(date +%s%N)
        "$fox" resume --keep "$ticket" >/dev/null
        times+=( $(( ($(date +%s%N) - s) / 1000000 )) )
    done
    sorted=$(printf "%s\n" "${times[@]}" | sort -n | tr '\n' ' ')
    objects=$(( n * 5 + 1 ))
    printf "%-8s %10s %12s %12s %12s %12s\n" "$n" "$objects" "$raw" "$size" "$run_ms" "$(echo $sorted | cut -d' ' -f3)"
done
