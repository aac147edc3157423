// The floor for a YAML-correct reader: a bare libyaml event parse of every
// .yaml, .yml and .json file under the folders given, on one thread, doing
// nothing with the events. bench/run.sh times it beside rootlock --jobs 1 (the
// issue's target: rootlock no slower than 1.2x this).
//
//   libyaml_parse DIR...   prints "files N bytes N events N errors N"
//
// Files are read whole, then parsed from memory, as rootlock does. A file
// libyaml refuses stops at its error and counts in `errors`.
#include <yaml.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;

namespace {

bool IsManifest(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

// Parses one document stream; returns the number of events, and sets *failed
// when libyaml stopped at an error.
uint64_t ParseEvents(const std::string& text, bool* failed) {
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  uint64_t events = 0;
  *failed = false;
  while (true) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      *failed = true;
      break;
    }
    ++events;
    bool end = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
    if (end) break;
  }
  yaml_parser_delete(&parser);
  return events;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR...\n", argv[0]);
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(argv[i], ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->is_regular_file(ec) && IsManifest(it->path())) files.push_back(it->path());
    }
    if (ec) {
      std::fprintf(stderr, "libyaml_parse: %s: %s\n", argv[i], ec.message().c_str());
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  uint64_t bytes = 0, events = 0, errors = 0;
  std::string text;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    bytes += text.size();
    bool failed = false;
    events += ParseEvents(text, &failed);
    errors += failed;
  }
  std::printf("files %zu bytes %llu events %llu errors %llu\n", files.size(),
              static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(events),
              static_cast<unsigned long long>(errors));
  return 0;
}
