#include "conv/balancer/admin/upstream_totals.hpp"

namespace conv::balancer {

std::uint64_t UpstreamTotals::answered() const {
  std::uint64_t n = 0;
  for (auto r : responses) n += r;
  return n;
}

std::vector<UpstreamTotals> sum_counters(const PoolSet& pools, std::size_t n) {
  std::vector<UpstreamTotals> out(n);
  pools.for_each([&](const ConnectionPool& p) {
    for (std::size_t i = 0; i < n; ++i) {
      const UpstreamCounters& c = p.counters(i);
      auto load = [](const UpstreamCounters::Counter& x) {
        return x.load(std::memory_order_relaxed);
      };
      UpstreamTotals& t = out[i];
      t.attempts += load(c.attempts);
      t.retries += load(c.retries);
      t.connect_failures += load(c.connect_failures);
      for (std::size_t k = 0; k < t.failures.size(); ++k) t.failures[k] += load(c.failures[k]);
      for (std::size_t k = 0; k < t.responses.size(); ++k) t.responses[k] += load(c.responses[k]);
      for (std::size_t k = 0; k < t.buckets.size(); ++k) t.buckets[k] += load(c.buckets[k]);
      t.time_micros += load(c.time_micros);
      t.bytes_out += load(c.bytes_out);
      t.bytes_in += load(c.bytes_in);
      t.pooled += load(c.pooled);
      t.discarded += load(c.discarded);
    }
  });
  return out;
}

}  // namespace conv::balancer
