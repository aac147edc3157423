#include "parse/node.h"

#include <cstring>
#include <new>

namespace rootlock {

const Node* Node::Get(std::string_view key, const Node** key_node) const {
  if (type != NodeType::kMapping) return nullptr;
  for (size_t i = children.size(); i >= 2; i -= 2) {
    const Node* k = children[i - 2];
    if (k->type == NodeType::kScalar && k->value == key) {
      if (key_node) *key_node = k;
      return children[i - 1];
    }
  }
  return nullptr;
}

const Node* Node::Get(std::string_view key) const { return Get(key, nullptr); }

const Node* Node::Path(std::initializer_list<std::string_view> keys) const {
  const Node* n = this;
  for (std::string_view k : keys) {
    n = n->Get(k);
    if (!n) return nullptr;
  }
  return n;
}

namespace {

bool TagIs(std::string_view tag, std::string_view name) {
  // "!!bool" and its long form "tag:yaml.org,2002:bool".
  return tag.size() == name.size() + 2 ? tag.substr(0, 2) == "!!" && tag.substr(2) == name
                                       : tag == std::string("tag:yaml.org,2002:").append(name);
}

}  // namespace

bool Node::IsNull() const {
  if (type != NodeType::kScalar) return false;
  if (!tag.empty()) return TagIs(tag, "null");
  if (scalar_style != ScalarStyle::kPlain) return false;
  return value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL";
}

BoolValue Node::AsBool() const {
  if (type != NodeType::kScalar) return BoolValue::kNotBool;
  bool tagged_bool = false;
  if (!tag.empty()) {
    if (TagIs(tag, "null")) return BoolValue::kNull;
    if (!TagIs(tag, "bool")) return BoolValue::kNotBool;
    tagged_bool = true;
  } else if (scalar_style != ScalarStyle::kPlain) {
    return BoolValue::kNotBool;  // "true" in quotes is a string
  }
  if (!tagged_bool && IsNull()) return BoolValue::kNull;
  // YAML 1.1 booleans, exactly the set go-yaml v2 (kubectl's reader) resolves.
  static constexpr std::string_view kTrue[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                               "True", "TRUE", "on",  "On",  "ON"};
  static constexpr std::string_view kFalse[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                                "False", "FALSE", "off", "Off", "OFF"};
  for (std::string_view t : kTrue) {
    if (value == t) return BoolValue::kTrue;
  }
  for (std::string_view f : kFalse) {
    if (value == f) return BoolValue::kFalse;
  }
  return BoolValue::kNotBool;
}

Node* NodeTree::NewNode() {
  ++node_count_;
  return new (arena_.allocate(sizeof(Node), alignof(Node))) Node(&arena_);
}

std::string_view NodeTree::Intern(std::string_view text) {
  if (text.empty()) return std::string_view();
  char* into = static_cast<char*>(arena_.allocate(text.size(), 1));
  std::memcpy(into, text.data(), text.size());
  return std::string_view(into, text.size());
}

}  // namespace rootlock
