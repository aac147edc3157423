// End to end: the real binary, on real files, compared with golden outputs.
// UPDATE_GOLDEN=1 rewrites the expected files instead of comparing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

// ROOTLOCK_E2E_BIN / ROOTLOCK_E2E_HOOKED_BIN run the tests against another
// build (an older one, to see a new test fail first).
std::string BinFromEnv(const char* var, const char* built) {
  const char* v = std::getenv(var);
  return v && *v ? v : built;
}
const std::string kBin = BinFromEnv("ROOTLOCK_E2E_BIN", ROOTLOCK_BIN);
// The same binary with test hooks read from the environment (src/base/test_hooks.h).
const std::string kHookedBin = BinFromEnv("ROOTLOCK_E2E_HOOKED_BIN", ROOTLOCK_HOOKED_BIN);
const std::string kSource = ROOTLOCK_SOURCE_DIR;

struct Result {
  int status = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteAll(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// Runs `rootlock ARGS` in `dir` through the shell; stdin from `input` when given.
Result Rootlock(const std::string& args, const std::string& dir = kSource,
                const std::string* input = nullptr, const std::string& prefix = "") {
  static int counter = 0;
  fs::path tmp = fs::temp_directory_path() /
                 ("rootlock-e2e-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::string in = input ? tmp.string() + ".in" : "/dev/null";
  if (input) WriteAll(in, *input);
  // Fault injection needs the test build; everything else runs what ships.
  bool hooked = prefix.find("ROOTLOCK_TEST_") != std::string::npos ||
                prefix.find("ROOTLOCK_FAULT_") != std::string::npos;
  const std::string& bin = hooked ? kHookedBin : kBin;
  std::string cmd = "cd '" + dir + "' && NO_COLOR=1 " + prefix + "'" + bin + "' " + args + " >'" +
                    tmp.string() + ".out' 2>'" + tmp.string() + ".err' <'" + in + "'";
  int rc = std::system(cmd.c_str());
  Result r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
  r.out = ReadAll(tmp.string() + ".out");
  r.err = ReadAll(tmp.string() + ".err");
  fs::remove(tmp.string() + ".out");
  fs::remove(tmp.string() + ".err");
  if (input) fs::remove(in);
  return r;
}

void ExpectGolden(const std::string& actual, const fs::path& golden) {
  if (std::getenv("UPDATE_GOLDEN")) {
    WriteAll(golden, actual);
    return;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " is missing; run with UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, ReadAll(golden))
      << "differs from " << golden << " (UPDATE_GOLDEN=1 rewrites it)";
}

size_t CountLines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// --- The bundled examples: the README's first command. ---

TEST(Examples, TextReportMatchesGolden) {
  Result r = Rootlock("scan examples");
  EXPECT_EQ(r.status, 1) << r.err;  // the examples fail the 80% gate on purpose
  EXPECT_EQ(r.err, "");
  ExpectGolden(r.out, kSource + "/tests/golden/examples.txt");
}

TEST(Examples, JsonReportMatchesGolden) {
  Result r = Rootlock("scan --format json examples");
  EXPECT_EQ(r.status, 1) << r.err;
  ExpectGolden(r.out, kSource + "/tests/golden/examples.json");
}

TEST(Examples, OutputIsIdenticalForAnyNumberOfJobs) {
  Result one = Rootlock("scan --format json --jobs 1 examples");
  Result four = Rootlock("scan --format json -j 4 examples");
  EXPECT_EQ(one.out, four.out);
}

// --- Golden cases: `# expect: STATUS` marks the line of each container. ---

TEST(GoldenCases, EveryContainerMatchesItsExpectComment) {
  int files = 0;
  for (std::string platform : {"kubernetes", "ecs"}) {
    fs::path dir = kSource + "/tests/golden/" + platform;
    fs::create_directories(dir / "expected");
    std::vector<fs::path> cases;
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::string ext = entry.path().extension();
      if (ext == ".yaml" || ext == ".tf") cases.push_back(entry.path());
    }
    std::sort(cases.begin(), cases.end());
    for (const fs::path& path : cases) {
      ++files;
      std::string rel = "tests/golden/" + platform + "/" + path.filename().string();
      // expected: line -> status, from comments like `# expect: fail`.
      std::map<int, std::string> expected;
      std::istringstream lines(ReadAll(path));
      std::string line;
      static const std::regex kExpect("#\\s*expect:\\s*([a-z/]+)");
      for (int n = 1; std::getline(lines, line); ++n) {
        std::smatch m;
        if (std::regex_search(line, m, kExpect)) expected[n] = m[1];
      }
      Result r = Rootlock("scan --format json " + rel);
      ASSERT_LE(r.status, 1) << rel << ": " << r.err;
      // Pull (line, status) of each read-only-root-fs finding out of the JSON.
      std::map<int, std::string> got;
      static const std::regex kFinding(
          "\"rule\": \"read-only-root-fs\",\\s*\"status\": \"([a-z/]+)\"[^}]*?\"line\": (\\d+)");
      for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), kFinding);
           it != std::sregex_iterator(); ++it) {
        got[std::stoi((*it)[2])] = (*it)[1];
      }
      EXPECT_EQ(got, expected) << rel;
      ExpectGolden(r.out, dir / "expected" / (path.stem().string() + ".json"));
    }
  }
  EXPECT_GT(files, 6);
}

// --- no-privileged, no-host-pid, run-as-non-root: one golden per platform. ---

TEST(GoldenCases, NewRulesPerPlatform) {
  fs::path dir = kSource + "/tests/golden/rules";
  for (const char* name : {"kubernetes.yaml", "ecs.json", "cloudformation.yaml", "main.tf",
                           "compose.yaml", "inspect.json"}) {
    std::string rel = std::string("tests/golden/rules/") + name;
    std::string rules = "--rules no-privileged,no-host-pid,run-as-non-root ";
    Result json = Rootlock("scan --format json " + rules + rel, kSource, nullptr,
                           "env -u ROOTLOCK_GOLDEN_UNSET SOURCE_DATE_EPOCH=1700000000 ");
    EXPECT_EQ(json.status, 0) << rel << ": " << json.err;  // they do not gate unless asked
    ExpectGolden(json.out, dir / "expected" / (fs::path(name).stem().string() + ".json"));
    Result text = Rootlock("scan -v " + rules + rel, kSource, nullptr,
                           "env -u ROOTLOCK_GOLDEN_UNSET SOURCE_DATE_EPOCH=1700000000 ");
    ExpectGolden(text.out, dir / "expected" / (fs::path(name).stem().string() + ".txt"));
  }
}

// --- no-secrets-in-env and logging-enabled: one golden per platform. ---

TEST(GoldenCases, SecretsAndLoggingPerPlatform) {
  fs::path dir = kSource + "/tests/golden/secrets_logging";
  for (const char* name : {"kubernetes.yaml", "ecs.json", "cloudformation.yaml", "main.tf",
                           "compose.yaml", "inspect.json"}) {
    std::string rel = std::string("tests/golden/secrets_logging/") + name;
    std::string rules = "--rules no-secrets-in-env,logging-enabled ";
    std::string env =
        "env -u ROOTLOCK_GOLDEN_UNSET ROOTLOCK_GOLDEN_SECRET=GOLDENSECRETVALUEBBBB "
        "SOURCE_DATE_EPOCH=1700000000 ";
    Result json = Rootlock("scan --format json " + rules + rel, kSource, nullptr, env);
    EXPECT_EQ(json.status, 0) << rel << ": " << json.err;  // they do not gate unless asked
    ExpectGolden(json.out, dir / "expected" / (fs::path(name).stem().string() + ".json"));
    Result text = Rootlock("scan -v " + rules + rel, kSource, nullptr, env);
    ExpectGolden(text.out, dir / "expected" / (fs::path(name).stem().string() + ".txt"));
  }
}

// no-secrets-in-env on environment given from elsewhere: compose env_file (a path, a list,
// the long form, a missing file, environment winning), Kubernetes envFrom (a ConfigMap in the
// same file, in another file of the same scan, a Secret, a ConfigMap not among the sources)
// and ECS environmentFiles (JSON, CloudFormation, Terraform).
TEST(GoldenCases, SecretsFromFilesAndObjects) {
  fs::path dir = kSource + "/tests/golden/secrets_logging";
  for (const char* name : {"env_file.yaml", "envfrom.yaml", "configmap_elsewhere",
                           "configmap_elsewhere/deployment.yaml", "environment_files.json",
                           "environment_files_cfn.yaml", "environment_files_tf.tf"}) {
    std::string rel = std::string("tests/golden/secrets_logging/") + name;
    std::string stem = name;
    for (char& c : stem) c = c == '/' ? '_' : c;
    stem = fs::path(stem).stem().string();
    std::string rules = "--rules no-secrets-in-env ";
    std::string env = "env -u ROOTLOCK_GOLDEN_UNSET SOURCE_DATE_EPOCH=1700000000 ";
    Result json = Rootlock("scan --format json " + rules + rel, kSource, nullptr, env);
    EXPECT_EQ(json.status, 0) << rel << ": " << json.err;  // it does not gate unless asked
    EXPECT_EQ(json.err, "") << rel;
    ExpectGolden(json.out, dir / "expected" / (stem + ".json"));
    Result text = Rootlock("scan -v " + rules + rel, kSource, nullptr, env);
    ExpectGolden(text.out, dir / "expected" / (stem + ".txt"));
  }
}

