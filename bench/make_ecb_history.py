#!/usr/bin/env python3
"""Writes a synthetic history in the ECB's eurofxref-hist.xml format, for the rates benchmarks.

Usage: make_ecb_history.py YEARS CURRENCIES LAST_DAY > hist.xml
Every weekday from YEARS years before LAST_DAY (YYYY-MM-DD) to it, CURRENCIES currencies, each
rate a deterministic random walk with 4 to 6 significant digits as the ECB publishes them. The
ECB's own file (eurofxref-hist.xml, about 25 years of 30 and more currencies) has the same
shape; this one needs no network.
"""
import datetime
import random
import sys

CODES = ("USD JPY BGN CZK DKK GBP HUF PLN RON SEK CHF ISK NOK TRY AUD BRL CAD CNY HKD IDR ILS "
         "INR KRW MXN MYR NZD PHP SGD THB ZAR").split()


def main():
    years, count, last = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    codes = CODES[:count]
    end = datetime.date.fromisoformat(last)
    day = end.replace(year=end.year - years)
    rng = random.Random(15)
    level = {c: 10 ** rng.uniform(-0.5, 4) for c in codes}
    days = []
    while day <= end:
        if day.weekday() < 5:
            for c in codes:
                level[c] *= 1 + rng.uniform(-0.005, 0.005)
            days.append((day, {c: f"{level[c]:.5g}" for c in codes}))
        day += datetime.timedelta(days=1)
    out = sys.stdout
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<gesmes:Envelope xmlns:gesmes='
              '"http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/'
              '2002-08-01/eurofxref">\n<gesmes:subject>Reference rates</gesmes:subject>\n<Cube>\n')
    for day, rates in reversed(days):  # newest first, as the ECB writes it
        out.write(f'<Cube time="{day.isoformat()}">')
        out.write("".join(f'<Cube currency="{c}" rate="{r}"/>' for c, r in rates.items()))
        out.write("</Cube>\n")
    out.write("</Cube>\n</gesmes:Envelope>\n")


if __name__ == "__main__":
    main()
