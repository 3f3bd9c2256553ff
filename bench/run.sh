#!/usr/bin/env bash
# Fox VM benchmarks: run every benchmark on fox, CPython and the installed
# peers, check that all outputs agree with CPython (and, at full size, with
# expected/NAME.out), time them in the same run and print a markdown table of
# median wall times with each runner's ratio to CPython (below 1 = faster).
#
# Usage: bench/run.sh                      (all nine benchmarks, full size, 3 runs)
#        SIZES=ref bench/run.sh            (the small sizes)
#        BENCHES=fib,nbody RUNS=5 bench/run.sh
# Env:   BENCHES   benchmarks to run, comma or space separated (default: all nine)
#        SIZES     full | ref (default full; see sizes.tsv)
#        RUNS      timed runs per command; the median is reported (default 3)
#        FOX       fox binary (default: <repo>/target/release/fox)
#        PEERS     extra peers to run, from: luajit node (lua5.4 is always run
#                  when installed). Comma or space separated.
#        PYTHON    CPython binary (default: the real binary behind python3)
#        HYPERFINE hyperfine binary (default: hyperfine on PATH); HYPERFINE=none
#                  forces the built-in Python timer
#        TIMEOUT   seconds allowed for the checking run of a command (default 900)
#
# Every command runs once untimed to check its output, then RUNS timed runs
# (whole process, start-up included). The table is also written to
# bench/results/run-<stamp>.md.
# Exit status: 0 if every runner ran and printed the right output (whether or not
# fox meets the speed bar), 1 if an output mismatched or a runner crashed,
# 2 on a usage error (unknown benchmark, missing fox or python3, ...).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ALL_BENCHES="fib loop_sum nbody spectral_norm binary_trees fannkuch string_build method_calls closures"

die() { echo "run.sh: error: $*" >&2; exit 2; }

BENCHES=${BENCHES:-$ALL_BENCHES}
BENCHES=${BENCHES//,/ }
SIZES=${SIZES:-full}
RUNS=${RUNS:-3}
TIMEOUT=${TIMEOUT:-900}
FOX=${FOX:-$BENCH_DIR/../target/release/fox}
PEERS=${PEERS:-}
PEERS=${PEERS//,/ }

case "$SIZES" in full | ref) ;; *) die "SIZES must be full or ref, not '$SIZES'" ;; esac
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$RUNS'"
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "TIMEOUT must be a positive integer (seconds), not '$TIMEOUT'"
for b in $BENCHES; do
  case " $ALL_BENCHES " in *" $b "*) ;; *) die "unknown benchmark '$b' (known: $ALL_BENCHES)" ;; esac
done
[ -n "${BENCHES// /}" ] || die "BENCHES is empty"

