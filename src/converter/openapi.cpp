#include "conv/converter/openapi.hpp"

namespace conv::converter {

namespace {

// The OpenAPI 3.1 description of every route of `conv converter`. tests/api/openapi_test.py
// calls each documented path on a running converter and validates the answers against these
// schemas (JSON Schema 2020-12, as OpenAPI 3.1 uses it).
constexpr std::string_view kDocument = R"json({
  "openapi": "3.1.0",
  "info": {
    "title": "conv converter",
    "summary": "Currency conversion in exact decimals, and the original Flask API byte for byte",
    "license": {"name": "see the repository"},
    "version": "1"
  },
  "paths": {
    "/convertepradolareuro/{valor}": {
      "get": {
        "summary": "The original API: BRL to USD and EUR in binary floating point, byte for byte",
        "parameters": [{"name": "valor", "in": "path", "required": true,
                        "schema": {"type": "string"}, "example": "15.0"}],
        "responses": {
          "200": {"description": "The conversion",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Legacy"}}}},
          "400": {"$ref": "#/components/responses/Error"},
          "503": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/v1/convert": {
      "get": {
        "summary": "Converts an amount exactly, rounded once to each target's minor units",
        "parameters": [
          {"name": "amount", "in": "query", "required": true,
           "schema": {"$ref": "#/components/schemas/DecimalString"}, "example": "15.00"},
          {"name": "from", "in": "query", "schema": {"$ref": "#/components/schemas/Currency"},
           "description": "default: the rates' base"},
          {"name": "to", "in": "query", "schema": {"type": "string"},
           "description": "comma-separated currencies; default: every other one", "example": "USD,EUR"},
          {"name": "rounding", "in": "query",
           "schema": {"enum": ["half_away_from_zero", "half_even"]}},
          {"name": "date", "in": "query", "schema": {"$ref": "#/components/schemas/Date"},
           "description": "the rates in force that day (a weekend or holiday: the last earlier day's); default: the latest"}
        ],
        "responses": {
          "200": {"description": "The conversions and the rates applied",
                  "headers": {"ETag": {"$ref": "#/components/headers/ETag"},
                              "Cache-Control": {"$ref": "#/components/headers/Cache-Control"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Conversion"}}}},
          "304": {"description": "Not modified (If-None-Match)"},
          "400": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"},
          "503": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/v1/rates": {
      "get": {
        "summary": "Units of each currency one unit of the base buys, and the exact quotes",
        "parameters": [
          {"name": "base", "in": "query", "schema": {"$ref": "#/components/schemas/Currency"}},
          {"name": "symbols", "in": "query", "schema": {"type": "string"},
           "description": "comma-separated currencies; default: every other one"},
          {"name": "date", "in": "query", "schema": {"$ref": "#/components/schemas/Date"},
           "description": "the rates in force that day (a weekend or holiday: the last earlier day's); default: the latest"}
        ],
        "responses": {
          "200": {"description": "The rates",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Rates"}}}},
          "304": {"description": "Not modified (If-None-Match)"},
          "400": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/v1/timeseries": {
      "get": {
        "summary": "Every published day's rates from start to end",
        "parameters": [
          {"name": "start", "in": "query", "required": true,
           "schema": {"$ref": "#/components/schemas/Date"}, "example": "2024-10-01"},
          {"name": "end", "in": "query", "schema": {"$ref": "#/components/schemas/Date"},
           "description": "default: the latest day"},
          {"name": "base", "in": "query", "schema": {"$ref": "#/components/schemas/Currency"}},
          {"name": "symbols", "in": "query", "schema": {"type": "string"}}
        ],
        "responses": {
          "200": {"description": "The rates by day",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Timeseries"}}}},
          "304": {"description": "Not modified (If-None-Match)"},
          "400": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/v1/currencies": {
      "get": {
        "summary": "The currencies the rates cover, with names and minor units",
        "responses": {
          "200": {"description": "The currencies",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Currencies"}}}},
          "304": {"description": "Not modified (If-None-Match)"}
        }
      }
    },
    "/latest": {
      "get": {
        "summary": "Frankfurter: the latest rates",
        "parameters": [
          {"$ref": "#/components/parameters/callback"},
          {"$ref": "#/components/parameters/amount"},
          {"$ref": "#/components/parameters/from"},
          {"$ref": "#/components/parameters/to"}
        ],
        "responses": {
          "200": {"description": "Frankfurter's shape",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FrankfurterDay"}}}},
          "304": {"description": "Not modified (If-None-Match)"},
          "400": {"$ref": "#/components/responses/CompatError"},
          "404": {"$ref": "#/components/responses/CompatError"},
          "422": {"$ref": "#/components/responses/CompatError"}
        }
      }
    },
    "/{date}": {
      "get": {
        "summary": "Frankfurter: the rates in force on a day",
        "parameters": [
          {"$ref": "#/components/parameters/callback"},
          {"$ref": "#/components/parameters/amount"},
          {"$ref": "#/components/parameters/from"},
          {"$ref": "#/components/parameters/to"},
          {"name": "date", "in": "path", "required": true,
           "schema": {"$ref": "#/components/schemas/Date"}, "example": "2024-10-05"}
        ],
        "responses": {
          "200": {"description": "Frankfurter's shape",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FrankfurterDay"}}}},
          "304": {"description": "Not modified (If-None-Match)"},
          "400": {"$ref": "#/components/responses/CompatError"},
          "404": {"$ref": "#/components/responses/CompatError"},
          "422": {"$ref": "#/components/responses/CompatError"}
        }
      }
    },
    "/{start}..{end}": {
      "get": {
        "summary": "Frankfurter: every published day between",
        "parameters": [
          {"$ref": "#/components/parameters/callback"},
          {"$ref": "#/components/parameters/amount"},
          {"$ref": "#/components/parameters/from"},
          {"$ref": "#/components/parameters/to"},
          {"name": "start", "in": "path", "required": true,
           "schema": {"$ref": "#/components/schemas/Date"}, "example": "2024-10-01"},
          {"name": "end", "in": "path", "required": true,
           "schema": {"type": "string", "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"},
           "description": "empty: up to the latest", "example": "2024-10-31"}
        ],
        "responses": {
          "200": {"description": "Frankfurter's shape",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FrankfurterSeries"}}}},
          "304": {"description": "Not modified (If-None-Match)"},
          "400": {"$ref": "#/components/responses/CompatError"},
          "404": {"$ref": "#/components/responses/CompatError"},
          "422": {"$ref": "#/components/responses/CompatError"}
        }
      }
    },
    "/v1/latest": {
      "get": {
        "summary": "Frankfurter: the latest rates",
        "parameters": [
          {"$ref": "#/components/parameters/callback"},
          {"$ref": "#/components/parameters/amount"},
          {"$ref": "#/components/parameters/from"},
          {"$ref": "#/components/parameters/to"}
        ],
        "responses": {
          "200": {"description": "Frankfurter's shape",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FrankfurterDay"}}}},
          "304": {"description": "Not modified (If-None-Match)"},
          "400": {"$ref": "#/components/responses/CompatError"},
          "404": {"$ref": "#/components/responses/CompatError"},
          "422": {"$ref": "#/components/responses/CompatError"}
        }
      }
    },
    "/v1/{date}": {
      "get": {
        "summary": "Frankfurter: the rates in force on a day",
        "parameters": [
          {"$ref": "#/components/parameters/callback"},
          {"$ref": "#/components/parameters/amount"},
          {"$ref": "#/components/parameters/from"},
          {"$ref": "#/components/parameters/to"},
          {"name": "date", "in": "path", "required": true,
           "schema": {"$ref": "#/components/schemas/Date"}, "example": "2024-10-05"}
        ],
        "responses": {
          "200": {"description": "Frankfurter's shape",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FrankfurterDay"}}}},
          "304": {"description": "Not modified (If-None-Match)"},
          "400": {"$ref": "#/components/responses/CompatError"},
          "404": {"$ref": "#/components/responses/CompatError"},
          "422": {"$ref": "#/components/responses/CompatError"}
        }
      }
    },
    "/v1/{start}..{end}": {
      "get": {
        "summary": "Frankfurter: every published day between",
        "parameters": [
          {"$ref": "#/components/parameters/callback"},
          {"$ref": "#/components/parameters/amount"},
          {"$ref": "#/components/parameters/from"},
          {"$ref": "#/components/parameters/to"},
          {"name": "start", "in": "path", "required": true,
           "schema": {"$ref": "#/components/schemas/Date"}, "example": "2024-10-01"},
          {"name": "end", "in": "path", "required": true,
           "schema": {"type": "string", "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"},
           "description": "empty: up to the latest", "example": "2024-10-31"}
        ],
        "responses": {
          "200": {"description": "Frankfurter's shape",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FrankfurterSeries"}}}},
          "304": {"description": "Not modified (If-None-Match)"},
          "400": {"$ref": "#/components/responses/CompatError"},
          "404": {"$ref": "#/components/responses/CompatError"},
          "422": {"$ref": "#/components/responses/CompatError"}
        }
      }
    },
    "/currencies": {
      "get": {
        "summary": "Frankfurter: the currencies, by name",
        "parameters": [{"$ref": "#/components/parameters/callback"}],
        "responses": {
          "200": {"description": "Frankfurter's shape",
                  "content": {"application/json": {"schema": {"type": "object",
                    "propertyNames": {"pattern": "^[A-Z]{3}$"}, "additionalProperties": {"type": "string"}}}}},
          "304": {"description": "Not modified (If-None-Match)"},
          "400": {"$ref": "#/components/responses/CompatError"}
        }
      }
    },
    "/v1/openapi.json": {
      "get": {
        "summary": "This document",
        "responses": {"200": {"description": "OpenAPI 3.1",
                              "content": {"application/json": {"schema": {"type": "object",
                                                                          "required": ["openapi", "paths"]}}}}}
      }
    },
    "/healthz": {
      "get": {
        "summary": "Alive",
        "responses": {"200": {"description": "Serving",
                              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}}
      }
    },
    "/readyz": {
      "get": {
        "summary": "Ready: rates loaded, not draining",
        "responses": {
          "200": {"description": "Ready",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
          "503": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/metrics": {
      "get": {
        "summary": "Prometheus text format",
        "responses": {"200": {"description": "Metrics",
                              "content": {"text/plain": {"schema": {"type": "string"}}}}}
      }
    }
  },
  "components": {
    "parameters": {
      "callback": {"name": "callback", "in": "query",
                   "schema": {"type": "string", "pattern": "^[A-Za-z_$][A-Za-z0-9_$.\\[\\]]{0,127}$"},
                   "description": "JSONP: the answer as /**/callback(...), application/javascript; refused (400) where CORS is limited to some origins"},
      "amount": {"name": "amount", "in": "query", "schema": {"type": "string"}, "description": "default 1"},
      "from": {"name": "from", "in": "query", "schema": {"$ref": "#/components/schemas/Currency"},
               "description": "or base; default: the provider's base"},
      "to": {"name": "to", "in": "query", "schema": {"type": "string"},
             "description": "or symbols; comma-separated; default: every other currency"}
    },
    "schemas": {
      "Currency": {"type": "string", "pattern": "^[A-Za-z]{3}$"},
      "DecimalString": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"},
      "Date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
      "DecimalMap": {"type": "object", "propertyNames": {"pattern": "^[A-Z]{3}$"},
                     "additionalProperties": {"$ref": "#/components/schemas/DecimalString"}},
      "Legacy": {
        "type": "object", "required": ["conversao"], "additionalProperties": false,
        "properties": {"conversao": {"type": "object", "required": ["dolar", "euro", "real"],
                                     "additionalProperties": false,
                                     "properties": {"dolar": {"type": "number"},
                                                    "euro": {"type": "number"},
                                                    "real": {"type": "number"}}}}
      },
      "Conversion": {
        "type": "object", "additionalProperties": false,
        "required": ["amount", "from", "as_of", "provider", "stale", "rounding", "results", "rates",
                     "rate_decimals"],
        "properties": {
          "amount": {"$ref": "#/components/schemas/DecimalString"},
          "from": {"$ref": "#/components/schemas/Currency"},
          "as_of": {"$ref": "#/components/schemas/Date"},
          "provider": {"$ref": "#/components/schemas/Provider"},
          "requested_date": {"$ref": "#/components/schemas/Date"},
          "stale": {"type": "boolean"},
          "rounding": {"enum": ["half_away_from_zero", "half_even"]},
          "results": {"$ref": "#/components/schemas/DecimalMap"},
          "rates": {"$ref": "#/components/schemas/DecimalMap"},
          "rate_decimals": {"type": "integer", "minimum": 0}
        }
      },
      "Rates": {
        "type": "object", "additionalProperties": false,
        "required": ["base", "as_of", "provider", "stale", "source", "rates", "rate_decimals",
                     "quotes_base", "quotes_direction", "quotes"],
        "properties": {
          "base": {"$ref": "#/components/schemas/Currency"},
          "as_of": {"$ref": "#/components/schemas/Date"},
          "provider": {"$ref": "#/components/schemas/Provider"},
          "requested_date": {"$ref": "#/components/schemas/Date"},
          "stale": {"type": "boolean"},
          "quotes_direction": {"enum": ["in_base", "per_base"]},
          "source": {"type": "string"},
          "rates": {"$ref": "#/components/schemas/DecimalMap"},
          "rate_decimals": {"type": "integer", "minimum": 0},
          "quotes_base": {"$ref": "#/components/schemas/Currency"},
          "quotes": {"$ref": "#/components/schemas/DecimalMap"}
        }
      },
      "Provider": {"enum": ["file", "ecb", "bcb_ptax"]},
      "Timeseries": {
        "type": "object", "additionalProperties": false,
        "required": ["base", "start_date", "end_date", "provider", "rate_decimals", "rates"],
        "properties": {
          "base": {"$ref": "#/components/schemas/Currency"},
          "start_date": {"$ref": "#/components/schemas/Date"},
          "end_date": {"$ref": "#/components/schemas/Date"},
          "provider": {"$ref": "#/components/schemas/Provider"},
          "rate_decimals": {"type": "integer", "minimum": 0},
          "rates": {"type": "object", "propertyNames": {"pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                    "additionalProperties": {"$ref": "#/components/schemas/DecimalMap"}}
        }
      },
      "NumberMap": {"type": "object", "propertyNames": {"pattern": "^[A-Z]{3}$"},
                    "additionalProperties": {"type": "number", "exclusiveMinimum": 0}},
      "FrankfurterDay": {
        "type": "object", "additionalProperties": false,
        "required": ["amount", "base", "date", "rates"],
        "properties": {
          "amount": {"type": "number"},
          "base": {"$ref": "#/components/schemas/Currency"},
          "date": {"$ref": "#/components/schemas/Date"},
          "rates": {"$ref": "#/components/schemas/NumberMap"}
        }
      },
      "FrankfurterSeries": {
        "type": "object", "additionalProperties": false,
        "required": ["amount", "base", "start_date", "end_date", "rates"],
        "properties": {
          "amount": {"type": "number"},
          "base": {"$ref": "#/components/schemas/Currency"},
          "start_date": {"$ref": "#/components/schemas/Date"},
          "end_date": {"$ref": "#/components/schemas/Date"},
          "rates": {"type": "object", "propertyNames": {"pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                    "additionalProperties": {"$ref": "#/components/schemas/NumberMap"}}
        }
      },
      "CompatError": {
        "type": "object", "required": ["message", "error"], "additionalProperties": false,
        "properties": {"message": {"type": "string"},
                       "error": {"$ref": "#/components/schemas/Error/properties/error"}}
      },
      "Currencies": {
        "type": "object", "required": ["currencies"], "additionalProperties": false,
        "properties": {"currencies": {
          "type": "object", "propertyNames": {"pattern": "^[A-Z]{3}$"},
          "additionalProperties": {"type": "object", "required": ["name", "minor_units"],
                                   "additionalProperties": false,
                                   "properties": {"name": {"type": "string"},
                                                  "minor_units": {"type": "integer", "minimum": 0}}}}}
      },
      "Status": {"type": "object", "required": ["status"],
                 "properties": {"status": {"type": "string"}}},
      "Error": {
        "type": "object", "required": ["error"], "additionalProperties": false,
        "properties": {"error": {"type": "object", "required": ["status", "code", "message"],
                                 "additionalProperties": false,
                                 "properties": {"status": {"type": "integer"},
                                                "code": {"type": "string", "pattern": "^[a-z_]+$"},
                                                "message": {"type": "string"}}}}
      }
    },
    "headers": {
      "ETag": {"description": "A strong validator of the body; send it in If-None-Match",
               "schema": {"type": "string"}},
      "Cache-Control": {"description": "public, max-age=N (--cache-max-age)",
                        "schema": {"type": "string"}}
    },
    "responses": {
      "Error": {"description": "The one error shape of the API",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "CompatError": {"description": "Frankfurter's message beside the API's one error object",
                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CompatError"}}}}
    }
  }
}
)json";

}  // namespace

std::string_view openapi_document() {
  return kDocument;
}

}  // namespace conv::converter
