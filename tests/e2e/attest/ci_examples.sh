# The CI examples cannot rot: each one's shell steps (extracted by extract_ci_steps.py from the
# real YAML/Jenkinsfile) run locally with that platform's environment, on the sample project:
# build, test, package and SBOM under hallmark, attest, upload/download, then the deploy job's verify
# must pass. Run again with the artifact changed before the verify step: deploy must stop.
# hallmark reaches each job as the examples install it (the GitHub action, the GitLab template,
# the Jenkins stage): from a release .deb, here a stand-in wrapping the built binary, served from
# a file:// URL; this test's apt-get extracts a .deb into the job's own root, whose usr/bin is on
# the job's PATH, so a job that skipped the install has no hallmark.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/attest/attest_lib.sh"
EXAMPLES=$HALLMARK_SRC/ci-examples

mkdir bin
cat >bin/apt-get <<'SH'
#!/bin/bash
# apt-get as the examples' jobs see it here: `install X.deb` extracts the package into the job's
# root ($CI_TEST_ROOT); update and the platform's tools (make, gcc, ...) are on the machine already.
for a; do
  case $a in
    *.deb) [ -f "$a" ] || { echo "E: $a not found" >&2; exit 100; }
           dpkg-deb -x "$a" "$CI_TEST_ROOT" && echo "apt-get (test): installed $(dpkg-deb -f "$a" Package) $(dpkg-deb -f "$a" Version)" ;;
  esac
done
SH
printf '#!/bin/sh
exec "$@"
' >bin/sudo
chmod +x bin/apt-get bin/sudo
# The release the examples download: a .deb whose hallmark is the binary under test.
VERSION=$("$HM" --version | awk '{print $2}')
mkdir -p stand-in/DEBIAN stand-in/usr/bin release && ln -s "$HM" stand-in/usr/bin/hallmark
printf 'Package: hallmark\nVersion: %s\nArchitecture: %s\nMaintainer: ci_examples.sh <test@example.com>\nDescription: stand-in\n' \
  "$VERSION" "$(dpkg --print-architecture)" >stand-in/DEBIAN/control
