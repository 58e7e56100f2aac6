#!/usr/bin/env bash
# Bad input never stops a replay: for each case of tests/fixtures/input/bad/ (plus a truncated gzip and a
# missing path made here), `trailhound replay --no-rules BAD GOOD` must print exactly one problem line
# "path[:LINE][#record=N]: severity: message [code]", still decode the good file (and the good records of the bad
# file), count the problem in the summary with its reason, and exit 0 (3 with --strict when a record was
# rejected). Run from the fixture directory so paths in messages are relative.
set -u
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
: "${TH_SRC:?TH_SRC must point to the source tree}"

cd "${TH_SRC}/tests/fixtures/input/bad" || exit 1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
good=../ndjson_three_records.jsonl # 3 k8s audit records
pass=0
fail=0

# case NAME BAD DECODED REJECTED_LINE SKIPPED STRICT_RC PROBLEM_LINE [replay options...]
#   DECODED: the summary's decoded count (good file's 3 + the bad file's good records)
#   REJECTED_LINE: the summary's "rejected" line; SKIPPED: the "skipped" count, or - when there is no such line
run_case() {
    local name="$1" bad="$2" decoded="$3" rejected="$4" skipped="$5" strict_rc="$6" want="$7"
    shift 7
    local why=""
    "$TRAILHOUND" replay --no-rules "$@" "$bad" "$good" >"$work/out" 2>"$work/err"
    local rc=$?
    grep -v '^\(== \|rules  \|inputs \|records \|decoded \|rejected \|input errors \|skipped \|time \)' "$work/err" >"$work/problems"
    [ "$rc" -eq 0 ] || why="$why; exit code $rc, expected 0"
    [ "$(cat "$work/problems")" = "$want" ] || why="$why; problem lines differ"
    grep -qx "decoded     ${decoded} (.*)" "$work/err" || why="$why; decoded count is not ${decoded}"
    grep -qx "rejected    ${rejected}" "$work/err" || why="$why; rejected line is not '${rejected}'"
    if [ -n "${INPUT_ERRORS:-}" ]; then
        grep -qx "input errors ${INPUT_ERRORS}" "$work/err" || why="$why; input errors line is not '${INPUT_ERRORS}'"
    elif grep -q '^input errors ' "$work/err"; then
        why="$why; unexpected input errors line"
    fi
    if [ "$skipped" = - ]; then
        ! grep -q '^skipped ' "$work/err" || why="$why; unexpected skipped line"
    else
        grep -q "^skipped     ${skipped} " "$work/err" || why="$why; skipped count is not ${skipped}"
    fi
    "$TRAILHOUND" replay --no-rules --strict -q "$@" "$bad" "$good" >/dev/null 2>&1
    local src=$?
    [ "$src" -eq "$strict_rc" ] || why="$why; --strict exit code $src, expected $strict_rc"
    if [ -z "$why" ]; then
        pass=$((pass + 1))
        return
    fi
    fail=$((fail + 1))
    echo "FAIL $name${why}"
    echo "  want: $want"
    sed 's/^/  got:  /' "$work/err"
}

run_case "a malformed NDJSON line is rejected and the lines around it decode" \
    malformed_json_line.jsonl 5 "1 (json-syntax 1)" - 3 \
    "malformed_json_line.jsonl:2: error: malformed JSON at column 24: expected ':' after object key; skipped [json-syntax]"

run_case "a malformed record inside a Records envelope is rejected and the records after it still decode" \
    records_envelope_malformed_record.json 5 "1 (json-syntax 1)" - 3 \
    "records_envelope_malformed_record.json#record=2: error: malformed JSON at column 58 of the record: expected ',' or '}' after object member; skipped [json-syntax]"

run_case "invalid UTF-8 inside a string rejects that record only" \
    invalid_utf8_in_string.jsonl 4 "1 (json-utf8 1)" - 3 \
    "invalid_utf8_in_string.jsonl:2: error: invalid UTF-8 byte sequence in string at column 51; skipped [json-utf8]"

run_case "nesting deeper than --max-depth is rejected, naming the limit" \
    nesting_deeper_than_limit.jsonl 4 "1 (json-depth 1)" - 3 \
    "nesting_deeper_than_limit.jsonl:2: error: JSON nested deeper than 16 levels (--max-depth) at column 121; skipped [json-depth]" \
    --max-depth 16

run_case "a record over --max-record-size is rejected, naming its size and the limit" \
    record_over_size_limit.jsonl 4 "1 (too-large 1)" - 3 \
    "record_over_size_limit.jsonl:2: error: record of 2057 bytes is larger than max_record_size (1024 bytes); skipped [too-large]" \
    --max-record-size 1KiB

run_case "a line that is not a JSON object (42) is rejected" \
    non_object_line.jsonl 5 "1 (not-object 1)" - 3 \
    "non_object_line.jsonl:2: error: record is not a JSON object [not-object]"

INPUT_ERRORS="1 (unknown-format 1)" run_case "a binary file is an unknown format, an input error (not a record)" \
    unknown_format.bin 3 "0" - 3 \
    "unknown_format.bin: error: input is not JSON, NDJSON or a known log envelope (byte 0x7f at line 1, column 1) [unknown-format]"

run_case "an empty file is a warning, counted as skipped, not rejected" \
    empty.json 3 "0" 1 0 \
    "empty.json: warning: file is empty (no JSON value in it) [empty]"

run_case "a CloudTrail digest file is a note, counted as skipped" \
    ../cloudtrail_digest.json 3 "0" 1 0 \
    "../cloudtrail_digest.json: note: CloudTrail digest file skipped (it holds log-file hashes, not events) [skipped-file]"

# Generated cases: a gzip file cut in the middle, and a path that does not exist.
for i in $(seq 1 200); do
    printf '{"auditID":"g%d","verb":"get","objectRef":{"resource":"pods","name":"p%d"}}\n' "$i" "$i"
done | gzip -c >"$work/full.json.gz"
size="$(wc -c <"$work/full.json.gz")"
head -c "$((size / 2))" "$work/full.json.gz" >"$work/t.json.gz"
# How many records precede the cut depends on zlib's output: some must decode, not all 200.
"$TRAILHOUND" replay --no-rules "$work/t.json.gz" "$good" >/dev/null 2>"$work/gz.err"
gz_rc=$?
gz_decoded="$(sed -n 's/^decoded     \([0-9]*\) .*/\1/p' "$work/gz.err")"
gz_line="$(grep ': error: ' "$work/gz.err")"
if [ "$gz_rc" -eq 0 ] && grep -qx "input errors 1 (gzip 1)" "$work/gz.err" && grep -qx "rejected    0" "$work/gz.err" \
    && [ "${gz_decoded:-0}" -gt 3 ] && [ "${gz_decoded:-0}" -lt 203 ] \
    && [[ "$gz_line" == "$work/t.json.gz: error: gzip data is truncated: input ends at byte $((size / 2)) inside a gzip member; records after this point are lost [gzip]" ]]; then
    pass=$((pass + 1))
else
    fail=$((fail + 1))
    echo "FAIL a truncated gzip file is reported once, its readable records and the good file still decode"
    sed 's/^/  got:  /' "$work/gz.err"
fi

INPUT_ERRORS="1 (io 1)" run_case "a missing path is an input error and the other inputs still run" \
    does_not_exist.json 3 "0" - 3 \
    "does_not_exist.json: error: cannot open: No such file or directory [io]"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
