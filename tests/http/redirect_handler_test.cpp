#include "conv/http/redirect_handler.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace conv::http {
namespace {

// A sink that keeps the response it is given.
class Capture : public detail::ResponseSink {
 public:
  explicit Capture(boost::asio::io_context& io) : io_(io) {}
  void complete(Response&& r) override { response = std::move(r); }
  boost::asio::any_io_executor executor() const override { return io_.get_executor(); }
  void read_body(boost::asio::mutable_buffer, ReadHandler) override {}
  bool body_complete() const override { return true; }
  bool client_keep_alive() const override { return true; }
  void write(boost::asio::const_buffer, WriteHandler) override {}
  void finish(StreamedResult&&) override {}
  bool secure() const override { return false; }
  std::string_view connection_headers() const override { return {}; }
  void read_raw(boost::asio::mutable_buffer, ReadHandler) override {}
  void shutdown_write() override {}
  void cancel() override {}
  Response response;

 private:
  boost::asio::io_context& io_;
};

Response redirect(std::uint16_t https_port, std::string_view host, std::string_view target) {
  boost::asio::io_context io;
  auto sink = std::make_shared<Capture>(io);
  RequestHeader req;
  req.method(boost::beast::http::verb::post);
  req.target(target);
  if (!host.empty()) req.set(boost::beast::http::field::host, host);
  RedirectHandler(https_port).handle(req, {}, RequestInfo{}, Responder(sink));
  return sink->response;
}

std::string location(const Response& r) {
  for (const auto& [name, value] : r.headers) {
    if (name == "Location") return value;
  }
  return "";
}

TEST(RedirectHandler, KeepsHostAndTargetAndNamesTheHttpsPort) {
  const auto r = redirect(8443, "example.com:8080", "/v1/rates?x=1");
  EXPECT_EQ(r.status, 308u);
  EXPECT_EQ(location(r), "https://example.com:8443/v1/rates?x=1");
}

TEST(RedirectHandler, LeavesOutPort443AndBracketsIpv6) {
  EXPECT_EQ(location(redirect(443, "example.com", "/")), "https://example.com/");
  EXPECT_EQ(location(redirect(443, "[::1]:80", "/a")), "https://[::1]/a");
  EXPECT_EQ(location(redirect(8443, "[::1]", "/a")), "https://[::1]:8443/a");
}

TEST(RedirectHandler, ABadOrMissingHostIs400) {
  EXPECT_EQ(redirect(443, "", "/").status, 400u);
  EXPECT_EQ(redirect(443, "evil.com/path", "/").status, 400u);
  EXPECT_EQ(redirect(443, "a b", "/").status, 400u);
}

}  // namespace
}  // namespace conv::http
