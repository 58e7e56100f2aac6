#!/usr/bin/env bash
# bench/run.sh - one command runs every JSON method side by side on one core and prints a Markdown table
# (events/s, MB/s, ratio to simdjson, peak RSS) ready for docs/PERFORMANCE.md, plus machine info and commands.
#   bench/run.sh                       1M events, seed 42, core 0, best of 3
#   BENCH_COUNT=200000 BENCH_CPU=1 BENCH_RUNS=5 bench/run.sh
# Steps: Release build in build-bench (-DTH_BENCH=ON); generate bench/out/ct-N.ndjson and the records-gz
# directory bench/out/ct-N-gz once (reused when present); run the methods RUNS rounds under taskset (round-robin,
# so a slow phase of a shared machine hits all alike), keep each method's best rate and largest peak RSS. Methods whose program is missing (not built, no simdjson, no jq, no replay
# command) are skipped with a note, never fatal.
# Invariant: every method reads the same generated data and extracts the same fields (bench/fields.txt); the
# in-process methods print a checksum of what they extracted and the script warns when they disagree.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BENCH_BUILD:-$SRC/build-bench}
OUT=$SRC/bench/out
N=${BENCH_COUNT:-1000000}
SEED=${BENCH_SEED:-42}
CPU=${BENCH_CPU:-0}
RUNS=${BENCH_RUNS:-3}
JQ_LINES=${BENCH_JQ_LINES:-200000}
FIELDS=$SRC/bench/fields.txt
JOBS=$(nproc 2>/dev/null || echo 2)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

note() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------- build
note "== building (Release) in $BUILD"
cmake -S "$SRC" -B "$BUILD" -DTH_BENCH=ON -DTH_TESTS=OFF -DCMAKE_BUILD_TYPE=Release >"$TMP/cmake.log" 2>&1 || {
    cat "$TMP/cmake.log" >&2
    exit 1
}
have() { [ -x "$1" ]; }
for t in gen_cloudtrail floor bench_fields simdjson_fields trailhound; do
    if ! cmake --build "$BUILD" -j"$JOBS" --target "$t" >"$TMP/build-$t.log" 2>&1; then
        note "warning: target $t did not build (see below); its rows are skipped"
        tail -5 "$TMP/build-$t.log" >&2
    fi
done
GEN=$BUILD/bench/gen_cloudtrail
FLOOR=$BUILD/bench/floor
FIELDSBIN=$BUILD/bench/bench_fields
SIMD=$BUILD/bench/simdjson_fields
TH=$BUILD/trailhound
have "$GEN" || { note "error: gen_cloudtrail is required"; exit 1; }

# ---------------------------------------------------------------- data
mkdir -p "$OUT"
ND=$OUT/ct-$N.ndjson
GZ=$OUT/ct-$N-gz
HEAD=$OUT/ct-$N-head$JQ_LINES.ndjson
if [ ! -s "$ND" ]; then
    note "== generating $ND"
    "$GEN" --seed "$SEED" --count "$N" --format ndjson --out "$ND.tmp" && mv "$ND.tmp" "$ND"
fi
if [ ! -d "$GZ" ]; then
    note "== generating $GZ"
    rm -rf "$GZ.tmp"
    "$GEN" --seed "$SEED" --count "$N" --format records-gz --per-file 1000 --out "$GZ.tmp" && mv "$GZ.tmp" "$GZ"
fi
if [ ! -s "$HEAD" ]; then
    head -n "$JQ_LINES" "$ND" >"$HEAD"
fi
ND_BYTES=$(stat -c %s "$ND")
HEAD_LINES=$(wc -l <"$HEAD")
HEAD_BYTES=$(stat -c %s "$HEAD")
GZ_BYTES=$(du -sb "$GZ" | cut -f1)
GZ_FILES=$(find "$GZ" -name '*.json.gz' | wc -l)

