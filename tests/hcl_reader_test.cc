#include "parse/hcl_reader.h"

#include <gtest/gtest.h>

#include <malloc.h>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rootlock {
namespace {

ParsedSource Read(std::string_view text, const ParseLimits& limits = {}) {
  return ReadHcl("main.tf", text, limits);
}

std::string ErrorText(const ParsedSource& p) {
  if (!p.has_error) return "no error";
  return p.error.where.file + ":" + std::to_string(p.error.where.line) + ":" +
         std::to_string(p.error.where.column) + ": " + p.error.message;
}

// Reads `text`, which must be valid, into `p` and its root into `root`.
#define ASSERT_READS(parsed, root_node, text)                      \
  ParsedSource parsed = Read(text);                                \
  ASSERT_FALSE(parsed.has_error) << ErrorText(parsed);             \
  ASSERT_EQ(parsed.documents.size(), 1u);                          \
  const Node* root_node = parsed.documents[0].root;                \
  ASSERT_NE(root_node, nullptr);                                   \
  ASSERT_TRUE(root_node->IsMapping());                             \
  ASSERT_EQ(root_node->collection_style, CollectionStyle::kBlock); \
  static_assert(true)

// Keys of a mapping, in order.
std::vector<std::string_view> Keys(const Node* map) {
  std::vector<std::string_view> keys;
  for (size_t i = 0; i < map->MappingSize(); ++i) keys.push_back(map->KeyAt(i)->value());
  return keys;
}

using Names = std::vector<std::string_view>;

TEST(HclReader, EmptyFileIsOneEmptyMapping) {
  for (std::string_view text : {"", "\n\n", "# only a comment\n", "/* block */ // line"}) {
    SCOPED_TRACE(text);
    ASSERT_READS(p, root, text);
    EXPECT_EQ(p.format, InputFormat::kHcl);
    EXPECT_EQ(root->MappingSize(), 0u);
    EXPECT_EQ(root->start.offset, 0u);
    EXPECT_EQ(root->end.offset, text.size());
  }
}

TEST(HclReader, LiteralsArePlainScalarsAndStringsAreQuoted) {
  ASSERT_READS(p, root,
               "name    = \"web\"\n"
               "count   = 3\n"
               "ratio   = 1.5e3\n"
               "offset  = -1\n"
               "on      = true\n"
               "off     = false\n"
               "nothing = null\n"
               "quoted  = \"true\"\n");
  EXPECT_EQ(Keys(root),
            (Names{"name", "count", "ratio", "offset", "on", "off", "nothing", "quoted"}));
  for (size_t i = 0; i < root->MappingSize(); ++i) {
    EXPECT_EQ(root->KeyAt(i)->scalar_style, ScalarStyle::kPlain);
    EXPECT_TRUE(root->KeyAt(i)->tag().empty());
    EXPECT_TRUE(root->ValueAt(i)->IsScalar());
    EXPECT_TRUE(root->ValueAt(i)->tag().empty());
  }
  EXPECT_EQ(root->Get("name")->value(), "web");
  EXPECT_EQ(root->Get("name")->scalar_style, ScalarStyle::kDoubleQuoted);
  EXPECT_EQ(root->Get("count")->value(), "3");
  EXPECT_EQ(root->Get("count")->scalar_style, ScalarStyle::kPlain);
  EXPECT_EQ(root->Get("ratio")->value(), "1.5e3");
  EXPECT_EQ(root->Get("offset")->value(), "-1");
  EXPECT_EQ(root->Get("offset")->start.column, 11u);
  EXPECT_EQ(root->Get("on")->AsBool(), BoolValue::kTrue);
  EXPECT_EQ(root->Get("off")->AsBool(), BoolValue::kFalse);
  EXPECT_TRUE(root->Get("nothing")->IsNull());
  EXPECT_EQ(root->Get("quoted")->AsBool(), BoolValue::kNotBool);
}

TEST(HclReader, LabelledBlocksNestByTypeThenLabelAndShareMappings) {
  ASSERT_READS(p, root,
               "resource \"aws_ecs_task_definition\" \"app\" {\n"
               "  family = \"app\"\n"
               "}\n"
               "variable \"image_tag\" {\n"
               "  default = \"1.2\"\n"
               "}\n"
               "resource \"aws_iam_role\" \"exec\" {\n"
               "  name = \"exec\"\n"
               "}\n"
               "resource \"aws_ecs_task_definition\" \"worker\" {\n"
               "  family = \"worker\"\n"
               "}\n");
  EXPECT_EQ(Keys(root), (Names{"resource", "variable"}));
  const Node* resource = root->Get("resource");
  ASSERT_TRUE(resource->IsMapping());
  EXPECT_EQ(resource->collection_style, CollectionStyle::kBlock);
  EXPECT_EQ(Keys(resource), (Names{"aws_ecs_task_definition", "aws_iam_role"}));
  const Node* ecs = resource->Get("aws_ecs_task_definition");
  EXPECT_EQ(Keys(ecs), (Names{"app", "worker"}));
  EXPECT_EQ(ecs->KeyAt(0)->scalar_style, ScalarStyle::kDoubleQuoted);
  EXPECT_EQ(ecs->Get("app")->Get("family")->value(), "app");
  EXPECT_EQ(root->Path({"resource", "aws_ecs_task_definition", "worker", "family"})->value(),
            "worker");
  EXPECT_EQ(root->Path({"resource", "aws_iam_role", "exec", "name"})->value(), "exec");
  EXPECT_EQ(root->Path({"variable", "image_tag", "default"})->value(), "1.2");
  // The shared mappings span every block that went into them.
  EXPECT_EQ(resource->start.line, 1u);
  EXPECT_EQ(resource->end.line, 12u);
  EXPECT_EQ(ecs->end.line, 12u);
  EXPECT_EQ(root->KeyAt(0)->start.line, 1u);  // the first block's name
}

TEST(HclReader, NameLabelsAndThreeLabelsNestToo) {
  ASSERT_READS(p, root,
               "resource aws_ecs_service web {\n"
               "  name = \"web\"\n"
               "}\n"
               "thing \"a\" \"b\" \"c\" {\n"
               "  x = 1\n"
               "}\n");
  const Node* web = root->Path({"resource", "aws_ecs_service", "web"});
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->Get("name")->value(), "web");
  EXPECT_EQ(root->Get("resource")->KeyAt(0)->scalar_style, ScalarStyle::kPlain);
  EXPECT_EQ(root->Path({"thing", "a", "b", "c", "x"})->value(), "1");
}

