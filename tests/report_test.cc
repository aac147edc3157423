#include <gtest/gtest.h>

#include <string>

#include "base/json_writer.h"
#include "base/text.h"
#include "engine/scanner.h"
#include "parse/reader.h"
#include "report/report.h"
#include "rules/rules.h"

namespace rootlock {
namespace {

// Rounded, not truncated (issue 13), but never all or none unless so.
TEST(Text, FormatPercentRounds) {
  EXPECT_EQ(FormatPercent(0.8), "80%");
  EXPECT_EQ(FormatPercent(2.0 / 3.0), "66.7%");
  EXPECT_EQ(FormatPercent(1.0 / 3.0), "33.3%");
  EXPECT_EQ(FormatPercent(0.7999), "80%");
  EXPECT_EQ(FormatPercent(0.7999, 2), "79.99%");
  EXPECT_EQ(FormatPercent(0.12345, 2), "12.35%");
  EXPECT_EQ(FormatPercent(1.0), "100%");
  EXPECT_EQ(FormatPercent(0.99996), ">99.9%");
  EXPECT_EQ(FormatPercent(0.0), "0%");
  EXPECT_EQ(FormatPercent(0.00001), "<0.1%");
}

TEST(Text, QuoteForMessageEscapesAndCuts) {
  EXPECT_EQ(QuoteForMessage("a\"b\n\x01"), "\"a\\\"b\\n\\x01\"");
  EXPECT_EQ(QuoteForMessage(std::string(100, 'x'), 5), "\"xxxxx...\"");
  // C1 controls (CSI is U+009B) and bytes that are not UTF-8 are shown, not passed on;
  // whole characters count once against the length.
  EXPECT_EQ(QuoteForMessage("a\xc2\x9b"
                            "2Jb"),
            "\"a\\u009b2Jb\"");
  EXPECT_EQ(QuoteForMessage("\xff\xc2"), "\"\\xff\\xc2\"");
  EXPECT_EQ(QuoteForMessage("\xc3\xa9\xc3\xa9\xc3\xa9", 2), "\"\xc3\xa9\xc3\xa9...\"");
}

// Issue 14: text a container or a manifest controls never drives the terminal.
TEST(Text, EscapeControlsLeavesNoControlByte) {
  EXPECT_EQ(EscapeControls("\x1b]0;pwned\x07"), "\\u001b]0;pwned\\u0007");
  EXPECT_EQ(EscapeControls("\x1b[2J"), "\\u001b[2J");
  EXPECT_EQ(EscapeControls("a\r\nfake: line"), "a\\u000d\\u000afake: line");
  EXPECT_EQ(EscapeControls("del\x7f c1\xC2\x9B end"), "del\\u007f c1\\u009b end");
  EXPECT_EQ(EscapeControls("bad \x9b byte"), "bad \\x9b byte");
  // Text without controls comes back as it is, backslashes and UTF-8 included.
  EXPECT_EQ(EscapeControls("C:\\u001b é ✓"), "C:\\u001b é ✓");
  EXPECT_EQ(EscapeControls(EscapeControls("\x1b")), EscapeControls("\x1b"));
  EXPECT_TRUE(HasControls("a\nb"));
  EXPECT_TRUE(HasControls("\xC2\x85"));
  EXPECT_TRUE(HasControls("\xff"));
  EXPECT_FALSE(HasControls("/data/$(touch${IFS}pwned)/é"));
}

TEST(Text, ShellQuoteSingleQuotesAnythingNotPlain) {
  EXPECT_EQ(ShellQuote("/tmp"), "/tmp");
  EXPECT_EQ(ShellQuote("/var/cache/nginx-1.2_x"), "/var/cache/nginx-1.2_x");
  EXPECT_EQ(ShellQuote("/data/$(touch${IFS}pwned)"), "'/data/$(touch${IFS}pwned)'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
}

TEST(Text, YamlQuoteIsOneQuotedScalar) {
  EXPECT_EQ(YamlQuote("/tmp"), "\"/tmp\"");
  EXPECT_EQ(YamlQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(YamlQuote("x\nprivileged: true\ncap_add: [ALL]"),
            "\"x\\u000aprivileged: true\\u000acap_add: [ALL]\"");
  EXPECT_EQ(YamlQuote("\xC2\x85\xE2\x80\xA8"), "\"\\u0085\\u2028\"");
  for (std::string v : {std::string("x\nprivileged: true\ncap_add: [ALL]"),
                        std::string("/data/$(touch${IFS}pwned)"), std::string("a\0b\x7f", 4),
                        std::string("'\"\\ #: - [] {} & * ! | > % @ `")}) {
    ParsedSource p = ReadYaml("q.yaml", "k: " + YamlQuote(v) + "\n");
    ASSERT_FALSE(p.has_error) << p.error.ToString();
    const Node* root = p.documents.at(0).root;
    ASSERT_EQ(root->MappingSize(), 1u);
    EXPECT_EQ(root->Get("k")->value(), v);
  }
}

TEST(JsonWriter, EscapesAndRepairsInvalidUtf8) {
  std::string out;
  JsonWriter::AppendEscaped(&out, "q\"\\\n\t\x01 é \xC3");
  EXPECT_EQ(out, "\"q\\\"\\\\\\n\\t\\u0001 é \xEF\xBF\xBD\"");
  // Whatever bytes a finding carries, the report stays valid JSON.
  ParsedSource p = ReadJson("o.json", out);
  EXPECT_FALSE(p.has_error) << p.error.ToString();
}

ScanResult Sample() {
  ScanResult r;
  static const RuleInfo* rule = FindRule("read-only-root-fs");
  Finding f;
  f.rule = rule;
  f.status = Status::kFail;
  f.kind = "Deployment";
  f.name = "web";
  f.resource = "Deployment/web";
  f.container = "nginx";
  f.image = "nginx:1";
  f.where = Location{"a.yaml", 7, 9, 100};
  f.message = "Deployment 'web' container 'nginx' lacks readOnlyRootFilesystem: true";
  f.reason = "no securityContext";
  r.findings.push_back(f);
  r.errors.push_back(Diagnostic{Location{"b.yaml", 3, 4}, "YAML: broken"});
  ScanOptions o;
  r.summary = Summarize(std::vector<Finding>{f}, o);
  r.summary.files = 2;
  return r;
}

TEST(JsonReport, CarriesTheContractFields) {
  std::string json = JsonReport(Sample());
  ParsedSource p = ReadJson("r.json", json);
  ASSERT_FALSE(p.has_error) << p.error.ToString();
  const Node* root = p.documents[0].root;
  EXPECT_EQ(root->Path({"tool", "name"})->value(), "rootlock");
  for (const char* k :
       {"containers", "read_only", "writable", "not_applicable", "ratio", "min_ratio", "passed"}) {
    EXPECT_NE(root->Path({"summary", k}), nullptr) << k;
  }
  EXPECT_EQ(root->Path({"summary", "passed"})->AsBool(), BoolValue::kFalse);
  const Node* f = root->Get("findings")->children().at(0);
  for (const char* k :
       {"rule", "status", "severity", "platform", "kind", "name", "namespace", "resource",
        "container", "image", "file", "line", "column", "message", "reason"}) {
    EXPECT_NE(f->Get(k), nullptr) << k;
  }
  EXPECT_EQ(f->Get("status")->value(), "fail");
  EXPECT_EQ(f->Get("line")->value(), "7");
  EXPECT_EQ(f->Get("platform")->value(), "kubernetes");
  const Node* e = root->Get("errors")->children().at(0);
  EXPECT_EQ(e->Get("file")->value(), "b.yaml");
  EXPECT_EQ(e->Get("column")->value(), "4");
}

TEST(TextReport, NamesTheWorkloadWithItsLocationAndGivesTheHeadline) {
  std::string text = TextReport(Sample(), TextOptions{});
  EXPECT_NE(text.find("a.yaml:7:9: fail: Deployment 'web' container 'nginx' lacks "
                      "readOnlyRootFilesystem: true (no securityContext) [read-only-root-fs]"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("0 of 1 containers use read-only root filesystem (0%)"), std::string::npos);
  EXPECT_NE(text.find("FAILED: 0% is below the 80% minimum"), std::string::npos);
  EXPECT_EQ(text.find("\033["), std::string::npos);  // no colour unless asked
}

TEST(Summary, RatioExcludesNotApplicableAndGatesAtTheMinimum) {
  std::vector<Finding> fs;
  const RuleInfo* rule = FindRule("read-only-root-fs");
  auto add = [&](Status s, int n) {
    for (int i = 0; i < n; ++i) {
      Finding f;
      f.rule = rule;
      f.status = s;
      fs.push_back(f);
    }
  };
  add(Status::kPass, 4);
  add(Status::kFail, 1);
  add(Status::kNotApplicable, 5);
  ScanOptions o;
  Summary s = Summarize(fs, o);
  EXPECT_EQ(s.containers, 10u);
  EXPECT_DOUBLE_EQ(s.ratio, 0.8);
  EXPECT_TRUE(s.passed);  // exactly at the minimum passes
  o.fail_on_any = true;
  EXPECT_FALSE(Summarize(fs, o).passed);
  o.fail_on_any = false;
  o.min_ratio = 0.81;
  EXPECT_FALSE(Summarize(fs, o).passed);
  // Nothing judged fails the gate unless an empty result is allowed (issue 13).
  EXPECT_FALSE(Summarize(std::vector<Finding>{}, o).passed);
  EXPECT_TRUE(Summarize(std::vector<Finding>{}, o).empty());
  o.allow_empty = true;
  EXPECT_TRUE(Summarize(std::vector<Finding>{}, o).passed);
}

// Rounded alike, a ratio just under the minimum would read as the minimum: the
// gate line then says more digits.
TEST(Text, AFailingGateNeverReadsAsTheMinimum) {
  ScanResult r;
  r.summary.read_only = 3999;
  r.summary.writable = 1001;
  r.summary.ratio = 3999.0 / 5000.0;
  r.summary.min_ratio = 0.8;
  r.summary.passed = false;
  std::string text = TextReport(r, TextOptions{});
  EXPECT_NE(text.find("3999 of 5000 containers use read-only root filesystem (80%)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("FAILED: 79.98% is below the 80% minimum"), std::string::npos) << text;
}

// Windows PowerShell writes `terraform show -json > plan.json` as UTF-16 with a
// BOM: decoded when the BOM says so (issue 13), UTF-32 and BOM-less left alone.
TEST(Text, DecodesUtf16WithABom) {
  auto utf16 = [](bool le, std::u16string s) {
    std::string out = le ? "\xFF\xFE" : "\xFE\xFF";
    for (char16_t c : s) {
      char hi = static_cast<char>(c >> 8), lo = static_cast<char>(c & 0xFF);
      out += le ? std::string{lo, hi} : std::string{hi, lo};
    }
    return out;
  };
  for (bool le : {true, false}) {
    std::string text = utf16(le, u"{\"k\": \"\u00e9\u20ac\U0001F600\"}\n");
    std::string error;
    ASSERT_TRUE(DecodeUtf16WithBom(&text, &error));
    EXPECT_EQ(error, "");
    EXPECT_EQ(text, "{\"k\": \"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"}\n");
  }
  std::string odd = "\xFF\xFE{";
  std::string error;
  EXPECT_TRUE(DecodeUtf16WithBom(&odd, &error));
  EXPECT_EQ(error, "invalid UTF-16: an odd number of bytes");
  std::string lone = utf16(true, u"a") + std::string("\x00\xD8", 2);
  error.clear();
  EXPECT_TRUE(DecodeUtf16WithBom(&lone, &error));
  EXPECT_NE(error.find("unpaired surrogate"), std::string::npos);
  std::string utf32("\xFF\xFE\x00\x00{\x00\x00\x00", 8), plain = "{}";
  EXPECT_FALSE(DecodeUtf16WithBom(&utf32, &error));
  EXPECT_FALSE(DecodeUtf16WithBom(&plain, &error));
  EXPECT_EQ(plain, "{}");
}

TEST(Text, LexicalPathResolvesDotsWithoutTheFileSystem) {
  EXPECT_EQ(LexicalPath("infra/./defs/../defs/api.json"), "infra/defs/api.json");
  EXPECT_EQ(LexicalPath("/repo/sub/../k8s/web.yaml"), "/repo/k8s/web.yaml");
  EXPECT_EQ(LexicalPath("../x/./y"), "../x/y");
  EXPECT_EQ(LexicalPath("/../a"), "/a");
  EXPECT_EQ(LexicalPath("./"), "");
}

}  // namespace
}  // namespace rootlock
