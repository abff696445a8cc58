# The CI examples cannot rot: each one's shell steps (extracted by extract_ci_steps.py from the
# real YAML/Jenkinsfile) run locally with that platform's environment, on the sample project:
# build, test, package and SBOM under hallmark, attest, upload/download, then the deploy job's verify
# must pass. Run again with the artifact changed before the verify step: deploy must stop.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/attest/attest_lib.sh"
EXAMPLES=$HALLMARK_SRC/ci-examples

mkdir bin && ln -s "$HM" bin/hallmark
# The release key pair the examples use: private key as a CI secret, public key in the repo.
HALLMARK_KEY_PASSWORD=ci-pass "$HM" keygen -q -t ecdsa-p256 -o release >/dev/null
declare -A SECRET=([HALLMARK_SIGNING_KEY]="$(cat release.key)" [HALLMARK_KEY_PASSWORD]=ci-pass)

# The repository as the CI platform checks it out.
make_checkout() {  # DIR REMOTE
  cp -r "$EXAMPLES/sample-project" "$1"
  mkdir -p "$1/keys" && cp release.pub "$1/keys/hallmark-release.pub"
  cp "$EXAMPLES/deploy-policy.json" "$1/"
  (cd "$1" && git init -q . && git add -A && git -c user.name=ci -c user.email=ci@example.com commit -qm release &&
   git remote add origin "$2")
}

