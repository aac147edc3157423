// YAML via libyaml's event parser, composed into a NodeTree.
//
// libyaml is a YAML 1.1 parser, like go-yaml v2 which kubectl uses to read
// manifests. We compose events ourselves (not yaml_parser_load) to keep
// positions, share aliased nodes instead of copying them, resolve merge keys,
// and bound nesting depth and alias expansion.
#include <yaml.h>

#include <string>
#include <unordered_map>

#include "parse/reader.h"
#include "parse/yaml_skim.h"

namespace rootlock {

namespace {

// libyaml marks count characters; reports and fixes need byte offsets too.
// Marks arrive in nearly increasing order, so a cursor that walks from the
// last answer converts each in amortised constant time.
class OffsetMap {
 public:
  explicit OffsetMap(std::string_view text) : text_(text) {
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") base_ = 3;  // libyaml skips a BOM
    ascii_ = true;
    for (unsigned char c : text) {
      if (c >= 0x80) {
        ascii_ = false;
        break;
      }
    }
    byte_ = base_;
  }

  uint64_t ByteOffset(uint64_t char_index) {
    if (ascii_) return base_ + char_index;
    while (index_ < char_index && byte_ < text_.size()) {
      ++byte_;
      while (byte_ < text_.size() && (static_cast<unsigned char>(text_[byte_]) & 0xC0) == 0x80) {
        ++byte_;
      }
      ++index_;
    }
    while (index_ > char_index && byte_ > base_) {
      --byte_;
      while (byte_ > base_ && (static_cast<unsigned char>(text_[byte_]) & 0xC0) == 0x80) --byte_;
      --index_;
    }
    return byte_;
  }

 private:
  std::string_view text_;
  uint64_t base_ = 0;
  bool ascii_ = true;
  uint64_t index_ = 0;
  uint64_t byte_ = 0;
};

struct Frame {
  Node* node;
  uint64_t weight;  // nodes this collection denotes with aliases expanded
  std::string anchor;
  size_t first;  // where its children start in YamlComposer::children_
};

class YamlComposer {
 public:
  YamlComposer(std::string_view name, std::string_view text, const ParseLimits& limits,
               ParsedSource* out)
      : name_(name), whole_(text), text_(text), limits_(limits), out_(out), offsets_(text) {}

  /// Reads the whole stream, but for the documents in `skip` (in order), which
  /// count as documents and are not parsed.
  void Run(const std::vector<DocumentRange>& skip);

 private:
  // Parses text_, a run of whole documents starting at a line start.
  void RunPart();
  Mark ToMark(const yaml_mark_t& m) {
    return Mark{static_cast<uint32_t>(m.line + 1 + base_line_), static_cast<uint32_t>(m.column + 1),
                static_cast<uint32_t>(base_byte_ + offsets_.ByteOffset(m.index))};
  }
  void Fail(const Mark& at, std::string message) {
    out_->has_error = true;
    out_->error.where.file = std::string(name_);
    out_->error.where.line = at.line;
    out_->error.where.column = at.column;
    out_->error.where.offset = at.offset;
    out_->error.message = std::move(message);
  }
  void FailFromParser(const yaml_parser_t& parser);
  // Adds a finished node to the open collection (or makes it the document root).
  bool Attach(const Node* node, uint64_t weight, const Mark& at);
  bool Push(Node* node, const char* anchor, const Mark& at);
  bool ResolveMerges(Node* mapping, uint64_t* weight);
  static std::string_view TagOf(const yaml_char_t* tag) {
    return tag ? std::string_view(reinterpret_cast<const char*>(tag)) : std::string_view();
  }

