// The scan's plumbing at scale: any number of jobs, large files set aside
// while another is parsed, all without changing a byte of the report.
// FindingList and the walk have their own tests beside them
// (src/engine/finding_list_test.cc, src/engine/sources_test.cc).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/scanner.h"
#include "gtest/gtest.h"
#include "report/report.h"

namespace rootlock {
namespace {

namespace fs = std::filesystem;

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
  fs::path root_;
};

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

namespace rootlock {
namespace {

// The summary counts every rule; the headline counts stay the gating rule's.
TEST(Summary, CountsEveryRule) {
  SourceOutcome out;
  ScanText("pod.yaml",
           "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
           "    - {name: ro, securityContext: {readOnlyRootFilesystem: true}}\n"
           "    - {name: rw}\n"
           "    - {name: rw2}\n",
           InputFormat::kYaml, ScanOptions{}, &out);
  Summary s = Summarize(out.findings, ScanOptions{});
  const RuleCounts& ro = s.per_rule[static_cast<size_t>(RuleId::kReadOnlyRootFs)];
  const RuleCounts& tmp = s.per_rule[static_cast<size_t>(RuleId::kTmpWritable)];
  EXPECT_EQ(ro.pass, 1u);
  EXPECT_EQ(ro.fail, 2u);
  EXPECT_EQ(tmp.fail, 1u);  // read-only with nothing at /tmp
  EXPECT_EQ(tmp.not_applicable, 2u);
  EXPECT_EQ(s.read_only, ro.pass);
  EXPECT_EQ(s.writable, ro.fail);
}

}  // namespace
}  // namespace rootlock
