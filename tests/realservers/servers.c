/* servers.c — the third-party servers, how to start each one, and the
 * exact outcome of every case of its example suite (examples/<name>/).
 *
 * Every expected failure is a genuine finding, explained in examples/README.md
 * (server behaviour + the rule it breaks). Every other case must pass: where
 * gauntlet once raised a false alarm on these servers, the case is listed
 * here as it must be, with the issue-9 item that fixed it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "realserver.h"

#define PASS TS_CASE_PASS
#define FAIL TS_CASE_FAILURE
#define ERROR TS_CASE_ERROR
#define N(a) (sizeof(a) / sizeof *(a))
#define NODE_BIN "tests/realservers/node_modules/.bin/"

/* ---- httpbin 0.7.0 on gunicorn 20.1 (Debian), Debian's own python3 ---- */

static char **httpbin_argv(int port, const char *scratch) {
  (void)scratch;
  /* Four sync workers: a wire fault gunicorn waits on (bare LF) holds one
   * worker until its 30 s timeout; the others keep serving. */
  char **v = calloc(9, sizeof *v);
  if (!v) return NULL;
  v[0] = strdup("/usr/bin/python3");
  v[1] = strdup("/usr/bin/gunicorn");
  v[2] = strdup("--bind");
  v[3] = ts_fmt("127.0.0.1:%d", port);
  v[4] = strdup("--workers");
  v[5] = strdup("4");
  v[6] = strdup("httpbin:app");
  return v;
}

static const char *const httpbin_needs[] = {"/usr/bin/python3", "/usr/bin/gunicorn",
                                            "/usr/lib/python3/dist-packages/httpbin/core.py", NULL};

static const rs_expect httpbin_expect[] = {
    {"echo a GET [valid]", PASS, NULL},
    {"echo a GET [cors_preflight]", PASS, NULL},
    /* RFC 9112 5.2: a server may replace obs-fold by SP; gunicorn does
     * (issue 9, wrong verdict 4). */
    {"echo a GET [wire_obs_fold]", PASS, NULL},
    /* gunicorn takes the NUL byte into the header value and the app answers;
     * RFC 9110 §5.5 lets a server replace it with SP instead, and from the
     * outside a 200 cannot tell the two apart: not a finding (issue 16). */
    {"echo a GET [wire_nul_header]", PASS, NULL},
    /* gunicorn does not take a bare LF as a line end, waits for the rest of
     * the head; no answer, nothing smuggled, still alive (issue 9, item 5). */
    {"echo a GET [wire_bare_lf]", PASS, NULL},
    {"echo a GET [wire_huge_header]", PASS, NULL},
    {"echo a GET [wire_long_uri]", PASS, NULL},
    {"echo a JSON body [valid]", PASS, NULL},
    /* gunicorn hands the app a body shorter than Content-Length: 200. */
    {"echo a JSON body [truncated_body]", FAIL, "status"},
    {"echo a JSON body [slow_body]", PASS, NULL},
    {"echo a JSON body [wire_dup_content_length]", PASS, NULL},
    {"echo a JSON body [wire_cl_te #1 CL.TE]", PASS, NULL},
    {"echo a JSON body [wire_cl_te #2 TE.CL]", PASS, NULL},
    /* gunicorn raises InvalidChunkSize inside the app's read: 500. */
    {"echo a JSON body [wire_bad_chunk]", FAIL, "status|no_server_error"},
    /* /bearer echoes the token through str.lstrip('Bearer '): abc-123 -> bc-123. */
    {"bearer token [valid]", FAIL, "json"},
    {"bearer token [unauthenticated]", PASS, NULL},
    /* /bearer accepts any Authorization header at all. */
    {"bearer token [invalid_token]", FAIL, "status"},
    {"bearer token [malformed_auth #1 empty bearer]", FAIL, "status"},
    {"bearer token [malformed_auth #2 wrong scheme]", FAIL, "status"},
    {"bearer token [malformed_auth #3 trailing extra]", FAIL, "status"},
    {"basic auth [valid]", PASS, NULL},
    {"basic auth [unauthenticated]", PASS, NULL},
    {"basic auth [invalid_token #1 wrong password]", PASS, NULL},
    {"basic auth [invalid_token #2 wrong user]", PASS, NULL},
    {"basic auth with a wrong password [valid]", PASS, NULL},
    /* Compressed answers decoded (issue 9, wrong verdict 1). */
    {"gzip [valid]", PASS, NULL},
    {"deflate [valid]", PASS, NULL},
    {"brotli [valid]", PASS, NULL},
    /* Flask's HTML 404: the scenario switches the JSON checks off. */
    {"an unknown route [valid]", PASS, NULL},
};

