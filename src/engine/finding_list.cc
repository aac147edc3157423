#include "engine/finding_list.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <span>
#include <utility>

#include "rules/rules.h"

namespace rootlock {

namespace {

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view data, size_t* pos, uint64_t* v) {
  *v = 0;
  for (unsigned shift = 0; shift < 64 && *pos < data.size(); shift += 7) {
    auto byte = static_cast<uint8_t>(data[(*pos)++]);
    *v |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

void PutString(std::string_view s, std::string* out) {
  PutVarint(s.size(), out);
  out->append(s);
}

bool GetString(std::string_view data, size_t* pos, std::string* s) {
  uint64_t n = 0;
  if (!GetVarint(data, pos, &n) || n > data.size() - *pos) return false;
  s->assign(data.substr(*pos, n));
  *pos += n;
  return true;
}

constexpr uint8_t kNoRule = 0xFF;

// Fails loudly: the scratch file is ours, so a short read means the disk failed
// under us, and a report missing findings must never look complete.
[[noreturn]] void ScratchFailure(const char* what) {
  std::fprintf(stderr, "rootlock: error: the findings' temporary file: %s: %s\n", what,
               std::strerror(errno));
  std::exit(2);
}

}  // namespace

void EncodeFinding(const Finding& f, std::string* out) {
  uint8_t rule = kNoRule;
  std::span<const RuleInfo* const> rules = AllRules();
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i] == f.rule) rule = static_cast<uint8_t>(i);
  }
  // The finding's length first, so that a walk that wants other rules skips it whole.
  size_t start = out->size();
  out->append(4, '\0');
  out->push_back(static_cast<char>(rule));
  out->push_back(static_cast<char>(f.status));
  out->push_back(static_cast<char>(f.platform));
  out->push_back(static_cast<char>(f.severity));
  for (const std::string* s : {&f.kind, &f.api_version, &f.name, &f.namespace_, &f.resource,
                               &f.region, &f.container, &f.image, &f.where.file}) {
    PutString(*s, out);
  }
  PutVarint(f.where.line, out);
  PutVarint(f.where.column, out);
  PutVarint(f.where.offset, out);
  for (const std::string* s : {&f.message, &f.reason, &f.observed, &f.baseline}) {
    PutString(*s, out);
  }
  PutVarint(f.remedy.changes.size(), out);
  for (const Change& c : f.remedy.changes) {
    out->push_back(static_cast<char>(c.kind));
    out->push_back(static_cast<char>(c.setting));
    PutString(c.path, out);
    PutVarint(c.options.size(), out);
    for (const auto& [key, value] : c.options) {
      PutString(key, out);
      PutString(value, out);
    }
  }
  PutString(f.remedy.blocked, out);
  PutVarint(f.remedy.refused.size(), out);
  for (const std::string& p : f.remedy.refused) PutString(p, out);
  out->push_back(f.remedy.observed ? 1 : 0);
  auto length = static_cast<uint32_t>(out->size() - start - 4);
  std::memcpy(out->data() + start, &length, 4);
}

bool DecodeFinding(std::string_view data, size_t* pos, Finding* f) {
  uint32_t length = 0;
  if (data.size() - *pos < 4) return false;
  std::memcpy(&length, data.data() + *pos, 4);
  *pos += 4;
  if (length > data.size() - *pos) return false;
  size_t end = *pos + length;
  data = data.substr(0, end);  // a finding never reads into the next
  if (data.size() - *pos < 4) return false;
  auto rule = static_cast<uint8_t>(data[*pos]);
  std::span<const RuleInfo* const> rules = AllRules();
  if (rule != kNoRule && rule >= rules.size()) return false;
  f->rule = rule == kNoRule ? nullptr : rules[rule];
  f->status = static_cast<Status>(data[*pos + 1]);
  f->platform = static_cast<Platform>(data[*pos + 2]);
  f->severity = static_cast<Severity>(data[*pos + 3]);
  *pos += 4;
  for (std::string* s : {&f->kind, &f->api_version, &f->name, &f->namespace_, &f->resource,
                         &f->region, &f->container, &f->image, &f->where.file}) {
    if (!GetString(data, pos, s)) return false;
  }
  uint64_t line = 0, column = 0, offset = 0;
  if (!GetVarint(data, pos, &line) || !GetVarint(data, pos, &column) ||
      !GetVarint(data, pos, &offset)) {
    return false;
  }
  f->where.line = static_cast<uint32_t>(line);
  f->where.column = static_cast<uint32_t>(column);
  f->where.offset = offset;
  for (std::string* s : {&f->message, &f->reason, &f->observed, &f->baseline}) {
    if (!GetString(data, pos, s)) return false;
  }
  uint64_t changes = 0;
  if (!GetVarint(data, pos, &changes) || changes > data.size() - *pos) return false;
  f->remedy.changes.assign(changes, Change());
  for (Change& c : f->remedy.changes) {
    if (data.size() - *pos < 2) return false;
    c.kind = static_cast<Change::Kind>(data[*pos]);
    c.setting = static_cast<Setting>(data[*pos + 1]);
    *pos += 2;
    uint64_t options = 0;
    if (!GetString(data, pos, &c.path) || !GetVarint(data, pos, &options) ||
        options > data.size() - *pos) {
      return false;
    }
    c.options.assign(options, {});
    for (auto& [key, value] : c.options) {
      if (!GetString(data, pos, &key) || !GetString(data, pos, &value)) return false;
    }
  }
  uint64_t refused = 0;
  if (!GetString(data, pos, &f->remedy.blocked) || !GetVarint(data, pos, &refused) ||
      refused > data.size() - *pos) {
    return false;
  }
  f->remedy.refused.assign(refused, std::string());
  for (std::string& p : f->remedy.refused) {
    if (!GetString(data, pos, &p)) return false;
  }
  if (*pos >= data.size()) return false;
  f->remedy.observed = data[(*pos)++] != 0;
  return *pos == end;
}