# ---------------------------------------------------------------- measuring
# Each row of the report: label|events_per_s|mb_per_s|peak_rss_kb|command
PIN=(taskset -c "$CPU")
command -v taskset >/dev/null || { note "warning: taskset missing, not pinning"; PIN=(); }
TIMEBIN=/usr/bin/time
[ -x "$TIMEBIN" ] || { note "warning: /usr/bin/time missing (apt-get install time): no RSS column"; TIMEBIN=""; }

rss_of() { # peak RSS in kB from a `time -v` report
    [ -s "$1" ] && awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$1" || echo 0
}

timed() { # timed OUTFILE ERRFILE TIMEFILE cmd... ; prints wall seconds, leaves the exit status in $TMP/rc
    local out=$1 err=$2 tf=$3
    shift 3
    local t0 t1 rc=0
    : >"$tf"
    t0=$(date +%s.%N)
    if [ -n "$TIMEBIN" ]; then
        "${PIN[@]}" "$TIMEBIN" -v -o "$tf" "$@" >"$out" 2>"$err" || rc=$?
    else
        "${PIN[@]}" "$@" >"$out" 2>"$err" || rc=$?
    fi
    t1=$(date +%s.%N)
    echo "$rc" >"$TMP/rc"
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }'
}

# Methods are registered first, then run round-robin (RUNS rounds, every method once per round) so that a slow
# phase of a shared machine hits every method alike. Per method: kind (rate = the program prints events/s as its
# last stdout line, timed inside; wall = whole process, events / wall seconds), events, bytes, command (%q-quoted).
M_LABEL=() M_KIND=() M_EVENTS=() M_BYTES=() M_CMD=() M_SHOW=()
show_cmd() { # the command as a person would type it (single quotes where needed), paths relative to the source
    local a out=""
    for a in "$@"; do
        a=${a#"$SRC"/}
        if [[ $a =~ ^[A-Za-z0-9_./=:,+@-]+$ ]]; then
            out+="$a "
        else
            out+="'${a//\'/\'\\\'\'}' "
        fi
    done
    printf '%s' "${out% }"
}
add_method() { # kind label events bytes cmd...
    M_KIND+=("$1") M_LABEL+=("$2") M_EVENTS+=("$3") M_BYTES+=("$4")
    shift 4
    M_CMD+=("$(printf '%q ' "$@")")
    M_SHOW+=("$(show_cmd "$@")")
}

BEST=() RSS=() CHK=() DEAD=()
run_method() { # index
    local i=$1 s r m
    [ -n "${DEAD[$i]:-}" ] && return 0
    eval "set -- ${M_CMD[$i]}"
    s=$(timed "$TMP/o" "$TMP/e" "$TMP/t" "$@")
    if [ "${M_KIND[$i]}" = rate ]; then
        r=$(tail -n 1 "$TMP/o" | tr -dc '0-9')
        if [ "$(cat "$TMP/rc")" -ne 0 ] || [ -z "$r" ]; then
            DEAD[$i]=1
            note "warning: ${M_LABEL[$i]} failed: $(tail -n 3 "$TMP/e")"
            return 0
        fi
        CHK[$i]=$(sed -n 's/.*checksum \([0-9]*\).*/\1/p' "$TMP/e" | tail -n 1)
    else
        if [ "$(cat "$TMP/rc")" -gt 1 ]; then # 1 = detections found, still a complete run
            DEAD[$i]=1
            note "warning: ${M_LABEL[$i]} failed (exit $(cat "$TMP/rc")): $(tail -n 3 "$TMP/e")"
            return 0
        fi
        r=$(awk -v n="${M_EVENTS[$i]}" -v s="$s" 'BEGIN { printf "%.0f", n / s }')
    fi
    [ "$r" -gt "${BEST[$i]:-0}" ] && BEST[$i]=$r
    m=$(rss_of "$TMP/t")
    [ "${m:-0}" -gt "${RSS[$i]:-0}" ] && RSS[$i]=$m
    return 0
}

BPE=$(awk -v b="$ND_BYTES" -v n="$N" 'BEGIN { printf "%.3f", b / n }')

have "$FLOOR" && add_method rate "floor: fread 4 MiB + memchr lines" "$N" "$ND_BYTES" "$FLOOR" "$ND"
if have "$FIELDSBIN"; then
    add_method rate "trailhound th_json: parse (validate + tape)" "$N" "$ND_BYTES" "$FIELDSBIN" decode "$ND"
    add_method rate "trailhound th_json: parse + 25 fields" "$N" "$ND_BYTES" "$FIELDSBIN" fields "$ND" "$FIELDS"
fi
if have "$SIMD"; then
    add_method rate "simdjson On-Demand: 25 fields, per line" "$N" "$ND_BYTES" "$SIMD" "$ND" "$FIELDS" lines
    add_method rate "simdjson On-Demand: 25 fields, iterate_many" "$N" "$ND_BYTES" "$SIMD" "$ND" "$FIELDS" stream
else
    note "   simdjson_fields not built (libsimdjson-dev missing?): skipped"
fi
have "$FIELDSBIN" && add_method rate "trailhound file source .json.gz + parse + 25 fields" "$N" "$ND_BYTES" \
    "$FIELDSBIN" gz "$GZ" "$FIELDS"
if command -v jq >/dev/null; then
    JQ_EXPR="[$(grep -v '^#' "$FIELDS" | sed '/^[[:space:]]*$/d; s/^/./' | paste -sd, -)]"
    add_method wall "jq -c (first $HEAD_LINES lines, scaled)" "$HEAD_LINES" "$HEAD_BYTES" jq -c "$JQ_EXPR" "$HEAD"
else
    note "   jq not installed: skipped"
fi
if have "$TH" && "$TH" replay --help 2>/dev/null | grep -q -- '--no-rules'; then
    QUIET=(--quiet)
    "$TH" replay --help | grep -q -- '--no-progress' && QUIET+=(--no-progress)
    add_method wall "trailhound replay --no-rules, NDJSON (whole process)" "$N" "$ND_BYTES" \
        "$TH" replay --no-rules "${QUIET[@]}" "$ND"
    add_method wall "trailhound replay --no-rules, .json.gz dir (whole process)" "$N" "$ND_BYTES" \
        "$TH" replay --no-rules "${QUIET[@]}" "$GZ"
    add_method wall "trailhound replay, bundled rules, NDJSON (whole process)" "$N" "$ND_BYTES" \
        "$TH" replay "${QUIET[@]}" -r "$SRC/rules" "$ND"
    add_method wall "trailhound replay, bundled rules, .json.gz dir (whole process)" "$N" "$ND_BYTES" \
        "$TH" replay "${QUIET[@]}" -r "$SRC/rules" "$GZ"
    UPSTREAM="$SRC/../shared/corpus/falco/rules/aws_cloudtrail_rules.yaml"
    if [ -f "$UPSTREAM" ]; then
        add_method wall "trailhound replay, upstream Falco CloudTrail rules, NDJSON (whole process)" "$N" "$ND_BYTES" \
            "$TH" replay "${QUIET[@]}" -r "$UPSTREAM" "$ND"
    else
        note "   ../shared absent: upstream Falco rules row skipped"
    fi
else
    note "   trailhound replay (with --no-rules) not available: skipped"
fi

note "== measuring on core $CPU, $RUNS rounds ($N events, $BPE bytes/event)"
for ((k = 1; k <= RUNS; k++)); do
    for i in "${!M_LABEL[@]}"; do
        run_method "$i"
    done
    note "   round $k done"
done

ROWS=() CHECKS=()
for i in "${!M_LABEL[@]}"; do
    [ -n "${DEAD[$i]:-}" ] && continue
    rate=${BEST[$i]:-0}
    mbs=$(awk -v r="$rate" -v b="${M_BYTES[$i]}" -v n="${M_EVENTS[$i]}" 'BEGIN { printf "%.0f", r * b / n / 1e6 }')
    ROWS+=("${M_LABEL[$i]}|$rate|$mbs|${RSS[$i]:-0}|${M_SHOW[$i]}")
    [ -n "${CHK[$i]:-}" ] && CHECKS+=("${M_LABEL[$i]}: ${CHK[$i]}")
    note "   ${M_LABEL[$i]}: $rate events/s"
done

# ---------------------------------------------------------------- report
SIMD_RATE=0
for row in "${ROWS[@]}"; do
    IFS='|' read -r label rate _ _ _ <<<"$row"
    [[ $label == "simdjson On-Demand: 25 fields, per line" ]] && SIMD_RATE=$rate
done

REPORT=$OUT/results-$(date -u +%Y%m%dT%H%M%SZ).md
{
    echo "### JSON throughput, one core ($N CloudTrail events, $(awk -v b="$ND_BYTES" 'BEGIN { printf "%.0f", b / 1e6 }') MB NDJSON, $BPE bytes/event)"
    echo
    echo "| method | events/s | MB/s | vs simdjson | peak RSS |"
    echo "|---|---:|---:|---:|---:|"
    for row in "${ROWS[@]}"; do
        IFS='|' read -r label rate mbs rss _ <<<"$row"
        ratio="-"
        [ "$SIMD_RATE" -gt 0 ] && ratio=$(awk -v a="$rate" -v b="$SIMD_RATE" 'BEGIN { printf "%.2fx", a / b }')
        rssm="-"
        [ "${rss:-0}" -gt 0 ] && rssm=$(awk -v k="$rss" 'BEGIN { printf "%.1f MiB", k / 1024 }')
        printf '| %s | %s | %s | %s | %s |\n' "$label" \
            "$(printf "%'d" "$rate" 2>/dev/null || echo "$rate")" "$mbs" "$ratio" "$rssm"
    done
    echo
    echo "MB/s counts uncompressed JSON for every row (the .json.gz rows read $GZ_FILES files, $(awk -v b="$GZ_BYTES" 'BEGIN { printf "%.0f", b / 1e6 }') MB compressed)."
    echo "In-process rows time open-to-last-record inside the program; whole-process rows are wall clock including"
    echo "start-up. jq runs on the first $HEAD_LINES lines and its rate is scaled. Best of $RUNS interleaved rounds, pinned"
    echo "with taskset -c $CPU."
    if [ "${#CHECKS[@]}" -gt 0 ]; then
        echo
        echo "Extraction checksums (sum over present fields of 1 + string length; field rows must agree):"
        for c in "${CHECKS[@]}"; do echo "- $c"; done
    fi
    echo
    echo "Machine:"
    echo "- CPU: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores online"
    echo "- Kernel: $(uname -sr)"
    echo "- C: $(cc --version | head -n 1); C++: $(c++ --version 2>/dev/null | head -n 1)"
    echo "- simdjson $(pkg-config --modversion simdjson 2>/dev/null || echo n/a), $(jq --version 2>/dev/null || echo 'jq n/a')"
    echo "- Build: CMAKE_BUILD_TYPE=Release (-O3 -DNDEBUG), $BUILD"
    echo
    echo "Command: \`BENCH_COUNT=$N BENCH_SEED=$SEED BENCH_CPU=$CPU BENCH_RUNS=$RUNS bench/run.sh\`"
    echo
    echo "Per-row commands:"
    for row in "${ROWS[@]}"; do
        IFS='|' read -r label _ _ _ cmd <<<"$row"
        echo "- $label: \`$cmd\`"
    done
} | tee "$REPORT"

# Field rows must have extracted the same values.
FIELD_SUMS=$(printf '%s\n' "${CHECKS[@]}" | grep -E 'fields|simdjson' | sed 's/.*: //' | sort -u | wc -l)
if [ "$FIELD_SUMS" -gt 1 ]; then
    note "warning: the field-extraction checksums disagree (see above)"
fi
note "== report saved to $REPORT"