/* ---- json-server 0.17.4 (npm) ---- */

static char **json_server_argv(int port, const char *scratch) {
  char **v = calloc(8, sizeof *v);
  if (!v) return NULL;
  v[0] = ts_fmt("%s/" NODE_BIN "json-server", SOURCE_DIR);
  v[1] = ts_fmt("%s/db.json", scratch);
  v[2] = strdup("--host");
  v[3] = strdup("127.0.0.1");
  v[4] = strdup("--port");
  v[5] = ts_fmt("%d", port);
  return v;
}

static const char *const json_server_needs[] = {NODE_BIN "json-server", NULL};
static const char *const json_server_files[] = {"db.json", NULL};

static const rs_expect json_server_expect[] = {
    {"list posts [valid]", PASS, NULL},
    {"list posts [unknown_path]", PASS, NULL},
    {"list posts [bad_percent_encoding]", PASS, NULL},
    {"list posts [cors_preflight]", PASS, NULL},
    {"create a post [valid]", PASS, NULL},
    /* Express's default error page: HTML with the stack trace and the
     * server's absolute paths, for a JSON API. */
    {"create a post [malformed_json]", FAIL, "json_parses|content_type"},
    /* node answers a bare 400 (no body): the HTTP layer refused the message
     * (issue 9, wrong verdict 3). */
    {"create a post [truncated_body]", PASS, NULL},
    {"create a post [slow_body]", PASS, NULL},
    {"create a post [wire_dup_content_length]", PASS, NULL},
    {"create a post [wire_cl_te #1 CL.TE]", PASS, NULL},
    {"create a post [wire_cl_te #2 TE.CL]", PASS, NULL},
    {"create a post [wire_bare_lf]", PASS, NULL},
    {"create a post [wire_obs_fold]", PASS, NULL},
    {"create a post [wire_nul_header]", PASS, NULL},
    {"create a post [wire_bad_chunk]", PASS, NULL},
    {"create a post [wire_huge_header]", PASS, NULL},
    {"create a post [wire_long_uri]", PASS, NULL},
    {"read the new post [valid]", PASS, NULL},
    {"read the new post [unknown_path]", PASS, NULL},
    {"rename the post [valid]", PASS, NULL},
    {"rename the post [malformed_json]", FAIL, "json_parses|content_type"},
    {"comments of post 1 [valid]", PASS, NULL},
    {"read an unknown post [valid]", PASS, NULL},
    {"delete the post [valid]", PASS, NULL},
    {"read the deleted post [valid]", PASS, NULL},
};

/* ---- json-server-auth 2.1.0 on json-server 0.17.4 (npm) ---- */

static char **json_server_auth_argv(int port, const char *scratch) {
  char **v = calloc(10, sizeof *v);
  if (!v) return NULL;
  v[0] = ts_fmt("%s/" NODE_BIN "json-server-auth", SOURCE_DIR);
  v[1] = ts_fmt("%s/db.json", scratch);
  v[2] = strdup("--routes");
  v[3] = ts_fmt("%s/routes.json", scratch);
  v[4] = strdup("--host");
  v[5] = strdup("127.0.0.1");
  v[6] = strdup("--port");
  v[7] = ts_fmt("%d", port);
  return v;
}

static const char *const json_server_auth_needs[] = {NODE_BIN "json-server-auth", NULL};
static const char *const json_server_auth_files[] = {"db.json", "routes.json", NULL};

