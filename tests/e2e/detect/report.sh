# `hallmark report`: a self-contained HTML page, checked in headless Chromium (Debian `chromium`):
# the DOM it builds with scripts off has the anomalies section first, the steps, the egress table
# and the Gantt chart; a screenshot renders. A 10,000-process run stays <= 5 MB and renders; its
# render time (--dump-dom, less the browser's start) is printed, and held to <= 2 s only under
# bench/bench_report.sh (HALLMARK_REPORT_BAR=1): a timed bar in the suite fails on a loaded machine.
source "$(dirname "$0")/../lib.sh"
command -v chromium >/dev/null || { echo "SKIP: chromium is not installed"; exit 77; }
skip_unless_traceable
export HALLMARK_STORE="sqlite://$T/evidence.db"
mkdir ws && cd ws
chrome() { timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-javascript --user-data-dir="$T/chrome" "$@" 2>/dev/null; }

"$HM" run -q --trace --step install -- sh -c 'ls > /dev/null'
"$HM" run -q --trace --step install -- sh -c 'ls > /dev/null'
"$HM" run -q --trace --step install -- sh -c 'ls > /dev/null; bash -c "exec 3<>/dev/tcp/127.0.0.2/8443" 2>/dev/null; true'
"$HM" run -q --step test -- sh -c 'exit 3' || true
path=$("$HM" report -o "$T/report.html")
expect_eq "$path" "$T/report.html" "printed path"
grep -q "<script" "$T/report.html" && fail "the report has a script"
grep -qE "(src|href)=\"https?:" "$T/report.html" && fail "the report fetches something"

chrome --dump-dom "file://$T/report.html" > dom.html
[ -s dom.html ] || fail "chromium rendered nothing"
$PY - dom.html <<'PY' || fail "the rendered DOM lacks what the report must show"
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.ids = []; self.text = []; self.rects = 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a: self.ids.append(a["id"])
        if tag == "rect": self.rects += 1
    def handle_data(self, d): self.text.append(d)
p = P(); p.feed(open(sys.argv[1]).read())
text = " ".join(p.text)
assert p.ids[0] == "anomalies", p.ids           # anomalies first
for i in ["timeline", "steps", "egress", "programs", "artifacts", "sbom"]: assert i in p.ids, i
assert "connected to 127.0.0.2:8443" in text, "anomaly"
assert "exit 3" in text, "exit status of the failed step"
assert "127.0.0.2:8443" in text and "new" in text, "egress table"
assert p.rects >= 4 + 3, p.rects                 # 4 step bars + processes
PY
chrome --screenshot="$T/shot.png" --window-size=1200,1600 "file://$T/report.html" >/dev/null
[ -s "$T/shot.png" ] || fail "no screenshot"
$PY -c "import sys; d=open(sys.argv[1],'rb').read(24); assert d[:8]==b'\x89PNG\r\n\x1a\n' and int.from_bytes(d[16:20],'big')==1200" "$T/shot.png" ||
  fail "the screenshot is not a 1200-px PNG"
pass "report rendered by Chromium: anomalies first, steps, egress, Gantt; screenshot"

# 10,000 processes: a traced record's process list multiplied into a step of its own.
rec=$(ls .hallmark/steps/*install.json | head -1)
$PY - "$rec" .hallmark/steps/29990101000000000-1-1-big.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
p0 = r["trace"]["processes"][0]
procs = []
for i in range(10000):
    p = dict(p0); p["pid"] = 100000 + i; p["ppid"] = 100000 + i // 2
    p["exe"] = "/usr/bin/tool%d" % (i % 300); p["argv"] = ["tool", str(i)]
    procs.append(p)
r["name"] = "big"; r["trace"]["processes"] = procs
json.dump(r, open(sys.argv[2], "w"))
PY
"$HM" report -o "$T/big.html" > /dev/null
size=$(stat -c %s "$T/big.html")
[ "$size" -le $((5 * 1024 * 1024)) ] || fail "10,000-process report is $size bytes (> 5 MB)"
# The browser's own start is measured on an empty page in the same run and taken off: the bar is
# the page's rendering, not Chromium's start on a loaded machine.
echo '<!DOCTYPE html><title>empty</title>' > "$T/empty.html"
render_ms() {
  local t0=$(date +%s%N)
  chrome --dump-dom "file://$1" > "$2"
  echo $((($(date +%s%N) - t0) / 1000000))
}
start_ms=$(render_ms "$T/empty.html" emptydom.html)
big_ms=$(render_ms "$T/big.html" bigdom.html)
grep -q 'id="anomalies"' bigdom.html || fail "the big report did not render"
ms=$((big_ms - start_ms))
echo "10,000-process report: $size bytes, rendered in ${ms} ms (Chromium --dump-dom ${big_ms} ms, of which ${start_ms} ms an empty page; load $(cut -d' ' -f1 /proc/loadavg))"
if [ "${HALLMARK_REPORT_BAR:-0}" = 1 ]; then
  [ "$ms" -le 2000 ] || fail "rendering took ${ms} ms (> 2 s)"
  pass "10,000 processes: <= 5 MB, rendered in <= 2 s"
else
  pass "10,000 processes: <= 5 MB, rendered"
fi
