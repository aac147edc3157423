#include "server/admission.h"

#include <algorithm>

#include "base/digest.h"
#include "base/json_writer.h"
#include "base/text.h"
#include "engine/scanner.h"
#include "fix/json_patch.h"
#include "parse/reader.h"
#include "rules/rules.h"

namespace rootlock {

namespace {

constexpr std::string_view kApiVersion = "admission.k8s.io/v1";

AdmissionOutcome Invalid(const std::string& why) {
  AdmissionOutcome out;
  out.http_status = 400;
  out.content_type = "text/plain; charset=utf-8";
  out.body = "rootlock webhook: " + EscapeControls(why) + "\n";
  out.decision = "invalid";
  return out;
}

// A scalar member as text, or "" when absent, null or not a scalar.
std::string ScalarOf(const Node* map, std::string_view key) {
  const Node* n = map->Get(key);
  if (!n || !n->IsScalar() || n->IsNull()) return std::string();
  return std::string(n->value());
}

// Whether a failure of `f` decides the review (a deny in enforce mode): the
// gating rule's, and those the config's fail_on names.
bool Gates(const Finding& f, const ScanOptions& scan) {
  if (f.rule->gates) return true;
  if (scan.fail_on.count(f.rule->id)) return true;
  return scan.fail_on_severity && f.severity >= *scan.fail_on_severity;
}

struct Reply {
  std::string uid;
  bool allowed = true;
  std::string message;  // with a deny
  std::vector<std::string> warnings;
  std::string patch;  // JSON Patch text; "" for none
};

std::string ReplyJson(const Reply& r) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("apiVersion", kApiVersion);
  w.Field("kind", "AdmissionReview");
  w.Key("response");
  w.BeginObject();
  w.Field("uid", r.uid);
  w.Field("allowed", r.allowed);
  if (!r.allowed) {
    w.Key("status");
    w.BeginObject();
    w.Field("code", int64_t{403});
    w.Field("reason", "Forbidden");
    w.Field("message", r.message);
    w.EndObject();
  }
  if (!r.warnings.empty()) {
    w.Key("warnings");
    w.BeginArray();
    for (const std::string& s : r.warnings) w.String(s);
    w.EndArray();
  }
  if (!r.patch.empty()) {
    w.Field("patchType", "JSONPatch");
    w.Field("patch", Base64(r.patch));
  }
  w.EndObject();
  w.EndObject();
  out += "\n";
  return out;
}

// "container 'app': read-only-root-fs: not set": one failure, short.
std::string WarningFor(const Finding& f) {
  std::string who = f.container.empty() ? f.name : "container '" + f.container + "'";
  return ShortWarning(who + ": " + f.rule->id + ": " + (f.reason.empty() ? f.message : f.reason));
}

void AddRule(const Finding& f, std::vector<std::string>* rules) {
  if (std::find(rules->begin(), rules->end(), f.rule->id) == rules->end()) {
    rules->push_back(f.rule->id);
  }
}

}  // namespace

std::string ShortWarning(std::string_view s, size_t max) {
  std::string text = EscapeControls(s);
  if (text.size() <= max) return text;
  size_t keep = max - 3;
  // Back to the start of a UTF-8 sequence.
  while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) --keep;
  return text.substr(0, keep) + "...";
}