static const rs_expect json_server_auth_expect[] = {
    {"log in [valid]", PASS, NULL},
    /* Express's HTML error page with the stack trace and absolute paths. */
    {"log in [malformed_json]", FAIL, "json_parses|content_type"},
    {"log in [missing_field #1 $.email]", PASS, NULL},
    {"log in [missing_field #2 $.password]", PASS, NULL},
    /* email.trim / password.trim is not a function: 500. */
    {"log in [wrong_type #1 $.email]", FAIL, "status|no_server_error"},
    {"log in [wrong_type #2 $.password]", FAIL, "status|no_server_error"},
    {"log in [empty_body]", PASS, NULL},
    {"log in [wrong_content_type]", PASS, NULL},
    {"log in with a wrong password [valid]", PASS, NULL},
    {"read my note [valid]", PASS, NULL},
    {"read my note [unauthenticated]", PASS, NULL},
    {"read my note [invalid_token]", PASS, NULL},
    {"read my note [malformed_auth #1 empty bearer]", PASS, NULL},
    {"read my note [malformed_auth #2 wrong scheme]", PASS, NULL},
    /* authorization.split(' ')[1]: whatever follows the token is ignored. */
    {"read my note [malformed_auth #3 trailing extra]", FAIL, "status"},
    {"read my note [token_in_query]", PASS, NULL},
    {"read my note [jwt_alg_none]", PASS, NULL},
    {"read my note [jwt_bad_signature]", PASS, NULL},
    {"read my note [jwt_expired]", PASS, NULL},
    {"read my note [unknown_path]", PASS, NULL},
    {"read someone else's note [valid]", PASS, NULL},
    {"read my user record [valid]", PASS, NULL},
    {"read my user record [unauthenticated]", PASS, NULL},
    {"read my user record [invalid_token]", PASS, NULL},
    /* GET /db: every collection, the users' bcrypt hashes included, no token. */
    {"read the database dump [valid]", PASS, NULL},
    {"read the database dump [unauthenticated]", FAIL, "status"},
    /* The client picks the guard: /666/users bypasses users: 600. */
    {"list users through the 666 prefix [valid]", PASS, NULL},
    {"list users through the 666 prefix [unauthenticated]", FAIL, "status"},
    {"write a note [valid]", PASS, NULL},
    {"write a note [unauthenticated]", PASS, NULL},
    {"write a note [invalid_token]", PASS, NULL},
    {"write a note [malformed_json]", FAIL, "json_parses|content_type"},
    {"write a note for someone else [valid]", PASS, NULL},
    {"delete my note [valid]", PASS, NULL},
    {"delete my note [unauthenticated]", PASS, NULL},
    /* The guard reads entity.userId of a record that is gone: the TypeError
     * is caught by the token check and answered 401 with its message. */
    {"read the deleted note [valid]", FAIL, "status"},
    /* The signing key is a published constant: a token minted by anyone is
     * accepted. */
    {"read bob's note with a token minted by a stranger [valid]", FAIL, "status"},
};

/* ---- Prism 5.14.2 (npm @stoplight/prism-cli) mocking openapi.yaml ---- */

static char **prism_argv(int port, const char *scratch) {
  (void)scratch;
  char **v = calloc(9, sizeof *v);
  if (!v) return NULL;
  v[0] = ts_fmt("%s/" NODE_BIN "prism", SOURCE_DIR);
  v[1] = strdup("mock");
  v[2] = strdup("-h");
  v[3] = strdup("127.0.0.1");
  v[4] = strdup("-p");
  v[5] = ts_fmt("%d", port);
  v[6] = ts_fmt("%s/examples/prism/openapi.yaml", SOURCE_DIR);
  return v;
}

static const char *const prism_needs[] = {NODE_BIN "prism", NULL};

