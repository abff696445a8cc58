# Issue 15 §2: the registry client through the Bearer token flow (401 + WWW-Authenticate, a token
# service that wants the stored Basic credentials, the scope pull or pull,push) and retries on
# 429 and 503, against a real docker-registry behind tests/e2e/images/bearer_proxy.py. The
# password never reaches an output; a wrong one is one error line naming the auth file, exit 2.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/images/image_lib.sh"
command -v skopeo >/dev/null || fail "skopeo missing (scripts/deps.sh)"

mkdir -p root/etc && echo hi >root/etc/motd
pack_layout root layout v1 >/dev/null
start_registry "$T/reg"
skopeo copy -q --dest-tls-verify=false oci:layout:v1 "docker://$REG/team/app:v1"

PASSWORD=s3cret-$RANDOM-pw
$PY "$HALLMARK_SRC/tests/e2e/images/bearer_proxy.py" "${REG#*:}" "ci:$PASSWORD" "$T/front.port" "$T/front.log" &
FRONT_PID=$!; on_exit "kill $FRONT_PID"
for _ in $(seq 100); do [ -s "$T/front.port" ] && break; sleep 0.05; done
FRONT=127.0.0.1:$(cat "$T/front.port")
mkdir -p auth
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$FRONT" "$(printf 'ci:%s' "$PASSWORD" | base64 -w0)" >auth/auth.json
export REGISTRY_AUTH_FILE=$T/auth/auth.json

"$HM" sbom --image "$FRONT/team/app:v1" -o bom.json 2>sbom.err || { cat sbom.err front.log; fail "sbom --image through Bearer auth"; }
expect_eq "$(jget bom.json 'j["metadata"]["component"]["type"]')" container "the image read through the front"
expect_contains "$T/front.log" "/team/app/manifests/v1 401"
expect_contains "$T/front.log" "GET /token 200 scope=repository%3Ateam%2Fapp%3Apull"
expect_contains "$T/front.log" "/team/app/manifests/v1 429"
expect_contains "$T/front.log" "/team/app/manifests/v1 503"
expect_contains "$T/front.log" "GET /v2/team/app/manifests/v1 200"
pass "Bearer challenge, token with the stored credentials, retries after 429 and 503"

"$HM" keygen -q -o k >/dev/null
mkdir ws && (cd ws && "$HM" run -q --no-telemetry --step build -- sh -c 'echo built >out.txt' &&
  "$HM" attest -q --no-telemetry --key ../k.key --image "$FRONT/team/app:v1" --push 2>../attest.err) ||
  { cat attest.err; fail "attest --push through Bearer auth"; }
expect_contains "$T/front.log" "scope=repository%3Ateam%2Fapp%3Apull%2Cpush"
"$HM" verify --image "$FRONT/team/app:v1" --key k.pub >verify.txt 2>&1 || { cat verify.txt; fail "verify --image"; }
expect_contains verify.txt "PASSED: "
pass "attest --push (scope pull,push) and verify --image through the token flow"

printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$FRONT" "$(printf 'ci:wrong' | base64 -w0)" >auth/wrong.json
rc=0; REGISTRY_AUTH_FILE=$T/auth/wrong.json "$HM" sbom --image "$FRONT/team/app:v1" -o x.json 2>wrong.err || rc=$?
expect_eq "$rc" 2 "exit status with a wrong password"
expect_contains wrong.err "token service answered 401 for the credentials in $T/auth/wrong.json"
expect_eq "$(grep -c . wrong.err)" 1 "lines of the error"
if grep -rl -- "$PASSWORD" sbom.err attest.err verify.txt wrong.err bom.json ws 2>/dev/null; then fail "the password leaked"; fi
pass "a wrong password: one line naming the auth file; the password never printed"
