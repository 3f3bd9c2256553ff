#!/usr/bin/env bash
# A fuzzing campaign on the stable toolchain (docs/qc.md, "Fuzzing").
#
#   scripts/fuzz.sh TARGET MINUTES [SEED]
#   scripts/fuzz.sh all MINUTES [SEED]      # every target in turn, MINUTES each
#
# TARGET is one of: syntax compiler bytecode image json ipc. The seed is
# random unless given, and always printed; the same seed replays the same
# cases (up to timing: the campaign is bounded by time). Failing inputs
# are saved under fuzz/regressions/TARGET/ and are replayed by every
# `cargo test` from then on. Exit status: 0 when nothing failed.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS="syntax compiler bytecode image json ipc"
usage() {
    echo "usage: scripts/fuzz.sh TARGET|all MINUTES [SEED]   (targets: $TARGETS)" >&2
    exit 2
}
[ $# -ge 2 ] || usage
target=$1
minutes=$2
seed=${3:-}
case "$minutes" in
    ''|*[!0-9.]*) usage ;;
esac
if [ "$target" = all ]; then
    list=$TARGETS
else
    case " $TARGETS " in
        *" $target "*) list=$target ;;
        *) usage ;;
    esac
fi
if [ -z "$seed" ]; then
    seed=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
fi
seconds=$(awk "BEGIN { printf \"%d\", $minutes * 60 }")

echo "fuzz: targets [$list], $minutes min each, seed $seed"
nice -n 10 cargo test --release -p fox-fuzz --test fuzz --no-run
status=0
for t in $list; do
    FOX_FUZZ_SECONDS=$seconds FOX_FUZZ_SEED=$seed \
        nice -n 10 cargo test --release -p fox-fuzz --test fuzz -- --exact "$t" --nocapture \
        --test-threads 1 || status=1
done
if [ $status -ne 0 ]; then
    echo "fuzz: failures found; their inputs are in fuzz/regressions/ (commit them with the fix)" >&2
fi
exit $status