TEST(HclReader, RepeatedLabelsKeepBothBlocks) {
  ASSERT_READS(p, root,
               "resource \"r\" \"n\" {\n  v = 1\n}\n"
               "resource \"r\" \"n\" {\n  v = 2\n}\n");
  const Node* r = root->Path({"resource", "r"});
  ASSERT_EQ(r->MappingSize(), 2u);
  EXPECT_EQ(r->ValueAt(0)->Get("v")->value(), "1");
  EXPECT_EQ(r->Get("n")->Get("v")->value(), "2");  // Get finds the last
}

TEST(HclReader, LocalsBlocksMergeIntoOneMapping) {
  ASSERT_READS(p, root,
               "locals {\n"
               "  region = \"eu-west-1\"\n"
               "}\n"
               "output \"x\" {\n"
               "  value = 1\n"
               "}\n"
               "locals {\n"
               "  image = \"nginx\"\n"
               "}\n");
  EXPECT_EQ(Keys(root), (Names{"locals", "output"}));
  const Node* locals = root->Get("locals");
  ASSERT_TRUE(locals->IsMapping());
  EXPECT_EQ(Keys(locals), (Names{"region", "image"}));
  EXPECT_EQ(locals->start.line, 1u);
  EXPECT_EQ(locals->start.column, 8u);  // the first block's '{'
  EXPECT_EQ(locals->end.line, 9u);
}

TEST(HclReader, UnlabelledBlocksBecomeSequencesOfBodies) {
  ASSERT_READS(p, root,
               "terraform {\n"
               "  required_version = \">= 1.5\"\n"
               "}\n"
               "resource \"aws_ecs_task_definition\" \"app\" {\n"
               "  volume {\n"
               "    name = \"data\"\n"
               "  }\n"
               "  placement_constraints {\n"
               "    type = \"memberOf\"\n"
               "  }\n"
               "  volume { name = \"logs\" }\n"
               "  lifecycle {}\n"
               "}\n");
  const Node* terraform = root->Get("terraform");
  ASSERT_TRUE(terraform->IsSequence());
  ASSERT_EQ(terraform->children().size(), 1u);
  EXPECT_EQ(terraform->children()[0]->Get("required_version")->value(), ">= 1.5");
  const Node* app = root->Path({"resource", "aws_ecs_task_definition", "app"});
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(Keys(app), (Names{"volume", "placement_constraints", "lifecycle"}));
  const Node* volume = app->Get("volume");
  ASSERT_TRUE(volume->IsSequence());
  EXPECT_EQ(volume->collection_style, CollectionStyle::kBlock);
  ASSERT_EQ(volume->children().size(), 2u);
  EXPECT_EQ(volume->children()[0]->Get("name")->value(), "data");
  EXPECT_EQ(volume->children()[1]->Get("name")->value(), "logs");
  EXPECT_EQ(volume->start.line, 5u);
  EXPECT_EQ(volume->end.line, 11u);
  const Node* lifecycle = app->Get("lifecycle");
  ASSERT_EQ(lifecycle->children().size(), 1u);
  EXPECT_TRUE(lifecycle->children()[0]->IsMapping());
  EXPECT_EQ(lifecycle->children()[0]->MappingSize(), 0u);
}

TEST(HclReader, NestedLocalsBlockIsAnOrdinaryBlock) {
  ASSERT_READS(p, root, "module \"m\" {\n  locals {\n    a = 1\n  }\n}\n");
  const Node* locals = root->Path({"module", "m", "locals"});
  ASSERT_NE(locals, nullptr);
  EXPECT_TRUE(locals->IsSequence());
}

TEST(HclReader, QuotedStringsDecodeEscapes) {
  ASSERT_READS(p, root,
               "a = \"line\\nnext\\ttab \\\"q\\\" back\\\\slash\"\n"
               "b = \"\\u00e9\\U0001F600\\r\"\n"
               "c = \"caf\xC3\xA9\"\n"
               "d = \"\"\n"
               "e = \"100% and $5\"\n");
  EXPECT_EQ(root->Get("a")->value(), "line\nnext\ttab \"q\" back\\slash");
  EXPECT_EQ(root->Get("b")->value(), "\xC3\xA9\xF0\x9F\x98\x80\r");
  EXPECT_EQ(root->Get("c")->value(), "caf\xC3\xA9");
  EXPECT_EQ(root->Get("d")->value(), "");
  EXPECT_EQ(root->Get("d")->scalar_style, ScalarStyle::kDoubleQuoted);
  EXPECT_EQ(root->Get("e")->value(), "100% and $5");
}

TEST(HclReader, TemplateSequencesAreKeptAsWritten) {
  ASSERT_READS(p, root,
               "arn    = \"arn:aws:iam::${var.account}:role/${local.name}\"\n"
               "nested = \"${lookup(var.images, \"web\")}:latest\"\n"
               "brace  = \"${ {a = \"}\"}[\"a\"] }!\"\n"
               "escape = \"$${not} %%{not}\"\n"
               "if     = \"%{ if var.on }yes%{ else }no%{ endif }\"\n"
               "loop   = \"%{ for k, v in var.m ~}${k}=${v},%{ endfor ~}\"\n"
               "only   = \"${var.x}\"\n");
  EXPECT_EQ(root->Get("arn")->value(), "arn:aws:iam::${var.account}:role/${local.name}");
  EXPECT_EQ(root->Get("arn")->scalar_style, ScalarStyle::kDoubleQuoted);
  EXPECT_EQ(root->Get("nested")->value(), "${lookup(var.images, \"web\")}:latest");
  EXPECT_EQ(root->Get("brace")->value(), "${ {a = \"}\"}[\"a\"] }!");
  EXPECT_EQ(root->Get("escape")->value(), "${not} %{not}");
  EXPECT_EQ(root->Get("if")->value(), "%{ if var.on }yes%{ else }no%{ endif }");
  EXPECT_EQ(root->Get("loop")->value(), "%{ for k, v in var.m ~}${k}=${v},%{ endfor ~}");
  EXPECT_EQ(root->Get("only")->value(), "${var.x}");
  EXPECT_TRUE(root->Get("only")->tag().empty());
}