// Every input above writes its credentials as GOLDENSECRETVALUE...: no format may print
// one, whatever gates, and neither may stderr.
TEST(Secrets, NoFormatPrintsAValue) {
  std::string env =
      "env -u ROOTLOCK_GOLDEN_UNSET ROOTLOCK_GOLDEN_SECRET=GOLDENSECRETVALUEBBBB "
      "SOURCE_DATE_EPOCH=1700000000 ";
  // The folder holds env files (env/*.env) that compose files read, and ConfigMaps that
  // envFrom reads: their values must not come out either.
  for (std::string_view format : {"text", "json", "sarif", "junit", "asff", "policyreport",
                                  "markdown", "html", "inventory", "inventory-json", "gitlab"}) {
    Result r = Rootlock("scan -v --fail-on no-secrets-in-env --format " + std::string(format) +
                            " tests/golden/secrets_logging",
                        kSource, nullptr, env);
    EXPECT_EQ(r.status, 1) << format << ": " << r.err;
    EXPECT_EQ(r.out.find("GOLDENSECRETVALUE"), std::string::npos) << format;
    EXPECT_EQ(r.err.find("GOLDENSECRETVALUE"), std::string::npos) << format;
    if (format == "text") {
      EXPECT_NE(r.out.find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << r.out;
      EXPECT_NE(r.out.find("Secrets Manager or SSM"), std::string::npos) << r.out;
      // The files' and ConfigMaps' variables were judged, by name.
      EXPECT_NE(r.out.find("env_file gives AWS_SECRET_ACCESS_KEY a value written in env file "
                           "tests/golden/secrets_logging/env/app.env"),
                std::string::npos)
          << r.out;
      EXPECT_NE(r.out.find("envFrom[].configMapRef gives AWS_ACCESS_KEY_ID"), std::string::npos)
          << r.out;
    }
  }
}

TEST(Cli, FailOnGatesTheNewRulesAndTheHeadlineStays) {
  Result plain = Rootlock("scan examples");
  Result gated = Rootlock("scan --fail-on run-as-non-root examples");
  EXPECT_EQ(plain.status, 1);
  EXPECT_EQ(gated.status, 1);
  auto last_lines = [](const std::string& out) {
    size_t end = out.rfind('\n', out.size() - 2);
    return out.substr(out.rfind('\n', end - 1) + 1);
  };
  // The headline is the same; the reason names the rule that failed the run.
  std::string headline = last_lines(plain.out);
  EXPECT_EQ(headline.substr(0, headline.find('\n')),
            last_lines(gated.out).substr(0, last_lines(gated.out).find('\n')));
  EXPECT_NE(gated.out.find("FAILED: 18 failure(s) of run-as-non-root (--fail-on)"),
            std::string::npos)
      << gated.out;
  EXPECT_NE(gated.out.find(": fail: Service 'storefront' may run as root"), std::string::npos);

  std::string pod =
      "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n"
      "    securityContext: {readOnlyRootFilesystem: true, privileged: true}\n";
  EXPECT_EQ(Rootlock("scan -", kSource, &pod).status, 0);
  EXPECT_EQ(Rootlock("scan --fail-on no-privileged -", kSource, &pod).status, 1);
  EXPECT_EQ(Rootlock("scan --fail-on CKV_K8S_16 -", kSource, &pod).status, 1);
  EXPECT_EQ(Rootlock("scan --fail-on critical -", kSource, &pod).status, 1);
  EXPECT_EQ(Rootlock("scan --fail-on no-host-pid -", kSource, &pod).status, 0);
  // high and above: run-as-non-root (high) fails here too.
  Result high = Rootlock("scan --fail-on high -", kSource, &pod);
  EXPECT_EQ(high.status, 1);
  EXPECT_NE(high.out.find("2 failure(s) of"), std::string::npos) << high.out;
  Result bad = Rootlock("scan --fail-on nope -", kSource, &pod);
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--fail-on takes a rule id"), std::string::npos) << bad.err;
  // --rules: only the rules named run; without read-only-root-fs only --fail-on gates.
  Result only = Rootlock("scan --rules no-privileged -", kSource, &pod);
  EXPECT_EQ(only.status, 0) << only.out;
  EXPECT_NE(only.out.find("[no-privileged]"), std::string::npos) << only.out;
  EXPECT_EQ(only.out.find("[run-as-non-root]"), std::string::npos) << only.out;
  EXPECT_EQ(Rootlock("scan --rules no-privileged --fail-on no-privileged -", kSource, &pod).status,
            1);
  Result unknown = Rootlock("scan --rules read-only-root-fs,nope -", kSource, &pod);
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("--rules takes rule ids"), std::string::npos) << unknown.err;
}

// A failure --fail-on names fails the run: no format may call it a warning.
TEST(Cli, FailOnFailuresAreNoWarningsInAnyFormat) {
  std::string pod =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec:\n  containers:\n"
      "  - name: a\n    securityContext: {readOnlyRootFilesystem: true, privileged: true}\n";
  auto run = [&](const std::string& args) {
    return Rootlock("scan " + args + " -", kSource, &pod);
  };
  static const std::regex kSarifResult(
      "\"ruleId\": \"no-privileged\",\\s*\"ruleIndex\": \\d+,\\s*\"level\": \"([a-z]+)\"");
  auto sarif_level = [](const std::string& out) {
    std::smatch m;
    return std::regex_search(out, m, kSarifResult) ? std::string(m[1]) : std::string("none");
  };
  EXPECT_EQ(sarif_level(run("--format sarif").out), "warning");
  Result sarif = run("--fail-on no-privileged --format sarif");
  EXPECT_EQ(sarif.status, 1);
  EXPECT_EQ(sarif_level(sarif.out), "error") << sarif.out;
  std::string failure = "<failure message=\"Pod &#39;p&#39; container &#39;a&#39; runs privileged";
  Result junit = run("--fail-on no-privileged --format junit");
  EXPECT_NE(junit.out.find(failure), std::string::npos) << junit.out;
  EXPECT_NE(junit.out.find("name=\"no-privileged\" package=\"rootlock\" id=\"2\" timestamp"),
            std::string::npos);
  EXPECT_EQ(run("--format junit").out.find(failure), std::string::npos);
  std::string rule = "rule: \"no-privileged\"\n  result: ";
  EXPECT_NE(run("--fail-on no-privileged --format policyreport").out.find(rule + "fail"),
            std::string::npos);
  EXPECT_NE(run("--format policyreport").out.find(rule + "warn"), std::string::npos);
  Result text = run("--fail-on no-privileged");
  EXPECT_NE(text.out.find(": fail: Pod 'p' container 'a' runs privileged"), std::string::npos)
      << text.out;
  EXPECT_NE(run("").out.find(": warning: Pod 'p' container 'a' runs privileged"),
            std::string::npos);
}

// --- The inventory: one row per container, any source. ---

TEST(Inventory, TableAndJsonMatchGolden) {
  for (const char* name : {"kubernetes.yaml", "ecs.json", "compose.yaml", "inspect.json"}) {
    std::string rel = std::string("tests/golden/rules/") + name;
    std::string env = "env -u ROOTLOCK_GOLDEN_UNSET SOURCE_DATE_EPOCH=1700000000 ";
    Result text = Rootlock("scan --format inventory " + rel, kSource, nullptr, env);
    EXPECT_LE(text.status, 1) << rel << ": " << text.err;
    ExpectGolden(text.out,
                 kSource + "/tests/golden/inventory/" + fs::path(name).stem().string() + ".txt");
    Result json = Rootlock("scan --format inventory-json " + rel, kSource, nullptr, env);
    ExpectGolden(json.out,
                 kSource + "/tests/golden/inventory/" + fs::path(name).stem().string() + ".json");
  }
  // Without a rule, its column says so.
  std::string pod =
      "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: nginx}\n";
  Result only = Rootlock("scan --format inventory --rules read-only-root-fs -", kSource, &pod);
  EXPECT_NE(only.out.find("kubernetes  Pod/p     a          nginx  -     no         -"),
            std::string::npos)
      << only.out;
}

// --- Command line conventions. ---

TEST(Cli, StdinIsReadForDash) {
  std::string pod =
      "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n"
      "    securityContext: {readOnlyRootFilesystem: true}\n";
  Result r = Rootlock("scan -", kSource, &pod);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("1 of 1 containers use read-only root filesystem (100%)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("<stdin>:5:5: warning: Pod 'p' container 'a'"), std::string::npos) << r.out;
}

TEST(Cli, GateExitCodes) {
  std::string two =
      "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
      "  - {name: a, securityContext: {readOnlyRootFilesystem: true}}\n"
      "  - {name: b}\n";
  EXPECT_EQ(Rootlock("scan -", kSource, &two).status, 1);  // 50% < 80%
  EXPECT_EQ(Rootlock("scan --min-ratio 0.5 -", kSource, &two).status, 0);
  EXPECT_EQ(Rootlock("scan --min-ratio=50% -", kSource, &two).status, 0);
  EXPECT_EQ(Rootlock("scan --min-ratio 0.5 --fail-on-any -", kSource, &two).status, 1);
  // A number above 1 is a percentage (issue 13): 50 is 50%, 51 is 51%.
  EXPECT_EQ(Rootlock("scan --min-ratio 50 -", kSource, &two).status, 0);
  EXPECT_EQ(Rootlock("scan --min-ratio 51 -", kSource, &two).status, 1);
}

// A scan that judged nothing must not look like a pass (issue 13): an empty
// folder, a typo'd path's sibling, a file of ConfigMaps, an empty file and one
// holding only `---` alike exit 1 with "no containers found" and no percentage,
// unless --allow-empty or allow_empty: true says it is fine.
// A JSON file that a scanned aws_ecs_task_definition reads with file() is judged
// once, as that resource's containers, not again as a bare array (issue 13).
TEST(Cli, AFileTargetIsJudgedOnceAsItsTasks) {
  fs::path dir = fs::temp_directory_path() / ("rootlock-file-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "infra" / "defs");
  WriteAll(dir / "infra" / "main.tf",
           "resource \"aws_ecs_task_definition\" \"api\" {\n  family = \"api\"\n"
           "  container_definitions = file(\"${path.module}/./defs/../defs/api.json\")\n}\n");
  WriteAll(dir / "infra" / "defs" / "api.json",
           "[{\"name\": \"api\", \"image\": \"x\", \"essential\": true}]\n");
  WriteAll(dir / "other.json", "[{\"name\": \"loose\", \"image\": \"y\", \"essential\": true}]\n");
  Result r = Rootlock("scan --no-config --format json .", dir.string());
  EXPECT_NE(r.out.find("\"containers\": 2,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("aws_ecs_task_definition.api"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"resource\": \"containerDefinitions\",\n      \"container\": \"api\""),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"container\": \"loose\""), std::string::npos)
      << "a bare array no task reads";
  // Named alone, the array is judged on its own, as before.
  Result alone = Rootlock("scan --no-config --format json infra/defs/api.json", dir.string());
  EXPECT_NE(alone.out.find("\"containers\": 1,"), std::string::npos) << alone.out;
  fs::remove_all(dir);
}

// A UTF-16 plan with a BOM (PowerShell's `>`) is read; without a BOM, the clear error stays.
TEST(Cli, Utf16WithABomIsRead) {
  std::string json =
      "{\"taskDefinition\": {\"family\": \"f\", \"containerDefinitions\": "
      "[{\"name\": \"c\", \"image\": \"x\", \"readonlyRootFilesystem\": true}]}}\n";
  std::string le = "\xFF\xFE", bom_less;
  for (char c : json) le += std::string{c, '\0'}, bom_less += std::string{c, '\0'};
  Result r = Rootlock("scan --no-config -", kSource, &le);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("1 of 1 containers use read-only root filesystem"), std::string::npos)
      << r.out;
  Result bad = Rootlock("scan --no-config -", kSource, &bom_less);
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("looks UTF-16 encoded"), std::string::npos) << bad.err;
}

