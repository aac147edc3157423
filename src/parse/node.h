// The one tree every format is read into: YAML and JSON alike.
//
// Nodes keep where they start and end in the source (line, column, byte
// offset), so reports cite them and fixes edit at them. A NodeTree owns all
// nodes and their text; nodes are never copied, and an alias is the very node
// it names, so "billion laughs" input costs no memory (expansion is bounded
// and reported by the reader).
#ifndef ROOTLOCK_PARSE_NODE_H_
#define ROOTLOCK_PARSE_NODE_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory_resource>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace rootlock {

/// The largest input the readers take: positions are 32-bit, and a scalar's
/// length or a collection's size must fit in Node's 31 bits.
inline constexpr uint64_t kMaxInputBytes = (uint64_t{1} << 31) - 1;

/// A position in a source. line and column are 1-based (columns count
/// characters); offset is the 0-based byte offset. 32 bits each: inputs are
/// under kMaxInputBytes.
struct Mark {
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t offset = 0;
};

enum class NodeType : uint8_t { kScalar, kMapping, kSequence };

/// How a scalar was written. Only plain scalars resolve to booleans, numbers
/// and null; quoted ones are always strings (YAML and JSON agree on this).
enum class ScalarStyle : uint8_t { kPlain, kSingleQuoted, kDoubleQuoted, kLiteral, kFolded };

/// How a collection was written: block (indented) or flow ({...} / [...]).
enum class CollectionStyle : uint8_t { kBlock, kFlow };

/// What a scalar means under the YAML 1.1 rules kubectl uses.
enum class BoolValue : uint8_t { kTrue, kFalse, kNull, kNotBool };

struct Node;

/// A collection's children, read-only: a pointer and a count into the tree's
/// storage (where they were copied at their exact size when the collection
/// was read). Iterates as `const Node*`.
class NodeList {
 public:
  using value_type = const Node*;
  using const_iterator = const Node* const*;
  using iterator = const_iterator;

  NodeList() = default;
  NodeList(const Node* const* data, size_t size) : data_(data), size_(size) {}

  const_iterator begin() const { return data_; }
  const_iterator end() const { return data_ + size_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Node* operator[](size_t i) const { return data_[i]; }
  const Node* front() const { return data_[0]; }
  const Node* back() const { return data_[size_ - 1]; }
  /// operator[] checked: throws std::out_of_range past the end.
  const Node* at(size_t i) const {
    if (i >= size_) throw std::out_of_range("NodeList::at");
    return data_[i];
  }

 private:
  const Node* const* data_ = nullptr;
  size_t size_ = 0;
};

/// One node of the tree: 40 bytes, whatever its kind (a large file's tree is
/// mostly nodes, so their size is the tree's cost per value; docs/limits.md).
/// Its text, children and tag live in the NodeTree that made it and are set
/// through it (SetValue, SetChildren, SetTag).
struct Node {
  NodeType type = NodeType::kScalar;
  ScalarStyle scalar_style = ScalarStyle::kPlain;
  CollectionStyle collection_style = CollectionStyle::kBlock;
  /// YAML: the node carries an anchor (&name), so aliases may share it.
  bool anchored = false;
  Mark start;
  Mark end;

  /// A scalar's decoded value; "" for a collection. (const: `n->value() = ...`
  /// does not compile; NodeTree::SetValue sets it.)
  const std::string_view value() const {
    if (!IsScalar()) return std::string_view();
    if (Inline()) return std::string_view(payload_, size_);
    return std::string_view(static_cast<const char*>(Payload()), size_);
  }
  /// Sequence: the items. Mapping: keys and values alternating (k0, v0, k1, v1 ...).
  /// Merge keys (<<) are already resolved into the mapping. Empty for a scalar.
  NodeList children() const {
    return IsScalar() ? NodeList() : NodeList(static_cast<const Node* const*>(Payload()), size_);
  }
  /// The tag as written ("!Ref", "!!bool"), empty when untagged.
  const std::string_view tag() const;

  bool IsScalar() const { return type == NodeType::kScalar; }
  bool IsMapping() const { return type == NodeType::kMapping; }
  bool IsSequence() const { return type == NodeType::kSequence; }

  size_t MappingSize() const { return IsScalar() ? 0 : size_ / 2; }
  const Node* KeyAt(size_t i) const { return children()[2 * i]; }
  const Node* ValueAt(size_t i) const { return children()[2 * i + 1]; }

