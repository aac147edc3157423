#include "policy/baseline.h"

#include "base/json_writer.h"
#include "parse/reader.h"

namespace rootlock {

BaselineEntry BaselineEntryOf(const Finding& f) {
  return BaselineEntry{Fingerprint(f), f.rule->id, f.where.file, f.resource, f.container};
}

void WriteBaselineEntry(JsonWriter& w, const BaselineEntry& e) {
  w.BeginObject();
  w.Field("fingerprint", e.fingerprint);
  w.Field("rule", e.rule);
  w.Field("file", e.file);
  w.Field("resource", e.resource);
  w.Field("container", e.container);
  w.EndObject();
}

bool ReadBaseline(const std::string& path, std::vector<BaselineEntry>* out, Diagnostic* error) {
  std::string text;
  ParsedSource parsed;
  if (!ReadAndParse(path, InputFormat::kJson, 256 << 20, &text, &parsed, error)) return false;
  const Node* root = parsed.documents.empty() ? nullptr : parsed.documents[0].root;
  const Node* failures = root ? root->Get("failures") : nullptr;
  if (!root || !root->Get("rootlock_baseline") || !failures || !failures->IsSequence()) {
    error->where = Location{path};
    error->message = "not a rootlock baseline (write one with --write-baseline)";
    return false;
  }
  for (const Node* f : failures->children()) {
    auto get = [&](const char* k) {
      const Node* n = f->Get(k);
      return n ? std::string(n->Scalar()) : std::string();
    };
    out->push_back(BaselineEntry{get("fingerprint"), get("rule"), get("file"), get("resource"),
                                 get("container")});
  }
  return true;
}

}  // namespace rootlock
