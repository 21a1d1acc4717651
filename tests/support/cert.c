/* cert.c — a throwaway self-signed certificate for 127.0.0.1 / localhost,
 * made with the openssl CLI (tests only: no need to drive X509 APIs). */
#include <stdlib.h>

#include "support.h"

bool ts_make_cert(const char *dir, char **cert_path, char **key_path) {
  char *cert = ts_fmt("%s/cert.pem", dir);
  char *key = ts_fmt("%s/key.pem", dir);
  char *log = ts_fmt("%s/openssl.log", dir);
  bool ok = false;
  if (cert && key && log) {
    const char *argv[] = {"/usr/bin/openssl",
                          "req",
                          "-x509",
                          "-newkey",
                          "rsa:2048",
                          "-nodes",
                          "-subj",
                          "/CN=127.0.0.1",
                          "-addext",
                          "subjectAltName=IP:127.0.0.1,DNS:localhost",
                          "-days",
                          "2",
                          "-keyout",
                          key,
                          "-out",
                          cert,
                          NULL};
    ok = ts_run(argv, NULL, log, log, 30000, NULL) == 0;
  }
  free(log);
  if (!ok) {
    free(cert);
    free(key);
    return false;
  }
  *cert_path = cert;
  *key_path = key;
  return true;
}
