// A minimal streaming JSON writer: enough for reports, with correct escaping.
#ifndef ROOTLOCK_BASE_JSON_WRITER_H_
#define ROOTLOCK_BASE_JSON_WRITER_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace rootlock {

/// Writes JSON into a string. Pretty output indents by two spaces.
/// Not thread-safe; one writer per output.
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out, bool pretty = true) : out_(out), pretty_(pretty) {}
  /// Streams: what is written collects in `buffer` and goes to `sink` in
  /// blocks, so a large report never sits whole in memory. Call Flush() at the end.
  JsonWriter(std::string* buffer, std::FILE* sink, bool pretty = true)
      : out_(buffer), pretty_(pretty), sink_(sink) {}
  /// Writes what is buffered to the sink (if any). False when the write failed.
  bool Flush();

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  /// Inside an object: the next value's key.
  void Key(std::string_view key);
  void String(std::string_view s);
  void Int(int64_t v);
  void Number(double v);
  void Bool(bool v);
  void Null();
  /// A value written as given: a number or literal already valid in JSON.
  void Raw(std::string_view literal);

  // Key + value shorthands.
  void Field(std::string_view key, std::string_view s) { Key(key), String(s); }
  void Field(std::string_view key, const char* s) { Key(key), String(s); }
  void Field(std::string_view key, int64_t v) { Key(key), Int(v); }
  void Field(std::string_view key, bool v) { Key(key), Bool(v); }

  /// Appends `s` as a JSON string literal (with quotes) to `out`. Invalid
  /// UTF-8 bytes become U+FFFD so the output is always valid JSON.
  static void AppendEscaped(std::string* out, std::string_view s);

 private:
  void BeforeValue();
  void Newline();

  std::string* out_;
  bool pretty_;
  // One entry per open container: number of values written so far.
  std::vector<int> counts_;
  bool after_key_ = false;
  std::FILE* sink_ = nullptr;
  bool sink_failed_ = false;
};

}  // namespace rootlock

#endif  // ROOTLOCK_BASE_JSON_WRITER_H_
