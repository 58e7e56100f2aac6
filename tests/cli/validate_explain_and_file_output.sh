#!/usr/bin/env bash
# `validate --explain` names the rules evaluated for every event and says why; the bundled rules have none there.
# `replay -o PATH` appends JSON-line detections to PATH; `-o -` also prints them on stdout.
set -u
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
: "${TH_SRC:?TH_SRC must point to the source tree}"
command -v jq >/dev/null || { echo "SKIP: jq is required" >&2; exit 77; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=$((fail + 1)); fi; }

cat >"$work/rules.yaml" <<'YAML'
- rule: Indexed By Name
  desc: d
  condition: ct.name in (StopLogging, DeleteTrail) and not ct.error exists
  output: "%ct.name by %ct.user"
  priority: CRITICAL
  source: aws_cloudtrail
- rule: Any Root Activity
  desc: d
  condition: ct.user.identitytype = Root
  output: "%ct.name by root"
  priority: WARNING
  source: aws_cloudtrail
YAML
"$TRAILHOUND" validate --explain -r "$work/rules.yaml" >"$work/explain" 2>/dev/null
check "validate --explain lists the unindexed rule with its reason" \
    'grep -q "^always evaluated: .Any Root Activity. (.*rules.yaml:7): its condition does not restrict ct.name to fixed values" "$work/explain"'
check "validate --explain does not list the indexed rule" '! grep -q "Indexed By Name" "$work/explain"'
check "validate --explain counts both buckets" 'grep -q "^1 rules indexed by event, 1 evaluated for every event of their source$" "$work/explain"'

"$TRAILHOUND" validate --explain -r "$TH_SRC/rules" >"$work/bundled" 2>/dev/null
check "every bundled rule is indexed" 'grep -q " 0 evaluated for every event of their source$" "$work/bundled" && ! grep -q "^always evaluated" "$work/bundled"'

printf '%s\n' '{"eventVersion":"1.08","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root"},"eventID":"x1"}' >"$work/ev.json"
"$TRAILHOUND" replay -q --no-progress -r "$work/rules.yaml" -o "$work/det.jsonl" "$work/ev.json" >"$work/stdout" 2>/dev/null
check "-o writes one JSON line per detection" '[ "$(wc -l <"$work/det.jsonl")" -eq 2 ] && jq -e . "$work/det.jsonl" >/dev/null'
check "-o keeps rule order" '[ "$(jq -r .rule "$work/det.jsonl" | paste -sd,)" = "Indexed By Name,Any Root Activity" ]'
check "-o appends on a second run" '"$TRAILHOUND" replay -q --no-progress -r "$work/rules.yaml" -o "$work/det.jsonl" "$work/ev.json" >/dev/null 2>&1; [ "$(wc -l <"$work/det.jsonl")" -eq 4 ]'
check "with -o PATH alone, nothing goes to stdout" '[ ! -s "$work/stdout" ]'
check "-o - adds stdout (text)" '[ "$("$TRAILHOUND" replay -q --no-progress -r "$work/rules.yaml" -o "$work/d2.jsonl" -o - "$work/ev.json" 2>/dev/null | grep -c Critical)" -eq 1 ]'

echo "$((9 - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