TEST(HclReader, HeredocKeepsItsBodyAsALiteralScalar) {
  std::string_view text =
      "resource \"aws_ecs_task_definition\" \"jenkins\" {\n"
      "  family                = \"jenkins\"\n"
      "  container_definitions = <<DEFINITION\n"
      "[ {\"name\": \"jenkins\", \"image\": \"jenkins:${var.tag}\"} ]\n"
      "DEFINITION\n"
      "  cpu = 256\n"
      "}\n";
  ASSERT_READS(p, root, text);
  const Node* task = root->Path({"resource", "aws_ecs_task_definition", "jenkins"});
  ASSERT_NE(task, nullptr);
  const Node* defs = task->Get("container_definitions");
  ASSERT_TRUE(defs->IsScalar());
  EXPECT_EQ(defs->scalar_style, ScalarStyle::kLiteral);
  EXPECT_TRUE(defs->tag().empty());
  EXPECT_EQ(defs->value(), "[ {\"name\": \"jenkins\", \"image\": \"jenkins:${var.tag}\"} ]\n");
  EXPECT_EQ(defs->start.line, 3u);
  EXPECT_EQ(defs->start.column, 27u);
  EXPECT_EQ(defs->start.offset, text.find("<<DEFINITION"));
  EXPECT_EQ(defs->end.line, 5u);
  EXPECT_EQ(defs->end.column, 11u);
  EXPECT_EQ(task->Get("cpu")->value(), "256");
}

TEST(HclReader, IndentedHeredocStripsTheCommonIndent) {
  ASSERT_READS(p, root,
               "policy = <<-EOT\n"
               "    {\n"
               "      \"Version\": \"2012-10-17\"\n"
               "\n"
               "    }\n"
               "    EOT\n"
               "plain = <<EOT\n"
               "  kept\n"
               "  $${x}\n"
               "  EOT\n"
               "empty = <<EOT\n"
               "EOT\n"
               "last = 1\n");
  EXPECT_EQ(root->Get("policy")->value(), "{\n  \"Version\": \"2012-10-17\"\n\n}\n");
  EXPECT_EQ(root->Get("policy")->scalar_style, ScalarStyle::kLiteral);
  EXPECT_EQ(root->Get("plain")->value(), "  kept\n  ${x}\n");
  EXPECT_EQ(root->Get("empty")->value(), "");
  EXPECT_EQ(root->Get("last")->value(), "1");
}

TEST(HclReader, HeredocAsAFunctionArgument) {
  ASSERT_READS(p, root,
               "defs = trimspace(<<EOT\n"
               "  [{\"name\": \"a\"}]\n"
               "EOT\n"
               ")\n"
               "next = true\n");
  const Node* defs = root->Get("defs");
  EXPECT_EQ(defs->tag(), "!call:trimspace");
  ASSERT_EQ(defs->children().size(), 1u);
  EXPECT_EQ(defs->children()[0]->value(), "  [{\"name\": \"a\"}]\n");
  EXPECT_EQ(root->Get("next")->value(), "true");
}

TEST(HclReader, JsonencodeIsACallSequenceHoldingTheDefinitions) {
  ASSERT_READS(p, root,
               "resource \"aws_ecs_task_definition\" \"service\" {\n"
               "  family = \"service\"\n"
               "  container_definitions = jsonencode([\n"
               "    {\n"
               "      name      = \"first\"\n"
               "      image     = \"service-first\"\n"
               "      essential = true\n"
               "      readonlyRootFilesystem = true\n"
               "      portMappings = [\n"
               "        {\n"
               "          containerPort = 80\n"
               "          hostPort      = 80\n"
               "        }\n"
               "      ]\n"
               "    },\n"
               "    {\n"
               "      name  = \"second\"\n"
               "      image = \"service-second\"\n"
               "      readonlyRootFilesystem = false\n"
               "    }\n"
               "  ])\n"
               "  volume {\n"
               "    name      = \"service-storage\"\n"
               "    host_path = \"/ecs/service-storage\"\n"
               "  }\n"
               "}\n");
  const Node* task = root->Path({"resource", "aws_ecs_task_definition", "service"});
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->Get("family")->value(), "service");
  const Node* call = task->Get("container_definitions");
  ASSERT_TRUE(call->IsSequence());
  EXPECT_EQ(call->tag(), "!call:jsonencode");
  EXPECT_EQ(call->collection_style, CollectionStyle::kFlow);
  EXPECT_EQ(call->start.line, 3u);
  EXPECT_EQ(call->start.column, 27u);
  EXPECT_EQ(call->end.line, 21u);
  EXPECT_EQ(call->end.column, 5u);
  ASSERT_EQ(call->children().size(), 1u);
  const Node* containers = call->children()[0];
  ASSERT_TRUE(containers->IsSequence());
  EXPECT_TRUE(containers->tag().empty());
  EXPECT_EQ(containers->collection_style, CollectionStyle::kFlow);
  ASSERT_EQ(containers->children().size(), 2u);
  const Node* first = containers->children()[0];
  ASSERT_TRUE(first->IsMapping());
  EXPECT_EQ(first->collection_style, CollectionStyle::kFlow);
  EXPECT_EQ(Keys(first),
            (Names{"name", "image", "essential", "readonlyRootFilesystem", "portMappings"}));
  EXPECT_EQ(first->Get("readonlyRootFilesystem")->AsBool(), BoolValue::kTrue);
  const Node* ports = first->Get("portMappings");
  ASSERT_TRUE(ports->IsSequence());
  ASSERT_EQ(ports->children().size(), 1u);
  EXPECT_EQ(ports->children()[0]->Get("containerPort")->value(), "80");
  const Node* second = containers->children()[1];
  EXPECT_EQ(second->Get("readonlyRootFilesystem")->AsBool(), BoolValue::kFalse);
  EXPECT_EQ(second->Get("readonlyRootFilesystem")->start.line, 19u);
  const Node* volume = task->Get("volume");
  ASSERT_TRUE(volume->IsSequence());
  EXPECT_EQ(volume->children()[0]->Get("host_path")->value(), "/ecs/service-storage");
}

