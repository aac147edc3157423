// The report formats, from hand-made findings: what each must say, and what it must escape.
// Schema validation of real scans is in tests/formats/ (ctest formats.*).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>

#include <string>
#include <vector>

#include "engine/scanner.h"
#include "parse/reader.h"
#include "report/report.h"
#include "report/report_util.h"
#include "rules/rules.h"

namespace rootlock {
namespace {

const RuleInfo& kMain = Rule(RuleId::kReadOnlyRootFs);
const RuleInfo& kTmp = Rule(RuleId::kTmpWritable);

Finding Make(const RuleInfo& rule, Status status, Platform platform, std::string name,
             std::string container, Location where) {
  Finding f;
  f.rule = &rule;
  f.status = status;
  f.severity = rule.severity;
  f.platform = platform;
  f.name = name;
  f.container = container;
  f.where = where;
  f.message = "'" + name + "' container '" + container + "' says so";
  f.reason = status == Status::kPass ? "" : "because";
  switch (platform) {
    case Platform::kKubernetes:
      f.kind = "Deployment";
      f.api_version = "apps/v1";
      f.namespace_ = "shop";
      f.resource = "Deployment/" + name;
      break;
    case Platform::kEcs:
      f.kind = "TaskDefinition";
      f.resource = name;
      break;
    case Platform::kDocker:
      f.kind = "Container";
      f.resource = "/" + name;
      break;
    case Platform::kCompose:
      f.kind = "Service";
      f.resource = "services." + name;
      break;
  }
  f.image = "img:1";
  return f;
}

// Three platforms, every status, and a live Docker container (no file, no line).
std::vector<Finding> SampleFindings() {
  std::vector<Finding> f = {
      Make(kMain, Status::kFail, Platform::kKubernetes, "web", "nginx", {"k8s/web.yaml", 7, 9}),
      Make(kTmp, Status::kNotApplicable, Platform::kKubernetes, "web", "nginx",
           {"k8s/web.yaml", 7, 9}),
      Make(kMain, Status::kPass, Platform::kKubernetes, "web", "php", {"k8s/web.yaml", 12, 9}),
      Make(kTmp, Status::kFail, Platform::kKubernetes, "web", "php", {"k8s/web.yaml", 12, 9}),
      Make(kMain, Status::kNotApplicable, Platform::kKubernetes, "db", "postgres",
           {"k8s/db.yaml", 5, 9}),
      Make(kMain, Status::kFail, Platform::kEcs, "api:12", "app", {"ecs/api.json", 3, 5}),
      Make(kMain, Status::kSkipped, Platform::kEcs, "api:11", "app", {"ecs/api.json", 30, 5}),
      Make(kMain, Status::kFail, Platform::kDocker, "cron", "cron", {"docker:3f2a9c", 0, 0}),
  };
  f[4].namespace_ = "";
  return f;
}

ScanResult Sample(const std::vector<Finding>& findings = SampleFindings()) {
  ScanResult r;
  ScanOptions o;
  r.summary = Summarize(findings, o);
  r.findings = FindingList(findings);
  return r;
}

const Node* Parse(const std::string& json, ParsedSource* keep) {
  *keep = ReadJson("report.json", json);
  EXPECT_FALSE(keep->has_error) << keep->error.ToString() << "\n" << json;
  return keep->has_error ? nullptr : keep->documents[0].root;
}

size_t Count(const std::string& s, std::string_view what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

ReportContext Context() {
  ReportContext c;
  c.time = 1700000000;
  return c;
}

// --- Fingerprint ---

TEST(Fingerprint, IgnoresLinesWordingAndVerdict) {
  Finding f = SampleFindings()[0];
  std::string fp = Fingerprint(f);
  ASSERT_EQ(fp.size(), 16u);
  EXPECT_EQ(fp.find_first_not_of("0123456789abcdef"), std::string::npos);
  Finding moved = f;
  moved.where.line = 70, moved.where.column = 1, moved.where.offset = 999;
  moved.message = "reworded";
  moved.reason = "other";
  moved.status = Status::kPass;
  moved.image = "img:2";
  EXPECT_EQ(Fingerprint(moved), fp);
}

TEST(Fingerprint, NamesWhatTheFindingIsAbout) {
  Finding f = SampleFindings()[0];
  std::string fp = Fingerprint(f);
  auto differs = [&](auto change) {
    Finding g = f;
    change(g);
    return Fingerprint(g) != fp;
  };
  EXPECT_TRUE(differs([](Finding& g) { g.rule = &kTmp; }));
  EXPECT_TRUE(differs([](Finding& g) { g.platform = Platform::kCompose; }));
  EXPECT_TRUE(differs([](Finding& g) { g.where.file = "k8s/other.yaml"; }));
  EXPECT_TRUE(differs([](Finding& g) { g.namespace_ = "prod"; }));
  EXPECT_TRUE(differs([](Finding& g) { g.resource = "Deployment/webb"; }));
  EXPECT_TRUE(differs([](Finding& g) { g.container = "nginx2"; }));
  // Fields are length-prefixed: moving a character between two fields changes it.
  EXPECT_TRUE(differs([](Finding& g) {
    g.resource = "Deployment/we";
    g.container = "bnginx";
  }));
}

TEST(Fingerprint, IsPinnedAcrossReleases) {
  Finding f = Make(kMain, Status::kFail, Platform::kKubernetes, "web", "nginx", {"a.yaml", 1, 1});
  EXPECT_EQ(Fingerprint(f), "def314f0fb358e91");
}

// --- RenderReport ---

// GitLab shows only the first issue of a repeated fingerprint: two containers that hash
// alike (the same name twice in one resource) are both shown; paths are repository-relative.
TEST(Gitlab, RepeatedFingerprintsGetASuffixAndPathsAreRelative) {
  Finding a = Make(kMain, Status::kFail, Platform::kKubernetes, "web", "app",
                   Location{"/repo/k8s/web.yaml", 9, 11});
  Finding b = a;
  b.where.line = 20;
  Finding pass = Make(kMain, Status::kPass, Platform::kKubernetes, "ok", "app",
                      Location{"/repo/k8s/web.yaml", 30, 11});
  ReportContext c = Context();
  c.working_dir = "/repo/k8s";
  c.source_root = "/repo";
  std::string out = GitlabReport(Sample({a, b, pass}), c);
  std::string fp = Fingerprint(a);
  EXPECT_EQ(Count(out, "\"fingerprint\": \"" + fp + "\""), 1u) << out;
  EXPECT_EQ(Count(out, "\"fingerprint\": \"" + fp + "-2\""), 1u) << out;
  EXPECT_EQ(Count(out, "\"path\": \"k8s/web.yaml\""), 2u) << out;
  EXPECT_EQ(Count(out, "\"severity\": \"critical\""), 2u) << out;  // high
  EXPECT_EQ(Count(out, "\"begin\": 20"), 1u) << out;
  EXPECT_EQ(GitlabReport(Sample({pass}), c), "[]\n");
}

TEST(RenderReport, KnowsEveryFormatAndRefusesOthers) {
  ScanResult r = Sample();
  std::vector<std::string> names;
  for (std::string_view f : ReportFormats()) {
    names.emplace_back(f);
    std::string out;
    Diagnostic error;
    EXPECT_TRUE(RenderReport(f, r, Context(), &out, &error)) << f;
    EXPECT_FALSE(out.empty()) << f;
    EXPECT_TRUE(IsReportFormat(f));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"text", "json", "sarif", "junit", "asff",
                                             "policyreport", "markdown", "html", "inventory",
                                             "inventory-json", "gitlab"}));
  std::string out;
  Diagnostic error;
  EXPECT_FALSE(RenderReport("xml", r, Context(), &out, &error));
  EXPECT_NE(error.message.find("unknown format \"xml\""), std::string::npos) << error.message;
  EXPECT_FALSE(IsReportFormat("xml"));
  // text and json are the existing reports, untouched.
  ASSERT_TRUE(RenderReport("json", r, Context(), &out, &error));
  EXPECT_EQ(out, JsonReport(r));
  ReportContext c = Context();
  c.text.verbose = true;
  ASSERT_TRUE(RenderReport("text", r, c, &out, &error));
  EXPECT_EQ(out, TextReport(r, c.text));
}

// Issue 14: what a manifest or an engine names (a file, a workload, a container, an
// image, a message, an input error) reaches no terminal as a control character, in
// any format: an OSC title, a screen clear, a forged line, a C1 CSI, DEL.
const std::string kHostile =
    "x\x1b]0;pwned\x07 \x1b[2J \r\nfake: line \xC2\x9B"
    "31m \x7f";

// The first raw control in `s` other than a newline (and a tab, which no format
// writes from input), as "offset: byte", or "" when there is none.
std::string FirstRawControl(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    bool c1 = c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F;
    if ((c < 0x20 && c != '\n') || c == 0x7F || c1) {
      return std::to_string(i) + ": " + std::to_string(c) + " in ..." +
             s.substr(i >= 40 ? i - 40 : 0, 80);
    }
  }
  return "";
}