# fox: a path, or a command on PATH.
if [[ "$FOX" != */* ]]; then
  FOX=$(command -v "$FOX" 2>/dev/null) || die "fox binary not found on PATH (set FOX=/path/to/fox)"
fi
[ -f "$FOX" ] && [ -x "$FOX" ] || die "fox binary not found: $FOX (build it with: cargo build --release)"
FOX=$(cd "$(dirname "$FOX")" && pwd)/$(basename "$FOX")

# The real CPython binary (a pyenv shim adds 0.1-0.2 s of bash to every start).
if [ -z "${PYTHON:-}" ]; then
  command -v python3 >/dev/null 2>&1 || die "python3 not found"
  PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || die "python3 does not run"
  [ -n "$PYTHON" ] || die "python3 did not report sys.executable"
fi
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 6))' 2>/dev/null || die "PYTHON=$PYTHON is not a working Python 3"

# Timer: hyperfine if available, else the built-in Python timer.
HYPERFINE=${HYPERFINE:-hyperfine}
if [ "$HYPERFINE" = none ]; then
  HF=""
elif HF=$(command -v "$HYPERFINE" 2>/dev/null); then
  :
else
  echo "note: $HYPERFINE not found, timing with the built-in Python timer (apt-get install hyperfine)" >&2
  HF=""
fi
if [ -n "$HF" ]; then TIMER="hyperfine ($("$HF" --version 2>/dev/null | head -1))"; else TIMER="python perf_counter"; fi

# Runners: cpython and fox always, lua5.4 when installed, luajit/node on request.
declare -A CMD EXT LABEL ARGS
CMD[cpython]=$PYTHON; EXT[cpython]=py;  LABEL[cpython]="CPython"
CMD[fox]=$FOX;        EXT[fox]=fox;     LABEL[fox]="fox";  ARGS[fox]="run --tier interp"   # fox run FILE
CMD[fox-jit]=$FOX;    EXT[fox-jit]=fox; LABEL[fox-jit]="fox jit";  ARGS[fox-jit]="run --tier jit"
CMD[fox-auto]=$FOX;   EXT[fox-auto]=fox; LABEL[fox-auto]="fox auto"; ARGS[fox-auto]="run --tier auto"
CMD[lua5.4]=lua5.4;   EXT[lua5.4]=lua;  LABEL[lua5.4]="lua5.4"
CMD[luajit]=luajit;   EXT[luajit]=lua;  LABEL[luajit]="luajit"
CMD[node]=node;       EXT[node]=js;     LABEL[node]="node"
wanted="lua5.4"
for p in $PEERS; do
  case "$p" in
    lua5.4 | luajit | node) wanted="$wanted $p" ;;
    cpython | fox | fox-jit | fox-auto) ;;  # always run
    *) die "unknown peer '$p' in PEERS (known: lua5.4 luajit node)" ;;
  esac
done
RUNNERS="cpython fox fox-jit fox-auto"
notes=()
for p in lua5.4 luajit node; do
  case " $wanted " in *" $p "*) ;; *) continue ;; esac
  if path=$(command -v "${CMD[$p]}" 2>/dev/null); then
    CMD[$p]=$path
    RUNNERS="$RUNNERS $p"
  else
    notes+=("$p: skipped (not installed)")
    echo "note: $p skipped (not installed)" >&2
  fi
done

size_of() {  # size_of BENCH: the number for $SIZES from sizes.tsv
  local col=2
  [ "$SIZES" = ref ] && col=3
  awk -F'\t' -v b="$1" -v c="$col" '$1 == b { print $c }' "$BENCH_DIR/sizes.tsv"
}

prepare() {  # prepare BENCH EXT: copy to $work with the @size line set; prints the path
  local b=$1 ext=$2 n
  n=$(size_of "$b")
  [[ "$n" =~ ^[0-9]+$ ]] || die "no $SIZES size for $b in sizes.tsv"
  [ "$(grep -c '@size' "$BENCH_DIR/$b.$ext")" = 1 ] || die "$b.$ext must have exactly one @size line"
  sed -E "s/(=[[:space:]]*)[0-9]+(.*@size)/\\1$n\\2/" "$BENCH_DIR/$b.$ext" > "$work/$b.$ext"
  grep -Eq "=[[:space:]]*$n[^0-9].*@size" "$work/$b.$ext" || die "could not set the size of $b.$ext"
  echo "$work/$b.$ext"
}

# time_cmd CMD...: RUNS timed runs; prints the median wall seconds, fails if any run fails.
time_cmd() {
  if [ -n "$HF" ]; then
    "$HF" -N --style none --runs "$RUNS" --warmup 0 --export-json "$work/hf.json" \
      -- "$(printf '%q ' "$@")" >/dev/null 2>"$work/hf.err" || { tail -3 "$work/hf.err" >&2; return 1; }
    "$PYTHON" - "$work/hf.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
if any(c != 0 for c in r.get("exit_codes", [0])):
    sys.exit(1)
print("%.6f" % r["median"])
PY
  else
    "$PYTHON" - "$RUNS" "$@" <<'PY'
import statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL).returncode
    times.append(time.perf_counter() - t0)
    if rc != 0:
        sys.stderr.write("exit status %d\n" % rc)
        sys.exit(1)
print("%.6f" % statistics.median(times))
PY
  fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.3f", a / b; else printf "-" }'; }

machine_line() {
  local cpu
  cpu=$(LC_ALL=C lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
  [ -n "$cpu" ] || cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -1)
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cpus, ${cpu:-unknown CPU}, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/fox-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
stamp=$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$BENCH_DIR/results"
md="$BENCH_DIR/results/run-$stamp.md"
machine_start=$(machine_line)

echo "# $machine_start; fox=$FOX; sizes=$SIZES; runs=$RUNS; timer=$TIMER; runners:$(printf ' %s' $RUNNERS)" >&2

declare -A MED STAT
failures=0
for b in $BENCHES; do
  for p in $RUNNERS; do
    [ -f "$work/$b.${EXT[$p]}" ] || prepare "$b" "${EXT[$p]}" >/dev/null
  done
  ref=""
  for p in $RUNNERS; do
    f="$work/$b.${EXT[$p]}"
    out="$work/$b.$p.out"
    err="$work/$b.$p.err"
    rc=0
    # shellcheck disable=SC2086  # ARGS is "run" for fox, empty for the others
    timeout "$TIMEOUT" "${CMD[$p]}" ${ARGS[$p]:-} "$f" < /dev/null > "$out" 2> "$err" || rc=$?
    if [ "$rc" -ne 0 ]; then
      STAT[$b,$p]=ERROR
      if [ "$rc" = 124 ]; then echo "$b/$p: timed out after ${TIMEOUT}s" >&2; else echo "$b/$p: exit status $rc:" >&2; fi
      tail -5 "$err" >&2 || true
    elif [ "$p" = cpython ]; then
      STAT[$b,$p]=ok
      if [ "$SIZES" = full ] && ! cmp -s "$out" "$BENCH_DIR/expected/$b.out"; then
        STAT[$b,$p]=MISMATCH
        echo "$b/cpython: output differs from expected/$b.out:" >&2
        diff "$BENCH_DIR/expected/$b.out" "$out" | head -8 >&2 || true
      fi
    else
      if [ -z "$ref" ]; then
        STAT[$b,$p]=UNCHECKED
        echo "$b/$p: no CPython output to check against" >&2
      elif ! cmp -s "$out" "$ref"; then
        STAT[$b,$p]=MISMATCH
        echo "$b/$p: output differs from CPython's:" >&2
        diff "$ref" "$out" | head -8 >&2 || true
      else
        STAT[$b,$p]=ok
      fi
    fi
    if [ "$p" = cpython ]; then
      # reference output for the others: CPython's, or expected/ if CPython failed at full size
      if [ "${STAT[$b,cpython]}" = ok ]; then ref=$out
      elif [ "$SIZES" = full ]; then ref=$BENCH_DIR/expected/$b.out
      fi
    fi
    if [ "${STAT[$b,$p]}" = ok ]; then
      # shellcheck disable=SC2086
      if med=$(time_cmd "${CMD[$p]}" ${ARGS[$p]:-} "$f"); then
        MED[$b,$p]=$med
      else
        STAT[$b,$p]=ERROR
        echo "$b/$p: failed during the timed runs" >&2
      fi
    fi
    [ "${STAT[$b,$p]}" = ok ] || failures=$((failures + 1))
    if [ "${STAT[$b,$p]}" = ok ]; then
      printf '%-14s %-8s %-9s %9.3f s  x%s\n' "$b" "$p" ok "${MED[$b,$p]}" "$(ratio "${MED[$b,$p]}" "${MED[$b,cpython]:-0}")" >&2
    else
      printf '%-14s %-8s %-9s\n' "$b" "$p" "${STAT[$b,$p]}" >&2
    fi
  done
done

# geomean of a runner's ratios to CPython over the benchmarks where both ran ok
geomean() {
  local p=$1 b
  for b in $BENCHES; do
    if [ "${STAT[$b,$p]:-}" = ok ] && [ "${STAT[$b,cpython]:-}" = ok ]; then echo "${MED[$b,$p]} ${MED[$b,cpython]}"; fi
  done | awk '{ s += log($1 / $2); k++ } END { if (k) printf "%.3f", exp(s / k); else printf "-" }'
}

# The bar for fox: geomean ratio <= 0.35 and no benchmark ratio above 1.0 (all must run ok).
fox_geo=$(geomean fox)
fox_max=$(for b in $BENCHES; do
  if [ "${STAT[$b,fox]}" = ok ] && [ "${STAT[$b,cpython]}" = ok ]; then ratio "${MED[$b,fox]}" "${MED[$b,cpython]}"; echo " $b"; fi
done | sort -g | tail -1)
fox_bad=0
for b in $BENCHES; do
  if [ "${STAT[$b,fox]}" != ok ] || [ "${STAT[$b,cpython]}" != ok ]; then fox_bad=$((fox_bad + 1)); fi
done
if [ "$fox_bad" -eq 0 ] && [ "$fox_geo" != - ] &&
   awk -v g="$fox_geo" -v m="${fox_max%% *}" 'BEGIN { exit !(g <= 0.35 && m <= 1.0) }'; then
  verdict=PASS
else
  verdict=FAIL
fi
all=1

# The JIT's bar (issue 12): fox jit geomean <= 0.10 and no bench above 0.25;
# fox auto within 10 % of the faster fixed tier on every bench.
jit_max=$(for b in $BENCHES; do
  if [ "${STAT[$b,fox-jit]}" = ok ] && [ "${STAT[$b,cpython]}" = ok ]; then ratio "${MED[$b,fox-jit]}" "${MED[$b,cpython]}"; echo " $b"; fi
done | sort -g | tail -1)
auto_worst=$(for b in $BENCHES; do
  if [ "${STAT[$b,fox-auto]}" = ok ] && [ "${STAT[$b,fox]}" = ok ] && [ "${STAT[$b,fox-jit]}" = ok ]; then
    awk -v a="${MED[$b,fox-auto]}" -v i="${MED[$b,fox]}" -v j="${MED[$b,fox-jit]}" -v b="$b" \
      'BEGIN { m = (i < j) ? i : j; printf "%.3f %s\n", a / m, b }'
  fi
done | sort -g | tail -1)
jit_geo=$(geomean fox-jit)
if [ "$jit_geo" != - ] && [ -n "$auto_worst" ] &&
   awk -v g="$jit_geo" -v m="${jit_max%% *}" -v a="${auto_worst%% *}" 'BEGIN { exit !(g <= 0.10 && m <= 0.25 && a <= 1.10) }'; then
  jit_verdict=PASS
else
  jit_verdict=FAIL
fi
[ "$SIZES" = full ] && [ "$(echo $BENCHES | tr ' ' '\n' | sort -u | wc -l)" = 9 ] || all=0

{
  echo "Machine: $machine_start (load at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'))."
  echo "fox: $FOX. Python: $PYTHON. Sizes: $SIZES. Median of $RUNS run(s), wall seconds, whole process; timer: $TIMER."
  echo "Cell: median s (time / CPython time, below 1 = faster than CPython); all runners timed in the same run."
  echo
  printf '| bench | size |'
  for p in $RUNNERS; do
    if [ "$p" = cpython ]; then printf ' %s s |' "${LABEL[$p]}"; else printf ' %s s (ratio) |' "${LABEL[$p]}"; fi
  done
  echo
  printf '|---|---:|'; for p in $RUNNERS; do printf -- '---:|'; done; echo
  for b in $BENCHES; do
    printf '| %s | %s |' "$b" "$(size_of "$b")"
    for p in $RUNNERS; do
      if [ "${STAT[$b,$p]}" != ok ]; then
        printf ' %s |' "${STAT[$b,$p]}"
      elif [ "$p" = cpython ]; then
        printf ' %.3f |' "${MED[$b,$p]}"
      else
        printf ' %.3f (%s) |' "${MED[$b,$p]}" "$(ratio "${MED[$b,$p]}" "${MED[$b,cpython]:-0}")"
      fi
    done
    echo
  done
  printf '| geomean ratio | |'
  for p in $RUNNERS; do
    if [ "$p" = cpython ]; then printf ' 1.000 |'; else printf ' %s |' "$(geomean "$p")"; fi
  done
  echo
  echo
  for n in "${notes[@]+"${notes[@]}"}"; do echo "Note: $n."; done
  [ "${#notes[@]}" -eq 0 ] || echo
  printf 'Bar (fox geomean <= 0.35 and no bench > 1.0): %s (geomean %s, max %s' "$verdict" "$fox_geo" "${fox_max:--}"
  [ "$fox_bad" -eq 0 ] || printf ', %d bench(es) without a fox/CPython time' "$fox_bad"
  printf ')'
  [ "$all" = 1 ] || printf ' [indicative only: the bar is for SIZES=full with all nine benchmarks]'
  echo
  printf 'JIT bar (fox jit geomean <= 0.10, no bench > 0.25; auto within 10%% of the faster of interp and jit): %s (jit geomean %s, max %s; auto worst %s)\n' \
    "$jit_verdict" "$(geomean fox-jit)" "${jit_max:--}" "${auto_worst:--}"
  if [ "$failures" -eq 0 ]; then echo "Checks: all outputs match."; else echo "Checks: $failures run(s) crashed or mismatched."; fi
} > "$md"
cat "$md"
echo "wrote $md" >&2
[ "$failures" -eq 0 ] || exit 1
exit 0
