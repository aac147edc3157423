// The one tree every format is read into: YAML and JSON alike.
//
// Nodes keep where they start and end in the source (line, column, byte
// offset), so reports cite them and fixes edit at them. A NodeTree owns all
// nodes and their text; nodes are never copied, and an alias is the very node
// it names, so "billion laughs" input costs no memory (expansion is bounded
// and reported by the reader).
#ifndef ROOTLOCK_PARSE_NODE_H_
#define ROOTLOCK_PARSE_NODE_H_

#include <cstdint>
#include <memory_resource>
#include <string_view>
#include <vector>

namespace rootlock {

/// A position in a source. line and column are 1-based (columns count
/// characters); offset is the 0-based byte offset.
struct Mark {
  uint32_t line = 0;
  uint32_t column = 0;
  uint64_t offset = 0;
};

enum class NodeType : uint8_t { kScalar, kMapping, kSequence };

/// How a scalar was written. Only plain scalars resolve to booleans, numbers
/// and null; quoted ones are always strings (YAML and JSON agree on this).
enum class ScalarStyle : uint8_t { kPlain, kSingleQuoted, kDoubleQuoted, kLiteral, kFolded };

/// How a collection was written: block (indented) or flow ({...} / [...]).
enum class CollectionStyle : uint8_t { kBlock, kFlow };

/// What a scalar means under the YAML 1.1 rules kubectl uses.
enum class BoolValue : uint8_t { kTrue, kFalse, kNull, kNotBool };

struct Node {
  Node() = default;
  /// A node whose children list allocates from `arena` (NodeTree::NewNode).
  explicit Node(std::pmr::memory_resource* arena) : children(arena) {}

  NodeType type = NodeType::kScalar;
  ScalarStyle scalar_style = ScalarStyle::kPlain;
  CollectionStyle collection_style = CollectionStyle::kBlock;
  /// YAML: the node carries an anchor (&name), so aliases may share it.
  bool anchored = false;
  Mark start;
  Mark end;
  /// The tag as written ("!Ref", "!!bool"), empty when untagged.
  std::string_view tag;
  /// A scalar's decoded value.
  std::string_view value;
  /// Sequence: the items. Mapping: keys and values alternating (k0, v0, k1, v1 ...).
  /// Merge keys (<<) are already resolved into the mapping.
  std::pmr::vector<const Node*> children;

  bool IsScalar() const { return type == NodeType::kScalar; }
  bool IsMapping() const { return type == NodeType::kMapping; }
  bool IsSequence() const { return type == NodeType::kSequence; }

  size_t MappingSize() const { return children.size() / 2; }
  const Node* KeyAt(size_t i) const { return children[2 * i]; }
  const Node* ValueAt(size_t i) const { return children[2 * i + 1]; }

  /// Mapping lookup by scalar key; the last occurrence wins, as in the Go and
  /// JavaScript decoders. nullptr when absent or when this is not a mapping.
  const Node* Get(std::string_view key) const;
  /// Get() for a key; also returns the key node through `key_node`.
  const Node* Get(std::string_view key, const Node** key_node) const;
  /// Follows a path of mapping keys: Path({"spec", "template", "spec"}).
  const Node* Path(std::initializer_list<std::string_view> keys) const;

  /// The scalar's value when this is a scalar, "" otherwise.
  std::string_view Scalar() const { return IsScalar() ? value : std::string_view(); }
  /// Whether this is a scalar that YAML 1.1 (and JSON) reads as null.
  bool IsNull() const;
  /// The boolean this scalar denotes under YAML 1.1 (y/yes/on/true/...).
  BoolValue AsBool() const;
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

 private:
  static constexpr size_t kFirstBlock = 16 * 1024;
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
