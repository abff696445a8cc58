#!/usr/bin/python3
"""extract_ci_steps.py PLATFORM FILE: prints the shell steps of a CI example as a small bash
program for tests/e2e/attest/ci_examples.sh, which defines the functions it calls:

  job NAME                  start a job (a fresh checkout unless the platform shares one)
  step_env NAME SECRET      the next step sees $NAME = the test's value for SECRET
  run_step <<'HM'...HM      run one shell step (bash -eo pipefail) in the job's workspace
  upload_flat GLOB...       GitHub upload-artifact: keep matching files
  download_flat DIR         GitHub download-artifact into DIR
  upload_tree GLOB...       GitLab artifacts:paths: keep matching files at their paths
  download_tree             GitLab needs: restore them
  step_env_value NAME VAL   the next step sees $NAME = VAL (a GitHub action's env:, its inputs filled in)
  step_id ID                the next step writes its outputs ($GITHUB_OUTPUT) as step ID's
  step_output ID NAME       (called inside values) an output an earlier step wrote
  job_env NAME VALUE        every later step of the job sees $NAME = VALUE (GitLab variables:)
  cache_step KEY PATH       actions/cache or GitLab cache: restore PATH now, save it when the job ends

Every call is followed by `|| return 1`: the program is sourced inside a function, where
`set -e` may be off, and a failing step must stop the job as it does on the platform.
The YAML files are parsed with PyYAML (python3-yaml), the Jenkinsfile with a regex over its
declarative stages. The reusable steps that install hallmark are run too: a `uses:` of
ci-examples/github-action has its composite steps inlined (inputs filled in), and a GitLab
`include:` of ci-examples/gitlab/hallmark.gitlab-ci.yml is merged, with `extends:` and
before_script/after_script as GitLab does. `--input NAME=VALUE` overrides an action input (the
test points release-url at its own .deb).
GitHub's keyless signing (actions/attest, and the steps named "Keyless ...") needs GitHub's
OIDC token, so it is skipped here; tests/e2e/sigstore covers keyless verification.
"""
import os
import re
import shlex
import sys

import yaml

SECRET = re.compile(r"^\$\{\{\s*secrets\.([A-Za-z0-9_]+)\s*\}\}$")


def heredoc(script):
    assert "\nHM_STEP\n" not in script
    return "run_step <<'HM_STEP' || return 1\n" + script.rstrip("\n") + "\nHM_STEP"

EXAMPLES = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))) + "/ci-examples"
HALLMARK_ACTION = re.compile(r"^(hallmark-dev/hallmark/|\./)ci-examples/github-action(@.+)?$")
HALLMARK_TEMPLATE = re.compile(r"^https://.*/ci-examples/gitlab/hallmark\.gitlab-ci\.yml$")
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
INPUT_OVERRIDES = {}


def bash_word(value, inputs):
    """A value with ${{ }} expressions as one double-quoted bash word: inputs are filled in now,
    step outputs read when the step runs."""
    out, pos = [], 0
    for m in EXPR.finditer(value):
        out.append(re.sub(r'([\\"$`])', r"\\\1", value[pos:m.start()]))
        expr = m.group(1)
        step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if expr.startswith("inputs.") and expr[7:] in inputs:
            out.append(re.sub(r'([\\"$`])', r"\\\1", inputs[expr[7:]]))
        elif step:
            out.append(f"$(step_output {step.group(1)} {step.group(2)})")
        else:
            sys.exit(f"unsupported expression ${{{{ {expr} }}}}")
        pos = m.end()
    out.append(re.sub(r'([\\"$`])', r"\\\1", value[pos:]))
    return '"' + "".join(out) + '"'


def composite_action(given):
    """The steps of ci-examples/github-action/action.yml with the caller's `with:` inputs."""
    path = os.path.join(EXAMPLES, "github-action", "action.yml")
    action = yaml.safe_load(open(path))
    if action["runs"]["using"] != "composite":
        sys.exit("the hallmark action must be a composite action")
    inputs = {k: str(v.get("default", "")) for k, v in action.get("inputs", {}).items()}
    for k, v in list(given.items()) + list(INPUT_OVERRIDES.items()):
        if k not in inputs:
            sys.exit(f"the hallmark action has no input {k}")
        inputs[k] = str(v)
    out = []
    for step in action["runs"]["steps"]:
        uses = step.get("uses", "")
        if uses.startswith("actions/cache"):
            w = step["with"]
            out.append(f"cache_step {bash_word(w['key'], inputs)} {bash_word(w['path'], inputs)}")
            continue
        if uses:
            sys.exit(f"unsupported action {uses} in the hallmark action")
        if "${{" in step["run"]:
            sys.exit("the hallmark action's scripts take expressions through env:, not inline")
        for k, v in (step.get("env") or {}).items():
            out.append(f"step_env_value {k} {bash_word(str(v), inputs)}")
        out.append("step_env_value GITHUB_ACTION_PATH " + shlex.quote(os.path.dirname(path)))
        if step.get("id"):
            out.append(f"step_id {step['id']}")
        out.append(heredoc(step["run"]))
    return out


