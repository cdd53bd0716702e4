#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "conv/balancer/model/upstream.hpp"

namespace conv::balancer {

// Every upstream the balancer has known since it started, by index. A config entry is one
// upstream, or for "resolve": "all" its max_addresses slots (slot_names). Upstreams are only
// ever added (a reload that drops an entry marks its upstreams removed; one that brings it back
// revives them), so an index, a pointer or a per-thread counter slot stays valid for the
// balancer's life and readers need no lock. At most kCapacity upstream names over the
// process's life (a config holds at most kMaxUpstreams: room for reloads).
class UpstreamTable {
 public:
  static constexpr std::size_t kCapacity = 4 * kMaxUpstreams;

  UpstreamTable() = default;
  explicit UpstreamTable(const std::vector<UpstreamConfig>& configs);
  UpstreamTable(const UpstreamTable&) = delete;
  UpstreamTable& operator=(const UpstreamTable&) = delete;

  std::size_t size() const { return size_.load(std::memory_order_acquire); }
  Upstream& operator[](std::size_t i) const { return *slots_[i]; }
  // Iterates over std::unique_ptr<Upstream>, as a vector of them would.
  auto begin() const { return slots_.begin(); }
  auto end() const { return slots_.begin() + static_cast<std::ptrdiff_t>(size()); }

  // By name ("host:port", "host:port#2"); null if unknown.
  Upstream* find(std::string_view name) const;

  // The upstreams of a config entry, added, or existing ones with `config` applied. Empty if
  // the table has no room for all of them (nothing is added then). One thread at a time (the
  // control thread).
  std::vector<Upstream*> add(const UpstreamConfig& config);

  // How many upstreams adding `configs` would create.
  std::size_t missing(const std::vector<UpstreamConfig>& configs) const;

 private:
  std::array<std::unique_ptr<Upstream>, kCapacity> slots_;
  std::atomic<std::size_t> size_{0};
};

}  // namespace conv::balancer
