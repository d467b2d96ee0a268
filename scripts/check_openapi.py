#!/usr/bin/env python3
"""Checks the committed OpenAPI document with an independent validator, then checks every answer
the API's integration tests recorded against the schema the document gives for its path, method
and status. Usage: check_openapi.py DOCUMENT EXAMPLES_DIR"""

import json
import re
import sys
from pathlib import Path

from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate


def operation_for(document, method, path):
    for template, item in document["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method in item:
            return item[method]
    return None


def schema_for(operation, status):
    responses = operation["responses"]
    response = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    if response is None:
        return None
    content = response.get("content", {})
    media = content.get("application/json")
    return None if media is None else media.get("schema")


def main():
    document_path, examples_dir = Path(sys.argv[1]), Path(sys.argv[2])
    document = json.loads(document_path.read_text())
    validate(document)
    print(f"{document_path}: a valid OpenAPI {document['openapi']} document")
    examples = sorted(examples_dir.glob("*.json"))
    if not examples:
        print(f"no recorded answers in {examples_dir}: run the API tests first")
        return 1
    failures = 0
    checked = 0
    for path in examples:
        example = json.loads(path.read_text())
        operation = operation_for(document, example["method"], example["path"])
        status = example["status"]
        if operation is None:
            # Unknown routes answer 404 with the error schema on purpose; nothing to match.
            if status in (400, 404):
                continue
            print(f"{path.name}: no operation for {example['method']} {example['path']}")
            failures += 1
            continue
        schema = schema_for(operation, status)
        if schema is None:
            print(f"{path.name}: the document has no JSON answer for status {status}")
            failures += 1
            continue
        rooted = dict(schema, components=document["components"])
        errors = list(OAS31Validator(rooted).iter_errors(example["body"]))
        for error in errors[:3]:
            print(f"{path.name}: {error.message} at {list(error.absolute_path)}")
        failures += bool(errors)
        checked += 1
    print(f"{checked} recorded answers checked against their schemas, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
