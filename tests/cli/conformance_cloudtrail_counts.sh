#!/usr/bin/env bash
# Upstream CloudTrail rules conformance: Falco's aws_cloudtrail_rules.yaml must load with no error, and its
# per-rule detection counts (--match all) on the CloudTrail corpora must equal tests/conformance/cloudtrail_counts.tsv
# exactly (counts were checked by hand against the records with jq before recording; see docs/CONFORMANCE.md).
# Invariant: any change in which rules fire, how often, or how many records decode, fails with a per-set diff.
# `bash conformance_cloudtrail_counts.sh --record` prints a fresh table on stdout (check it by hand before use).
set -u

if [ -z "${TH_SHARED:-}" ] || [ ! -d "${TH_SHARED}/corpus/falco" ] || [ ! -d "${TH_SHARED}/corpus/cloudtrail" ]; then
    echo "SKIP: shared corpus not found (TH_SHARED='${TH_SHARED:-}'); conformance_cloudtrail_counts NOT RUN" >&2
    exit 77
fi
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
: "${TH_SRC:?TH_SRC must point to the source tree}"
command -v jq >/dev/null || { echo "SKIP: jq is required" >&2; exit 77; }

corpus="${TH_SHARED}/corpus"
rules="${corpus}/falco/rules/aws_cloudtrail_rules.yaml"
table="${TH_SRC}/tests/conformance/cloudtrail_counts.tsv"
record=0
[ "${1:-}" = "--record" ] && record=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# set name -> input path (relative to corpus/)
sets=(
    "falco-events falco/events/cloudtrail"
    "aws-docs-examples cloudtrail/aws-docs-examples"
    "invictus-ir cloudtrail/invictus-ir/CloudTrail"
    "otrf cloudtrail/otrf/ec2_proxy_s3_exfiltration_2020-09-14011940.json"
)

fail=0
pass=0

# 1. the upstream file loads cleanly
"$TRAILHOUND" validate -r "$rules" --diagnostics json >"$work/validate.json" 2>"$work/validate.err"
rc=$?
nerr="$(jq '[.[] | select(.severity == "error")] | length' "$work/validate.json" 2>/dev/null || echo "?")"
if [ "$rc" -ne 0 ] || [ "$nerr" != 0 ]; then
    echo "FAIL upstream aws_cloudtrail_rules.yaml does not load cleanly (exit $rc, $nerr error(s)):"
    jq -r '.[] | "    \(.severity) [\(.code)] \(.file):\(.line):\(.col) \(.message)"' "$work/validate.json" 2>/dev/null
    sed 's/^/    /' "$work/validate.err" | head -10
    fail=$((fail + 1))
else
    pass=$((pass + 1))
fi

# 2. per-set rule counts
# counts NAME PATH -> "NAME<TAB>rule<TAB>count" lines, sorted, plus a "(decoded records)" line.
counts() {
    local name="$1" path="$2" decoded
    "$TRAILHOUND" replay -r "$rules" --match all --format json "${corpus}/${path}" \
        >"$work/$name.json" 2>"$work/$name.err"
    local rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "$name	(replay exit code)	$rc"
    fi
    decoded="$(sed -n 's/^decoded[[:space:]]*\([0-9]*\).*/\1/p' "$work/$name.err" | head -1)"
    echo "$name	(decoded records)	${decoded:-?}"
    jq -r '.rule' "$work/$name.json" | LC_ALL=C sort | uniq -c |
        awk -v s="$name" '{c=$1; $1=""; sub(/^ /, ""); print s "\t" $0 "\t" c}'
}

: >"$work/got.tsv"
for entry in "${sets[@]}"; do
    counts "${entry%% *}" "${entry#* }" | LC_ALL=C sort >>"$work/got.tsv"
done

if [ "$record" -eq 1 ]; then
    echo "# set	rule	count  (aws_cloudtrail_rules.yaml, replay --match all; recorded by conformance_cloudtrail_counts.sh)"
    cat "$work/got.tsv"
    exit 0
fi

grep -v '^#' "$table" | sed '/^$/d' | LC_ALL=C sort >"$work/want.tsv"
LC_ALL=C sort "$work/got.tsv" >"$work/got.sorted"
for entry in "${sets[@]}"; do
    name="${entry%% *}"
    want="$(awk -F'\t' -v s="$name" '$1 == s' "$work/want.tsv")"
    got="$(awk -F'\t' -v s="$name" '$1 == s' "$work/got.sorted")"
    if [ -z "$want" ]; then
        echo "FAIL $name: no expectation rows in $(basename "$table")"
        fail=$((fail + 1))
    elif [ "$want" = "$got" ]; then
        pass=$((pass + 1))
    else
        echo "FAIL $name: per-rule counts differ (- expected, + got):"
        diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | grep '^[<>]' | sed 's/^</    -/; s/^>/    +/'
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed (upstream rules load + ${#sets[@]} corpus sets)"
[ "$fail" -eq 0 ]
