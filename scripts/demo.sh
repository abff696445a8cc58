#!/usr/bin/env bash
# The README's main job: builds hallmark, then runs a CI job on the bundled sample project
# (ci-examples/sample-project) in a temporary copy: wrapped build steps, their records.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
HM=$PWD/build/hallmark

work=$(mktemp -d "${TMPDIR:-/tmp}/hallmark-demo.XXXXXX")
cp -r ci-examples/sample-project "$work/project"
cd "$work/project"
git init -q . && git add -A && git -c user.name=demo -c user.email=demo@example.com commit -qm "sample"
export HALLMARK_DIR=$work/project/.hallmark

echo "== wrap the build steps"
"$HM" run --step build -- make
"$HM" run --step test -- make test
"$HM" run --step package -- make dist
echo "== the pipeline run so far"
"$HM" steps
echo
echo "demo workspace: $work/project (records in .hallmark/)"
