#!/usr/bin/env bash
# pack_cis_aws_foundations.sh - the opt-in CIS AWS Foundations monitoring pack: every pack rule has a positive and
# a negative case and they pass (run with the pack and the bundled macros only), the pack loads beside the whole
# bundle without a diagnostic, every pack rule is Informational and carries an ATT&CK tactic and technique, and a
# replay of the pack's firing cases with `-r rules -r packs/cis_aws_foundations` produces one pack detection per
# case, while the bundle alone produces none of them.
# Invariant: every figure comes from the real binary over the real packs/, rules/ and tests/packs/ trees.
set -u
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
: "${TH_SRC:?TH_SRC must point to the source tree}"
command -v python3 >/dev/null || { echo "SKIP: python3 not found" >&2; exit 77; }

pack=packs/cis_aws_foundations
cases=tests/packs/cis_aws_foundations.yaml
. "$TH_SRC/tests/cli/lib/checks.sh"
th() { (cd "$TH_SRC" && env -u TRAILHOUND_RULES "$TRAILHOUND" "$@"); }

# 1. cases: every pack rule has a firing and a quiet case, and all pass
th test -r rules/cloudtrail/00_macros.yaml -r "$pack" --require-cases "$cases" >"$work/test.out" 2>"$work/test.err"
rc=$?
[ "$rc" = 0 ] || fail "trailhound test on the pack exited $rc: $(grep -v '^ok' "$work/test.out" | head -5)"
grep -qE '^[0-9]+ passed, 0 failed$' "$work/test.out" || fail "pack cases: $(tail -n 1 "$work/test.out")"

# 2. the pack loads beside the whole bundle: no error, no warning, exactly the pack's rules added
th validate -r rules >"$work/bundle.out" 2>&1 || fail "validate of the bundle alone failed: $(tail -n 1 "$work/bundle.out")"
th validate -r rules -r "$pack" >"$work/both.out" 2>&1 || fail "validate of bundle + pack failed: $(tail -n 3 "$work/both.out")"
grep -q ': 0 error(s), 0 warning(s)$' "$work/both.out" || fail "bundle + pack: $(tail -n 1 "$work/both.out")"
bundle_rules=$(sed -n 's/^\([0-9]*\) rules,.*/\1/p' "$work/bundle.out")
both_rules=$(sed -n 's/^\([0-9]*\) rules,.*/\1/p' "$work/both.out")

# 3. every pack rule: Informational, a tactic and a technique, the pack tag
th rules -r rules/cloudtrail/00_macros.yaml -r "$pack" --format json >"$work/rules.json" 2>"$work/rules.err" ||
    fail "trailhound rules on the pack failed: $(head -3 "$work/rules.err")"
python3 - "$work/rules.json" "$bundle_rules" "$both_rules" <<'PY' || failures=$((failures + 1))
import json, sys
rules = json.load(open(sys.argv[1]))["rules"]
bundle, both = int(sys.argv[2] or 0), int(sys.argv[3] or 0)
bad = []
if len(rules) < 10:
    bad.append("only %d pack rules" % len(rules))
if both != bundle + len(rules):
    bad.append("bundle + pack has %d rules, expected %d + %d" % (both, bundle, len(rules)))
for r in rules:
    if r["priority"] != "Informational":
        bad.append("%s: priority %s" % (r["name"], r["priority"]))
    if not r.get("tactics") or not r.get("techniques"):
        bad.append("%s: no ATT&CK tactic or technique" % r["name"])
    if "cis_aws_foundations" not in r["tags"]:
        bad.append("%s: no cis_aws_foundations tag" % r["name"])
for b in bad:
    print("FAIL:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# 4. replay: each firing case gives its pack detection with -r rules -r pack, and none without the pack
python3 - "$TH_SRC/$cases" "$work/firing.ndjson" "$work/expected.txt" <<'PY' || fail "could not extract the firing cases"
import json, re, sys
# The case file is one JSON document per event line (generated that way); read it without a YAML library.
events, expected = [], []
for line in open(sys.argv[1]):
    m = re.match(r'\s+event: (\{.*\})\s*$', line)
    if m:
        ev = json.loads(m.group(1))
        continue
    m = re.match(r'\s+expect: (\[.*\])\s*$', line)
    if m:
        exp = json.loads(m.group(1))
        if exp:
            events.append(ev)
            expected.extend(exp)
with open(sys.argv[2], "w") as f:
    for ev in events:
        f.write(json.dumps(ev) + "\n")
with open(sys.argv[3], "w") as f:
    for r in sorted(expected):
        f.write(r + "\n")
PY
th replay -r rules -r "$pack" --format json "$work/firing.ndjson" >"$work/with.json" 2>"$work/with.err" ||
    fail "replay with the pack exited non-zero: $(tail -3 "$work/with.err")"
th replay -r rules --format json "$work/firing.ndjson" >"$work/without.json" 2>"$work/without.err" ||
    fail "replay without the pack exited non-zero: $(tail -3 "$work/without.err")"
python3 - "$work/with.json" "$work/without.json" "$work/expected.txt" <<'PY' || failures=$((failures + 1))
import json, sys
def cis(path):
    return sorted(d["rule"] for d in map(json.loads, open(path)) if "cis_aws_foundations" in d["tags"])
want = [l.strip() for l in open(sys.argv[3]) if l.strip()]
got_with, got_without = cis(sys.argv[1]), cis(sys.argv[2])
ok = True
if got_with != want:
    print("FAIL: with the pack, pack detections %s, expected %s" % (got_with, want), file=sys.stderr)
    ok = False
if got_without:
    print("FAIL: without the pack, pack detections %s" % got_without, file=sys.stderr)
    ok = False
sys.exit(0 if ok else 1)
PY

finish "CIS AWS Foundations pack: $(tail -n 1 "$work/test.out"); $bundle_rules bundled + $((both_rules - bundle_rules)) pack rules load cleanly; replay gives $(wc -l <"$work/expected.txt") pack detections"
