#include "conv/tls/report.hpp"

#include <boost/json/array.hpp>

namespace conv::tls {

namespace {

using http::MetricType;

}  // namespace

void write_metrics(http::PrometheusWriter& w, const Termination& t,
                   std::chrono::system_clock::time_point now) {
  const auto context = t.current();
  w.family("conv_tls_certificate_expiry_seconds", MetricType::gauge,
           "Seconds until the certificate served expires (negative once expired).");
  for (const auto& c : context->certificates()) {
    w.sample("conv_tls_certificate_expiry_seconds", {{"cert", c.file}, {"subject", c.subject}},
             c.seconds_left(now));
  }
  w.family("conv_tls_certificate_reloads_total", MetricType::counter,
           "Certificate reloads that took effect (SIGHUP, POST /reload).");
  w.sample("conv_tls_certificate_reloads_total", {}, t.reloads());
  const auto& s = t.stats();
  w.family("conv_tls_handshakes_total", MetricType::counter,
           "TLS handshakes completed, full or resumed (a ticket or the session cache).");
  w.sample("conv_tls_handshakes_total", {{"result", "full"}}, s.full());
  w.sample("conv_tls_handshakes_total", {{"result", "resumed"}}, s.resumed());
  w.family("conv_tls_handshake_failures_total", MetricType::counter,
           "TLS handshakes that failed, by reason.");
  for (std::size_t i = 0; i < kHandshakeFailureKinds; ++i) {
    const auto why = static_cast<HandshakeFailure>(i);
    w.sample("conv_tls_handshake_failures_total", {{"reason", to_string(why)}}, s.failures(why));
  }
}

boost::json::object status_json(const Termination& t, std::chrono::system_clock::time_point now) {
  boost::json::array certs;
  for (const auto& c : t.current()->certificates()) {
    boost::json::array names;
    for (const auto& n : c.names) names.emplace_back(n);
    certs.push_back(boost::json::object{{"file", c.file},
                                        {"subject", c.subject},
                                        {"names", std::move(names)},
                                        {"not_after", utc_text(c.not_after)},
                                        {"expires_in_seconds", c.seconds_left(now)}});
  }
  const auto& s = t.stats();
  boost::json::object failures;
  for (std::size_t i = 0; i < kHandshakeFailureKinds; ++i) {
    const auto why = static_cast<HandshakeFailure>(i);
    failures[to_string(why)] = s.failures(why);
  }
  return {{"certificates", std::move(certs)},
          {"handshakes", boost::json::object{{"full", s.full()}, {"resumed", s.resumed()}}},
          {"handshake_failures", std::move(failures)}};
}

}  // namespace conv::tls
