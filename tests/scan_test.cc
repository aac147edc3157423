// The scan's plumbing at scale: findings kept serialised (and spilled to a
// temporary file), the streaming walk's order, and large files set aside while
// another is parsed, all without changing a byte of the report.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/finding_list.h"
#include "engine/scanner.h"
#include "engine/sources.h"
#include "gtest/gtest.h"
#include "report/report.h"
#include "rules/rules.h"

namespace rootlock {
namespace {

namespace fs = std::filesystem;

Finding Sample(size_t n) {
  Finding f;
  f.rule = AllRules()[n % AllRules().size()];
  f.status = n % 3 == 0 ? Status::kFail : Status::kNotApplicable;
  f.platform = Platform::kEcs;
  f.kind = "TaskDefinition";
  f.api_version = "v" + std::to_string(n);
  f.name = "family:" + std::to_string(n);
  f.namespace_ = n % 2 ? "" : "ns";
  f.resource = "TaskDefinition/family";
  f.container = "app-" + std::to_string(n);
  f.image = "nginx:1." + std::to_string(n);
  f.where = Location{"dir/file-" + std::to_string(n / 4) + ".json", static_cast<uint32_t>(n + 1), 7,
                     1000u + n};
  f.message = "message " + std::string(n % 50, 'm');
  f.reason = "é reason \n\"quoted\"";
  f.severity = Severity::kCritical;
  f.baseline = n % 5 ? "" : "known";
  f.remedy.changes = {Change::SetFlag(Setting::kReadOnlyRoot), Change::AddWritableMount("/tmp"),
                      Change::AddWritableMount("/var/cache/" + std::to_string(n))};
  f.remedy.blocked = n % 3 ? "" : "a read-only volume is mounted at /tmp";
  f.remedy.observed = n % 2;
  return f;
}

void ExpectSame(const Finding& a, const Finding& b) {
  EXPECT_EQ(a.rule, b.rule);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.platform, b.platform);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.api_version, b.api_version);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.namespace_, b.namespace_);
  EXPECT_EQ(a.resource, b.resource);
  EXPECT_EQ(a.container, b.container);
  EXPECT_EQ(a.image, b.image);
  EXPECT_EQ(a.where.file, b.where.file);
  EXPECT_EQ(a.where.line, b.where.line);
  EXPECT_EQ(a.where.column, b.where.column);
  EXPECT_EQ(a.where.offset, b.where.offset);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_EQ(a.severity, b.severity);
  EXPECT_EQ(a.baseline, b.baseline);
  EXPECT_EQ(a.remedy.changes, b.remedy.changes);
  EXPECT_EQ(a.remedy.blocked, b.remedy.blocked);
  EXPECT_EQ(a.remedy.observed, b.remedy.observed);
}

TEST(FindingList, EveryFieldSurvivesTheRoundTrip) {
  for (size_t n = 0; n < 20; ++n) {
    std::string bytes;
    EncodeFinding(Sample(n), &bytes);
    Finding back;
    size_t pos = 0;
    ASSERT_TRUE(DecodeFinding(bytes, &pos, &back));
    EXPECT_EQ(pos, bytes.size());
    ExpectSame(Sample(n), back);
    // Every shorter prefix is refused, never read past.
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
      size_t p = 0;
      Finding partial;
      EXPECT_FALSE(DecodeFinding(std::string_view(bytes).substr(0, cut), &p, &partial)) << cut;
    }
  }
}

// Blocks filled out of order, in memory and spilled to a file, come back in slot order.
TEST(FindingList, BlocksComeBackInSlotOrderInMemoryAndSpilled) {
  for (size_t threshold : {size_t{0}, size_t{1} << 30}) {
    FindingList list;
    list.SetSpillThreshold(threshold);
    std::vector<size_t> order = {4, 0, 5, 2};  // 1 and 3 stay empty
    for (size_t slot : order) {
      list.Put(slot, {Sample(slot * 10), Sample(slot * 10 + 1)});
    }
    EXPECT_EQ(list.spilled(), threshold == 0);
    EXPECT_EQ(list.size(), 8u);
    for (int pass = 0; pass < 2; ++pass) {  // read twice: the list is not consumed
      std::vector<Finding> all = list.ToVector();
      ASSERT_EQ(all.size(), 8u);
      size_t k = 0;
      for (size_t slot : {0, 2, 4, 5}) {
        ExpectSame(all[k++], Sample(slot * 10));
        ExpectSame(all[k++], Sample(slot * 10 + 1));
      }
    }
    FindingList moved = std::move(list);
    EXPECT_EQ(moved.size(), 8u);
    EXPECT_EQ(moved.ToVector().size(), 8u);
  }
}

