#!/usr/bin/env bash
# The shape rules of docs/architecture.md, checked (scripts/test.sh runs this):
# no import cycle between modules, no source file over 700 lines, no
# `too_many_arguments` allow (a request struct instead).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
python3 scripts/check-cycles.py src || status=1
long=$(find src tests benches -name '*.rs' -print0 | xargs -0 wc -l | awk '$2 != "total" && $1 > 700 { print "  " $2 ": " $1 " lines" }')
if [ -n "$long" ]; then
    echo "files over 700 lines:"; echo "$long"; status=1
fi
if grep -rn 'too_many_arguments' src tests benches; then
    echo "a too_many_arguments allow: pass a request struct instead"; status=1
fi
[ $status = 0 ] && echo "architecture rules hold"
exit $status
