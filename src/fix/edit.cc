#include "fix/edit.h"

#include <algorithm>
#include <functional>

namespace rootlock {

bool ApplyEdits(std::string_view text, std::vector<TextEdit> edits, std::string* out,
                std::string* error, std::vector<std::pair<uint64_t, uint64_t>>* written) {
  std::stable_sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) {
    if (a.offset != b.offset) return a.offset < b.offset;
    return a.depth > b.depth;
  });
  out->clear();
  out->reserve(text.size() + 256);
  uint64_t pos = 0;
  for (const TextEdit& e : edits) {
    if (e.offset < pos || e.offset + e.length > text.size()) {
      *error = "overlapping or out-of-range edit at byte " + std::to_string(e.offset);
      return false;
    }
    out->append(text.substr(pos, e.offset - pos));
    if (written) written->push_back({out->size(), out->size() + e.text.size()});
    out->append(e.text);
    pos = e.offset + e.length;
  }
  out->append(text.substr(pos));
  return true;
}

std::string_view LineEnding(std::string_view text) {
  size_t nl = text.find('\n');
  return nl != std::string_view::npos && nl > 0 && text[nl - 1] == '\r' ? "\r\n" : "\n";
}

namespace {

// Lines with their terminators, so a last line without one stays distinct.
std::vector<std::string_view> SplitLines(std::string_view s) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t nl = s.find('\n', pos);
    size_t end = nl == std::string_view::npos ? s.size() : nl + 1;
    lines.push_back(s.substr(pos, end - pos));
    pos = end;
  }
  return lines;
}

struct Op {
  char kind;    // ' ', '-', '+'
  size_t a, b;  // line indexes in before / after
};

// Myers' O((N+M)D) shortest edit script, on lines.
std::vector<Op> Diff(const std::vector<std::string_view>& a,
                     const std::vector<std::string_view>& b) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  const int max = n + m;
  std::vector<int> v(2 * max + 2, 0);
  std::vector<std::vector<int>> trace;
  int found_d = -1;
  for (int d = 0; d <= max; ++d) {
    trace.push_back(v);
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[k - 1 + max] < v[k + 1 + max])) ? v[k + 1 + max]
                                                                       : v[k - 1 + max] + 1;
      int y = x - k;
      while (x < n && y < m && a[x] == b[y]) ++x, ++y;
      v[k + max] = x;
      if (x >= n && y >= m) {
        found_d = d;
        break;
      }
    }
    if (found_d >= 0) break;
  }
  std::vector<Op> ops;
  int x = n, y = m;
  for (int d = found_d; d > 0; --d) {
    const std::vector<int>& pv = trace[d];
    int k = x - y;
    int prev_k = (k == -d || (k != d && pv[k - 1 + max] < pv[k + 1 + max])) ? k + 1 : k - 1;
    int prev_x = pv[prev_k + max], prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y)
      ops.push_back({' ', static_cast<size_t>(--x), static_cast<size_t>(--y)});
    if (x == prev_x) {
      ops.push_back({'+', static_cast<size_t>(x), static_cast<size_t>(--y)});
    } else {
      ops.push_back({'-', static_cast<size_t>(--x), static_cast<size_t>(y)});
    }
  }
  while (x > 0 && y > 0) ops.push_back({' ', static_cast<size_t>(--x), static_cast<size_t>(--y)});
  std::reverse(ops.begin(), ops.end());
  return ops;
}

