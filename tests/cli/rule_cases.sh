#!/usr/bin/env bash
# rule_cases.sh - drives `trailhound test` on tests/fixtures/rule_tests: a passing case file exits 0, a failing
# one exits 1 with a missing/unexpected diff, invalid case files exit 4 with file:line:col, --require-cases and
# --list-untested report rules lacking cases, directories are walked in sorted order, bad usage exits 2.
# Invariant: every check compares the real binary's exit code and output with what the fixture was written to show.
set -u
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
: "${TH_SRC:?TH_SRC must point to the source tree}"

fx="${TH_SRC}/tests/fixtures/rule_tests"
. "$TH_SRC/tests/cli/lib/checks.sh"

# run NAME ARGS...: runs trailhound test from the source tree; stdout, stderr and exit code in $work/NAME.*
run() {
    local name="$1"
    shift
    (cd "$TH_SRC" && "$TRAILHOUND" test "$@" >"$work/$name.out" 2>"$work/$name.err")
    echo $? >"$work/$name.rc"
}

expect_rc() {
    local got
    got="$(cat "$work/$1.rc")"
    [ "$got" = "$2" ] || fail "$1: exit code $got, expected $2 (stderr: $(head -5 "$work/$1.err"))"
}

expect_line() { # NAME STREAM LINE: the exact line occurs in the stream
    grep -qxF -- "$3" "$work/$1.$2" || fail "$1: $2 lacks the line '$3'"
}

expect_last() { # NAME LINE: the last stdout line
    local last
    last="$(tail -n 1 "$work/$1.out")"
    [ "$last" = "$2" ] || fail "$1: last line is '$last', expected '$2'"
}

# A passing file: every case ok, exit 0.
run pass tests/fixtures/rule_tests/pass.yaml
expect_rc pass 0
expect_line pass out "ok   tests/fixtures/rule_tests/pass.yaml: stop logging by an IAM user fires"
expect_line pass out "ok   tests/fixtures/rule_tests/pass.yaml: records of a file replay through the file source"
[ "$(grep -c '^ok   ' "$work/pass.out")" = 8 ] || fail "pass: expected 8 ok lines"
expect_last pass "8 passed, 0 failed"

# A failing file: exit 1, FAIL line with the case's line, then the diff.
run fail tests/fixtures/rule_tests/fail.yaml
expect_rc fail 1
expect_line fail out "ok   tests/fixtures/rule_tests/fail.yaml: delete trail fires"
expect_line fail out "FAIL tests/fixtures/rule_tests/fail.yaml:9: delete trail mislabelled as stop logging"
expect_line fail out "  missing: Test Logging Stopped"
expect_line fail out "  unexpected: Test Trail Deleted (event 2: eventName=DeleteTrail, eventID=evt-0103)"
expect_last fail "1 passed, 1 failed"

# Invalid case files: exit 4, errors with file:line:col.
run bad tests/fixtures/rule_tests/bad_missing_expect.yaml tests/fixtures/rule_tests/bad_event_and_file.yaml \
    tests/fixtures/rule_tests/bad_unknown_key.yaml
expect_rc bad 4
grep -q "bad_missing_expect.yaml:4:5: error: case 'no expectation given' has no expect:" "$work/bad.err" ||
    fail "bad: no positioned error for the missing expect"
grep -q "bad_event_and_file.yaml:6:5: error: case has both event and file" "$work/bad.err" ||
    fail "bad: no positioned error for event + file"
grep -q "bad_unknown_key.yaml:6:5: error: unknown key 'expected'" "$work/bad.err" ||
    fail "bad: no positioned error for the unknown key"
expect_last bad "0 passed, 0 failed"

# An invalid case file does not stop the others, and still makes the exit code 4.
run mixed tests/fixtures/rule_tests/bad_unknown_key.yaml tests/fixtures/rule_tests/pass.yaml
expect_rc mixed 4
expect_last mixed "8 passed, 0 failed"

# --require-cases: rules without a positive or a negative case are failures.
run require tests/fixtures/rule_tests/untested.yaml --require-cases
expect_rc require 1
expect_line require out "FAIL tests/fixtures/rule_tests/rules.yaml:11: rule 'Test Trail Deleted': no positive case (no case expects it)"
grep -q "^FAIL tests/fixtures/rule_tests/rules.yaml:19: rule 'Test Pod Exec': no negative case" "$work/require.out" ||
    fail "require: Test Pod Exec not reported as lacking a negative case"
grep -q "^FAIL.*'Test Logging Stopped'" "$work/require.out" && fail "require: a covered rule was reported"
expect_last require "3 passed, 2 failed"

run require_ok --require-cases tests/fixtures/rule_tests/pass.yaml
expect_rc require_ok 0
expect_last require_ok "8 passed, 0 failed"

# --list-untested prints the same rules without failing.
run list --list-untested tests/fixtures/rule_tests/untested.yaml
expect_rc list 0
grep -q "^untested tests/fixtures/rule_tests/rules.yaml:11: Test Trail Deleted: no positive case" "$work/list.out" ||
    fail "list: Test Trail Deleted not listed"
expect_last list "3 passed, 0 failed"

# A directory is walked recursively in sorted order; files that are not *.yaml are ignored.
mkdir -p "$work/tree/sub"
sed "s#tests/fixtures/rule_tests/events.jsonl#events.jsonl#" "$fx/pass.yaml" >"$work/tree/sub/b.yaml"
cp "$fx/fail.yaml" "$work/tree/a.yaml"
cp "$fx/rules.yaml" "$fx/events.jsonl" "$work/" # outside the tree: found by looking in parent directories
echo "not: [a case file" >"$work/tree/notes.txt"
run tree "$work/tree"
expect_rc tree 1
first_a="$(grep -n "a.yaml" "$work/tree.out" | head -1 | cut -d: -f1)"
first_b="$(grep -n "sub/b.yaml" "$work/tree.out" | head -1 | cut -d: -f1)"
[ -n "$first_a" ] && [ -n "$first_b" ] && [ "$first_a" -lt "$first_b" ] || fail "tree: a.yaml not run before sub/b.yaml"
expect_last tree "9 passed, 1 failed"

# Paths in case files do not depend on the working directory.
(cd "$work" && "$TRAILHOUND" test "$fx/pass.yaml" >"$work/cwd.out" 2>"$work/cwd.err")
[ $? = 0 ] || fail "cwd: pass.yaml failed when run from another directory: $(head -3 "$work/cwd.err")"

# Usage errors exit 2.
run noargs
expect_rc noargs 2
run badmatch --match sometimes tests/fixtures/rule_tests/pass.yaml
expect_rc badmatch 2
run missing tests/fixtures/rule_tests/no_such_file.yaml
expect_rc missing 4

finish "rule_cases: all checks passed"