static const rs_expect prism_expect[] = {
    {"health [valid]", PASS, NULL},
    /* Prism's own errors are application/problem+json, which the profile
     * allows (transport.content_type matcher). */
    {"health [bad_percent_encoding]", PASS, NULL},
    {"health [wrong_method #1 POST]", PASS, NULL},
    {"health [wrong_method #2 PUT]", PASS, NULL},
    {"health [wrong_method #3 PATCH]", PASS, NULL},
    {"health [wrong_method #4 DELETE]", PASS, NULL},
    {"health [cors_preflight]", PASS, NULL},
    {"list items [valid]", PASS, NULL},
    {"list items [unauthenticated]", PASS, NULL},
    {"list items [malformed_auth #1 empty bearer]", PASS, NULL},
    {"list items [malformed_auth #2 wrong scheme]", PASS, NULL},
    /* Prism's check is the regex ^Bearer\s.+$: "Bearer t extra" passes. */
    {"list items [malformed_auth #3 trailing extra]", FAIL, "status"},
    {"list items [token_in_query]", PASS, NULL},
    /* The derived unknown path must not match /items/{id} (issue 9, item 11). */
    {"list items [unknown_path]", PASS, NULL},
    {"get an item [valid]", PASS, NULL},
    {"get an item [unauthenticated]", PASS, NULL},
    {"get an item [unknown_path]", PASS, NULL},
    {"create an item [valid]", PASS, NULL},
    {"create an item [unauthenticated]", PASS, NULL},
    /* micri's body parser answers before Prism: an error body in neither the
     * document's Error schema nor Prism's problem details. */
    {"create an item [malformed_json]", FAIL, "error_shape"},
    {"create an item [wrong_content_type]", PASS, NULL},
    {"create an item [empty_body]", PASS, NULL},
    {"create an item [missing_field #1 $.name]", PASS, NULL},
    {"create an item [missing_field #2 $.qty]", PASS, NULL},
    {"create an item [wrong_type #1 $.name]", PASS, NULL},
    {"create an item [wrong_type #2 $.qty]", PASS, NULL},
    /* node answers a bare 400 (issue 9, wrong verdict 3). */
    {"create an item [truncated_body]", PASS, NULL},
    {"create an item [slow_body]", PASS, NULL},
    {"create an item [wire_dup_content_length]", PASS, NULL},
    {"create an item [wire_cl_te #1 CL.TE]", PASS, NULL},
    {"create an item [wire_cl_te #2 TE.CL]", PASS, NULL},
    {"create an item [wire_bare_lf]", PASS, NULL},
    {"create an item [wire_obs_fold]", PASS, NULL},
    {"create an item [wire_nul_header]", PASS, NULL},
    {"create an item [wire_bad_chunk]", PASS, NULL},
    {"create an item [wire_huge_header]", PASS, NULL},
    {"create an item [wire_long_uri]", PASS, NULL},
    /* URIError in the path-template matcher kills the process: the
     * connection is reset, no answer. */
    {"replace an item with an undecodable id [valid]", ERROR, "connection"},
};

/* ---- etcd 3.4.23 (Debian etcd-server), v3 JSON gateway, auth enabled ---- */

static char **etcd_argv(int port, const char *scratch) {
  char **v = calloc(16, sizeof *v);
  if (!v) return NULL;
  int peer = ts_free_port(); /* the raft port of this one-member cluster */
  v[0] = strdup("/usr/bin/etcd");
  v[1] = strdup("--name");
  v[2] = strdup("gauntlet");
  v[3] = strdup("--data-dir");
  v[4] = ts_fmt("%s/etcd-data", scratch);
  v[5] = strdup("--listen-client-urls");
  v[6] = ts_fmt("http://127.0.0.1:%d", port);
  v[7] = strdup("--advertise-client-urls");
  v[8] = ts_fmt("http://127.0.0.1:%d", port);
  v[9] = strdup("--listen-peer-urls");
  v[10] = ts_fmt("http://127.0.0.1:%d", peer);
  v[11] = strdup("--initial-advertise-peer-urls");
  v[12] = ts_fmt("http://127.0.0.1:%d", peer);
  v[13] = strdup("--initial-cluster");
  v[14] = ts_fmt("gauntlet=http://127.0.0.1:%d", peer);
  return v;
}

/* As examples/etcd/suite.yaml's header: user root (role root), auth on. */
static bool etcd_prepare(int port) {
  static const char *const steps[][2] = {
      {"/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"rootpw\"}"},
      {"/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}"},
      {"/v3/auth/enable", "{}"},
  };
  for (size_t i = 0; i < N(steps); i++) {
    char *url = ts_fmt("http://127.0.0.1:%d%s", port, steps[i][0]);
    ts_http_call call = {
        .method = "POST", .url = url, .content_type = "application/json", .body = steps[i][1]};
    ts_http_reply r;
    /* The client port opens before the member has elected itself leader:
     * until then requests get no answer. Bounded: 100 x 100 ms. */
    for (int tries = 0; tries < 100; tries++) {
      ts_curl(&call, &r);
      if (r.status != 0) break;
      usleep(100 * 1000);
    }
    free(url);
    if (r.status != 200) {
      fprintf(stderr, "realserver: etcd %s answered %ld: %s\n", steps[i][0], r.status, r.body);
      return false;
    }
  }
  return true;
}

