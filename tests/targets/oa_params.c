/* oa_params.c — the shop API of tests/fixtures/openapi/params.yaml, for the
 * OpenAPI parameter and nested-body tests (tests only). Conformant by
 * default; each --defect seeds one defect a suite derived from the document
 * alone must catch:
 *
 *   oa_params --http-port P [--defect NAME]...
 *
 *   accepts_out_of_range_id  GET /items/{itemId} serves any integer id (1..999 documented)
 *   ignores_cookie           GET /items/{itemId} is served without the required region cookie
 *   ignores_tag_pattern      GET /tags/{tag} accepts any tag (^[a-z]+$ documented)
 *   ignores_nested_pattern   POST /orders accepts any customer.address.zip (^[0-9]{5}$)
 *   accepts_missing_nested   POST /orders accepts a customer without its required name
 *   ignores_max_items        POST /orders accepts more than 3 lines
 *   accepts_duplicates       POST /orders accepts a coupon twice (uniqueItems)
 *
 * POST /photos takes a multipart/form-data upload: a title field and a photo
 * file part of type image/png or image/jpeg (libmicrohttpd's post processor
 * reads it). */
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

#define MAX_ORDERS 1024
#define MAX_BODY 65536

static struct {
  bool accepts_out_of_range_id, ignores_cookie, ignores_tag_pattern, ignores_nested_pattern,
      accepts_missing_nested, ignores_max_items, accepts_duplicates;
} defect;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char *orders[MAX_ORDERS]; /* the stored orders as JSON text; index = id - 1 */
static int n_orders;
static volatile sig_atomic_t stop_requested;

