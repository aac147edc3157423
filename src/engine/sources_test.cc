// Sources: which files a walk yields and in what order, what it skips and why,
// and reading their bytes (stdin for "-"). SourceWalker reads the disk itself
// (it takes no FileSystem), so each test builds a tree in a temporary folder.
#include "engine/sources.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace rootlock {
namespace {

namespace fs = std::filesystem;

class Sources : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("rootlock-sources-test-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override {
    fs::permissions(root_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(root_);
  }

  std::string Path(const std::string& rel) const { return (root_ / rel).string(); }
  void Write(const std::string& rel, const std::string& text = "kind: Pod\n") {
    fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }
  // A path relative to the tree, or as it is when outside it ("-").
  std::string Rel(const std::string& path) const {
    std::string prefix = root_.string() + "/";
    return path.rfind(prefix, 0) == 0 ? path.substr(prefix.size()) : path;
  }

  // Each file the walk of `paths` yields, "(named)" after those named, "(regular)"
  // after those known to be regular files; problems go to `errors`.
  std::vector<std::string> Walk(const std::vector<std::string>& paths,
                                std::vector<std::string>* errors = nullptr) {
    std::vector<Diagnostic> problems;
    std::vector<std::string> seen;
    SourceWalker walker(paths);
    SourceRef src;
    while (walker.Next(&src, &problems)) {
      seen.push_back(Rel(src.path) + (src.explicit_path ? " (named)" : "") +
                     (src.regular ? " (regular)" : ""));
    }
    for (const Diagnostic& d : problems) {
      std::string s = d.ToString();
      size_t at = s.find(root_.string() + "/");
      if (at != std::string::npos) s.erase(at, root_.string().size() + 1);
      if (errors)
        errors->push_back(s);
      else
        ADD_FAILURE() << s;
    }
    return seen;
  }

  fs::path root_;
};

using Lines = std::vector<std::string>;

TEST_F(Sources, WalkIsDepthFirstInByteOrderOfNames) {
  for (const char* f : {"a.yaml", "a/x.yaml", "a-b/y.yml", "b/.git/z.yaml", "b/c/d.json",
                        "b/notes.txt", "B.yaml", "z.tf"}) {
    Write(f);
  }
  Lines errors;
  Lines seen = Walk({Path(""), Path("missing.yaml"), Path("b/notes.txt")}, &errors);
  // "a" < "a-b" < "a.yaml": a folder's files and subfolders interleave by name.
  EXPECT_EQ(seen, (Lines{"B.yaml (regular)", "a/x.yaml (regular)", "a-b/y.yml (regular)",
                         "a.yaml (regular)", "b/c/d.json (regular)", "z.tf (regular)",
                         "b/notes.txt (named)"}));
  EXPECT_EQ(errors, (Lines{"missing.yaml: error: cannot read: No such file or directory"}));
}

// A walk yields .yaml, .yml, .json and .tf in any case, and nothing else.
TEST_F(Sources, AWalkYieldsManifestNamesOnlyWithTheFormatTheirNameSays) {
  for (const char* f : {"a.yaml", "b.YML", "c.Json", "d.tf", "e.tf.json", "f.txt", "g.yaml.bak",
                        "Dockerfile", "h.tfvars", "i.yamlx", "values.yaml.tpl", "noext", "j.TF"}) {
    Write(f);
  }
  std::vector<Diagnostic> errors;
  std::vector<SourceRef> found = DiscoverSources({Path("")}, &errors);
  EXPECT_TRUE(errors.empty());
  std::vector<std::pair<std::string, InputFormat>> got;
  for (const SourceRef& s : found) {
    got.emplace_back(Rel(s.path), s.format);
    EXPECT_FALSE(s.explicit_path) << s.path;
    EXPECT_TRUE(s.regular) << s.path;
  }
  EXPECT_EQ(got, (std::vector<std::pair<std::string, InputFormat>>{
                     {"a.yaml", InputFormat::kYaml},
                     {"b.YML", InputFormat::kYaml},
                     {"c.Json", InputFormat::kJson},
                     {"d.tf", InputFormat::kHcl},
                     {"e.tf.json", InputFormat::kJson},
                     {"j.TF", InputFormat::kHcl},
                 }));
}

// .git is the only folder skipped, at any depth; other dot folders and dot files are walked.
TEST_F(Sources, OnlyGitFoldersAreSkipped) {
  for (const char* f : {".git/config.yaml", "sub/.git/x.yaml", ".github/workflows/ci.yml",
                        ".hidden.yaml", "x.git/y.yaml", "sub/.gitlab-ci.yml"}) {
    Write(f);
  }
  EXPECT_EQ(Walk({Path("")}), (Lines{".github/workflows/ci.yml (regular)", ".hidden.yaml (regular)",
                                     "sub/.gitlab-ci.yml (regular)", "x.git/y.yaml (regular)"}));
  // Named, a .git folder is walked like any other.
  EXPECT_EQ(Walk({Path(".git")}), (Lines{".git/config.yaml (regular)"}));
}

// Named on the command line, a file is read whatever its name; in a walk it would not be.
TEST_F(Sources, NamedFilesAreReadWhateverTheirName) {
  Write("notes.txt");
  Write("pod.yaml");
  Write("dir/pod.yaml");
  std::vector<Diagnostic> errors;
  std::vector<SourceRef> found =
      DiscoverSources({Path("notes.txt"), Path("pod.yaml"), "-", Path("dir")}, &errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(Rel(found[0].path), "notes.txt");
  EXPECT_EQ(found[0].format, InputFormat::kAuto);
  EXPECT_TRUE(found[0].explicit_path);
  EXPECT_FALSE(found[0].regular);  // a named path may be a FIFO: no short-read shortcut
  EXPECT_EQ(found[1].format, InputFormat::kYaml);
  EXPECT_TRUE(found[1].explicit_path);
  EXPECT_EQ(found[2].path, "-");  // stdin, in its place among the paths
  EXPECT_EQ(found[2].format, InputFormat::kAuto);
  EXPECT_TRUE(found[2].explicit_path);
  EXPECT_FALSE(found[2].regular);
  EXPECT_EQ(Rel(found[3].path), "dir/pod.yaml");  // found in a named folder: not named itself
  EXPECT_FALSE(found[3].explicit_path);
  EXPECT_TRUE(found[3].regular);
}

// Each problem is reported in the order met, and the walk goes on past it.
TEST_F(Sources, MissingPathsAreErrorsAndTheWalkGoesOn) {
  Write("a.yaml");
  Lines errors;
  EXPECT_EQ(Walk({Path("gone"), Path("a.yaml"), Path("gone.yaml")}, &errors),
            (Lines{"a.yaml (named)"}));
  EXPECT_EQ(errors, (Lines{"gone: error: cannot read: No such file or directory",
                           "gone.yaml: error: cannot read: No such file or directory"}));
}

// A named folder's files are named as folder/file: one slash, whatever was typed.
TEST_F(Sources, PathsJoinWithOneSlash) {
  Write("d/a.yaml");
  std::vector<Diagnostic> errors;
  std::vector<SourceRef> found = DiscoverSources({Path("d") + "/", Path("d")}, &errors);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].path, Path("d/a.yaml"));
  EXPECT_EQ(found[1].path, Path("d/a.yaml"));
}

