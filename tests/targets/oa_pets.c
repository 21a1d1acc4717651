/* oa_pets.c — the pets API of tests/fixtures/openapi/pets.yaml, for the
 * OpenAPI tests (tests only). Conformant by default; each --defect seeds one
 * defect a suite derived from the document alone must catch:
 *
 *   oa_pets --http-port P [--defect NAME]...
 *
 *   wrong_error_schema     errors are {"error": "..."} instead of {code, message}
 *   undocumented_status    DELETE /pets/{id} answers 200 with a body (204 is documented)
 *   accepts_out_of_range   POST /pets accepts an age above 30 (maximum: 30)
 *   missing_auth           GET /pets/{id} is served without a credential
 *   accepts_enum_violation GET /pets?kind=... accepts any kind (enum: [cat, dog])
 *   ignores_required_param GET /pets without the required `limit` lists 20
 *   ignores_pattern        POST /pets accepts a name against its pattern
 *   accepts_empty_name     POST /pets accepts an empty name (minLength: 1)
 *
 * The valid token is "t0ken" (Authorization: Bearer t0ken). */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PETS 1024
#define MAX_BODY 65536

static struct {
  bool wrong_error_schema, undocumented_status, accepts_out_of_range, missing_auth,
      accepts_enum_violation, ignores_required_param, ignores_pattern, accepts_empty_name;
} defect;

/* name: ^[A-Za-z][A-Za-z -]*$, 1 to 20 characters */
static bool valid_name(const char *n) {
  size_t len = strlen(n);
  if (len > 20) return false;
  if (!len) return defect.accepts_empty_name;
  if (defect.ignores_pattern) return true;
  if (!isalpha((unsigned char)n[0])) return false;
  for (const char *p = n; *p; p++)
    if (!isalpha((unsigned char)*p) && *p != ' ' && *p != '-') return false;
  return true;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
  bool used;
  char name[32];
  char kind[8];
  int age;
} pets[MAX_PETS];
static int n_pets;
static volatile sig_atomic_t stop_requested;

typedef struct req_state {
  char body[MAX_BODY];
  size_t len;
  bool too_big;
} req_state;

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *body,
                              const char *location) {
  struct MHD_Response *r =
      MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
  if (*body) MHD_add_response_header(r, "Content-Type", "application/json");
  if (location) MHD_add_response_header(r, "Location", location);
  enum MHD_Result ret = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result error(struct MHD_Connection *c, unsigned status, const char *msg) {
  char body[256];
  if (defect.wrong_error_schema)
    snprintf(body, sizeof body, "{\"error\": \"%s\"}", msg);
  else
    snprintf(body, sizeof body, "{\"code\": %u, \"message\": \"%s\"}", status, msg);
  return answer(c, status, body, NULL);
}

static void add_pet(cJSON *o, int id) {
  cJSON_AddNumberToObject(o, "id", id);
  cJSON_AddStringToObject(o, "name", pets[id - 1].name);
  if (pets[id - 1].kind[0]) cJSON_AddStringToObject(o, "kind", pets[id - 1].kind);
  if (pets[id - 1].age >= 0) cJSON_AddNumberToObject(o, "age", pets[id - 1].age);
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, cJSON *j,
                                 const char *location) {
  char *t = cJSON_PrintUnformatted(j);
  enum MHD_Result r = answer(c, status, t, location);
  free(t);
  cJSON_Delete(j);
  return r;
}

static bool authorized(struct MHD_Connection *c) {
  const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
  return a && !strcmp(a, "Bearer t0ken");
}

/* POST /pets: name (string, <= 20), kind (cat|dog), age (integer 0..30). */
static enum MHD_Result create(struct MHD_Connection *c, const req_state *st) {
  const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
  if (!ct || strncmp(ct, "application/json", 16)) return error(c, 400, "JSON body expected");
  cJSON *b = cJSON_ParseWithLength(st->body, st->len);
  if (!b || !cJSON_IsObject(b)) {
    cJSON_Delete(b);
    return error(c, 400, "malformed JSON");
  }
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(b, "name");
  const cJSON *kind = cJSON_GetObjectItemCaseSensitive(b, "kind");
  const cJSON *age = cJSON_GetObjectItemCaseSensitive(b, "age");
  const char *why = NULL;
  if (!cJSON_IsString(name) || !valid_name(name->valuestring))
    why = "name: 1 to 20 letters, spaces and hyphens, a letter first";
  else if (kind && (!cJSON_IsString(kind) ||
                    (strcmp(kind->valuestring, "cat") && strcmp(kind->valuestring, "dog"))))
    why = "kind: cat or dog";
  else if (age && (!cJSON_IsNumber(age) || age->valuedouble != (int)age->valuedouble ||
                   age->valuedouble < 0 || (age->valuedouble > 30 && !defect.accepts_out_of_range)))
    why = "age: an integer from 0 to 30";
  if (why || n_pets == MAX_PETS) {
    cJSON_Delete(b);
    return error(c, 422, why ? why : "full");
  }
  int id = ++n_pets;
  pets[id - 1].used = true;
  snprintf(pets[id - 1].name, sizeof pets[id - 1].name, "%s", name->valuestring);
  snprintf(pets[id - 1].kind, sizeof pets[id - 1].kind, "%s", kind ? kind->valuestring : "");
  pets[id - 1].age = age ? (int)age->valuedouble : -1;
  cJSON_Delete(b);
  cJSON *o = cJSON_CreateObject();
  add_pet(o, id);
  char loc[64];
  snprintf(loc, sizeof loc, "/pets/%d", id);
  return send_json(c, 201, o, loc);
}

static enum MHD_Result list(struct MHD_Connection *c) {
  const char *limit = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
  const char *kind = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "kind");
  if (!limit && defect.ignores_required_param) limit = "20";
  char *end = NULL;
  long n = limit ? strtol(limit, &end, 10) : 0;
  if (!limit || *end || n < 1 || n > 100) return error(c, 400, "limit: an integer from 1 to 100");
  if (kind && strcmp(kind, "cat") && strcmp(kind, "dog") && !defect.accepts_enum_violation)
    return error(c, 400, "kind: cat or dog");
  cJSON *a = cJSON_CreateArray();
  for (int id = 1; id <= n_pets && cJSON_GetArraySize(a) < n; id++) {
    if (!pets[id - 1].used || (kind && strcmp(kind, pets[id - 1].kind))) continue;
    cJSON *o = cJSON_CreateObject();
    add_pet(o, id);
    cJSON_AddItemToArray(a, o);
  }
  return send_json(c, 200, a, NULL);
}

