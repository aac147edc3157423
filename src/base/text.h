// Small string helpers shared by readers, adapters and reports.
#ifndef ROOTLOCK_BASE_TEXT_H_
#define ROOTLOCK_BASE_TEXT_H_

#include <string>
#include <string_view>

namespace rootlock {

bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

/// Quotes a value for a one-line message: printable ASCII kept, the rest
/// escaped, long values cut with "…" so a hostile input cannot flood a report.
std::string QuoteForMessage(std::string_view s, size_t max_len = 60);

/// Formats a ratio in [0,1] as a percentage with at most one decimal:
/// 0.8 -> "80%", 2/3 -> "66.7%".
std::string FormatPercent(double ratio);

/// Formats a double with at most 4 decimals and no trailing zeros: 0.8 -> "0.8".
std::string FormatNumber(double v);

}  // namespace rootlock

#endif  // ROOTLOCK_BASE_TEXT_H_
