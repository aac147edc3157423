// rootlock fix: golden outputs per platform, and the properties every fix must
// hold — it parses, a re-scan passes, a second fix changes nothing, line
// endings are kept, and nothing else moves.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "engine/sources.h"
#include "fix/edit.h"
#include "fix/fix.h"

namespace fs = std::filesystem;

namespace rootlock {
namespace {

const std::string kSource = ROOTLOCK_SOURCE_DIR;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void ExpectGolden(const std::string& actual, const fs::path& golden) {
  if (std::getenv("UPDATE_GOLDEN")) {
    fs::create_directories(golden.parent_path());
    std::ofstream(golden, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " is missing; run with UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, ReadAll(golden)) << "differs from " << golden;
}

// (resource, container) of every failure fix has a remedy for (read-only-root-fs, tmp-writable,
// no-privileged; run-as-non-root and logging-enabled have none without --user, --log-driver).
std::set<std::pair<std::string, std::string>> Failing(const std::string& name,
                                                      const std::string& text) {
  SourceOutcome out;
  ScanText(name, text, FormatForPath(name), ScanOptions{}, &out);
  std::set<std::pair<std::string, std::string>> failing;
  for (const Finding& f : out.findings) {
    if (f.status == Status::kFail && !f.remedy.changes.empty()) {
      failing.insert({f.resource, f.container});
    }
  }
  return failing;
}

// Every property a fix must hold, for one file.
void CheckFixProperties(const std::string& name, const std::string& text, FileFix* result) {
  FixOptions options;
  FileFix f = FixText(name, text, FormatForPath(name), options);
  ASSERT_TRUE(f.error.empty()) << name << ": " << f.error;
  // The fixed text parses, and what failed now passes unless it was left alone.
  SourceOutcome again;
  ScanText(name, f.after, FormatForPath(name), ScanOptions{}, &again);
  EXPECT_TRUE(again.errors.empty()) << name << ": " << again.errors[0].ToString();
  std::set<std::pair<std::string, std::string>> before = Failing(name, text);
  std::set<std::pair<std::string, std::string>> after = Failing(name, f.after);
  for (const auto& still : after) {
    EXPECT_TRUE(before.count(still)) << name << ": fix made " << still.second << " fail";
  }
  // Left alone whole, or for one rule (a note).
  EXPECT_LE(after.size(), f.left_alone.size() + f.notes.size())
      << name
      << ": some failures were neither fixed "
         "nor reported as left alone";
  // A second fix is a no-op.
  FileFix twice = FixText(name, f.after, FormatForPath(name), options);
  EXPECT_EQ(twice.after, f.after) << name << ": fix is not idempotent";
  EXPECT_EQ(twice.containers_fixed, 0) << name;
  // Line endings: a CRLF file has no bare LF after the fix, and an LF file no CR.
  if (LineEnding(text) == "\r\n") {
    for (size_t i = 0; i < f.after.size(); ++i) {
      if (f.after[i] == '\n') {
        ASSERT_TRUE(i > 0 && f.after[i - 1] == '\r') << name << " @" << i;
      }
    }
  } else {
    EXPECT_EQ(f.after.find('\r'), std::string::npos) << name;
  }
  // Only additions and in-place value changes: every original line that the
  // diff does not change is still there, comments and blank lines included.
  std::string diff = UnifiedDiff(name, text, f.after);
  size_t removed = 0;
  std::istringstream lines(diff);
  std::string line;
  while (std::getline(lines, line))
    removed += line.size() > 0 && line[0] == '-' && line.rfind("---", 0) != 0;
  // At most the flag line and a mounts line per container, and a volumes line per task.
  EXPECT_LE(removed, static_cast<size_t>(f.containers_fixed) * 3 + 2) << diff;
  *result = std::move(f);
}

TEST(Fix, GoldenFilesForEveryPlatform) {
  int files = 0;
  for (std::string platform : {"kubernetes", "ecs", "compose"}) {
    fs::path dir = kSource + "/tests/golden/fix/" + platform;
    std::vector<fs::path> inputs;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_regular_file()) inputs.push_back(e.path());
    }
    std::sort(inputs.begin(), inputs.end());
    for (const fs::path& input : inputs) {
      ++files;
      std::string rel = "tests/golden/fix/" + platform + "/" + input.filename().string();
      FileFix f;
      CheckFixProperties(rel, ReadAll(input), &f);
      ExpectGolden(f.after, dir / "expected" / (input.filename().string() + ".fixed"));
      std::string notes;
      for (const Diagnostic& d : f.left_alone) {
        notes += d.where.file + ":" + std::to_string(d.where.line) + ": " + d.message + "\n";
      }
      notes += "fixed " + std::to_string(f.containers_fixed) + " containers, " +
               std::to_string(f.mounts_added) + " mounts\n";
      ExpectGolden(notes, dir / "expected" / (input.filename().string() + ".notes"));
    }
  }
  EXPECT_GE(files, 7);
}

// The rules beside read-only (issue 15): no-privileged always, run-as-non-root with
// --user, logging-enabled with --log-driver, in every source's spelling; what a
// template sets, and what needs a human (no-host-pid, no-secrets-in-env), said and left.
TEST(Fix, GoldenFilesForTheRulesBesideReadOnly) {
  fs::path dir = kSource + "/tests/golden/fix/rules";
  FixOptions options;
  options.scan.rules.run_as = "10001:10001";
  options.scan.rules.log_driver = "awslogs";
  options.scan.rules.log_options = {{"awslogs-group", "/ecs/app"},
                                    {"awslogs-region", "eu-west-1"},
                                    {"awslogs-stream-prefix", "app"}};
  std::vector<fs::path> inputs;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) inputs.push_back(e.path());
  }
  std::sort(inputs.begin(), inputs.end());
  ASSERT_EQ(inputs.size(), 5u);
  for (const fs::path& input : inputs) {
    std::string rel = "tests/golden/fix/rules/" + input.filename().string();
    SCOPED_TRACE(rel);
    std::string text = ReadAll(input);
    FileFix f = FixText(rel, text, FormatForPath(rel), options);
    ASSERT_TRUE(f.error.empty()) << f.error;
    ExpectGolden(f.after, dir / "expected" / (input.filename().string() + ".fixed"));
    std::string notes;
    for (const std::vector<Diagnostic>* list : {&f.left_alone, &f.notes}) {
      for (const Diagnostic& d : *list) {
        notes += d.where.file + ":" + std::to_string(d.where.line) + ": " + d.message + "\n";
      }
    }
    notes += "fixed " + std::to_string(f.containers_fixed) + " containers, " +
             std::to_string(f.mounts_added) + " mounts\n";
    ExpectGolden(notes, dir / "expected" / (input.filename().string() + ".notes"));
    // Scanned again with the same options, every failure fix has a remedy for is gone,
    // but for those it said it left alone.
    SourceOutcome before, again;
    ScanText(rel, text, FormatForPath(rel), options.scan, &before);
    ScanText(rel, f.after, FormatForPath(rel), options.scan, &again);
    ASSERT_TRUE(again.errors.empty()) << again.errors[0].ToString();
    int remedied_before = 0, left = 0;
    for (const Finding& x : before.findings) {
      remedied_before += x.status == Status::kFail && !x.remedy.changes.empty();
    }
    for (const Finding& x : again.findings) {
      if (x.status != Status::kFail || x.remedy.changes.empty()) continue;
      ++left;
      bool said = false;
      for (const Diagnostic& d : f.notes) {
        said |= d.message.find("left alone for " + std::string(x.rule->id)) != std::string::npos &&
                d.message.find("'" + x.container + "'") != std::string::npos;
      }
      for (const Diagnostic& d : f.left_alone) {
        said |= d.message.find("'" + x.container + "'") != std::string::npos;
      }
      EXPECT_TRUE(said) << x.message << " still fails " << x.rule->id << " and was not said";
    }
    EXPECT_LT(left, remedied_before);
    // Fixing twice is fixing once.
    FileFix twice = FixText(rel, f.after, FormatForPath(rel), options);
    EXPECT_EQ(twice.after, f.after);
    EXPECT_EQ(twice.containers_fixed, 0);
  }
}