// For large inputs, where Myers' trace (D copies of a 2(N+M) vector) would not
// fit in memory (a 5,000-resource Terraform file's --diff took 23 GB): walk
// both sides together and, where they differ, resume at the nearest pair of
// equal lines (nearest by lines skipped on both sides, the next few equal too),
// searching a window that doubles when nothing is found. Linear for what fix
// writes (short insertions and replacements far apart); not always minimal.
std::vector<Op> WindowedDiff(const std::vector<std::string_view>& a,
                             const std::vector<std::string_view>& b) {
  const size_t n = a.size(), m = b.size();
  std::hash<std::string_view> hash;
  std::vector<size_t> ha(n), hb(m);
  for (size_t i = 0; i < n; ++i) ha[i] = hash(a[i]);
  for (size_t j = 0; j < m; ++j) hb[j] = hash(b[j]);
  auto same = [&](size_t x, size_t y) { return ha[x] == hb[y] && a[x] == b[y]; };
  auto anchor = [&](size_t x, size_t y) {  // x, y and up to 3 lines after them equal
    for (size_t k = 0; k < 4 && x + k < n && y + k < m; ++k) {
      if (!same(x + k, y + k)) return false;
    }
    return true;
  };
  std::vector<Op> ops;
  size_t i = 0, j = 0;
  while (i < n && j < m) {
    if (same(i, j)) {
      ops.push_back({' ', i++, j++});
      continue;
    }
    size_t x = n, y = m;  // no anchor: the rest is replaced
    for (size_t window = 64; x == n && y == m; window *= 2) {
      bool found = false;
      for (size_t skip = 1; skip <= 2 * window && !found; ++skip) {
        for (size_t dx = 0; dx <= skip && !found; ++dx) {
          size_t dy = skip - dx;
          if (dx > window || dy > window || i + dx >= n || j + dy >= m) continue;
          if (anchor(i + dx, j + dy)) x = i + dx, y = j + dy, found = true;
        }
      }
      if (window >= n + m) break;
    }
    while (i < x) ops.push_back({'-', i++, j});
    while (j < y) ops.push_back({'+', i, j++});
  }
  while (i < n) ops.push_back({'-', i++, j});
  while (j < m) ops.push_back({'+', i, j++});
  return ops;
}

void AppendLine(std::string* out, char kind, std::string_view line) {
  *out += kind;
  out->append(line);
  if (line.empty() || line.back() != '\n') *out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string UnifiedDiff(std::string_view name, std::string_view before, std::string_view after) {
  if (before == after) return "";
  // Only the changed middle is diffed: a common prefix and suffix of lines are context.
  std::vector<std::string_view> a = SplitLines(before), b = SplitLines(after);
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre &&
         a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) {
    ++suf;
  }
  std::vector<std::string_view> am(a.begin() + pre, a.end() - suf),
      bm(b.begin() + pre, b.end() - suf);
  std::vector<Op> ops;
  for (size_t i = 0; i < pre; ++i) ops.push_back({' ', i, i});
  // Myers' trace costs D * 2(N+M) ints: above a few thousand lines, the windowed walk.
  constexpr size_t kMyersUpTo = 4000;
  std::vector<Op> middle =
      am.size() + bm.size() <= kMyersUpTo ? Diff(am, bm) : WindowedDiff(am, bm);
  for (Op op : middle) ops.push_back({op.kind, op.a + pre, op.b + pre});
  for (size_t i = 0; i < suf; ++i) {
    ops.push_back({' ', a.size() - suf + i, b.size() - suf + i});
  }
  std::string out = "--- a/" + std::string(name) + "\n+++ b/" + std::string(name) + "\n";
  constexpr size_t kContext = 3;
  size_t i = 0;
  while (i < ops.size()) {
    while (i < ops.size() && ops[i].kind == ' ') ++i;
    if (i >= ops.size()) break;
    size_t start = i >= kContext ? i - kContext : 0;
    // Extend the hunk while changes are within 2*context lines of each other.
    size_t end = i;
    while (true) {
      while (end < ops.size() && ops[end].kind != ' ') ++end;
      size_t next = end;
      while (next < ops.size() && ops[next].kind == ' ') ++next;
      if (next < ops.size() && next - end <= 2 * kContext) {
        end = next;
        continue;
      }
      end = std::min(ops.size(), end + kContext);
      break;
    }
    size_t a_start = 0, a_len = 0, b_start = 0, b_len = 0;
    bool a_set = false, b_set = false;
    for (size_t k = start; k < end; ++k) {
      if (ops[k].kind != '+') {
        if (!a_set) a_start = ops[k].a, a_set = true;
        ++a_len;
      }
      if (ops[k].kind != '-') {
        if (!b_set) b_start = ops[k].b, b_set = true;
        ++b_len;
      }
    }
    if (!a_set) a_start = start < ops.size() ? ops[start].a : a.size();
    if (!b_set) b_start = start < ops.size() ? ops[start].b : b.size();
    out += "@@ -" + std::to_string(a_len ? a_start + 1 : a_start) + "," + std::to_string(a_len) +
           " +" + std::to_string(b_len ? b_start + 1 : b_start) + "," + std::to_string(b_len) +
           " @@\n";
    for (size_t k = start; k < end; ++k) {
      const Op& op = ops[k];
      AppendLine(&out, op.kind, op.kind == '+' ? b[op.b] : a[op.a]);
    }
    i = end;
  }
  return out;
}

}  // namespace rootlock
