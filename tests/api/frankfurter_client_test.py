#!/usr/bin/env python3
"""A Frankfurter client pointed at conv.

Usage: frankfurter_client_test.py BASE_URL (a running `conv converter` serving the ECB's
recorded days 2024-10-02 to 2024-10-04, the Wednesday to the Friday, from a store)

What a client written against Frankfurter (frankfurter.dev, its v1 API) relies on, asked of
conv at both of Frankfurter's mount points ("/" as api.frankfurter.app, "/v1" as
api.frankfurter.dev/v1):
- the answers' shapes, as Frankfurter's API description gives them (written out below as JSON
  Schema): numbers for amounts and rates, dates as YYYY-MM-DD, {"message": ...} on errors;
- the behaviours its documentation promises: from/to/amount, a weekend date answering the
  last business day, open intervals, the statuses of bad input (404 unknown, 422 invalid),
  JSONP with callback=, ETag and Cache-Control, application/json with charset=utf-8;
  /v1/currencies excepted, which is conv's own route (docs/api.md);
- what a browser needs: CORS for any origin, 304 on revalidation.
"""
import json
import re
import sys
import urllib.error
import urllib.request

from jsonschema.validators import Draft202012Validator

BASE = sys.argv[1].rstrip("/")
DATE = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
RATES = {"type": "object", "additionalProperties": {"type": "number"}}
# Frankfurter's documented shapes; "required" is what its clients read.
EXCHANGE_RATE = {
    "type": "object",
    "required": ["amount", "base", "date", "rates"],
    "properties": {"amount": {"type": "number"}, "base": {"type": "string"}, "date": DATE,
                   "rates": RATES},
}
INTERVAL = {
    "type": "object",
    "required": ["amount", "base", "start_date", "end_date", "rates"],
    "properties": {"amount": {"type": "number"}, "base": {"type": "string"},
                   "start_date": DATE, "end_date": DATE,
                   "rates": {"type": "object", "propertyNames": DATE,
                             "additionalProperties": RATES}},
}
CURRENCIES = {"type": "object", "minProperties": 1, "additionalProperties": {"type": "string"}}
ERROR = {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}


def get(path, headers=None):
    request = urllib.request.Request(BASE + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def get_json(path, schema, status=200):
    code, headers, body = get(path)
    assert code == status, f"GET {path}: {code}, wanted {status}: {body[:200]}"
    assert headers["Content-Type"] == "application/json; charset=utf-8", (path, headers["Content-Type"])
    doc = json.loads(body)
    errors = list(Draft202012Validator(schema).iter_errors(doc))
    assert not errors, f"GET {path}: not Frankfurter's shape: {errors[0].message}"
    return doc, headers


def check_latest(mount):
    latest, headers = get_json(mount + "/latest", EXCHANGE_RATE)
    assert latest["base"] == "EUR" and latest["date"] == "2024-10-04", latest
    assert latest["amount"] == 1 and set(latest["rates"]) == {"BRL", "USD"}, latest
    assert headers["ETag"] and headers["Cache-Control"].startswith("public"), dict(headers)
    rebased, _ = get_json(mount + "/latest?from=USD", EXCHANGE_RATE)
    assert rebased["base"] == "USD" and set(rebased["rates"]) == {"BRL", "EUR"}, rebased
    only, _ = get_json(mount + "/latest?to=USD", EXCHANGE_RATE)
    assert list(only["rates"]) == ["USD"], only
    # What a client computes itself: amount × rate, to Frankfurter's rounding.
    ten, _ = get_json(mount + "/latest?amount=10", EXCHANGE_RATE)
    for code, rate in latest["rates"].items():
        assert abs(ten["rates"][code] - 10 * rate) <= 1e-3 * 10 * rate, (code, ten, latest)
    hundred, _ = get_json(mount + "/latest?from=USD&to=BRL&amount=100", EXCHANGE_RATE)
    assert hundred["amount"] == 100 and hundred["rates"]["BRL"] > 100, hundred
    # The older names of from and to.
    older, _ = get_json(mount + "/latest?base=USD&symbols=BRL&amount=100", EXCHANGE_RATE)
    assert older == hundred, (older, hundred)


def check_history(mount):
    day, _ = get_json(mount + "/2024-10-03", EXCHANGE_RATE)
    assert day["date"] == "2024-10-03" and day["rates"], day
    weekend, _ = get_json(mount + "/2024-10-05", EXCHANGE_RATE)
    assert weekend["date"] == "2024-10-04", weekend
    series, _ = get_json(mount + "/2024-10-01..2024-10-31?to=USD", INTERVAL)
    assert (series["start_date"], series["end_date"]) == ("2024-10-02", "2024-10-04"), series
    assert list(series["rates"]) == ["2024-10-02", "2024-10-03", "2024-10-04"], series
    assert all(list(r) == ["USD"] for r in series["rates"].values()), series
    open_ended, _ = get_json(mount + "/2024-10-03..", INTERVAL)
    assert open_ended["end_date"] == "2024-10-04", open_ended
    if mount == "":  # /v1/currencies is conv's own route (docs/api.md)
        names, _ = get_json("/currencies", CURRENCIES)
        assert {"BRL", "EUR", "USD"} <= set(names), names


def check_errors(mount):
    for path, status in [("/2010-31-01", 422), ("/latest?amount=0&from=USD&to=EUR", 422),
                         ("/latest?from=EUR&to=EUR", 422), ("/latest?from=USD&to=USD", 422),
                         ("/1999-01-01", 404), ("/latest?base=UAH", 404),
                         ("/latest?base=USD?callback=?", 404)]:
        get_json(mount + path, ERROR, status)
    code, _, _ = get(mount + "/foo")
    assert code == 404, code


def check_browser(mount):
    code, headers, body = get(mount + "/latest?to=USD&callback=handle_rates")
    assert code == 200, (code, body)
    assert headers["Content-Type"].startswith("application/javascript"), headers["Content-Type"]
    called = re.fullmatch(r"/\*\*/handle_rates\((.*)\)\n?", body, re.S)
    assert called, body
    Draft202012Validator(EXCHANGE_RATE).validate(json.loads(called.group(1)))
    code, headers, _ = get(mount + "/latest", {"Origin": "https://app.example"})
    assert headers["Access-Control-Allow-Origin"] == "*", dict(headers)
    code, _, _ = get(mount + "/latest", {"If-None-Match": headers["ETag"]})
    assert code == 304, code


def main():
    for mount in ["", "/v1"]:
        check_latest(mount)
        check_history(mount)
        check_errors(mount)
        check_browser(mount)
    print("frankfurter client: every check passed at / and /v1")


if __name__ == "__main__":
    main()
