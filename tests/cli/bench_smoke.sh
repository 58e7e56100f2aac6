#!/usr/bin/env bash
# bench_smoke.sh - the benchmark generator writes valid, realistic, reproducible CloudTrail data.
# Runs bench/gen_cloudtrail small (never timing anything) and checks with python3 (jq as a fallback) that:
# every NDJSON line is a JSON object shaped like a CloudTrail record, the mix has errors, several identity
# types, data and management events and non-ASCII text; the same seed gives the same bytes and another seed
# does not; records-gz writes {"Records":[...]} gzip files named like real CloudTrail keys holding the same
# records as the NDJSON output. Env: TH_BUILD (build dir). Exit 0 pass, 1 fail, 77 skip.
set -u
GEN=${TH_BUILD:-}/bench/gen_cloudtrail
if [ -z "${TH_BUILD:-}" ] || [ ! -x "$GEN" ]; then
    echo "skip: gen_cloudtrail not built (TH_BUILD=${TH_BUILD:-unset})"
    exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
check() { # name, then a command that must succeed
    local name=$1
    shift
    if "$@"; then
        echo "ok   $name"
    else
        echo "FAIL $name"
        fail=1
    fi
}

"$GEN" --seed 7 --count 3000 --format ndjson --out "$T/a.ndjson" || { echo "FAIL generator exited $?"; exit 1; }
"$GEN" --seed 7 --count 3000 --format ndjson --out "$T/b.ndjson" || exit 1
"$GEN" --seed 8 --count 3000 --format ndjson --out "$T/c.ndjson" || exit 1
"$GEN" --seed 7 --count 2500 --per-file 1000 --format records-gz --out "$T/gz" || exit 1

check "the same seed gives the same bytes" cmp -s "$T/a.ndjson" "$T/b.ndjson"
check "another seed gives other records" bash -c "! cmp -s '$T/a.ndjson' '$T/c.ndjson'"
check "ndjson holds one line per record" test "$(wc -l <"$T/a.ndjson")" -eq 3000
check "a bad option is refused with exit 2" bash -c "'$GEN' --seed 1 --count 1 --format xml --out '$T/x' 2>/dev/null; test \$? -eq 2"

if ! command -v python3 >/dev/null; then
    if command -v jq >/dev/null; then
        check "every line parses with jq as a CloudTrail object" \
            bash -c "jq -e 'select(type == \"object\" and has(\"eventName\") and has(\"userIdentity\")) | 1' '$T/a.ndjson' | wc -l | grep -qx 3000"
        exit $fail
    fi
    echo "skip: neither python3 nor jq to check the output"
    exit 77
fi

check "records look like real CloudTrail records" python3 - "$T/a.ndjson" <<'EOF'
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
need = ["eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
        "requestParameters", "eventID", "eventType", "recipientAccountId", "eventCategory"]
bad = [r.get("eventID") for r in recs if not all(k in r for k in need)]
assert not bad, f"records without a required key: {bad[:3]}"
assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["eventTime"]) for r in recs), "eventTime format"
assert all(r["eventSource"].endswith(".amazonaws.com") for r in recs), "eventSource format"
assert len({r["eventID"] for r in recs}) == len(recs), "eventIDs are not unique"
size = sum(len(json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode()) for r in recs) / len(recs)
assert 1000 <= size <= 2500, f"average record size {size:.0f} bytes is not CloudTrail-like"
errors = sum("errorCode" in r for r in recs) / len(recs)
assert 0.01 <= errors <= 0.06, f"error rate {errors:.3f}"
types = {r["userIdentity"].get("type") for r in recs}
assert {"IAMUser", "AssumedRole", "AWSService"} <= types, f"identity types {types}"
roles = [r for r in recs if r["userIdentity"].get("type") == "AssumedRole"]
assert all(r["userIdentity"]["sessionContext"]["sessionIssuer"]["userName"] for r in roles), "role without issuer"
cats = {r["eventCategory"] for r in recs}
assert cats == {"Data", "Management"}, f"categories {cats}"
names = {r["eventName"] for r in recs}
assert len(names) >= 60, f"only {len(names)} distinct API calls"
assert any(not s.isascii() for r in recs for s in [json.dumps(r, ensure_ascii=False)]), "no non-ASCII text"
EOF

check "records-gz writes real-looking CloudTrail files with the same records" python3 - "$T/gz" "$T/a.ndjson" <<'EOF'
import gzip, json, os, re, sys
d = sys.argv[1]
files = sorted(os.listdir(d))
assert len(files) == 3, f"{len(files)} files for 2500 records at 1000 per file"
pat = re.compile(r"111122223333_CloudTrail_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz")
assert all(pat.fullmatch(f) for f in files), f"names {files}"
recs = []
for f in files:
    with open(os.path.join(d, f), "rb") as fh:
        assert fh.read(2) == b"\x1f\x8b", f"{f} is not gzip"
    doc = json.load(gzip.open(os.path.join(d, f), "rt", encoding="utf-8"))
    assert list(doc) == ["Records"], f"{f}: top-level keys {list(doc)}"
    recs += doc["Records"]
nd = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")][:2500]
key = lambda r: r["eventID"]
assert sorted(recs, key=key) == sorted(nd, key=key), "records-gz and ndjson differ for the same seed"
EOF

exit $fail
