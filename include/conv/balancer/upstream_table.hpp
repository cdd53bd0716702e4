#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "conv/balancer/upstream.hpp"

namespace conv::balancer {

// Every upstream the balancer has known since it started, by index. Upstreams are only ever
// added (a reload that drops one marks it removed; one that brings the same address back
// revives it), so an index, a pointer or a per-thread counter slot stays valid for the
// balancer's life and readers need no lock. At most kCapacity distinct addresses.
class UpstreamTable {
 public:
  static constexpr std::size_t kCapacity = 256;

  UpstreamTable() = default;
  explicit UpstreamTable(const std::vector<UpstreamConfig>& configs);
  UpstreamTable(const UpstreamTable&) = delete;
  UpstreamTable& operator=(const UpstreamTable&) = delete;

  std::size_t size() const { return size_.load(std::memory_order_acquire); }
  Upstream& operator[](std::size_t i) const { return *slots_[i]; }
  // Iterates over std::unique_ptr<Upstream>, as a vector of them would.
  auto begin() const { return slots_.begin(); }
  auto end() const { return slots_.begin() + static_cast<std::ptrdiff_t>(size()); }

  // By configured name ("host:port"); null if unknown.
  Upstream* find(std::string_view name) const;

  // Adds an upstream, or returns the existing one of that name with `config` applied. Null if
  // the table is full. One thread at a time (the control thread).
  Upstream* add(const UpstreamConfig& config);

 private:
  std::array<std::unique_ptr<Upstream>, kCapacity> slots_;
  std::atomic<std::size_t> size_{0};
};

}  // namespace conv::balancer
