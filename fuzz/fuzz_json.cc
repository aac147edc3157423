// Fuzz target: the JSON reader (JSON, JSON Lines and JSONC comments).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_common.h"
#include "parse/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  rootlock::ParsedSource parsed = rootlock::ReadJson("fuzz.json", text);
  rootlock::fuzz::CheckParsed(parsed, text);
  return 0;
}