# Functions the extracted program calls (see extract_ci_steps.py).
job() {
  JOB=$1
  if [ "$PLATFORM" != jenkins ] || [ -z "${WS:-}" ]; then
    WS=$RUN/ws-$JOB
    make_checkout "$WS" "$REMOTE"
  fi
  STEP_ENV=()
}
step_env() { STEP_ENV+=("$1=${SECRET[$2]}"); }
run_step() {
  local script
  script=$(cat)
  if [ "${TAMPER:-0}" = 1 ] && [[ $script == *"hallmark verify"* ]]; then
    for f in "$WS"/dist/*.tar.gz; do printf 'x' >>"$f"; done
  fi
  echo "--- [$PLATFORM/$JOB] $(echo "$script" | grep -m1 . | sed 's/^ *//')"
  local rc=0 san=()
  # scripts/sanitize.sh's settings survive the clean environment of a CI job.
  for v in ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS; do [ -n "${!v:-}" ] && san+=("$v=${!v}"); done
  (cd "$WS" && env -i PATH="$T/bin:/usr/local/bin:/usr/bin:/bin" HOME="$RUN/home" LANG=C.UTF-8 \
      "${san[@]+"${san[@]}"}" "${PLATFORM_ENV[@]}" GITHUB_JOB="$JOB" "${STEP_ENV[@]+"${STEP_ENV[@]}"}" bash -eo pipefail -c "$script") || rc=$?
  STEP_ENV=()
  return $rc
}
upload_flat() { mkdir -p "$RUN/staging"; (cd "$WS" && cp $* "$RUN/staging/"); }
download_flat() { mkdir -p "$WS/$1" && cp "$RUN"/staging/* "$WS/$1/"; }
upload_tree() { mkdir -p "$RUN/staging"; (cd "$WS" && cp --parents $* "$RUN/staging/"); }
download_tree() { cp -r "$RUN"/staging/. "$WS/"; }

run_example() {  # PLATFORM FILE REMOTE ENV...
  PLATFORM=$1; local file=$2; REMOTE=$3; shift 3
  PLATFORM_ENV=("$@")
  RUN=$T/$PLATFORM-$((++RUNS)); mkdir -p "$RUN/home" "$RUN/tmp"; WS=
  PLATFORM_ENV+=(RUNNER_TEMP="$RUN/tmp")
  $PY "$HALLMARK_SRC/tests/e2e/attest/extract_ci_steps.py" "$PLATFORM" "$EXAMPLES/$file" >"$RUN/program.sh"
  source "$RUN/program.sh"
}
RUNS=0

check_platform() {  # PLATFORM FILE REMOTE ENV...
  local p=$1
  run_example "$@" >"$T/$p.out" 2>&1 || { cat "$T/$p.out"; fail "$p example failed"; }
  expect_contains "$T/$p.out" "PASSED: dist/greet-1.0.0.tar.gz"
  expect_contains "$T/$p.out" "deploying dist/greet-1.0.0.tar.gz"
  expect_contains "$T/$p.out" "hallmark: sbom: "
  # The provenance came from the platform: its builder id, its run as invocation.
  payload_of "$RUN/staging/greet-1.0.0.tar.gz.intoto.jsonl" >"$T/$p.statement" 2>/dev/null ||
    payload_of "$RUN/staging/dist/greet-1.0.0.tar.gz.intoto.jsonl" >"$T/$p.statement" 2>/dev/null ||
    payload_of "$WS/dist/greet-1.0.0.tar.gz.intoto.jsonl" >"$T/$p.statement"
  pass "$p example: build, attest, verify, deploy ($(jget "$T/$p.statement" 'j["predicate"]["runDetails"]["builder"]["id"]'))"

  local rc=0
  TAMPER=1 run_example "$@" >"$T/$p.bad" 2>&1 || rc=$?
  [ $rc != 0 ] || { cat "$T/$p.bad"; fail "$p deploy went ahead with a changed artifact"; }
  expect_contains "$T/$p.bad" "FAILED: subject: expected sha256:"
  expect_not_contains "$T/$p.bad" "deploying"
  pass "$p example: deploy stops on a changed artifact"
}

SHA=0123456789abcdef0123456789abcdef01234567
check_platform github github-actions.yml https://github.com/acme/greet.git \
  CI=true GITHUB_ACTIONS=true GITHUB_RUN_ID=9001 GITHUB_RUN_ATTEMPT=1 GITHUB_RUN_NUMBER=12 \
  GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=acme/greet GITHUB_WORKFLOW=release \
  GITHUB_WORKFLOW_REF=acme/greet/.github/workflows/release.yml@refs/heads/main GITHUB_REF=refs/heads/main \
  GITHUB_REF_NAME=main GITHUB_SHA=$SHA GITHUB_EVENT_NAME=push GITHUB_ACTOR=octocat RUNNER_OS=Linux
expect_eq "$(jget "$T/github.statement" 'j["predicate"]["runDetails"]["metadata"]["invocationId"]')" \
  https://github.com/acme/greet/actions/runs/9001/attempts/1 "github invocationId"

echo "${SECRET[HALLMARK_SIGNING_KEY]}" >gitlab-key.pem
check_platform gitlab gitlab-ci.yml https://gitlab.com/acme/greet.git \
  CI=true GITLAB_CI=true CI_SERVER_URL=https://gitlab.com CI_PROJECT_URL=https://gitlab.com/acme/greet \
  CI_PROJECT_PATH=acme/greet CI_RUNNER_ID=77 CI_PIPELINE_ID=500 CI_JOB_ID=501 CI_JOB_NAME=build \
  CI_PIPELINE_URL=https://gitlab.com/acme/greet/-/pipelines/500 CI_JOB_URL=https://gitlab.com/acme/greet/-/jobs/501 \
  CI_COMMIT_BRANCH=main CI_COMMIT_REF_NAME=main CI_COMMIT_SHA=$SHA CI_PIPELINE_SOURCE=push \
  HALLMARK_SIGNING_KEY="$T/gitlab-key.pem" HALLMARK_KEY_PASSWORD=ci-pass
expect_eq "$(jget "$T/gitlab.statement" 'j["predicate"]["runDetails"]["builder"]["id"]')" \
  https://gitlab.com/acme/greet/-/runners/77 "gitlab builder id"

check_platform jenkins Jenkinsfile https://github.com/acme/greet.git \
  JENKINS_URL=https://jenkins.acme.example/ BUILD_URL=https://jenkins.acme.example/job/greet/job/main/7/ \
  BUILD_ID=7 BUILD_NUMBER=7 JOB_NAME=greet/main BRANCH_NAME=main GIT_URL=https://github.com/acme/greet.git \
  GIT_COMMIT=$SHA HALLMARK_SIGNING_KEY="$T/gitlab-key.pem" HALLMARK_KEY_PASSWORD=ci-pass
expect_eq "$(jget "$T/jenkins.statement" 'j["predicate"]["runDetails"]["builder"]["id"]')" \
  https://jenkins.acme.example "jenkins builder id"