static enum MHD_Result route(struct MHD_Connection *c, const char *method, const char *url,
                             const req_state *st) {
  if (!strcmp(url, "/v1/health")) {
    if (strcmp(method, "GET")) return error(c, 405, "method not allowed");
    return answer(c, 200, "{\"ok\": true}", NULL);
  }
  if (!strcmp(url, "/v1/pets")) {
    if (strcmp(method, "GET") && strcmp(method, "POST")) return error(c, 405, "method not allowed");
    if (!authorized(c)) return error(c, 401, "a bearer token is required");
    return !strcmp(method, "POST") ? create(c, st) : list(c);
  }
  int id;
  char tail;
  if (sscanf(url, "/v1/pets/%d%c", &id, &tail) == 1) {
    bool get = !strcmp(method, "GET"), del = !strcmp(method, "DELETE");
    if (!get && !del) return error(c, 405, "method not allowed");
    if (!authorized(c) && !(get && defect.missing_auth))
      return error(c, 401, "a bearer token is required");
    if (id < 1 || id > n_pets || !pets[id - 1].used) return error(c, 404, "no such pet");
    if (del) {
      pets[id - 1].used = false;
      return defect.undocumented_status ? answer(c, 200, "{\"deleted\": true}", NULL)
                                        : answer(c, 204, "", NULL);
    }
    cJSON *o = cJSON_CreateObject();
    add_pet(o, id);
    return send_json(c, 200, o, NULL);
  }
  return error(c, 404, "not found");
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload_data,
                               size_t *upload_data_size, void **state) {
  (void)cls, (void)version;
  if (!*state) {
    *state = calloc(1, sizeof(req_state));
    return *state ? MHD_YES : MHD_NO;
  }
  req_state *st = *state;
  if (*upload_data_size) {
    if (st->len + *upload_data_size < MAX_BODY) {
      memcpy(st->body + st->len, upload_data, *upload_data_size);
      st->len += *upload_data_size;
    } else {
      st->too_big = true;
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (st->too_big) return error(c, 413, "too large");
  pthread_mutex_lock(&mu);
  enum MHD_Result r = route(c, method, url, st);
  pthread_mutex_unlock(&mu);
  return r;
}

static void completed(void *cls, struct MHD_Connection *c, void **state,
                      enum MHD_RequestTerminationCode code) {
  (void)cls, (void)c, (void)code;
  free(*state);
  *state = NULL;
}

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

int main(int argc, char **argv) {
  int port = 0;
  for (int i = 1; i < argc; i++) {
    const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
    if (!strcmp(k, "--http-port")) {
      port = atoi(v), i++;
    } else if (!strcmp(k, "--defect")) {
      i++;
      if (!strcmp(v, "wrong_error_schema"))
        defect.wrong_error_schema = true;
      else if (!strcmp(v, "undocumented_status"))
        defect.undocumented_status = true;
      else if (!strcmp(v, "accepts_out_of_range"))
        defect.accepts_out_of_range = true;
      else if (!strcmp(v, "missing_auth"))
        defect.missing_auth = true;
      else if (!strcmp(v, "accepts_enum_violation"))
        defect.accepts_enum_violation = true;
      else if (!strcmp(v, "ignores_required_param"))
        defect.ignores_required_param = true;
      else if (!strcmp(v, "ignores_pattern"))
        defect.ignores_pattern = true;
      else if (!strcmp(v, "accepts_empty_name"))
        defect.accepts_empty_name = true;
      else {
        fprintf(stderr, "oa_pets: unknown defect %s\n", v);
        return 2;
      }
    } else {
      fprintf(stderr, "oa_pets: unknown option %s\n", k);
      return 2;
    }
  }
  if (port <= 0) {
    fprintf(stderr, "oa_pets: --http-port is required\n");
    return 2;
  }
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
      (uint16_t)port, NULL, NULL, handler, NULL, MHD_OPTION_SOCK_ADDR, &a,
      MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
      MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "oa_pets: cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  while (!stop_requested)
    usleep(20000);
  MHD_stop_daemon(d);
  return 0;
}
