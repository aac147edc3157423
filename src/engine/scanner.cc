#include "engine/scanner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "base/file_system.h"
#include "base/test_hooks.h"
#include "base/text.h"
#include "engine/sources.h"
#include "platforms/adapter.h"
#include "platforms/exemptions.h"

namespace rootlock {

namespace {

// Whether `text` could be a text file: UTF-8 sequences (by their lead and
// continuation bytes) and no NUL. A template is text; random bytes with a
// "{{" somewhere are not a template but an error.
bool IsUtf8Text(std::string_view text) {
  return text.find('\0') == std::string_view::npos &&
         FirstInvalidUtf8(text) == std::string_view::npos;
}

}  // namespace

void ExtractAll(const std::string& name, std::string_view text, const ParsedSource& parsed,
                const ScanOptions& options, std::vector<Workload>* out,
                std::vector<const Node*>* roots) {
  std::vector<uint64_t> comment_lines = ExemptionCommentLines(text);
  for (const Document& doc : parsed.documents) {
    DocumentContext ctx{name, doc, parsed.format, nullptr, nullptr, nullptr, {}, nullptr};
    if (!comment_lines.empty()) ctx.line_starts = &comment_lines;
    ctx.tree = parsed.tree.get();
    ctx.resolve = &options.resolve;
    ctx.loader = options.loader ? options.loader : &RealFileSystem();
    ctx.text = text;
    ExtractWorkloads(ctx, out);
    if (roots) roots->resize(out->size(), doc.root);
  }
}

bool HasConfigExemptions(const ScanOptions& options) {
  return options.config && !options.config->exemptions.empty();
}

void ApplyConfig(const ScanOptions& options, Workload* w) {
  if (HasConfigExemptions(options)) ApplyConfigExemptions(*options.config, w);
}

void JudgeWorkload(const Workload& w, const ScanOptions& options, std::vector<Finding>* out) {
  if (HasConfigExemptions(options)) {
    Workload copy = w;
    ApplyConfig(options, &copy);
    CheckWorkload(copy, options.rules, out);
  } else {
    CheckWorkload(w, options.rules, out);
  }
}

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
  ExtractAll(name, text, parsed, options, &out->workloads);
  if (parsed.has_error) out->errors.push_back(std::move(parsed.error));
}

// Findings from `first` on in line order within a file; a stable sort keeps rule
// order per container. The order is worked out on small keys and each finding moved
// once: sorting the findings themselves moved each several times, 4% of a JSON scan
// with every rule's findings, seven a container (issue 15).
void SortByLine(std::vector<Finding>* findings, size_t first) {
  struct Key {
    uint32_t line, column, index;
  };
  size_t n = findings->size() - first;
  if (n < 2) return;
  std::vector<Key> keys(n);
  for (size_t i = 0; i < n; ++i) {
    const Location& at = (*findings)[first + i].where;
    keys[i] = Key{at.line, at.column, static_cast<uint32_t>(i)};
  }
  auto by_line = [](const Key& a, const Key& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  };
  if (std::is_sorted(keys.begin(), keys.end(), by_line)) return;
  std::stable_sort(keys.begin(), keys.end(), by_line);
  std::vector<Finding> sorted;
  sorted.reserve(n);
  for (const Key& k : keys) sorted.push_back(std::move((*findings)[first + k.index]));
  if (first == 0) {
    findings->swap(sorted);
  } else {
    std::move(sorted.begin(), sorted.end(), findings->begin() + static_cast<ptrdiff_t>(first));
  }
}

void JudgeWorkloads(const std::vector<Workload>& workloads, const ScanOptions& options,
                    std::vector<Finding>* findings) {
  size_t first = findings->size();
  // Room for every finding at once: grown as they come, each was moved once more.
  size_t containers = 0, reporting = 0;
  for (const Workload& w : workloads) containers += w.containers.size();
  for (const RuleInfo* r : AllRules()) reporting += options.rules.disabled.count(r->id) == 0;
  size_t need = first + containers * reporting;
  if (need > findings->capacity()) findings->reserve(std::max(need, 2 * findings->capacity()));
  for (const Workload& w : workloads) JudgeWorkload(w, options, findings);
  // Line order within a file; rules in registry order for one container.
  SortByLine(findings, first);
}

void ScanText(const std::string& name, std::string_view text, InputFormat format,
              const ScanOptions& options, SourceOutcome* out) {
  ReadWorkloads(name, text, format, options, out);
  std::vector<Workload*> all;
  for (Workload& w : out->workloads) all.push_back(&w);
  ResolveAcrossSources(all);
  JudgeWorkloads(out->workloads, options, &out->findings);
}

