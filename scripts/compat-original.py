#!/usr/bin/env python3
"""Run the original Morph's own example and test programs under the original
(Python-hosted, `python3 -m ivm.main`) and under Fox VM, and compare them.

Usage:
    scripts/compat-original.py [--checkout DIR] [--fox PATH] [--python PATH]
                               [--timeout S] [--jobs N] [--cache FILE] [--only SUBSTR]

--checkout defaults to ./target/morphupgrade; when that directory does not exist the script
clones https://github.com/VzoelFox/morphupgrade there and checks out the commit our language
contract describes (dcb56cc). Every run gets a fresh copy of the checkout (programs write files
next to themselves), standard input from /dev/null, the repository root as working directory and
a time limit. The original's results are cached by program content (it is slow); Fox VM's are
not.

A program "runs correctly on the original" when it finishes in time with exit status 0, or with
the status it asked for with `keluar(n)`, and no Python traceback. Those are the denominator,
less three kinds of program, each reported apart with its reason so the whole list can be read:
- UNSTABLE: its output differs between two runs of the original (time, addresses, randomness);
- INTERNAL: its output shows the original's bytecode (an error value's `jejak` lists frames as
  `f at PC n`, the contract's "implementation detail", §13.1), which no other implementation
  can print;
- DEFECT: its output on the original is the result of a reference defect our language contract
  fixes (§15, or a documented feature §14 lists as unimplemented), named in `DEFECTS` below.
The summary gives the figure both with and without the DEFECT and INTERNAL programs.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ORIGINAL_URL = "https://github.com/VzoelFox/morphupgrade"
ORIGINAL_COMMIT = "dcb56cc"

# Which files are "example and test programs": the example folders whole, and any other file
# whose name says it is a test.
EXAMPLE_DIRS = ("greenfield/examples/", "contoh/", "archived_morph/legacy_tests/")

# Programs whose output on the original shows a defect the contract fixes, and which one.
DEFECTS = {
    "archived_morph/legacy_tests/tests/repro_multiline.fox":
        "B2: the original builds dict literals in reverse order ({'b': 2, 'a': 1})",
    "greenfield/examples/test_json.fox":
        "B2: the dict literal's keys come out reversed in the original's JSON",
    "greenfield/examples/repro_jodohkan_scope.fox":
        "B7: a closure over a jodohkan binding sees nil; the program itself prints FAIL",
    "contoh/uji_fungsi_panjang_salah_argumen.fox":
        "B15: the original ignores panjang()'s extra argument; the program expects an error, "
        "which Fox VM raises (ErrorArgumen R0802)",
    "contoh/uji_patch4.fox":
        "§14: `tetap` is not enforced by the original; the program expects the redeclaration "
        "to fail, Fox VM rejects it at compile time",
}
TEST_PREFIXES = ("test_", "uji_", "tes_")


def select_programs(root):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        for name in sorted(filenames):
            if not name.endswith(".fox"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), root)
            if rel.startswith(EXAMPLE_DIRS) or name.startswith(TEST_PREFIXES):
                found.append(rel)
    return sorted(found)


def run_once(argv, tree, timeout):
    """Runs argv in a fresh copy of `tree`; returns (status, stdout, stderr)."""
    with tempfile.TemporaryDirectory(prefix="morph-compat-") as tmp:
        work = os.path.join(tmp, "repo")
        shutil.copytree(tree, work, symlinks=True, ignore=shutil.ignore_patterns(".git"))
        env = dict(os.environ)
        env["HOME"] = tmp
        env["PYTHONHASHSEED"] = "0"
        try:
            proc = subprocess.run(
                argv,
                cwd=work,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                env=env,
            )
        except subprocess.TimeoutExpired as timed_out:
            out = timed_out.stdout or b""
            return ("timeout", out.decode("utf-8", "replace"), "")
        return (
            proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
        )


def original_ok(result):
    status, _out, err = result
    if status == "timeout":
        return False
    if "Traceback (most recent call last)" in err or "Unhandled Panic" in err:
        return False
    return True


def first_difference(a, b):
    la, lb = a.splitlines(), b.splitlines()
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else "<end>"
        y = lb[i] if i < len(lb) else "<end>"
        if x != y:
            return i + 1, x, y
    return None


def last_line(text):
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkout", default="target/morphupgrade")
    parser.add_argument("--fox", default="target/release/fox")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cache", default="target/compat-original-cache.json")
    parser.add_argument("--only", default="")
    parser.add_argument("--json", help="write the per-program results here")
    args = parser.parse_args()

    checkout = os.path.abspath(args.checkout)
    if not os.path.isdir(checkout):
        subprocess.run(["git", "clone", "-q", ORIGINAL_URL, checkout], check=True)
        subprocess.run(["git", "-C", checkout, "checkout", "-q", ORIGINAL_COMMIT], check=True)
    fox = os.path.abspath(args.fox)
    programs = [p for p in select_programs(checkout) if args.only in p]

    cache = {}
    if os.path.exists(args.cache):
        with open(args.cache) as f:
            cache = json.load(f)

    def key(rel):
        with open(os.path.join(checkout, rel), "rb") as f:
            return rel + ":" + hashlib.sha256(f.read()).hexdigest()[:16]

    def original(rel):
        k = key(rel)
        if k not in cache:
            argv = [args.python, "-m", "ivm.main", rel]
            first = run_once(argv, checkout, args.timeout)
            second = run_once(argv, checkout, args.timeout) if original_ok(first) else first
            cache[k] = {"first": list(first), "stable": first[:2] == second[:2]}
        return cache[k]

    def fox_run(rel):
        return run_once([fox, "run", rel], checkout, args.timeout)

    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        originals = dict(zip(programs, pool.map(original, programs)))
    os.makedirs(os.path.dirname(os.path.abspath(args.cache)), exist_ok=True)
    with open(args.cache, "w") as f:
        json.dump(cache, f, indent=1, sort_keys=True)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        foxes = dict(zip(programs, pool.map(fox_run, programs)))

    rows = []
    for rel in programs:
        o = originals[rel]
        first = tuple(o["first"])
        f = foxes[rel]
        if not original_ok(first):
            kind = "original-fails"
        elif not o["stable"]:
            kind = "original-unstable"
        elif re.search(r"\bat PC \d+", first[1]):
            kind = "internal"
        elif rel in DEFECTS:
            kind = "defect"
        elif first[0] == f[0] and first[1] == f[1]:
            kind = "same"
        else:
            kind = "differs"
        rows.append({"program": rel, "kind": kind, "original": first, "fox": f})

    counted = [r for r in rows if r["kind"] in ("same", "differs")]
    same = [r for r in counted if r["kind"] == "same"]
    for r in rows:
        o, f = r["original"], r["fox"]
        if r["kind"] == "differs":
            where = ""
            if o[0] != f[0]:
                where = f"exit {o[0]} vs {f[0]}"
            diff = first_difference(o[1], f[1])
            if diff:
                where += f"{'; ' if where else ''}line {diff[0]}: {diff[1][:70]!r} vs {diff[2][:70]!r}"
            print(f"DIFFERS  {r['program']}: {where}")
            if f[2].strip():
                print(f"         fox stderr: {last_line(f[2])}")
        elif r["kind"] == "original-fails":
            print(f"EXCLUDED {r['program']}: original {o[0]}: {last_line(o[2]) or last_line(o[1])}")
        elif r["kind"] == "original-unstable":
            print(f"UNSTABLE {r['program']}: the original's output differs between two runs")
        elif r["kind"] == "internal":
            same_exit = "same exit status" if o[0] == f[0] else f"exit {o[0]} vs {f[0]}"
            print(f"INTERNAL {r['program']}: prints the original's bytecode positions ({same_exit})")
        elif r["kind"] == "defect":
            print(f"DEFECT   {r['program']}: {DEFECTS[r['program']]}")
    pct = 100.0 * len(same) / len(counted) if counted else 0.0
    aside = [r for r in rows if r["kind"] in ("internal", "defect")]
    raw = len(counted) + len(aside)
    raw_pct = 100.0 * len(same) / raw if raw else 0.0
    print(
        f"\n{len(programs)} programs; {len(counted)} run correctly and repeatably on the original; "
        f"{len(same)} of them ({pct:.1f} %) print the same output and exit status on Fox VM"
        f"\n(counting the {len(aside)} INTERNAL and DEFECT programs as failures: "
        f"{len(same)} of {raw}, {raw_pct:.1f} %)"
    )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