  /// Mapping lookup by scalar key; the last occurrence wins, as in the Go and
  /// JavaScript decoders. nullptr when absent or when this is not a mapping.
  const Node* Get(std::string_view key) const;
  /// Get() for a key; also returns the key node through `key_node`.
  const Node* Get(std::string_view key, const Node** key_node) const;
  /// Follows a path of mapping keys: Path({"spec", "template", "spec"}).
  const Node* Path(std::initializer_list<std::string_view> keys) const;

  /// The scalar's value when this is a scalar, "" otherwise.
  std::string_view Scalar() const { return value(); }
  /// Whether this is a scalar that YAML 1.1 (and JSON) reads as null.
  bool IsNull() const;
  /// The boolean this scalar denotes under YAML 1.1 (y/yes/on/true/...).
  BoolValue AsBool() const;

 private:
  friend class NodeTree;
  // A tagged node's data_ points to this (tags are rare: YAML's !Ref, HCL's
  // !expr), so untagged nodes do not pay for a tag.
  struct Tagged {
    std::string_view tag;
    const void* data;
  };
  // An untagged scalar of up to 8 bytes (a number, a short key) keeps its
  // value in payload_ itself; anything else keeps a pointer there.
  static constexpr size_t kInlineBytes = 8;
  bool Inline() const { return IsScalar() && !tagged_ && size_ <= kInlineBytes; }
  const void* Pointer() const {
    const void* p;
    std::memcpy(&p, payload_, sizeof p);
    return p;
  }
  void SetPointer(const void* p) { std::memcpy(payload_, &p, sizeof p); }
  const void* Payload() const {
    return tagged_ ? static_cast<const Tagged*>(Pointer())->data : Pointer();
  }

  uint32_t size_ : 31 = 0;  // the value's bytes, or the number of children
  uint32_t tagged_ : 1 = 0;
  // The value's bytes (Inline()), or a pointer to them, to the children or to a Tagged.
  alignas(void*) char payload_[sizeof(void*)] = {};
};

static_assert(sizeof(Node) == 40, "a Node is 40 bytes: docs/limits.md counts on it");

/// A stack of children being gathered while their collections are open,
/// innermost last (one per reader, reused for every collection). It gives its
/// memory back as a long list moves into the tree (NodeTree::TakeChildren), so
/// a list of millions is not held twice.
class ChildStack {
 public:
  ChildStack() = default;
  ChildStack(const ChildStack&) = delete;
  ChildStack& operator=(const ChildStack&) = delete;
  ~ChildStack();

  void push_back(const Node* n) {
    if (size_ == capacity_) Grow();
    data_[size_++] = n;
  }
  size_t size() const { return size_; }
  const Node* const* data() const { return data_; }
  const Node* operator[](size_t i) const { return data_[i]; }
  /// Drops the entries from `size` on, releasing the memory of a long tail.
  void Truncate(size_t size);

 private:
  void Grow();
  const Node** data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

/// Owns nodes and their text. Not thread-safe; one per file being read.
class NodeTree {
 public:
  NodeTree() : arena_(kFirstBlock) {}
  NodeTree(const NodeTree&) = delete;
  NodeTree& operator=(const NodeTree&) = delete;

  Node* NewNode();
  /// Copies text into storage that lives as long as the tree.
  std::string_view Intern(std::string_view text);
  size_t node_count() const { return node_count_; }

  /// A scalar's value: `text` is copied into the tree.
  void SetValue(Node* n, std::string_view text);
  /// A collection's children, copied into the tree at their exact size.
  void SetChildren(Node* n, const Node* const* items, size_t count);
  /// SetChildren() from the entries of `stack` from `first` on, which are
  /// then dropped from it.
  void TakeChildren(Node* n, ChildStack* stack, size_t first);
  /// `tag` must live as long as the tree (Intern() it, or a constant).
  void SetTag(Node* n, std::string_view tag);

 private:
  static constexpr size_t kFirstBlock = 16 * 1024;
  void SetPayload(Node* n, const void* data, size_t size);
  // Nodes, their children lists and interned text all live in one arena that
  // grows by doubling blocks and is released whole with the tree: no
  // allocation per node, and a large file's blocks (mapped, not heap) go back
  // to the system as soon as its tree does. Nodes are never destroyed one by
  // one: they own nothing outside the arena.
  std::pmr::monotonic_buffer_resource arena_;
  size_t node_count_ = 0;
};

/// One document of a stream (YAML has several per file; JSON has one).
struct Document {
  const Node* root = nullptr;
  uint32_t index = 0;  // 0-based position in the stream
};

}  // namespace rootlock

#endif  // ROOTLOCK_PARSE_NODE_H_
