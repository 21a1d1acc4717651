/* parts.c — the parts of a multipart/form-data request body (OpenAPI
 * `encoding`, docs/openapi.md "Multipart bodies"): which properties are
 * files and which Content-Type each part carries. A derived request sends a
 * file property as a file part (a filename and that type); serve rejects a
 * part whose type the document names otherwise. */
#include <string.h>
#include <strings.h>

#include "oa_internal.h"

/* A file: `format: binary` or `base64` (3.0), `contentMediaType` or
 * `contentEncoding` (3.1), `type: file` (2.0). */
static bool is_file(const gt_node *s) {
  const char *type = oa_text(s, "type"), *format = oa_text(s, "format");
  return (type && !strcmp(type, "file")) ||
         (format && (!strcmp(format, "binary") || !strcmp(format, "base64"))) ||
         gt_node_get(s, "contentMediaType") || gt_node_get(s, "contentEncoding");
}

void oa_part_of(const gt_oa_media *m, const char *name, const gt_node *prop, oa_part *out) {
  memset(out, 0, sizeof *out);
  out->file = prop && is_file(prop);
  const gt_node *enc = m && m->encoding ? gt_node_get(m->encoding, name) : NULL;
  const char *type = enc ? oa_text(enc, "contentType") : NULL;
  if (!type && prop) type = oa_text(prop, "contentMediaType");
  out->documented = type != NULL;
  out->type = type ? type : out->file ? "application/octet-stream" : NULL;
}

/* One media range of a list against a type: the same type, a range of
 * its major type (a star after the slash), or the range of every type. */
static bool range_matches(const char *range, size_t rn, const char *got, size_t gn) {
  while (rn && (range[0] == ' ' || range[0] == '\t'))
    range++, rn--;
  size_t semi = strcspn(range, ";");
  if (semi < rn) rn = semi;
  while (rn && range[rn - 1] == ' ')
    rn--;
  if (rn == 3 && !strncmp(range, "*/*", 3)) return true;
  if (rn > 2 && !strncmp(range + rn - 2, "/*", 2))
    return gn >= rn - 1 && !strncasecmp(range, got, rn - 1);
  return rn == gn && !strncasecmp(range, got, rn);
}

bool oa_part_type_allowed(const char *documented, const char *got) {
  if (!got || !*got) got = "text/plain"; /* RFC 7578 §4.4: a part without one */
  size_t gn = strcspn(got, ";");
  while (gn && got[gn - 1] == ' ')
    gn--;
  for (const char *p = documented; *p;) {
    size_t n = strcspn(p, ",");
    if (range_matches(p, n, got, gn)) return true;
    p += n + (p[n] == ',');
  }
  return false;
}

char *oa_part_type_to_send(const char *documented) {
  size_t n = strcspn(documented, ",;");
  while (n && documented[n - 1] == ' ')
    n--;
  const char *t = documented;
  while (n && (*t == ' ' || *t == '\t'))
    t++, n--;
  /* a range: a concrete type of it */
  if (n == 3 && !strncmp(t, "*/*", 3)) return gt_xstrdup("application/octet-stream");
  if (n > 2 && !strncmp(t + n - 2, "/*", 2)) {
    static const struct {
      const char *major, *type;
    } concrete[] = {{"image", "image/png"},
                    {"text", "text/plain"},
                    {"audio", "audio/mpeg"},
                    {"video", "video/mp4"},
                    {"application", "application/octet-stream"}};
    for (size_t i = 0; i < sizeof concrete / sizeof *concrete; i++)
      if (n - 2 == strlen(concrete[i].major) && !strncasecmp(t, concrete[i].major, n - 2))
        return gt_xstrdup(concrete[i].type);
    return gt_xstrdup("application/octet-stream");
  }
  return gt_xstrndup(t, n);
}

const char *oa_part_filename_ext(const char *type) {
  static const struct {
    const char *type, *ext;
  } ext[] = {
      {"image/png", ".png"},       {"image/jpeg", ".jpg"},        {"image/gif", ".gif"},
      {"application/pdf", ".pdf"}, {"application/json", ".json"}, {"text/plain", ".txt"},
      {"text/csv", ".csv"},        {"application/zip", ".zip"},   {"application/xml", ".xml"}};
  for (size_t i = 0; type && i < sizeof ext / sizeof *ext; i++)
    if (!strncasecmp(type, ext[i].type, strlen(ext[i].type))) return ext[i].ext;
  return ".bin";
}