void CountVerdicts(const std::vector<Finding>& findings, Summary* s) {
  std::span<const RuleInfo* const> rules = AllRules();
  for (const Finding& f : findings) {
    for (size_t i = 0; i < rules.size(); ++i) {
      if (rules[i] != f.rule) continue;
      RuleCounts& c = s->per_rule[i];
      ++(f.status == Status::kPass            ? c.pass
         : f.status == Status::kFail          ? c.fail
         : f.status == Status::kNotApplicable ? c.not_applicable
         : f.status == Status::kSkipped       ? c.skipped
                                              : c.error);
    }
    if (!f.rule->gates) continue;
    switch (f.status) {
      case Status::kPass:
        ++s->read_only;
        break;
      case Status::kFail:
        ++s->writable;
        break;
      case Status::kNotApplicable:
        ++s->not_applicable;
        break;
      case Status::kSkipped:
        ++s->skipped;
        break;
      case Status::kError:
        break;
    }
  }
}

void Conclude(const ScanOptions& options, Summary* s) {
  s->min_ratio = options.min_ratio;
  s->containers = s->read_only + s->writable + s->not_applicable;
  uint64_t judged = s->read_only + s->writable;
  s->ratio = judged == 0 ? 1.0 : static_cast<double>(s->read_only) / static_cast<double>(judged);
  s->allow_empty = options.allow_empty;
  s->fail_on.clear();
  s->failed_on = 0;
  for (size_t r = 0; r < kRuleCount; ++r) {
    const RuleInfo& rule = *AllRules()[r];
    s->fails_run[r] = rule.gates;
    auto sev = options.rules.severity.find(rule.id);
    Severity severity = sev != options.rules.severity.end() ? sev->second : rule.severity;
    if (options.fail_on.count(rule.id) ||
        (options.fail_on_severity && severity >= *options.fail_on_severity)) {
      s->fail_on.push_back(rule.id);
      s->failed_on += s->per_rule[r].fail;
      s->fails_run[r] = true;
    }
  }
  // The ratio gate stands on the gating rule; when it does not run, only --fail-on gates.
  s->ratio_gate = false;
  for (const RuleInfo* rule : AllRules()) {
    if (rule->gates && !options.rules.disabled.count(rule->id)) s->ratio_gate = true;
  }
  bool ratio_ok = !s->ratio_gate || (s->empty() ? options.allow_empty
                                                : s->ratio + 1e-12 >= options.min_ratio &&
                                                      !(options.fail_on_any && s->writable > 0));
  s->passed = ratio_ok && s->failed_on == 0;
}

Summary Summarize(const std::vector<Finding>& findings, const ScanOptions& options) {
  Summary s;
  CountVerdicts(findings, &s);
  Conclude(options, &s);
  return s;
}

ScanResult JudgeReady(std::vector<Workload> workloads, const ScanOptions& options) {
  std::vector<Workload*> all;
  for (Workload& w : workloads) all.push_back(&w);
  ResolveAcrossSources(all);
  std::vector<Finding> findings;
  for (const Workload& w : workloads) JudgeWorkload(w, options, &findings);
  ScanResult result;
  result.summary = Summarize(findings, options);
  result.severity = options.rules.severity;
  result.findings.Append(findings);
  return result;
}

namespace {

// One file to scan: its place in the report and where to read it.
struct Job {
  size_t slot = 0;
  SourceRef src;
  uint64_t bytes = 0;  // its size when last read
};

// Large files share a budget of bytes being parsed at once: a parse tree costs
// several times its source, so many large ones in flight would multiply the
// peak. Files under an eighth of the budget never wait; a file larger than the
// whole budget is parsed alone. A worker that meets a large file that does not
// fit sets it aside (its bytes dropped, to be read again) and goes on with
// others; set-aside files are taken up as soon as they fit, and all of them
// before the scan ends.
class ParseBudget {
 public:
  explicit ParseBudget(uint64_t budget) : budget_(budget) {}

  bool IsLarge(uint64_t bytes) const { return bytes >= budget_ / 8; }

