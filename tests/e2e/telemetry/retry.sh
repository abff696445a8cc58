# The collector answers 503 (Retry-After: 1) twice, then 200: every span and log arrives exactly
# once, the build's exit status is untouched.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/telemetry/sink.sh"
start_sink R --fail-first 2
export OTEL_EXPORTER_OTLP_ENDPOINT=$SINK_R_URL
export SECRET_PASSWORD=hunter2
expect_eq "$(status "$HM" run -q --telemetry-deadline 8000 --step flaky -- sh -c 'exit 5')" 5 "exit status"
sink_summary "$SINK_R_OUT" > summary.txt
cat summary.txt
expect_eq "$(grep -c '^refused 503' summary.txt)" 2 "two refusals"
expect_eq "$(grep -c '^span flaky ' summary.txt)" 1 "the step span exactly once"
expect_eq "$(grep -c '^log hallmark.step.failed ' summary.txt)" 1 "the step.failed event exactly once"
expect_eq "$(grep -c '^log hallmark.secret.redacted ' summary.txt)" 1 "the secret.redacted event exactly once"
"$HM" telemetry flush -q
expect_eq "$(grep -c '^span flaky ' <(sink_summary "$SINK_R_OUT"))" 1 "flush sends nothing twice"
pass "503 twice then 200: delivered exactly once"
