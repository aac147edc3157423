#include "server/manifests.h"

#include "base/digest.h"
#include "base/text.h"

namespace rootlock {

namespace {

// Replaces every {{KEY}} of `text`.
std::string Fill(std::string text, std::initializer_list<std::pair<std::string, std::string>> kv) {
  for (const auto& [key, value] : kv) {
    std::string mark = "{{" + key + "}}";
    for (size_t at = text.find(mark); at != std::string::npos;
         at = text.find(mark, at + value.size())) {
      text.replace(at, mark.size(), value);
    }
  }
  return text;
}

// The pod-carrying kinds, CREATE and UPDATE, no subresource ("pods", not "pods/*").
constexpr const char* kRules = R"(    rules:
      - apiGroups: [""]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["pods", "replicationcontrollers", "podtemplates"]
        scope: "Namespaced"
      - apiGroups: ["apps"]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["deployments", "replicasets", "statefulsets", "daemonsets"]
        scope: "Namespaced"
      - apiGroups: ["batch"]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["jobs", "cronjobs"]
        scope: "Namespaced"
    namespaceSelector:
      matchExpressions:
        - key: kubernetes.io/metadata.name
          operator: NotIn
          values: ["kube-system", {{NS}}]
        - key: rootlock.io/ignore
          operator: DoesNotExist
    matchConditions:
      # Mirror pods (static pods the kubelet reports) cannot be changed here.
      - name: not-a-mirror-pod
        expression: >-
          !has(object.metadata.annotations) ||
          !('kubernetes.io/config.mirror' in object.metadata.annotations)
)";

constexpr const char* kHead = R"(# rootlock webhook manifests: kubectl apply -f -
apiVersion: v1
kind: Namespace
metadata:
  name: {{NS}}
  labels:
    app.kubernetes.io/name: rootlock-webhook
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: rootlock-webhook
  namespace: {{NS}}
automountServiceAccountToken: false
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: rootlock-webhook
value: 1000000
globalDefault: false
description: "rootlock admission webhook: scheduled before ordinary workloads"
---
)";

constexpr const char* kCertManager = R"(apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: rootlock-webhook-selfsigned
  namespace: {{NS}}
spec:
  selfSigned: {}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: rootlock-webhook
  namespace: {{NS}}
spec:
  secretName: rootlock-webhook-tls
  dnsNames:
    - rootlock-webhook.{{NS_PLAIN}}.svc
    - rootlock-webhook.{{NS_PLAIN}}.svc.cluster.local
  issuerRef:
    name: rootlock-webhook-selfsigned
    kind: Issuer
---
)";

constexpr const char* kBody = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: rootlock-webhook
  namespace: {{NS}}
  labels:
    app.kubernetes.io/name: rootlock-webhook
spec:
  replicas: {{REPLICAS}}
  selector:
    matchLabels:
      app.kubernetes.io/name: rootlock-webhook
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  template:
    metadata:
      labels:
        app.kubernetes.io/name: rootlock-webhook
    spec:
      serviceAccountName: rootlock-webhook
      automountServiceAccountToken: false
      priorityClassName: rootlock-webhook
      terminationGracePeriodSeconds: 30
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    app.kubernetes.io/name: rootlock-webhook
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              app.kubernetes.io/name: rootlock-webhook
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: webhook
          image: {{IMAGE}}
          args:
            - webhook
            - --listen=0.0.0.0:8443
            - --tls-cert=/tls/tls.crt
            - --tls-key=/tls/tls.key
            - --mode={{MODE}}
            - --drain=10s
          ports:
            - name: https
              containerPort: 8443
              protocol: TCP
          readinessProbe:
            httpGet: {path: /readyz, port: https, scheme: HTTPS}
            periodSeconds: 2
            failureThreshold: 1
          livenessProbe:
            httpGet: {path: /healthz, port: https, scheme: HTTPS}
            periodSeconds: 10
            failureThreshold: 3
          resources:
            requests: {cpu: 100m, memory: 64Mi}
            limits: {memory: 256Mi}
          securityContext:
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            allowPrivilegeEscalation: false
            privileged: false
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            - name: tls
              mountPath: /tls
              readOnly: true
      volumes:
        - name: tmp
          emptyDir: {}
        - name: tls
          secret:
            secretName: rootlock-webhook-tls
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: rootlock-webhook
  namespace: {{NS}}
