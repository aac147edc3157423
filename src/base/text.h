// Small string helpers shared by readers, adapters and reports.
#ifndef ROOTLOCK_BASE_TEXT_H_
#define ROOTLOCK_BASE_TEXT_H_

#include <cstdint>
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

/// Text made safe for a terminal, whatever it holds: every C0 control (tab and
/// newline too), DEL and C1 control (U+0080-U+009F) becomes `\u001b` (four hex
/// digits, lower case), and a byte that is not well-formed UTF-8 becomes `\xff`.
/// Text without those (backslashes included) comes back unchanged, so escaping
/// twice is escaping once. Every human-facing output (text and markdown reports,
/// error, warning and note lines) goes through it.
std::string EscapeControls(std::string_view s);

/// Whether `s` holds a control character (C0, DEL, C1) or bytes that are not
/// well-formed UTF-8: such a value is never printed as something to run or paste.
bool HasControls(std::string_view s);

/// A word for a POSIX shell: `s` unchanged when it is only letters, digits and
/// `_@%+=:,./-` (and not empty), else in single quotes with each `'` as `'\''`.
/// `sh -c 'printf %s WORD'` prints `s` back, whatever bytes it holds (but NUL,
/// which no argument can).
std::string ShellQuote(std::string_view s);

/// A YAML double-quoted scalar that reads back as `s` with any YAML 1.1 or 1.2
/// reader: `"` and `\` escaped, controls (C0, DEL, C1), U+2028, U+2029, U+FEFF,
/// U+FFFE and U+FFFF as `\uXXXX`. YAML cannot hold bytes that are not UTF-8:
/// each such byte becomes U+FFFD.
std::string YamlQuote(std::string_view s);

/// Length of the well-formed UTF-8 sequence starting at s[i] (1 for ASCII), or 0
/// when the bytes there are not one: a stray or truncated sequence, an overlong
/// form, a surrogate, or a code point past U+10FFFF.
size_t Utf8SequenceLength(std::string_view s, size_t i);

/// Appends code point `cp` (at most U+10FFFF) to `out` as UTF-8.
void AppendUtf8(uint32_t cp, std::string* out);

/// `hex` (hex digits only, at most 8) as a number; false when a character is not one.
bool ParseHex(std::string_view hex, uint32_t* out);

/// Offset of the first byte of `s` that is not well-formed UTF-8, or npos.
size_t FirstInvalidUtf8(std::string_view s);

/// Formats a ratio in [0,1] as a percentage, rounded to at most `decimals`
/// decimals: 0.8 -> "80%", 2/3 -> "66.7%". Never "100%" or "0%" unless it is
/// exactly so: 0.99996 -> ">99.9%", 0.00001 -> "<0.1%".
std::string FormatPercent(double ratio, int decimals = 1);

/// Formats a double with at most 4 decimals and no trailing zeros: 0.8 -> "0.8".
std::string FormatNumber(double v);

/// A path with "." and ".." resolved lexically (no file system): "a/./b/../c" ->
/// "a/c"; absolute when `path` is; leading ".." of a relative path kept.
std::string LexicalPath(std::string_view path);

/// When `text` starts with a UTF-16 byte order mark (LE or BE, and not a UTF-32
/// one), replaces it by its UTF-8 (without the mark) and returns true; sets
/// `error` instead when it is not valid UTF-16 (an odd length, an unpaired
/// surrogate). Returns false and leaves `text` alone otherwise. Windows
/// PowerShell writes `terraform show -json > plan.json` so.
bool DecodeUtf16WithBom(std::string* text, std::string* error);

}  // namespace rootlock

#endif  // ROOTLOCK_BASE_TEXT_H_
