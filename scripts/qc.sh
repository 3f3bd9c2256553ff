#!/usr/bin/env bash
# Generated-program campaign: scripts/qc.sh N [SEED]
# Builds `fox` and `fox-qc` (release), generates N programs from SEED (a
# random one when absent; always printed), runs each under every execution
# mode of crates/fox-qc/src/modes.rs and under python3 where it has a
# Python twin, on 2 threads, and prints a summary: programs per feature
# family, divergences by kind, the slowest program. The last line is
# exactly "N programs, D divergences"; the exit status is non-zero when
# D > 0, and each diverging program is saved with its reduced reproducer
# under target/qc/<seed>-<n>/. Extra options after SEED go to
# `fox-qc campaign` (e.g. --modes interp, --no-reduce).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
    echo "pemakaian: scripts/qc.sh N [SEED] [opsi fox-qc campaign…]" >&2
    exit 2
fi
n="$1"
shift
seed=""
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
    seed="$1"
    shift
fi
if [ -z "$seed" ]; then
    seed=$(( ( $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % 1000000000 ) + 1 ))
fi
echo "qc: seed $seed"
target="${CARGO_TARGET_DIR:-target}"
cargo build --release -q -p fox-cli -p fox-qc
exec "$target/release/fox-qc" campaign "$n" --seed "$seed" --fox "$target/release/fox" --out target/qc "$@"
