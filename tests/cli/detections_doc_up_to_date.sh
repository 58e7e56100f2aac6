#!/usr/bin/env bash
# detections_doc_up_to_date.sh - docs/DETECTIONS.md is exactly what `trailhound rules --format markdown` produces
# from the bundled rules plus the hand-written docs/detections_crosscheck.md; fails with a diff when it is stale.
# Run with --update (from anywhere, TRAILHOUND set) to regenerate the committed file instead.
# Invariant: generation runs from the source root with `-r rules`, so paths in the document are repository-relative
# and independent of the build directory and of $TRAILHOUND_RULES.
set -u
: "${TRAILHOUND:?TRAILHOUND must point to the trailhound binary}"
TH_SRC="${TH_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"

doc="$TH_SRC/docs/DETECTIONS.md"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$TH_SRC" && env -u TRAILHOUND_RULES "$TRAILHOUND" rules -r rules --format markdown \
    --include docs/detections_crosscheck.md >"$work/DETECTIONS.md" 2>"$work/err")
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "FAIL: trailhound rules --format markdown exited $rc: $(head -5 "$work/err")" >&2
    exit 1
fi
if [ "${1:-}" = "--update" ]; then
    cp "$work/DETECTIONS.md" "$doc"
    echo "docs/DETECTIONS.md regenerated"
    exit 0
fi
if ! diff -u "$doc" "$work/DETECTIONS.md" >"$work/diff"; then
    head -200 "$work/diff" >&2
    echo "FAIL: docs/DETECTIONS.md is stale; regenerate it with:" >&2
    echo "  TRAILHOUND=$TRAILHOUND bash tests/cli/detections_doc_up_to_date.sh --update" >&2
    exit 1
fi
echo "detections_doc_up_to_date: docs/DETECTIONS.md matches the rules"
exit 0
