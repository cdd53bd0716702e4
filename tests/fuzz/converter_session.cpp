// The converter role's whole request path: bytes on a real connection, through the core
// (parser, validator, limits, pipelining, 100-continue, HEAD, errors) to the converter's
// routes (legacy, /v1, rates, metrics) and back.
#include <cstddef>
#include <cstdint>

#include "conv/converter/handler.hpp"
#include "conv/converter/rate_store.hpp"
#include "session_harness.hpp"

namespace {

struct Converter {
  Converter() { store.load(); }
  conv::converter::RateStore store{""};
  conv::http::Metrics metrics{"conv_http", conv::converter::ConverterHandler::route_names()};
  std::unique_ptr<conv::http::AccessLog> log = conv::http::AccessLog::open("off");
  conv::converter::ConverterHandler handler{store, metrics, *log};
  conv::fuzz::SessionHarness harness{handler, metrics};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Converter* c = new Converter;  // lives for the whole run
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  conv::fuzz::check_responses(input, c->harness.run(input));
  return 0;
}
