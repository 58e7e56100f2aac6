#!/usr/bin/env bash
# conformance_panther_agreement.sh - ctest entry (label conformance, from the file name) for the Panther
# cross-check; the logic and thresholds live in tests/conformance/panther_agreement.sh.
# Invariant: exit code passes through unchanged (0 pass, 1 regression, 77 skip).
set -u
: "${TH_SRC:?TH_SRC must point to the source tree}"
exec bash "$TH_SRC/tests/conformance/panther_agreement.sh" "$@"