static const char *const etcd_needs[] = {"/usr/bin/etcd", NULL};
static const char *const etcd_env[] = {"ETCD_PASSWORD=rootpw", NULL};

static const rs_expect etcd_expect[] = {
    {"authenticate [valid]", PASS, NULL},
    {"authenticate [malformed_json]", PASS, NULL},
    {"authenticate [wrong_type #1 $.name]", PASS, NULL},
    {"authenticate [wrong_type #2 $.password]", PASS, NULL},
    {"authenticate [empty_body]", PASS, NULL},
    {"authenticate with a wrong password [valid]", PASS, NULL},
    {"put a key [valid]", PASS, NULL},
    /* No credential: gRPC InvalidArgument "user name is empty", mapped to 400. */
    {"put a key [unauthenticated]", FAIL, "status"},
    /* The forged token's raft index (seed 9) is behind the store: 401. */
    {"put a key [invalid_token]", PASS, NULL},
    {"put a key [malformed_auth #1 empty Authorization]", PASS, NULL},
    {"put a key [malformed_auth #2 wrong scheme]", PASS, NULL},
    {"put a key [malformed_auth #3 trailing extra]", PASS, NULL},
    {"put a key [malformed_json]", PASS, NULL},
    {"put a key [wrong_type #1 $.key]", PASS, NULL},
    {"put a key [wrong_type #2 $.value]", PASS, NULL},
    /* The gateway's own 404/405 are Go's text/plain pages, not the JSON
     * error every other error is. */
    {"put a key [wrong_method #1 GET]", FAIL, "json_parses|content_type"},
    {"put a key [wrong_method #2 PUT]", FAIL, "json_parses|content_type"},
    {"put a key [wrong_method #3 PATCH]", FAIL, "json_parses|content_type"},
    {"put a key [wrong_method #4 DELETE]", FAIL, "json_parses|content_type"},
    {"put a key [unknown_path]", FAIL, "json_parses|content_type"},
    {"put a key [wire_dup_content_length]", PASS, NULL},
    /* Content-Length and chunked: the request hidden in the body is
     * answered (CL.TE), or the connection is kept after the ambiguous
     * framing (TE.CL): request smuggling behind a CL-reading front end. */
    {"put a key [wire_cl_te #1 CL.TE]", FAIL, "request_smuggling"},
    {"put a key [wire_cl_te #2 TE.CL]", FAIL, "request_smuggling"},
    {"put a key [wire_bare_lf]", PASS, NULL},
    {"put a key [wire_obs_fold]", PASS, NULL},
    {"put a key [wire_nul_header]", PASS, NULL},
    {"put a key [wire_bad_chunk]", PASS, NULL},
    {"read the key [valid]", PASS, NULL},
    {"read the key [unauthenticated]", FAIL, "status"},
    {"read the key [invalid_token]", PASS, NULL},
    {"delete the key [valid]", PASS, NULL},
    {"delete the key [unauthenticated]", FAIL, "status"},
    /* A token whose raft index is ahead of the store: the server waits for
     * that index to be applied, and the request hangs (no answer in 3 s). */
    {"read the key with a token from the future [valid]", ERROR, "timeout|transport"},
};

/* ---- InfluxDB 1.6.7 (Debian influxdb), HTTP API, auth-enabled ---- */

/* influxd reads its ports and folders from a config file: written into the
 * scratch dir (the RPC bind address gets a free port of its own). */
static char **influxdb_argv(int port, const char *scratch) {
  char *conf = ts_fmt("%s/influx.conf", scratch);
  char *text = ts_fmt("reporting-disabled = true\n"
                      "bind-address = \"127.0.0.1:%d\"\n"
                      "[meta]\n  dir = \"%s/influx/meta\"\n"
                      "[data]\n  dir = \"%s/influx/data\"\n  wal-dir = \"%s/influx/wal\"\n"
                      "[http]\n  enabled = true\n  bind-address = \"127.0.0.1:%d\"\n"
                      "  auth-enabled = true\n  log-enabled = false\n",
                      ts_free_port(), scratch, scratch, scratch, port);
  bool ok = conf && text && ts_write_file(conf, text, strlen(text));
  free(text);
  char **v = ok ? calloc(4, sizeof *v) : NULL;
  if (!v) {
    free(conf);
    return NULL;
  }
  v[0] = strdup("/usr/bin/influxd");
  v[1] = strdup("-config");
  v[2] = conf;
  return v;
}

