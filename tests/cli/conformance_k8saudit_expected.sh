#!/usr/bin/env bash
# Falco k8saudit conformance: replays every case of corpus/falco/expected/k8saudit_expected_detections.tsv
# (the 66 cases of falcosecurity/testing k8saudit_test.go) with Falco's default first-match semantics and
# compares the per-rule detection counts exactly. Invariant: a case passes only when the exit code is 0 and,
# unless the expectation is '-', the multiset of fired rules equals the expected rule=count list.
set -u

if [ -z "${TH_SHARED:-}" ] || [ ! -d "${TH_SHARED}/corpus/falco" ]; then
    echo "SKIP: shared corpus not found (TH_SHARED='${TH_SHARED:-}'); conformance_k8saudit_expected NOT RUN" >&2
    exit 77
fi
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
command -v jq >/dev/null || { echo "SKIP: jq is required" >&2; exit 77; }

corpus="${TH_SHARED}/corpus/falco"
table="${corpus}/expected/k8saudit_expected_detections.tsv"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# rules_path NAME: the upstream rules file or a k8s helper override, by file name.
rules_path() {
    if [ -f "${corpus}/rules/$1" ]; then
        echo "${corpus}/rules/$1"
    else
        echo "${corpus}/tests/rules/k8s_audit/$1"
    fi
}

# normalise "a=1,b=2" to sorted "a=1\nb=2" lines (rule names may contain '/', spaces, '-').
norm_expected() {
    if [ "$1" = "NONE" ]; then
        return 0
    fi
    printf '%s\n' "$1" | tr ',' '\n' | sed '/^$/d' | LC_ALL=C sort
}

pass=0
fail=0
cases=0
while IFS=$'\t' read -r name events rules expected; do
    case "$name" in ''|'#'*) continue ;; esac
    cases=$((cases + 1))
    args=()
    IFS=',' read -r -a files <<<"$rules"
    for f in "${files[@]}"; do
        args+=(-r "$(rules_path "$f")")
    done
    out="$work/$name.json"
    err="$work/$name.err"
    "$TRAILHOUND" replay "${args[@]}" --match first --format json -q \
        "${corpus}/events/k8s_audit/${events}" >"$out" 2>"$err"
    rc=$?
    got="$(jq -r '.rule' "$out" 2>/dev/null | LC_ALL=C sort | uniq -c |
        awk '{c=$1; $1=""; sub(/^ /, ""); print $0 "=" c}' | LC_ALL=C sort)"
    if [ $rc -ne 0 ]; then
        fail=$((fail + 1))
        echo "FAIL $name: exit code $rc (expected 0); stderr:"
        sed 's/^/    /' "$err" | head -20
        continue
    fi
    if [ "$expected" = "-" ]; then
        pass=$((pass + 1))
        continue
    fi
    want="$(norm_expected "$expected")"
    if [ "$want" = "$got" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name ($events; rules $rules)"
        echo "    expected: $(printf '%s' "${want:-NONE}" | tr '\n' ';')"
        echo "    got:      $(printf '%s' "${got:-NONE}" | tr '\n' ';')"
    fi
done <"$table"

echo "$pass passed, $fail failed (of $cases cases)"
if [ "$cases" -ne 66 ]; then
    echo "FAIL: expected 66 cases in $table, read $cases"
    exit 1
fi
[ "$fail" -eq 0 ]