TEST(Fix, KnownImagePathsAndWritableFlag) {
  EXPECT_EQ(KnownWritablePaths("docker.io/library/nginx:1.27-alpine"),
            (std::vector<std::string>{"/var/cache/nginx", "/var/run"}));
  EXPECT_TRUE(KnownWritablePaths("nginxinc/nginx-unprivileged").empty());
  FixOptions options;
  options.writable = {"/var/lib/app/"};
  FileFix f = FixText("p.yaml",
                      "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n"
                      "    image: app\n",
                      InputFormat::kYaml, options);
  ASSERT_TRUE(f.error.empty()) << f.error;
  EXPECT_EQ(f.after,
            "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n"
            "    image: app\n    securityContext:\n      readOnlyRootFilesystem: true\n"
            "    volumeMounts:\n    - name: tmp\n      mountPath: /tmp\n"
            "    - name: var-lib-app\n      mountPath: /var/lib/app\n"
            "  volumes:\n  - name: tmp\n    emptyDir: {}\n  - name: var-lib-app\n"
            "    emptyDir: {}\n");
}

TEST(Fix, NeverTouchesPassingWindowsOrUnparseableFiles) {
  std::string passing =
      "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n"
      "    securityContext: {readOnlyRootFilesystem: true}\n"
      "    volumeMounts: [{name: t, mountPath: /tmp}]\n  volumes: [{name: t, emptyDir: {}}]\n";
  EXPECT_EQ(FixText("p.yaml", passing, InputFormat::kYaml, {}).after, passing);
  std::string windows =
      "kind: Pod\nmetadata: {name: w}\nspec:\n  os: {name: windows}\n  containers: [{name: a}]\n";
  EXPECT_EQ(FixText("w.yaml", windows, InputFormat::kYaml, {}).after, windows);
  FileFix broken = FixText("b.yaml", "kind: Pod\nspec: [\n", InputFormat::kYaml, {});
  EXPECT_EQ(broken.after, broken.before);
  EXPECT_NE(broken.error.find("does not parse"), std::string::npos);
}