  // Takes `job.bytes` of the budget. When they do not fit: waits if
  // `may_wait`, else sets `job` aside and returns false.
  bool Enter(const Job& job, bool may_wait) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!Fits(job.bytes) && !may_wait) {
      waiting_.push_back(job);
      return false;
    }
    cv_.wait(lock, [&] { return Fits(job.bytes); });
    used_ += job.bytes;
    return true;
  }

  void Leave(uint64_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      used_ -= bytes;
    }
    cv_.notify_all();
  }

  // A set-aside file that fits now, if there is one.
  bool TakeIfFits(Job* job) {
    std::lock_guard<std::mutex> lock(mu_);
    return TakeFitting(job);
  }

  // With nothing else left to do: the next set-aside file, waiting until one
  // fits; false once none is left.
  bool TakeAtEnd(Job* job) {
    std::unique_lock<std::mutex> lock(mu_);
    while (!TakeFitting(job)) {
      if (waiting_.empty()) return false;
      cv_.wait(lock);
    }
    return true;
  }

 private:
  bool Fits(uint64_t bytes) const { return used_ == 0 || used_ + bytes <= budget_; }

  bool TakeFitting(Job* job) {
    for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
      if (Fits(it->bytes)) {
        *job = std::move(*it);
        waiting_.erase(it);
        return true;
      }
    }
    return false;
  }

  uint64_t budget_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t used_ = 0;
  std::deque<Job> waiting_;
};

// The walk's files on their way to the workers: the walker blocks while it is
// full, so a walk far ahead of the workers holds little.
class JobQueue {
 public:
  void Push(Job job) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return jobs_.size() < kCapacity; });
    jobs_.push_back(std::move(job));
    not_empty_.notify_one();
  }

  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }

  // False once the queue is closed and empty.
  bool Pop(Job* job) {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return !jobs_.empty() || closed_; });
    if (jobs_.empty()) return false;
    *job = std::move(jobs_.front());
    jobs_.pop_front();
    not_full_.notify_one();
    return true;
  }

 private:
  static constexpr size_t kCapacity = 1024;
  std::mutex mu_;
  std::condition_variable not_empty_, not_full_;
  std::deque<Job> jobs_;
  bool closed_ = false;
};

}  // namespace

