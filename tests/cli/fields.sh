#!/bin/bash
# fields.sh - `trailhound fields`: the table lists every visible field of a source, --all adds the hidden ones,
# --json prints a valid JSON array with the same fields, and a bad --source is a usage error (exit 2).
set -u
fail() { echo "FAIL: $*"; exit 1; }
T=${TRAILHOUND:?TRAILHOUND not set}

out=$("$T" fields --source aws_cloudtrail) || fail "fields --source aws_cloudtrail exited $?"
echo "$out" | grep -q '^ct\.user  ' || fail "ct.user missing from the table"
echo "$out" | grep -q '^ct\.time ' && fail "hidden ct.time listed without --all"
echo "$out" | grep -q '^ka\.' && fail "k8s fields listed for aws_cloudtrail"
echo "$out" | grep -Eq '^ec2\.imageids +string \(list\) +Index ' || fail "ec2.imageids not shown as an indexed list"
visible=$(echo "$out" | grep -cE '^(ct|s3|ec2|ecr|iam)\.')
[ "$visible" -eq 67 ] || fail "expected 67 visible cloudtrail-plugin fields, got $visible"

all=$("$T" fields --source aws_cloudtrail --all) || fail "--all exited $?"
n=$(echo "$all" | grep -cE '^(ct|s3|ec2|ecr|iam)\.')
[ "$n" -eq 73 ] || fail "expected 73 cloudtrail-plugin fields with --all, got $n"

ka=$("$T" fields --source k8s_audit | grep -c '^ka\.')
[ "$ka" -eq 100 ] || fail "expected 100 ka.* fields, got $ka"

json=$("$T" fields --json --all) || fail "--json exited $?"
if command -v python3 >/dev/null; then
    count=$(echo "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len({f["name"] for f in d}))') \
        || fail "--json output is not valid JSON"
    total=$("$T" fields --all | grep -cE '^[a-z0-9]+\.[^ ]* ')
    [ "$count" -eq "$total" ] || fail "--json has $count fields, the table $total"
fi
echo "$json" | grep -q '"name":"ka.uri.param","type":"string","list":false,"arg":"key","arg_required":true' \
    || fail "ka.uri.param JSON entry wrong"

"$T" fields --source nosuch >/dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "bad --source exited $rc, expected 2"
echo "ok"
exit 0
