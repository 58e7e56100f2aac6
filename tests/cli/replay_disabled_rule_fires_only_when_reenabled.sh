#!/usr/bin/env bash
# Falco `enabled:` semantics in replay: a rule with `enabled: false` is loaded but never fires; a later rules file
# re-enables it with `enabled: true` + `override: {enabled: replace}`, or with the deprecated standalone
# `enabled: true` item (which must also print a [deprecated] warning). Self-contained (inline fixtures).
set -u
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
command -v jq >/dev/null || { echo "SKIP: jq is required" >&2; exit 77; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat >"$work/base.yaml" <<'EOF'
- rule: Pod create
  desc: disabled in the base file
  condition: ka.verb=create and ka.target.resource=pods
  output: pod %ka.target.name
  priority: WARNING
  source: k8s_audit
  enabled: false
EOF
cat >"$work/override.yaml" <<'EOF'
- rule: Pod create
  enabled: true
  override:
    enabled: replace
EOF
cat >"$work/standalone.yaml" <<'EOF'
- rule: Pod create
  enabled: true
EOF
cat >"$work/events.json" <<'EOF'
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"pod-create","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods","verb":"create","user":{"username":"alice"},"objectRef":{"resource":"pods","namespace":"default","name":"p1","apiVersion":"v1"},"responseStatus":{"code":201},"requestReceivedTimestamp":"2024-01-01T00:00:00.000000Z","stageTimestamp":"2024-01-01T00:00:00.100000Z"}
EOF

fail=0
# count ARGS... -> number of "Pod create" detections
count() {
    "$TRAILHOUND" replay "$@" --format json -q "$work/events.json" 2>"$work/err" |
        jq -r 'select(.rule == "Pod create") | .rule' | wc -l | tr -d ' '
}
check() {
    if [ "$2" != "$3" ]; then
        echo "FAIL $1: expected $3 detection(s), got $2"
        fail=1
    fi
}

check "a rule with enabled: false never fires" "$(count -r "$work/base.yaml")" 0
check "override enabled: replace re-enables it" "$(count -r "$work/base.yaml" -r "$work/override.yaml")" 1
check "the standalone enabled: true item re-enables it" "$(count -r "$work/base.yaml" -r "$work/standalone.yaml")" 1
if ! grep -q '\[deprecated\]' "$work/err"; then
    echo "FAIL the standalone enabled item is reported as deprecated (no [deprecated] warning on stderr)"
    fail=1
fi
exit $fail