AdmissionOutcome Review(AdmissionEndpoint endpoint, std::string_view body,
                        const AdmissionOptions& options) {
  const ScanOptions& scan = options.fix.scan;
  ParsedSource parsed = ReadSource("admission-review", body, InputFormat::kJson, scan.limits);
  if (parsed.has_error) return Invalid("the body is not JSON: " + parsed.error.message);
  if (parsed.documents.size() != 1 || !parsed.documents[0].root ||
      !parsed.documents[0].root->IsMapping()) {
    return Invalid("the body is not one JSON object");
  }
  const Node* root = parsed.documents[0].root;
  if (ScalarOf(root, "apiVersion") != kApiVersion || ScalarOf(root, "kind") != "AdmissionReview") {
    return Invalid("not an AdmissionReview of admission.k8s.io/v1 (apiVersion and kind)");
  }
  const Node* request = root->Get("request");
  if (!request || !request->IsMapping()) return Invalid("the AdmissionReview has no request");
  const Node* uid_node = request->Get("uid");
  if (!uid_node || !uid_node->IsScalar() || uid_node->IsNull() ||
      uid_node->scalar_style == ScalarStyle::kPlain || uid_node->value().empty()) {
    return Invalid("request.uid is missing or not a string");
  }
  Reply reply;
  reply.uid = std::string(uid_node->value());
  AdmissionOutcome out;
  out.operation = ScalarOf(request, "operation");
  if (out.operation.empty()) return Invalid("request.operation is missing");

  // Not judged: what does not create or change a pod spec.
  bool judged = out.operation == "CREATE" || out.operation == "UPDATE";
  if (!ScalarOf(request, "subResource").empty()) judged = false;
  const Node* object = request->Get("object");
  if (judged && (!object || !object->IsMapping())) {
    return Invalid("request.object is missing on " + out.operation);
  }
  // An object being deleted is updated only to remove its finalizers: judging it
  // would keep a writable workload from ever going away.
  if (judged && out.operation == "UPDATE" && object && object->IsMapping()) {
    const Node* deleting = object->Path({"metadata", "deletionTimestamp"});
    if (deleting && !deleting->IsNull()) judged = false;
  }
  // A mirror pod is the kubelet's report of a static pod: nothing here can change it.
  if (judged && ScalarOf(object, "kind") == "Pod") {
    const Node* annotations = object->Path({"metadata", "annotations"});
    if (annotations && annotations->IsMapping() &&
        annotations->Get("kubernetes.io/config.mirror")) {
      judged = false;
    }
  }
  if (!judged) {
    out.decision = "skipped";
    out.body = ReplyJson(reply);
    return out;
  }
  // The object as it was sent: its own bytes, so patch pointers are relative to it.
  std::string_view object_text =
      body.substr(object->start.offset, object->end.offset - object->start.offset);
  std::string request_namespace = ScalarOf(request, "namespace");

  if (endpoint == AdmissionEndpoint::kMutate) {
    std::string kind;
    if (const Node* k = request->Get("kind"); k && k->IsMapping()) kind = ScalarOf(k, "kind");
    if (kind.empty()) kind = ScalarOf(object, "kind");
    // A Pod's spec cannot change once it exists.
    if (out.operation == "UPDATE" && kind == "Pod") {
      out.decision = "skipped";
      out.body = ReplyJson(reply);
      return out;
    }
    FixOptions fix = options.fix;
    fix.default_namespace = request_namespace;
    JsonPatch patch = KubernetesJsonPatch("admission-review", object_text, fix);
    if (!patch.error.empty()) return Invalid("request.object: " + patch.error);
    if (patch.patch != "[]") reply.patch = patch.patch;
    for (const Diagnostic& d : patch.left_alone) reply.warnings.push_back(ShortWarning(d.message));
    out.decision = reply.patch.empty() ? "allowed" : "patched";
    out.body = ReplyJson(reply);
    return out;
  }

  SourceOutcome judged_out;
  ReadWorkloads("admission-review", object_text, InputFormat::kJson, scan, &judged_out);
  if (!judged_out.errors.empty()) {
    return Invalid("request.object: " + judged_out.errors[0].message);
  }
  for (Workload& w : judged_out.workloads) {
    if (w.namespace_.empty()) w.namespace_ = request_namespace;
  }
  JudgeWorkloads(judged_out.workloads, scan, &judged_out.findings);
  std::vector<std::string> denials;
  for (const Finding& f : judged_out.findings) {
    if (f.status != Status::kFail && f.status != Status::kError) continue;
    AddRule(f, &out.rules);
    if (options.mode == WebhookMode::kEnforce && Gates(f, scan)) {
      std::string why = f.reason.empty() ? "" : " (" + f.reason + ")";
      denials.push_back(EscapeControls(f.message + why + " [" + f.rule->id + "]"));
    } else {
      reply.warnings.push_back(WarningFor(f));
    }
  }
  if (!denials.empty()) {
    reply.allowed = false;
    reply.message = "rootlock: ";
    for (size_t i = 0; i < denials.size(); ++i) {
      if (i) reply.message += "; ";
      reply.message += denials[i];
    }
    out.decision = "denied";
  } else {
    out.decision = reply.warnings.empty() ? "allowed" : "warned";
  }
  out.body = ReplyJson(reply);
  return out;
}

}  // namespace rootlock
