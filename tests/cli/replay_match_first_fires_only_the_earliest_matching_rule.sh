#!/usr/bin/env bash
# Replay rule matching (Falco rule_matching, FALCO_REFERENCE.md §1.9): with --match first only the earliest rule in
# definition order fires per event; with --match all (the default) every matching rule fires, in definition order;
# a rule switched off by --min-priority does not take the first match away from a later rule.
# Invariant checked: the exact (rule, event id) sequence on stdout for each mode. Self-contained (inline fixtures).
set -u
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
command -v jq >/dev/null || { echo "SKIP: jq is required" >&2; exit 77; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat >"$work/rules.yaml" <<'EOF'
- rule: First create
  desc: earliest rule in definition order
  condition: ka.verb=create
  output: first %ka.verb
  priority: INFO
  source: k8s_audit
- rule: Second create
  desc: also matches pod creation
  condition: ka.verb=create and ka.target.resource=pods
  output: second %ka.target.resource
  priority: WARNING
  source: k8s_audit
- rule: Any delete
  desc: matches nothing here
  condition: ka.verb=delete
  output: delete
  priority: ERROR
  source: k8s_audit
EOF
cat >"$work/events.json" <<'EOF'
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"pod-create","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods","verb":"create","user":{"username":"alice"},"objectRef":{"resource":"pods","namespace":"default","name":"p1","apiVersion":"v1"},"responseStatus":{"code":201},"requestReceivedTimestamp":"2024-01-01T00:00:00.000000Z","stageTimestamp":"2024-01-01T00:00:00.100000Z"}
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"cm-create","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/configmaps","verb":"create","user":{"username":"bob"},"objectRef":{"resource":"configmaps","namespace":"default","name":"c1","apiVersion":"v1"},"responseStatus":{"code":201},"requestReceivedTimestamp":"2024-01-01T00:00:01.000000Z","stageTimestamp":"2024-01-01T00:00:01.100000Z"}
EOF

fail=0
# expect LABEL EXPECTED ARGS... : compares "rule@event" lines of a replay run with EXPECTED (';'-separated).
expect() {
    local label="$1" want="$2" got
    shift 2
    got="$("$TRAILHOUND" replay -r "$work/rules.yaml" --format json -q "$@" "$work/events.json" |
        jq -r '"\(.rule)@\(.event.id)"' | paste -sd ';' -)"
    if [ "$got" != "$want" ]; then
        echo "FAIL $label"
        echo "    expected: $want"
        echo "    got:      $got"
        fail=1
    fi
}

expect "--match first fires only the earliest matching rule per event" \
    "First create@pod-create;First create@cm-create" --match first
expect "--match all fires every matching rule in definition order" \
    "First create@pod-create;Second create@pod-create;First create@cm-create" --match all
expect "--match all is the default" \
    "First create@pod-create;Second create@pod-create;First create@cm-create"
expect "a rule below --min-priority does not take the first match" \
    "Second create@pod-create" --match first --min-priority warning
exit $fail
