// FindingList: findings kept serialised, a block per source, read back in slot
// order whether the blocks are in memory or in a temporary file.
#include "engine/finding_list.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "rules/rules.h"

namespace rootlock {
namespace {

Finding Sample(size_t n) {
  Finding f;
  f.rule = AllRules()[n % AllRules().size()];
  f.status = n % 3 == 0 ? Status::kFail : Status::kNotApplicable;
  f.platform = Platform::kEcs;
  f.kind = "TaskDefinition";
  f.api_version = "v" + std::to_string(n);
  f.name = "family:" + std::to_string(n);
  f.namespace_ = n % 2 ? "" : "ns";
  f.resource = "TaskDefinition/family";
  f.region = "eu-west-1";
  f.container = "app-" + std::to_string(n);
  f.image = "nginx:1." + std::to_string(n);
  f.where = Location{"dir/file-" + std::to_string(n / 4) + ".json", static_cast<uint32_t>(n + 1), 7,
                     1000u + n};
  f.message = "message " + std::string(n % 50, 'm');
  f.reason = "é reason \n\"quoted\"";
  f.severity = Severity::kCritical;
  f.baseline = n % 5 ? "" : "known";
  f.remedy.changes = {Change::SetFlag(Setting::kReadOnlyRoot), Change::AddWritableMount("/tmp"),
                      Change::AddWritableMount("/var/cache/" + std::to_string(n))};
  if (n % 3 == 2) {
    f.remedy.changes.push_back(Change::ClearFlag(Setting::kPrivileged));
    f.remedy.changes.push_back(Change::SetText(Setting::kUser, "1000:" + std::to_string(n)));
    f.remedy.changes.push_back(Change::SetText(
        Setting::kLogDriver, "awslogs", {{"awslogs-group", "g" + std::to_string(n)}, {"k", ""}}));
  }
  f.remedy.blocked = n % 3 ? "" : "a read-only volume is mounted at /tmp";
  f.remedy.observed = n % 2;
  if (n % 4 == 1) f.remedy.refused = {"/data/x\ny", "/a\x1b"};
  return f;
}

void ExpectSame(const Finding& a, const Finding& b) {
  EXPECT_EQ(a.rule, b.rule);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.platform, b.platform);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.api_version, b.api_version);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.namespace_, b.namespace_);
  EXPECT_EQ(a.resource, b.resource);
  EXPECT_EQ(a.region, b.region);
  EXPECT_EQ(a.container, b.container);
  EXPECT_EQ(a.image, b.image);
  EXPECT_EQ(a.where.file, b.where.file);
  EXPECT_EQ(a.where.line, b.where.line);
  EXPECT_EQ(a.where.column, b.where.column);
  EXPECT_EQ(a.where.offset, b.where.offset);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_EQ(a.severity, b.severity);
  EXPECT_EQ(a.baseline, b.baseline);
  EXPECT_EQ(a.remedy.changes, b.remedy.changes);
  EXPECT_EQ(a.remedy.blocked, b.remedy.blocked);
  EXPECT_EQ(a.remedy.observed, b.remedy.observed);
  EXPECT_EQ(a.remedy.refused, b.remedy.refused);
}

// The `container` field of each finding, in iteration order: a compact picture of a list.
std::vector<std::string> Containers(const FindingList& list) {
  std::vector<std::string> out;
  for (const Finding& f : list) out.push_back(f.container);
  return out;
}

Finding Named(const std::string& container) {
  Finding f = Sample(1);
  f.container = container;
  return f;
}

size_t EncodedSize(const Finding& f) {
  std::string bytes;
  EncodeFinding(f, &bytes);
  return bytes.size();
}

// Sets an environment variable for one scope, then puts back what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(FindingCodec, EveryFieldSurvivesTheRoundTrip) {
  for (size_t n = 0; n < 20; ++n) {
    std::string bytes;
    EncodeFinding(Sample(n), &bytes);
    Finding back;
    size_t pos = 0;
    ASSERT_TRUE(DecodeFinding(bytes, &pos, &back));
    EXPECT_EQ(pos, bytes.size());
    ExpectSame(Sample(n), back);
    // Every shorter prefix is refused, never read past.
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
      size_t p = 0;
      Finding partial;
      EXPECT_FALSE(DecodeFinding(std::string_view(bytes).substr(0, cut), &p, &partial)) << cut;
    }
  }
}

