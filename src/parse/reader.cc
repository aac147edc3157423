#include "parse/reader.h"

#include "parse/hcl_reader.h"

#include "base/file_system.h"

#include <cstring>

namespace rootlock {

namespace {

// A clear message for encodings we do not read, or "" when `text` looks like UTF-8 text.
const char* EncodingProblem(std::string_view text) {
  auto starts = [&](const char* bom, size_t n) {
    return text.size() >= n && std::memcmp(text.data(), bom, n) == 0;
  };
  if (starts("\x00\x00\xFE\xFF", 4) || starts("\xFF\xFE\x00\x00", 4)) {
    return "file is UTF-32 encoded; rootlock reads UTF-8 (convert it with iconv -t UTF-8)";
  }
  if (starts("\xFE\xFF", 2) || starts("\xFF\xFE", 2)) {
    return "file is UTF-16 encoded; rootlock reads UTF-8 (convert it with iconv -t UTF-8)";
  }
  // UTF-16 without a BOM shows as NULs between ASCII letters; other NULs mean binary.
  size_t probe = text.size() < 4096 ? text.size() : 4096;
  if (std::memchr(text.data(), '\0', probe) != nullptr) {
    if (probe >= 2 && (text[0] == '\0' || text[1] == '\0') && text[0] != text[1]) {
      return "file looks UTF-16 encoded (NUL bytes between characters); rootlock reads UTF-8";
    }
    return "binary file (it contains NUL bytes), not YAML or JSON";
  }
  return "";
}

}  // namespace

bool FitsInTree(std::string_view name, std::string_view text, ParsedSource* out) {
  if (text.size() <= kMaxInputBytes) return true;
  out->has_error = true;
  out->error.where.file = std::string(name);
  out->error.message = "input is over 2 GiB, the most rootlock reads from one source";
  return false;
}

ParsedSource ReadSource(std::string_view name, std::string_view text, InputFormat format,
                        const ParseLimits& limits) {
  if (const char* problem = EncodingProblem(text); *problem) {
    ParsedSource out;
    out.has_error = true;
    out.error.where.file = std::string(name);
    out.error.message = problem;
    return out;
  }
  bool auto_detected = format == InputFormat::kAuto;
  if (auto_detected) {
    format = InputFormat::kYaml;
    size_t i = 0;
    if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < text.size() &&
           (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) {
      ++i;
    }
    if (i < text.size() && (text[i] == '{' || text[i] == '[')) format = InputFormat::kJson;
  }
  if (format == InputFormat::kYaml) return ReadYaml(name, text, limits);
  if (format == InputFormat::kHcl) {
    ParsedSource hcl = ReadHcl(name, text, limits);
    hcl.format = InputFormat::kHcl;
    return hcl;
  }
  ParsedSource json = ReadJson(name, text, limits);
  if (json.has_error && auto_detected) {
    // Flow-style YAML ({a: b}) also starts with a brace: give YAML a chance,
    // but report the JSON error when both fail.
    ParsedSource yaml = ReadYaml(name, text, limits);
    if (!yaml.has_error) return yaml;
  }
  return json;
}

bool ReadAndParse(const std::string& path, InputFormat format, uint64_t max_bytes,
                  std::string* text, ParsedSource* out, Diagnostic* error) {
  if (!ReadFileBytes(path, true, max_bytes, text, error)) return false;
  *out = ReadSource(path, *text, format);
  if (!out->has_error) return true;
  *error = out->error;
  return false;
}

}  // namespace rootlock
