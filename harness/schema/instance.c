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
  int errnum = 0;
  char *text = gt_read_stream(stdin, len, &errnum);
  if (!text) gt_err_set(err, GT_ERR_INPUT, "-", 0, 0, "cannot read stdin: %s", strerror(errnum));
  return text;
}

gt_node *sc_load_tree(const char *path, gt_err *err) {
  size_t len = 0;
  char *text = sc_read_all(path, &len, err);
  if (!text) return NULL;
  gt_node *tree = sc_parse_text(path, text, len, err);
  free(text);
  return tree;
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