TEST(Cli, AScanThatJudgedNothingFails) {
  fs::path dir = fs::temp_directory_path() / ("rootlock-empty-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "empty");
  WriteAll(dir / "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
  WriteAll(dir / "blank.yaml", "");
  WriteAll(dir / "dashes.yaml", "---\n");
  for (const char* target : {"empty", "cm.yaml", "blank.yaml", "dashes.yaml", "."}) {
    SCOPED_TRACE(target);
    Result r = Rootlock(std::string("scan --no-config ") + target, dir.string());
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("no containers found"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find('%'), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("FAILED: nothing was judged; --allow-empty"), std::string::npos) << r.out;
    EXPECT_EQ(
        Rootlock(std::string("scan --no-config --allow-empty ") + target, dir.string()).status, 0);
  }
  std::string nothing;
  EXPECT_EQ(Rootlock("scan --no-config -", dir.string(), &nothing).status, 1);
  EXPECT_EQ(Rootlock("scan --no-config --allow-empty -", dir.string(), &nothing).status, 0);
  // The config says it too; JSON says passed: false.
  WriteAll(dir / "allow.yaml", "allow_empty: true\n");
  EXPECT_EQ(Rootlock("scan --config allow.yaml empty", dir.string()).status, 0);
  Result json = Rootlock("scan --no-config --format json empty", dir.string());
  EXPECT_NE(json.out.find("\"passed\": false"), std::string::npos) << json.out;
  // Helm templates left unrendered are named, with what to do.
  fs::create_directories(dir / "tpl");
  WriteAll(dir / "tpl" / "deploy.yaml",
           "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
           "  labels:\n    {{- include \"chart.labels\" . | nindent 4 }}\n"
           "spec:\n  template:\n    spec:\n      containers:\n        - name: a\n");
  Result helm = Rootlock("scan --no-config tpl", dir.string());
  EXPECT_EQ(helm.status, 1);
  EXPECT_NE(helm.out.find("no containers found in 1 file; 1 Helm template skipped: render them "
                          "with `helm template`"),
            std::string::npos)
      << helm.out;
  fs::remove_all(dir);
}

TEST(Cli, UsageErrorsExitTwoWithOneLine) {
  for (const char* args :
       {"scan --format xml x", "scan --min-ratio 101 x", "scan --bogus x", "scan --jobs 0 x",
        "frobnicate", "scan --max-file-size 1Q x", "docker --timeout 0", "docker --timeout 5x",
        "docker --timeout 25h", "docker --timeout", "docker --max-response-size 0",
        "docker --max-response-size 1T"}) {
    Result r = Rootlock(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(CountLines(r.err), 1u) << args << ": " << r.err;
    EXPECT_EQ(r.out, "") << args;
  }
}

// --timeout and --max-response-size take what their help says; the run then goes on to the
// engine (none here: one line, exit 2, and not a usage error).
TEST(Cli, LiveLimitsAcceptWhatTheirHelpSays) {
  EXPECT_NE(
      Rootlock("docker --timeout x")
          .err.find("--timeout takes a duration such as 30s, 2m or 1h (up to 24h), not \"x\""),
      std::string::npos);
  for (const char* flags :
       {"--timeout 30s", "--timeout 2m", "--timeout 1h", "--timeout 90", "--timeout=500ms",
        "--max-response-size 512M", "--max-response-size=1G"}) {
    Result r = Rootlock(std::string("docker -H unix:///nonexistent-rootlock.sock ") + flags);
    EXPECT_EQ(r.status, 2) << flags;
    EXPECT_EQ(r.err,
              "rootlock: no Docker engine: /nonexistent-rootlock.sock does not exist (is the "
              "engine running? set DOCKER_HOST or --host)\n")
        << flags;
  }
}

TEST(Cli, HelpTeaches) {
  Result r = Rootlock("scan --help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("examples:"), std::string::npos);
  EXPECT_NE(r.out.find("--min-ratio"), std::string::npos);
  Result rules = Rootlock("rules ECS.5");
  EXPECT_EQ(rules.status, 0);
  EXPECT_NE(rules.out.find("read-only-root-fs"), std::string::npos);
  EXPECT_NE(rules.out.find("CIS Docker Benchmark 5.12"), std::string::npos);
}

// `rootlock version` says what a bug report needs (issue 19); --version the line alone.
TEST(Cli, VersionNamesCommitCompilerAndLibraries) {
  Result r = Rootlock("version");
  EXPECT_EQ(r.status, 0);
  for (const char* line : {"rootlock ", "\ncommit:   ", "\ncompiler: ", "\nlibyaml:  0.",
                           "\nlibcurl:  ", "\nOpenSSL:  OpenSSL "}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << line << " in " << r.out;
  }
  Result line = Rootlock("--version");
  EXPECT_EQ(line.status, 0);
  EXPECT_EQ(line.out.find('\n'), line.out.size() - 1) << line.out;
  EXPECT_EQ(line.out.rfind("rootlock ", 0), 0u);
}

// Every command answers --help with its usage and exit 0 (`version --help` printed the
// version instead); scan's rules section lists every rule of the registry.
TEST(Cli, EveryCommandHasHelp) {
  for (const char* command : {"scan", "docker", "ecs", "k8s", "fix", "rules", "version"}) {
    Result r = Rootlock(std::string(command) + " --help");
    EXPECT_EQ(r.status, 0) << command;
    EXPECT_EQ(r.out.rfind(std::string("usage: rootlock ") + command, 0), 0u) << r.out;
  }
  // The main page names every platform scan reads and every command's page (issue 13).
  Result main = Rootlock("--help");
  for (const char* word : {"Kubernetes", "ECS", "Compose", "docker inspect"}) {
    EXPECT_NE(main.out.find(word), std::string::npos) << word;
  }
  for (const char* command : {"scan", "docker", "ecs", "k8s", "fix", "rules", "version"}) {
    EXPECT_NE(main.out.find(std::string("'rootlock ") + command + " --help'"), std::string::npos)
        << command;
  }
  Result scan = Rootlock("scan --help");
  EXPECT_NE(scan.out.find("\n  read-only-root-fs  pass when"), std::string::npos) << scan.out;
  EXPECT_NE(scan.out.find("\n  tmp-writable       (low, does not gate)"), std::string::npos);
}

// --help, rootlock(1) and the completions are rendered from one registry (issue 19): every
// flag a command's --help lists is in its man section and in each shell's completions, and
// the hidden commands that print them are usable but not advertised.
TEST(Cli, HelpManAndCompletionsComeFromOneRegistry) {
  std::string man = Rootlock("man").out;
  std::string bash = Rootlock("completion bash").out;
  std::string zsh = Rootlock("completion zsh").out;
  std::string fish = Rootlock("completion fish").out;
  ASSERT_NE(man.find(".TH ROOTLOCK 1"), std::string::npos);
  std::regex flag(R"((^|, )--([a-zA-Z][a-zA-Z-]*))");
  for (const char* command : {"scan", "docker", "ecs", "fix", "rules"}) {
    std::string help = Rootlock(std::string(command) + " --help").out;
    std::string upper = command;
    for (char& c : upper) c = static_cast<char>(std::toupper(c));
    size_t section = man.find(".SH ROOTLOCK " + upper + "\n");
    ASSERT_NE(section, std::string::npos) << command;
    std::string page = man.substr(section, man.find("\n.SH ", section + 1) - section);
    std::istringstream lines(help.substr(help.find("\noptions:\n") + 1));
    int flags = 0;
    for (std::string line; std::getline(lines, line) && !line.empty();) {
      if (line.rfind("  -", 0) != 0) continue;
      std::string head = line.substr(2, line.find("  ", 2) - 2);
      for (std::sregex_iterator it(head.begin(), head.end(), flag), end; it != end; ++it) {
        std::string name = (*it)[2];
        if (name == "help") continue;
        ++flags;
        EXPECT_NE(page.find("\\fB\\-\\-" + name + "\\fR"), std::string::npos)
            << command << " --" << name;
        EXPECT_NE(bash.find("--" + name), std::string::npos) << name;
        EXPECT_NE(zsh.find("--" + name), std::string::npos) << name;
        EXPECT_NE(fish.find("-l " + name), std::string::npos) << name;
      }
    }
    EXPECT_GT(flags, 0) << command;
  }
  Result main = Rootlock("--help");
  EXPECT_EQ(main.out.find("completion"), std::string::npos);
  EXPECT_EQ(main.out.find("'rootlock man"), std::string::npos);
  Result bad = Rootlock("completion tcsh");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err,
            "rootlock: completion takes one shell: bash, zsh or fish (see 'rootlock completion "
            "--help')\n");
  EXPECT_EQ(Rootlock("completion --help").status, 0);
  EXPECT_EQ(Rootlock("man --help").status, 0);
}

// One flag parser: every flag a command's --help names is one it accepts (a
// value missing is a different error), and the flags scan and fix share behave
// alike in both (issue 12: fix rejected -j and --var-file although its help
// said "as for scan").
TEST(Cli, EveryFlagInHelpIsAccepted) {
  std::regex flag(R"((^|, )(--?[a-zA-Z][a-zA-Z-]*))");
  for (const char* command : {"scan", "docker", "k8s", "fix", "rules"}) {
    std::string help = Rootlock(std::string(command) + " --help").out;
    ASSERT_NE(help.find("\noptions:\n"), std::string::npos) << command;
    std::set<std::string> seen;
    std::istringstream lines(help);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("  -", 0) != 0)
        continue;  // an option's line: "  -o, --output FORMAT=FILE  ..."
      std::string head = line.substr(2, line.find("  ", 2) - 2);
      for (std::sregex_iterator it(head.begin(), head.end(), flag), end; it != end; ++it) {
        std::string name = (*it)[2];
        if (!seen.insert(name).second || name == "--help" || name == "-h") continue;
        Result r = Rootlock(std::string(command) + " " + name + " /nonexistent-rootlock-path");
        EXPECT_EQ(r.err.find("unknown option"), std::string::npos)
            << command << " " << name << ": " << r.err;
      }
    }
    EXPECT_GT(seen.size(), 2u) << command;
  }
  // The shared input flags work for fix as they do for scan.
  std::string pod = "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a}]}\n";
  for (const char* flags : {"-j 2", "-j2", "--jobs=3", "--max-file-size 1M", "--strict"}) {
    EXPECT_EQ(Rootlock(std::string("fix ") + flags + " -", kSource, &pod).status, 0) << flags;
    EXPECT_EQ(Rootlock(std::string("scan ") + flags + " -", kSource, &pod).status, 1) << flags;
  }
  // The same usage errors, word for word.
  Result scan = Rootlock("scan --jobs 0 -");
  Result fix = Rootlock("fix --jobs 0 -");
  EXPECT_EQ(scan.status, 2);
  EXPECT_EQ(fix.status, 2);
  EXPECT_NE(scan.err.find("--jobs takes a whole number from 1 to 1024, not \"0\""),
            std::string::npos)
      << scan.err;
  EXPECT_NE(fix.err.find("--jobs takes a whole number from 1 to 1024, not \"0\""),
            std::string::npos)
      << fix.err;
  EXPECT_NE(Rootlock("fix --baseline b.json -").err.find("unknown option \"--baseline\""),
            std::string::npos);
  EXPECT_NE(Rootlock("scan --quiet=yes -").err.find("--quiet takes no value"), std::string::npos);
  EXPECT_NE(Rootlock("scan --format").err.find("--format needs a value: text, json"),
            std::string::npos);
}

// The first raw control character in `s` other than a newline (C0, DEL, C1 as
// UTF-8), with what surrounds it; "" when there is none.
std::string FirstRawControl(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    bool c1 = c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F;
    if ((c < 0x20 && c != '\n') || c == 0x7F || c1) {
      return "byte " + std::to_string(c) + " at " + std::to_string(i) + " in ..." +
             s.substr(i >= 40 ? i - 40 : 0, 80);
    }
  }
  return "";
}