bool SkipFinding(std::string_view data, size_t* pos, uint8_t* rule) {
  uint32_t length = 0;
  if (data.size() - *pos < 5) return false;
  std::memcpy(&length, data.data() + *pos, 4);
  if (length > data.size() - *pos - 4 || length == 0) return false;
  *rule = static_cast<uint8_t>(data[*pos + 4]);
  *pos += 4 + length;
  return true;
}

struct FindingList::Impl {
  struct Block {  // 16 bytes a file: a deque, so that growing never copies them all
    uint64_t offset = 0;
    uint32_t bytes = 0;
    uint32_t count = 0;
  };
  std::mutex mu;
  std::deque<Block> blocks;
  std::string mem;  // the blocks, until they move to `fd`
  int fd = -1;
  uint64_t file_size = 0;
  size_t spill_bytes = kDefaultSpillBytes;
  bool spill_failed = false;

  ~Impl() {
    if (fd >= 0) close(fd);
  }

  // Writes all of `data` at `offset` of the file; false on any failure.
  bool WriteAt(std::string_view data, uint64_t offset) const {
    while (!data.empty()) {
      ssize_t n = pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
      offset += static_cast<uint64_t>(n);
    }
    return true;
  }

  void ReadAt(char* into, uint64_t bytes, uint64_t offset) const {
    while (bytes > 0) {
      ssize_t n = pread(fd, into, bytes, static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) ScratchFailure("cannot read it back");
      into += n;
      bytes -= static_cast<uint64_t>(n);
      offset += static_cast<uint64_t>(n);
    }
  }

  // Moves the blocks held in memory to an unlinked temporary file.
  void Spill() {
    const char* dir = std::getenv("TMPDIR");
    std::string path = std::string(dir && *dir ? dir : "/tmp") + "/rootlock-findings-XXXXXX";
    fd = mkostemp(path.data(), O_CLOEXEC);
    if (fd < 0) {
      spill_failed = true;
      return;
    }
    unlink(path.c_str());
    if (!WriteAt(mem, 0)) {
      close(fd);
      fd = -1;
      spill_failed = true;
      return;
    }
    file_size = mem.size();
    std::string().swap(mem);
  }

  // The disk filled up or failed: bring every block back into memory.
  void Unspill() {
    mem.assign(file_size, '\0');
    ReadAt(mem.data(), file_size, 0);
    close(fd);
    fd = -1;
    spill_failed = true;
  }

  // With `mu` held.
  void Store(size_t slot, std::string_view blob, size_t count) {
    if (fd < 0 && !spill_failed && mem.size() + blob.size() > spill_bytes) Spill();
    Block b;
    b.bytes = static_cast<uint32_t>(blob.size());
    b.count = static_cast<uint32_t>(count);
    if (fd >= 0) {
      b.offset = file_size;
      if (WriteAt(blob, file_size)) {
        file_size += blob.size();
      } else {
        Unspill();
      }
    }
    if (fd < 0) {
      b.offset = mem.size();
      mem.append(blob);
    }
    if (slot >= blocks.size()) blocks.resize(slot + 1);
    blocks[slot] = b;
  }
};

