#!/usr/bin/env python3
"""panther_agreement.py - replays Panther's labelled rule tests (corpus/panther/test-events/*.jsonl) through
trailhound's bundled rules and measures how often the two agree.

  recall-like: of the in-scope events Panther expects its rule to match, the share on which a bundled rule with a
               matching ATT&CK tactic fires (Panther's TA0005 Defense Evasion matches our TA0005 Stealth or TA0112
               Defense Impairment, the v19 split; a test whose Panther rule reports no MITRE id is matched by any
               rule that fires);
  FP-like:     of the in-scope events Panther expects NOT to match, the share on which any bundled rule fires.

Scope: CloudTrail records (eventSource and eventName, as CloudTrail spells them) and Kubernetes audit events
(verb / objectRef / requestURI at the top level). Excluded with a count and a reason: GuardDuty findings, Security
Hub (ASFF) findings, S3 server access logs, GCP Cloud Audit Log and Azure Monitor wrappers of k8s audit events, and
CloudTrail-like objects with lower-cased keys (Panther-normalised, not what CloudTrail emits).
Panther trims k8s test events to what its Python reads, often dropping two fields every real audit.k8s.io/v1 event
carries: auditID (trailhound's source detection keys on it) and stage (the k8s rules, like Falco's, only look at
ResponseComplete events). A trimmed event gets auditID "panther-N" and stage "ResponseComplete" ("ResponseStarted" when
the response code is 101, a stream that started: exec, attach, port-forward) when absent, and nothing else; the
count is reported. CloudTrail events are replayed exactly as Panther wrote them.

All events go to one temporary NDJSON file (line i = test i); `trailhound replay --format json` runs once and each
detection is mapped back through its event locator (FILE:LINE). Output: a report (rates, counts, per-cause tallies,
every disagreement with the event, Panther rule and our rules) and, with --summary, one JSON line of figures.
Python 3 standard library only.
"""
import argparse
import collections
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

# Panther tactic id -> the trailhound (ATT&CK v19) tactic ids that count as the same.
TACTIC_EQUIV = {"TA0005": {"TA0005", "TA0112"}}

EXCLUDED_LOGTYPES = {
    "AWS.GuardDuty": "GuardDuty finding (not an audit record)",
    "AWS.SecurityFindingFormat": "Security Hub ASFF finding (not an audit record)",
    "AWS.S3ServerAccess": "S3 server access log (not CloudTrail)",
}


def classify(test):
    """Returns (kind, reason): kind is 'ct', 'k8s' or None (excluded, reason says why)."""
    ev = test["event"]
    for lt in test["log_types"]:
        if lt in EXCLUDED_LOGTYPES:
            return None, EXCLUDED_LOGTYPES[lt]
    if not isinstance(ev, dict):
        return None, "event is not a JSON object"
    if "eventSource" in ev and "eventName" in ev:
        return "ct", ""
    if "eventname" in ev or "eventsource" in ev:
        return None, "CloudTrail-like object with lower-cased keys (Panther-normalised, not CloudTrail)"
    if "protoPayload" in ev:
        return None, "GCP Cloud Audit Log entry (k8s audit wrapped by GCP)"
    if "category" in ev and "operationName" in ev:
        return None, "Azure Monitor diagnostic record (k8s audit wrapped by Azure)"
    if "eventName" in ev or "eventSource" in ev:
        return None, "CloudTrail record trimmed to eventName without eventSource (its source cannot be told)"
    if any(k in ev for k in ("verb", "objectRef", "requestURI", "auditID")):
        return "k8s", ""
    return None, "neither a CloudTrail record nor a k8s audit event"


def panther_tactics(test):
    return sorted({m.split(":")[0].strip() for m in test.get("mitre") or [] if m.strip()})


