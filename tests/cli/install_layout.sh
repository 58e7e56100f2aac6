#!/usr/bin/env bash
# install_layout.sh - `cmake --install` puts the binary, the bundled rules, the packs and the docs under a prefix,
# and the installed binary, run from a directory without a rules/ folder, loads the installed bundle by default
# (found from its own location) rather than the source tree's: a rule file added to the installed copy shows up,
# and `replay` of the bundled examples gives the same detections as the build tree's binary.
# Invariant: every check runs the real installed binary; nothing is installed outside a temporary prefix.
set -u
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
: "${TH_SRC:?TH_SRC must point to the source tree}"
: "${TH_BUILD:?TH_BUILD must point to the build tree}"

. "$TH_SRC/tests/cli/lib/checks.sh"
prefix="$work/prefix"

cmake --install "$TH_BUILD" --prefix "$prefix" >"$work/install.log" 2>&1 ||
    { echo "FAIL: cmake --install failed: $(tail -5 "$work/install.log")" >&2; exit 1; }

for f in bin/trailhound share/trailhound/rules/cloudtrail/00_macros.yaml share/trailhound/rules/k8s_audit/00_macros.yaml \
    share/trailhound/packs/cis_aws_foundations/cis_monitoring.yaml share/doc/trailhound/README.md \
    share/doc/trailhound/DETECTIONS.md share/doc/trailhound/DEPLOY.md; do
    [ -e "$prefix/$f" ] || fail "not installed: $f"
done

mkdir -p "$work/elsewhere"
th_installed() { (cd "$work/elsewhere" && env -u TRAILHOUND_RULES "$prefix/bin/trailhound" "$@"); }
rule_count() { sed -n 's/^\([0-9]*\) rules,.*/\1/p' "$1"; }

# the default rule set of the installed binary is the installed bundle
th_installed validate >"$work/v1.out" 2>&1 || fail "installed validate failed: $(tail -3 "$work/v1.out")"
th_installed rules --format json >"$work/rules.json" 2>/dev/null || fail "installed rules --format json failed"
grep -q "\"file\": \"$prefix/share/trailhound/rules/cloudtrail/" "$work/rules.json" ||
    fail "installed rules are not located under $prefix/share/trailhound/rules (no '..' either): $(grep -o '"file": "[^"]*"' "$work/rules.json" | head -1)"
(cd "$TH_SRC" && env -u TRAILHOUND_RULES "$TRAILHOUND" validate -r rules) >"$work/src.out" 2>&1
[ "$(rule_count "$work/v1.out")" = "$(rule_count "$work/src.out")" ] ||
    fail "installed default set has $(rule_count "$work/v1.out") rules, the source bundle $(rule_count "$work/src.out")"
cat >"$prefix/share/trailhound/rules/cloudtrail/zz_local.yaml" <<'EOF'
- rule: Local Install Marker
  desc: only in the installed copy
  condition: ct.name = InstallMarker
  output: marker %ct.user
  priority: INFO
  source: aws_cloudtrail
  tags: [T1078]
EOF
th_installed validate >"$work/v2.out" 2>&1 || fail "installed validate with a local rule failed: $(tail -3 "$work/v2.out")"
[ "$(rule_count "$work/v2.out")" = "$(($(rule_count "$work/v1.out") + 1))" ] ||
    fail "a rule added to the installed bundle is not loaded by default ($(tail -1 "$work/v2.out"))"
rm -f "$prefix/share/trailhound/rules/cloudtrail/zz_local.yaml"

# the installed binary and bundle detect what the build tree does on the bundled examples
th_installed replay --format json -q "$TH_SRC/examples" 2>/dev/null | python3 -c '
import json, sys; print("\n".join(sorted(json.loads(l)["rule"] for l in sys.stdin)))' >"$work/inst.rules"
(cd "$TH_SRC" && env -u TRAILHOUND_RULES "$TRAILHOUND" replay -r rules --format json -q examples 2>/dev/null) | python3 -c '
import json, sys; print("\n".join(sorted(json.loads(l)["rule"] for l in sys.stdin)))' >"$work/src.rules"
[ -s "$work/inst.rules" ] || fail "the installed binary found no detections in examples/"
cmp -s "$work/inst.rules" "$work/src.rules" || fail "installed and build-tree detections differ: $(diff "$work/src.rules" "$work/inst.rules" | head -5)"

finish "install: $(rule_count "$work/v1.out") rules installed and loaded by default; $(wc -l <"$work/inst.rules") detections on examples/ as in the build tree"