FindingList::FindingList() : impl_(std::make_unique<Impl>()) {}

FindingList::FindingList(const std::vector<Finding>& findings) : FindingList() { Append(findings); }

FindingList::FindingList(FindingList&& o) noexcept
    : impl_(std::move(o.impl_)), count_(std::exchange(o.count_, 0)) {}

FindingList& FindingList::operator=(FindingList&& o) noexcept {
  impl_ = std::move(o.impl_);
  count_ = std::exchange(o.count_, 0);
  return *this;
}

FindingList::~FindingList() = default;

void FindingList::SetSpillThreshold(size_t bytes) {
  if (!impl_) impl_ = std::make_unique<Impl>();
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->spill_bytes = bytes;
}

void FindingList::Put(size_t slot, const std::vector<Finding>& findings) {
  if (findings.empty()) return;
  if (!impl_) impl_ = std::make_unique<Impl>();  // moved from
  std::string blob;
  blob.reserve(findings.size() * 512);
  for (const Finding& f : findings) EncodeFinding(f, &blob);
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->Store(slot, blob, findings.size());
  count_ += findings.size();
}

void FindingList::Append(const std::vector<Finding>& findings) {
  if (!impl_) impl_ = std::make_unique<Impl>();
  size_t slot;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    slot = impl_->blocks.size();
    impl_->blocks.emplace_back();
  }
  Put(slot, findings);
}

bool FindingList::spilled() const { return impl_ && impl_->fd >= 0; }

void FindingList::Decode(size_t slot, std::vector<Finding>* out, uint64_t rules) const {
  const Impl::Block& b = impl_->blocks[slot];
  if (b.count == 0) {
    out->clear();
    return;
  }
  std::string buffer;
  std::string_view data;
  if (impl_->fd >= 0) {
    buffer.resize(b.bytes);
    impl_->ReadAt(buffer.data(), b.bytes, b.offset);
    data = buffer;
  } else {
    data = std::string_view(impl_->mem).substr(b.offset, b.bytes);
  }
  // The findings already in *out are decoded over, not cleared: DecodeFinding sets
  // every field, and their strings' memory serves again, block after block.
  auto broken = [] {
    errno = EILSEQ;
    ScratchFailure("it was changed under us");
  };
  if (rules == kAllRuleBits) {
    out->resize(b.count);
    size_t pos = 0;
    for (Finding& f : *out) {
      if (!DecodeFinding(data, &pos, &f)) broken();
    }
    return;
  }
  // Only the findings of the rules asked for are decoded; the others are stepped over.
  size_t used = 0;
  size_t pos = 0;
  for (uint32_t i = 0; i < b.count; ++i) {
    size_t at = pos;
    uint8_t rule = 0;
    if (!SkipFinding(data, &pos, &rule)) broken();
    if (!(rules & RuleBit(rule))) continue;
    if (used == out->size()) out->emplace_back();
    if (!DecodeFinding(data, &at, &(*out)[used++])) broken();
  }
  out->resize(used);
}

std::vector<Finding> FindingList::ToVector() const {
  std::vector<Finding> all;
  all.reserve(count_);
  for (const Finding& f : *this) all.push_back(f);
  return all;
}

FindingList::const_iterator::const_iterator(const FindingList* list, size_t slot, uint64_t rules)
    : list_(list), slot_(slot), rules_(rules) {
  Load();
}

uint64_t FindingList::RuleBit(uint8_t index) {
  return index < 63 ? uint64_t{1} << index : kNoRuleBit;
}

uint64_t FindingList::RuleBit(const RuleInfo* rule) {
  std::span<const RuleInfo* const> rules = AllRules();
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i] == rule) return RuleBit(static_cast<uint8_t>(i));
  }
  return kNoRuleBit;
}

void FindingList::const_iterator::Load() {
  pos_ = 0;
  size_t n = list_->impl_ ? list_->impl_->blocks.size() : 0;
  for (; slot_ < n; ++slot_) {
    list_->Decode(slot_, &block_, rules_);
    if (!block_.empty()) return;
  }
  slot_ = n;
  block_.clear();
}

FindingList::const_iterator& FindingList::const_iterator::operator++() {
  if (++pos_ >= block_.size()) {
    ++slot_;
    Load();
  }
  return *this;
}

FindingList::const_iterator FindingList::end() const {
  const_iterator it;
  it.list_ = this;
  it.slot_ = impl_ ? impl_->blocks.size() : 0;
  return it;
}

}  // namespace rootlock
