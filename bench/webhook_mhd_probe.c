/* The measurement behind the webhook's HTTP library (docs/webhook.md): libmicrohttpd (Debian's
 * libmicrohttpd-dev; its TLS is GnuTLS) answering "ok" to GET over TLS with keep-alive, to set
 * beside rootlock webhook's GET /healthz (Boost.Beast/Asio, OpenSSL) under the same load.
 *   cc -O2 -o mhd_probe bench/webhook_mhd_probe.c -lmicrohttpd
 *   mhd_probe PORT CERT KEY THREADS      (runs until killed) */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char* slurp(const char* path) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* s = malloc((size_t)n + 1);
  if (fread(s, 1, (size_t)n, f) != (size_t)n) n = 0;
  s[n] = 0;
  fclose(f);
  return s;
}

static enum MHD_Result answer(void* cls, struct MHD_Connection* c, const char* url,
                              const char* method, const char* version, const char* upload,
                              size_t* upload_size, void** state) {
  (void)cls, (void)url, (void)method, (void)version, (void)upload;
  if (*state == NULL) { /* the headers: come back for the body */
    *state = c;
    return MHD_YES;
  }
  if (*upload_size) { /* a body: thrown away */
    *upload_size = 0;
    return MHD_YES;
  }
  static const char kOk[] = "ok\n";
  struct MHD_Response* r =
      MHD_create_response_from_buffer(sizeof kOk - 1, (void*)kOk, MHD_RESPMEM_PERSISTENT);
  enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return ret;
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: mhd_probe PORT CERT KEY THREADS\n");
    return 2;
  }
  char* cert = slurp(argv[2]);
  char* key = slurp(argv[3]);
  if (!cert || !key) return 2;
  struct MHD_Daemon* d = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS | MHD_USE_EPOLL, (uint16_t)atoi(argv[1]),
      NULL, NULL, &answer, NULL, MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)atoi(argv[4]), MHD_OPTION_CONNECTION_TIMEOUT,
      (unsigned)90, MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "mhd_probe: cannot start\n");
    return 1;
  }
  for (;;) pause();
}
