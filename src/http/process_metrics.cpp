#include "conv/http/process_metrics.hpp"

#include <openssl/crypto.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/version.hpp>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "conv/version.hpp"

namespace conv::http {

namespace {

std::string compiler() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "gcc " __VERSION__;
#else
  return "unknown";
#endif
}

void build_info(PrometheusWriter& w) {
  const std::string boost = std::to_string(BOOST_VERSION / 100000) + "." +
                            std::to_string(BOOST_VERSION / 100 % 1000) + "." +
                            std::to_string(BOOST_VERSION % 100);
  w.family("conv_build_info", MetricType::gauge,
           "Always 1; the labels say which build this is and what it runs with.");
  w.sample("conv_build_info",
           {{"version", version()},
            {"compiler", compiler()},
            {"boost", boost},
            {"openssl", OpenSSL_version(OPENSSL_VERSION_STRING)}},
           1);
}

// The fields of /proc/self/stat after the command name (which may hold spaces): the first one
// returned is field 3, "state".
std::vector<std::string> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  const auto close = line.rfind(')');
  std::vector<std::string> out;
  if (close == std::string::npos) return out;
  std::istringstream rest(line.substr(close + 1));
  for (std::string f; rest >> f;) out.push_back(f);
  return out;
}

// The boot time, seconds since the epoch ("btime" in /proc/stat); 0 if unknown.
double boot_time() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double t = 0;
      in >> t;
      return t;
    }
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

void memory_and_start(PrometheusWriter& w) {
  const auto f = stat_fields();
  // Field n of proc(5) is f[n - 3]: starttime 22, vsize 23, rss 24.
  if (f.size() < 22) return;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  w.family("process_virtual_memory_bytes", MetricType::gauge, "Virtual memory size in bytes.");
  w.sample("process_virtual_memory_bytes", {}, std::stod(f[20]));
  w.family("process_resident_memory_bytes", MetricType::gauge, "Resident memory size in bytes.");
  w.sample("process_resident_memory_bytes", {}, std::stod(f[21]) * page);
  if (const double boot = boot_time(); boot > 0 && ticks > 0) {
    w.family("process_start_time_seconds", MetricType::gauge,
             "Start time of the process since the Unix epoch, in seconds.");
    w.sample("process_start_time_seconds", {}, boot + std::stod(f[19]) / ticks);
  }
}

void cpu_and_fds(PrometheusWriter& w) {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    const auto seconds = [](const timeval& t) {
      return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    w.family("process_cpu_seconds_total", MetricType::counter,
             "User and system CPU time spent, in seconds.");
    w.sample("process_cpu_seconds_total", {}, seconds(usage.ru_utime) + seconds(usage.ru_stime));
  }
  std::error_code ec;
  std::uint64_t open = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++open;
  }
  if (!ec) {
    w.family("process_open_fds", MetricType::gauge, "Number of open file descriptors.");
    w.sample("process_open_fds", {}, open);
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    w.family("process_max_fds", MetricType::gauge, "Maximum number of open file descriptors.");
    w.sample("process_max_fds", {}, static_cast<std::uint64_t>(limit.rlim_cur));
  }
}

}  // namespace

void write_process_metrics(PrometheusWriter& w) {
  build_info(w);
  cpu_and_fds(w);
  memory_and_start(w);
}

}  // namespace conv::http