// The notes of containers fixed in part (not those of the rules fix does not write).
std::vector<std::string> InPart(const FileFix& f) {
  std::vector<std::string> out;
  for (const Diagnostic& d : f.notes) {
    if (d.message.find(": fixed in part: ") != std::string::npos) out.push_back(d.message);
  }
  return out;
}

TEST(Fix, ABareContainerDefinitionListGetsTheFlagAndSaysWhyNotTheMounts) {
  std::string bare = "[\n  {\"name\": \"api\", \"image\": \"api:1\", \"essential\": true}\n]\n";
  FileFix f = FixText("defs.json", bare, InputFormat::kJson, {});
  ASSERT_TRUE(f.error.empty()) << f.error;
  EXPECT_NE(f.after.find("\"readonlyRootFilesystem\": true"), std::string::npos) << f.after;
  // Fixed or left alone, never both (issue 13): fixed, with what is left to do.
  EXPECT_EQ(f.containers_fixed, 1);
  EXPECT_TRUE(f.left_alone.empty());
  // Besides the rules fix does not write (run-as-non-root, logging-enabled: said, not done),
  // one note: what is left of the read-only remedy.
  std::vector<std::string> in_part = InPart(f);
  ASSERT_EQ(in_part.size(), 1u);
  EXPECT_NE(in_part[0].find("api': fixed in part: a bare list of container definitions "
                            "has no task to declare volumes in"),
            std::string::npos)
      << in_part[0];
  EXPECT_EQ(f.notes.size(), 3u);
  EXPECT_NE(f.notes[0].message.find(
                "left alone for run-as-non-root (fix writes it when given --user UID[:GID])"),
            std::string::npos)
      << f.notes[0].message;
  FileFix again = FixText("defs.json", f.after, InputFormat::kJson, {});
  EXPECT_EQ(again.after, f.after);
  // Read-only now: only tmp-writable is left, which does not make fix fail.
  ASSERT_EQ(again.left_alone.size(), 1u);
  EXPECT_EQ(again.left_alone_failing, 0);
  FileFix docker = FixText("inspect.json",
                           R"([{"Id": "a1", "Name": "/w", "Config": {"Image": "x"},
                               "HostConfig": {"ReadonlyRootfs": false}}])",
                           InputFormat::kJson, {});
  EXPECT_EQ(docker.left_alone_failing, 1);
}

