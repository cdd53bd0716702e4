"""The original API, rebuilt from its description for benchmarking only.

A Flask app whose one route divides a real amount by fixed rates and answers with
jsonify (compact, sorted keys, a trailing newline), served by gunicorn with 4 workers as
the original container did.
"""
from flask import Flask, jsonify

app = Flask(__name__)

BRL_PER_USD = 5.10
BRL_PER_EUR = 5.60


@app.route("/convertepradolareuro/<float:valor>", methods=["GET"])
def convert(valor):
    return jsonify({"conversao": {"real": valor,
                                  "dolar": valor / BRL_PER_USD,
                                  "euro": valor / BRL_PER_EUR}})
