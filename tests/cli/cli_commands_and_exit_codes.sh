#!/usr/bin/env bash
# cli_commands_and_exit_codes.sh - command-line behaviour the README promises: `help COMMAND` is `COMMAND --help`;
# `validate FILE` validates FILE (as -r FILE) and exits 4 on its errors; a bad --diagnostics value is a usage
# error (2); an -o file that cannot be opened is an output failure (5) and nothing is left half-open; the replay
# summary names the rules that ran (default set, -r list, or none).
# Invariant: every check runs the real binary and compares exit codes and output lines.
set -u
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
: "${TH_SRC:?TH_SRC must point to the source tree}"
. "$TH_SRC/tests/cli/lib/checks.sh"

th() { (cd "$TH_SRC" && env -u TRAILHOUND_RULES "$TRAILHOUND" "$@"); }

# help COMMAND
for cmd in replay validate test rules fields; do
    th help "$cmd" >"$work/help.out" 2>&1 || fail "help $cmd exited $?"
    th "$cmd" --help >"$work/direct.out" 2>&1
    cmp -s "$work/help.out" "$work/direct.out" || fail "help $cmd differs from $cmd --help"
done
th help nosuchcommand >/dev/null 2>&1
[ $? = 2 ] || fail "help of an unknown command should exit 2"

# validate FILE
cat >"$work/bad.yaml" <<'YAML'
- rule: Misspelt Field
  desc: d
  condition: ct.nmae = StopLogging
  output: x
  priority: WARNING
  source: aws_cloudtrail
YAML
th validate "$work/bad.yaml" >"$work/v.out" 2>&1
rc=$?
[ "$rc" = 4 ] || fail "validate FILE with an error exited $rc, expected 4"
grep -q "^1 rules, 0 macros, 0 lists: 1 error(s)" "$work/v.out" || fail "validate FILE did not load only FILE: $(tail -1 "$work/v.out")"
grep -q "bad.yaml:3:" "$work/v.out" || fail "validate FILE did not point at the file's line 3"

# --diagnostics
th validate --diagnostics xml >/dev/null 2>&1
rc=$?
[ "$rc" = 2 ] || fail "validate --diagnostics xml exited $rc, expected 2"

# -o that cannot be opened
th replay -q -o "$work/no/such/dir/d.jsonl" examples >"$work/o.out" 2>"$work/o.err"
rc=$?
[ "$rc" = 5 ] || fail "replay -o into a missing directory exited $rc, expected 5"
[ ! -s "$work/o.out" ] || fail "replay printed detections although its output failed"
grep -q "no/such/dir/d.jsonl" "$work/o.err" || fail "the error does not name the output path: $(head -2 "$work/o.err")"

# the summary names the rules
th replay examples 2>"$work/s1.err" >/dev/null
grep -Eq '^rules +[0-9]+ from .*rules \(default\)$' "$work/s1.err" || fail "default summary rules line: $(grep '^rules' "$work/s1.err")"
th replay -r rules/cloudtrail examples 2>"$work/s2.err" >/dev/null
grep -Eq '^rules +[0-9]+ from rules/cloudtrail$' "$work/s2.err" || fail "-r summary rules line: $(grep '^rules' "$work/s2.err")"
th replay --no-rules examples 2>"$work/s3.err" >/dev/null
grep -q '^rules       none (--no-rules)$' "$work/s3.err" || fail "--no-rules summary rules line: $(grep '^rules' "$work/s3.err")"

finish "cli commands and exit codes: all checks passed"
