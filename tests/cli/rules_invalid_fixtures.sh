#!/usr/bin/env bash
# Every diagnostic class of the rules loader has a fixture in tests/fixtures/rules/invalid/: NAME.yaml (or a
# directory NAME/ whose files load in sorted order, e.g. a rule and an append from a second file) and
# NAME.expected, the exact stderr of `trailhound validate -r NAME` run from that directory (diagnostics with
# their `in ...` line, source snippet and caret, then the summary line).
# Invariants: stderr must match byte for byte; the exit code must be 4 when the expected summary counts an
# error and 0 when it counts warnings only. TH_UPDATE=1 rewrites the .expected files (review the diff!).
set -u
shopt -s nullglob
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
: "${TH_SRC:?TH_SRC must point to the source tree}"

dir="${TH_SRC}/tests/fixtures/rules/invalid"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pass=0
fail=0

cd "$dir" || exit 1
for expected in *.expected; do
    name="${expected%.expected}"
    if [ -d "$name" ]; then
        target="$name"
    elif [ -f "$name.yaml" ]; then
        target="$name.yaml"
    else
        echo "FAIL $name: no $name.yaml or $name/ beside $expected"
        fail=$((fail + 1))
        continue
    fi
    "$TRAILHOUND" validate -r "$target" >"$work/out" 2>"$work/err"
    rc=$?
    if [ "${TH_UPDATE:-0}" = 1 ]; then
        cp "$work/err" "$expected"
    fi
    errors="$(sed -n 's/.*: \([0-9]*\) error(s), [0-9]* warning(s)$/\1/p' "$expected" | tail -n 1)"
    want_rc=0
    if [ -z "$errors" ]; then
        echo "FAIL $name: $expected has no summary line"
        fail=$((fail + 1))
        continue
    elif [ "$errors" -gt 0 ]; then
        want_rc=4
    fi
    if ! diff -u "$expected" "$work/err" >"$work/diff"; then
        echo "FAIL $name: stderr differs from $expected"
        cat "$work/diff"
        fail=$((fail + 1))
    elif [ "$rc" -ne "$want_rc" ]; then
        echo "FAIL $name: exit code $rc, expected $want_rc"
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
done
# Every fixture has its expectation: a .yaml or directory without .expected is a forgotten test.
for f in *.yaml */; do
    name="${f%.yaml}"
    name="${name%/}"
    if [ ! -f "$name.expected" ]; then
        echo "FAIL $name: no $name.expected"
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
