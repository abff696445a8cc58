# `hallmark attest --statement-only -o FILE`: the unsigned in-toto statement for a keyless signer
# (GitHub's actions/attest); no key, the run stays open for the keyed attest that may follow.
source "$(dirname "$0")/../lib.sh"
source "$HALLMARK_SRC/tests/e2e/attest/attest_lib.sh"
sample_run
expect_status 0 out.txt "$HM" attest --statement-only --subject 'dist/*.tar.gz' -o st.json
[ "$(jget st.json 'j["_type"]')" = https://in-toto.io/Statement/v1 ] || fail "not an in-toto statement: $(head -c 200 st.json)"
[ "$(jget st.json 'j["predicateType"]')" = https://slsa.dev/provenance/v1 ] || fail "predicateType"
want=$(sha256sum "$ARTIFACT" | cut -d' ' -f1)
[ "$(jget st.json 'j["subject"][0]["digest"]["sha256"]')" = "$want" ] || fail "subject digest"
expect_not_contains st.json '"signatures"'
expect_status 2 out.txt "$HM" attest --statement-only
expect_contains out.txt "needs -o FILE"
"$HM" keygen -q -o k >/dev/null
expect_status 2 out.txt "$HM" attest --statement-only --key k.key -o st2.json
expect_status 2 out.txt "$HM" attest
expect_contains out.txt "--statement-only"
# The run is still open: the keyed attest signs the same steps and closes it.
expect_status 0 out.txt "$HM" attest --key k.key --subject 'dist/*.tar.gz'
expect_status 0 out.txt "$HM" verify --artifact "$ARTIFACT" --key k.pub
pass "statement-only writes the unsigned statement and leaves the run open"
