#include "report/report_util.h"

#include <ctime>

#include "base/text.h"

namespace rootlock {
namespace internal {

std::string Position(const Location& l) {
  if (l.line == 0) return l.file;  // a live container: no line to point at
  return l.file + ":" + std::to_string(l.line) + ":" + std::to_string(l.column);
}

std::string Explain(const Finding& f) {
  if (f.reason.empty()) return f.message;
  return f.message + " (" + f.reason + ")";
}

const char* Remediation(const Finding& f) {
  return f.rule->remediation[static_cast<size_t>(f.platform)];
}

std::string DockerRunSuggestion(const Finding& f) {
  if (!f.remedy.observed) return "";
  // Paths and the image come from the engine: each is one shell word (issue 14).
  std::string run = "docker run --read-only";
  for (const std::string& d : f.remedy.WritablePaths()) run += " --tmpfs " + ShellQuote(d);
  bool plain_image = !f.image.empty() && !HasControls(f.image);
  return run + " [your other options] " + (plain_image ? ShellQuote(f.image) : "IMAGE");
}

std::string ComposeSuggestion(const Finding& f) {
  if (!f.remedy.observed) return "";
  std::string compose = "read_only: true\ntmpfs:";
  for (const std::string& d : f.remedy.WritablePaths()) compose += "\n  - " + YamlQuote(d);
  return compose;
}

std::string RefusedNote(const Finding& f) {
  if (f.remedy.refused.empty()) return "";
  std::string out = "not suggested: ";
  for (size_t i = 0; i < f.remedy.refused.size(); ++i) {
    const std::string& p = f.remedy.refused[i];
    out += (i ? ", " : "") + QuoteForMessage(p) +
           (HasControls(p) ? " (control characters or bytes that are not UTF-8)"
                           : " (a ':' would start tmpfs mount options)");
  }
  return out + "; check what wrote " + (f.remedy.refused.size() == 1 ? "it" : "them") +
         " before making " + (f.remedy.refused.size() == 1 ? "it" : "them") + " writable";
}

std::string QualifiedResource(const Finding& f) {
  if (f.namespace_.empty()) return f.resource;
  return f.namespace_ + "/" + f.resource;
}

std::string Group(const Finding& f) {
  switch (f.platform) {
    case Platform::kKubernetes:
      return f.namespace_;
    case Platform::kEcs: {
      // ECS names a revision "family:12"; the family is what a team owns.
      std::string_view name = f.name;
      size_t colon = name.rfind(':');
      if (colon != std::string_view::npos && colon + 1 < name.size() &&
          name.find_first_not_of("0123456789", colon + 1) == std::string_view::npos) {
        name = name.substr(0, colon);
      }
      return std::string(name);
    }
    default:
      return "";
  }
}

namespace {

// Decodes one UTF-8 character at s[i]; returns its length, or 0 when the bytes there
// are not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF included).
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t len = 0;
  uint32_t v = 0;
  uint32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2, v = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, v = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, v = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    v = (v << 6) | (cc & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

bool XmlAllowed(uint32_t cp) {
  if (cp < 0x20) return cp == '\t' || cp == '\n' || cp == '\r';
  // DEL and the C1 controls are XML characters, but a terminal showing the file
  // may obey them (0x9B is CSI): they go like the C0 ones.
  if (cp >= 0x7F && cp <= 0x9F) return false;
  return cp != 0xFFFE && cp != 0xFFFF;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

std::string CleanUtf8(std::string_view s, bool xml) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (xml && !XmlAllowed(cp)) {
      out += kReplacement;
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string XmlEscape(std::string_view s, bool attribute) {
  std::string clean = CleanUtf8(s, /*xml=*/true);
  std::string out;
  out.reserve(clean.size() + 16);
  for (char c : clean) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      case '\'':
        out += attribute ? "&#39;" : "'";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string MarkdownEscape(std::string_view s) {
  // Line breaks become spaces; other controls their `\u001b` form (EscapeControls),
  // whose backslash is escaped below like any other.
  std::string clean = CleanUtf8(s);
  for (char& c : clean) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  clean = EscapeControls(clean);
  std::string out;
  out.reserve(clean.size() + 16);
  for (char c : clean) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '@':  // an entity: a reason can never mention (notify) someone
        out += "&#64;";
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '|':
      case '#':
      case '~':
      case '!':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string PlatformList(PlatformSet set) {
  if ((set & kAllPlatforms) == kAllPlatforms) return "all";
  std::string out;
  for (unsigned p = 0; p < 4; ++p) {
    if (set & PlatformBit(static_cast<Platform>(p))) {
      out += (out.empty() ? "" : ", ") + std::string(PlatformName(static_cast<Platform>(p)));
    }
  }
  return out;
}

std::string Truncate(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  constexpr std::string_view kMark = "...";
  if (max_bytes < kMark.size()) return std::string(kMark.substr(0, max_bytes));
  size_t keep = max_bytes - kMark.size();
  // Back off to the start of a character: never split a UTF-8 sequence.
  while (keep > 0 && (static_cast<unsigned char>(s[keep]) & 0xC0) == 0x80) --keep;
  return std::string(s.substr(0, keep)) + std::string(kMark);
}

std::string Iso8601(int64_t seconds, bool millis, bool zone) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (millis) out += ".000";
  if (zone) out += "Z";
  return out;
}

const char* SecuritySeverityScore(Severity s) {
  // GitHub's bands: critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9.
  switch (s) {
    case Severity::kCritical:
      return "9.5";
    case Severity::kHigh:
      return "8.0";
    case Severity::kMedium:
      return "5.5";
    case Severity::kLow:
      return "3.0";
  }
  return "3.0";
}

// "2 failure(s) of no-privileged, no-host-pid (--fail-on)".
std::string FailOnReason(const Summary& s) {
  std::string rules;
  for (const std::string& r : s.fail_on) rules += (rules.empty() ? "" : ", ") + r;
  return std::to_string(s.failed_on) + " failure(s) of " + rules + " (--fail-on)";
}

std::string GateReason(const Summary& s) {
  if (s.failed_on > 0) {
    std::string also;
    if (s.baseline_used && s.baseline_new > 0) {
      also = "; " + std::to_string(s.baseline_new) + " new failure(s) not in the baseline";
    } else if (!s.baseline_used && s.ratio_gate && !s.empty() && s.ratio + 1e-12 < s.min_ratio) {
      also = "; " + FormatPercent(s.ratio) + " is below the " + FormatPercent(s.min_ratio) +
             " minimum";
    }
    return FailOnReason(s) + also;
  }
  if (!s.ratio_gate) {
    return s.fail_on.empty() ? "nothing gates: read-only-root-fs did not run and --fail-on names "
                               "no rule"
                             : "no failure of the rules --fail-on names, and read-only-root-fs "
                               "did not run";
  }
  if (s.baseline_used) {  // with a baseline, only new failures fail the gate
    std::string known = std::to_string(s.baseline_known) + " known from the baseline, " +
                        std::to_string(s.baseline_fixed) + " fixed since";
    if (s.passed) return "no new failures (" + known + ")";
    return std::to_string(s.baseline_new) + " new failure(s) not in the baseline (" + known + ")";
  }
  if (s.empty()) {
    if (s.allow_empty) return "nothing to judge, and --allow-empty accepts that";
    return "nothing was judged; --allow-empty (or allow_empty: true in .rootlock.yaml) accepts "
           "an empty result";
  }
  if (s.passed) {
    return FormatPercent(s.ratio) + " meets the " + FormatPercent(s.min_ratio) + " minimum";
  }
  if (s.ratio + 1e-12 < s.min_ratio) {
    // Rounded alike, 79.96% and 80% would read the same: then say more digits.
    int digits = FormatPercent(s.ratio) == FormatPercent(s.min_ratio) ? 2 : 1;
    return FormatPercent(s.ratio, digits) + " is below the " + FormatPercent(s.min_ratio) +
           " minimum (--min-ratio " + FormatNumber(s.min_ratio) + ")";
  }
  return std::to_string(s.writable) +
         " container(s) with a writable root filesystem (--fail-on-any)";
}

}  // namespace internal
}  // namespace rootlock