TEST(RenderReport, NoFormatPassesAControlCharacterThrough) {
  std::vector<Finding> fs = SampleFindings();
  for (Finding& f : fs) {
    f.where.file = "k8s/" + kHostile + ".yaml";
    f.name = "web" + kHostile;
    f.namespace_ = "ns" + kHostile;
    f.resource = "Deployment/" + f.name;
    f.container = "c" + kHostile;
    f.image = "img" + kHostile;
    f.message = "'" + f.name + "' container '" + f.container + "' says so";
    f.reason = "because" + kHostile;
  }
  fs.back().remedy.observed = true;
  fs.back().remedy.changes = {Change::AddWritableMount("/tmp")};
  fs.back().remedy.refused = {"/data/" + kHostile};
  ScanResult r = Sample(fs);
  r.errors.push_back(Diagnostic{Location{"bad" + kHostile + ".yaml", 3, 4}, "YAML: " + kHostile});
  r.skipped_files.push_back(Diagnostic{Location{"t" + kHostile + ".yaml"}, "a template"});
  ReportContext c = Context();
  c.text.verbose = true;
  for (std::string_view format : ReportFormats()) {
    std::string out;
    Diagnostic error;
    ASSERT_TRUE(RenderReport(format, r, c, &out, &error)) << format;
    EXPECT_EQ(FirstRawControl(out), "") << format;
    // A line-oriented report never starts a line with the input's text (XML and HTML
    // may keep a newline as the content it is: not a control there).
    if (format == "text" || format == "markdown") {
      EXPECT_EQ(out.find("\nfake: line"), std::string::npos) << format;
    }
  }
  // The text report shows ESC as \u001b, and says what it did not suggest.
  std::string text = TextReport(r, c.text);
  EXPECT_NE(text.find("container 'cx\\u001b]0;pwned\\u0007 \\u001b[2J \\u000d\\u000afake: line"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    not suggested: \"/data/x\\x1b]0;pwned"), std::string::npos) << text;
  EXPECT_EQ(FirstRawControl(r.errors[0].ToString()), "");
  EXPECT_EQ(r.errors[0].ToString(),
            "badx\\u001b]0;pwned\\u0007 \\u001b[2J \\u000d\\u000afake: line \\u009b31m "
            "\\u007f.yaml:3:4: error: YAML: x\\u001b]0;pwned\\u0007 \\u001b[2J "
            "\\u000d\\u000afake: line \\u009b31m \\u007f");
}