typedef struct req_state {
  char body[MAX_BODY];
  size_t len;
  bool too_big;
} req_state;

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *body) {
  struct MHD_Response *r =
      MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
  if (*body) MHD_add_response_header(r, "Content-Type", "application/json");
  enum MHD_Result ret = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result error(struct MHD_Connection *c, unsigned status, const char *msg) {
  char body[256];
  snprintf(body, sizeof body, "{\"code\": %u, \"message\": \"%s\"}", status, msg);
  return answer(c, status, body);
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, cJSON *j) {
  char *t = cJSON_PrintUnformatted(j);
  enum MHD_Result r = answer(c, status, t);
  free(t);
  cJSON_Delete(j);
  return r;
}

static bool all_of(const char *s, int (*cls)(int), size_t min, size_t max) {
  size_t n = strlen(s);
  if (n < min || n > max) return false;
  for (; *s; s++)
    if (!cls((unsigned char)*s)) return false;
  return true;
}

static int is_lower_letter(int ch) {
  return ch >= 'a' && ch <= 'z';
}

static bool is_int_in(const cJSON *x, double lo, double hi) {
  return cJSON_IsNumber(x) && x->valuedouble == (double)(long)x->valuedouble &&
         x->valuedouble >= lo && x->valuedouble <= hi;
}

/* customer: {name: 1..10 chars, address: {zip: 5 digits}} */
static const char *customer_problem(const cJSON *cu) {
  if (!cJSON_IsObject(cu)) return "customer: an object";
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(cu, "name");
  if (!name && !defect.accepts_missing_nested) return "customer.name is required";
  if (name && (!cJSON_IsString(name) || !*name->valuestring || strlen(name->valuestring) > 10))
    return "customer.name: 1 to 10 characters";
  const cJSON *addr = cJSON_GetObjectItemCaseSensitive(cu, "address");
  if (!cJSON_IsObject(addr)) return "customer.address: an object";
  const cJSON *zip = cJSON_GetObjectItemCaseSensitive(addr, "zip");
  if (!cJSON_IsString(zip)) return "customer.address.zip: a string";
  if (!defect.ignores_nested_pattern && !all_of(zip->valuestring, isdigit, 5, 5))
    return "customer.address.zip: five digits";
  return NULL;
}

/* lines: 1..3 of {sku: apple|pear|plum, qty: 1..9}; coupons: <= 2 distinct strings */
static const char *lines_problem(const cJSON *lines, const cJSON *coupons) {
  int n = cJSON_IsArray(lines) ? cJSON_GetArraySize(lines) : -1;
  if (n < 1 || (n > 3 && !defect.ignores_max_items)) return "lines: 1 to 3 lines";
  for (const cJSON *l = lines->child; l; l = l->next) {
    const cJSON *sku = cJSON_IsObject(l) ? cJSON_GetObjectItemCaseSensitive(l, "sku") : NULL;
    const cJSON *qty = cJSON_IsObject(l) ? cJSON_GetObjectItemCaseSensitive(l, "qty") : NULL;
    if (!cJSON_IsString(sku) ||
        (strcmp(sku->valuestring, "apple") && strcmp(sku->valuestring, "pear") &&
         strcmp(sku->valuestring, "plum")))
      return "lines[].sku: apple, pear or plum";
    if (!is_int_in(qty, 1, 9)) return "lines[].qty: an integer from 1 to 9";
  }
  if (!coupons) return NULL;
  if (!cJSON_IsArray(coupons) || cJSON_GetArraySize(coupons) > 2) return "coupons: at most 2";
  for (const cJSON *a = coupons->child; a; a = a->next) {
    if (!cJSON_IsString(a)) return "coupons: strings";
    for (const cJSON *b = a->next; b && !defect.accepts_duplicates; b = b->next)
      if (cJSON_IsString(b) && !strcmp(a->valuestring, b->valuestring))
        return "coupons: each at most once";
  }
  return NULL;
}

static enum MHD_Result create_order(struct MHD_Connection *c, const req_state *st) {
  const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
  if (!ct || strncmp(ct, "application/json", 16)) return error(c, 400, "JSON body expected");
  cJSON *b = cJSON_ParseWithLength(st->body, st->len);
  if (!cJSON_IsObject(b)) {
    cJSON_Delete(b);
    return error(c, 400, "a JSON object expected");
  }
  const char *why = customer_problem(cJSON_GetObjectItemCaseSensitive(b, "customer"));
  if (!why)
    why = lines_problem(cJSON_GetObjectItemCaseSensitive(b, "lines"),
                        cJSON_GetObjectItemCaseSensitive(b, "coupons"));
  if (why || n_orders == MAX_ORDERS) {
    cJSON_Delete(b);
    return error(c, 400, why ? why : "full");
  }
  int id = ++n_orders;
  cJSON_DeleteItemFromObjectCaseSensitive(b, "id");
  cJSON_AddNumberToObject(b, "id", id);
  orders[id - 1] = cJSON_PrintUnformatted(b);
  return send_json(c, 201, b);
}

/* A path segment as a whole number (digits only), or -1. */
static long whole_number(const char *s) {
  if (!*s || strlen(s) > 9) return -1;
  for (const char *p = s; *p; p++)
    if (!isdigit((unsigned char)*p)) return -1;
  return strtol(s, NULL, 10);
}

/* The value of cookie name in the Cookie header, copied into out. */
static bool cookie(struct MHD_Connection *c, const char *name, char *out, size_t cap) {
  const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie");
  size_t n = strlen(name);
  for (const char *p = h; p && *p;) {
    while (*p == ' ' || *p == ';')
      p++;
    size_t len = strcspn(p, ";");
    if (len > n && !strncmp(p, name, n) && p[n] == '=') {
      snprintf(out, cap, "%.*s", (int)(len - n - 1), p + n + 1);
      return true;
    }
    p += len;
  }
  return false;
}

static enum MHD_Result get_item(struct MHD_Connection *c, const char *seg) {
  char region[16];
  if (!cookie(c, "region", region, sizeof region)) {
    if (!defect.ignores_cookie) return error(c, 400, "the region cookie is required");
    snprintf(region, sizeof region, "eu");
  }
  if (strcmp(region, "eu") && strcmp(region, "us")) return error(c, 400, "region: eu or us");
  long id = whole_number(seg);
  if (id < 0 || ((id < 1 || id > 999) && !defect.accepts_out_of_range_id))
    return error(c, 400, "itemId: an integer from 1 to 999");
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "id", (double)(id % 999 + 1));
  cJSON_AddStringToObject(o, "name", "widget");
  return send_json(c, 200, o);
}

/* What the post processor read of a /photos upload. */
typedef struct upload {
  char title[64];
  bool has_title, title_too_long, has_photo;
  char filename[64], type[64];
} upload;

static enum MHD_Result upload_part(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *filename, const char *content_type,
                                   const char *transfer_encoding, const char *data, uint64_t off,
                                   size_t size) {
  (void)kind, (void)transfer_encoding;
  upload *u = cls;
  if (!strcmp(key, "title")) {
    u->has_title = true;
    if (off + size >= sizeof u->title) {
      u->title_too_long = true;
    } else {
      memcpy(u->title + off, data, size);
      u->title[off + size] = 0;
    }
  } else if (!strcmp(key, "photo") && off == 0) {
    u->has_photo = true;
    snprintf(u->filename, sizeof u->filename, "%s", filename ? filename : "");
    snprintf(u->type, sizeof u->type, "%s", content_type ? content_type : "");
  }
  return MHD_YES;
}

