// Replays saved inputs through one fuzz target without libFuzzer, so seed
// corpora and regression inputs run as ordinary tests in any build (like
// simdjson's test/fuzzing/main.cc). Linked with one fuzz_*.cc.
//
//   replay_scan PATH... [--optional PATH]...
//
// Each file, and every file under each folder (recursively, in sorted order),
// is one input. A path after --optional may be absent (../shared/conformance
// on a machine without it). A crash or a violated property aborts the run and
// the name of the input it was reading is the last line printed; otherwise it
// prints how many inputs it replayed and exits 0. It fails when there was
// nothing to replay, so a mistyped path cannot pass unnoticed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

bool ReadFile(const fs::path& path, std::vector<char>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

// The files `path` names: itself, or the regular files below it, sorted.
bool Collect(const fs::path& path, std::vector<fs::path>* files) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    files->push_back(path);
    return true;
  }
  if (!fs::is_directory(path, ec)) return false;
  std::vector<fs::path> found;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) found.push_back(it->path());
  }
  if (ec) return false;
  std::sort(found.begin(), found.end());
  files->insert(files->end(), found.begin(), found.end());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  bool optional = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--optional") == 0) {
      optional = true;
      continue;
    }
    if (!Collect(argv[i], &files)) {
      if (!optional) {
        std::fprintf(stderr, "replay: %s: no such file or folder\n", argv[i]);
        return 2;
      }
      std::fprintf(stderr, "replay: %s is absent: not replayed\n", argv[i]);
    }
    optional = false;
  }
  if (files.empty()) {
    std::fprintf(stderr, "replay: nothing to replay (usage: %s PATH... [--optional PATH])\n",
                 argv[0]);
    return 2;
  }
  std::vector<char> bytes;
  for (const fs::path& file : files) {
    if (!ReadFile(file, &bytes)) {
      std::fprintf(stderr, "replay: %s: cannot read\n", file.c_str());
      return 2;
    }
    std::printf("replaying %s\n", file.c_str());
    std::fflush(stdout);
    // An exact-size heap copy, as libFuzzer passes it, so a read past the end is caught.
    std::unique_ptr<uint8_t[]> data(new uint8_t[bytes.size()]);
    std::copy(bytes.begin(), bytes.end(), data.get());
    LLVMFuzzerTestOneInput(data.get(), bytes.size());
  }
  std::printf("replayed %zu inputs\n", files.size());
  return 0;
}