// No rule, every status, the largest positions, empty strings: all come back as they were.
TEST(FindingCodec, EdgeValuesSurviveAndFindingsFollowOneAnother) {
  Finding none;  // every field at its default, no rule
  Finding big = Sample(3);
  big.where.line = std::numeric_limits<uint32_t>::max();
  big.where.column = std::numeric_limits<uint32_t>::max();
  big.where.offset = std::numeric_limits<uint64_t>::max();
  big.status = Status::kError;
  big.severity = Severity::kLow;
  big.platform = Platform::kDocker;
  big.message = std::string(300, 'x');  // a length over one varint byte
  big.remedy.changes.assign(200, Change::AddWritableMount("/p"));
  std::string bytes;
  EncodeFinding(none, &bytes);
  EncodeFinding(big, &bytes);
  EncodeFinding(Sample(4), &bytes);
  size_t pos = 0;
  Finding a, b, c;
  ASSERT_TRUE(DecodeFinding(bytes, &pos, &a));
  ASSERT_TRUE(DecodeFinding(bytes, &pos, &b));
  ASSERT_TRUE(DecodeFinding(bytes, &pos, &c));
  EXPECT_EQ(pos, bytes.size());
  EXPECT_EQ(a.rule, nullptr);
  ExpectSame(a, none);
  ExpectSame(b, big);
  ExpectSame(c, Sample(4));
}

TEST(FindingCodec, ARuleIndexNoRuleHasIsRefused) {
  std::string bytes;
  EncodeFinding(Sample(0), &bytes);
  ASSERT_NE(static_cast<uint8_t>(bytes[4]), 0xFF);  // after the finding's 4-byte length
  bytes[4] = static_cast<char>(AllRules().size());  // one past the last rule
  size_t pos = 0;
  Finding f;
  EXPECT_FALSE(DecodeFinding(bytes, &pos, &f));
}

TEST(FindingList, EmptyListHasNothingToWalk) {
  FindingList list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.size(), 0u);
  EXPECT_FALSE(list.spilled());
  EXPECT_TRUE(list.begin() == list.end());
  EXPECT_TRUE(list.ToVector().empty());
}

// Append and push_back add a block after every slot there is, filled or not;
// an empty block holds a slot and yields nothing.
TEST(FindingList, AppendGoesAfterEverySlotAndEmptyBlocksAreSkipped) {
  FindingList list(std::vector<Finding>{Named("a"), Named("b")});
  list.Put(4, {Named("e")});
  list.Append({});
  list.push_back(Named("f"));
  list.Put(2, {Named("c"), Named("d")});
  EXPECT_EQ(list.size(), 6u);
  EXPECT_FALSE(list.empty());
  EXPECT_EQ(Containers(list), (std::vector<std::string>{"a", "b", "c", "d", "e", "f"}));
}

// Blocks filled out of order, in memory and spilled to a file, come back in slot order.
TEST(FindingList, BlocksComeBackInSlotOrderInMemoryAndSpilled) {
  for (size_t threshold : {size_t{0}, size_t{1} << 30}) {
    FindingList list;
    list.SetSpillThreshold(threshold);
    std::vector<size_t> order = {4, 0, 5, 2};  // 1 and 3 stay empty
    for (size_t slot : order) {
      list.Put(slot, {Sample(slot * 10), Sample(slot * 10 + 1)});
    }
    EXPECT_EQ(list.spilled(), threshold == 0);
    EXPECT_EQ(list.size(), 8u);
    for (int pass = 0; pass < 2; ++pass) {  // read twice: the list is not consumed
      std::vector<Finding> all = list.ToVector();
      ASSERT_EQ(all.size(), 8u);
      size_t k = 0;
      for (size_t slot : {0, 2, 4, 5}) {
        ExpectSame(all[k++], Sample(slot * 10));
        ExpectSame(all[k++], Sample(slot * 10 + 1));
      }
    }
    FindingList moved = std::move(list);
    EXPECT_EQ(moved.size(), 8u);
    EXPECT_EQ(moved.ToVector().size(), 8u);
  }
}

// A walk of some rules decodes those alone, in order, in memory and spilled; a finding
// whose length says more than the block holds is refused.
TEST(FindingList, SelectWalksTheFindingsOfSomeRules) {
  for (size_t threshold : {size_t{0}, size_t{1} << 30}) {
    FindingList list;
    list.SetSpillThreshold(threshold);
    std::vector<Finding> all;
    for (size_t slot = 0; slot < 4; ++slot) {
      std::vector<Finding> block;
      for (size_t i = 0; i < 9; ++i) block.push_back(Sample(slot * 9 + i));
      list.Put(slot, block);
      all.insert(all.end(), block.begin(), block.end());
    }
    uint64_t bits = FindingList::RuleBit(AllRules()[1]) | FindingList::RuleBit(AllRules()[3]);
    std::vector<Finding> picked;
    for (const Finding& f : list.Select(bits)) picked.push_back(f);
    std::vector<const Finding*> want;
    for (const Finding& f : all) {
      if (f.rule == AllRules()[1] || f.rule == AllRules()[3]) want.push_back(&f);
    }
    ASSERT_EQ(picked.size(), want.size());
    ASSERT_GT(picked.size(), 0u);
    for (size_t i = 0; i < want.size(); ++i) ExpectSame(picked[i], *want[i]);
    EXPECT_EQ(list.Select(0).begin(), list.end());  // no rule: nothing to walk
    size_t every = 0;
    for (const Finding& f : list.Select(FindingList::kAllRuleBits)) every += f.rule != nullptr;
    EXPECT_EQ(every, all.size());
  }
  std::string bytes;
  EncodeFinding(Sample(1), &bytes);
  bytes[0] = static_cast<char>(bytes[0] + 1);  // one byte longer than it is
  size_t pos = 0;
  Finding f;
  EXPECT_FALSE(DecodeFinding(bytes, &pos, &f));
}

