/* instance.c — reading an instance document for `gauntlet schema`: JSON
 * (strict RFC 8259, errors at LINE:COL) or YAML (through the project's YAML
 * reader, read with the YAML 1.2 core schema). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/file.h"
#include "compile_internal.h"

char *sc_read_all(const char *path, size_t *len, gt_err *err) {
  if (strcmp(path, "-")) {
    int errnum = 0;
    char *text = gt_read_file(path, len, &errnum);
    if (!text) gt_err_set(err, GT_ERR_INPUT, path, 0, 0, "cannot read: %s", strerror(errnum));
    return text;
  }
  gt_buf b;
  gt_buf_init(&b);
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
    gt_buf_add(&b, chunk, n);
  if (!b.data) gt_buf_adds(&b, "");
  *len = b.len;
  return gt_buf_steal(&b);
}

cJSON *gt_schema_read_instance(const char *path, gt_err *err) {
  gt_err local;
  if (!err) err = &local;
  memset(err, 0, sizeof *err);
  size_t len = 0;
  char *text = sc_read_all(path, &len, err);
  if (!text) return NULL;
  cJSON *json = NULL;
  if (sc_parse_json(path, text, len, &json, err)) { /* JSON: cJSON is enough */
    free(text);
    return json;
  }
  if (err->kind != GT_OK) {
    free(text);
    return NULL;
  }
  gt_node *tree = sc_parse_text(path, text, len, err);
  free(text);
  if (!tree) return NULL;
  cJSON *j = gt_node_to_json(tree);
  gt_node_free(tree);
  return j;
}
