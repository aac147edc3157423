#include "scan/scanner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "base/text.h"
#include "platforms/adapter.h"
#include "platforms/ecs/ecs.h"
#include "platforms/exemptions.h"
#include "scan/sources.h"

namespace rootlock {

bool MayHoldContainer(std::string_view text) {
  for (std::string_view marker : {"ontainer", "services", "HostConfig", "\\"}) {
    if (text.find(marker) != std::string_view::npos) return true;
  }
  // A bare array of ECS container definitions names no container key: the ECS
  // adapter recognises it by a key only a container definition has.
  for (std::string_view key : kEcsOnlyContainerKeys) {
    if (text.find(key) != std::string_view::npos) return true;
  }
  return false;
}

namespace {

// Whether `text` could be a text file: UTF-8 sequences (by their lead and
// continuation bytes) and no NUL. A template is text; random bytes with a
// "{{" somewhere are not a template but an error.
bool IsUtf8Text(std::string_view text) {
  return text.find('\0') == std::string_view::npos &&
         FirstInvalidUtf8(text) == std::string_view::npos;
}

}  // namespace

void ReadWorkloads(const std::string& name, std::string_view text, InputFormat format,
                   const ScanOptions& options, SourceOutcome* out) {
  ParsedSource parsed = ReadSource(name, text, format, options.limits);
  if (parsed.has_error && text.find("{{") != std::string_view::npos && IsUtf8Text(text)) {
    // A Go/Helm template: not YAML until rendered. Judging what parsed would
    // count half a file; say so instead, without failing the run.
    parsed.error.message =
        "Go/Helm template, not YAML until rendered (helm template CHART | rootlock scan -); "
        "it stops parsing here: " +
        parsed.error.message;
    out->skipped.push_back(std::move(parsed.error));
    return;
  }
  std::vector<uint64_t> comment_lines = ExemptionCommentLines(text);
  for (const Document& doc : parsed.documents) {
    DocumentContext ctx{name, doc, parsed.format, nullptr, nullptr, nullptr, {}, nullptr};
    if (!comment_lines.empty()) ctx.line_starts = &comment_lines;
    ctx.tree = parsed.tree.get();
    ctx.resolve = &options.resolve;
    ctx.loader = options.loader ? options.loader : &DiskLoader();
    ctx.text = text;
    ExtractWorkloads(ctx, &out->workloads);
  }
  if (parsed.has_error) out->errors.push_back(std::move(parsed.error));
}

// Findings in line order within a file; a stable sort keeps rule order per container.
bool ByLine(const Finding& a, const Finding& b) {
  if (a.where.line != b.where.line) return a.where.line < b.where.line;
  return a.where.column < b.where.column;
}

void JudgeWorkloads(const std::vector<Workload>& workloads, const ScanOptions& options,
                    std::vector<Finding>* findings) {
  size_t first = findings->size();
  for (const Workload& w : workloads) {
    if (options.config && !options.config->exemptions.empty()) {
      Workload copy = w;
      ApplyConfigExemptions(*options.config, &copy);
      CheckWorkload(copy, options.rules, findings);
    } else {
      CheckWorkload(w, options.rules, findings);
    }
  }
  // Line order within a file; rules in registry order for one container.
  std::stable_sort(findings->begin() + first, findings->end(), ByLine);
}

void ScanText(const std::string& name, std::string_view text, InputFormat format,
              const ScanOptions& options, SourceOutcome* out) {
  ReadWorkloads(name, text, format, options, out);
  std::vector<Workload*> all;
  for (Workload& w : out->workloads) all.push_back(&w);
  ResolveEcsRevisions(all);
  JudgeWorkloads(out->workloads, options, &out->findings);
}

Summary Summarize(const std::vector<Finding>& findings, const ScanOptions& options) {
  Summary s;
  s.min_ratio = options.min_ratio;
  for (const Finding& f : findings) {
    if (!f.rule->gates) continue;
    switch (f.status) {
      case Status::kPass:
        ++s.read_only;
        break;
      case Status::kFail:
        ++s.writable;
        break;
      case Status::kNotApplicable:
        ++s.not_applicable;
        break;
      case Status::kSkipped:
        ++s.skipped;
        break;
      case Status::kError:
        break;
    }
  }
  s.containers = s.read_only + s.writable + s.not_applicable;
  uint64_t judged = s.read_only + s.writable;
  s.ratio = judged == 0 ? 1.0 : static_cast<double>(s.read_only) / static_cast<double>(judged);
  s.passed = s.ratio + 1e-12 >= options.min_ratio && !(options.fail_on_any && s.writable > 0);
  return s;
}

namespace {

// For tests only (HostileInput in tests/e2e_test.cc): ROOTLOCK_TEST_VANISH=PATH
// deletes PATH, and ROOTLOCK_TEST_UNREADABLE=PATH takes its permissions away,
// just before the scan reads it, as another process could between discovery
// and reading. PATH is spelled as the scan names the file ("x.yaml" under ".").
void BeforeReadTestHook(const std::string& path) {
  static const char* const kVanish = std::getenv("ROOTLOCK_TEST_VANISH");
  static const char* const kUnreadable = std::getenv("ROOTLOCK_TEST_UNREADABLE");
  if (kVanish && path == kVanish) unlink(path.c_str());
  if (kUnreadable && path == kUnreadable) chmod(path.c_str(), 0);
}

}  // namespace

ScanResult Scan(const ScanOptions& options) {
  ScanResult result;
  std::vector<Diagnostic> discovery_errors;
  std::vector<SourceRef> sources = DiscoverSources(options.paths, &discovery_errors);

  struct PerFile {
    SourceOutcome outcome;
    uint64_t bytes = 0;
    bool parsed = false;
  };
  std::vector<PerFile> per_file(sources.size());
  auto work = [&](size_t i) {
    const SourceRef& src = sources[i];
    PerFile& out = per_file[i];
    std::string text;
    Diagnostic error;
    BeforeReadTestHook(src.path);
    if (!ReadSourceBytes(src, options.max_file_bytes, &text, &error)) {
      out.outcome.errors.push_back(std::move(error));
      return;
    }
    out.bytes = text.size();
    std::string name = src.path == "-" ? "<stdin>" : src.path;
    if (src.explicit_path) {
      if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        out.outcome.errors.push_back(
            Diagnostic{Location{name}, "empty input: no YAML or JSON document"});
        return;
      }
    } else if (!MayHoldContainer(text) && !text.empty() && text.find('\0') == std::string::npos) {
      return;  // found in a folder and cannot hold a container: not ours to parse
    }
    out.parsed = true;
    ReadWorkloads(name, text, src.format, options, &out.outcome);
    // Judge now, on this thread, and let the workloads go: only ECS revisions
    // need every source first (the latest ACTIVE one may be in another file).
    std::vector<Workload>& ws = out.outcome.workloads;
    auto deferred = std::stable_partition(ws.begin(), ws.end(), [](const Workload& w) {
      return !(w.platform == Platform::kEcs && w.revision > 0);
    });
    std::vector<Workload> now(std::make_move_iterator(ws.begin()),
                              std::make_move_iterator(deferred));
    ws.erase(ws.begin(), deferred);
    JudgeWorkloads(now, options, &out.outcome.findings);
  };

