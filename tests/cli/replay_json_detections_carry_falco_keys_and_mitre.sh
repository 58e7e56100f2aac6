#!/usr/bin/env bash
# JSON detections: Falco's alert keys (time, rule, priority, source, hostname, output, tags sorted, output_fields with
# null for absent fields and arrays for list fields) plus trailhound's mitre {tactics, techniques}, event
# {id, time, locator} and rule_file; text output renders absent fields as <NA>; --stats prints per-rule counts.
# Self-contained (inline rules and events).
set -u
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
command -v jq >/dev/null || { echo "SKIP: jq is required" >&2; exit 77; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=$((fail + 1)); fi; }

cat >"$work/rules.yaml" <<'YAML'
- rule: Trail Stopped
  desc: logging stopped
  condition: ct.name = StopLogging and not ct.error exists
  output: "stopped by %ct.user from %ct.srcip (err=%ct.error)"
  priority: CRITICAL
  source: aws_cloudtrail
  tags: [aws, T1685.002, mitre_defense_impairment, TA0112]
- rule: Pod With Groups
  desc: a pod created
  condition: ka.verb = create and ka.target.resource = pods
  output: "pod by %ka.user.name groups=%ka.user.groups"
  priority: NOTICE
  source: k8s_audit
  tags: [k8s, T1610]
YAML
cat >"$work/events.ndjson" <<'JSON'
{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","userName":"mallory","accountId":"111122223333"},"eventTime":"2024-05-14T10:09:43Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","eventID":"e-1"}
{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a-1","stage":"ResponseComplete","verb":"create","user":{"username":"dev","groups":["system:authenticated","devs"]},"objectRef":{"resource":"pods","namespace":"default","name":"p"},"stageTimestamp":"2024-05-14T10:10:00.123456Z"}
JSON

"$TRAILHOUND" replay -q --no-progress -r "$work/rules.yaml" --format json "$work/events.ndjson" >"$work/out.json" 2>"$work/err"
check "two detections" '[ "$(wc -l <"$work/out.json")" -eq 2 ]'
ct=$(sed -n 1p "$work/out.json")
k8=$(sed -n 2p "$work/out.json")
check "falco keys present" 'echo "$ct" | jq -e "has(\"time\") and has(\"rule\") and has(\"priority\") and has(\"source\") and has(\"hostname\") and has(\"output\") and has(\"tags\") and has(\"output_fields\")" >/dev/null'
check "priority long form" '[ "$(echo "$ct" | jq -r .priority)" = Critical ]'
check "source name" '[ "$(echo "$ct" | jq -r .source)" = aws_cloudtrail ]'
check "tags sorted" '[ "$(echo "$ct" | jq -c .tags)" = "[\"T1685.002\",\"TA0112\",\"aws\",\"mitre_defense_impairment\"]" ]'
check "absent field is null in output_fields" '[ "$(echo "$ct" | jq -c ".output_fields[\"ct.error\"]")" = null ]'
check "absent field is <NA> in output" 'echo "$ct" | jq -r .output | grep -q "err=<NA>"'
check "time from eventTime" '[ "$(echo "$ct" | jq -r .time)" = 2024-05-14T10:09:43.000000000Z ]'
check "mitre tactic" '[ "$(echo "$ct" | jq -r ".mitre.tactics[0].id")" = TA0112 ]'
check "mitre technique" '[ "$(echo "$ct" | jq -r ".mitre.techniques[0].id")" = T1685.002 ]'
check "event id and locator" '[ "$(echo "$ct" | jq -r ".event.id + \" \" + .event.locator")" = "e-1 $work/events.ndjson:1" ]'
check "rule_file with line" '[ "$(echo "$ct" | jq -r .rule_file)" = "$work/rules.yaml:1" ]'
check "list field is an array" '[ "$(echo "$k8" | jq -c ".output_fields[\"ka.user.groups\"]")" = "[\"system:authenticated\",\"devs\"]" ]'
check "technique implies its tactic" '[ "$(echo "$k8" | jq -r ".mitre.tactics | length")" -ge 1 ]'
check "k8s event id" '[ "$(echo "$k8" | jq -r .event.id)" = a-1 ]'

"$TRAILHOUND" replay --no-progress -r "$work/rules.yaml" "$work/events.ndjson" >"$work/out.txt" 2>"$work/err.txt"
check "text line has time, priority, output and rule" 'grep -q "^2024-05-14T10:09:43.000000000Z: Critical stopped by mallory from 203.0.113.9 (err=<NA>) \[rule .Trail Stopped. at " "$work/out.txt"'
check "text list renders as (a,b)" 'grep -q "groups=(system:authenticated,devs)" "$work/out.txt"'
check "summary counts detections by priority" 'grep -q "detections  2 (Critical 1, Notice 1)" "$work/err.txt"'

"$TRAILHOUND" replay -q --no-progress --stats -r "$work/rules.yaml" "$work/events.ndjson" >/dev/null 2>"$work/stats"
check "stats list each evaluated rule with evaluations and matches" 'grep -Eq "^ +1 +1 +[0-9.]+  Trail Stopped$" "$work/stats" && grep -Eq "^ +1 +1 +[0-9.]+  Pod With Groups$" "$work/stats"'

echo "$((19 - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