// Issue 14: a live container's remedy is printed for the user to run and paste.
// Paths it wrote are one shell word each and one YAML scalar each, whatever they hold.
Finding LiveFinding(std::vector<std::string> paths, std::string image = "nginx:1") {
  Finding f = Make(kMain, Status::kFail, Platform::kDocker, "web", "web", {"docker:3f2a9c", 0, 0});
  f.image = std::move(image);
  f.remedy.observed = true;
  f.remedy.changes = {Change::SetFlag(Setting::kReadOnlyRoot)};
  for (std::string& p : paths) f.remedy.changes.push_back(Change::AddWritableMount(std::move(p)));
  return f;
}

// The words /bin/sh makes of `line` (run in a fresh folder, so that a command it
// substitutes would leave a file there), and whether that folder stayed empty.
std::vector<std::string> ShellWords(const std::string& line, bool* nothing_ran) {
  std::string dir = ::testing::TempDir() + "rootlock-shell-words-XXXXXX";
  EXPECT_NE(mkdtemp(dir.data()), nullptr);
  std::string script = dir + "/words.sh";
  {
    FILE* f = std::fopen(script.c_str(), "w");
    std::string body = "printf '%s\\0' " + line + "\n";
    std::fwrite(body.data(), 1, body.size(), f);
    std::fclose(f);
  }
  std::string cmd = "cd '" + dir + "' && /bin/sh ./words.sh";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << line;
  std::remove(script.c_str());
  *nothing_ran = std::remove(dir.c_str()) == 0;  // only an empty folder goes
  std::vector<std::string> words;
  for (size_t at = 0; at < out.size();) {
    size_t nul = out.find('\0', at);
    words.push_back(out.substr(at, nul - at));
    at = nul + 1;
  }
  return words;
}

TEST(Suggestion, DockerRunQuotesEveryPathAndTheImage) {
  Finding f = LiveFinding({"/data/$(touch${IFS}pwned)", "/tmp", "/it's here"}, "img;touch x");
  std::string run = internal::DockerRunSuggestion(f);
  EXPECT_EQ(run,
            "docker run --read-only --tmpfs '/data/$(touch${IFS}pwned)' --tmpfs /tmp "
            "--tmpfs '/it'\\''s here' [your other options] 'img;touch x'");
  std::string args = run.substr(std::string("docker run ").size());
  args.replace(args.find("[your other options] "), 21, "");
  bool nothing_ran = false;
  EXPECT_EQ(ShellWords(args, &nothing_ran),
            (std::vector<std::string>{"--read-only", "--tmpfs", "/data/$(touch${IFS}pwned)",
                                      "--tmpfs", "/tmp", "--tmpfs", "/it's here", "img;touch x"}));
  EXPECT_TRUE(nothing_ran) << "the shell ran something from the suggestion";
  // An image with controls is not printed as a word to run.
  EXPECT_EQ(internal::DockerRunSuggestion(LiveFinding({"/tmp"}, "a\nb")),
            "docker run --read-only --tmpfs /tmp [your other options] IMAGE");
}

