#!/usr/bin/env python3
"""The converter's OpenAPI document against the converter itself.

Usage: openapi_test.py BASE_URL [--single-day] (a running `conv converter`, e.g.
http://127.0.0.1:5000; --single-day: it serves one day, 2024-10-03, so the dated examples of
the document are replaced by that day)

- GET /v1/openapi.json is an OpenAPI 3.1 document;
- every documented path answers (its path parameters filled from their examples, required
  query parameters from theirs) with a documented status, and a JSON body that validates
  against that response's schema (JSON Schema 2020-12, python3-jsonschema);
- the error answers of the documented 4xx responses validate too;
- every route the converter serves is documented (a GET of an undocumented /v1 path is 404).
"""
import json
import sys
import warnings
import urllib.error
import urllib.parse
import urllib.request

import jsonschema
from jsonschema.validators import Draft202012Validator

BASE = sys.argv[1].rstrip("/")
SINGLE_DAY = "--single-day" in sys.argv[2:]
# RefResolver is deprecated after Debian 12's jsonschema 4.10, which has no replacement yet.
warnings.filterwarnings("ignore", category=DeprecationWarning)


def get(path, query=None):
    url = BASE + path + ("?" + urllib.parse.urlencode(query) if query else "")
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def deref(doc, node):
    """Follows local $refs ("#/components/...") of a non-schema object (a response)."""
    while isinstance(node, dict) and "$ref" in node:
        target = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def validator_for(doc, schema):
    resolver = jsonschema.RefResolver.from_schema(doc)
    return Draft202012Validator(schema, resolver=resolver)


def check_answer(doc, op, path, status, headers, body):
    responses = op["responses"]
    assert str(status) in responses, f"GET {path}: {status} is not documented ({list(responses)})"
    response = deref(doc, responses[str(status)])
    content = response.get("content", {})
    if "application/json" in content:
        assert headers.get("Content-Type", "").startswith("application/json"), (path, headers)
        schema = content["application/json"]["schema"]
        errors = list(validator_for(doc, schema).iter_errors(json.loads(body)))
        assert not errors, f"GET {path}: {status} body does not validate: {errors[0].message}"
    for name in response.get("headers", {}):
        assert headers.get(name), f"GET {path}: {status} lacks the documented header {name}"


def main():
    status, headers, body = get("/v1/openapi.json")
    assert status == 200, status
    doc = json.loads(body)
    assert doc["openapi"].startswith("3.1"), doc["openapi"]
    Draft202012Validator.check_schema(doc["components"]["schemas"]["Conversion"])
    checked = 0
    for template, item in doc["paths"].items():
        op = item["get"]
        path, query = template, {}
        params = [deref(doc, p) for p in op.get("parameters", [])]
        for p in params:
            example = p.get("example")
            if SINGLE_DAY and p.get("schema", {}).get("$ref", "").endswith("/Date"):
                example = "2024-10-03"
            if p["in"] == "path":
                path = path.replace("{" + p["name"] + "}", urllib.parse.quote(example))
            elif p.get("required"):
                query[p["name"]] = example
        status, headers, body = get(path, query)
        assert status < 300, f"GET {path}: {status} {body[:200]!r}"
        check_answer(doc, op, template, status, headers, body)
        checked += 1
        # A documented 400: the error shape. A required parameter left out, else a bad value of
        # the first query parameter, else of the path parameter.
        if "400" in op["responses"]:
            in_query = [p for p in params if p["in"] == "query"]
            if query:
                status, headers, body = get(path, dict(list(query.items())[1:]))
            elif in_query:
                status, headers, body = get(path, {in_query[0]["name"]: "!!"})
            else:
                status, headers, body = get(template.replace("{valor}", "abc"))
            assert status == 400, f"GET {template} with a bad parameter: {status}"
            check_answer(doc, op, template, status, headers, body)
            checked += 1
    for undocumented in ["/v1/nope", "/v1/convert/x", "/v1", "/nope", "/2024-10-0", "/latest/x"]:
        status, _, _ = get(undocumented)
        assert status == 404, f"GET {undocumented}: {status}: a route the document lacks?"
    print(f"openapi: {len(doc['paths'])} paths, {checked} answers validated")


if __name__ == "__main__":
    main()