spec:
  minAvailable: {{MIN_AVAILABLE}}
  selector:
    matchLabels:
      app.kubernetes.io/name: rootlock-webhook
---
apiVersion: v1
kind: Service
metadata:
  name: rootlock-webhook
  namespace: {{NS}}
spec:
  selector:
    app.kubernetes.io/name: rootlock-webhook
  ports:
    - name: https
      port: 443
      targetPort: https
      protocol: TCP
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: rootlock-webhook
{{ANNOTATIONS}}webhooks:
  - name: validate.rootlock.io
    admissionReviewVersions: ["v1"]
    sideEffects: None
    failurePolicy: {{FAILURE_POLICY}}
    timeoutSeconds: 3
    matchPolicy: Equivalent
    clientConfig:
      service:
        namespace: {{NS}}
        name: rootlock-webhook
        path: /validate
        port: 443
{{CA_BUNDLE}}{{RULES}})";

constexpr const char* kMutating = R"(---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: rootlock-webhook
{{ANNOTATIONS}}webhooks:
  - name: mutate.rootlock.io
    admissionReviewVersions: ["v1"]
    sideEffects: None
    failurePolicy: {{FAILURE_POLICY}}
    timeoutSeconds: 1
    reinvocationPolicy: IfNeeded
    matchPolicy: Equivalent
    clientConfig:
      service:
        namespace: {{NS}}
        name: rootlock-webhook
        path: /mutate
        port: 443
{{CA_BUNDLE}}{{RULES}})";

// The periodic audit: `rootlock k8s` writes PolicyReports (an init container, into an
// emptyDir), kubectl applies them. rootlock k8s only reads; the write is kubectl's.
constexpr const char* kAudit = R"(---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: rootlock-audit
  namespace: {{NS}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: rootlock-audit
  labels:
    app.kubernetes.io/name: rootlock-audit
rules:
  - apiGroups: [""]
    resources: ["namespaces", "pods", "replicationcontrollers", "podtemplates"]
    verbs: ["get", "list"]
  - apiGroups: ["apps"]
    resources: ["deployments", "replicasets", "statefulsets", "daemonsets"]
    verbs: ["get", "list"]
  - apiGroups: ["batch"]
    resources: ["jobs", "cronjobs"]
    verbs: ["get", "list"]
  - apiGroups: ["argoproj.io"]
    resources: ["rollouts"]
    verbs: ["get", "list"]
  - apiGroups: ["apps.openshift.io"]
    resources: ["deploymentconfigs"]
    verbs: ["get", "list"]
  - apiGroups: ["wgpolicyk8s.io"]
    resources: ["policyreports"]
    verbs: ["get", "list", "create", "update", "patch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: rootlock-audit
  labels:
    app.kubernetes.io/name: rootlock-audit
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: rootlock-audit
subjects:
  - kind: ServiceAccount
    name: rootlock-audit
    namespace: {{NS}}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: rootlock-audit
  namespace: {{NS}}
  labels:
    app.kubernetes.io/name: rootlock-audit
spec:
  schedule: {{AUDIT_SCHEDULE}}
  concurrencyPolicy: Forbid
  successfulJobsHistoryLimit: 1
  failedJobsHistoryLimit: 3
  jobTemplate:
    spec:
      backoffLimit: 1
      activeDeadlineSeconds: 1800
      template:
        metadata:
          labels:
            app.kubernetes.io/name: rootlock-audit
        spec:
          serviceAccountName: rootlock-audit
          restartPolicy: Never
          securityContext:
            runAsNonRoot: true
            runAsUser: 65532
            runAsGroup: 65532
            seccompProfile:
              type: RuntimeDefault
          initContainers:
            - name: audit
              image: {{IMAGE}}
              args:
                - k8s
                - --all-namespaces
                - --min-ratio=0
                - --allow-empty
                - --quiet
                - --output
                - policyreport=/reports/policyreports.yaml
              resources:
                requests: {cpu: 100m, memory: 64Mi}
                limits: {memory: 512Mi}
              securityContext:
                readOnlyRootFilesystem: true
                runAsNonRoot: true
                allowPrivilegeEscalation: false
                privileged: false
                capabilities:
                  drop: ["ALL"]
              volumeMounts:
                - name: tmp
                  mountPath: /tmp
                - name: reports
                  mountPath: /reports
          containers:
            - name: apply
              image: {{KUBECTL_IMAGE}}
              args:
                - apply
                - --server-side
                - --force-conflicts
                - --field-manager=rootlock
                - --filename=/reports/policyreports.yaml
              resources:
                requests: {cpu: 50m, memory: 64Mi}
                limits: {memory: 256Mi}
              securityContext:
                readOnlyRootFilesystem: true
                runAsNonRoot: true
                allowPrivilegeEscalation: false
                privileged: false
                capabilities:
                  drop: ["ALL"]
              volumeMounts:
                - name: tmp
                  mountPath: /tmp
                - name: reports
                  mountPath: /reports
                  readOnly: true
          volumes:
            - name: tmp
              emptyDir: {}
            - name: reports
              emptyDir: {}
)";

}  // namespace

