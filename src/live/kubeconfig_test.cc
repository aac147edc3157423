// The kubeconfig as client-go loads it (k8s.io/client-go/tools/clientcmd, loader.go and
// its documented rules): one case per rule, over a fake environment and file system.
#include "live/kubeconfig.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace rootlock {
namespace {

struct Fake {
  std::map<std::string, std::string> env, files;
  KubeEnvironment Env() {
    KubeEnvironment e;
    e.get = [this](const std::string& k) { return env.count(k) ? env[k] : std::string(); };
    e.read_file = [this](const std::string& p, std::string* t) {
      if (!files.count(p)) return false;
      *t = files[p];
      return true;
    };
    e.service_account_dir = "/sa";
    return e;
  }
  bool Resolve(KubeTarget* t, Diagnostic* error, const std::string& kubeconfig = "",
               const std::string& context = "") {
    KubeOptions o;
    o.kubeconfig = kubeconfig;
    o.context = context;
    return ResolveKubeTarget(o, Env(), t, error);
  }
};

// A kubeconfig with one cluster, user and context named `name`, pointing at `server`.
std::string Config(const std::string& name, const std::string& server,
                   const std::string& current = "", const std::string& user_extra = "") {
  std::string s = "apiVersion: v1\nkind: Config\nclusters:\n- name: " + name +
                  "\n  cluster:\n    server: " + server + "\n    certificate-authority: ca-" +
                  name + ".crt\nusers:\n- name: " + name + "\n  user:\n    token: tok-" + name +
                  "\n" + user_extra + "contexts:\n- name: " + name +
                  "\n  context:\n    cluster: " + name + "\n    user: " + name +
                  "\n    namespace: ns-" + name + "\n";
  if (!current.empty()) s += "current-context: " + current + "\n";
  return s;
}

TEST(Kubeconfig, ExplicitFileAloneIgnoresKubeconfigVariable) {
  Fake f;
  f.files["/a/explicit"] = Config("x", "https://x:6443", "x");
  f.files["/b/env"] = Config("y", "https://y:6443", "y");
  f.env["KUBECONFIG"] = "/b/env";
  KubeTarget t;
  Diagnostic e;
  ASSERT_TRUE(f.Resolve(&t, &e, "/a/explicit")) << e.message;
  EXPECT_EQ(t.cluster.server, "https://x:6443");
  EXPECT_EQ(t.source, "/a/explicit");
}

TEST(Kubeconfig, ExplicitFileMustExist) {
  Fake f;
  f.env["HOME"] = "/home/u";
  f.files["/home/u/.kube/config"] = Config("h", "https://h", "h");
  KubeTarget t;
  Diagnostic e;
  EXPECT_FALSE(f.Resolve(&t, &e, "/missing"));
  EXPECT_NE(e.message.find("/missing"), std::string::npos);
}

TEST(Kubeconfig, FirstFileToDefineANameWins) {
  Fake f;
  f.files["/1"] = Config("shared", "https://first", "shared");
  f.files["/2"] = Config("shared", "https://second");
  f.env["KUBECONFIG"] = "/1:/2";
  KubeTarget t;
  Diagnostic e;
  ASSERT_TRUE(f.Resolve(&t, &e)) << e.message;
  EXPECT_EQ(t.cluster.server, "https://first");
  EXPECT_EQ(t.user.token, "tok-shared");
}

TEST(Kubeconfig, LaterFilesAddNamesTheFirstLacks) {
  Fake f;
  f.files["/1"] = Config("one", "https://one", "two");
  f.files["/2"] = Config("two", "https://two");
  f.env["KUBECONFIG"] = "/1:/2";
  KubeTarget t;
  Diagnostic e;
  ASSERT_TRUE(f.Resolve(&t, &e)) << e.message;
  EXPECT_EQ(t.context, "two");
  EXPECT_EQ(t.cluster.server, "https://two");
}

TEST(Kubeconfig, CurrentContextFromTheFirstFileThatSetsIt) {
  Fake f;
  f.files["/1"] = Config("one", "https://one");  // sets none
  f.files["/2"] = Config("two", "https://two", "two");
  f.files["/3"] = Config("three", "https://three", "three");
  f.env["KUBECONFIG"] = "/1:/2:/3";
  KubeTarget t;
  Diagnostic e;
  ASSERT_TRUE(f.Resolve(&t, &e)) << e.message;
  EXPECT_EQ(t.context, "two");
}

TEST(Kubeconfig, MissingAndEmptyEntriesOfKubeconfigAreSkipped) {
  Fake f;
  f.files["/2"] = Config("two", "https://two", "two");
  f.env["KUBECONFIG"] = "::/missing:/2:";
  KubeTarget t;
  Diagnostic e;
  ASSERT_TRUE(f.Resolve(&t, &e)) << e.message;
  EXPECT_EQ(t.cluster.server, "https://two");
  EXPECT_EQ(t.source, "/2");
}

TEST(Kubeconfig, KubeconfigVariableBeatsHome) {
  Fake f;
  f.env["HOME"] = "/home/u";
  f.files["/home/u/.kube/config"] = Config("h", "https://home", "h");
  f.files["/e"] = Config("e", "https://env", "e");
  f.env["KUBECONFIG"] = "/e";
  KubeTarget t;
  Diagnostic e;
  ASSERT_TRUE(f.Resolve(&t, &e)) << e.message;
  EXPECT_EQ(t.cluster.server, "https://env");
}

TEST(Kubeconfig, HomeKubeConfigWithoutTheVariable) {
  Fake f;
  f.env["HOME"] = "/home/u";
  f.files["/home/u/.kube/config"] = Config("h", "https://home", "h");
  KubeTarget t;
  Diagnostic e;
  ASSERT_TRUE(f.Resolve(&t, &e)) << e.message;
  EXPECT_EQ(t.cluster.server, "https://home");
  EXPECT_EQ(t.namespace_, "ns-h");
  EXPECT_EQ(t.location, "h");
}

TEST(Kubeconfig, RelativePathsAgainstTheFileThatHoldsThem) {
  Fake f;
  f.files["/1/config"] = Config("one", "https://one", "one",
                                "    client-certificate: certs/me.crt\n"
                                "    client-key: /abs/me.key\n"
                                "    tokenFile: ../tok\n");
  f.files["/2/sub/config"] = Config("two", "https://two");
  f.env["KUBECONFIG"] = "/1/config:/2/sub/config";
  KubeTarget t;
  Diagnostic e;
  ASSERT_TRUE(f.Resolve(&t, &e)) << e.message;
  EXPECT_EQ(t.cluster.ca_file, "/1/ca-one.crt");
  EXPECT_EQ(t.user.cert_file, "/1/certs/me.crt");
  EXPECT_EQ(t.user.key_file, "/abs/me.key");  // absolute stays
  EXPECT_EQ(t.user.token_file, "/tok");
  ASSERT_TRUE(f.Resolve(&t, &e, "", "two")) << e.message;
  EXPECT_EQ(t.cluster.ca_file, "/2/sub/ca-two.crt");
}

TEST(Kubeconfig, ExecCommandWithASlashIsRelativeToTheFile) {
  Fake f;
  f.files["/k/config"] = Config("x", "https://x", "x",
                                "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                "      command: ./bin/plugin\n      interactiveMode: Never\n"
                                "      args: [a, b]\n      env:\n      - {name: A, value: '1'}\n");
  f.files["/k/bare"] = Config("y", "https://y", "y",
                              "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n"
                              "      command: aws\n");
  KubeTarget t;
  Diagnostic e;
  ASSERT_TRUE(f.Resolve(&t, &e, "/k/config")) << e.message;
  ASSERT_TRUE(t.user.exec.has_value());
  EXPECT_EQ(t.user.exec->command, "/k/bin/plugin");
  EXPECT_EQ(t.user.exec->args, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(t.user.exec->env.size(), 1u);
  ASSERT_TRUE(f.Resolve(&t, &e, "/k/bare")) << e.message;
  EXPECT_EQ(t.user.exec->command, "aws");  // found on PATH
}

TEST(Kubeconfig, ExecV1NeedsInteractiveMode) {
  Fake f;
  f.files["/k"] = Config("x", "https://x", "x",
                         "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                         "      command: plugin\n");
  KubeTarget t;
  Diagnostic e;
  EXPECT_FALSE(f.Resolve(&t, &e, "/k"));
  EXPECT_NE(e.message.find("interactiveMode"), std::string::npos);
  EXPECT_EQ(e.where.file, "/k");
  EXPECT_GT(e.where.line, 0u);
}

TEST(Kubeconfig, DataKeysWinOverFiles) {
  Fake f;
  // "PEM" and "KEY" in base64.
  f.files["/k"] = Config("x", "https://x", "x",
                         "    client-certificate: c.crt\n    client-certificate-data: UEVN\n"
                         "    client-key: c.key\n    client-key-data: S0VZ\n");
  f.files["/k"] += "";
  KubeTarget t;
  Diagnostic e;
  ASSERT_TRUE(f.Resolve(&t, &e, "/k")) << e.message;
  EXPECT_EQ(t.user.cert_data, "PEM");
  EXPECT_EQ(t.user.key_data, "KEY");
}

TEST(Kubeconfig, ContextFlagBeatsCurrentContext) {
  Fake f;
  f.files["/1"] = Config("one", "https://one", "one");
  f.files["/2"] = Config("two", "https://two");
  f.env["KUBECONFIG"] = "/1:/2";
  KubeTarget t;
  Diagnostic e;
  ASSERT_TRUE(f.Resolve(&t, &e, "", "two")) << e.message;
  EXPECT_EQ(t.cluster.server, "https://two");
}

TEST(Kubeconfig, UnknownContextNamesTheFiles) {
  Fake f;
  f.files["/1"] = Config("one", "https://one", "gone");
  KubeTarget t;
  Diagnostic e;
  EXPECT_FALSE(f.Resolve(&t, &e, "/1"));
  EXPECT_NE(e.message.find("\"gone\""), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("/1"), std::string::npos) << e.message;
}

TEST(Kubeconfig, ContextNamingAMissingUserIsAnError) {
  Fake f;
  f.files["/1"] =
      "clusters:\n- name: c\n  cluster: {server: 'https://c'}\ncontexts:\n- name: x\n"
      "  context: {cluster: c, user: nobody}\ncurrent-context: x\n";
  KubeTarget t;
  Diagnostic e;
  EXPECT_FALSE(f.Resolve(&t, &e, "/1"));
  EXPECT_NE(e.message.find("\"nobody\""), std::string::npos) << e.message;
}

TEST(Kubeconfig, InClusterWhenNoKubeconfigSaysAnything) {
  Fake f;
  f.env["HOME"] = "/home/none";
  f.env["KUBERNETES_SERVICE_HOST"] = "10.96.0.1";
  f.env["KUBERNETES_SERVICE_PORT"] = "443";
  f.files["/sa/token"] = "sa-token\n";
  f.files["/sa/namespace"] = "team-a\n";
  KubeTarget t;
  Diagnostic e;
  ASSERT_TRUE(f.Resolve(&t, &e)) << e.message;
  EXPECT_TRUE(t.in_cluster);
  EXPECT_EQ(t.cluster.server, "https://10.96.0.1:443");
  EXPECT_EQ(t.cluster.ca_file, "/sa/ca.crt");
  EXPECT_EQ(t.user.token_file, "/sa/token");
  EXPECT_EQ(t.namespace_, "team-a");
}

TEST(Kubeconfig, NothingAtAllSaysWhatWasTried) {
  Fake f;
  f.env["HOME"] = "/home/none";
  KubeTarget t;
  Diagnostic e;
  EXPECT_FALSE(f.Resolve(&t, &e));
  EXPECT_NE(e.message.find("/home/none/.kube/config"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("KUBERNETES_SERVICE_HOST"), std::string::npos) << e.message;
}

TEST(Kubeconfig, AuthProviderIsRefusedNamingTheFile) {
  Fake f;
  f.files["/k"] = Config("x", "https://x", "x", "    auth-provider: {name: gcp}\n");
  KubeTarget t;
  Diagnostic e;
  EXPECT_FALSE(f.Resolve(&t, &e, "/k"));
  EXPECT_EQ(e.where.file, "/k");
  EXPECT_NE(e.message.find("auth-provider"), std::string::npos);
}

TEST(Kubeconfig, ClusterSettings) {
  Fake f;
  f.files["/k"] =
      "clusters:\n- name: c\n  cluster:\n    server: https://c:6443\n"
      "    certificate-authority-data: Q0E=\n    insecure-skip-tls-verify: true\n"
      "    tls-server-name: api.internal\n    proxy-url: http://proxy:3128\n"
      "users:\n- name: u\n  user: {username: admin, password: pw}\n"
      "contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n";
  KubeTarget t;
  Diagnostic e;
  ASSERT_TRUE(f.Resolve(&t, &e, "/k")) << e.message;
  EXPECT_EQ(t.cluster.ca_data, "CA");
  EXPECT_TRUE(t.cluster.insecure);
  EXPECT_EQ(t.cluster.tls_server_name, "api.internal");
  EXPECT_EQ(t.cluster.proxy_url, "http://proxy:3128");
  EXPECT_EQ(t.user.username, "admin");
  EXPECT_EQ(t.namespace_, "");
}

TEST(Kubeconfig, AServerWithoutASchemeIsHttps) {
  Fake f;
  f.files["/k"] = Config("x", "10.0.0.1:6443", "x");
  KubeTarget t;
  Diagnostic e;
  ASSERT_TRUE(f.Resolve(&t, &e, "/k")) << e.message;
  EXPECT_EQ(t.cluster.server, "https://10.0.0.1:6443");
}

TEST(Kubeconfig, Base64) {
  std::string out;
  EXPECT_TRUE(DecodeBase64("aGVsbG8=", &out));
  EXPECT_EQ(out, "hello");
  EXPECT_TRUE(DecodeBase64("aGVs\nbG8", &out));
  EXPECT_EQ(out, "hello");
  EXPECT_FALSE(DecodeBase64("a*b", &out));
}

}  // namespace
}  // namespace rootlock