/* POSTs a form body to url; true on the expected status. */
static bool post_form(const char *url, const char *body, long want) {
  ts_http_call call = {.method = "POST",
                       .url = url,
                       .content_type = "application/x-www-form-urlencoded",
                       .body = body};
  ts_http_reply r;
  /* The HTTP port opens before the meta store is ready: bounded retry. */
  for (int tries = 0; tries < 100; tries++) {
    ts_curl(&call, &r);
    if (r.status != 0 && r.status < 500) break;
    usleep(100 * 1000);
  }
  if (r.status != want) fprintf(stderr, "realserver: %s answered %ld: %s\n", url, r.status, r.body);
  return r.status == want;
}

/* As examples/influxdb/suite.yaml's header: an admin user, a database db1. */
static bool influxdb_prepare(int port) {
  char *q = ts_fmt("http://127.0.0.1:%d/query", port);
  char *qa = ts_fmt("http://127.0.0.1:%d/query?u=admin&p=adminpw", port);
  bool ok =
      post_form(q, "q=CREATE+USER+admin+WITH+PASSWORD+%27adminpw%27+WITH+ALL+PRIVILEGES", 200) &&
      post_form(qa, "q=CREATE+DATABASE+db1", 200);
  free(q), free(qa);
  return ok;
}

static const char *const influxdb_needs[] = {"/usr/bin/influxd", NULL};
static const char *const influxdb_env[] = {"INFLUX_PASSWORD=adminpw", NULL};

static const rs_expect influxdb_expect[] = {
    {"ping [valid]", PASS, NULL},
    {"write a point [valid]", PASS, NULL},
    {"write a point [unauthenticated]", PASS, NULL},
    {"write a point [invalid_token #1 wrong p]", PASS, NULL},
    {"write a point [invalid_token #2 wrong u]", PASS, NULL},
    {"write a point [malformed_auth #1 empty u, p]", PASS, NULL},
    {"write a point [malformed_auth #2 as a bearer header]", PASS, NULL},
    {"write a point [malformed_auth #3 trailing extra]", PASS, NULL},
    {"write a point [wire_dup_content_length]", PASS, NULL},
    /* Go's server, as etcd's: the hidden request answered (CL.TE), the
     * connection kept after the ambiguous framing (TE.CL). */
    {"write a point [wire_cl_te #1 CL.TE]", FAIL, "request_smuggling"},
    {"write a point [wire_cl_te #2 TE.CL]", FAIL, "request_smuggling"},
    {"write a point [wire_bare_lf]", PASS, NULL},
    {"write a point [wire_obs_fold]", PASS, NULL},
    {"write a point [wire_nul_header]", PASS, NULL},
    {"write a point [wire_bad_chunk]", PASS, NULL},
    {"read the point back [valid]", PASS, NULL},
    {"read the point back [unauthenticated]", PASS, NULL},
    {"read the point back [invalid_token #1 wrong p]", PASS, NULL},
    {"read the point back [invalid_token #2 wrong u]", PASS, NULL},
    {"read the point back [malformed_auth #1 empty u, p]", PASS, NULL},
    {"read the point back [malformed_auth #2 as a bearer header]", PASS, NULL},
    {"read the point back [malformed_auth #3 trailing extra]", PASS, NULL},
    /* The router's own 404/405 are Go's text/plain pages, not the JSON
     * {"error"} of every other error. */
    {"read the point back [unknown_path]", FAIL, "json_parses|content_type"},
    {"read the point back [wrong_method #1 PUT]", FAIL, "json_parses|content_type"},
    {"read the point back [wrong_method #2 PATCH]", FAIL, "json_parses|content_type"},
    {"read the point back [wrong_method #3 DELETE]", FAIL, "json_parses|content_type"},
    {"read the point back with a POST [valid]", PASS, NULL},
    {"read the point back with a POST [unauthenticated]", PASS, NULL},
    {"read the point back with a POST [invalid_token #1 wrong p]", PASS, NULL},
    {"read the point back with a POST [invalid_token #2 wrong u]", PASS, NULL},
    {"a query that does not parse [valid]", PASS, NULL},
};

