#include "conv/http/prometheus_writer.hpp"

#include <algorithm>
#include <charconv>

namespace conv::http {

namespace {

const char* type_name(MetricType t) {
  switch (t) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

// HELP text escapes backslash and line feed only (a quote is literal there).
void append_help(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

}  // namespace

void PrometheusWriter::family(std::string_view name, MetricType type, std::string_view help) {
  if (std::find(declared_.begin(), declared_.end(), name) != declared_.end()) return;
  declared_.emplace_back(name);
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_help(out_, help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type_name(type);
  out_ += '\n';
}

void PrometheusWriter::sample_integer(std::string_view name, Labels labels, std::int64_t value) {
  begin_sample(name, labels);
  out_ += std::to_string(value);
  out_ += '\n';
}

void PrometheusWriter::sample_integer(std::string_view name, Labels labels, std::uint64_t value) {
  begin_sample(name, labels);
  out_ += std::to_string(value);
  out_ += '\n';
}

void PrometheusWriter::sample(std::string_view name, Labels labels, double value) {
  begin_sample(name, labels);
  append_double(value);
  out_ += '\n';
}

void PrometheusWriter::histogram(std::string_view name, Labels labels,
                                 std::span<const double> bounds,
                                 std::span<const std::uint64_t> counts, double sum) {
  std::uint64_t cumulative = 0;
  std::string le;
  for (std::size_t b = 0; b < counts.size(); ++b) {
    cumulative += counts[b];
    if (b < bounds.size()) {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, bounds[b], std::chars_format::fixed);
      le.assign(buf, end);
    } else {
      le = "+Inf";
    }
    begin_sample(name, labels, "_bucket", le);
    out_ += std::to_string(cumulative);
    out_ += '\n';
  }
  begin_sample(name, labels, "_sum");
  append_double(sum);
  out_ += '\n';
  begin_sample(name, labels, "_count");
  out_ += std::to_string(cumulative);
  out_ += '\n';
}

std::string PrometheusWriter::escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// `name[suffix]{labels[,le="..."]} ` (no braces without labels).
void PrometheusWriter::begin_sample(std::string_view name, Labels labels, std::string_view suffix,
                                    std::string_view le) {
  out_ += name;
  out_ += suffix;
  if (labels.size() > 0 || !le.empty()) {
    char sep = '{';
    for (const Label& l : labels) {
      out_ += sep;
      out_ += l.name;
      out_ += "=\"";
      out_ += escape_label_value(l.value);
      out_ += '"';
      sep = ',';
    }
    if (!le.empty()) {
      out_ += sep;
      out_ += "le=\"";
      out_ += le;
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
}

void PrometheusWriter::append_double(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  out_.append(buf, end);
}

}  // namespace conv::http
