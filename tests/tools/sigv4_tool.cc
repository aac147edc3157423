// Signs one request with rootlock's SigV4 and prints the headers to add, one
// "Name: value" a line: for tests/live/sigv4_botocore_test.py, which has botocore sign
// the same request and compares.
//   sigv4_tool METHOD PATH QUERY REGION SERVICE EPOCH_SECONDS 'Name: value'... < BODY
// Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>

#include "live/aws_sigv4.h"

int main(int argc, char** argv) {
  using namespace rootlock;
  if (argc < 7) {
    std::fprintf(stderr, "usage: sigv4_tool METHOD PATH QUERY REGION SERVICE EPOCH HEADER...\n");
    return 2;
  }
  SigV4Request r;
  r.method = argv[1];
  r.path = argv[2];
  r.query = argv[3];
  for (int i = 7; i < argc; ++i) {
    std::string h = argv[i];
    size_t colon = h.find(':');
    r.headers.emplace_back(h.substr(0, colon), h.substr(colon + 1));
  }
  r.body.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  AwsCredentials c;
  auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  c.access_key_id = env("AWS_ACCESS_KEY_ID");
  c.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  c.session_token = env("AWS_SESSION_TOKEN");
  SigV4Options o;
  o.region = argv[4];
  o.service = argv[5];
  o.time = std::atoll(argv[6]);
  for (const auto& [name, value] : SignV4(r, c, o).headers) {
    std::printf("%s: %s\n", name.c_str(), value.c_str());
  }
  return 0;
}