// "." walks the current folder and names its files without "./".
TEST_F(Sources, TheCurrentFolderIsNotAPrefix) {
  Write("a.yaml");
  Write("s/b.json");
  fs::path before = fs::current_path();
  fs::current_path(root_);
  std::vector<Diagnostic> errors;
  std::vector<SourceRef> found = DiscoverSources({"."}, &errors);
  fs::current_path(before);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].path, "a.yaml");
  EXPECT_EQ(found[1].path, "s/b.json");
}

// Links to files are followed; links to folders never are (no loops, no leaving
// the tree); a broken link is an error only when its name is a manifest's.
TEST_F(Sources, SymlinksToFilesAreFollowedToFoldersNever) {
  Write("real/pod.yaml");
  Write("real/notes.txt");
  fs::create_symlink(root_ / "real/pod.yaml", root_ / "link.yaml");
  fs::create_symlink(root_ / "real/notes.txt", root_ / "link-to-text.yaml");
  fs::create_symlink(root_ / "real/pod.yaml", root_ / "link-without-extension");
  fs::create_symlink(root_ / "real", root_ / "folder-link");
  fs::create_symlink(root_ / "real", root_ / "folder-link.yaml");
  fs::create_symlink(root_, root_ / "real/loop");
  fs::create_symlink(root_ / "nowhere.yaml", root_ / "broken.yaml");
  fs::create_symlink(root_ / "nowhere.yaml", root_ / "broken.txt");
  Lines errors;
  EXPECT_EQ(Walk({Path("")}, &errors), (Lines{"link-to-text.yaml (regular)", "link.yaml (regular)",
                                              "real/pod.yaml (regular)"}));
  EXPECT_EQ(errors, (Lines{"broken.yaml: error: cannot read: No such file or directory"}));
  // Named, a link to a folder is walked like the folder.
  EXPECT_EQ(Walk({Path("folder-link")}), (Lines{"folder-link/pod.yaml (regular)"}));
}

// What fix wrote is not input again: its temporary files, and FILE.register.json
// beside FILE.json (fix --register-ready); a .register.json of its own is read.
TEST_F(Sources, AWalkSkipsWhatFixWroteBesideItsSource) {
  Write("task.json");
  Write("task.register.json");
  Write("own.register.json");
  Write(".task.json.rootlock-tmp-12-abcDEF");
  Write(".x.rootlock-tmp-12-abcDEF.yaml");  // not our pattern: a manifest name
  EXPECT_EQ(Walk({Path("")}), (Lines{".x.rootlock-tmp-12-abcDEF.yaml (regular)",
                                     "own.register.json (regular)", "task.json (regular)"}));
  // Named, it is read.
  EXPECT_EQ(Walk({Path("task.register.json")}), (Lines{"task.register.json (named)"}));
}