// Issue 14: names, images, file names and error messages from the input reach
// the terminal escaped (ESC as \u001b), in the text and markdown reports, in
// error lines and in fix's summary: no title set, no screen cleared, no line forged.
TEST(Cli, ControlCharactersFromTheInputNeverReachTheTerminal) {
  fs::path dir = fs::temp_directory_path() / ("rootlock-controls-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string hostile = "\x1b]0;pwned\x07\x1b[2J\r\nfake: line";
  const std::string in_yaml = "\\e]0;pwned\\a\\e[2J\\r\\nfake: line";  // the same, as YAML escapes
  WriteAll(dir / ("web" + hostile + ".yaml"),
           "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \"web" + in_yaml +
               "\"\nspec:\n  template:\n    spec:\n      containers:\n        - name: \"app" +
               in_yaml + "\"\n          image: \"nginx" + in_yaml + "\"\n");
  WriteAll(dir / ("broken" + hostile + ".yaml"), "kind: Pod\nspec: [\"" + in_yaml + "\n");
  for (const char* format : {"text", "markdown"}) {
    Result r = Rootlock(std::string("scan -v --format ") + format + " .", dir.string());
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(FirstRawControl(r.out), "") << format;
    EXPECT_EQ(FirstRawControl(r.err), "") << format;
    EXPECT_EQ(r.out.find("\nfake: line"), std::string::npos) << format << r.out;
    EXPECT_EQ(CountLines(r.err), 1u) << r.err;  // the broken file: one line
    EXPECT_NE(r.err.find("broken\\u001b]0;pwned\\u0007\\u001b[2J\\u000d\\u000afake: line.yaml:"),
              std::string::npos)
        << r.err;
  }
  Result text = Rootlock("scan .", dir.string());
  EXPECT_NE(text.out.find("Deployment 'web\\u001b]0;pwned\\u0007\\u001b[2J\\u000d\\u000afake: "
                          "line' container 'app\\u001b]0;pwned"),
            std::string::npos)
      << text.out;
  fs::remove(dir / ("broken" + hostile + ".yaml"));
  Result fix = Rootlock("fix .", dir.string());
  EXPECT_EQ(fix.status, 0) << fix.err;
  EXPECT_EQ(FirstRawControl(fix.err), "");
  EXPECT_NE(fix.err.find("fixed web\\u001b]0;pwned"), std::string::npos) << fix.err;
  fs::remove_all(dir);
}

// Issue 14: a --writable path is written into the file as data: quoted where it
// is not a plain word, and refused when it holds a control character.
TEST(Cli, FixWritesAWritablePathAsDataAndRefusesControls) {
  std::string compose = "services:\n  web:\n    image: nginx\n";
  Result r = Rootlock("fix --writable '/data/$(touch${IFS}pwned)' -", kSource, &compose);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("      - \"/data/$(touch${IFS}pwned)\"\n"), std::string::npos) << r.out;
  Result bad =
      Rootlock("fix --writable \"$(printf '/a\\nprivileged: true')\" -", kSource, &compose);
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(CountLines(bad.err), 1u) << bad.err;
  EXPECT_NE(bad.err.find("--writable takes a path without control characters, not "
                         "\"/a\\nprivileged: true\""),
            std::string::npos)
      << bad.err;
}

TEST(Cli, ColourOnlyWhenAskedAndNoColorWins) {
  std::string pod = "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a}]}\n";
  EXPECT_NE(Rootlock("scan --color always -", kSource, &pod).out.find("\033[31m"),
            std::string::npos);
  EXPECT_EQ(Rootlock("scan -", kSource, &pod).out.find("\033["), std::string::npos);
}

// --- Hostile and broken input: one clear line each, never a crash, the rest still scanned. ---

class HostileInput : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rootlock-hostile-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    chmod(dir_.c_str(), 0755);
    WriteAll(dir_ / "good.yaml",
             "kind: Pod\nmetadata: {name: good}\nspec: {containers: [{name: a}]}\n");
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_ / "locked", fs::perms::owner_all, ec);
    fs::remove_all(dir_, ec);
  }
  // Scans the folder: the good file must still be judged, and `file` must
  // produce exactly one error line mentioning `message_part`.
  void ExpectOneError(const std::string& file, const std::string& message_part,
                      const std::string& prefix = "") {
    Result r = Rootlock("scan --format json .", dir_.string(), nullptr, prefix);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(CountLines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(message_part), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("\"name\": \"good\""), std::string::npos) << "good.yaml was not scanned";
  }
  fs::path dir_;
};

TEST_F(HostileInput, BrokenYaml) {
  WriteAll(dir_ / "broken.yaml", "kind: Pod\nspec:\n  containers: [unclosed\n");
  ExpectOneError("broken.yaml:4:1: error: YAML:", "");
}

TEST_F(HostileInput, TabInIndentation) {
  WriteAll(dir_ / "tab.yaml", "kind: Pod\nspec:\n\tcontainers: []\n");
  ExpectOneError("tab.yaml:3:1: error:", "tab character");
}

TEST_F(HostileInput, FiftyMegabyteFile) {
  // Refused by its size before a byte is read.
  WriteAll(dir_ / "huge.yaml", "# " + std::string(50 * 1024 * 1024, 'x') + "\n");
  ExpectOneError("huge.yaml: error: file is 50.0 MiB, over the 16.0 MiB limit", "");
}

TEST_F(HostileInput, FiftyMegabytesOnAPipe) {
  // A pipe has no size: reading stops at the limit, so memory stays bounded.
  WriteAll(dir_ / "huge.yaml", "# " + std::string(50 * 1024 * 1024, 'x') + "\n");
  Result r = Rootlock("scan - good.yaml", dir_.string(), nullptr,
                      "sh -c 'cat huge.yaml | \"$0\" \"$@\"' ");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.err,
            "<stdin>: error: input is over the 16.0 MiB limit (raise it with --max-file-size)\n");
  EXPECT_NE(r.out.find("Pod 'good'"), std::string::npos) << r.out;
}

TEST_F(HostileInput, AliasBomb) {
  std::string bomb = "containers: []\na: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (char c = 'b'; c <= 'k'; ++c) {
    std::string cur(1, c);
    bomb += cur + ": &" + cur + " [";
    for (int i = 0; i < 10; ++i) bomb += (i ? ", *" : "*") + prev;
    bomb += "]\n";
    prev = cur;
  }
  WriteAll(dir_ / "bomb.yaml", bomb);
  ExpectOneError("bomb.yaml:", "alias bomb");
}