TEST(HclReader, OtherFunctionCallsAreTaggedByName) {
  ASSERT_READS(p, root,
               "a = file(\"task-definitions/service.json\")\n"
               "b = templatefile(\"${path.module}/tasks.json.tpl\", {\n"
               "  tag = var.tag\n"
               "  cpu = 256\n"
               "})\n"
               "c = timestamp()\n"
               "d = provider::terraform::encode_tfvars({ x = 1 })\n"
               "e = max(1, 2, 3,)\n");
  const Node* a = root->Get("a");
  EXPECT_EQ(a->tag(), "!call:file");
  ASSERT_EQ(a->children().size(), 1u);
  EXPECT_EQ(a->children()[0]->value(), "task-definitions/service.json");
  EXPECT_EQ(a->children()[0]->scalar_style, ScalarStyle::kDoubleQuoted);
  const Node* b = root->Get("b");
  EXPECT_EQ(b->tag(), "!call:templatefile");
  ASSERT_EQ(b->children().size(), 2u);
  EXPECT_EQ(b->children()[0]->value(), "${path.module}/tasks.json.tpl");
  ASSERT_TRUE(b->children()[1]->IsMapping());
  EXPECT_EQ(b->children()[1]->Get("tag")->tag(), "!expr");
  EXPECT_EQ(b->children()[1]->Get("cpu")->value(), "256");
  EXPECT_EQ(root->Get("c")->tag(), "!call:timestamp");
  EXPECT_TRUE(root->Get("c")->children().empty());
  EXPECT_EQ(root->Get("d")->tag(), "!call:provider::terraform::encode_tfvars");
  EXPECT_EQ(root->Get("e")->children().size(), 3u);
}

TEST(HclReader, ExpandedArgumentIsMarked) {
  ASSERT_READS(p, root, "all = concat(var.a, var.b...)\nmin = min(var.list...,)\n");
  const Node* all = root->Get("all");
  EXPECT_EQ(all->tag(), "!call:concat");
  ASSERT_EQ(all->children().size(), 2u);
  EXPECT_EQ(all->children()[0]->value(), "var.a");
  const Node* expanded = all->children()[1];
  ASSERT_TRUE(expanded->IsSequence());
  EXPECT_EQ(expanded->tag(), "!expand");
  ASSERT_EQ(expanded->children().size(), 1u);
  EXPECT_EQ(expanded->children()[0]->value(), "var.b");
  EXPECT_EQ(expanded->children()[0]->tag(), "!expr");
  EXPECT_EQ(expanded->end.column, 29u);
  EXPECT_EQ(root->Get("min")->children()[0]->tag(), "!expand");
}

TEST(HclReader, AwsccStyleListOfObjects) {
  ASSERT_READS(p, root,
               "resource \"awscc_ecs_task_definition\" \"pass\" {\n"
               "  container_definitions = [{ name = \"web\", image = \"nginx\", "
               "readonly_root_filesystem = true }]\n"
               "  tags = [\n"
               "    {\n"
               "      key   = \"Environment\"\n"
               "      value = \"Production\"\n"
               "    },\n"
               "  ]\n"
               "}\n");
  const Node* task = root->Path({"resource", "awscc_ecs_task_definition", "pass"});
  ASSERT_NE(task, nullptr);
  const Node* defs = task->Get("container_definitions");
  ASSERT_TRUE(defs->IsSequence());
  EXPECT_TRUE(defs->tag().empty());
  ASSERT_EQ(defs->children().size(), 1u);
  const Node* web = defs->children()[0];
  EXPECT_EQ(Keys(web), (Names{"name", "image", "readonly_root_filesystem"}));
  EXPECT_EQ(web->Get("readonly_root_filesystem")->AsBool(), BoolValue::kTrue);
  EXPECT_EQ(task->Get("tags")->children().size(), 1u);
}

TEST(HclReader, ReferencesAreExprScalars) {
  ASSERT_READS(p, root,
               "a = var.image_tag\n"
               "b = local.defs\n"
               "c = aws_iam_role.task.arn\n"
               "d = each.value\n"
               "e = var.list[0]\n"
               "f = data.aws_subnets.x.ids[*]\n"
               "g = var.map[\"key\"].name\n"
               "h = module.m.out.0\n"
               "i = self\n"
               "j = aws_instance.web.*.id\n");
  const std::pair<std::string_view, std::string_view> want[] = {{"a", "var.image_tag"},
                                                                {"b", "local.defs"},
                                                                {"c", "aws_iam_role.task.arn"},
                                                                {"d", "each.value"},
                                                                {"e", "var.list[0]"},
                                                                {"f", "data.aws_subnets.x.ids[*]"},
                                                                {"g", "var.map[\"key\"].name"},
                                                                {"h", "module.m.out.0"},
                                                                {"i", "self"},
                                                                {"j", "aws_instance.web.*.id"}};
  for (const auto& [key, text] : want) {
    SCOPED_TRACE(key);
    const Node* n = root->Get(key);
    ASSERT_NE(n, nullptr);
    EXPECT_TRUE(n->IsScalar());
    EXPECT_EQ(n->tag(), "!expr");
    EXPECT_EQ(n->scalar_style, ScalarStyle::kPlain);
    EXPECT_EQ(n->value(), text);
    EXPECT_EQ(n->end.offset - n->start.offset, text.size());
  }
}

TEST(HclReader, OtherExpressionsKeepTheirSourceTextAndEndWhereTheyShould) {
  ASSERT_READS(p, root,
               "a = var.cpu * 2 + 1 # a comment\n"
               "b = var.on ? \"yes\" : \"no\"\n"
               "c = [for s in var.names : upper(s) if s != \"\"]\n"
               "d = {for k, v in var.tags : k => v...}\n"
               "e = (var.x)\n"
               "f = !var.enabled\n"
               "g = [\n"
               "  var.a, # first\n"
               "  var.b\n"
               "][0]\n"
               "h = merge(local.base, {\n"
               "  extra = var.x == \"y\" && var.z >= 2\n"
               "})\n"
               "i = a ? b : c ? d : e\n"
               "j = -var.n\n"
               "k = \"${var.x}\" == \"\" ? null : var.x\n"
               "next = \"still read\"\n");
  EXPECT_EQ(root->Get("a")->value(), "var.cpu * 2 + 1");
  EXPECT_EQ(root->Get("b")->value(), "var.on ? \"yes\" : \"no\"");
  EXPECT_EQ(root->Get("c")->value(), "[for s in var.names : upper(s) if s != \"\"]");
  EXPECT_EQ(root->Get("d")->value(), "{for k, v in var.tags : k => v...}");
  EXPECT_EQ(root->Get("e")->value(), "(var.x)");
  EXPECT_EQ(root->Get("f")->value(), "!var.enabled");
  EXPECT_EQ(root->Get("g")->value(), "[\n  var.a, # first\n  var.b\n][0]");
  EXPECT_EQ(root->Get("g")->end.line, 10u);
  EXPECT_EQ(root->Get("g")->end.column, 5u);
  const Node* h = root->Get("h");
  EXPECT_EQ(h->tag(), "!call:merge");
  EXPECT_EQ(h->children()[1]->Get("extra")->value(), "var.x == \"y\" && var.z >= 2");
  EXPECT_EQ(root->Get("i")->value(), "a ? b : c ? d : e");
  EXPECT_EQ(root->Get("j")->value(), "-var.n");
  EXPECT_EQ(root->Get("k")->value(), "\"${var.x}\" == \"\" ? null : var.x");
  for (std::string_view key : {"a", "b", "c", "d", "e", "f", "g", "i", "j", "k"}) {
    EXPECT_EQ(root->Get(key)->tag(), "!expr") << key;
  }
  EXPECT_EQ(root->Get("next")->value(), "still read");
}

