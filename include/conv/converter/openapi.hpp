#pragma once

#include <string_view>

namespace conv::converter {

// GET /v1/openapi.json: the OpenAPI 3.1 description of every route of the converter.
std::string_view openapi_document();

}  // namespace conv::converter