dpkg-deb --root-owner-group -b stand-in "release/hallmark_${VERSION}_$(dpkg --print-architecture).deb" >/dev/null
RELEASE_URL="file://$T/release/hallmark_{version}_$(dpkg --print-architecture).deb"
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
  save_caches
  JOB=$1
  if [ "$PLATFORM" != jenkins ] || [ -z "${WS:-}" ]; then
    WS=$RUN/ws-$JOB
    make_checkout "$WS" "$REMOTE"
  fi
  # Each job has its own machine: home, installed packages, GITHUB_ENV/GITHUB_PATH, outputs.
  JOB_DIR=$RUN/job-$JOB
  mkdir -p "$JOB_DIR/home" "$JOB_DIR/root" "$JOB_DIR/outputs"
  : >"$JOB_DIR/github_env"; : >"$JOB_DIR/github_path"
  STEP_ENV=(); JOB_ENV=(); STEP_ID=none
}
step_env() { STEP_ENV+=("$1=${SECRET[$2]}"); }
step_env_value() { STEP_ENV+=("$1=$2"); }
job_env() { JOB_ENV+=("$1=$2"); }
step_id() { STEP_ID=$1; }
step_output() { sed -n "s/^$2=//p" "$JOB_DIR/outputs/$1" 2>/dev/null | tail -n 1; }
# A cache shared by every run of this test, as a CI platform keeps it between pipelines.
cache_step() {
  local key=$1 dir=${2/#\~/$JOB_DIR/home}
  [[ $dir == /* ]] || dir=$WS/$dir
  if [ -d "$T/ci-cache/$key" ]; then
    mkdir -p "$dir" && cp -r "$T/ci-cache/$key/." "$dir/" && echo "cache: restored $key"
  else
    echo "cache: miss $key"
  fi
  CACHE_SAVES+=("$key" "$dir")
}
save_caches() {
  while ((${#CACHE_SAVES[@]})); do
    local key=${CACHE_SAVES[0]} dir=${CACHE_SAVES[1]}
    CACHE_SAVES=("${CACHE_SAVES[@]:2}")
    if [ ! -d "$T/ci-cache/$key" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
      mkdir -p "$T/ci-cache" && cp -r "$dir" "$T/ci-cache/$key" && echo "cache: saved $key"
    fi
  done
}
CACHE_SAVES=()
run_step() {
  local script
  script=$(cat)
  if [ "${TAMPER:-0}" = 1 ] && [[ $script == *"hallmark verify"* ]]; then
    for f in "$WS"/dist/*.tar.gz; do printf 'x' >>"$f"; done
  fi
  echo "--- [$PLATFORM/$JOB] $(echo "$script" | grep -m1 . | sed 's/^ *//')"
  local rc=0 san=() github_env=() path
  # scripts/sanitize.sh's settings survive the clean environment of a CI job.
  for v in ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS; do [ -n "${!v:-}" ] && san+=("$v=${!v}"); done
  # What earlier steps of the job added through $GITHUB_ENV and $GITHUB_PATH.
  mapfile -t github_env <"$JOB_DIR/github_env"
  path=$(tac "$JOB_DIR/github_path" | tr '\n' ':')$JOB_DIR/root/usr/bin:$T/bin:/usr/local/bin:/usr/bin:/bin
  (cd "$WS" && env -i PATH="$path" HOME="$JOB_DIR/home" LANG=C.UTF-8 TMPDIR="$RUN/tmp" CI_TEST_ROOT="$JOB_DIR/root" \
      "${san[@]+"${san[@]}"}" "${JOB_ENV[@]+"${JOB_ENV[@]}"}" "${PLATFORM_ENV[@]}" GITHUB_JOB="$JOB" \
      GITHUB_ENV="$JOB_DIR/github_env" GITHUB_PATH="$JOB_DIR/github_path" GITHUB_OUTPUT="$JOB_DIR/outputs/$STEP_ID" \
      "${github_env[@]+"${github_env[@]}"}" "${STEP_ENV[@]+"${STEP_ENV[@]}"}" bash -eo pipefail -c "$script") || rc=$?
  STEP_ENV=(); STEP_ID=none
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
  $PY "$HALLMARK_SRC/tests/e2e/attest/extract_ci_steps.py" "$PLATFORM" "$EXAMPLES/$file" \
    --input=release-url="$RELEASE_URL" >"$RUN/program.sh"
  source "$RUN/program.sh" || { save_caches; return 1; }
  save_caches
}
RUNS=0

check_platform() {  # PLATFORM FILE REMOTE ENV...
  local p=$1
  run_example "$@" >"$T/$p.out" 2>&1 || { cat "$T/$p.out"; fail "$p example failed"; }
  expect_contains "$T/$p.out" "PASSED: dist/greet-1.0.0.tar.gz"
  expect_contains "$T/$p.out" "deploying dist/greet-1.0.0.tar.gz"
  expect_contains "$T/$p.out" "hallmark: sbom: "
  expect_contains "$T/$p.out" "apt-get (test): installed hallmark $VERSION"
  # The reusable steps cache the .deb: the deploy job installs the one the build job fetched.
  if [ "$p" != jenkins ]; then
    expect_contains "$T/$p.out" "cache: saved hallmark-deb-$VERSION"
    expect_contains "$T/$p.out" "cache: restored hallmark-deb-$VERSION"
  fi
  # The GitHub example sets the action's trace input: its build job's steps are traced.
  if [ "$p" = github ] && "$HM" run -q --require-trace --no-telemetry --record-dir "$T/probe" -- true 2>/dev/null; then
    expect_contains "$T/$p.out" "step 'build' exit 0 in"
    grep -q "^hallmark: step 'build' .*; traced [0-9]* processes" "$T/$p.out" || fail "trace input: the build step was not traced"
  fi
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
  HALLMARK_SIGNING_KEY="$T/gitlab-key.pem" HALLMARK_KEY_PASSWORD=ci-pass \
  HALLMARK_RELEASE_URL="$RELEASE_URL" HALLMARK_DEB_DIR="$T/gitlab-deb"
expect_eq "$(jget "$T/gitlab.statement" 'j["predicate"]["runDetails"]["builder"]["id"]')" \
  https://gitlab.com/acme/greet/-/runners/77 "gitlab builder id"

check_platform jenkins Jenkinsfile https://github.com/acme/greet.git \
  JENKINS_URL=https://jenkins.acme.example/ BUILD_URL=https://jenkins.acme.example/job/greet/job/main/7/ \
  BUILD_ID=7 BUILD_NUMBER=7 JOB_NAME=greet/main BRANCH_NAME=main GIT_URL=https://github.com/acme/greet.git \
  GIT_COMMIT=$SHA HALLMARK_SIGNING_KEY="$T/gitlab-key.pem" HALLMARK_KEY_PASSWORD=ci-pass \
  HALLMARK_DEB_URL="${RELEASE_URL//\{version\}/$VERSION}"
expect_eq "$(jget "$T/jenkins.statement" 'j["predicate"]["runDetails"]["builder"]["id"]')" \
  https://jenkins.acme.example "jenkins builder id"