/* The tokens the profiles read; a user exports them for the repro commands. */
static const char *const httpbin_env[] = {"HTTPBIN_TOKEN=abc-123", NULL};
static const char *const prism_env[] = {"ITEMS_TOKEN=any-token-will-do", NULL};

/* ---- Prometheus Alertmanager 0.25.0 (Debian), from its own API document ----
 * No suite written here: examples/alertmanager/suite.yaml derives every
 * scenario from openapi.json, the Swagger 2.0 document the release embeds
 * (examples/alertmanager/openapi.sh extracts it from Debian's source package). */

static char **alertmanager_argv(int port, const char *scratch) {
  char **v = calloc(8, sizeof *v);
  if (!v) return NULL;
  v[0] = strdup("/usr/bin/prometheus-alertmanager");
  v[1] = ts_fmt("--config.file=%s/alertmanager.yml", scratch);
  v[2] = ts_fmt("--storage.path=%s/alertmanager-data", scratch);
  v[3] = ts_fmt("--web.listen-address=127.0.0.1:%d", port);
  v[4] = strdup("--cluster.listen-address="); /* no gossip port: a single instance */
  return v;
}

static const char *const alertmanager_needs[] = {"/usr/bin/prometheus-alertmanager",
                                                 "examples/alertmanager/openapi.json", NULL};
static const char *const alertmanager_files[] = {"alertmanager.yml", NULL};

static const rs_expect alertmanager_expect[] = {
    /* The valid requests, synthesized from the document: an alert with one
     * label, a silence from 2024 to 2099 whose id feeds GET and DELETE
     * /silence/{silenceID}. */
    {"POST /alerts [valid]", PASS, NULL},
    {"POST /silences [valid]", PASS, NULL},
    {"GET /alerts [valid]", PASS, NULL},
    {"GET /receivers [valid]", PASS, NULL},
    {"GET /silences [valid]", PASS, NULL},
    {"GET /status [valid]", PASS, NULL},
    {"GET /alerts/groups [valid]", PASS, NULL},
    {"GET /silence/{silenceID} [valid]", PASS, NULL},
    {"DELETE /silence/{silenceID} [valid]", PASS, NULL},
    /* A required property missing: go-swagger's validation answers 422
     * {"code":602,...}; the document says 400 (a string). */
    {"POST /silences [missing_field #1 $.matchers]", FAIL, "status"},
    {"POST /silences [missing_field #2 $.startsAt]", FAIL, "status"},
    {"POST /silences [missing_field #3 $.endsAt]", FAIL, "status"},
    {"POST /silences [missing_field #4 $.createdBy]", FAIL, "status"},
    {"POST /silences [missing_field #5 $.comment]", FAIL, "status"},
    /* A property of the wrong type: 400 as documented, but the body is
     * {"code":400,"message":...}, not the documented string. */
    {"POST /silences [wrong_type #1 $.comment]", FAIL, "schema"},
    {"POST /silences [wrong_type #2 $.createdBy]", FAIL, "schema"},
    {"POST /silences [wrong_type #3 $.endsAt]", FAIL, "schema"},
    {"POST /silences [wrong_type #4 $.matchers]", FAIL, "schema"},
    {"POST /silences [wrong_type #5 $.matchers[0]]", FAIL, "schema"},
    {"POST /silences [wrong_type #6 $.matchers[0].isRegex]", FAIL, "schema"},
    {"POST /silences [wrong_type #7 $.matchers[0].name]", FAIL, "schema"},
    {"POST /silences [wrong_type #8 $.matchers[0].value]", FAIL, "schema"},
    {"POST /silences [wrong_type #9 $.startsAt]", FAIL, "schema"},
    /* Unknown paths and undocumented methods: 404 / 405 as JSON. */
    {"POST /alerts [unknown_path]", PASS, NULL},
    {"POST /alerts [wrong_method #1 PUT]", PASS, NULL},
    {"POST /alerts [wrong_method #2 PATCH]", PASS, NULL},
    {"POST /alerts [wrong_method #3 DELETE]", PASS, NULL},
    {"POST /silences [unknown_path]", PASS, NULL},
    {"POST /silences [wrong_method #1 PUT]", PASS, NULL},
    {"POST /silences [wrong_method #2 PATCH]", PASS, NULL},
    {"POST /silences [wrong_method #3 DELETE]", PASS, NULL},
    {"GET /receivers [unknown_path]", PASS, NULL},
    {"GET /receivers [wrong_method #1 POST]", PASS, NULL},
    {"GET /receivers [wrong_method #2 PUT]", PASS, NULL},
    {"GET /receivers [wrong_method #3 PATCH]", PASS, NULL},
    {"GET /receivers [wrong_method #4 DELETE]", PASS, NULL},
    {"GET /status [unknown_path]", PASS, NULL},
    {"GET /status [wrong_method #1 POST]", PASS, NULL},
    {"GET /status [wrong_method #2 PUT]", PASS, NULL},
    {"GET /status [wrong_method #3 PATCH]", PASS, NULL},
    {"GET /status [wrong_method #4 DELETE]", PASS, NULL},
    {"GET /alerts/groups [unknown_path]", PASS, NULL},
    {"GET /alerts/groups [wrong_method #1 POST]", PASS, NULL},
    {"GET /alerts/groups [wrong_method #2 PUT]", PASS, NULL},
    {"GET /alerts/groups [wrong_method #3 PATCH]", PASS, NULL},
    {"GET /alerts/groups [wrong_method #4 DELETE]", PASS, NULL},
    {"GET /silence/{silenceID} [unknown_path]", PASS, NULL},
    {"GET /silence/{silenceID} [wrong_method #1 POST]", PASS, NULL},
    {"GET /silence/{silenceID} [wrong_method #2 PUT]", PASS, NULL},
    {"GET /silence/{silenceID} [wrong_method #3 PATCH]", PASS, NULL},
};