// Blocks stay in memory up to the threshold and move once it would be passed.
TEST(FindingList, SpillsOnlyPastTheThreshold) {
  size_t one = EncodedSize(Named("x"));
  FindingList list;
  list.SetSpillThreshold(2 * one);
  list.push_back(Named("x"));
  list.push_back(Named("y"));
  EXPECT_FALSE(list.spilled());  // exactly at the threshold
  list.push_back(Named("z"));
  EXPECT_TRUE(list.spilled());
  list.push_back(Named("w"));  // after the spill, straight to the file
  EXPECT_EQ(Containers(list), (std::vector<std::string>{"x", "y", "z", "w"}));
}

// Spilled blocks go to an unlinked file in $TMPDIR: nothing is left behind.
TEST(FindingList, SpillsToAnUnlinkedFileInTmpdir) {
  namespace fs = std::filesystem;
  fs::path dir =
      fs::temp_directory_path() / ("rootlock-finding-list-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  {
    ScopedEnv tmpdir("TMPDIR", dir.string());
    FindingList list;
    list.SetSpillThreshold(0);
    list.push_back(Named("a"));
    ASSERT_TRUE(list.spilled());
    EXPECT_TRUE(fs::is_empty(dir));
    // The one descriptor open on a file there is the list's, its file deleted.
    int open_here = 0;
    for (const fs::directory_entry& fd : fs::directory_iterator("/proc/self/fd")) {
      std::error_code ec;
      std::string target = fs::read_symlink(fd.path(), ec).string();
      if (!ec && target.rfind(dir.string() + "/rootlock-findings-", 0) == 0) {
        ++open_here;
        EXPECT_NE(target.find("(deleted)"), std::string::npos) << target;
      }
    }
    EXPECT_EQ(open_here, 1);
    EXPECT_EQ(Containers(list), (std::vector<std::string>{"a"}));
  }
  fs::remove_all(dir);
}

// No scratch space: the blocks stay in memory and the scan goes on.
TEST(FindingList, WithoutScratchSpaceBlocksStayInMemory) {
  ScopedEnv tmpdir("TMPDIR", "/nonexistent/rootlock-no-such-folder");
  FindingList list;
  list.SetSpillThreshold(0);
  list.push_back(Named("a"));
  list.push_back(Named("b"));
  EXPECT_FALSE(list.spilled());
  EXPECT_EQ(Containers(list), (std::vector<std::string>{"a", "b"}));
}

// A list moved from is empty, and can be filled again.
TEST(FindingList, AMovedFromListIsEmptyAndUsable) {
  FindingList from;
  from.push_back(Named("a"));
  FindingList to;
  to.push_back(Named("old"));
  to = std::move(from);
  EXPECT_EQ(Containers(to), (std::vector<std::string>{"a"}));
  EXPECT_EQ(to.size(), 1u);
  EXPECT_EQ(from.size(), 0u);  // NOLINT(bugprone-use-after-move): a move leaves it empty
  EXPECT_TRUE(from.begin() == from.end());
  EXPECT_FALSE(from.spilled());
  from.push_back(Named("b"));
  from.Put(3, {Named("c")});
  EXPECT_EQ(Containers(from), (std::vector<std::string>{"b", "c"}));
  FindingList constructed(std::move(from));
  EXPECT_EQ(constructed.size(), 2u);
  EXPECT_EQ(from.size(), 0u);  // NOLINT(bugprone-use-after-move): a move leaves it empty
  EXPECT_TRUE(from.empty());
}

// Iterators walk independently; -> reaches the finding too.
TEST(FindingList, IteratorsAreIndependent) {
  FindingList list;
  list.SetSpillThreshold(0);
  list.Put(0, {Named("a"), Named("b")});
  list.Put(1, {Named("c")});
  FindingList::const_iterator first = list.begin();
  FindingList::const_iterator second = list.begin();
  ++first;
  ++first;
  EXPECT_EQ(first->container, "c");
  EXPECT_EQ(second->container, "a");
  EXPECT_TRUE(first != second);
  ++first;
  EXPECT_TRUE(first == list.end());
}

TEST(FindingList, ManyThreadsPutAtOnce) {
  FindingList list;
  list.SetSpillThreshold(64 * 1024);  // spills part way through
  constexpr size_t kSlots = 2000;
  std::vector<std::thread> threads;
  for (size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&list, t] {
      for (size_t slot = t; slot < kSlots; slot += 4) list.Put(slot, {Sample(slot)});
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_TRUE(list.spilled());
  size_t slot = 0;
  for (const Finding& f : list) ExpectSame(f, Sample(slot++));
  EXPECT_EQ(slot, kSlots);
}

}  // namespace
}  // namespace rootlock