TEST(FindingList, ManyThreadsPutAtOnce) {
  FindingList list;
  list.SetSpillThreshold(64 * 1024);  // spills part way through
  constexpr size_t kSlots = 2000;
  std::vector<std::thread> threads;
  for (size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&list, t] {
      for (size_t slot = t; slot < kSlots; slot += 4) list.Put(slot, {Sample(slot)});
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_TRUE(list.spilled());
  size_t slot = 0;
  for (const Finding& f : list) ExpectSame(f, Sample(slot++));
  EXPECT_EQ(slot, kSlots);
}

class ScanTree : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("rootlock-scan-test-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& text) {
    fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  std::string Rel(const std::string& path) const {
    return fs::path(path).lexically_relative(root_).string();
  }
  fs::path root_;
};

TEST_F(ScanTree, WalkIsDepthFirstInByteOrderOfNames) {
  for (const char* f : {"a.yaml", "a/x.yaml", "a-b/y.yml", "b/.git/z.yaml", "b/c/d.json",
                        "b/notes.txt", "B.yaml", "z.tf"}) {
    Write(f, "kind: Pod\n");
  }
  std::vector<Diagnostic> errors;
  std::vector<std::string> seen;
  SourceWalker walker(
      {root_.string(), (root_ / "missing.yaml").string(), (root_ / "b/notes.txt").string()});
  SourceRef src;
  while (walker.Next(&src, &errors)) {
    seen.push_back(Rel(src.path) + (src.explicit_path ? " (named)" : ""));
  }
  // "a" < "a-b" < "a.yaml": a folder's files and subfolders interleave by name.
  EXPECT_EQ(seen, (std::vector<std::string>{"B.yaml", "a/x.yaml", "a-b/y.yml", "a.yaml",
                                            "b/c/d.json", "z.tf", "b/notes.txt (named)"}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].ToString().find("missing.yaml: error: cannot read"), std::string::npos);
}

// Large files set aside while another is parsed, any number of jobs, findings
// spilled or not: the report is the same, byte for byte.
TEST_F(ScanTree, ReportIsTheSameWhateverTheJobsAndTheParseBudget) {
  std::string big = "kind: List\nitems:\n";
  for (int i = 0; i < 300; ++i) {
    big += "- kind: Pod\n  metadata: {name: p" + std::to_string(i) +
           "}\n  spec:\n    containers:\n    - name: c\n      image: nginx\n";
  }
  for (int i = 0; i < 40; ++i) {
    std::string dir = "d" + std::to_string(i % 7) + "/";
    Write(dir + "big" + std::to_string(i) + ".yaml", i % 3 == 0 ? big : "");
    Write(dir + "pod" + std::to_string(i) + ".yaml",
          "kind: Pod\nmetadata: {name: q" + std::to_string(i) +
              "}\nspec:\n  containers:\n  - name: c\n    securityContext: "
              "{readOnlyRootFilesystem: " +
              (i % 2 ? "true" : "false") + "}\n");
    Write(dir + "broken" + std::to_string(i) + ".yaml",
          i % 5 == 0 ? "containers: [\n" : "other: 1\n");
  }
  Write(
      "ecs/a.json",
      R"({"family": "f", "revision": 2, "status": "ACTIVE", "containerDefinitions": [{"name": "x"}]})");
  Write(
      "ecs/b.json",
      R"({"family": "f", "revision": 1, "status": "ACTIVE", "containerDefinitions": [{"name": "x"}]})");
  ScanOptions options;
  options.paths = {root_.string(), (root_ / "nothing-here").string()};
  options.jobs = 1;
  ScanResult reference = Scan(options);
  std::string expected = JsonReport(reference);
  EXPECT_GT(reference.findings.size(), 1000u);
  EXPECT_EQ(reference.errors.size(), 9u);  // 8 broken files and the missing path
  for (unsigned jobs : {2u, 3u, 8u}) {
    for (uint64_t budget : {uint64_t{8}, uint64_t{32} * 1024, uint64_t{2} << 20}) {
      options.jobs = jobs;
      options.parse_budget_bytes = budget;
      EXPECT_EQ(JsonReport(Scan(options)), expected) << jobs << " jobs, a budget of " << budget;
    }
  }
}

}  // namespace
}  // namespace rootlock