static enum MHD_Result create_photo(struct MHD_Connection *c, const req_state *st) {
  const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
  if (!ct || strncmp(ct, "multipart/form-data", 19)) return error(c, 400, "multipart expected");
  upload u = {0};
  struct MHD_PostProcessor *pp = MHD_create_post_processor(c, 4096, upload_part, &u);
  if (!pp) return error(c, 400, "a multipart body with a boundary expected");
  enum MHD_Result ok = MHD_post_process(pp, st->body, st->len);
  MHD_destroy_post_processor(pp);
  if (ok != MHD_YES) return error(c, 400, "malformed multipart body");
  if (!u.has_title || u.title_too_long || strlen(u.title) > 20)
    return error(c, 400, "title: up to 20 characters");
  if (!u.has_photo || !u.filename[0]) return error(c, 400, "photo: a file part");
  if (strcmp(u.type, "image/png") && strcmp(u.type, "image/jpeg"))
    return error(c, 400, "photo: image/png or image/jpeg");
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "title", u.title);
  cJSON_AddStringToObject(o, "filename", u.filename);
  cJSON_AddStringToObject(o, "type", u.type);
  return send_json(c, 201, o);
}

static enum MHD_Result route(struct MHD_Connection *c, const char *method, const char *url,
                             const req_state *st) {
  bool get = !strcmp(method, "GET");
  if (!strcmp(url, "/v1/photos")) {
    if (strcmp(method, "POST")) return error(c, 405, "method not allowed");
    return create_photo(c, st);
  }
  if (!strcmp(url, "/v1/orders")) {
    if (strcmp(method, "POST")) return error(c, 405, "method not allowed");
    return create_order(c, st);
  }
  if (!strncmp(url, "/v1/orders/", 11) && !strchr(url + 11, '/')) {
    if (!get) return error(c, 405, "method not allowed");
    long id = whole_number(url + 11);
    if (id < 1) return error(c, 400, "orderId: a positive integer");
    if (id > n_orders || !orders[id - 1]) return error(c, 404, "no such order");
    return answer(c, 200, orders[id - 1]);
  }
  if (!strncmp(url, "/v1/items/", 10) && !strchr(url + 10, '/')) {
    if (!get) return error(c, 405, "method not allowed");
    return get_item(c, url + 10);
  }
  if (!strncmp(url, "/v1/tags/", 9) && !strchr(url + 9, '/')) {
    if (!get) return error(c, 405, "method not allowed");
    const char *tag = url + 9; /* libmicrohttpd decoded it */
    if (!defect.ignores_tag_pattern && !all_of(tag, is_lower_letter, 1, 8))
      return error(c, 400, "tag: 1 to 8 lower-case letters");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "tag", tag);
    return send_json(c, 200, o);
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

static bool set_defect(const char *name) {
  static const struct {
    const char *name;
    bool *flag;
  } table[] = {{"accepts_out_of_range_id", &defect.accepts_out_of_range_id},
               {"ignores_cookie", &defect.ignores_cookie},
               {"ignores_tag_pattern", &defect.ignores_tag_pattern},
               {"ignores_nested_pattern", &defect.ignores_nested_pattern},
               {"accepts_missing_nested", &defect.accepts_missing_nested},
               {"ignores_max_items", &defect.ignores_max_items},
               {"accepts_duplicates", &defect.accepts_duplicates}};
  for (size_t i = 0; i < sizeof table / sizeof *table; i++)
    if (!strcmp(name, table[i].name)) {
      *table[i].flag = true;
      return true;
    }
  return false;
}

int main(int argc, char **argv) {
  int port = 0;
  for (int i = 1; i < argc; i++) {
    const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
    if (!strcmp(k, "--http-port")) {
      port = atoi(v), i++;
    } else if (!strcmp(k, "--defect")) {
      i++;
      if (!set_defect(v)) {
        fprintf(stderr, "oa_params: unknown defect %s\n", v);
        return 2;
      }
    } else {
      fprintf(stderr, "oa_params: unknown option %s\n", k);
      return 2;
    }
  }
  if (port <= 0) {
    fprintf(stderr, "oa_params: --http-port is required\n");
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
    fprintf(stderr, "oa_params: cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  while (!stop_requested)
    usleep(20000);
  MHD_stop_daemon(d);
  for (int i = 0; i < n_orders; i++)
    free(orders[i]);
  return 0;
}
