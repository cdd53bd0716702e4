#pragma once

#include <string>

namespace conv::converter {

// Appends `x` exactly as Python 3's repr(float) writes it, which is what Flask's jsonify put
// on the wire: the shortest digits that round-trip, "15.0" (never "15"), and exponent form
// ("1e+16", "1.5e-05") exactly where Python switches to it (decimal exponent < -4 or >= 16).
// `x` must be finite: JSON has no Infinity or NaN, and the routes refuse such results.
void append_python_float(std::string& out, double x);

std::string python_float(double x);

}  // namespace conv::converter