// mountPoints that are not a list: the flag is set (fixed in part) and the
// re-scan proves the flag, not the /tmp it could not add.
TEST(Fix, AContainerFixedInPartIsProvenOnItsFlagOnly) {
  std::string task = R"({"family": "f", "containerDefinitions": [
  {"name": "api", "image": "api:1", "essential": true, "mountPoints": "oops"}
]}
)";
  FileFix f = FixText("task.json", task, InputFormat::kJson, {});
  ASSERT_TRUE(f.error.empty()) << f.error;
  EXPECT_NE(f.after.find("\"readonlyRootFilesystem\": true"), std::string::npos) << f.after;
  EXPECT_EQ(f.containers_fixed, 1);
  EXPECT_TRUE(f.left_alone.empty());
  std::vector<std::string> in_part = InPart(f);
  ASSERT_EQ(in_part.size(), 1u);
  EXPECT_NE(in_part[0].find("fixed in part: mountPoints is not a list written here"),
            std::string::npos)
      << in_part[0];
}

// The empty `tmpfs:` gets its list before read_only is added after it, even
// when both land at the end of a file with no final newline.
TEST(Fix, AnEmptyValueAtTheEndOfAFileIsFilledBeforeTheMemberAddedAfterIt) {
  for (std::string end : {"", "\n"}) {
    std::string text = "services:\n  web:\n    image: nginx\n    tmpfs:" + end;
    FileFix f;
    CheckFixProperties("docker-compose.yml", text, &f);
    EXPECT_EQ(f.after,
              "services:\n  web:\n    image: nginx\n"
              "    tmpfs: [/tmp, /var/cache/nginx, /var/run]\n    read_only: true\n");
    EXPECT_EQ(f.containers_fixed, 1);
  }
}

// Items added beside flow-style items (`- {name: cfg, ...}`) are written in flow style too
// (issue 13); beside block items they stay block.
TEST(Fix, ItemsAddedBesideFlowStyleItemsAreFlowStyle) {
  std::string text =
      "kind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: app\n"
      "    image: busybox\n    volumeMounts:\n    - {name: cfg, mountPath: /etc/cfg}\n"
      "  volumes:\n  - {name: cfg, configMap: {name: cfg}}\n";
  FileFix f;
  CheckFixProperties("pod.yaml", text, &f);
  EXPECT_EQ(f.after,
            "kind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: app\n"
            "    image: busybox\n    volumeMounts:\n    - {name: cfg, mountPath: /etc/cfg}\n"
            "    - {name: tmp, mountPath: /tmp}\n    securityContext:\n"
            "      readOnlyRootFilesystem: true\n  volumes:\n"
            "  - {name: cfg, configMap: {name: cfg}}\n  - {name: tmp, emptyDir: {}}\n");
}

// Reapplies a unified diff to `before` (what patch(1) does with our hunks).
std::string Patch(const std::string& before, const std::string& diff) {
  std::vector<std::string> old;
  std::istringstream in(before);
  for (std::string l; std::getline(in, l);) old.push_back(l);
  std::string out;
  size_t next = 0;  // the next line of `before` not yet copied
  std::istringstream d(diff);
  for (std::string l; std::getline(d, l);) {
    if (l.rfind("---", 0) == 0 || l.rfind("+++", 0) == 0) continue;
    if (l.rfind("@@ -", 0) == 0) {
      size_t comma = l.find(',');
      size_t from = std::stoul(l.substr(4)), length = std::stoul(l.substr(comma + 1));
      if (length == 0) ++from;  // "-5,0": insert after line 5
      for (; next + 1 < from; ++next) out += old[next] + "\n";
    } else if (l[0] == ' ') {
      out += old[next++] + "\n";
    } else if (l[0] == '-') {
      ++next;
    } else if (l[0] == '+') {
      out += l.substr(1) + "\n";
    }
  }
  for (; next < old.size(); ++next) out += old[next] + "\n";
  return out;
}