bool IsDnsLabel(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              (c == '-' && i != 0 && i + 1 != s.size());
    if (!ok) return false;
  }
  return true;
}

std::string WebhookManifests(const ManifestOptions& o) {
  std::string ns = YamlQuote(o.namespace_);
  std::string annotations;
  std::string ca_bundle;
  if (o.cert_manager) {
    annotations = "  annotations:\n    cert-manager.io/inject-ca-from: " +
                  YamlQuote(o.namespace_ + "/rootlock-webhook") + "\n";
  } else if (!o.ca_bundle_pem.empty()) {
    ca_bundle = "      caBundle: " + Base64(o.ca_bundle_pem) + "\n";
  }
  std::string rules = Fill(kRules, {{"NS", ns}});
  std::initializer_list<std::pair<std::string, std::string>> kv = {
      {"NS", ns},
      {"NS_PLAIN", o.namespace_},
      {"REPLICAS", std::to_string(o.replicas)},
      {"MIN_AVAILABLE", std::to_string(o.replicas > 1 ? o.replicas - 1 : 1)},
      {"IMAGE", YamlQuote(o.image)},
      {"MODE", o.mode},
      {"FAILURE_POLICY", o.fail_closed ? "Fail" : "Ignore"},
      {"ANNOTATIONS", annotations},
      {"CA_BUNDLE", ca_bundle},
      {"RULES", rules},
      {"AUDIT_SCHEDULE", YamlQuote(o.audit_schedule)},
      {"KUBECTL_IMAGE", YamlQuote(o.kubectl_image)},
  };
  std::string out = Fill(kHead, kv);
  if (o.cert_manager) out += Fill(kCertManager, kv);
  out += Fill(kBody, kv);
  if (o.mutate) out += Fill(kMutating, kv);
  if (o.audit) out += Fill(kAudit, kv);
  return out;
}

std::string WebhookTlsSecret(const std::string& ns, const WebhookCerts& certs) {
  return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: rootlock-webhook-tls\n  namespace: " +
         YamlQuote(ns) + "\ntype: kubernetes.io/tls\ndata:\n  tls.crt: " + Base64(certs.cert_pem) +
         "\n  tls.key: " + Base64(certs.key_pem) + "\n  ca.crt: " + Base64(certs.ca_pem) + "\n";
}

}  // namespace rootlock