TEST_F(HostileInput, DeepNesting) {
  WriteAll(dir_ / "deep.yaml", "containers: " + std::string(100000, '['));
  WriteAll(dir_ / "deep.json", "{\"containers\": " + std::string(100000, '['));
  WriteAll(dir_ / "deep.tf", "container_definitions = " + std::string(100000, '['));
  std::string compact;  // "- - - ...": each "- " opens a block sequence inside the last
  for (int i = 0; i < 100000; ++i) compact += "- ";
  WriteAll(dir_ / "deep-block.yaml", "containers:\n" + compact + "x\n");
  Result r = Rootlock("scan .", dir_.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(CountLines(r.err), 4u) << r.err;
  EXPECT_NE(r.err.find("deep.json:1:527: error: JSON: nested deeper than 512"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("deep.yaml:1:524: error: YAML: nested deeper than 512"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("deep.tf:1:537: error: HCL: nested deeper than 512"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("deep-block.yaml:2:1023: error: YAML: nested deeper than 512"),
            std::string::npos)
      << r.err;
}

TEST_F(HostileInput, BinaryBytes) {
  std::string junk(4096, '\0');
  std::mt19937 rng(42);
  for (char& c : junk) c = static_cast<char>(rng());
  WriteAll(dir_ / "random.yaml", junk);
  ExpectOneError("random.yaml", "error:");
}

TEST_F(HostileInput, RandomBytesWithoutNulReachTheParser) {
  // No NUL byte to give it away as binary: the YAML reader itself must refuse it.
  std::string junk = "containers: ";
  std::mt19937 rng(7);
  for (int i = 0; i < 65536; ++i) junk += static_cast<char>(1 + rng() % 255);
  WriteAll(dir_ / "random.yaml", junk);
  ExpectOneError("random.yaml:", "error: YAML:");
}

// UTF-16 with a BOM is decoded (issue 13); broken UTF-16 is one clear error.
TEST_F(HostileInput, Utf16) {
  WriteAll(dir_ / "utf16.yaml", std::string("\xFF\xFEk\0:\0 \0v\0", 10));
  WriteAll(dir_ / "broken.yaml", std::string("\xFF\xFEk\0:", 5));
  ExpectOneError("broken.yaml: error:", "invalid UTF-16: an odd number of bytes");
}

TEST_F(HostileInput, Utf16WithoutABomAndUtf32) {
  WriteAll(dir_ / "utf16be.json", std::string("\0{\0\"\0k\0\"\0:\0[\0]\0}", 14));
  WriteAll(dir_ / "utf32.yaml", std::string("\0\0\xFE\xFF\0\0\0k\0\0\0:", 12));
  Result r = Rootlock("scan .", dir_.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "utf16be.json: error: file looks UTF-16 encoded (NUL bytes between characters); "
            "rootlock reads UTF-8\n"
            "utf32.yaml: error: file is UTF-32 encoded; rootlock reads UTF-8 (convert it with "
            "iconv -t UTF-8)\n");
}

TEST_F(HostileInput, InvalidUtf8) {
  WriteAll(dir_ / "bad.yaml",
           "kind: Pod\nmetadata: {name: \"\xC3\x28\"}\nspec: {containers: []}\n");
  WriteAll(dir_ / "bad.json", "{\"kind\": \"Pod\", \"containers\": [\"\xF0\x28\x8C\x28\"]}");
  Result r = Rootlock("scan --format json .", dir_.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "bad.json:1:33: error: JSON: invalid UTF-8 sequence in string\n"
            "bad.yaml:2:20: error: YAML: invalid trailing UTF-8 octet\n");
  EXPECT_NE(r.out.find("\"name\": \"good\""), std::string::npos) << "good.yaml was not scanned";
}

// An empty file is like one holding only `---`: no container, no error (issue
// 13); the other files are judged as ever.
TEST_F(HostileInput, EmptyFileNamedExplicitly) {
  WriteAll(dir_ / "empty.yaml", "");
  WriteAll(dir_ / "dashes.yaml", "---\n");
  Result r = Rootlock("scan empty.yaml dashes.yaml good.yaml", dir_.string());
  Result good = Rootlock("scan good.yaml", dir_.string());
  EXPECT_EQ(r.status, good.status);
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("Pod 'good'"), std::string::npos);
}

TEST_F(HostileInput, SymlinkLoop) {
  fs::create_symlink("b.yaml", dir_ / "a.yaml");
  fs::create_symlink("a.yaml", dir_ / "b.yaml");
  fs::create_directory_symlink(".", dir_ / "self");  // a folder loop: never followed
  Result r = Rootlock("scan --format json .", dir_.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(CountLines(r.err), 2u) << r.err;
  EXPECT_NE(r.err.find("a.yaml: error: cannot read: Too many levels of symbolic links"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("\"name\": \"good\""), std::string::npos);
}

TEST_F(HostileInput, FifoInAFolderIsOneLineNotWaitedOn) {
  ASSERT_EQ(mkfifo((dir_ / "pipe.yaml").c_str(), 0644), 0);
  ASSERT_EQ(mkfifo((dir_ / "notes.txt").c_str(), 0644), 0);  // not a manifest name: not ours
  ExpectOneError(
      "pipe.yaml: error: not read: it is a FIFO, not a regular file (name it on the command "
      "line to read from it)",
      "");
}

TEST_F(HostileInput, FifoNamedOnTheCommandLineIsRead) {
  ASSERT_EQ(mkfifo((dir_ / "pipe.yaml").c_str(), 0644), 0);
  std::thread writer([&] {  // as <(kustomize build) would
    std::ofstream(dir_ / "pipe.yaml") << ReadAll(dir_ / "good.yaml");
  });
  Result r = Rootlock("scan pipe.yaml", dir_.string());
  // Had rootlock not opened the FIFO, this reader lets the writer finish.
  int unblock = open((dir_ / "pipe.yaml").c_str(), O_RDONLY | O_NONBLOCK);
  writer.join();
  if (unblock >= 0) close(unblock);
  EXPECT_EQ(r.status, 1) << r.err;  // read and judged: the pod fails the gate
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("pipe.yaml:3:21: fail: Pod 'good'"), std::string::npos) << r.out;
}

// Root reads anything: tests of permissions run rootlock as nobody, as a CI
// user would be. Returns the command prefix, or "" when already unprivileged.
std::string AsNobody(const fs::path& dir) {
  if (geteuid() != 0) return "";
  fs::permissions(dir, fs::perms::all);
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) fs::permissions(e.path(), fs::perms::all);
  }
  return "setpriv --reuid=65534 --regid=65534 --clear-groups ";
}

bool HaveSetpriv() {
  return geteuid() != 0 || std::system("command -v setpriv >/dev/null 2>&1") == 0;
}

TEST_F(HostileInput, FileThatVanishesBeforeItIsRead) {
  WriteAll(dir_ / "gone.yaml", "kind: Pod\nspec: {containers: [{name: x}]}\n");
  // ROOTLOCK_TEST_VANISH deletes it after discovery, just before it is read.
  ExpectOneError("gone.yaml: error: cannot read: No such file or directory", "",
                 "ROOTLOCK_TEST_VANISH=gone.yaml ");
  EXPECT_FALSE(fs::exists(dir_ / "gone.yaml"));
}

// The shipped binary has no test hooks: the variable that makes the test build
// delete a user's file does nothing to it.
TEST_F(HostileInput, TheShippedBinaryIgnoresTestHooks) {
  WriteAll(dir_ / "kept.yaml", "kind: Pod\nspec: {containers: [{name: x}]}\n");
  std::string cmd = "cd '" + dir_.string() + "' && ROOTLOCK_TEST_VANISH=kept.yaml '" + kBin +
                    "' scan -q kept.yaml >/dev/null 2>&1";
  EXPECT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 1);
  EXPECT_TRUE(fs::exists(dir_ / "kept.yaml"));
  EXPECT_EQ(std::system(("grep -q ROOTLOCK_TEST_VANISH '" + kBin + "'").c_str()) == 0, false)
      << "the hook's variable name is in the shipped binary";
}

TEST_F(HostileInput, FileThatTurnsUnreadableBeforeItIsRead) {
  if (!HaveSetpriv()) GTEST_SKIP() << "no setpriv";
  WriteAll(dir_ / "locked.yaml", "kind: Pod\nspec: {containers: [{name: x}]}\n");
  std::string prefix = AsNobody(dir_);
  if (!prefix.empty()) {
    ASSERT_EQ(chown((dir_ / "locked.yaml").c_str(), 65534, 65534), 0);
  }
  // ROOTLOCK_TEST_UNREADABLE takes its permissions away after discovery.
  ExpectOneError("locked.yaml: error: cannot read: Permission denied", "",
                 "ROOTLOCK_TEST_UNREADABLE=locked.yaml " + prefix);
}

TEST_F(HostileInput, FolderWithoutPermission) {
  fs::create_directory(dir_ / "locked");
  WriteAll(dir_ / "locked" / "x.yaml", "kind: Pod\n");
  fs::permissions(dir_ / "locked", fs::perms::none);
  // Root reads anything: drop to nobody, as a CI user would be.
  std::string prefix;
  if (geteuid() == 0) {
    if (std::system("command -v setpriv >/dev/null 2>&1") != 0) GTEST_SKIP() << "no setpriv";
    prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    fs::permissions(dir_, fs::perms::all);
    fs::permissions(dir_ / "good.yaml", fs::perms::all);
  }
  ExpectOneError("locked: error: cannot read folder: Permission denied", "", prefix);
}

TEST_F(HostileInput, FilesThatCannotHoldAContainerAreNotParsedInAWalk) {
  // A broken tsconfig-like file in a monorepo is not ours: it holds no container.
  WriteAll(dir_ / "settings.json", "{\"compilerOptions\": {,}}");
  Result walked = Rootlock("scan .", dir_.string());
  EXPECT_EQ(walked.status, 1) << walked.err;
  EXPECT_EQ(walked.err, "");
  // Named explicitly, it is read and its error reported.
  Result named = Rootlock("scan settings.json good.yaml", dir_.string());
  EXPECT_EQ(named.status, 2);
  EXPECT_EQ(named.err, "settings.json:1:22: error: JSON: expected a string key, found ','\n");
}

TEST_F(HostileInput, HelmTemplatesAreSkippedAndSaidSoNotErrors) {
  fs::create_directories(dir_ / "chart" / "templates");
  WriteAll(dir_ / "chart" / "templates" / "deployment.yaml",
           "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
           "      {{- range .Values.containers }}\n      - name: {{ .name }}\n      {{- end }}\n");
  Result r = Rootlock("scan .", dir_.string());
  EXPECT_EQ(r.status, 1) << r.err;  // the good pod fails the gate; the template is no error
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("note: 1 Go/Helm template file(s) not judged"), std::string::npos) << r.out;
  Result v = Rootlock("scan -v .", dir_.string());
  EXPECT_NE(v.out.find("chart/templates/deployment.yaml:7:7: skipped: Go/Helm template"),
            std::string::npos)
      << v.out;
  Result j = Rootlock("scan --format json .", dir_.string());
  EXPECT_NE(j.out.find(
                "\"skipped_files\": [\n    {\n      \"file\": \"chart/templates/deployment.yaml\""),
            std::string::npos)
      << j.out;
}

TEST(Cli, MissingPathIsOneLine) {
  Result r = Rootlock("scan does-not-exist.yaml examples/kubernetes/api.yaml");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "does-not-exist.yaml: error: cannot read: No such file or directory\n");
  EXPECT_NE(r.out.find("3 of 3 containers"), std::string::npos) << r.out;
}

}  // namespace

// --- rootlock fix, end to end. ---

namespace {

class FixCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rootlock-fix-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    WriteAll(dir_ / "web.yaml", kWeb);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static constexpr const char* kWeb =
      "# keep me\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n"
      "      containers:\n        - name: app   # and me\n          image: app:1\n";
  fs::path dir_;
};

