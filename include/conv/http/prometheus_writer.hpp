#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace conv::http {

// One label of a sample: `name="value"`.
struct Label {
  std::string_view name;
  std::string_view value;
};

enum class MetricType { counter, gauge, histogram };

// Appends the Prometheus text exposition format (version 0.0.4) to a string. Both roles'
// /metrics go through it, so the format's rules (one HELP and TYPE per family, escaped label
// values, cumulative histogram buckets ending in +Inf, then _sum and _count) live in one place.
// Integers print exactly, other numbers in fixed notation, as the dashboards already parse.
class PrometheusWriter {
 public:
  using Labels = std::initializer_list<Label>;

  explicit PrometheusWriter(std::string& out) : out_(out) {}

  // "# HELP" and "# TYPE" lines; a family already declared by this writer is not repeated.
  void family(std::string_view name, MetricType type, std::string_view help);

  // One sample: `name{labels} value`.
  template <std::integral T>
  void sample(std::string_view name, Labels labels, T value) {
    if constexpr (std::is_signed_v<T>) {
      sample_integer(name, labels, static_cast<std::int64_t>(value));
    } else {
      sample_integer(name, labels, static_cast<std::uint64_t>(value));
    }
  }
  void sample(std::string_view name, Labels labels, double value);

  // One histogram series from per-bucket counts (`counts[b]` observations in bucket b, the
  // last one above every bound): `_bucket` lines with cumulative counts for each bound and
  // +Inf, then `_sum` and `_count`. `counts` has one more element than `bounds`.
  void histogram(std::string_view name, Labels labels, std::span<const double> bounds,
                 std::span<const std::uint64_t> counts, double sum);

  // The format's escaping of a label value: backslash, double quote and line feed.
  static std::string escape_label_value(std::string_view v);

 private:
  void sample_integer(std::string_view name, Labels labels, std::int64_t value);
  void sample_integer(std::string_view name, Labels labels, std::uint64_t value);
  void begin_sample(std::string_view name, Labels labels, std::string_view suffix = {},
                    std::string_view le = {});
  void append_double(double v);

  std::string& out_;
  std::vector<std::string> declared_;
};

}  // namespace conv::http
