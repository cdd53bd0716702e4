#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "conv/balancer/model/config.hpp"
#include "conv/http/server_settings.hpp"

namespace conv::balancer {

// One setting of the balancer, declared once: its key in the config file, its flag, its range
// and default, and whether a reload applies it. The table (config_keys()) gives the config
// parser its key lists and ranges, reload its "cannot change" list (both the notes and what
// it keeps), and docs/configuration.md its reference table (config_reference.hpp; a test
// compares the page with it), so none of them can drift from the others. The HTTP core's
// limits and timeouts come from http::server_settings() and appear here as rows of their own.
// Settings that are not one scalar (upstream lists, the policy, addresses) keep their own
// parsing; their key names, flags and reloadability are still here.
struct ConfigKey {
  enum class Kind {
    count,    // a whole number within [min, max]
    seconds,  // a duration: seconds in the file, [min, max] in milliseconds
    other,    // anything else: `values` and `fallback` describe it
  };
  using Get = std::uint64_t (*)(const BalancerConfig&);  // a count, or milliseconds
  using Set = void (*)(BalancerConfig&, std::uint64_t);
  using Differs = bool (*)(const BalancerConfig&, const BalancerConfig&);
  using Keep = void (*)(BalancerConfig& into, const BalancerConfig& from);

  std::string_view section = {};  // "timeouts"; "" at the top level
  std::string_view key = {};      // "connect"; "" for a setting with a flag only
  std::string_view flag = {};     // "--admin"; "" if none
  Kind kind = Kind::other;
  std::uint64_t min = 0;
  std::uint64_t max = 0;
  std::string_view values = {};    // what it takes (other), or a note after the range
  std::string_view fallback = {};  // the default as the docs say it, if not the value itself
  std::string_view kept_as = {};   // empty: a reload applies it; else the name reload keeps
  Get get_value = nullptr;         // a count or seconds held in BalancerConfig itself
  Set set_value = nullptr;
  Differs differs_value = nullptr;  // a kept setting that is not a count or seconds
  Keep keep_value = nullptr;
  const http::ServerSetting* core = nullptr;  // a row of http::server_settings()

  bool reloadable() const { return kept_as.empty(); }
  bool scalar() const { return kind != Kind::other; }
  // Whether the value lives in BalancerConfig itself, for get() and set(): not so for an
  // upstream's counts, which its own parser reads (with these ranges) into each entry.
  bool has_value() const { return core != nullptr || get_value != nullptr; }
  std::uint64_t get(const BalancerConfig& c) const;
  void set(BalancerConfig& c, std::uint64_t value) const;
  // For a kept setting: whether two configurations differ in it; copies it from `from`.
  bool differs(const BalancerConfig& a, const BalancerConfig& b) const;
  void keep(BalancerConfig& into, const BalancerConfig& from) const;
  // "timeouts.connect", "upstreams[].weight", "listen"; "" for a flag-only setting.
  std::string path() const;
};

// Every setting, in the order of the docs' table; within a section, in the order an unknown
// key's error lists them.
std::span<const ConfigKey> config_keys();

// The entry at `section`.`key`; throws std::logic_error if there is none (a programming error).
const ConfigKey& config_key(std::string_view section, std::string_view key);

// The keys a section of the file may hold ("" for the top level: its keys and sections).
std::vector<std::string_view> config_keys_in(std::string_view section);

}  // namespace conv::balancer