TEST(HclReader, OperatorsContinueOverNewlinesOnlyInsideBrackets) {
  {
    ASSERT_READS(p, root, "a = (1 +\n  2)\nb = [var.x\n  * 2]\nc = f(1\n  , 2)\n");
    EXPECT_EQ(root->Get("a")->value(), "(1 +\n  2)");
    EXPECT_EQ(root->Get("b")->children()[0]->value(), "var.x\n  * 2");
    EXPECT_EQ(root->Get("c")->children().size(), 2u);
  }
  ParsedSource p = Read("a = 1 +\n  2\n");
  ASSERT_TRUE(p.has_error);
  EXPECT_EQ(p.error.message, "HCL: expected an expression, found a newline");
  EXPECT_EQ(p.error.where.line, 1u);
  EXPECT_EQ(p.error.where.column, 8u);
}

TEST(HclReader, ObjectKeysAndSeparators) {
  ASSERT_READS(p, root,
               "o = { a = 1, \"b\" = 2, c: 3\n"
               "  \"x-y\": 4, (var.k) = 5\n"
               "  d = {}\n"
               "  e = []\n"
               "  \"${var.p}-q\" = 6,\n"
               "}\n");
  const Node* o = root->Get("o");
  ASSERT_TRUE(o->IsMapping());
  EXPECT_EQ(o->collection_style, CollectionStyle::kFlow);
  EXPECT_EQ(Keys(o), (Names{"a", "b", "c", "x-y", "(var.k)", "d", "e", "${var.p}-q"}));
  EXPECT_EQ(o->KeyAt(0)->scalar_style, ScalarStyle::kPlain);
  EXPECT_EQ(o->KeyAt(1)->scalar_style, ScalarStyle::kDoubleQuoted);
  EXPECT_EQ(o->KeyAt(4)->tag(), "!expr");
  EXPECT_TRUE(o->KeyAt(0)->tag().empty());
  EXPECT_EQ(o->Get("(var.k)")->value(), "5");
  EXPECT_TRUE(o->Get("d")->IsMapping());
  EXPECT_EQ(o->Get("d")->MappingSize(), 0u);
  EXPECT_TRUE(o->Get("e")->IsSequence());
  EXPECT_EQ(o->Get("${var.p}-q")->value(), "6");
}

TEST(HclReader, TuplesAllowTrailingCommasAndNewlines) {
  ASSERT_READS(p, root, "a = [\n  \"x\",\n  [1, 2,],\n\n  { k = \"v\" },\n]\nb = []\n");
  const Node* a = root->Get("a");
  ASSERT_TRUE(a->IsSequence());
  EXPECT_EQ(a->collection_style, CollectionStyle::kFlow);
  ASSERT_EQ(a->children().size(), 3u);
  EXPECT_EQ(a->children()[0]->value(), "x");
  EXPECT_EQ(a->children()[1]->children().size(), 2u);
  EXPECT_EQ(a->children()[2]->Get("k")->value(), "v");
  EXPECT_TRUE(root->Get("b")->children().empty());
}

TEST(HclReader, CommentsAreSkippedEverywhere) {
  ASSERT_READS(p, root,
               "# hash\n"
               "// slashes\n"
               "/* block\n"
               "   comment */ a = 1 # trailing\n"
               "b = [ # in a list\n"
               "  1, /* inline */ 2 // end\n"
               "]\n"
               "c /* between */ = \"#not a comment // nor this\" // after\n"
               "resource \"r\" /* gap */ \"n\" { # after the brace\n"
               "  d = { # in an object\n"
               "    e = 1 // here\n"
               "  }\n"
               "}\n");
  EXPECT_EQ(Keys(root), (Names{"a", "b", "c", "resource"}));
  EXPECT_EQ(root->Get("a")->value(), "1");
  EXPECT_EQ(root->Get("b")->children().size(), 2u);
  EXPECT_EQ(root->Get("c")->value(), "#not a comment // nor this");
  EXPECT_EQ(root->Path({"resource", "r", "n", "d", "e"})->value(), "1");
}

TEST(HclReader, PositionsOfKeysAndValues) {
  std::string_view text =
      "resource \"aws_ecs_task_definition\" \"app\" {\n"  // 43 bytes
      "  family = \"\xC3\xB1"
      "and"
      "\xC3\xBA\"\n"  // "ñandú": 7 bytes, 5 characters
      "  cpu    = 256\n"
      "}\n";
  ASSERT_READS(p, root, text);
  const Node* resource_key = root->KeyAt(0);
  EXPECT_EQ(resource_key->start.line, 1u);
  EXPECT_EQ(resource_key->start.column, 1u);
  EXPECT_EQ(resource_key->end.column, 9u);
  const Node* types = root->ValueAt(0);
  const Node* type_key = types->KeyAt(0);
  EXPECT_EQ(type_key->start.column, 10u);
  EXPECT_EQ(type_key->end.column, 35u);
  const Node* name_key = types->ValueAt(0)->KeyAt(0);
  EXPECT_EQ(name_key->value(), "app");
  EXPECT_EQ(name_key->start.column, 36u);
  const Node* body = types->ValueAt(0)->ValueAt(0);
  EXPECT_EQ(body->start.line, 1u);
  EXPECT_EQ(body->start.column, 42u);
  EXPECT_EQ(body->start.offset, 41u);
  EXPECT_EQ(body->end.line, 4u);
  EXPECT_EQ(body->end.column, 2u);
  EXPECT_EQ(body->end.offset, text.size() - 1);

  const Node* family_key = body->KeyAt(0);
  EXPECT_EQ(family_key->value(), "family");
  EXPECT_EQ(family_key->start.line, 2u);
  EXPECT_EQ(family_key->start.column, 3u);
  EXPECT_EQ(family_key->start.offset, 45u);
  EXPECT_EQ(family_key->end.column, 9u);
  const Node* family = body->ValueAt(0);
  EXPECT_EQ(family->start.line, 2u);
  EXPECT_EQ(family->start.column, 12u);
  EXPECT_EQ(family->start.offset, 54u);
  EXPECT_EQ(family->end.column, 19u);  // characters
  EXPECT_EQ(family->end.offset, 63u);  // bytes
  const Node* cpu = body->Get("cpu");
  EXPECT_EQ(cpu->start.line, 3u);
  EXPECT_EQ(cpu->start.column, 12u);
  EXPECT_EQ(cpu->end.column, 15u);
  EXPECT_EQ(root->end.offset, text.size());
}

