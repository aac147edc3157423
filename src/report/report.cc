// The one entry point to every output format.
#include "report/report.h"

#include <cerrno>
#include <cstdlib>
#include <ctime>

#include "base/text.h"

namespace rootlock {

namespace {

constexpr std::string_view kFormats[] = {"text",      "json",           "sarif",    "junit",
                                         "asff",      "policyreport",   "markdown", "html",
                                         "inventory", "inventory-json", "gitlab"};

}  // namespace

int64_t ReportTime() {
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) {
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(epoch, &end, 10);
    if (errno == 0 && *end == '\0' && v >= 0) return v;
  }
  return static_cast<int64_t>(std::time(nullptr));
}

std::span<const std::string_view> ReportFormats() { return kFormats; }

bool IsReportFormat(std::string_view format) {
  for (std::string_view f : kFormats) {
    if (f == format) return true;
  }
  return false;
}

bool RenderReport(std::string_view format, const ScanResult& result, const ReportContext& context,
                  std::string* out, Diagnostic* error) {
  if (format == "text") {
    *out = TextReport(result, context.text);
  } else if (format == "json") {
    *out = JsonReport(result);
  } else if (format == "sarif") {
    *out = SarifReport(result, context);
  } else if (format == "junit") {
    *out = JunitReport(result, context);
  } else if (format == "asff") {
    *out = AsffReport(result, context);
  } else if (format == "policyreport") {
    *out = PolicyReportYaml(result, context);
  } else if (format == "markdown") {
    *out = MarkdownReport(result, context);
  } else if (format == "html") {
    *out = HtmlReport(result, context);
  } else if (format == "gitlab") {
    *out = GitlabReport(result, context);
  } else if (format == "inventory") {
    *out = InventoryText(result);
  } else if (format == "inventory-json") {
    *out = InventoryJson(result);
  } else {
    std::string known;
    for (std::string_view f : kFormats) known += (known.empty() ? "" : ", ") + std::string(f);
    error->message = "unknown format " + QuoteForMessage(format) + " (known: " + known + ")";
    return false;
  }
  return true;
}

}  // namespace rootlock
