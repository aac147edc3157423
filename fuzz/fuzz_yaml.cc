// Fuzz target: the YAML reader (libyaml events composed into a NodeTree, with
// aliases shared, merge keys resolved, nesting and alias expansion bounded).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_common.h"
#include "parse/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  rootlock::ParsedSource parsed = rootlock::ReadYaml("fuzz.yaml", text);
  rootlock::fuzz::CheckParsed(parsed, text);
  return 0;
}