// Line and column of a byte offset, counted independently of the reader.
Mark Expected(std::string_view text, uint32_t offset) {
  Mark m{1, 1, offset};
  for (uint32_t i = 0; i < offset; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++m.line;
      m.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++m.column;
    }
  }
  return m;
}

void CheckSpans(std::string_view text, const Node* n, const Node* parent, int* count) {
  ++*count;
  ASSERT_LE(n->start.offset, n->end.offset);
  ASSERT_LE(n->end.offset, text.size());
  Mark start = Expected(text, n->start.offset), end = Expected(text, n->end.offset);
  EXPECT_EQ(n->start.line, start.line);
  EXPECT_EQ(n->start.column, start.column);
  EXPECT_EQ(n->end.line, end.line);
  EXPECT_EQ(n->end.column, end.column);
  if (parent) {
    EXPECT_GE(n->start.offset, parent->start.offset);
    EXPECT_LE(n->end.offset, parent->end.offset);
  }
  if (n->IsScalar() && n->tag() == "!expr") {
    EXPECT_EQ(n->value(), text.substr(n->start.offset, n->end.offset - n->start.offset));
  }
  for (const Node* child : n->children()) CheckSpans(text, child, n, count);
}

constexpr std::string_view kRealistic =
    "# An ECS service in the styles real modules use.\n"
    "terraform {\n"
    "  required_providers {\n"
    "    aws = { source = \"hashicorp/aws\", version = \"~> 5.0\" }\n"
    "  }\n"
    "}\n"
    "\n"
    "variable \"tag\" {\n"
    "  type    = string\n"
    "  default = \"1.0\"\n"
    "}\n"
    "\n"
    "locals {\n"
    "  name = \"caf\xC3\xA9-${var.tag}\"\n"
    "  ports = [for p in [80, 443] : { containerPort = p }]\n"
    "}\n"
    "\n"
    "resource \"aws_ecs_task_definition\" \"app\" {\n"
    "  family                = local.name\n"
    "  cpu                   = var.cpu != null ? var.cpu : 256\n"
    "  container_definitions = jsonencode([\n"
    "    {\n"
    "      name                   = \"app\"\n"
    "      image                  = \"${var.repo}:${lookup(var.tags, \"app\", \"latest\")}\"\n"
    "      essential              = true\n"
    "      readonlyRootFilesystem = true\n"
    "      portMappings           = local.ports\n"
    "      environment = [\n"
    "        { name = \"MODE\", value = \"prod\" },\n"
    "      ]\n"
    "    },\n"
    "  ])\n"
    "  volume {\n"
    "    name = \"data\" # scratch\n"
    "  }\n"
    "}\n"
    "\n"
    "resource \"aws_ecs_task_definition\" \"legacy\" {\n"
    "  family                = \"legacy\"\n"
    "  container_definitions = <<-DEFINITION\n"
    "    [\n"
    "      {\"name\": \"jenkins\", \"image\": \"jenkins:${var.tag}\", \"readonlyRootFilesystem\": "
    "false}\n"
    "    ]\n"
    "  DEFINITION\n"
    "  /* the file variant */\n"
    "  tags = merge(var.tags, { Name = \"legacy\" })\n"
    "}\n"
    "\n"
    "resource \"awscc_ecs_task_definition\" \"cc\" {\n"
    "  container_definitions = [{ name = \"web\", image = \"nginx\", readonly_root_filesystem = "
    "true }]\n"
    "  from_file             = file(\"task-definitions/service.json\")\n"
    "  ids                   = aws_instance.web[*].id\n"
    "}\n";

TEST(HclReader, EveryNodeSpanMatchesItsOffsetsAndNests) {
  ASSERT_READS(p, root, kRealistic);
  int count = 0;
  CheckSpans(kRealistic, root, nullptr, &count);
  EXPECT_GT(count, 80);
  const Node* legacy = root->Path({"resource", "aws_ecs_task_definition", "legacy"});
  ASSERT_NE(legacy, nullptr);
  EXPECT_EQ(legacy->Get("container_definitions")->value(),
            "[\n  {\"name\": \"jenkins\", \"image\": \"jenkins:${var.tag}\", "
            "\"readonlyRootFilesystem\": false}\n]\n");
  EXPECT_EQ(root->Path({"locals", "ports"})->tag(), "!expr");
  EXPECT_EQ(root->Path({"variable", "tag", "type"})->value(), "string");
  EXPECT_EQ(root->Path({"variable", "tag", "type"})->tag(), "!expr");
}

TEST(HclReader, CrLfLineEndingsAndByteOrderMark) {
  ASSERT_READS(p, root,
               "\xEF\xBB\xBF"
               "a = 1\r\n"
               "b = <<EOT\r\n"
               "x\r\n"
               "EOT\r\n"
               "c {\r\n"
               "  d = [1,\r\n"
               "    2]\r\n"
               "}\r\n");
  EXPECT_EQ(root->KeyAt(0)->start.offset, 3u);
  EXPECT_EQ(root->KeyAt(0)->start.column, 1u);
  EXPECT_EQ(root->Get("b")->value(), "x\r\n");
  EXPECT_EQ(root->Get("c")->children()[0]->Get("d")->children().size(), 2u);
}

TEST(HclReader, LastLineNeedsNoNewline) {
  ASSERT_READS(p, root, "a {\n  b = 1\n}");
  EXPECT_EQ(root->Get("a")->children()[0]->Get("b")->value(), "1");
  ASSERT_READS(q, root2, "x = <<EOT\nhi\nEOT");
  EXPECT_EQ(root2->Get("x")->value(), "hi\n");
}

struct ErrorCase {
  std::string_view text;
  uint32_t line;
  uint32_t column;
  std::string_view message;
};

