#!/usr/bin/env bash
# A rules directory with broken files among good ones (tests/fixtures/rules/broken_dir/):
#  1. validate reports every error of every file (exact stderr, validate.expected) and exits 4;
#  2. replay refuses to start: the same errors, one clear refusal line, no detection, exit 4;
#  3. replay --skip-invalid-rules runs the rules that compile: exactly the good rules fire, exit 0.
set -u
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
: "${TH_SRC:?TH_SRC must point to the source tree}"

cd "${TH_SRC}/tests/fixtures/rules/broken_dir" || exit 1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0
pass=0
check() { # check NAME CONDITION-STATUS [detail file]
    if [ "$2" -eq 0 ]; then
        pass=$((pass + 1))
    else
        echo "FAIL $1"
        [ -n "${3:-}" ] && cat "$3"
        fail=$((fail + 1))
    fi
}

# 1. validate: every error, from both broken files, compile errors included.
"$TRAILHOUND" validate -r rules >"$work/v.out" 2>"$work/v.err"
rc=$?
diff -u validate.expected "$work/v.err" >"$work/v.diff"
check "validate prints exactly validate.expected" $? "$work/v.diff"
check "validate exits 4 (got $rc)" $([ "$rc" -eq 4 ]; echo $?)
for f in rules/20_broken.yaml rules/40_broken_yaml.yaml; do
    grep -q "^$f:[0-9]*:[0-9]*: error: " "$work/v.err"
    check "validate reports an error in $f" $?
done

# 2. replay without --skip-invalid-rules refuses to start.
"$TRAILHOUND" replay -r rules events.jsonl >"$work/r.out" 2>"$work/r.err"
rc=$?
check "replay exits 4 on invalid rules (got $rc)" $([ "$rc" -eq 4 ]; echo $?) "$work/r.err"
check "replay prints no detection when it refuses" $([ ! -s "$work/r.out" ]; echo $?) "$work/r.out"
want_errors="$(grep -c ': error: ' validate.expected)"
grep -qx "trailhound replay: ${want_errors} error(s) in the rules (see above), not starting; fix them, or pass --skip-invalid-rules to run the rules that compile" "$work/r.err"
check "replay says why it does not start, counting all ${want_errors} errors" $? "$work/r.err"
grep ': error: ' validate.expected >"$work/want.lines"
grep ': error: ' "$work/r.err" >"$work/got.lines"
diff -u "$work/want.lines" "$work/got.lines" >"$work/r.diff"
check "replay reports the same errors as validate" $? "$work/r.diff"
grep -q '^== trailhound replay summary' "$work/r.err"
check "replay does not run (no summary) when it refuses" $([ $? -ne 0 ]; echo $?) "$work/r.err"

# 3. --skip-invalid-rules: the good rules run, the broken ones do not.
"$TRAILHOUND" replay --skip-invalid-rules -f json -r rules events.jsonl >"$work/s.out" 2>"$work/s.err"
rc=$?
check "replay --skip-invalid-rules exits 0 (got $rc)" $([ "$rc" -eq 0 ]; echo $?) "$work/s.err"
grep -qx "trailhound replay: --skip-invalid-rules: running without the rules reported above (${want_errors} error(s))" "$work/s.err"
check "replay --skip-invalid-rules says it runs without the broken rules" $? "$work/s.err"
grep -o '"rule":"[^"]*"' "$work/s.out" | sort >"$work/fired"
printf '"rule":"%s"\n' "Bucket Policy Changed" "Configmap Created" "Console Login By Root" "Trail Logging Stopped" \
    | sort >"$work/want.fired"
diff -u "$work/want.fired" "$work/fired" >"$work/s.diff"
check "exactly the good rules fire (the good rule inside the broken file too)" $? "$work/s.diff"
grep -q '^decoded     7 ' "$work/s.err"
check "every event is decoded" $? "$work/s.err"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