def github(doc):
    out = []
    for name, job in doc["jobs"].items():
        out.append(f"job {name}")
        for step in job["steps"]:
            uses = step.get("uses", "")
            if uses.startswith("actions/attest") or step.get("name", "").startswith("Keyless "):
                continue
            if uses.startswith("actions/checkout"):
                continue
            if uses.startswith("actions/upload-artifact"):
                out.append("upload_flat " + " ".join(p.strip() for p in step["with"]["path"].split("\n") if p.strip()))
                continue
            if uses.startswith("actions/download-artifact"):
                out.append("download_flat " + step.get("with", {}).get("path", "."))
                continue
            if HALLMARK_ACTION.match(uses):
                out.extend(composite_action(step.get("with") or {}))
                continue
            if uses:
                sys.exit(f"unsupported action {uses}")
            for k, v in (step.get("env") or {}).items():
                m = SECRET.match(str(v))
                if not m:
                    sys.exit(f"step env {k}: only ${{{{ secrets.X }}}} is supported, got {v}")
                out.append(f"step_env {k} {m.group(1)}")
            out.append(heredoc(step["run"]))
    return out


def gitlab_includes(doc):
    """The project's file with its include: of the hallmark template merged under it."""
    merged = {}
    for inc in doc.get("include") or []:
        url = inc.get("remote", "") if isinstance(inc, dict) else inc
        if not HALLMARK_TEMPLATE.match(url):
            sys.exit(f"unsupported include {inc}")
        merged.update(yaml.safe_load(open(os.path.join(EXAMPLES, "gitlab", "hallmark.gitlab-ci.yml"))))
    variables = dict(merged.get("variables") or {})
    variables.update(doc.get("variables") or {})
    merged.update({k: v for k, v in doc.items() if k != "include"})
    merged["variables"] = variables
    return merged


def gitlab(doc):
    doc = gitlab_includes(doc)
    out = []
    stages = doc.get("stages", ["build", "test", "deploy"])
    jobs = [(n, j) for n, j in doc.items() if isinstance(j, dict) and "script" in j and not n.startswith(".")]
    jobs.sort(key=lambda nj: stages.index(nj[1].get("stage", "test")))
    for name, job in jobs:
        if job.get("extends"):
            job = {**doc[job["extends"]], **job}
        variables = {**doc["variables"], **(job.get("variables") or {})}
        out.append(f"job {name}")
        for k, v in variables.items():
            out.append(f"job_env {k} {shlex.quote(str(v))}")
        cache = job.get("cache")
        if cache:
            key = re.sub(r"\$(\w+)", lambda m: str(variables.get(m.group(1), "")), cache["key"])
            for path in cache["paths"]:
                out.append(f"cache_step {shlex.quote(key)} {shlex.quote(path)}")
        if job.get("needs"):
            out.append("download_tree")
        before = job.get("before_script", (doc.get("default") or {}).get("before_script", []))
        out.append(heredoc("\n".join(before + job["script"])))
        if job.get("after_script"):
            out.append(heredoc("\n".join(job["after_script"])))
        paths = (job.get("artifacts") or {}).get("paths")
        if paths:
            out.append("upload_tree " + " ".join(paths))
    return out


def jenkins(text):
    out = ["job pipeline"]
    stage = None
    for m in re.finditer(r"stage\('([^']+)'\)|sh\s+'''(.*?)'''", text, re.S):
        if m.group(1):
            stage = m.group(1)
            continue
        out.append(heredoc(m.group(2)))
    if len(out) < 3:
        sys.exit("no sh steps found")
    return out


def main():
    platform, path = sys.argv[1], sys.argv[2]
    for arg in sys.argv[3:]:
        name, _, value = arg.removeprefix("--input=").partition("=")
        INPUT_OVERRIDES[name] = value
    text = open(path).read()
    if platform == "github":
        lines = github(yaml.safe_load(text))
    elif platform == "gitlab":
        lines = gitlab(yaml.safe_load(text))
    elif platform == "jenkins":
        lines = jenkins(text)
    else:
        sys.exit("unknown platform " + platform)
    # Every line stops the program on failure, as a CI job stops at a failing step.
    print("\n".join(l if l.startswith("run_step") else l + " || return 1" for l in lines))


if __name__ == "__main__":
    main()