static const rs_server servers[] = {
    {.name = "httpbin",
     .url_var = "HTTPBIN_URL",
     .env = httpbin_env,
     .needs = httpbin_needs,
     .argv = httpbin_argv,
     .start_ms = 30000,
     .expect = httpbin_expect,
     .n_expect = N(httpbin_expect)},
    {.name = "json-server",
     .url_var = "JSON_SERVER_URL",
     .data_files = json_server_files,
     .needs = json_server_needs,
     .argv = json_server_argv,
     .start_ms = 60000,
     .expect = json_server_expect,
     .n_expect = N(json_server_expect)},
    {.name = "json-server-auth",
     .url_var = "JSA_URL",
     .data_files = json_server_auth_files,
     .needs = json_server_auth_needs,
     .argv = json_server_auth_argv,
     .start_ms = 60000,
     .expect = json_server_auth_expect,
     .n_expect = N(json_server_auth_expect)},
    {.name = "prism",
     .url_var = "PRISM_URL",
     .env = prism_env,
     .needs = prism_needs,
     .argv = prism_argv,
     .start_ms = 120000,
     .dies = true,
     .expect = prism_expect,
     .n_expect = N(prism_expect)},
    {.name = "etcd",
     .url_var = "ETCD_URL",
     .env = etcd_env,
     .needs = etcd_needs,
     .argv = etcd_argv,
     .prepare = etcd_prepare,
     .start_ms = 60000,
     .expect = etcd_expect,
     .n_expect = N(etcd_expect)},
    {.name = "influxdb",
     .url_var = "INFLUX_URL",
     .env = influxdb_env,
     .needs = influxdb_needs,
     .argv = influxdb_argv,
     .prepare = influxdb_prepare,
     .start_ms = 60000,
     .expect = influxdb_expect,
     .n_expect = N(influxdb_expect)},
    {.name = "alertmanager",
     .url_var = "ALERTMANAGER_URL",
     .data_files = alertmanager_files,
     .needs = alertmanager_needs,
     .argv = alertmanager_argv,
     .start_ms = 60000,
     .expect = alertmanager_expect,
     .n_expect = N(alertmanager_expect)},
};

const rs_server *rs_find(const char *name) {
  for (size_t i = 0; i < N(servers); i++)
    if (!strcmp(servers[i].name, name)) return &servers[i];
  return NULL;
}

const char *rs_names(void) {
  return "httpbin, json-server, json-server-auth, prism, etcd, influxdb, alertmanager";
}
