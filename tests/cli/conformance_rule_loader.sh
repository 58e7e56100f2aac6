#!/usr/bin/env bash
# Falco rule-loader conformance: drives `trailhound validate --diagnostics json` (and replay/fields where the Falco
# case expects detections or a field listing) over the regression inputs in corpus/falco/tests/rules/, with the
# expectations of tests/conformance/rule_loader_cases.tsv (derived from Falco's falco_tests*.yaml).
# Invariants: every case of the three Falco spec files has a row in the table (a new or renamed case fails the
# test); an `error` row passes only when validate fails AND reports an error of the mapped class whose message
# holds the key text; `skip` rows are out of scope and only counted.
set -u

if [ -z "${TH_SHARED:-}" ] || [ ! -d "${TH_SHARED}/corpus/falco/tests" ]; then
    echo "SKIP: shared corpus not found (TH_SHARED='${TH_SHARED:-}'); conformance_rule_loader NOT RUN" >&2
    exit 77
fi
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
: "${TH_SRC:?TH_SRC must point to the source tree}"
command -v jq >/dev/null || { echo "SKIP: jq is required" >&2; exit 77; }

corpus="${TH_SHARED}/corpus/falco"
table="${TH_SRC}/tests/conformance/rule_loader_cases.tsv"
specs=(falco_tests.yaml falco_tests_plugins.yaml falco_tests_exceptions.yaml)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

pass=0
fail=0
skipped=0

# rules_args LIST: "-r path" pairs for a comma list relative to corpus/falco/tests/.
rules_args() {
    local f
    args=()
    IFS=',' read -r -a files <<<"$1"
    for f in "${files[@]}"; do
        args+=(-r "${corpus}/tests/${f}")
    done
}

# check_validate EXPECT CODES MESSAGE -> 0 when the validate run in $work/out.json (exit code $rc) meets it.
check_validate() {
    local expect="$1" codes="$2" msg="$3" n
    if ! jq -e 'type == "array"' "$work/out.json" >/dev/null 2>&1; then
        why="validate did not print a JSON diagnostics array (exit $rc)"
        return 1
    fi
    case "$expect" in
    ok)
        n="$(jq '[.[] | select(.severity == "error")] | length' "$work/out.json")"
        [ "$rc" -eq 0 ] && [ "$n" -eq 0 ] && return 0
        why="expected a clean load, got exit $rc and $n error(s)"
        return 1
        ;;
    absent)
        n="$(jq --arg c "$codes" '[.[] | select(.code as $x | ($c | split("|")) | index($x))] | length' "$work/out.json")"
        [ "$n" -eq 0 ] && return 0
        why="expected no diagnostic with code $codes, got $n"
        return 1
        ;;
    error | warning)
        n="$(jq --arg s "$expect" --arg c "$codes" --arg m "$msg" \
            '[.[] | select(.severity == $s and (.code as $x | ($c | split("|")) | index($x))
                         and (.message | contains($m)))] | length' "$work/out.json")"
        if [ "$expect" = error ] && [ "$rc" -eq 0 ]; then
            why="expected validate to fail, it exited 0"
            return 1
        fi
        [ "$n" -gt 0 ] && return 0
        why="expected $expect [$codes] containing \"$msg\""
        return 1
        ;;
    esac
    why="unknown expectation '$expect' in the table"
    return 1
}

# check_replay EXPECT -> 0 when the detections in $work/out.json have exactly the expected per-rule counts.
check_replay() {
    local want got
    if [ "$rc" -ne 0 ]; then
        why="replay exited $rc"
        return 1
    fi
    want=""
    [ "$1" != NONE ] && want="$(printf '%s\n' "$1" | tr ';' '\n' | sed '/^$/d' | LC_ALL=C sort)"
    got="$(jq -r '.rule' "$work/out.json" | LC_ALL=C sort | uniq -c |
        awk '{c=$1; $1=""; sub(/^ /, ""); print $0 "=" c}' | LC_ALL=C sort)"
    [ "$want" = "$got" ] && return 0
    why="expected ${want:-NONE}, got ${got:-NONE}"
    why="$(printf '%s' "$why" | tr '\n' ';')"
    return 1
}

while IFS=$'\t' read -r spec status mode rules input expect codes msg note; do
    case "$spec" in ''|'#'*) continue ;; esac
    if [ "$status" = skip ]; then
        skipped=$((skipped + 1))
        continue
    fi
    why=""
    case "$mode" in
    validate)
        rules_args "$rules"
        "$TRAILHOUND" validate "${args[@]}" --diagnostics json >"$work/out.json" 2>"$work/err"
        rc=$?
        check_validate "$expect" "$codes" "$msg"
        ok=$?
        ;;
    replay)
        rules_args "$rules"
        "$TRAILHOUND" replay "${args[@]}" --match first --format json -q "${corpus}/${input}" \
            >"$work/out.json" 2>"$work/err"
        rc=$?
        check_replay "$expect"
        ok=$?
        ;;
    fields)
        "$TRAILHOUND" fields >"$work/out.json" 2>"$work/err"
        rc=$?
        ok=1
        why="\`trailhound fields\` (exit $rc) does not list $msg"
        [ "$rc" -eq 0 ] && grep -qF -- "$msg" "$work/out.json" && ok=0
        ;;
    *)
        ok=1
        why="unknown mode '$mode' in the table"
        ;;
    esac
    if [ "$ok" -eq 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $spec ($mode $rules): $why"
        echo "    Falco: $note"
        if [ -s "$work/out.json" ] && [ "$mode" = validate ]; then
            jq -r '.[] | "    got: \(.severity) [\(.code)] \(.message)"' "$work/out.json" 2>/dev/null | head -8
        fi
        sed 's/^/    stderr: /' "$work/err" | head -5
    fi
done <"$table"

# Completeness: every case of the Falco spec files must appear in the table (tested or skipped with a reason).
missing=0
for s in "${specs[@]}"; do
    for name in $(sed -n 's/^  \([A-Za-z0-9_]*\):[[:space:]]*$/\1/p' "${corpus}/tests/${s}"); do
        if ! cut -f1 "$table" | grep -qxF "${s}:${name}"; then
            echo "FAIL ${s}:${name}: case missing from $(basename "$table") (add a test or skip row)"
            missing=$((missing + 1))
        fi
    done
done

echo "$pass passed, $((fail + missing)) failed, $skipped out of scope (see docs/CONFORMANCE.md)"
[ "$fail" -eq 0 ] && [ "$missing" -eq 0 ]
