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

Every call is followed by `|| return 1`: the program is sourced inside a function, where
`set -e` may be off, and a failing step must stop the job as it does on the platform.
The YAML files are parsed with PyYAML (python3-yaml), the Jenkinsfile with a regex over its
declarative stages. GitHub's keyless signing (actions/attest, and the steps named "Keyless ...")
needs GitHub's OIDC token, so it is skipped here; tests/e2e/sigstore covers keyless verification.
Installing hallmark (the step/stage named "Install hallmark", GitLab's
default before_script) is replaced by the built binary on PATH.
"""
import re
import sys

import yaml

SECRET = re.compile(r"^\$\{\{\s*secrets\.([A-Za-z0-9_]+)\s*\}\}$")


def heredoc(script):
    assert "\nHM_STEP\n" not in script
    return "run_step <<'HM_STEP' || return 1\n" + script.rstrip("\n") + "\nHM_STEP"


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
            if uses:
                sys.exit(f"unsupported action {uses}")
            if step.get("name") == "Install hallmark":
                continue
            for k, v in (step.get("env") or {}).items():
                m = SECRET.match(str(v))
                if not m:
                    sys.exit(f"step env {k}: only ${{{{ secrets.X }}}} is supported, got {v}")
                out.append(f"step_env {k} {m.group(1)}")
            out.append(heredoc(step["run"]))
    return out


def gitlab(doc):
    out = []
    stages = doc.get("stages", ["build", "test", "deploy"])
    jobs = [(n, j) for n, j in doc.items() if isinstance(j, dict) and "script" in j and not n.startswith(".")]
    jobs.sort(key=lambda nj: stages.index(nj[1].get("stage", "test")))
    for name, job in jobs:
        out.append(f"job {name}")
        if job.get("needs"):
            out.append("download_tree")
        out.append(heredoc("\n".join(job["script"])))
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
        if stage == "Install hallmark":
            continue
        out.append(heredoc(m.group(2)))
    if len(out) < 3:
        sys.exit("no sh steps found")
    return out


def main():
    platform, path = sys.argv[1], sys.argv[2]
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
