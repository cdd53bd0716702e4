// Cross-client response desync through pooled upstream connections (issue 11, section 1):
// an in-process balancer in front of an upstream that answers each request as the input says
// (HEAD, 204 and 304 with declared lengths, chunked, delimited by closing, interim 100) and
// sends stray bytes after its answers (a complete response of another request, half a head,
// bytes of the input, a second answer), in the same write, right after, a few ms later or
// before the next client. Clients come one after another, each with one request carrying a
// unique id. Oracle: each gets its own response or the balancer's own 502/503/504, never a
// response carrying another request's id, never bytes after its response (desync_rig.hpp).
// Input: desync_script.hpp. Reproduce: fuzz_upstream_desync FILE (the finding is printed).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "desync_rig.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto* rig = new conv::fuzz::DesyncRig;  // lives for the whole run
  if (const auto problem = rig->run({data, size})) {
    std::fprintf(stderr, "fuzz oracle: %s\n", problem->c_str());
    std::abort();
  }
  return 0;
}