TEST_F(FixCli, DiffChangesNothingAndShowsTheEdit) {
  Result r = Rootlock("fix --diff web.yaml", dir_.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(ReadAll(dir_ / "web.yaml"), kWeb);
  EXPECT_NE(r.out.find("+          securityContext:\n+            readOnlyRootFilesystem: true\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("would fix web.yaml: 1 container, 1 writable mount"), std::string::npos);
}

// The rules beside read-only are not written: each failure is said, with its remedy (the
// secrets replacement for no-secrets-in-env), the value never; the read-only fix still holds.
TEST_F(FixCli, RulesItDoesNotWriteAreSaidNotWritten) {
  std::string compose =
      "services:\n  web:\n    image: nginx\n    pid: host\n    environment:\n"
      "      AWS_SECRET_ACCESS_KEY: FIXSECRETVALUE42\n";
  WriteAll(dir_ / "compose.yaml", compose);
  Result r = Rootlock("fix compose.yaml", dir_.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("Service 'web': left alone for no-host-pid (fix does not write it)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("left alone for no-secrets-in-env (fix does not write it): Move the "
                       "variable from environment: (or the env_file: that sets it) to a compose "
                       "secrets: entry"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("left alone for run-as-non-root"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("FIXSECRETVALUE42"), std::string::npos) << r.err;
  std::string fixed = ReadAll(dir_ / "compose.yaml");
  EXPECT_NE(fixed.find("read_only: true"), std::string::npos) << fixed;
  EXPECT_NE(fixed.find("pid: host"), std::string::npos) << fixed;
  EXPECT_NE(fixed.find("AWS_SECRET_ACCESS_KEY: FIXSECRETVALUE42"), std::string::npos) << fixed;
}

// fix --user and --log-driver: what only the user can say, checked before anything is
// read, then written so that the rules they remedy pass.
TEST_F(FixCli, UserAndLogDriverAreWrittenWhenGiven) {
  for (const char* bad : {"--user 0", "--user 0:10", "--user root", "--user 10:x", "--user -1",
                          "--log-driver json-file", "--log-driver awslogs --log-group g",
                          "--log-group g --log-region eu-west-1",
                          "--log-driver awslogs "
                          "--log-group 'a b' --log-region eu-west-1"}) {
    Result r = Rootlock(std::string("fix ") + bad + " web.yaml", dir_.string());
    EXPECT_EQ(r.status, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("see 'rootlock fix --help'"), std::string::npos) << bad << ": " << r.err;
  }
  EXPECT_EQ(ReadAll(dir_ / "web.yaml"), kWeb);
  WriteAll(dir_ / "compose.yaml",
           "services:\n  web:\n    image: nginx\n    privileged: true\n    logging:\n"
           "      driver: none\n");
  Result r = Rootlock(
      "fix --user 10001:10001 --log-driver awslogs --log-group /ecs/web --log-region eu-west-1 "
      "compose.yaml web.yaml",
      dir_.string());
  EXPECT_EQ(r.status, 0) << r.err;
  std::string fixed = ReadAll(dir_ / "compose.yaml");
  EXPECT_NE(fixed.find("user: \"10001:10001\""), std::string::npos) << fixed;
  EXPECT_NE(fixed.find("privileged: false"), std::string::npos) << fixed;
  EXPECT_NE(fixed.find("driver: awslogs\n      options:\n        awslogs-group: /ecs/web\n"),
            std::string::npos)
      << fixed;
  EXPECT_EQ(fixed.find("stream-prefix"), std::string::npos) << "Docker refuses it: " << fixed;
  EXPECT_NE(ReadAll(dir_ / "web.yaml").find("runAsUser: 10001"), std::string::npos);
  Result scan = Rootlock(
      "scan --fail-on run-as-non-root --fail-on no-privileged --fail-on logging-enabled "
      "compose.yaml web.yaml",
      dir_.string());
  EXPECT_EQ(scan.status, 0) << scan.out << scan.err;
}

TEST_F(FixCli, WritesAtomicallyKeepsTheModeAndASecondRunIsANoOp) {
  fs::permissions(dir_ / "web.yaml",
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  Result r = Rootlock("fix web.yaml", dir_.string());
  EXPECT_EQ(r.status, 0) << r.err;
  std::string fixed = ReadAll(dir_ / "web.yaml");
  EXPECT_NE(fixed, kWeb);
  EXPECT_NE(fixed.find("# keep me"), std::string::npos);
  EXPECT_NE(fixed.find("- name: app   # and me"), std::string::npos);
  EXPECT_EQ(fs::status(dir_ / "web.yaml").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  EXPECT_EQ(Rootlock("scan --fail-on-any web.yaml", dir_.string()).status, 0);
  Result again = Rootlock("fix web.yaml", dir_.string());
  EXPECT_EQ(again.status, 0);
  EXPECT_EQ(ReadAll(dir_ / "web.yaml"), fixed);
  EXPECT_NE(again.err.find("fixed 0 containers in 0 files"), std::string::npos) << again.err;
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().filename().string().find(".rootlock-"), std::string::npos)
        << "temporary file left behind: " << e.path();
  }
}

TEST_F(FixCli, StdinToStdoutAndLeftAloneExitsOne) {
  std::string compose = "services:\n  app:\n    image: x\n    read_only: ${RO}\n";
  Result r = Rootlock("fix -", dir_.string(), &compose);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, compose);
  EXPECT_NE(r.err.find("left alone: read_only is"), std::string::npos) << r.err;
  std::string pod = "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a}]}\n";
  Result p = Rootlock("fix -", dir_.string(), &pod);
  EXPECT_EQ(p.status, 0);
  EXPECT_EQ(p.out,
            "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, securityContext: "
            "{readOnlyRootFilesystem: true}, volumeMounts: [{name: tmp, mountPath: /tmp}]}], "
            "volumes: [{name: tmp, emptyDir: {}}]}\n");
}

// A compose value written with ${VAR} is left alone whatever .env makes of it
// (issue 13): the edit must not depend on the machine.
TEST_F(FixCli, InterpolatedComposeValuesAreLeftAloneWhateverEnvSays) {
  const std::string compose = "services:\n  worker:\n    image: w\n    read_only: ${WORKER_RO}\n";
  for (const char* value : {"1", "banana", "false", "true"}) {
    SCOPED_TRACE(value);
    WriteAll(dir_ / "docker-compose.yml", compose);
    WriteAll(dir_ / ".env", std::string("WORKER_RO=") + value + "\n");
    Result r = Rootlock("fix --no-config docker-compose.yml", dir_.string());
    EXPECT_EQ(ReadAll(dir_ / "docker-compose.yml"), compose);
    EXPECT_NE(r.err.find("left alone: read_only is set "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("${WORKER_RO}"), std::string::npos) << r.err;
  }
}

// fix - <a.yaml >b.yaml never leaves an empty b.yaml (issue 13).
TEST_F(FixCli, UnparseableStdinGoesThroughUnchanged) {
  std::string broken = "kind: Pod\nspec: [\n";
  Result r = Rootlock("fix -", dir_.string(), &broken);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, broken);
}

TEST_F(FixCli, UnparseableFilesAreNeverWritten) {
  WriteAll(dir_ / "broken.yaml", "kind: Pod\nspec:\n  containers: [\n");
  Result r = Rootlock("fix broken.yaml", dir_.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(ReadAll(dir_ / "broken.yaml"), "kind: Pod\nspec:\n  containers: [\n");
  EXPECT_NE(r.err.find("broken.yaml: error: not fixed: it does not parse"), std::string::npos);
}

// A write stopped at any point — mid-way through the temporary file, or just
// before the rename — leaves the original file whole, never a mix.
TEST_F(FixCli, AnInterruptedWriteLeavesTheOriginal) {
  std::string original = kWeb;
  Result dry = Rootlock("fix - ", dir_.string(), &original);
  size_t fixed_size = dry.out.size();
  ASSERT_GT(fixed_size, std::string(kWeb).size());
  for (size_t stop : {size_t{1}, size_t{10}, fixed_size / 2, fixed_size - 1}) {
    Result r = Rootlock("fix web.yaml", dir_.string(), nullptr,
                        "ROOTLOCK_FAULT_AFTER_BYTES=" + std::to_string(stop) + " ");
    EXPECT_EQ(r.status, 86) << "the fault was not injected";
    EXPECT_EQ(ReadAll(dir_ / "web.yaml"), kWeb) << "after " << stop << " bytes";
  }
  Result r = Rootlock("fix web.yaml", dir_.string(), nullptr, "ROOTLOCK_FAULT_BEFORE_RENAME=1 ");
  EXPECT_EQ(r.status, 87);
  EXPECT_EQ(ReadAll(dir_ / "web.yaml"), kWeb);
  // And killed at random moments: always the original or the fixed file.
  for (int i = 0; i < 20; ++i) {
    WriteAll(dir_ / "web.yaml", kWeb);
    std::string cmd = "cd '" + dir_.string() + "' && ('" + kBin +
                      "' fix web.yaml 2>/dev/null & pid=$!; sleep 0.00" + std::to_string(i % 10) +
                      "; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null) ; true";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    std::string now = ReadAll(dir_ / "web.yaml");
    EXPECT_TRUE(now == kWeb || now == dry.out) << "a mix after kill #" << i << ":\n" << now;
  }
}

// --- fix never breaks a file it does not own (issue 14; docs/fix.md). ---

class FixSafety : public FixCli {
 protected:
  bool Sh(const std::string& cmd) {
    return std::system(("cd '" + dir_.string() + "' && " + cmd).c_str()) == 0;
  }
  static bool Fixed(const std::string& text) {
    return text.find("readOnlyRootFilesystem: true") != std::string::npos;
  }
};

TEST_F(FixSafety, AWalkedSymlinkOutsideTheFolderIsSkippedWithANote) {
  fs::create_directories(dir_ / "repo" / "a");
  fs::create_directories(dir_ / "outside");
  WriteAll(dir_ / "outside" / "secret.yaml", kWeb);
  fs::create_symlink("../../outside/secret.yaml", dir_ / "repo" / "a" / "link.yaml");
  Result r = Rootlock("fix repo", dir_.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir_ / "repo" / "a" / "link.yaml")) << "the link was replaced";
  EXPECT_EQ(ReadAll(dir_ / "outside" / "secret.yaml"), kWeb);
  EXPECT_NE(r.err.find("repo/a/link.yaml: note: not fixed: a symlink to "
                       "../../outside/secret.yaml, outside repo"),
            std::string::npos)
      << r.err;
}

TEST_F(FixSafety, AWalkedSymlinkInsideTheFolderIsFixedOnceThroughItsTarget) {
  fs::create_directories(dir_ / "repo" / "a");
  fs::create_directories(dir_ / "repo" / "b");
  WriteAll(dir_ / "repo" / "b" / "real.yaml", kWeb);
  fs::create_symlink("../b/real.yaml", dir_ / "repo" / "a" / "link.yaml");
  Result r = Rootlock("fix repo", dir_.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir_ / "repo" / "a" / "link.yaml"));
  EXPECT_TRUE(Fixed(ReadAll(dir_ / "repo" / "b" / "real.yaml")));
  EXPECT_NE(r.err.find("fixed 1 container in 1 file"), std::string::npos) << r.err;
}

TEST_F(FixSafety, ASymlinkNamedOnTheCommandLineIsWrittenThrough) {
  fs::create_directories(dir_ / "outside");
  WriteAll(dir_ / "outside" / "secret.yaml", kWeb);
  fs::create_symlink("outside/secret.yaml", dir_ / "link.yaml");
  Result r = Rootlock("fix link.yaml", dir_.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.yaml")) << "the link was replaced by a copy";
  EXPECT_TRUE(Fixed(ReadAll(dir_ / "outside" / "secret.yaml")));
}

TEST_F(FixSafety, AReadOnlyFileIsRefusedUnlessForced) {
  fs::permissions(dir_ / "web.yaml",
                  fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  Result r = Rootlock("fix web.yaml", dir_.string());
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(ReadAll(dir_ / "web.yaml"), kWeb);
  EXPECT_NE(r.err.find("web.yaml: error: not written: it is read-only (mode 0444); rootlock fix "
                       "--force writes it anyway"),
            std::string::npos)
      << r.err;
  Result forced = Rootlock("fix --force web.yaml", dir_.string());
  EXPECT_EQ(forced.status, 0) << forced.err;
  EXPECT_TRUE(Fixed(ReadAll(dir_ / "web.yaml")));
  EXPECT_EQ(fs::status(dir_ / "web.yaml").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
}

TEST_F(FixSafety, AFileWithHardLinksIsRefusedAndStaysLinked) {
  fs::create_hard_link(dir_ / "web.yaml", dir_ / "other.yaml");
  Result r = Rootlock("fix web.yaml", dir_.string());
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("web.yaml: error: not written: it has 2 hard links"), std::string::npos)
      << r.err;
  EXPECT_EQ(ReadAll(dir_ / "web.yaml"), kWeb);
  EXPECT_EQ(fs::hard_link_count(dir_ / "web.yaml"), 2u);
}

TEST_F(FixSafety, OwnerExtendedAttributesAndAclsAreKept) {
  if (geteuid() == 0) {
    ASSERT_EQ(chown((dir_ / "web.yaml").c_str(), 65534, 65534), 0);
  }
  bool xattrs = std::system("command -v setfattr >/dev/null 2>&1") == 0 &&
                Sh("setfattr -n user.origin -v kept web.yaml 2>/dev/null");
  bool acls = std::system("command -v setfacl >/dev/null 2>&1") == 0 &&
              Sh("setfacl -m u:65533:rw web.yaml 2>/dev/null");
  Result r = Rootlock("fix web.yaml", dir_.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(Fixed(ReadAll(dir_ / "web.yaml")));
  struct stat st;
  ASSERT_EQ(stat((dir_ / "web.yaml").c_str(), &st), 0);
  if (geteuid() == 0) {
    EXPECT_EQ(st.st_uid, 65534u);
  }
  if (xattrs) {
    EXPECT_TRUE(Sh("getfattr -n user.origin --only-values web.yaml | grep -qx kept"));
  } else {
    std::printf("skipped the xattr part: no setfattr, or the file system refuses user xattrs\n");
  }
  if (acls) {
    EXPECT_TRUE(Sh("getfacl -n web.yaml 2>/dev/null | grep -q '^user:65533:rw-'"));
  } else {
    std::printf("skipped the ACL part: no setfacl, or the file system has no ACLs\n");
  }
}

TEST_F(FixSafety, AnOwnerThatCannotBeKeptIsSaid) {
  if (geteuid() != 0 || std::system("command -v setpriv >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "needs root (to make a file of another user) and setpriv";
  }
  // Written by uid 65533, owned by 65534: the replacement cannot be given back to 65534.
  ASSERT_EQ(chown(dir_.c_str(), 65533, 65533), 0);
  ASSERT_EQ(chown((dir_ / "web.yaml").c_str(), 65534, 65534), 0);
  fs::permissions(dir_ / "web.yaml", fs::perms::all & ~fs::perms::owner_exec &
                                         ~fs::perms::group_exec & ~fs::perms::others_exec);
  Result r = Rootlock("fix web.yaml", dir_.string(), nullptr,
                      "setpriv --reuid=65533 --regid=65533 --clear-groups ");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("web.yaml: note: owner not kept (uid 65534, gid 65534)"), std::string::npos)
      << r.err;
}

TEST_F(FixSafety, TwoRunsAtOnceLoseNeitherRunsEdits) {
  // The first run fixes the Deployment and pauses before writing; the second
  // (--strict) also fixes the StatefulSet. Locked, the second reads the first's
  // result; unlocked, the first would write over the second's StatefulSet.
  const std::string two =
      std::string(kWeb) +
      "---\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  template:\n"
      "    spec:\n      containers:\n        - name: db\n          image: postgres:16\n";
  WriteAll(dir_ / "web.yaml", two);
  std::string cmd = "cd '" + dir_.string() + "' && (ROOTLOCK_TEST_PAUSE_BEFORE_WRITE=1500 '" +
                    kHookedBin + "' fix web.yaml 2>first.err & sleep 0.4; '" + kBin +
                    "' fix --strict web.yaml 2>second.err; wait)";
  ASSERT_EQ(std::system(cmd.c_str()), 0)
      << ReadAll(dir_ / "first.err") << ReadAll(dir_ / "second.err");
  std::string now = ReadAll(dir_ / "web.yaml");
  size_t flags = 0;
  for (size_t at = now.find("readOnlyRootFilesystem: true"); at != std::string::npos;
       at = now.find("readOnlyRootFilesystem: true", at + 1)) {
    ++flags;
  }
  EXPECT_EQ(flags, 2u) << "an edit was lost:\n" << now;
}

TEST_F(FixSafety, StaleTemporaryFilesAreRemovedAndNeverRead) {
  // A dead writer's, an old one's: gone. A live writer's young one, and a name
  // not quite ours: kept.
  const std::string dead = ".web.yaml.rootlock-tmp-2147483646-a1B2c3";
  const std::string live = ".web.yaml.rootlock-tmp-" + std::to_string(getpid()) + "-x9Y8z7";
  const std::string other = ".web.yaml.rootlock-tmp-1-short";
  for (const std::string& n : {dead, live, other}) WriteAll(dir_ / n, "kind: Pod\n");
  Result r = Rootlock("fix .", dir_.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / dead)) << r.err;
  EXPECT_TRUE(fs::exists(dir_ / live));
  EXPECT_TRUE(fs::exists(dir_ / other));
  EXPECT_NE(r.err.find(dead + ": note: removed a temporary file a stopped fix left"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(Fixed(ReadAll(dir_ / "web.yaml")));
}

TEST_F(FixSafety, FifosAndProcessSubstitutionsAreRefused) {
  ASSERT_EQ(mkfifo((dir_ / "pipe.yaml").c_str(), 0644), 0);
  Result r = Rootlock("fix pipe.yaml", dir_.string(), nullptr, "timeout 10 ");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(CountLines(r.err), 2u) << r.err;  // the refusal, and the summary
  EXPECT_NE(r.err.find("pipe.yaml: error: not fixed: it is a FIFO"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("use `-` to fix stdin"), std::string::npos) << r.err;
  std::string cmd = "cd '" + dir_.string() + "' && timeout 10 bash -c \"'" + kBin +
                    "' fix <(cat web.yaml)\" 2>subst.err; echo $? >subst.rc";
  std::system(cmd.c_str());
  EXPECT_EQ(ReadAll(dir_ / "subst.rc"), "2\n");
  EXPECT_NE(ReadAll(dir_ / "subst.err").find("use `-` to fix stdin"), std::string::npos)
      << ReadAll(dir_ / "subst.err");
  EXPECT_EQ(ReadAll(dir_ / "web.yaml"), kWeb);
}

TEST_F(FixSafety, AFileNameNearNameMaxIsFixed) {
  std::string name = std::string(250, 'n') + ".yaml";  // 255 bytes
  WriteAll(dir_ / name, kWeb);
  Result r = Rootlock("fix " + name, dir_.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(Fixed(ReadAll(dir_ / name)));
}

TEST_F(FixSafety, RegisterReadyOutputIsNotScannedAgain) {
  fs::copy_file(kSource + "/examples/ecs/checkout-api.json", dir_ / "checkout-api.json");
  fs::remove(dir_ / "web.yaml");
  Result before = Rootlock("scan --format json .", dir_.string());
  Result r = Rootlock("fix --register-ready checkout-api.json", dir_.string());
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_TRUE(fs::exists(dir_ / "checkout-api.register.json"));
  Result after = Rootlock("scan --format json .", dir_.string());
  EXPECT_EQ(after.out.find("register.json"), std::string::npos) << after.out;
  // Named on the command line, it is read as what it is: one task definition.
  Result named = Rootlock("scan checkout-api.register.json", dir_.string());
  EXPECT_EQ(named.status, 0) << named.out << named.err;
}

TEST_F(FixSafety, AFixThatPassesTheSizeLimitSaysSo) {
  // 149 bytes fixed to 353: the next scan with the same limit would refuse it.
  Result r = Rootlock("fix --max-file-size 200 web.yaml", dir_.string());
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_GT(fs::file_size(dir_ / "web.yaml"), 200u);
  EXPECT_NE(r.err.find("web.yaml: warning: now 0.3 KiB, over the 0.2 KiB limit the next scan "
                       "enforces (raise it with --max-file-size)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Rootlock("scan --max-file-size 200 web.yaml", dir_.string()).status, 2);
}

}  // namespace

// --- Report formats: goldens, --output files, notes, progress. ---

namespace {

// Timestamps come from SOURCE_DATE_EPOCH, so every format's output is reproducible.
const std::string kEpoch = "SOURCE_DATE_EPOCH=1700000000 ";

// SARIF names the checkout's absolute path once (%SRCROOT%): the goldens hold a
// placeholder, so that they pass wherever the repository is cloned.
std::string WithoutCheckoutPath(std::string s) {
  std::string from = "\"file://" + kSource + "/\"", to = "\"file:///CHECKOUT/\"";
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

class FormatGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(FormatGolden, ExamplesMatchTheGolden) {
  std::string format = GetParam();
  Result r = Rootlock("scan -q --format " + format + " examples", kSource, nullptr, kEpoch);
  EXPECT_EQ(r.status, 1) << r.err;  // the examples fail the gate in every format
  EXPECT_EQ(r.err, "");             // -q: no notes
  ExpectGolden(WithoutCheckoutPath(r.out), kSource + "/tests/golden/examples." + format);
  Result jobs = Rootlock("scan -q -j 3 --format " + format + " examples", kSource, nullptr, kEpoch);
  EXPECT_EQ(jobs.out, r.out) << "output depends on --jobs";
}

INSTANTIATE_TEST_SUITE_P(Formats, FormatGolden,
                         ::testing::Values("sarif", "junit", "asff", "policyreport", "markdown",
                                           "html"),
                         [](const ::testing::TestParamInfo<const char*>& param) {
                           return std::string(param.param);
                         });

class OutputFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rootlock-output-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(OutputFiles, OnlyOutputLeavesStdoutEmpty) {
  Result r = Rootlock(
      "scan -q -o sarif=" + Path("a.sarif") + " --output=html=" + Path("b.html") + " examples",
      kSource, nullptr, kEpoch);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(WithoutCheckoutPath(ReadAll(Path("a.sarif"))),
            ReadAll(kSource + "/tests/golden/examples.sarif"));
  EXPECT_EQ(ReadAll(Path("b.html")), ReadAll(kSource + "/tests/golden/examples.html"));
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"a.sarif", "b.html"})) << "temporary files left";
}

TEST_F(OutputFiles, FormatStillGoesToStdoutAndFilesAreReplacedWhole) {
  WriteAll(Path("r.xml"), std::string(100000, 'x'));  // longer than the report
  Result r = Rootlock("scan -q --format json -o junit=" + Path("r.xml") + " examples", kSource,
                      nullptr, kEpoch);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.out, ReadAll(kSource + "/tests/golden/examples.json"));
  EXPECT_EQ(ReadAll(Path("r.xml")), ReadAll(kSource + "/tests/golden/examples.junit"));
}

TEST_F(OutputFiles, AFileThatCannotBeWrittenIsAnErrorButTheOthersAreWritten) {
  Result r = Rootlock("scan -q --format text -o sarif=" + Path("no/such/dir/x.sarif") +
                          " -o markdown=" + Path("ok.md") + " examples/kubernetes/api.yaml",
                      kSource, nullptr, kEpoch);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(CountLines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("rootlock: cannot write " + Path("no/such/dir/x.sarif")), std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::exists(Path("ok.md")));
  EXPECT_NE(r.out.find("3 of 3 containers"), std::string::npos);
}

TEST(Formats, BadFormatsAndOutputsAreUsageErrors) {
  for (const char* args : {"scan --format xml x", "scan -o sarif x", "scan -o xml=out x",
                           "scan -o sarif= x", "scan -o sarif=- x", "scan -o sarif=a -o json=a x",
                           "scan --aws-account-id 12 x", "scan --aws-region EU_WEST x",
                           "docker --format yaml", "rules --format html", "rules --bogus"}) {
    Result r = Rootlock(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(CountLines(r.err), 1u) << args << ": " << r.err;
    EXPECT_EQ(r.out, "") << args;
  }
}

TEST(Formats, PolicyReportSaysWhatItLeavesOut) {
  Result r = Rootlock("scan --format policyreport examples", kSource, nullptr, kEpoch);
  EXPECT_EQ(r.err,
            "rootlock: note: policyreport: 84 non-Kubernetes finding(s) left out: a "
            "PolicyReport names Kubernetes resources only\n");
  EXPECT_EQ(r.out, ReadAll(kSource + "/tests/golden/examples.policyreport"));
  Result k8s = Rootlock("scan --format policyreport examples/kubernetes");
  EXPECT_EQ(k8s.err, "");
}

// Security Hub's account and region: flags, else the environment, else placeholders (noted).
TEST(Formats, AsffAccountAndRegion) {
  const std::string pod = "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a}]}\n";
  auto arn = [](const std::string& region, const std::string& account) {
    return "\"ProductArn\":\"arn:aws:securityhub:" + region + ":" + account + ":product/" +
           account + "/default\"";
  };
  Result flags = Rootlock(
      "scan --format asff --aws-account-id 123456789012 --aws-region "
      "eu-west-1 -",
      kSource, &pod, "AWS_ACCOUNT_ID=999999999999 AWS_REGION=us-west-2 ");
  EXPECT_NE(flags.out.find(arn("eu-west-1", "123456789012")), std::string::npos) << flags.out;
  EXPECT_EQ(flags.err, "");
  Result env = Rootlock("scan --format asff -", kSource, &pod,
                        "AWS_ACCOUNT_ID=210987654321 AWS_DEFAULT_REGION=ap-south-1 ");
  EXPECT_NE(env.out.find(arn("ap-south-1", "210987654321")), std::string::npos) << env.out;
  EXPECT_EQ(env.err, "");
  Result both = Rootlock("scan --format asff -", kSource, &pod,
                         "AWS_ACCOUNT_ID=210987654321 AWS_REGION=eu-north-1 "
                         "AWS_DEFAULT_REGION=ap-south-1 ");
  EXPECT_NE(both.out.find(arn("eu-north-1", "210987654321")), std::string::npos);
  Result none = Rootlock("scan --format asff -", kSource, &pod,
                         "env -u AWS_ACCOUNT_ID -u AWS_REGION -u AWS_DEFAULT_REGION ");
  EXPECT_NE(none.out.find(arn("us-east-1", "000000000000")), std::string::npos);
  EXPECT_EQ(CountLines(none.err), 1u) << none.err;
  EXPECT_NE(none.err.find("placeholders 000000000000 / us-east-1"), std::string::npos);
  Result quiet = Rootlock("scan -q --format asff -", kSource, &pod,
                          "env -u AWS_ACCOUNT_ID -u AWS_REGION -u AWS_DEFAULT_REGION ");
  EXPECT_EQ(quiet.err, "");
  Result bad = Rootlock("scan --format asff -", kSource, &pod, "AWS_ACCOUNT_ID=nope ");
  EXPECT_EQ(bad.status, 2);
  // Only asff asks for an account: other formats say nothing about it.
  Result sarif = Rootlock("scan --format sarif -", kSource, &pod,
                          "env -u AWS_ACCOUNT_ID -u AWS_REGION -u AWS_DEFAULT_REGION ");
  EXPECT_EQ(sarif.err, "");
}

// One BatchImportFindings request a line, one finding per container and gating rule, so a
// fixed container's finding resolves (issue 13). tests/formats/asff_test.py checks the
// requests against botocore's model.
TEST(Formats, AsffHasOneFindingPerContainerAndMappedRule) {
  std::string asff = ReadAll(kSource + "/tests/golden/examples.asff");
  auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = asff.find(what); at != std::string::npos; at = asff.find(what, at + 1)) ++n;
    return n;
  };
  // Every rule with a control behind it (read-only-root-fs, no-privileged, no-host-pid,
  // run-as-non-root, no-secrets-in-env, logging-enabled), not tmp-writable: 6 x 23 findings,
  // two batches of at most 100.
  EXPECT_EQ(CountLines(asff), 2u);
  EXPECT_EQ(asff.rfind("{\"Findings\":[", 0), 0u);
  EXPECT_EQ(count("\"SchemaVersion\":\"2018-10-08\""), 138u);  // 21 judged, 2 n/a, each x6
  EXPECT_EQ(count("\"GeneratorId\":\"rootlock/tmp-writable\""), 0u);
  // The 9 read-only "fail:" lines, the 18 run-as-non-root warnings and the 6 ECS containers
  // without a log driver.
  EXPECT_EQ(count("\"Compliance\":{\"Status\":\"FAILED\""), 33u);
  for (const char* control : {"ECS.5", "ECS.4", "ECS.3", "ECS.20", "ECS.8", "ECS.9"}) {
    EXPECT_EQ(count(std::string("\"SecurityControlId\":\"") + control + "\""), 6u) << control;
  }
  EXPECT_EQ(count("\"Type\":\"AwsEcsTaskDefinition\""), 36u);
  EXPECT_EQ(count("\"CreatedAt\":\"2023-11-14T22:13:20.000Z\""), 138u);
  EXPECT_EQ(count("\"CIS Kubernetes Benchmark 5.7.3\""), 12u);
  // Host PID admission is no-host-pid's control (5.2.3), never read-only-root-fs's.
  EXPECT_EQ(count("\"CIS Kubernetes Benchmark 5.2.3\""), 12u);
  EXPECT_EQ(count("5.2.3"), 12u);
}

// A tmp-writable warning is no JUnit <failure> (Jenkins would mark a build
// unstable whose gate passed), and stays visible in its suite's system-out (issue 13).
TEST(Formats, JunitWarningsAreNotFailures) {
  std::string junit = ReadAll(kSource + "/tests/golden/examples.junit");
  EXPECT_EQ(junit.find("type=\"tmp-writable\""), std::string::npos);
  EXPECT_NE(junit.find("<testsuite name=\"tmp-writable\""), std::string::npos);
  EXPECT_NE(junit.find("tests=\"24\" failures=\"0\""), std::string::npos);
  EXPECT_NE(junit.find("warning: examples/kubernetes/nightly-report.yaml:15:15: CronJob "
                       "'nightly-report' container 'report' has a read-only root filesystem"),
            std::string::npos);
}

// The progress line: on a terminal only, cleared before the report, silenced by -q.
TEST(Progress, OnATerminalOnly) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1)";
  auto on_tty = [](const std::string& args) {
    // script(1) gives rootlock a terminal for stdout and stderr; its log is what it saw.
    fs::path log = fs::temp_directory_path() / ("rootlock-tty-" + std::to_string(getpid()));
    std::string cmd = "cd '" + kSource + "' && NO_COLOR=1 script -qec \"'" + kBin + "' " + args +
                      "\" '" + log.string() + "' >/dev/null 2>&1 </dev/null";
    std::system(cmd.c_str());
    std::string out = ReadAll(log);
    fs::remove(log);
    return out;
  };
  std::string shown = on_tty("scan examples");
  EXPECT_NE(shown.find("\r\033[Kscanning: 12 of 12 files, "), std::string::npos) << shown;
  EXPECT_NE(shown.find(" MB/s\r\033[K"), std::string::npos) << "not cleared: " << shown;
  EXPECT_NE(shown.find("12 of 21 containers"), std::string::npos);
  EXPECT_EQ(on_tty("scan -q examples").find("scanning:"), std::string::npos);
  EXPECT_EQ(on_tty("scan --quiet examples").find("scanning:"), std::string::npos);
  EXPECT_EQ(Rootlock("scan examples").err.find("scanning:"), std::string::npos);
}

TEST(Formats, RulesAsMarkdown) {
  Result one = Rootlock("rules --format markdown CKV_K8S_22");
  EXPECT_EQ(one.status, 0);
  EXPECT_EQ(one.out.rfind("# read-only-root-fs: Container root filesystem must be read-only\n", 0),
            0u)
      << one.out;
  EXPECT_NE(one.out.find("| Datadog | def-000-qq2 | equivalent check | ecs |"), std::string::npos);
  Result all = Rootlock("rules --format markdown");
  EXPECT_NE(all.out.find("[tmp-writable](tmp-writable.md)"), std::string::npos);
}

}  // namespace
