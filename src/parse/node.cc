#include "parse/node.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace rootlock {

const Node* Node::Get(std::string_view key, const Node** key_node) const {
  if (type != NodeType::kMapping) return nullptr;
  NodeList children = this->children();
  for (size_t i = children.size(); i >= 2; i -= 2) {
    const Node* k = children[i - 2];
    if (k->type == NodeType::kScalar && k->value() == key) {
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

const std::string_view Node::tag() const {
  return tagged_ ? static_cast<const Tagged*>(Pointer())->tag : std::string_view();
}

bool Node::IsNull() const {
  if (type != NodeType::kScalar) return false;
  std::string_view tag = this->tag();
  std::string_view value = this->value();
  if (!tag.empty()) return TagIs(tag, "null");
  if (scalar_style != ScalarStyle::kPlain) return false;
  return value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL";
}

BoolValue Node::AsBool() const {
  if (type != NodeType::kScalar) return BoolValue::kNotBool;
  std::string_view tag = this->tag();
  std::string_view value = this->value();
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
  return new (arena_.allocate(sizeof(Node), alignof(Node))) Node();
}

std::string_view NodeTree::Intern(std::string_view text) {
  if (text.empty()) return std::string_view();
  char* into = static_cast<char*>(arena_.allocate(text.size(), 1));
  std::memcpy(into, text.data(), text.size());
  return std::string_view(into, text.size());
}

void NodeTree::SetPayload(Node* n, const void* data, size_t size) {
  n->size_ = static_cast<uint32_t>(size);  // under kMaxInputBytes: the readers refuse larger input
  if (n->tagged_) {
    static_cast<Node::Tagged*>(const_cast<void*>(n->Pointer()))->data = data;
  } else {
    n->SetPointer(data);
  }
}

void NodeTree::SetValue(Node* n, std::string_view text) {
  if (!n->tagged_ && text.size() <= Node::kInlineBytes) {
    n->size_ = static_cast<uint32_t>(text.size());
    if (!text.empty()) std::memcpy(n->payload_, text.data(), text.size());
    return;
  }
  SetPayload(n, Intern(text).data(), text.size());
}

void NodeTree::SetChildren(Node* n, const Node* const* items, size_t count) {
  const Node** into = nullptr;
  if (count > 0) {
    into = static_cast<const Node**>(arena_.allocate(count * sizeof(Node*), alignof(Node*)));
    std::memcpy(into, items, count * sizeof(Node*));
  }
  SetPayload(n, into, count);
}

void NodeTree::TakeChildren(Node* n, ChildStack* stack, size_t first) {
  size_t count = stack->size() - first;
  const Node** into = nullptr;
  if (count > 0) {
    into = static_cast<const Node**>(arena_.allocate(count * sizeof(Node*), alignof(Node*)));
  }
  // From the back, a slice at a time, so that the stack can give back what is
  // already copied (ChildStack::Truncate) before the next slice is.
  constexpr size_t kSlice = size_t{1} << 16;
  for (size_t end = stack->size(); end > first;) {
    size_t from = end - std::min(kSlice, end - first);
    std::memcpy(into + (from - first), stack->data() + from, (end - from) * sizeof(Node*));
    stack->Truncate(from);
    end = from;
  }
  SetPayload(n, into, count);
}

void NodeTree::SetTag(Node* n, std::string_view tag) {
  if (n->tagged_) {
    static_cast<Node::Tagged*>(const_cast<void*>(n->Pointer()))->tag = tag;
    return;
  }
  if (tag.empty()) return;
  // A value kept inline moves into the arena: a tagged node's payload is its Tagged.
  const void* data = n->Inline() ? Intern(n->value()).data() : n->Pointer();
  auto* t =
      new (arena_.allocate(sizeof(Node::Tagged), alignof(Node::Tagged))) Node::Tagged{tag, data};
  n->SetPointer(t);
  n->tagged_ = 1;
}

ChildStack::~ChildStack() { std::free(data_); }

void ChildStack::Grow() {
  size_t capacity = capacity_ < 256 ? 256 : capacity_ * 2;
  // realloc, not new and copy: glibc grows a large (mapped) block by remapping it.
  void* grown = std::realloc(data_, capacity * sizeof(Node*));
  if (!grown) throw std::bad_alloc();
  data_ = static_cast<const Node**>(grown);
  capacity_ = capacity;
}

void ChildStack::Truncate(size_t size) {
  size_ = size;
  // Part of a long list just moved into the tree: give back the memory past
  // what is left (keeping 1 MiB of room), which glibc unmaps for a large block.
  constexpr size_t kKeep = (size_t{1} << 20) / sizeof(Node*);
  if (capacity_ - size_ < 2 * kKeep) return;
  size_t capacity = size_ + kKeep;
  if (void* smaller = std::realloc(data_, capacity * sizeof(Node*))) {
    data_ = static_cast<const Node**>(smaller);
    capacity_ = capacity;
  }
}

}  // namespace rootlock