// Myers' trace grows with changes times lines: a 5,000-resource file's --diff
// once took 23 GB. A large diff is linear, and still applies.
TEST(Fix, ALargeDiffIsLinearAndApplies) {
  std::string before, after;
  for (int i = 0; i < 100000; ++i) {
    std::string line = "  line " + std::to_string(i) + (i % 7 ? "" : " }") + "\n";
    before += line;
    if (i % 10 == 3) after += "    added after " + std::to_string(i) + "\n";
    if (i % 1000 == 5) continue;  // removed
    after += i % 500 == 9 ? "  changed " + std::to_string(i) + "\n" : line;
  }
  std::string diff = UnifiedDiff("big.yaml", before, after);
  EXPECT_EQ(Patch(before, diff), after);
  std::string small_before = "a\nb\nc\n", small_after = "a\nx\nc\nd\n";
  EXPECT_EQ(Patch(small_before, UnifiedDiff("s", small_before, small_after)), small_after);
}

TEST(Fix, RegisterReadyDropsOutputOnlyFieldsAndKeepsTags) {
  std::string reg = RegisterReadyJson(ReadAll(kSource + "/tests/golden/fix/ecs/describe.json"));
  ASSERT_FALSE(reg.empty());
  for (const char* gone : {"taskDefinitionArn", "\"revision\"", "\"status\"", "requiresAttributes",
                           "compatibilities", "registeredAt", "registeredBy"}) {
    EXPECT_EQ(reg.find(gone), std::string::npos) << gone;
  }
  EXPECT_NE(reg.find("\"family\": \"checkout-api\""), std::string::npos);
  EXPECT_NE(reg.find("\"tags\""), std::string::npos);
  EXPECT_NE(reg.find("\"containerDefinitions\""), std::string::npos);
  ParsedSource p = ReadJson("reg.json", reg);
  EXPECT_FALSE(p.has_error);
}

// Every conformance case that fails is fixed, re-parsed and re-scanned as passing.
TEST(Fix, ConformanceCasesAreFixed) {
  fs::path shared = fs::path(kSource).parent_path() / "shared" / "conformance";
  if (!fs::exists(shared / "labels.tsv")) GTEST_SKIP() << "../shared/conformance is absent";
  std::vector<Diagnostic> errors;
  std::vector<SourceRef> sources = DiscoverSources({shared.string()}, &errors);
  int fixed_files = 0;
  for (const SourceRef& src : sources) {
    std::string text = ReadAll(src.path);
    if (Failing(src.path, text).empty()) continue;
    FileFix f;
    CheckFixProperties(src.path, text, &f);
    if (f.after != f.before) ++fixed_files;
  }
  EXPECT_GT(fixed_files, 40);
}

// Container definitions as JSON in a quoted .tf string: what fix writes there is
// escaped twice, for JSON and then for HCL (a ${ in a path stays literal).
TEST(Fix, JsonInsideATerraformStringIsEditedInPlaceWithBothEscapes) {
  std::string tf = R"(resource "aws_ecs_task_definition" "q" {
  family                = "q"
  container_definitions = "[{\"name\": \"app\", \"image\": \"app:${var.tag}\"}]"
}
)";
  FixOptions options;
  options.writable = {"/var/${x}\"q"};
  FileFix f = FixText("main.tf", tf, InputFormat::kHcl, options);
  ASSERT_TRUE(f.error.empty()) << f.error;
  EXPECT_EQ(f.containers_fixed, 1);
  EXPECT_NE(f.after.find(R"(\"image\": \"app:${var.tag}\", \"readonlyRootFilesystem\": true, )"),
            std::string::npos)
      << f.after;
  EXPECT_NE(f.after.find(R"(\"containerPath\": \"/var/$${x}\\\"q\")"), std::string::npos)
      << f.after;
  EXPECT_NE(f.after.find("  volume {\n    name = \"var-x-q\"\n  }\n"), std::string::npos);
  EXPECT_TRUE(Failing("main.tf", f.after).empty());
  FileFix again = FixText("main.tf", f.after, InputFormat::kHcl, options);
  EXPECT_EQ(again.after, f.after);
}

}  // namespace
}  // namespace rootlock