// A walked symlink says so, and which folder named on the command line it was met in.
TEST_F(Sources, AWalkedSymlinkKnowsItIsOneAndItsRoot) {
  Write("real/pod.yaml");
  fs::create_symlink(root_ / "real/pod.yaml", root_ / "link.yaml");
  SourceWalker walker({Path("")});
  std::vector<Diagnostic> errors;
  SourceRef src;
  std::vector<std::string> seen;
  while (walker.Next(&src, &errors)) {
    seen.push_back(Rel(src.path) + (src.symlink ? " (symlink in " : " (in ") + src.root + ")");
  }
  EXPECT_EQ(seen, (Lines{"link.yaml (symlink in " + Path("") + ")",
                         "real/pod.yaml (in " + Path("") + ")"}));
}

// A FIFO met in a walk would block the read forever: it is reported, never
// opened. Named on the command line, it is read.
TEST_F(Sources, FifosInAWalkAreReportedNotOpened) {
  ASSERT_EQ(mkfifo(Path("pipe.yaml").c_str(), 0600), 0);
  ASSERT_EQ(mkfifo(Path("pipe.txt").c_str(), 0600), 0);
  Write("a.yaml");
  Lines errors;
  EXPECT_EQ(Walk({Path("")}, &errors), (Lines{"a.yaml (regular)"}));
  EXPECT_EQ(errors,
            (Lines{"pipe.yaml: error: not read: it is a FIFO, not a regular file (name it on the "
                   "command line to read from it)"}));
  EXPECT_EQ(Walk({Path("pipe.yaml")}), (Lines{"pipe.yaml (named)"}));
}

TEST_F(Sources, AFolderThatCannotBeReadIsAnErrorAndTheWalkGoesOn) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads any folder";
  Write("locked/a.yaml");
  Write("open/b.yaml");
  fs::permissions(root_ / "locked", fs::perms::none);
  Lines errors;
  EXPECT_EQ(Walk({Path("")}, &errors), (Lines{"open/b.yaml (regular)"}));
  fs::permissions(root_ / "locked", fs::perms::owner_all);
  EXPECT_EQ(errors, (Lines{"locked: error: cannot read folder: Permission denied"}));
}

TEST_F(Sources, ReadsAFileUpToTheLimit) {
  Write("a.yaml", "kind: Pod\n");
  for (bool regular : {true, false}) {
    SourceRef src{Path("a.yaml"), InputFormat::kYaml, false, regular};
    std::string out;
    Diagnostic error;
    EXPECT_TRUE(ReadSourceBytes(src, 10, &out, &error)) << error.ToString();
    EXPECT_EQ(out, "kind: Pod\n");
    EXPECT_FALSE(ReadSourceBytes(src, 9, &out, &error));
    EXPECT_EQ(error.where.file, Path("a.yaml"));
    EXPECT_NE(error.message.find("over the 0.0 KiB limit"), std::string::npos) << error.message;
  }
  std::string out;
  Diagnostic error;
  EXPECT_FALSE(ReadSourceBytes(SourceRef{Path("gone.yaml")}, 100, &out, &error));
  EXPECT_EQ(error.ToString(),
            Path("gone.yaml") + ": error: cannot read: No such file or directory");
}

// "-" reads standard input, and its errors say <stdin>.
TEST_F(Sources, DashReadsStdin) {
  Write("in", "kind: Pod\nspec: {}\n");
  int saved = dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  auto from = [&](const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    close(fd);
  };
  SourceRef dash{"-", InputFormat::kAuto, true, false};
  std::string out;
  Diagnostic error;
  from(Path("in"));
  EXPECT_TRUE(ReadSourceBytes(dash, 1024, &out, &error)) << error.ToString();
  EXPECT_EQ(out, "kind: Pod\nspec: {}\n");
  from(Path("in"));
  EXPECT_FALSE(ReadSourceBytes(dash, 5, &out, &error));
  EXPECT_EQ(error.where.file, "<stdin>");
  EXPECT_NE(error.message.find("limit"), std::string::npos) << error.message;
  EXPECT_TRUE(out.empty());
  dup2(saved, STDIN_FILENO);
  close(saved);
}

TEST(FormatForPath, TheNameSaysTheFormatOrAutoDecides) {
  struct {
    const char* path;
    InputFormat format;
  } const kCases[] = {
      {"a.json", InputFormat::kJson},
      {"A.JSON", InputFormat::kJson},
      {"main.tf.json", InputFormat::kJson},
      {"main.tf", InputFormat::kHcl},
      {"dir.d/MAIN.TF", InputFormat::kHcl},
      {"pod.yaml", InputFormat::kYaml},
      {"pod.Yml", InputFormat::kYaml},
      {"pod.yaml.bak", InputFormat::kAuto},
      {"notes.txt", InputFormat::kAuto},
      {"vars.tfvars", InputFormat::kAuto},
      {"-", InputFormat::kAuto},
      {"yaml", InputFormat::kAuto},
      {"", InputFormat::kAuto},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(FormatForPath(c.path), c.format) << c.path;
  }
}

}  // namespace
}  // namespace rootlock
