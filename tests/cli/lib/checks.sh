# tests/cli/lib/checks.sh - sourced by command-line tests that make several checks and report them all:
# a temporary $work directory removed on exit, fail MESSAGE (counts and prints, goes on), and
# finish [SUMMARY] (exit 1 with the count when any check failed, else print SUMMARY and exit 0).
# Not a test itself: CMake registers only tests/cli/*.sh.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    [ $# -eq 0 ] || echo "$*"
    exit 0
}