def tactic_match(panther, ours):
    """True when one of our tactic ids counts as one of Panther's (no Panther tactic: anything fires)."""
    if not panther:
        return bool(ours)
    for p in panther:
        if TACTIC_EQUIV.get(p, {p}) & ours:
            return True
    return False


def load_tests(corpus):
    tests = []
    for path in sorted(glob.glob(os.path.join(corpus, "*.tests.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    t = json.loads(line)
                    t["_where"] = f"{os.path.basename(path)}:{n}"
                    tests.append(t)
    return tests


def panther_rule_meta(rules_dir):
    """RuleID -> {'threshold': int, 'enabled': bool, 'dedup': int} from Panther's rule YAML (top-level keys only)."""
    meta = {}
    for path in glob.glob(os.path.join(rules_dir, "*", "*.yml")):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        m = re.search(r'^RuleID:\s*"?([^"\n]+?)"?\s*$', text, re.M)
        if not m:
            continue
        thr = re.search(r"^Threshold:\s*(\d+)", text, re.M)
        en = re.search(r"^Enabled:\s*(\w+)", text, re.M)
        meta[m.group(1)] = {
            "threshold": int(thr.group(1)) if thr else 1,
            "enabled": not en or en.group(1).lower() == "true",
        }
    return meta


def event_key(test):
    ev = test["event"]
    if "eventName" in ev:
        return f"{ev.get('eventSource', '?')}:{ev['eventName']}"
    ref = ev.get("objectRef") or {}
    sub = "/" + ref["subresource"] if isinstance(ref, dict) and ref.get("subresource") else ""
    res = ref.get("resource", "?") if isinstance(ref, dict) else "?"
    return f"{ev.get('verb', '?')} {res}{sub}"


def run_replay(trailhound, rules, ndjson):
    cmd = [trailhound, "replay", "-q", "--format", "json", "--all-problems"]
    for r in rules:
        cmd += ["-r", r]
    cmd.append(ndjson)
    p = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if p.returncode not in (0, 1):
        sys.exit(f"panther_agreement: {' '.join(cmd)} exited {p.returncode}: {p.stderr[:2000]}")
    fired = collections.defaultdict(dict)  # line -> rule -> set(tactic ids)
    for line in p.stdout.splitlines():
        if not line.startswith("{"):
            continue
        d = json.loads(line)
        loc = d.get("event", {}).get("locator", "")
        m = re.search(r":(\d+)$", loc)
        if not m:
            continue
        tactics = {t["id"] for t in d.get("mitre", {}).get("tactics", [])}
        fired[int(m.group(1))][d["rule"]] = tactics
    rejected = {}
    for line in p.stderr.splitlines():
        m = re.match(r"^.*?:(\d+): error: (.*)$", line)
        if m and line.startswith(ndjson):
            rejected[int(m.group(1))] = m.group(2)
    return fired, rejected


def rule_texts(rules):
    """All rules YAML text, to tell 'no rule mentions this event' from 'a rule exists but did not match'."""
    chunks = []
    for r in rules:
        paths = [r] if os.path.isfile(r) else glob.glob(os.path.join(r, "**", "*.y*ml"), recursive=True)
        for p in paths:
            with open(p, encoding="utf-8") as f:
                chunks.append(f.read())
    return "\n".join(chunks)


def miss_cause(test, meta, texts, rejected_reason):
    ev = test["event"]
    pm = meta.get(test["rule_id"], {})
    if rejected_reason:
        return "rejected by trailhound: " + rejected_reason
    if pm.get("threshold", 1) > 1:
        return f"Panther rule is threshold-based (alerts after {pm['threshold']} matches); no stateless equivalent"
    name = ev.get("eventName") if "eventName" in ev else None
    if name is not None:
        if re.search(r"\b" + re.escape(name) + r"\b", texts):
            return f"a bundled rule names {name} but its condition did not match"
        return f"no bundled rule for {name}"
    ref = ev.get("objectRef") if isinstance(ev.get("objectRef"), dict) else {}
    res = ref.get("resource")
    if res and re.search(r"\b" + re.escape(res) + r"\b", texts):
        return f"a bundled rule names {res} but its condition did not match"
    return f"no bundled rule for {event_key(test)}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trailhound", required=True)
    ap.add_argument("--corpus", required=True, help="panther/test-events directory")
    ap.add_argument("--panther-rules", help="panther/rules directory (thresholds, for the analysis)")
    ap.add_argument("-r", "--rules", action="append", default=[], help="rules path (repeatable)")
    ap.add_argument("--report", required=True, help="where to write the full report")
    ap.add_argument("--summary", help="where to write the figures as one JSON object")
    a = ap.parse_args()

    tests = load_tests(a.corpus)
    if not tests:
        sys.exit(f"panther_agreement: no *.tests.jsonl under {a.corpus}")
    meta = panther_rule_meta(a.panther_rules) if a.panther_rules else {}
    texts = rule_texts(a.rules)

    excluded = collections.Counter()
    lines = {}  # NDJSON line -> test
    synthesized = 0
    with tempfile.NamedTemporaryFile("w", suffix=".ndjson", prefix="panther_", delete=False) as tmp:
        nd = tmp.name
        n = 0
        for i, t in enumerate(tests):
            kind, why = classify(t)
            if kind is None:
                excluded[why] += 1
                continue
            ev = dict(t["event"])
            if kind == "k8s" and ("auditID" not in ev or "stage" not in ev):
                ev.setdefault("auditID", f"panther-{i}")
                code = (ev.get("responseStatus") or {}).get("code") if isinstance(ev.get("responseStatus"), dict) else None
                # 101 Switching Protocols is the record of a stream that started (exec, attach, port-forward)
                ev.setdefault("stage", "ResponseStarted" if code == 101 else "ResponseComplete")
                synthesized += 1
            tmp.write(json.dumps(ev, separators=(",", ":")) + "\n")
            n += 1
            lines[n] = t
            t["_kind"] = kind
    try:
        fired, rejected = run_replay(a.trailhound, a.rules, nd)
    finally:
        os.unlink(nd)

    pos = neg = tp = fp = fired_other = 0
    per = {k: collections.Counter() for k in ("ct", "k8s")}
    misses, wrong_tactic, fps = [], [], []
    for ln, t in lines.items():
        ours = fired.get(ln, {})
        our_tactics = set().union(*ours.values()) if ours else set()
        pt = panther_tactics(t)
        pk = per[t["_kind"]]
        pk["pos" if t["expected_match"] else "neg"] += 1
        if t["expected_match"] and ours and tactic_match(pt, our_tactics):
            pk["tp"] += 1
        elif not t["expected_match"] and ours:
            pk["fp"] += 1
        if t["expected_match"]:
            pos += 1
            if ours and tactic_match(pt, our_tactics):
                tp += 1
            elif ours:
                fired_other += 1
                wrong_tactic.append((ln, t, ours))
            else:
                misses.append((ln, t, miss_cause(t, meta, texts, rejected.get(ln))))
        else:
            neg += 1
            if ours:
                fp += 1
                fps.append((ln, t, ours))

    recall = tp / pos if pos else 0.0
    fprate = fp / neg if neg else 0.0
    summary = {
        "tests": len(tests), "in_scope": len(lines), "excluded": sum(excluded.values()),
        "k8s_auditid_stage_added": synthesized, "rejected_by_trailhound": len(rejected),
        "positives": pos, "matched": tp, "fired_other_tactic": fired_other, "missed": len(misses),
        "negatives": neg, "fired_on_negatives": fp,
        "recall": round(recall, 4), "fp_rate": round(fprate, 4),
        "per_source": {k: dict(v) for k, v in per.items()},
    }

    def rules_str(ours):
        return "; ".join(f"{r} [{','.join(sorted(tac)) or '-'}]" for r, tac in sorted(ours.items()))

    out = []
    out.append("Panther cross-check: bundled rules vs Panther's labelled rule tests")
    out.append(f"recall-like   {tp}/{pos} = {100 * recall:.1f}% (positives where a rule with a matching tactic fires)")
    out.append(f"FP-like       {fp}/{neg} = {100 * fprate:.1f}% (negatives where any rule fires)")
    out.append(f"tests {len(tests)}, in scope {len(lines)}, excluded {sum(excluded.values())}, "
               f"auditID/stage added to {synthesized} k8s events, rejected by trailhound {len(rejected)}")
    out.append(f"positives: {tp} matched, {fired_other} fired with another tactic, {len(misses)} missed")
    for k, label in (("ct", "CloudTrail"), ("k8s", "k8s audit")):
        c = per[k]
        out.append(f"  {label}: recall-like {c['tp']}/{c['pos']}, FP-like {c['fp']}/{c['neg']}")
    out.append("")
    out.append("Excluded (not CloudTrail / k8s audit records):")
    for why, c in excluded.most_common():
        out.append(f"  {c:4d}  {why}")
    out.append("")
    def generic(cause):
        cause = re.sub(r"after \d+ matches", "after N matches", cause)
        return re.sub(r" for .*| names .* but", lambda m: " for X" if m.group(0).startswith(" for")
                      else " names X but", cause)
    causes = collections.Counter(generic(c) for _, _, c in misses)
    out.append("Misses by cause:")
    for c, k in causes.most_common():
        out.append(f"  {k:4d}  {c}")
    out.append("")
    out.append("Events no bundled rule names (what a rule author could add), with the Panther rules expecting them:")
    absent = collections.defaultdict(set)
    for _, t, c in misses:
        if c.startswith("no bundled rule"):
            absent[event_key(t)].add(t["rule_id"])
    for k in sorted(absent):
        out.append(f"  {k}  <- {', '.join(sorted(absent[k]))}")
    by_rule = collections.Counter(t["rule_id"] for _, t, _ in misses)
    out.append("")
    out.append("Misses by Panther rule (most first):")
    for r, k in by_rule.most_common():
        out.append(f"  {k:3d}  {r}")
    out.append("")
    out.append("REJECTED by trailhound (input problems; counted with the tests they belong to):")
    for ln in sorted(rejected):
        t = lines.get(ln)
        if t:
            out.append(f"  {t['_where']}  {t['rule_id']}  \"{t['test_name']}\"  expected_match={t['expected_match']}"
                       f"  {rejected[ln]}")
    out.append("")
    out.append("MISSED (Panther expects a match, no bundled rule fired):")
    for ln, t, cause in misses:
        out.append(f"  {t['_where']}  {t['rule_id']}  \"{t['test_name']}\"  event={event_key(t)}  "
                   f"panther={','.join(t.get('mitre') or []) or '-'}  cause: {cause}")
    out.append("")
    out.append("OTHER TACTIC (Panther expects a match, our rules fired under other tactics):")
    for ln, t, ours in wrong_tactic:
        out.append(f"  {t['_where']}  {t['rule_id']}  \"{t['test_name']}\"  event={event_key(t)}  "
                   f"panther={','.join(t.get('mitre') or [])}  ours: {rules_str(ours)}")
    out.append("")
    out.append("FIRED ON NEGATIVE (Panther expects no match, our rules fired):")
    for ln, t, ours in fps:
        out.append(f"  {t['_where']}  {t['rule_id']}  \"{t['test_name']}\"  event={event_key(t)}  "
                   f"ours: {rules_str(ours)}")
    os.makedirs(os.path.dirname(os.path.abspath(a.report)), exist_ok=True)
    with open(a.report, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    if a.summary:
        with open(a.summary, "w", encoding="utf-8") as f:
            json.dump(summary, f)
            f.write("\n")
    print("\n".join(out[:8]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
