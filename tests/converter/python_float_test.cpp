#include "conv/converter/python_float.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

#include "golden.hpp"

namespace conv::converter {
namespace {

TEST(PythonFloat, WritesIntegralValuesWithPointZero) {
  EXPECT_EQ(python_float(15.0), "15.0");
  EXPECT_EQ(python_float(0.0), "0.0");
  EXPECT_EQ(python_float(-0.0), "-0.0");
  EXPECT_EQ(python_float(1e15), "1000000000000000.0");
}

TEST(PythonFloat, SwitchesToExponentWherePythonDoes) {
  // Python's repr: exponent form when the decimal exponent is < -4 or >= 16.
  EXPECT_EQ(python_float(9999999999999998.0), "9999999999999998.0");
  EXPECT_EQ(python_float(1e16), "1e+16");
  EXPECT_EQ(python_float(1.5e16), "1.5e+16");
  EXPECT_EQ(python_float(0.0001), "0.0001");
  EXPECT_EQ(python_float(0.00001), "1e-05");
  EXPECT_EQ(python_float(1.5e-5), "1.5e-05");
  EXPECT_EQ(python_float(1e100), "1e+100");
  EXPECT_EQ(python_float(5e-324), "5e-324");
}

TEST(PythonFloat, UsesShortestRoundTripDigits) {
  EXPECT_EQ(python_float(15.0 / 5.10), "2.9411764705882355");
  EXPECT_EQ(python_float(15.0 / 5.60), "2.678571428571429");
  EXPECT_EQ(python_float(0.1), "0.1");
  EXPECT_EQ(python_float(0.1 + 0.2), "0.30000000000000004");
}

// Every line of the golden file: the bits of a double and CPython's repr() of it.
TEST(PythonFloat, MatchesCPythonOnGoldenVectors) {
  const auto rows = conv::testing::read_golden(CONV_TEST_DATA_DIR "/python_repr.tsv");
  ASSERT_GT(rows.size(), 5000u) << "missing or malformed golden file";
  for (const auto& [hex_bits, repr] : rows) {
    const double x = std::bit_cast<double>(std::stoull(hex_bits, nullptr, 16));
    EXPECT_EQ(python_float(x), repr) << "bits " << hex_bits;
  }
}

// What we write reads back as the same double, for random bit patterns.
TEST(PythonFloat, RoundTrips) {
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 200000; ++i) {
    const double x = std::bit_cast<double>(rng());
    if (!std::isfinite(x)) continue;
    const std::string s = python_float(x);
    double back = 0;
    const auto res = std::from_chars(s.data(), s.data() + s.size(), back);
    ASSERT_EQ(res.ec, std::errc()) << s;
    ASSERT_EQ(res.ptr, s.data() + s.size()) << s;
    ASSERT_EQ(std::bit_cast<std::uint64_t>(back), std::bit_cast<std::uint64_t>(x)) << s;
  }
}

}  // namespace
}  // namespace conv::converter
