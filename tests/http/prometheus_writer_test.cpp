#include "conv/http/prometheus_writer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>

namespace conv::http {
namespace {

TEST(PrometheusWriter, FamilyHeaderOnceThenSamples) {
  std::string out;
  PrometheusWriter w(out);
  w.family("x_total", MetricType::counter, "Things counted.");
  w.sample("x_total", {{"kind", "a"}}, std::uint64_t{3});
  w.family("x_total", MetricType::counter, "Things counted.");  // a second registry's call
  w.sample("x_total", {{"kind", "b"}, {"code", "200"}}, 4);
  w.family("y", MetricType::gauge, "A level.");
  w.sample("y", {}, std::int64_t{-2});
  EXPECT_EQ(out,
            "# HELP x_total Things counted.\n"
            "# TYPE x_total counter\n"
            "x_total{kind=\"a\"} 3\n"
            "x_total{kind=\"b\",code=\"200\"} 4\n"
            "# HELP y A level.\n"
            "# TYPE y gauge\n"
            "y -2\n");
}

TEST(PrometheusWriter, IntegersExactDoublesFixed) {
  std::string out;
  PrometheusWriter w(out);
  w.sample("big", {}, std::uint64_t{18446744073709551615u});
  w.sample("small", {}, 0.00025);
  w.sample("whole", {}, 2.0);
  EXPECT_EQ(out, "big 18446744073709551615\nsmall 0.00025\nwhole 2\n");
}

TEST(PrometheusWriter, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(PrometheusWriter::escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(PrometheusWriter::escape_label_value("127.0.0.1:8080"), "127.0.0.1:8080");
  std::string out;
  PrometheusWriter w(out);
  w.family("z", MetricType::gauge, "back\\slash \"quoted\"\nnext");
  w.sample("z", {{"path", "C:\\dir \"x\"\n"}}, 1);
  EXPECT_EQ(out,
            "# HELP z back\\\\slash \"quoted\"\\nnext\n"
            "# TYPE z gauge\n"
            "z{path=\"C:\\\\dir \\\"x\\\"\\n\"} 1\n");
}

TEST(PrometheusWriter, HistogramBucketsAreCumulativeWithSumAndCount) {
  const std::array<double, 3> bounds = {0.001, 0.5, 1.0};
  const std::array<std::uint64_t, 4> counts = {2, 0, 5, 1};  // the last one is above 1.0
  std::string out;
  PrometheusWriter w(out);
  w.family("t_seconds", MetricType::histogram, "Time.");
  w.histogram("t_seconds", {{"route", "r"}}, bounds, counts, 3.25);
  EXPECT_EQ(out,
            "# HELP t_seconds Time.\n"
            "# TYPE t_seconds histogram\n"
            "t_seconds_bucket{route=\"r\",le=\"0.001\"} 2\n"
            "t_seconds_bucket{route=\"r\",le=\"0.5\"} 2\n"
            "t_seconds_bucket{route=\"r\",le=\"1\"} 7\n"
            "t_seconds_bucket{route=\"r\",le=\"+Inf\"} 8\n"
            "t_seconds_sum{route=\"r\"} 3.25\n"
            "t_seconds_count{route=\"r\"} 8\n");
}

TEST(PrometheusWriter, HistogramWithoutLabelsHasOnlyLe) {
  const std::array<double, 1> bounds = {0.1};
  const std::array<std::uint64_t, 2> counts = {1, 1};
  std::string out;
  PrometheusWriter w(out);
  w.histogram("h", {}, bounds, counts, 0.0);
  EXPECT_EQ(out, "h_bucket{le=\"0.1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 0\nh_count 2\n");
}

}  // namespace
}  // namespace conv::http
