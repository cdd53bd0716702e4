// The converter role's whole request path: bytes on a real connection, through the core
// (parser, validator, limits, pipelining, 100-continue, HEAD, errors) to the converter's
// routes (legacy, /v1, rates, metrics) and back. The input is in the session fuzzers'
// language ("\xff\xff" C K: C repeated, see session_harness.hpp).
//
// Oracles: the first answer is an HTTP response; the connection ends; the heap the exchange
// holds at once stays under a bound from the configured limits (memory_bound.hpp).
#include <cstddef>
#include <cstdint>

#include "conv/converter/handler.hpp"
#include "conv/converter/rate_store.hpp"
#include "memory_bound.hpp"
#include "session_harness.hpp"

namespace {

struct Converter {
  Converter() {
    store.load();
    // What is allocated once per process is not in the first input's peak.
    harness.run(
        "GET /convertepradolareuro/15.0 HTTP/1.1\r\nHost: w\r\n\r\n"
        "GET /v1/rates HTTP/1.1\r\nHost: w\r\n\r\nGET /metrics HTTP/1.1\r\nHost: w\r\n\r\n"
        "POST /v1/convert HTTP/1.1\r\nHost: w\r\nTransfer-Encoding: chunked\r\n\r\n"
        "1\r\nx\r\n0\r\n\r\n");
  }
  // Buffered bodies (the body limit, twice while the buffer grows), and the answers, the
  // largest of which (the rates, the metrics) are a few KiB.
  std::int64_t heap_bound() const {
    const auto& o = harness.options();
    return conv::fuzz::buffered_bound(o) + conv::fuzz::parsed_header_bound(o) +
           2 * static_cast<std::int64_t>(o.max_body_bytes) + 64 * 1024;
  }
  conv::converter::RateStore store{""};
  conv::http::Metrics metrics{"conv_http", conv::converter::ConverterHandler::route_names()};
  std::unique_ptr<conv::http::AccessLog> log = conv::http::AccessLog::open("off");
  conv::converter::ConverterHandler handler{store, metrics, *log};
  conv::fuzz::SessionHarness harness{handler, metrics};
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  conv::fuzz::HeapMeter::enable();  // before any other thread starts
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Converter* c = new Converter;  // lives for the whole run
  const auto input = conv::fuzz::expand_input({reinterpret_cast<const char*>(data), size});
  conv::fuzz::check_responses(input, c->harness.run(input));
  conv::fuzz::check_heap(c->harness.peak_heap_growth(), c->heap_bound(),
                         "parsed header, buffered body, the answer");
  return 0;
}