TEST(Suggestion, ComposeSnippetAddsNoKey) {
  const std::string bad = "/data/x\nprivileged: true\ncap_add: [ALL]";
  Finding f = LiveFinding({"/data/$(touch${IFS}pwned)", bad, "/tmp"});
  std::string compose = internal::ComposeSuggestion(f);
  ParsedSource p = ReadYaml("snippet.yaml", compose);
  ASSERT_FALSE(p.has_error) << p.error.ToString() << "\n" << compose;
  const Node* root = p.documents.at(0).root;
  ASSERT_TRUE(root->IsMapping()) << compose;
  ASSERT_EQ(root->MappingSize(), 2u) << compose;
  EXPECT_EQ(root->KeyAt(0)->value(), "read_only");
  EXPECT_EQ(root->KeyAt(1)->value(), "tmpfs");
  EXPECT_EQ(root->Get("privileged"), nullptr);
  EXPECT_EQ(root->Get("cap_add"), nullptr);
  const Node* tmpfs = root->Get("tmpfs");
  ASSERT_EQ(tmpfs->children().size(), 3u) << compose;
  EXPECT_EQ(tmpfs->children()[0]->value(), "/data/$(touch${IFS}pwned)");
  EXPECT_EQ(tmpfs->children()[1]->value(), bad);
  EXPECT_EQ(tmpfs->children()[2]->value(), "/tmp");
}

TEST(RenderReport, TimeComesFromSourceDateEpoch) {
  setenv("SOURCE_DATE_EPOCH", "86400", 1);
  EXPECT_EQ(ReportTime(), 86400);
  setenv("SOURCE_DATE_EPOCH", "soon", 1);
  EXPECT_GT(ReportTime(), 1600000000);  // not a number: now
  unsetenv("SOURCE_DATE_EPOCH");
  EXPECT_GT(ReportTime(), 1600000000);
  EXPECT_EQ(internal::Iso8601(86400), "1970-01-02T00:00:00Z");
  EXPECT_EQ(internal::Iso8601(86400, true), "1970-01-02T00:00:00.000Z");
  EXPECT_EQ(internal::Iso8601(86400, false, false), "1970-01-02T00:00:00");
}

// --- SARIF ---

TEST(Sarif, RuleSecuritySeverityFollowsTheConfigOverride) {
  ScanResult r = Sample();
  r.severity["read-only-root-fs"] = Severity::kCritical;
  ParsedSource p;
  const Node* root = Parse(SarifReport(r, Context()), &p);
  ASSERT_NE(root, nullptr);
  const Node* rules = root->Get("runs")->children().at(0)->Path({"tool", "driver", "rules"});
  EXPECT_EQ(rules->children()[0]->Path({"properties", "security-severity"})->value(), "9.5");
}

TEST(Sarif, ResultsAreFailuresOnly) {
  ParsedSource p;
  const Node* root = Parse(SarifReport(Sample(), Context()), &p);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->Get("version")->value(), "2.1.0");
  const Node* run = root->Get("runs")->children().at(0);
  const Node* rules = run->Path({"tool", "driver", "rules"});
  ASSERT_EQ(rules->children().size(), kRuleCount);  // every rule of the registry
  EXPECT_EQ(rules->children()[0]->Get("id")->value(), "read-only-root-fs");
  EXPECT_EQ(rules->children()[0]->Path({"properties", "security-severity"})->value(), "8.0");
  EXPECT_EQ(rules->children()[1]->Path({"properties", "security-severity"}), nullptr);
  EXPECT_EQ(rules->children()[0]->Get("helpUri")->value(), kMain.help_uri);
  const auto& results = run->Get("results")->children();
  // Failures only (issue 13): fail k8s, warning tmp, fail ecs, fail docker; GitHub
  // ignores suppressions, so n/a and skipped are no results.
  ASSERT_EQ(results.size(), 4u);
  std::vector<std::string> levels;
  for (const Node* r : results) levels.emplace_back(r->Get("level")->value());
  EXPECT_EQ(levels, (std::vector<std::string>{"error", "warning", "error", "error"}));
  EXPECT_EQ(results[0]->Get("suppressions"), nullptr);
  const Node* loc = results[0]->Get("locations")->children().at(0);
  EXPECT_EQ(loc->Path({"physicalLocation", "artifactLocation", "uri"})->value(), "k8s/web.yaml");
  EXPECT_EQ(loc->Path({"physicalLocation", "region", "startLine"})->value(), "7");
  EXPECT_EQ(loc->Path({"physicalLocation", "region", "startColumn"})->value(), "9");
  EXPECT_EQ(results[0]->Path({"partialFingerprints", "rootlock/v1"})->value(),
            Fingerprint(SampleFindings()[0]));
}

