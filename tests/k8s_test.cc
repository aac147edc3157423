// The Kubernetes adapter, through the scan entry point tests and fuzzers share.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/scanner.h"

namespace rootlock {
namespace {

struct Verdicts {
  std::vector<Finding> root_fs;  // read-only-root-fs findings
  std::vector<Finding> tmp;      // tmp-writable findings
  std::vector<Diagnostic> errors;
};

Verdicts ScanYaml(const std::string& text, bool strict = false) {
  ScanOptions options;
  options.rules.strict = strict;
  std::vector<Finding> findings;
  Verdicts v;
  SourceOutcome out;
  ScanText("t.yaml", text, InputFormat::kAuto, options, &out);
  findings = std::move(out.findings);
  v.errors = std::move(out.errors);
  for (Finding& f : findings) {
    std::string_view id = f.rule->id;
    if (id == "read-only-root-fs") v.root_fs.push_back(f);
    if (id == "tmp-writable") v.tmp.push_back(f);
  }
  return v;
}

std::string PodWith(const std::string& container_yaml) {
  return "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n" + container_yaml;
}

TEST(Kubernetes, ReadOnlyTruePasses) {
  Verdicts v =
      ScanYaml(PodWith("  - name: a\n    securityContext: {readOnlyRootFilesystem: true}\n"));
  ASSERT_EQ(v.root_fs.size(), 1u);
  EXPECT_EQ(v.root_fs[0].status, Status::kPass);
  EXPECT_EQ(v.root_fs[0].kind, "Pod");
  EXPECT_EQ(v.root_fs[0].name, "p");
  EXPECT_EQ(v.root_fs[0].resource, "Pod/p");
  EXPECT_EQ(v.root_fs[0].container, "a");
  EXPECT_EQ(v.root_fs[0].where.line, 6u);
  EXPECT_EQ(v.root_fs[0].where.column, 5u);
}

TEST(Kubernetes, FalseMissingNullAndNonBooleanFail) {
  struct Case {
    const char* security_context;
    const char* reason_part;
  } cases[] = {
      {"    securityContext: {readOnlyRootFilesystem: false}\n", "set to false"},
      {"    securityContext: {readOnlyRootFilesystem: 'true'}\n", "not a boolean"},
      {"    securityContext: {readOnlyRootFilesystem: \"yes\"}\n", "not a boolean"},
      {"    securityContext: {readOnlyRootFilesystem: 1}\n", "not a boolean"},
      {"    securityContext: {readOnlyRootFilesystem: ~}\n", "null"},
      {"    securityContext: {runAsNonRoot: true}\n", "does not set it"},
      {"    securityContext: null\n", "no securityContext"},
      {"", "no securityContext"},
  };
  for (const Case& c : cases) {
    Verdicts v = ScanYaml(PodWith(std::string("  - name: a\n") + c.security_context));
    ASSERT_EQ(v.root_fs.size(), 1u) << c.security_context;
    EXPECT_EQ(v.root_fs[0].status, Status::kFail) << c.security_context;
    EXPECT_NE(v.root_fs[0].reason.find(c.reason_part), std::string::npos) << v.root_fs[0].reason;
    EXPECT_EQ(v.root_fs[0].message, "Pod 'p' container 'a' lacks readOnlyRootFilesystem: true");
  }
}

TEST(Kubernetes, Yaml11BooleansAreReadAsKubectlReadsThem) {
  for (const char* yes : {"yes", "Yes", "on", "ON", "y", "True", "TRUE", "!!bool true"}) {
    Verdicts v = ScanYaml(PodWith(std::string("  - name: a\n    securityContext:\n"
                                              "      readOnlyRootFilesystem: ") +
                                  yes + "\n"));
    ASSERT_EQ(v.root_fs.size(), 1u);
    EXPECT_EQ(v.root_fs[0].status, Status::kPass) << yes;
  }
}

TEST(Kubernetes, PodLevelFieldDoesNotCount) {
  Verdicts v = ScanYaml(
      "kind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {readOnlyRootFilesystem: true}\n"
      "  containers:\n  - name: a\n");
  ASSERT_EQ(v.root_fs.size(), 1u);
  EXPECT_EQ(v.root_fs[0].status, Status::kFail);
}

TEST(Kubernetes, EveryPodCarryingKind) {
  const char* tmpl =
      "  template:\n    spec:\n      containers:\n      - name: c\n        image: x\n";
  for (const char* kind : {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                           "ReplicationController", "Job", "Rollout", "DeploymentConfig"}) {
    Verdicts v = ScanYaml(std::string("kind: ") + kind + "\nmetadata: {name: w}\nspec:\n" + tmpl);
    ASSERT_EQ(v.root_fs.size(), 1u) << kind;
    EXPECT_EQ(v.root_fs[0].kind, kind);
    EXPECT_EQ(v.root_fs[0].message,
              std::string(kind) + " 'w' container 'c' lacks readOnlyRootFilesystem: true");
  }
  Verdicts cron =
      ScanYaml("kind: CronJob\nmetadata: {name: cj}\nspec:\n  jobTemplate:\n    spec:\n" +
               std::string("      template:\n        spec:\n          containers: [{name: c}]\n"));
  ASSERT_EQ(cron.root_fs.size(), 1u);
  EXPECT_EQ(cron.root_fs[0].kind, "CronJob");
  Verdicts pt = ScanYaml(
      "kind: PodTemplate\nmetadata: {name: t}\ntemplate:\n  spec:\n"
      "    containers: [{name: c}]\n");
  ASSERT_EQ(pt.root_fs.size(), 1u);
  EXPECT_EQ(pt.root_fs[0].kind, "PodTemplate");
}

TEST(Kubernetes, InitAndEphemeralContainersCountAndAreNamed) {
  Verdicts v = ScanYaml(
      "kind: Pod\nmetadata: {name: p}\nspec:\n"
      "  initContainers: [{name: i}]\n  containers: [{name: m}]\n"
      "  ephemeralContainers: [{name: e}]\n");
  ASSERT_EQ(v.root_fs.size(), 3u);
  EXPECT_EQ(v.root_fs[0].message, "Pod 'p' init container 'i' lacks readOnlyRootFilesystem: true");
  EXPECT_EQ(v.root_fs[1].container, "m");
  EXPECT_EQ(v.root_fs[2].message,
            "Pod 'p' ephemeral container 'e' lacks readOnlyRootFilesystem: true");
}

TEST(Kubernetes, ListsAndTypedListsAreWalked) {
  Verdicts v = ScanYaml(
      "kind: List\nitems:\n"
      "- {kind: Pod, metadata: {name: a}, spec: {containers: [{name: c}]}}\n"
      "- kind: DeploymentList\n  items:\n"
      "  - {kind: Deployment, metadata: {name: b, namespace: ns}, "
      "spec: {template: {spec: {containers: [{name: c}]}}}}\n");
  ASSERT_EQ(v.root_fs.size(), 2u);
  EXPECT_EQ(v.root_fs[0].resource, "Pod/a");
  EXPECT_EQ(v.root_fs[1].resource, "Deployment/b");
  EXPECT_EQ(v.root_fs[1].namespace_, "ns");
}

TEST(Kubernetes, OtherKindsAndNonManifestsAreIgnoredSilently) {
  Verdicts v = ScanYaml("kind: Service\nspec: {ports: [{port: 80}]}\n---\nreplicas: 3\n---\n- a\n");
  EXPECT_TRUE(v.root_fs.empty());
  EXPECT_TRUE(v.errors.empty());
}

TEST(Kubernetes, WindowsPodsAreNotApplicable) {
  Verdicts os = ScanYaml(
      "kind: Pod\nmetadata: {name: w}\nspec:\n  os: {name: windows}\n"
      "  containers: [{name: iis}]\n");
  ASSERT_EQ(os.root_fs.size(), 1u);
  EXPECT_EQ(os.root_fs[0].status, Status::kNotApplicable);
  EXPECT_NE(os.root_fs[0].reason.find("Windows"), std::string::npos);
  Verdicts sel = ScanYaml(
      "kind: Pod\nmetadata: {name: w}\nspec:\n"
      "  nodeSelector: {kubernetes.io/os: windows}\n"
      "  containers: [{name: iis}]\n");
  EXPECT_EQ(sel.root_fs[0].status, Status::kNotApplicable);
  EXPECT_NE(sel.root_fs[0].reason.find("nodeSelector"), std::string::npos);
}

TEST(Kubernetes, StatefulDatabasesAreNotApplicableUnlessStrict) {
  std::string sts =
      "kind: StatefulSet\nmetadata: {name: db}\nspec:\n  template:\n    spec:\n      containers:\n"
      "      - {name: pg, image: 'docker.io/bitnami/postgresql:16@sha256:abc'}\n"
      "      - {name: exporter, image: postgres-exporter:1}\n";
  Verdicts v = ScanYaml(sts);
  ASSERT_EQ(v.root_fs.size(), 2u);
  EXPECT_EQ(v.root_fs[0].status, Status::kNotApplicable);
  EXPECT_NE(v.root_fs[0].reason.find("postgresql"), std::string::npos);
  EXPECT_EQ(v.root_fs[1].status, Status::kFail);  // an exporter is not a database
  Verdicts strict = ScanYaml(sts, true);
  EXPECT_EQ(strict.root_fs[0].status, Status::kFail);
  // A database image outside a StatefulSet is judged: its data is not meant to persist there.
  Verdicts dep = ScanYaml(
      "kind: Deployment\nmetadata: {name: cache}\nspec:\n  template:\n"
      "    spec:\n      containers: [{name: r, image: redis:7}]\n");
  EXPECT_EQ(dep.root_fs[0].status, Status::kFail);
}

TEST(Kubernetes, UnnamedContainersAreIdentifiedByIndex) {
  Verdicts v = ScanYaml(
      "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - image: a\n"
      "  - image: b\n");
  ASSERT_EQ(v.root_fs.size(), 2u);
  EXPECT_EQ(v.root_fs[1].container, "[1]");
  EXPECT_EQ(v.root_fs[1].message,
            "Pod 'p' container [1] (unnamed) lacks readOnlyRootFilesystem: true");
}

TEST(Kubernetes, AnchorsAndMergeKeysResolve) {
  Verdicts v = ScanYaml(
      "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
      "  - name: a\n    securityContext: &sc {readOnlyRootFilesystem: true}\n"
      "  - name: b\n    securityContext: *sc\n"
      "  - name: c\n    securityContext:\n      <<: *sc\n      runAsNonRoot: true\n"
      "  - name: d\n    securityContext:\n      <<: *sc\n      readOnlyRootFilesystem: false\n");
  ASSERT_EQ(v.root_fs.size(), 4u);
  EXPECT_EQ(v.root_fs[0].status, Status::kPass);
  EXPECT_EQ(v.root_fs[1].status, Status::kPass);
  EXPECT_EQ(v.root_fs[2].status, Status::kPass);
  EXPECT_EQ(v.root_fs[3].status, Status::kFail);
}

TEST(Kubernetes, TmpWritableNeedsAWritableVolumeAtTmp) {
  auto tmp_status = [](const std::string& mounts, const std::string& volumes) {
    Verdicts v = ScanYaml(
        "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n"
        "    securityContext: {readOnlyRootFilesystem: true}\n    volumeMounts: " +
        mounts + "\n  volumes: " + volumes + "\n");
    return v.tmp.at(0).status;
  };
  EXPECT_EQ(tmp_status("[{name: t, mountPath: /tmp}]", "[{name: t, emptyDir: {}}]"), Status::kPass);
  EXPECT_EQ(tmp_status("[{name: t, mountPath: /tmp/}]", "[{name: t, emptyDir: {medium: Memory}}]"),
            Status::kPass);
  EXPECT_EQ(tmp_status("[{name: t, mountPath: /tmp}]",
                       "[{name: t, persistentVolumeClaim: {claimName: c}}]"),
            Status::kPass);
  EXPECT_EQ(tmp_status("[{name: t, mountPath: /tmp, readOnly: true}]", "[{name: t, emptyDir: {}}]"),
            Status::kFail);
  EXPECT_EQ(tmp_status("[{name: t, mountPath: /tmp}]", "[{name: t, configMap: {name: x}}]"),
            Status::kFail);
  EXPECT_EQ(tmp_status("[{name: t, mountPath: /var/tmp}]", "[{name: t, emptyDir: {}}]"),
            Status::kFail);
  EXPECT_EQ(tmp_status("[{name: missing, mountPath: /tmp}]", "[]"), Status::kFail);
}

TEST(Kubernetes, TmpWritableDoesNotJudgeWritableOrNotApplicableContainers) {
  Verdicts v = ScanYaml(PodWith("  - name: a\n"));
  ASSERT_EQ(v.tmp.size(), 1u);
  EXPECT_EQ(v.tmp[0].status, Status::kNotApplicable);
  EXPECT_EQ(v.tmp[0].rule->severity, Severity::kLow);
}

TEST(Kubernetes, FindingsFollowLineOrderAcrossDocuments) {
  Verdicts v = ScanYaml(
      "kind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: x}]}\n---\n"
      "kind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: y}]}\n");
  ASSERT_EQ(v.root_fs.size(), 2u);
  EXPECT_LT(v.root_fs[0].where.line, v.root_fs[1].where.line);
}

// OpenShift Templates hold their workloads under objects: (issue 13); a
// ${PARAMETER} fails closed.
TEST(Kinds, OpenShiftTemplateObjectsAreJudged) {
  Verdicts v = ScanYaml(R"(apiVersion: template.openshift.io/v1
kind: Template
metadata: {name: app}
objects:
  - apiVersion: apps.openshift.io/v1
    kind: DeploymentConfig
    metadata: {name: web}
    spec:
      template:
        spec:
          containers:
            - name: web
              securityContext:
                readOnlyRootFilesystem: ${RO}
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: api}
    spec:
      template:
        spec:
          containers:
            - {name: api, securityContext: {readOnlyRootFilesystem: true}}
)");
  ASSERT_EQ(v.root_fs.size(), 2u);
  EXPECT_EQ(v.root_fs[0].message,
            "DeploymentConfig 'web' container 'web' lacks readOnlyRootFilesystem: true");
  EXPECT_EQ(v.root_fs[0].status, Status::kFail);
  EXPECT_EQ(v.root_fs[0].where.line, 12u);
  EXPECT_EQ(v.root_fs[1].kind, "Deployment");
  EXPECT_EQ(v.root_fs[1].status, Status::kPass);
}

// An AdmissionReview read from a file: its request.object, at the object's place (issue 13).
TEST(Kinds, AdmissionReviewIsJudgedByItsObject) {
  Verdicts v = ScanYaml(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
 "request": {"uid": "1", "operation": "CREATE",
  "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ns"},
   "spec": {"containers": [{"name": "c", "image": "busybox"}]}}}})");
  ASSERT_EQ(v.root_fs.size(), 1u);
  EXPECT_EQ(v.root_fs[0].message, "Pod 'p' container 'c' lacks readOnlyRootFilesystem: true");
  EXPECT_EQ(v.root_fs[0].namespace_, "ns");
  EXPECT_EQ(v.root_fs[0].where.line, 4u);
}

}  // namespace
}  // namespace rootlock
