// Editing a parsed document in its own style: inserting a key into a mapping,
// an item into a sequence, replacing a value — as byte-range TextEdits that
// leave every other byte (comments, order, quoting, line endings) as it was.
#ifndef ROOTLOCK_FIX_TREE_EDIT_H_
#define ROOTLOCK_FIX_TREE_EDIT_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fix/edit.h"
#include "parse/node.h"

namespace rootlock {

/// A value to write: a boolean, a string, a mapping (ordered) or a list.
struct Value {
  /// One key and its value. Not std::pair: pair<std::string, Value> inside
  /// Value itself does not compile with clang and libstdc++ (the pair asks
  /// whether Value is default-constructible while Value is incomplete).
  struct Member;

  enum class Kind { kBool, kString, kMap, kList, kNumber } kind = Kind::kString;
  std::string text;  // kBool: "true"/"false"; kString: the string; kNumber: its digits
  std::vector<Member> map;
  std::vector<Value> list;

  static Value Bool(bool b);
  static Value Number(std::string digits);
  static Value Str(std::string s);
  static Value Map(std::vector<Member> m);
  static Value List(std::vector<Value> l);
};

struct Value::Member {
  std::string first;
  Value second;
};

inline Value Value::Bool(bool b) { return Value{Kind::kBool, b ? "true" : "false", {}, {}}; }
inline Value Value::Number(std::string digits) {
  return Value{Kind::kNumber, std::move(digits), {}, {}};
}
inline Value Value::Str(std::string s) { return Value{Kind::kString, std::move(s), {}, {}}; }
inline Value Value::Map(std::vector<Member> m) { return Value{Kind::kMap, "", std::move(m), {}}; }
inline Value Value::List(std::vector<Value> l) { return Value{Kind::kList, "", {}, std::move(l)}; }

enum class Syntax { kYaml, kJson, kHcl };

/// Edits one source. Not thread-safe; one per file.
class TreeEditor {
 public:
  TreeEditor(std::string_view text, Syntax syntax);

  /// Learns a YAML document's indentation step and sequence style from its own
  /// block collections; call before editing each document.
  void LearnStyle(const Node* root);

  /// Adds `key: value` to `mapping`, after its last entry, in its style.
  void InsertMember(const Node* mapping, std::string_view key, const Value& value);
  /// Adds `value` as the last item of `sequence`, in its style.
  void AppendItem(const Node* sequence, const Value& value);
  /// Replaces a node's text with `value`.
  void Replace(const Node* node, const Value& value);
  /// HCL: adds a nested block `name { ... }` at the end of a block body.
  void InsertHclBlock(const Node* body, std::string_view name, const Value& attributes);

  /// Whether `n` is written inside `outer` (not an alias to an anchor elsewhere,
  /// not a key merged in from another mapping).
  static bool Within(const Node* n, const Node* outer);

  const std::vector<TextEdit>& edits() const { return edits_; }
  std::vector<TextEdit>& edits() { return edits_; }
  std::string_view newline() const { return nl_; }

 private:
  // Lines.
  uint64_t LineStart(uint64_t offset) const;
  uint64_t LineEnd(uint64_t offset) const;   // offset of '\r' or '\n', or the end
  uint64_t NextLine(uint64_t offset) const;  // start of the next line, or the end
  size_t IndentAt(uint64_t line_start) const;
  bool BlankOrComment(uint64_t line_start) const;
  // YAML block collections: where their last line ends (an insertion point).
  uint64_t BlockEnd(const Node* collection, size_t indent, bool sequence) const;
  const Node* LastOwnChild(const Node* collection) const;
  size_t DashIndent(const Node* block_sequence) const;
  size_t KeyIndent(const Node* block_mapping) const;
  // Rendering.
  std::string Scalar(const Value& v) const;
  // A key as this syntax writes it, with its separator: `key: `, `"key": `, `key = `
  // (an HCL key that is not an identifier, such as awslogs-group, quoted).
  std::string KeyText(std::string_view key) const;
  std::string Flow(const Value& v) const;
  std::string YamlBlock(const Value& v, size_t indent) const;
  std::string Json(const Value& v, const std::string& indent, const std::string& unit) const;
  std::string HclMultiline(const Value& v, const std::string& indent,
                           const std::string& unit) const;
  std::string Insert(uint64_t at, std::string text, int depth = 0);
  // The indentation unit of a flow/JSON collection: its members' indentation
  // less that of the line it opens on.
  std::string Unit(const Node* collection, const std::string& member_indent) const;

  std::string_view text_;
  Syntax syntax_;
  std::string nl_;
  size_t step_ = 2;              // indentation step of this document
  bool indentless_seq_ = false;  // YAML: "key:\n- item" rather than "key:\n  - item"
  std::vector<TextEdit> edits_;
  // Items already inserted into each empty flow collection: the next needs a comma.
  std::map<const Node*, int> filled_;
};

}  // namespace rootlock

#endif  // ROOTLOCK_FIX_TREE_EDIT_H_