  // stdin is read on this thread, before the workers start.
  std::vector<size_t> queue;
  for (size_t i = 0; i < sources.size(); ++i) {
    if (sources[i].path == "-") {
      work(i);
    } else {
      queue.push_back(i);
    }
  }
  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<size_t>(jobs, std::max<size_t>(1, queue.size())));
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> done_files{0}, done_bytes{0};
  std::mutex progress_mu;
  auto worker = [&]() {
    for (size_t k = next++; k < queue.size(); k = next++) {
      work(queue[k]);
      uint64_t files = ++done_files;
      uint64_t bytes = done_bytes += per_file[queue[k]].bytes;
      if (options.progress && (files % 64 == 0 || files == queue.size())) {
        std::lock_guard<std::mutex> lock(progress_mu);
        options.progress(files, queue.size(), bytes);
      }
    }
  };
  if (jobs <= 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker);
    for (std::thread& t : threads) t.join();
  }

  // Passes that need every source: only the latest ACTIVE revision of an ECS
  // family is judged, wherever its revisions were read.
  std::vector<Workload*> all;
  for (PerFile& f : per_file) {
    for (Workload& w : f.outcome.workloads) all.push_back(&w);
  }
  ResolveEcsRevisions(all);

  result.errors = std::move(discovery_errors);
  size_t total = 0;  // reserved once: growing by doubling would hold two copies at its peak
  for (const PerFile& f : per_file)
    total += f.outcome.findings.size() + 2 * f.outcome.workloads.size();
  result.findings.reserve(total);
  uint64_t parsed = 0;
  for (PerFile& f : per_file) {
    result.summary.bytes += f.bytes;
    parsed += f.parsed;
    if (!f.outcome.workloads.empty()) {
      // Deferred ECS revisions join the file's findings, in line order.
      JudgeWorkloads(f.outcome.workloads, options, &f.outcome.findings);
      std::stable_sort(f.outcome.findings.begin(), f.outcome.findings.end(), ByLine);
      f.outcome.workloads.clear();
    }
    for (Finding& x : f.outcome.findings) result.findings.push_back(std::move(x));
    f.outcome.findings = {};
    for (Diagnostic& d : f.outcome.errors) result.errors.push_back(std::move(d));
    for (Diagnostic& d : f.outcome.skipped) result.skipped_files.push_back(std::move(d));
  }
  Summary s = Summarize(result.findings, options);
  s.files = sources.size();
  s.files_parsed = parsed;
  s.bytes = result.summary.bytes;
  result.summary = s;
  return result;
}

}  // namespace rootlock
