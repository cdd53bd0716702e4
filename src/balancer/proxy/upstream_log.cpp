#include "conv/balancer/proxy/upstream_log.hpp"

#include <cstdio>

namespace conv::balancer {

namespace {

void add(std::string& list, std::string_view item) {
  if (!list.empty()) list += ", ";
  list.append(item);
}

std::string quoted(const std::string& s) {
  return "\"" + (s.empty() ? std::string("-") : s) + "\"";
}

}  // namespace

void UpstreamLog::record(std::string_view address, unsigned status,
                         std::chrono::steady_clock::duration took) {
  char t[32];
  std::snprintf(t, sizeof t, "%.3f", std::chrono::duration<double>(took).count());
  add(addresses_, address);
  add(statuses_, std::to_string(status));
  add(times_, t);
}

std::string UpstreamLog::text() const {
  return "ua=" + quoted(addresses_) + " us=" + quoted(statuses_) + " urt=" + quoted(times_);
}

}  // namespace conv::balancer
