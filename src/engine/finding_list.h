// FindingList: a scan's findings in report order, held compactly so that a
// fleet's worth never sits in memory as objects.
//
// Findings are kept serialised, one block per source file, and read back one
// block at a time while a report walks them. Blocks live in memory up to a few
// megabytes; beyond that they move to an unlinked temporary file (in $TMPDIR,
// else /tmp), so a scan's memory is bounded by its largest file rather than by
// the size of the corpus. If no temporary file can be made, blocks stay in
// memory: a scan never fails for want of scratch space.
#ifndef ROOTLOCK_ENGINE_FINDING_LIST_H_
#define ROOTLOCK_ENGINE_FINDING_LIST_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "model/finding.h"

namespace rootlock {

class FindingList {
 public:
  /// Bytes of serialised findings kept in memory before they move to a file.
  static constexpr size_t kDefaultSpillBytes = 4u << 20;

  FindingList();
  explicit FindingList(const std::vector<Finding>& findings);
  FindingList(FindingList&&) noexcept;
  FindingList& operator=(FindingList&&) noexcept;
  FindingList(const FindingList&) = delete;
  FindingList& operator=(const FindingList&) = delete;
  ~FindingList();

  /// Moves blocks to a file once more than `bytes` are held (0: at once). For tests.
  void SetSpillThreshold(size_t bytes);

  /// Fills one slot with a block of findings; blocks are read back in slot
  /// order, slots never filled are skipped. Safe to call from several threads
  /// at once, for different slots; a slot is filled at most once.
  void Put(size_t slot, const std::vector<Finding>& findings);
  /// Adds a block after every slot there is.
  void Append(const std::vector<Finding>& findings);
  void push_back(const Finding& f) { Append(std::vector<Finding>{f}); }

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  /// Whether the blocks have moved to a temporary file.
  bool spilled() const;

  /// Every finding, decoded: for tests and small results only.
  std::vector<Finding> ToVector() const;

  /// An input iterator: decodes one block at a time.
  class const_iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Finding;
    using difference_type = std::ptrdiff_t;
    using pointer = const Finding*;
    using reference = const Finding&;

    const_iterator() = default;
    reference operator*() const { return block_[pos_]; }
    pointer operator->() const { return &block_[pos_]; }
    const_iterator& operator++();
    bool operator==(const const_iterator& o) const { return slot_ == o.slot_ && pos_ == o.pos_; }
    bool operator!=(const const_iterator& o) const { return !(*this == o); }

   private:
    friend class FindingList;
    const_iterator(const FindingList* list, size_t slot, uint64_t rules);
    void Load();  // decodes slot_ (moving on past empty slots) into block_
    const FindingList* list_ = nullptr;
    size_t slot_ = 0;
    size_t pos_ = 0;
    uint64_t rules_ = kAllRuleBits;
    std::vector<Finding> block_;
  };

  /// The findings of some rules only, in order: a walk that decodes those alone.
  struct Selection {
    const FindingList* list;
    uint64_t rules;
    const_iterator begin() const { return const_iterator(list, 0, rules); }
    const_iterator end() const { return list->end(); }
  };
  /// Bits for Select: one per rule of the registry, and one for findings of no rule.
  static uint64_t RuleBit(const RuleInfo* rule);
  static uint64_t RuleBit(uint8_t index);
  static constexpr uint64_t kNoRuleBit = uint64_t{1} << 63;
  static constexpr uint64_t kAllRuleBits = ~uint64_t{0};
  Selection Select(uint64_t rules) const { return {this, rules}; }

  const_iterator begin() const { return const_iterator(this, 0, kAllRuleBits); }
  const_iterator end() const;

 private:
  struct Impl;
  void Decode(size_t slot, std::vector<Finding>* out, uint64_t rules) const;
  std::unique_ptr<Impl> impl_;
  size_t count_ = 0;
};

/// One finding as bytes, and back (the FindingList's block format; exposed for tests).
void EncodeFinding(const Finding& f, std::string* out);
/// Decodes the finding at `*pos` of `data`, advancing `*pos`. False on bytes
/// EncodeFinding did not write.
bool DecodeFinding(std::string_view data, size_t* pos, Finding* f);

}  // namespace rootlock

#endif  // ROOTLOCK_ENGINE_FINDING_LIST_H_
