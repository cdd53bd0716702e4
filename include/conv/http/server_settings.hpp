#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

#include "conv/http/server_options.hpp"

namespace conv::http {

// One tunable setting of the HTTP core, declared once: its key in the balancer's config file,
// its command-line flag, where it lives in ServerOptions, its range and the name a reload
// gives it when it cannot change. The table (server_settings()) drives the CLI flags of both
// roles, the config parser and reload's "cannot change" notes, so they cannot drift apart.
struct ServerSetting {
  enum class Kind {
    count,    // a plain number (bytes, connections, bytes per second)
    seconds,  // a duration: seconds in the file and on the command line, kept in milliseconds
  };
  using Count = std::uint64_t ServerOptions::*;
  using Duration = std::chrono::milliseconds ServerOptions::*;

  std::string_view section;  // the config file's object: "limits" or "timeouts"
  std::string_view key;      // the key in it
  std::string_view flag;     // "--max-body-bytes"
  std::string_view help;
  std::variant<Count, Duration> member;
  std::uint64_t min;         // a count, or milliseconds
  std::uint64_t max;         // the same
  std::string_view kept_as;  // how reload names it (settings of one name are noted once)

  Kind kind() const { return member.index() == 0 ? Kind::count : Kind::seconds; }
  // The value as stored: a count, or milliseconds.
  std::uint64_t get(const ServerOptions& o) const;
  void set(ServerOptions& o, std::uint64_t value) const;
};

static_assert(std::is_same_v<std::size_t, std::uint64_t>,
              "ServerOptions' sizes and counts share one member-pointer type");

// Every setting, in the order --help lists them.
std::span<const ServerSetting> server_settings();

// The most worker threads that can be asked for, on the command line or in a config file.
inline constexpr unsigned kMaxThreads = 256;

// The longest time any timeout may be set to, in milliseconds (one day).
inline constexpr std::uint64_t kMaxTimeoutMs = 86'400'000;

}  // namespace conv::http
