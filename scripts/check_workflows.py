"""Checks the GitHub Actions workflows: valid YAML, and every job's steps named and doing something.
Run by scripts/test; GitHub itself is not reachable from CI, so this is what can be checked here."""

import pathlib
import sys

import yaml

problems = []
files = sorted(pathlib.Path(sys.argv[1]).glob("*.yml"))
if not files:
    problems.append(f"no workflows in {sys.argv[1]}")
for path in files:
    workflow = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the bare key `on` as True.
    if not workflow.get("name") or not (workflow.get("on") or workflow.get(True)):
        problems.append(f"{path}: needs a name and an `on` trigger")
    for job_id, job in (workflow.get("jobs") or {}).items():
        if not job.get("runs-on") or not job.get("steps"):
            problems.append(f"{path}: job {job_id} needs runs-on and steps")
        for number, step in enumerate(job.get("steps") or [], start=1):
            if not step.get("name"):
                problems.append(f"{path}: job {job_id}, step {number} has no name")
            if ("uses" in step) == ("run" in step):
                problems.append(f"{path}: job {job_id}, step {number} needs exactly one of uses/run")
for problem in problems:
    print(problem, file=sys.stderr)
sys.exit(1 if problems else 0)