ScanResult Scan(const ScanOptions& options) {
  ScanResult result;
  // What the workers share, under `mu`. Per-file state is kept out of memory
  // (findings go to the list as each file is judged, the walk hands files over
  // as it finds them), so the scan's memory is bounded by its largest file, not
  // by the number of files.
  struct Tagged {
    size_t slot;
    Diagnostic d;
  };
  struct Deferred {
    size_t slot;
    SourceOutcome outcome;  // ECS revisions, and the file's findings so far
  };
  std::mutex mu;
  std::vector<Tagged> errors, skipped;
  std::vector<Deferred> deferred;
  std::vector<Workload> suppliers;  // waiting, without containers: ConfigMaps
  Summary tally;
  std::atomic<uint64_t> parsed{0}, total_bytes{0};
  ParseBudget budget(options.parse_budget_bytes);

  // Scans one file; returns the bytes read, or nothing when the file was set
  // aside for later (a large file, with another being parsed, and `may_defer`).
  auto work = [&](Job& job, bool may_defer) -> std::optional<uint64_t> {
    const SourceRef& src = job.src;
    size_t i = job.slot;
    SourceOutcome out;
    std::string text;
    Diagnostic error;
    test_hooks::BeforeRead(src.path);
    std::string name = src.path == "-" ? "<stdin>" : src.path;
    bool read = ReadSourceBytes(src, options.max_file_bytes, &text, &error);
    std::string utf16_error;
    if (read && DecodeUtf16WithBom(&text, &utf16_error) && !utf16_error.empty()) {
      out.errors.push_back(Diagnostic{Location{name}, utf16_error});
    } else if (!read) {
      out.errors.push_back(std::move(error));
    } else if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      // Empty, like a file holding only `---`: no container, and no error. A
      // scan that judged nothing says so, and fails unless --allow-empty.
    } else if (!src.explicit_path && !MayHoldContainer(text) && !text.empty() &&
               text.find('\0') == std::string::npos) {
      // Found in a folder and cannot hold a container: not ours to parse.
    } else {
      job.bytes = text.size();
      bool large = budget.IsLarge(job.bytes);
      if (large && !budget.Enter(job, !may_defer)) return std::nullopt;
      ++parsed;
      ReadWorkloads(name, text, src.format, options, &out);
      if (large) budget.Leave(job.bytes);
      // Judge now, on this thread, and let the workloads go: only some need
      // every source first (an ECS revision: the latest ACTIVE one may be in another file).
      std::vector<Workload>& ws = out.workloads;
      auto later = std::stable_partition(ws.begin(), ws.end(),
                                         [](const Workload& w) { return !NeedsEverySource(w); });
      std::vector<Workload> now(std::make_move_iterator(ws.begin()),
                                std::make_move_iterator(later));
      ws.erase(ws.begin(), later);
      JudgeWorkloads(now, options, &out.findings);
    }
    total_bytes += text.size();
    // What waits without containers (a ConfigMap, for envFrom) yields no finding: the
    // file's findings are final, and need not wait with it.
    bool settled = std::all_of(out.workloads.begin(), out.workloads.end(),
                               [](const Workload& w) { return w.containers.empty(); });
    if (settled) result.findings.Put(i, out.findings);
    std::lock_guard<std::mutex> lock(mu);
    for (Diagnostic& d : out.errors) errors.push_back(Tagged{i, std::move(d)});
    for (Diagnostic& d : out.skipped) skipped.push_back(Tagged{i, std::move(d)});
    if (settled) {
      CountVerdicts(out.findings, &tally);
      for (Workload& w : out.workloads) suppliers.push_back(std::move(w));
    } else {
      out.errors.clear();
      out.skipped.clear();
      deferred.push_back(Deferred{i, std::move(out)});
    }
    return text.size();
  };

  // Progress: files and bytes done; the total is known once the walk is over.
  std::atomic<uint64_t> done_files{0}, done_bytes{0}, walked{0};
  std::atomic<bool> walk_over{false};
  std::mutex progress_mu;
  auto done = [&](uint64_t read) {
    uint64_t files = ++done_files;
    uint64_t bytes = done_bytes += read;
    if (!options.progress) return;
    uint64_t total = walk_over ? walked.load() : 0;
    if (files % 64 == 0 || files == total) {
      std::lock_guard<std::mutex> lock(progress_mu);
      options.progress(files, total, bytes);
    }
  };

  // The walk runs on this thread, handing each file to the workers as it is
  // found. A problem met on the way takes the place of the next file, so that
  // errors come out in walk order. stdin is read here, by this thread.
  SourceWalker walker(options.paths);
  std::vector<Diagnostic> walk_errors;
  auto next = [&](Job* job) {
    bool more = walker.Next(&job->src, &walk_errors);
    job->slot = walked;
    if (!walk_errors.empty()) {
      std::lock_guard<std::mutex> lock(mu);
      for (Diagnostic& d : walk_errors) errors.push_back(Tagged{job->slot, std::move(d)});
      walk_errors.clear();
    }
    if (more) {
      ++walked;
    } else {
      walk_over = true;
    }
    return more;
  };
  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  Job job;
  if (jobs <= 1) {
    while (next(&job)) done(*work(job, false));
  } else {
    JobQueue queue;
    auto worker = [&]() {
      Job mine;
      while (true) {
        if (budget.TakeIfFits(&mine)) {
          done(*work(mine, false));
          continue;
        }
        if (!queue.Pop(&mine)) break;
        if (std::optional<uint64_t> read = work(mine, true)) done(*read);
      }
      while (budget.TakeAtEnd(&mine)) done(*work(mine, false));
    };
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker);
    while (next(&job)) {
      if (job.src.path == "-") {
        done(*work(job, false));
      } else {
        queue.Push(std::move(job));
      }
    }
    queue.Close();
    for (std::thread& t : threads) t.join();
  }

  // Passes that need every source: only the latest ACTIVE revision of an ECS
  // family is judged, wherever its revisions were read; envFrom reads a ConfigMap
  // wherever it was read.
  std::vector<Workload*> all;
  for (Deferred& f : deferred) {
    for (Workload& w : f.outcome.workloads) all.push_back(&w);
  }
  for (Workload& w : suppliers) all.push_back(&w);
  ResolveAcrossSources(all);
  for (Deferred& f : deferred) {
    // The deferred revisions join the file's findings, in line order.
    JudgeWorkloads(f.outcome.workloads, options, &f.outcome.findings);
    SortByLine(&f.outcome.findings, 0);
    result.findings.Put(f.slot, f.outcome.findings);
    CountVerdicts(f.outcome.findings, &tally);
  }

  // Diagnostics in walk order; one file's in the order it raised them.
  auto by_slot = [](const Tagged& a, const Tagged& b) { return a.slot < b.slot; };
  std::stable_sort(errors.begin(), errors.end(), by_slot);
  std::stable_sort(skipped.begin(), skipped.end(), by_slot);
  for (Tagged& t : errors) result.errors.push_back(std::move(t.d));
  for (Tagged& t : skipped) result.skipped_files.push_back(std::move(t.d));

  Conclude(options, &tally);
  result.severity = options.rules.severity;
  result.summary = tally;
  result.summary.files = walked;
  result.summary.files_parsed = parsed;
  result.summary.bytes = total_bytes;
  result.summary.files_skipped = result.skipped_files.size();
  return result;
}

}  // namespace rootlock