TEST(HclReader, ErrorsSayExactlyWhereAndWhat) {
  const ErrorCase cases[] = {
      {"foo \"bar\"\n", 1, 10, "HCL: expected '{' to open the block \"foo\", found a newline"},
      {"foo + 1\n", 1, 5, "HCL: expected '=' or a block after \"foo\", found '+'"},
      {"a = \"abc\ndef\"\n", 1, 5, "HCL: string is never closed on its line"},
      {"a = \"abc", 1, 5, "HCL: string is never closed"},
      {"a = \"abc\\", 1, 5, "HCL: string is never closed"},
      {"resource \"a\" \"b\" {\n  x = 1\n", 3, 1, "HCL: unclosed '{' (opened at line 1)"},
      {"a = [1,\n  2\n", 3, 1, "HCL: unclosed '[' (opened at line 1)"},
      {"a = f(1,\n", 2, 1, "HCL: unclosed '(' (opened at line 1)"},
      {"a = {\n  b = 1\n", 3, 1, "HCL: unclosed '{' (opened at line 1)"},
      {"a = [1 2]\n", 1, 8, "HCL: expected ',' or ']' after a list item, found '2'"},
      {"a = { b = 1 c = 2 }\n", 1, 13,
       "HCL: expected ',', a newline or '}' after an object item, found 'c'"},
      {"a = { b }\n", 1, 9, "HCL: expected '=' or ':' after an object key, found '}'"},
      {"a = \"\\q\"\n", 1, 6, "HCL: unknown escape \\q in string"},
      {"a = \"\\u12\"\n", 1, 6, "HCL: \\u must be followed by four hex digits"},
      {"a = \"\\uD800\"\n", 1, 6, "HCL: escape \\uD800 is not a Unicode character"},
      {"a = <<EOT\nabc\n", 1, 5, "HCL: heredoc is never closed (no line holding only \"EOT\")"},
      {"a = <<EOT x\n", 1, 11, "HCL: expected a newline after the heredoc marker, found 'x'"},
      {"a = 1\n/* open\n", 2, 1, "HCL: comment is never closed"},
      {"}\n", 1, 1, "HCL: unexpected '}': no block is open"},
      {"a = 1\nb {\n}\na = 2\n", 4, 1, "HCL: attribute \"a\" is already defined at line 1"},
      {"a = 1\na {\n}\n", 2, 1, "HCL: \"a\" is already an attribute at line 1"},
      {"a {\n}\na = 1\n", 3, 1, "HCL: \"a\" is already a block at line 1"},
      {"resource \"x\" \"y\" {}\nresource \"x\" {}\n", 2, 1,
       "HCL: block \"resource\" has a different number of labels than at line 1"},
      {"locals {\n  a = 1\n}\nlocals {\n  a = 2\n}\n", 5, 3,
       "HCL: attribute \"a\" is already defined at line 2"},
      {"a = 1 b = 2\n", 1, 7, "HCL: expected a newline after the value of \"a\", found 'b'"},
      {"a {} b = 2\n", 1, 6, "HCL: expected a newline after the block \"a\", found 'b'"},
      {"a = \"${var.x\"\n", 1, 13, "HCL: expected '}' to close '${', found '\"'"},
      {"a = \"${var.x", 1, 13, "HCL: unclosed '${' (opened at line 1)"},
      {"a = \"%{ if x ", 1, 14, "HCL: unclosed '%{' (opened at line 1)"},
      {"a = \"%{ if x }", 1, 5, "HCL: string is never closed"},
      {"a = \"%{ while x }\"", 1, 9,
       "HCL: expected if, for, else, endif or endfor after '%{', found 'w'"},
      {"a = [for x, y, z in w : x]", 1, 14,
       "HCL: expected 'in' after the names of a for, found ','"},
      {"a = [for x in w x]", 1, 17, "HCL: expected ':' in a for expression, found 'x'"},
      {"a = {for x in w : x}", 1, 20, "HCL: expected '=>' in a for expression, found '}'"},
      {"a = [for x in w : x}", 1, 20, "HCL: expected ']' to end the for expression, found '}'"},
      {"a = \xE2\x80\x9Cquoted\xE2\x80\x9D\n", 1, 5,
       "HCL: expected an expression, found '\xE2\x80\x9C'"},
      {"a = x ? 1\n", 1, 10, "HCL: expected ':' in a conditional expression, found a newline"},
      {"a = provider::p::f\n", 1, 19,
       "HCL: expected '(' after the function name \"provider::p::f\", found a newline"},
      {"a = concat(x..., y)\n", 1, 18, "HCL: expected ')' after the expanded argument, found 'y'"},
      {"a = f(1 2)\n", 1, 9, "HCL: expected ',' or ')' after an argument of f(), found '2'"},
      {"a = x[1\n", 2, 1, "HCL: unclosed '[' (opened at line 1)"},
      {"a = (1\n", 2, 1, "HCL: unclosed '(' (opened at line 1)"},
      {"a =\n", 1, 4, "HCL: expected an expression, found a newline"},
      {"a = ", 1, 5, "HCL: expected an expression, found end of input"},
      {"3 = 4\n", 1, 1, "HCL: expected an attribute or a block, found '3'"},
      {"x {\n  a = 1\n}}\n", 3, 2, "HCL: expected a newline after the block \"x\", found '}'"},
      {"a = [for x in y : x\n", 2, 1, "HCL: unclosed '[' (opened at line 1)"},
      {"ok = 1\nbad = \"caf\xC3\"\n", 2, 11, "HCL: invalid UTF-8 (byte 0xc3)"},
      {"a = \xFF\n", 1, 5, "HCL: invalid UTF-8 (byte 0xff)"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.text);
    ParsedSource p = Read(c.text);
    ASSERT_TRUE(p.has_error);
    EXPECT_EQ(p.error.message, c.message);
    EXPECT_EQ(p.error.where.file, "main.tf");
    EXPECT_EQ(p.error.where.line, c.line);
    EXPECT_EQ(p.error.where.column, c.column);
    EXPECT_EQ(p.error.where.offset, Expected(c.text, p.error.where.offset).offset);
    EXPECT_EQ(Expected(c.text, p.error.where.offset).line, c.line);
    EXPECT_EQ(Expected(c.text, p.error.where.offset).column, c.column);
    EXPECT_TRUE(p.documents.empty());
  }
}

// `depth` levels of the construct `open`...`close` around `inner`.
std::string Nest(std::string_view prefix, std::string_view open, std::string_view inner,
                 std::string_view close, int depth) {
  std::string s(prefix);
  for (int i = 0; i < depth; ++i) s += open;
  s += inner;
  for (int i = 0; i < depth; ++i) s += close;
  return s + "\n";
}

struct Nesting {
  std::string_view prefix, open, inner, close;
};