  std::string_view name_;
  std::string_view whole_;
  std::string_view text_;  // the part being parsed: whole_ from base_byte_, at line base_line_ + 1
  uint64_t base_byte_ = 0;
  uint32_t base_line_ = 0;
  const ParseLimits& limits_;
  ParsedSource* out_;
  OffsetMap offsets_;
  std::vector<Frame> stack_;
  // The children of every open collection, innermost last: a collection's
  // list is copied into the tree once, when it closes, rather than grown there.
  ChildStack children_;
  struct Anchored {
    const Node* node;
    uint64_t weight;
  };
  std::unordered_map<std::string, Anchored> anchors_;
  const Node* root_ = nullptr;
  uint32_t doc_index_ = 0;
  size_t doc_first_node_ = 0;  // the tree's node count when the document started
};

void YamlComposer::FailFromParser(const yaml_parser_t& parser) {
  Mark at = ToMark(parser.problem_mark);
  std::string msg;
  if (parser.error == YAML_MEMORY_ERROR) {
    msg = "out of memory while reading YAML";
  } else if (at.offset < text_.size() && text_[at.offset] == '\t' && parser.problem &&
             std::string_view(parser.problem).find("cannot start any token") !=
                 std::string_view::npos) {
    msg =
        "YAML: tab character where indentation or a value was expected (YAML indents with "
        "spaces only)";
  } else {
    msg = "YAML: ";
    msg += parser.problem ? parser.problem : "syntax error";
    if (parser.context) {
      msg += " (";
      msg += parser.context;
      if (parser.context_mark.line != parser.problem_mark.line ||
          parser.context_mark.column != parser.problem_mark.column) {
        msg += " started at line " + std::to_string(parser.context_mark.line + 1) + ", column " +
               std::to_string(parser.context_mark.column + 1);
      }
      msg += ")";
    }
    if (parser.problem_offset && parser.error == YAML_READER_ERROR) {
      // Reader errors (bad UTF-8, control characters) carry a byte offset, not a mark.
      size_t off = parser.problem_offset;
      uint32_t line = 1, col = 1;
      for (size_t i = 0; i < off && i < text_.size(); ++i) {
        if (text_[i] == '\n') {
          ++line, col = 1;
        } else if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) {
          ++col;
        }
      }
      at = Mark{line + base_line_, col, static_cast<uint32_t>(base_byte_ + off)};
    }
  }
  Fail(at, std::move(msg));
}

bool YamlComposer::Attach(const Node* node, uint64_t weight, const Mark& at) {
  if (stack_.empty()) {
    root_ = node;
    return true;
  }
  Frame& top = stack_.back();
  children_.push_back(node);
  top.weight += weight;
  if (top.weight > limits_.max_expanded_nodes) {
    // Say which it is: a document that is simply that large, or aliases that
    // make a smaller one denote that many.
    std::string limit = std::to_string(limits_.max_expanded_nodes);
    if (out_->tree->node_count() - doc_first_node_ > limits_.max_expanded_nodes) {
      Fail(at, "YAML: the document has more than " + limit +
                   " nodes, the limit for one document; refusing to read it");
    } else {
      Fail(at, "YAML: aliases expand to more than " + limit +
                   " nodes (an alias bomb?); refusing to read this document");
    }
    return false;
  }
  return true;
}

bool YamlComposer::Push(Node* node, const char* anchor, const Mark& at) {
  if (stack_.size() >= limits_.max_depth) {
    Fail(at, "YAML: nested deeper than " + std::to_string(limits_.max_depth) + " levels");
    return false;
  }
  stack_.push_back(Frame{node, 1, anchor ? std::string(anchor) : std::string(), children_.size()});
  return true;
}

// YAML merge keys: `<<: *base` or `<<: [*a, *b]`. Keys written in the mapping
// win over merged ones; among merged mappings, earlier ones win.
bool YamlComposer::ResolveMerges(Node* mapping, uint64_t* weight) {
  NodeList children = mapping->children();
  bool has_merge = false;
  for (size_t i = 0; i < children.size(); i += 2) {
    const Node* k = children[i];
    if (k->IsScalar() && k->value() == "<<" && k->scalar_style == ScalarStyle::kPlain) {
      has_merge = true;
      break;
    }
  }
  if (!has_merge) return true;
  std::vector<const Node*> own;
  std::vector<const Node*> sources;
  for (size_t i = 0; i < children.size(); i += 2) {
    const Node* k = children[i];
    const Node* v = children[i + 1];
    if (k->IsScalar() && k->value() == "<<" && k->scalar_style == ScalarStyle::kPlain) {
      if (v->IsMapping()) {
        sources.push_back(v);
      } else if (v->IsSequence()) {
        for (const Node* item : v->children()) {
          if (!item->IsMapping()) {
            Fail(item->start, "YAML: a merge key (<<) takes a mapping or a list of mappings");
            return false;
          }
          sources.push_back(item);
        }
      } else {
        Fail(v->start, "YAML: a merge key (<<) takes a mapping or a list of mappings");
        return false;
      }
    } else {
      own.push_back(k);
      own.push_back(v);
    }
  }
  auto present = [&](const Node* key) {
    if (!key->IsScalar()) return false;
    for (size_t i = 0; i < own.size(); i += 2) {
      if (own[i]->IsScalar() && own[i]->value() == key->value()) return true;
    }
    return false;
  };
  for (const Node* src : sources) {
    NodeList merged = src->children();
    for (size_t i = 0; i < merged.size(); i += 2) {
      if (present(merged[i])) continue;
      own.push_back(merged[i]);
      own.push_back(merged[i + 1]);
      *weight += 2;
      if (*weight > limits_.max_expanded_nodes) {
        Fail(mapping->start, "YAML: merge keys expand to more than " +
                                 std::to_string(limits_.max_expanded_nodes) + " nodes");
        return false;
      }
    }
  }
  out_->tree->SetChildren(mapping, own.data(), own.size());
  return true;
}

void YamlComposer::Run(const std::vector<DocumentRange>& skip) {
  size_t from = 0;
  auto part = [&](size_t to) {
    if (out_->has_error) return;
    for (size_t i = base_byte_; i < from; ++i) base_line_ += whole_[i] == '\n';
    base_byte_ = from;
    text_ = whole_.substr(from, to - from);
    offsets_ = OffsetMap(text_);
    RunPart();
  };
  for (const DocumentRange& r : skip) {
    if (r.begin > from) part(r.begin);
    if (out_->has_error) return;
    ++doc_index_;  // a document, though not read
    from = r.end;
  }
  if (from < whole_.size() || skip.empty()) part(whole_.size());
}

void YamlComposer::RunPart() {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    Fail(Mark{}, "out of memory while starting the YAML reader");
    return;
  }
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text_.data()),
                               text_.size());
  NodeTree& tree = *out_->tree;
  bool done = false;
  while (!done && !out_->has_error) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      FailFromParser(parser);
      break;
    }
    Mark start = ToMark(event.start_mark);
    switch (event.type) {
      case YAML_STREAM_END_EVENT:
        done = true;
        break;
      case YAML_DOCUMENT_START_EVENT:
        root_ = nullptr;
        anchors_.clear();
        doc_first_node_ = tree.node_count();
        break;
      case YAML_DOCUMENT_END_EVENT:
        if (root_) out_->documents.push_back(Document{root_, doc_index_});
        ++doc_index_;
        break;
      case YAML_SCALAR_EVENT: {
        Node* n = tree.NewNode();
        n->type = NodeType::kScalar;
        n->start = start;
        n->end = ToMark(event.end_mark);
        tree.SetTag(n, tree.Intern(TagOf(event.data.scalar.tag)));
        tree.SetValue(n, std::string_view(reinterpret_cast<const char*>(event.data.scalar.value),
                                          event.data.scalar.length));
        switch (event.data.scalar.style) {
          case YAML_SINGLE_QUOTED_SCALAR_STYLE:
            n->scalar_style = ScalarStyle::kSingleQuoted;
            break;
          case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
            n->scalar_style = ScalarStyle::kDoubleQuoted;
            break;
          case YAML_LITERAL_SCALAR_STYLE:
            n->scalar_style = ScalarStyle::kLiteral;
            break;
          case YAML_FOLDED_SCALAR_STYLE:
            n->scalar_style = ScalarStyle::kFolded;
            break;
          default:
            n->scalar_style = ScalarStyle::kPlain;
        }
        if (event.data.scalar.anchor) {
          n->anchored = true;
          anchors_[reinterpret_cast<const char*>(event.data.scalar.anchor)] = Anchored{n, 1};
        }
        Attach(n, 1, start);
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        bool seq = event.type == YAML_SEQUENCE_START_EVENT;
        Node* n = tree.NewNode();
        n->type = seq ? NodeType::kSequence : NodeType::kMapping;
        n->start = start;
        const yaml_char_t* tag = seq ? event.data.sequence_start.tag : event.data.mapping_start.tag;
        tree.SetTag(n, tree.Intern(TagOf(tag)));
        bool flow = seq ? event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                        : event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
        n->collection_style = flow ? CollectionStyle::kFlow : CollectionStyle::kBlock;
        const yaml_char_t* anchor =
            seq ? event.data.sequence_start.anchor : event.data.mapping_start.anchor;
        n->anchored = anchor != nullptr;
        Push(n, reinterpret_cast<const char*>(anchor), start);
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Frame frame = std::move(stack_.back());
        stack_.pop_back();
        // Its children, gathered while it was open, move into the tree at their exact size.
        out_->tree->TakeChildren(frame.node, &children_, frame.first);
        frame.node->end = ToMark(event.end_mark);
        if (frame.node->IsMapping() && !ResolveMerges(frame.node, &frame.weight)) break;
        if (!frame.anchor.empty()) anchors_[frame.anchor] = Anchored{frame.node, frame.weight};
        Attach(frame.node, frame.weight, start);
        break;
      }
      case YAML_ALIAS_EVENT: {
        auto it = anchors_.find(reinterpret_cast<const char*>(event.data.alias.anchor));
        if (it == anchors_.end()) {
          Fail(start, std::string("YAML: alias *") +
                          reinterpret_cast<const char*>(event.data.alias.anchor) +
                          " refers to no anchor defined before it");
          break;
        }
        Attach(it->second.node, it->second.weight, start);
        break;
      }
      default:
        break;
    }
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
}

}  // namespace

ParsedSource ReadYaml(std::string_view name, std::string_view text, const ParseLimits& limits) {
  ParsedSource out;
  out.format = InputFormat::kYaml;
  if (!FitsInTree(name, text, &out)) return out;
  YamlComposer(name, text, limits, &out).Run(FindDocumentsOfKind(text, limits.skip_kind));
  return out;
}

}  // namespace rootlock