TEST(Sarif, LiveContainersGetALogicalLocationOnly) {
  ParsedSource p;
  const Node* root = Parse(SarifReport(Sample(), Context()), &p);
  ASSERT_NE(root, nullptr);
  const Node* live = root->Get("runs")->children().at(0)->Get("results")->children().back();
  const Node* loc = live->Get("locations")->children().at(0);
  EXPECT_EQ(loc->Get("physicalLocation"), nullptr);
  const Node* logical = loc->Get("logicalLocations")->children().at(0);
  EXPECT_EQ(logical->Get("name")->value(), "cron");
  EXPECT_EQ(logical->Get("fullyQualifiedName")->value(), "docker:3f2a9c/cron");
}

TEST(Sarif, UrisArePercentEncodedAndRelative) {
  std::vector<Finding> fs = SampleFindings();
  fs[0].where.file = "./k8s/my app#1.yaml";
  fs[3].where.file = "/abs/x.yaml";
  ScanResult r = Sample(fs);
  std::string sarif = SarifReport(r, Context());
  EXPECT_NE(sarif.find("\"uri\": \"k8s/my%20app%231.yaml\""), std::string::npos);
  EXPECT_NE(sarif.find("\"uri\": \"file:///abs/x.yaml\""), std::string::npos);
}

// URIs are relative to %SRCROOT%, the repository root, wherever the scan ran from
// (issue 13): a scan from a subfolder with ../ paths names the same files.
TEST(Sarif, UrisAreRelativeToTheSourceRoot) {
  std::vector<Finding> fs = SampleFindings();
  fs[0].where.file = "../k8s/web.yaml";
  fs[0].reason = "a [link](x) that is not one";
  fs[3].where.file = "/elsewhere/x.yaml";
  ReportContext c = Context();
  c.source_root = "/repo";
  c.working_dir = "/repo/sub";
  std::string sarif = SarifReport(Sample(fs), c);
  EXPECT_NE(sarif.find("\"%SRCROOT%\": {\n          \"uri\": \"file:///repo/\""), std::string::npos)
      << sarif;
  EXPECT_NE(
      sarif.find("\"uri\": \"k8s/web.yaml\",\n                  \"uriBaseId\": \"%SRCROOT%\""),
      std::string::npos)
      << sarif;
  EXPECT_NE(sarif.find("\"uri\": \"file:///elsewhere/x.yaml\"\n"), std::string::npos) << sarif;
  EXPECT_NE(sarif.find("a \\\\[link\\\\](x) that is not one"), std::string::npos) << sarif;
  EXPECT_EQ(sarif.find("%3Cstdin%3E"), std::string::npos);
}

// --- JUnit ---