constexpr Nesting kNestings[] = {
    {"a = ", "[", "1", "]"},
    {"a = ", "{k = ", "1", "}"},
    {"a = ", "f(", "1", ")"},
    {"a = ", "(", "1", ")"},
    {"a = ", "x[", "1", "]"},
    {"a = ", "\"${", "1", "}\""},
    {"a = ", "\"%{if ", "x", "}y%{endif}\""},
    {"a = ", "x ? ", "1", " : 2"},
    {"", "b {\n", "", "}\n"},
    {"", "b \"l\" {\n", "", "}\n"},
};

TEST(HclReader, NestingUpToTheLimitReadsAndBeyondItFails) {
  for (const Nesting& n : kNestings) {
    SCOPED_TRACE(n.open);
    ParsedSource ok = Read(Nest(n.prefix, n.open, n.inner, n.close, 512));
    EXPECT_FALSE(ok.has_error) << ErrorText(ok);
    ParsedSource deep = Read(Nest(n.prefix, n.open, n.inner, n.close, 513));
    ASSERT_TRUE(deep.has_error);
    EXPECT_EQ(deep.error.message, "HCL: nested deeper than 512 levels");
    EXPECT_TRUE(deep.documents.empty());
  }
  ParseLimits three;
  three.max_depth = 3;
  EXPECT_FALSE(Read("a = [[[1]]]\n", three).has_error);
  ParsedSource four = Read("a = [[[[1]]]]\n", three);
  ASSERT_TRUE(four.has_error);
  EXPECT_EQ(four.error.message, "HCL: nested deeper than 3 levels");
  EXPECT_EQ(four.error.where.column, 8u);
}

TEST(HclReader, HostileNestingFailsWithoutExhaustingTheStack) {
  ParseLimits unbounded;
  unbounded.max_depth = 1u << 30;  // still capped at kMaxHclDepth
  for (const Nesting& n : kNestings) {
    SCOPED_TRACE(n.open);
    ParsedSource p = Read(Nest(n.prefix, n.open, n.inner, n.close, 100000), unbounded);
    ASSERT_TRUE(p.has_error);
    EXPECT_EQ(p.error.message,
              "HCL: nested deeper than " + std::to_string(kMaxHclDepth) + " levels");
  }
}

TEST(HclReader, LongChainsAreLoopsNotNesting) {
  std::string unary = "a = " + std::string(200000, '!') + "x\n";
  std::string sum = "a = 1";
  std::string conditional = "a = x";
  for (int i = 0; i < 100000; ++i) {
    sum += " + 1";
    conditional += " ? 1 : x";
  }
  for (const std::string& text : {unary, sum + "\n", conditional + "\n"}) {
    ParsedSource p = Read(text);
    ASSERT_FALSE(p.has_error) << ErrorText(p);
    EXPECT_EQ(p.documents[0].root->Get("a")->tag(), "!expr");
    EXPECT_EQ(p.documents[0].root->Get("a")->value().size(), text.size() - 5);
  }
}

// Text inside a dropped expression is never kept: were each of 1000 nested
// levels to keep its own text, these would take a gigabyte and seconds.
TEST(HclReader, NestedExpressionsCostTimeAndMemoryInLineWithTheInput) {
  std::string payload = "\"" + std::string(1 << 20, 'y') + "\"";
  std::string parens = "a = " + std::string(1000, '(') + std::string(1 << 20, 'x');
  std::string indexes = "a = ", templates = "a = ";
  for (int i = 0; i < 1000; ++i) {
    parens += ")";
    indexes = indexes.insert(4, "[") + "][0]";
    templates = templates.insert(4, "\"${") + "}\"";
  }
  indexes.insert(4 + 1000, payload);
  templates.insert(4 + 3000, payload);
  // The outermost expression keeps its text: all but "a = " (and the quotes).
  const std::pair<const std::string&, size_t> cases[] = {{parens, parens.size() - 4},
                                                         {indexes, indexes.size() - 4},
                                                         {templates, templates.size() - 6}};
  for (const auto& [text, size] : cases) {
    ParseLimits limits;
    limits.max_depth = 1024;
    size_t before = mallinfo2().uordblks;
    ParsedSource p = Read(text + "\n", limits);
    // Memory, not time (timings belong in benchmarks): the tree holds about one
    // copy of the input, where a copy per level would be a gigabyte.
    size_t held = mallinfo2().uordblks - before;
    EXPECT_LT(held, size_t{64} << 20);
    ASSERT_FALSE(p.has_error) << ErrorText(p);
    EXPECT_EQ(p.documents[0].root->Get("a")->value().size(), size);
  }
}

// Every prefix of a valid file (truncated input) either reads or fails with a
// position inside it; run under AddressSanitizer this also shows no read
// goes out of bounds.
TEST(HclReader, EveryPrefixReadsOrFailsCleanly) {
  int errors = 0;
  for (size_t n = 0; n <= kRealistic.size(); ++n) {
    // An exact-size buffer of its own, so that AddressSanitizer sees any overread.
    std::unique_ptr<char[]> buffer(new char[n]);
    std::memcpy(buffer.get(), kRealistic.data(), n);
    ParsedSource p = Read(std::string_view(buffer.get(), n));
    if (p.has_error) {
      ++errors;
      EXPECT_TRUE(p.documents.empty());
      EXPECT_EQ(p.error.message.rfind("HCL: ", 0), 0u) << p.error.message;
      EXPECT_LE(p.error.where.offset, n);
      EXPECT_GE(p.error.where.line, 1u);
    } else {
      ASSERT_EQ(p.documents.size(), 1u) << n;
      EXPECT_EQ(p.documents[0].root->end.offset, n);
    }
  }
  EXPECT_GT(errors, static_cast<int>(kRealistic.size() / 2));
}

// Random single-byte damage never crashes and keeps errors well formed.
TEST(HclReader, DamagedInputReadsOrFailsCleanly) {
  constexpr char kBytes[] =
      "\"{}[]()=:,.$%~<-!?#/*\\\n \xC3\xFF\x00"
      "aZ9";
  uint32_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string text(kRealistic);
    for (int k = 0; k < 3; ++k) {
      text[next() % text.size()] = kBytes[next() % (sizeof kBytes - 1)];
    }
    std::unique_ptr<char[]> buffer(new char[text.size()]);
    std::memcpy(buffer.get(), text.data(), text.size());
    ParsedSource p = Read(std::string_view(buffer.get(), text.size()));
    if (p.has_error) {
      EXPECT_TRUE(p.documents.empty());
      EXPECT_LE(p.error.where.offset, text.size());
    } else {
      EXPECT_EQ(p.documents.size(), 1u);
    }
  }
}

}  // namespace
}  // namespace rootlock
