#!/usr/bin/env bash
# bundled_rule_counts.sh - the bundled rules meet the project's floor: >= 150 aws_cloudtrail and >= 60 k8s_audit
# rules, every rule carries at least one ATT&CK tactic and one technique (as `trailhound rules --format json`
# resolves its tags), and every rule has a positive and a negative case (`trailhound test --require-cases
# tests/rules`), so a rule added without cases fails CI.
# Invariant: every figure comes from the real binary over the real rules/ and tests/rules/ trees.
set -u
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
: "${TH_SRC:?TH_SRC must point to the source tree}"
command -v python3 >/dev/null || { echo "SKIP: python3 not found" >&2; exit 77; }

MIN_CLOUDTRAIL=150
MIN_K8S=60
. "$TH_SRC/tests/cli/lib/checks.sh"

(cd "$TH_SRC" && env -u TRAILHOUND_RULES "$TRAILHOUND" rules -r rules --format json >"$work/rules.json" 2>"$work/rules.err")
rc=$?
[ "$rc" = 0 ] || fail "trailhound rules --format json exited $rc: $(head -5 "$work/rules.err")"

if [ "$rc" = 0 ]; then
    python3 - "$work/rules.json" "$MIN_CLOUDTRAIL" "$MIN_K8S" <<'PY' || failures=$((failures + 1))
import json, sys
doc = json.load(open(sys.argv[1]))
mins = {"aws_cloudtrail": int(sys.argv[2]), "k8s_audit": int(sys.argv[3])}
bad = 0
for src, floor in mins.items():
    n = sum(1 for r in doc["rules"] if r["source"] == src)
    print(f"{src}: {n} rules (floor {floor})")
    if n < floor:
        print(f"FAIL: {src} has {n} rules, fewer than {floor}", file=sys.stderr)
        bad += 1
for r in doc["rules"]:
    missing = [k for k in ("tactics", "techniques") if not r[k]]
    if missing:
        print(f"FAIL: {r['file']}:{r['line']}: rule '{r['name']}' has no ATT&CK {' and no '.join(missing)}"
              f" (tags: {', '.join(r['tags'])})", file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
PY
fi

(cd "$TH_SRC" && env -u TRAILHOUND_RULES "$TRAILHOUND" test -r rules --require-cases tests/rules >"$work/test.out" 2>"$work/test.err")
rc=$?
if [ "$rc" != 0 ]; then
    grep '^FAIL' "$work/test.out" | head -40 >&2
    fail "trailhound test --require-cases tests/rules exited $rc ($(tail -n 1 "$work/test.out"))"
fi

finish "bundled_rule_counts: all checks passed"