TEST(Junit, OneSuitePerRuleOneCasePerContainer) {
  std::string xml = JunitReport(Sample(), Context());
  EXPECT_EQ(Count(xml, "<testsuite "), kRuleCount);  // every rule, with or without findings
  EXPECT_NE(xml.find("<testsuite name=\"read-only-root-fs\" package=\"rootlock\" id=\"0\" "
                     "timestamp=\"2023-11-14T22:13:20\" hostname=\"localhost\" tests=\"6\" "
                     "failures=\"3\" errors=\"0\" skipped=\"2\" time=\"0\">"),
            std::string::npos)
      << xml;
  EXPECT_EQ(Count(xml, "<testcase "), 8u);
  EXPECT_EQ(Count(xml, "<failure "), 3u);  // the 3 gating ones: a tmp-writable warning is none
  EXPECT_EQ(Count(xml, "<skipped "), 3u);
  EXPECT_NE(xml.find(">k8s/web.yaml:7:9: 'web' container 'nginx' says so (because)\n"
                     "remediation: Set securityContext"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("classname=\"kubernetes.shop\""), std::string::npos);
  EXPECT_NE(xml.find("classname=\"ecs.api\""), std::string::npos);
}

TEST(Junit, InputErrorsGetASuite) {
  ScanResult r = Sample();
  r.errors.push_back(Diagnostic{Location{"bad.yaml", 3, 1}, "YAML: <broken> & \"odd\""});
  std::string xml = JunitReport(r, Context());
  EXPECT_NE(xml.find("<testsuite name=\"input\" package=\"rootlock\" id=\"" +
                     std::to_string(kRuleCount) + "\""),
            std::string::npos);
  EXPECT_NE(xml.find("message=\"YAML: &lt;broken&gt; &amp; &quot;odd&quot;\""), std::string::npos)
      << xml;
}

// --- ASFF ---

// One finding per container and gating rule, whatever its verdict (not the tmp-writable
// warning, not the skipped revision), as one BatchImportFindings request a line.
TEST(Asff, OneFindingPerContainerAndGatingRule) {
  ReportContext c = Context();
  c.aws_account_id = "123456789012";
  c.aws_region = "eu-west-1";
  std::string asff = AsffReport(Sample(), c);
  ASSERT_EQ(Count(asff, "\n"), 1u);
  ParsedSource p;
  const Node* request = Parse(asff, &p);
  ASSERT_NE(request, nullptr);
  ASSERT_EQ(request->MappingSize(), 1u);
  const Node* root = request->Get("Findings");
  ASSERT_NE(root, nullptr);
  ASSERT_EQ(root->children().size(), 5u);
  const Node* k8s = root->children()[0];
  const Node* pass = root->children()[1];
  const Node* na = root->children()[2];
  const Node* ecs = root->children()[3];
  const Node* docker = root->children()[4];
  EXPECT_EQ(k8s->Get("SchemaVersion")->value(), "2018-10-08");
  EXPECT_EQ(k8s->Get("ProductArn")->value(),
            "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default");
  EXPECT_EQ(k8s->Get("AwsAccountId")->value(), "123456789012");
  EXPECT_EQ(k8s->Get("CreatedAt")->value(), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(k8s->Path({"Severity", "Label"})->value(), "HIGH");
  EXPECT_EQ(k8s->Get("Id")->value(),
            "rootlock/read-only-root-fs/" + Fingerprint(SampleFindings()[0]));
  EXPECT_EQ(k8s->Get("Resources")->children().at(0)->Get("Type")->value(), "Other");
  EXPECT_EQ(k8s->Path({"Compliance", "Status"})->value(), "FAILED");
  EXPECT_EQ(k8s->Path({"Workflow", "Status"})->value(), "NEW");
  EXPECT_EQ(k8s->Path({"Compliance", "SecurityControlId"}), nullptr);
  const Node* k8s_reqs = k8s->Path({"Compliance", "RelatedRequirements"});
  ASSERT_NE(k8s_reqs, nullptr);
  EXPECT_EQ(k8s_reqs->children().at(0)->value(), "CIS Kubernetes Benchmark 5.7.3");
  const Node* types = k8s->Get("Types");
  ASSERT_NE(types, nullptr);
  ASSERT_EQ(types->children().size(), 2u);
  EXPECT_EQ(types->children()[0]->value(), kAsffCisBenchmarks);
  EXPECT_EQ(types->children()[1]->value(), kAsffNist80053);
  // A pass and an n/a resolve whatever an earlier import said about the same container.
  EXPECT_EQ(pass->Path({"Compliance", "Status"})->value(), "PASSED");
  EXPECT_EQ(pass->Path({"Severity", "Label"})->value(), "INFORMATIONAL");
  EXPECT_EQ(pass->Path({"Workflow", "Status"})->value(), "RESOLVED");
  EXPECT_EQ(pass->Get("Remediation"), nullptr);
  EXPECT_EQ(na->Path({"Compliance", "Status"})->value(), "NOT_AVAILABLE");
  EXPECT_EQ(ecs->Path({"Compliance", "SecurityControlId"})->value(), "ECS.5");
  EXPECT_EQ(ecs->Get("Types")->children().at(0)->value(), kAsffAwsBestPractices);
  const Node* ecs_resource = ecs->Get("Resources")->children().at(0);
  EXPECT_EQ(ecs_resource->Get("Type")->value(), "AwsEcsTaskDefinition");
  EXPECT_EQ(ecs_resource->Get("Id")->value(),
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/api:12");
  EXPECT_EQ(ecs_resource->Path({"Details", "AwsEcsTaskDefinition", "Family"})->value(), "api");
  EXPECT_EQ(docker->Get("Resources")->children().at(0)->Get("Type")->value(), "Container");
  EXPECT_EQ(docker->Path({"Remediation", "Recommendation", "Text"})->value(),
            kMain.remediation[static_cast<size_t>(Platform::kDocker)]);
}

TEST(Asff, BatchesOfAHundredAndNoEmptyBatch) {
  std::vector<Finding> many;
  for (int i = 0; i < 250; ++i) {
    many.push_back(Make(kMain, Status::kFail, Platform::kKubernetes, "web" + std::to_string(i),
                        "nginx", {"k8s/web.yaml", 7, 9}));
  }
  std::string asff = AsffReport(Sample(many), Context());
  ASSERT_EQ(Count(asff, "\n"), 3u);
  EXPECT_EQ(Count(asff, "\"SchemaVersion\""), 250u);
  size_t first_line = asff.find('\n');
  EXPECT_EQ(Count(asff.substr(0, first_line), "\"SchemaVersion\""), 100u);
  EXPECT_EQ(AsffReport(Sample({}), Context()), "");  // the API refuses an empty list
}

TEST(Asff, LongTextIsCutToSecurityHubLimits) {
  std::vector<Finding> fs = SampleFindings();
  fs[0].reason = std::string(3000, 'x') + "é";
  ScanResult r = Sample(fs);
  ParsedSource p;
  const Node* root = Parse(AsffReport(r, Context()), &p);
  ASSERT_NE(root, nullptr);
  std::string_view description =
      root->Get("Findings")->children().at(0)->Get("Description")->value();
  EXPECT_LE(description.size(), 1024u);
  EXPECT_TRUE(description.ends_with("..."));
}

// --- PolicyReport ---

TEST(PolicyReport, OneReportPerNamespaceAndANoteForTheRest) {
  std::vector<std::string> notes;
  ReportContext c = Context();
  c.note = [&](const std::string& n) { notes.push_back(n); };
  std::string yaml = PolicyReportYaml(Sample(), c);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0],
            "policyreport: 3 non-Kubernetes finding(s) left out: a PolicyReport names Kubernetes "
            "resources only");
  EXPECT_EQ(Count(yaml, "kind: PolicyReport\n"), 2u);  // "" (db) and "shop"
  ParsedSource p = ReadYaml("r.yaml", yaml);
  ASSERT_FALSE(p.has_error) << p.error.ToString();
  ASSERT_EQ(p.documents.size(), 2u);
  const Node* none = p.documents[0].root;
  EXPECT_EQ(none->Path({"metadata", "namespace"}), nullptr);
  EXPECT_EQ(none->Path({"summary", "skip"})->value(), "1");
  const Node* shop = p.documents[1].root;
  EXPECT_EQ(shop->Path({"metadata", "namespace"})->value(), "shop");
  EXPECT_EQ(shop->Path({"summary", "fail"})->value(), "1");
  EXPECT_EQ(shop->Path({"summary", "warn"})->value(), "1");  // tmp-writable does not gate
  EXPECT_EQ(shop->Path({"summary", "pass"})->value(), "1");
  EXPECT_EQ(shop->Path({"summary", "skip"})->value(), "1");
  const Node* first = shop->Get("results")->children().at(0);
  EXPECT_EQ(first->Get("result")->value(), "fail");
  EXPECT_EQ(first->Get("scored")->value(), "true");
  EXPECT_EQ(first->Path({"timestamp", "seconds"})->value(), "1700000000");
  const Node* resource = first->Get("resources")->children().at(0);
  EXPECT_EQ(resource->Get("apiVersion")->value(), "apps/v1");
  EXPECT_EQ(resource->Get("name")->value(), "web");
  // YAML look-alikes stay strings: every value is quoted.
  std::vector<Finding> fs = SampleFindings();
  fs[0].container = "yes";
  ScanResult r = Sample(fs);
  ParsedSource q = ReadYaml("r.yaml", PolicyReportYaml(r, Context()));
  ASSERT_FALSE(q.has_error);
  EXPECT_EQ(q.documents[1]
                .root->Get("results")
                ->children()[0]
                ->Path({"properties", "container"})
                ->AsBool(),
            BoolValue::kNotBool);
}

// --- Markdown and HTML: hostile names ---

TEST(Markdown, TableCellsCannotBreakTheTable) {
  std::vector<Finding> fs = SampleFindings();
  fs[0].container = "a|b`c<img src=x>";
  ScanResult r = Sample(fs);
  std::string md = MarkdownReport(r, Context());
  size_t row = md.find("| ❌ | k8s/web.yaml:7:9 |");
  ASSERT_NE(row, std::string::npos) << md;
  std::string line = md.substr(row, md.find('\n', row) - row);
  size_t pipes = 0;
  for (size_t i = 0; i < line.size(); ++i)
    pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
  EXPECT_EQ(pipes, 7u) << line;
  EXPECT_NE(line.find("a\\|b\\`c&lt;img src=x&gt;"), std::string::npos) << line;
  EXPECT_NE(md.find("<details>"), std::string::npos);
  EXPECT_NE(md.find("**1 of 4 containers use read-only root filesystem (25%)"), std::string::npos)
      << md;  // headline
}

// A pull-request comment stays under GitHub's 65,536 characters, saying how
// many rows it left out, and a reason cannot @-mention anyone (issue 13).
TEST(Markdown, StaysUnderTheCommentLimitAndMentionsNoOne) {
  std::vector<Finding> fs;
  for (int i = 0; i < 3000; ++i) {
    fs.push_back(Make(kMain, Status::kFail, Platform::kKubernetes, "web-" + std::to_string(i),
                      "nginx", Location{"k8s/web.yaml", static_cast<uint32_t>(i + 1), 9, 0}));
  }
  fs[0].reason = "ask @octocat";
  std::string md = MarkdownReport(Sample(fs), Context());
  EXPECT_LT(md.size(), 65536u);
  EXPECT_NE(md.find(" more failing containers not shown here"), std::string::npos);
  EXPECT_NE(md.find("rootlock rules RULE"), std::string::npos) << "the footer is kept";
  EXPECT_EQ(md.find("@octocat"), std::string::npos);
  EXPECT_NE(md.find("ask &#64;octocat"), std::string::npos);
  // A small report is whole.
  EXPECT_EQ(MarkdownReport(Sample(), Context()).find("not shown here"), std::string::npos);
}

TEST(Html, EscapesEverythingAndNeedsNoNetwork) {
  std::vector<Finding> fs = SampleFindings();
  fs[0].container = "</td><script>alert(1)</script>";
  fs[0].namespace_ = "<b>ns</b>";
  ScanResult r = Sample(fs);
  std::string html = HtmlReport(r, Context());
  EXPECT_EQ(Count(html, "<script"), 1u);  // ours, at the end
  EXPECT_NE(html.find("&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<b>ns</b>"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  // No URL but the SVG namespace: nothing to fetch.
  EXPECT_EQ(Count(html, "http://"), Count(html, "http://www.w3.org/2000/svg"));
  EXPECT_EQ(Count(html, "https://"), 0u);
  EXPECT_NE(html.find("<figure id=\"chart-platform\">"), std::string::npos);
  EXPECT_NE(html.find("<figure id=\"chart-group\">"), std::string::npos);
  EXPECT_NE(html.find("<table id=\"findings\">"), std::string::npos);
  EXPECT_NE(html.find("<div id=\"filters\" hidden>"), std::string::npos);
}

// --- Escaping helpers ---

TEST(ReportUtil, XmlEscapeRepairsWhatXmlForbids) {
  EXPECT_EQ(internal::XmlEscape("a<b>&\"'"), "a&lt;b&gt;&amp;\"'");
  EXPECT_EQ(internal::XmlEscape("a\"'\n\t", true), "a&quot;&#39;&#10;&#9;");
  EXPECT_EQ(internal::XmlEscape("x\x01y\xC3"), "x\xEF\xBF\xBDy\xEF\xBF\xBD");
  EXPECT_EQ(internal::CleanUtf8("é\xED\xA0\x80"), "é\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(internal::Truncate("abcdefg", 6), "abc...");
  EXPECT_EQ(internal::Truncate("xéabcdef", 5), "x...");  // never half of "é"
  EXPECT_EQ(internal::Truncate("abcdé", 6), "abcdé");
  EXPECT_EQ(internal::Truncate("short", 10), "short");
}

// --- Rules as data ---

TEST(RuleDocs, EveryRuleHasItsDataAndItsDocsSayIt) {
  for (const RuleInfo* r : AllRules()) {
    EXPECT_TRUE(std::string_view(r->help_uri).starts_with("https://")) << r->id;
    EXPECT_FALSE(std::string_view(r->name).empty()) << r->id;
    EXPECT_FALSE(r->tags.empty()) << r->id;
    std::string md = RuleMarkdown(*r);
    std::string text = RuleText(*r);
    for (const ComplianceRef& c : r->compliance) {
      EXPECT_NE(md.find(internal::MarkdownEscape(c.control)), std::string::npos) << c.control;
      EXPECT_NE(text.find(std::string(c.framework) + " " + c.control), std::string::npos);
    }
    for (const char* rem : r->remediation) {
      EXPECT_NE(md.find(internal::MarkdownEscape(rem)), std::string::npos) << r->id;
    }
    EXPECT_NE(RulesIndexMarkdown().find(std::string("(") + r->id + ".md)"), std::string::npos);
  }
  // The compliance mappings the issue lists, each findable as an alias.
  for (const char* id : {"ECS.5", "ecs-containers-readonly-access", "5.12", "5.7.3", "CM-7",
                         "def-000-qq2", "byb-wyq-f3q"}) {
    EXPECT_EQ(FindRule(id), &kMain) << id;
  }
}

}  // namespace
}  // namespace rootlock
