// Fuzz target: the HCL2 reader (Terraform's native syntax).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_common.h"
#include "parse/hcl_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  rootlock::ParsedSource parsed = rootlock::ReadHcl("fuzz.tf", text);
  rootlock::fuzz::CheckParsed(parsed, text);
  if (parsed.has_error) {
    rootlock::fuzz::Require(parsed.documents.empty(), "HCL keeps no document after an error");
  }
  return 0;
}
