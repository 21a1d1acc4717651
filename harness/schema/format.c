/* format.c — the `format` values strict mode asserts. Each checker follows
 * the RFC the JSON Schema validation spec names (RFC 3339 dates and
 * durations, RFC 5321 mailboxes without IDN, RFC 1123 host names, RFC 3986
 * URIs, RFC 4122 UUIDs, RFC 6901 JSON Pointers); unknown formats are
 * annotations only. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "schema_internal.h"

static bool digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

static int num(const char *s, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n; i++)
    v = v * 10 + (s[i] - '0');
  return v;
}

static bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool is_date(const char *s, size_t n) {
  if (n != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!digits(s, 4) || !digits(s + 5, 2) || !digits(s + 8, 2)) return false;
  int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  int max = mdays[m - 1] + (m == 2 && leap(y));
  return d <= max;
}

/* full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM). A leap second is valid
 * only at 23:59:60 UTC. */
static bool is_time(const char *s, size_t n) {
  if (n < 9 || s[2] != ':' || s[5] != ':') return false;
  if (!digits(s, 2) || !digits(s + 3, 2) || !digits(s + 6, 2)) return false;
  int h = num(s, 2), mi = num(s + 3, 2), sec = num(s + 6, 2);
  if (h > 23 || mi > 59 || sec > 60) return false;
  size_t i = 8;
  if (i < n && s[i] == '.') {
    size_t st = ++i;
    while (i < n && isdigit((unsigned char)s[i]))
      i++;
    if (i == st) return false;
  }
  if (i >= n) return false;
  int off_min = 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    if (i + 1 != n) return false;
  } else if (s[i] == '+' || s[i] == '-') {
    if (n - i != 6 || s[i + 3] != ':' || !digits(s + i + 1, 2) || !digits(s + i + 4, 2))
      return false;
    int oh = num(s + i + 1, 2), om = num(s + i + 4, 2);
    if (oh > 23 || om > 59) return false;
    off_min = (oh * 60 + om) * (s[i] == '+' ? 1 : -1);
  } else {
    return false;
  }
  if (sec == 60) {
    int utc = ((h * 60 + mi - off_min) % 1440 + 1440) % 1440;
    if (utc != 23 * 60 + 59) return false;
  }
  return true;
}

static bool is_date_time(const char *s, size_t n) {
  if (n < 11 || (s[10] != 'T' && s[10] != 't')) return false;
  return is_date(s, 10) && is_time(s + 11, n - 11);
}

static bool is_duration(const char *s, size_t n) {
  if (n < 2 || s[0] != 'P') return false;
  size_t i = 1;
  bool any = false, in_time = false, week = false;
  const char *order = "YMD";
  int last = -1;
  while (i < n) {
    if (s[i] == 'T') {
      if (in_time) return false;
      in_time = true;
      order = "HMS";
      last = -1;
      i++;
      if (i >= n) return false; /* "T" needs an element */
      continue;
    }
    size_t st = i;
    while (i < n && isdigit((unsigned char)s[i]))
      i++;
    if (i == st || i >= n) return false;
    char u = s[i++];
    if (!in_time && u == 'W') {
      if (any || i != n) return false; /* weeks stand alone */
      week = true;
      any = true;
      continue;
    }
    const char *pos = strchr(order, u);
    if (!u || !pos || (int)(pos - order) <= last) return false;
    last = (int)(pos - order);
    any = true;
  }
  (void)week;
  return any && s[n - 1] != 'T';
}

static bool is_hostname(const char *s, size_t n) {
  if (n == 0 || n > 253) return false;
  size_t label = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '.') {
      if (label == 0 || s[i - 1] == '-') return false;
      label = 0;
      continue;
    }
    if (!(isalnum((unsigned char)c) || c == '-')) return false;
    if (c == '-' && label == 0) return false;
    if (++label > 63) return false;
  }
  return label > 0 && s[n - 1] != '-';
}

static bool is_ipv4(const char *s, size_t n) {
  int parts = 0;
  size_t i = 0;
  while (i <= n) {
    size_t st = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
      i++;
    size_t len = i - st;
    if (len == 0 || len > 3 || (len > 1 && s[st] == '0') || num(s + st, len) > 255) return false;
    parts++;
    if (i == n) break;
    if (s[i] != '.') return false;
    i++;
  }
  return parts == 4;
}

static bool is_ipv6(const char *s, size_t n) {
  char buf[64];
  unsigned char out[16];
  if (n >= sizeof buf) return false;
  for (size_t i = 0; i < n; i++)
    if (!isxdigit((unsigned char)s[i]) && s[i] != ':' && s[i] != '.') return false;
  memcpy(buf, s, n);
  buf[n] = 0;
  return inet_pton(AF_INET6, buf, out) == 1;
}

static bool is_email(const char *s, size_t n) {
  const char *at = NULL;
  if (n && s[0] == '"') { /* quoted local part */
    size_t i = 1;
    while (i < n && s[i] != '"')
      i += (s[i] == '\\') ? 2 : 1;
    if (i >= n || i + 1 >= n || s[i + 1] != '@') return false;
    at = s + i + 1;
  } else {
    at = memchr(s, '@', n);
    if (!at || at == s) return false;
    for (const char *p = s; p < at; p++) {
      unsigned char c = (unsigned char)*p;
      if (c == '.') {
        if (p == s || p + 1 == at || p[1] == '.') return false;
      } else if (!(isalnum(c) || strchr("!#$%&'*+-/=?^_`{|}~", c) || c >= 0x80)) {
        return false;
      }
    }
  }
  const char *d = at + 1;
  size_t dn = n - (size_t)(d - s);
  if (dn >= 2 && d[0] == '[' && d[dn - 1] == ']') {
    if (dn > 7 && !strncmp(d + 1, "IPv6:", 5)) return is_ipv6(d + 6, dn - 7);
    return is_ipv4(d + 1, dn - 2);
  }
  return is_hostname(d, dn);
}

/* RFC 3986 characters; '%' must start a percent-escape. */
static bool uri_chars(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '%') {
      if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2]))
        return false;
      i += 2;
      continue;
    }
    if (isalnum(c) || strchr("-._~!$&'()*+,;=:@/?#[]", c)) continue;
    return false;
  }
  return true;
}

static bool authority_ok(const char *s, size_t n) {
  /* the authority of "//host..." : brackets only around an IP literal */
  const char *e = s;
  while ((size_t)(e - s) < n && *e != '/' && *e != '?' && *e != '#')
    e++;
  const char *at = memchr(s, '@', (size_t)(e - s));
  const char *host = at ? at + 1 : s;
  for (const char *p = s; p < host; p++)
    if (*p == '[' || *p == ']') return false;
  if (host < e && *host == '[') {
    const char *close = memchr(host, ']', (size_t)(e - host));
    if (!close) return false;
    const char *port = close + 1;
    if (port < e && *port != ':') return false;
    for (const char *p = port + (port < e); p < e; p++)
      if (!isdigit((unsigned char)*p)) return false;
    return true;
  }
  for (const char *p = host; p < e; p++)
    if (*p == '[' || *p == ']') return false;
  const char *colon = memchr(host, ':', (size_t)(e - host));
  if (colon)
    for (const char *p = colon + 1; p < e; p++)
      if (!isdigit((unsigned char)*p)) return false;
  return true;
}

static bool no_brackets_after_authority(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] == '[' || s[i] == ']') return false;
  return true;
}

static bool is_uri_ref(const char *s, size_t n, bool need_scheme) {
  if (!uri_chars(s, n)) return false;
  size_t i = 0;
  bool scheme = false;
  if (n && isalpha((unsigned char)s[0])) {
    while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
      i++;
    if (i < n && s[i] == ':')
      scheme = true, i++;
    else
      i = 0;
  }
  if (need_scheme && !scheme) return false;
  if (!scheme) {
    /* a relative reference's first segment cannot contain ':' */
    for (size_t j = 0; j < n && s[j] != '/' && s[j] != '?' && s[j] != '#'; j++)
      if (s[j] == ':') return false;
  }
  if (n - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
    const char *a = s + i + 2;
    size_t an = n - i - 2;
    if (!authority_ok(a, an)) return false;
    size_t k = 0;
    while (k < an && a[k] != '/' && a[k] != '?' && a[k] != '#')
      k++;
    return no_brackets_after_authority(a + k, an - k);
  }
  return no_brackets_after_authority(s + i, n - i);
}

static bool is_uuid(const char *s, size_t n) {
  if (n != 36) return false;
  for (size_t i = 0; i < n; i++) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!isxdigit((unsigned char)s[i])) {
      return false;
    }
  }
  return true;
}

static bool is_json_pointer(const char *s, size_t n) {
  if (n && s[0] != '/') return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] == '~' && (i + 1 >= n || (s[i + 1] != '0' && s[i + 1] != '1'))) return false;
  return true;
}

static bool is_relative_json_pointer(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && isdigit((unsigned char)s[i]))
    i++;
  if (i == 0 || (i > 1 && s[0] == '0')) return false;
  if (i == n) return true;
  if (s[i] == '#') return i + 1 == n;
  return is_json_pointer(s + i, n - i);
}

static bool is_regex(const char *s, size_t n) {
  if (memchr(s, 0, n)) return false;
  gt_schema tmp;
  memset(&tmp, 0, sizeof tmp);
  sc_regex re;
  char why[128];
  bool ok = sc_regex_compile(&tmp, s, &re, why, sizeof why);
  sc_release(&tmp);
  return ok;
}

typedef bool (*checker)(const char *, size_t);
static const struct {
  const char *name;
  checker fn;
} FORMATS[] = {
    {"date-time", is_date_time},
    {"date", is_date},
    {"time", is_time},
    {"duration", is_duration},
    {"email", is_email},
    {"hostname", is_hostname},
    {"ipv4", is_ipv4},
    {"ipv6", is_ipv6},
    {"uuid", is_uuid},
    {"regex", is_regex},
    {"json-pointer", is_json_pointer},
    {"relative-json-pointer", is_relative_json_pointer},
};

static bool is_uri(const char *s, size_t n) {
  return is_uri_ref(s, n, true);
}
static bool is_uri_reference(const char *s, size_t n) {
  return is_uri_ref(s, n, false);
}

/* An IRI is a URI that may also hold any non-ASCII character (RFC 3987);
 * they are checked as if each were an unreserved character. */
static bool is_iri_ref_impl(const char *s, size_t n, bool need_scheme) {
  char *ascii = malloc(n + 1);
  if (!ascii) return false;
  for (size_t i = 0; i < n; i++)
    ascii[i] = ((unsigned char)s[i] >= 0x80) ? 'a' : s[i];
  bool ok = is_uri_ref(ascii, n, need_scheme);
  free(ascii);
  return ok;
}
static bool is_iri(const char *s, size_t n) {
  return is_iri_ref_impl(s, n, true);
}
static bool is_iri_reference(const char *s, size_t n) {
  return is_iri_ref_impl(s, n, false);
}

/* RFC 6570: literals and {expressions}, no nesting, no empty expression. */
static bool is_uri_template(const char *s, size_t n) {
  bool in = false;
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '{') {
      if (in) return false;
      in = true;
      start = i;
    } else if (c == '}') {
      if (!in || i == start + 1) return false;
      in = false;
    } else if (!in && (c <= ' ' || strchr("\"'<>\\^`|", c))) {
      return false;
    }
  }
  return !in;
}

/* Internationalized host names, approximately (full IDNA 2008 needs the
 * Unicode tables): UTF-8 labels of at most 63 code points, no hyphen at
 * either end, no combining mark (U+0300..U+036F) first, and never U+302E or
 * U+302F (Hangul tone marks, which IDNA disallows). */
static bool is_idn_hostname(const char *s, size_t n) {
  if (n == 0 || n > 253 * 4) return false;
  size_t label = 0;
  const unsigned char *p = (const unsigned char *)s, *e = p + n;
  unsigned prev = '.';
  while (p < e) {
    unsigned cp;
    int len = 1;
    if (*p < 0x80)
      cp = *p;
    else if ((*p & 0xE0) == 0xC0 && p + 1 < e)
      cp = ((unsigned)(*p & 0x1F) << 6) | (p[1] & 0x3F), len = 2;
    else if ((*p & 0xF0) == 0xE0 && p + 2 < e)
      cp = ((unsigned)(*p & 0x0F) << 12) | ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F), len = 3;
    else if ((*p & 0xF8) == 0xF0 && p + 3 < e)
      cp = ((unsigned)(*p & 0x07) << 18) | ((unsigned)(p[1] & 0x3F) << 12) |
           ((unsigned)(p[2] & 0x3F) << 6) | (p[3] & 0x3F),
      len = 4;
    else
      return false;
    p += len;
    if (cp == '.' || cp == 0x3002 || cp == 0xFF0E || cp == 0xFF61) {
      if (label == 0 || prev == '-') return false;
      label = 0;
      prev = '.';
      continue;
    }
    if (cp < 0x80 && !(isalnum((int)cp) || cp == '-')) return false;
    if (cp == 0x302E || cp == 0x302F) return false;
    if (label == 0 && (cp == '-' || (cp >= 0x300 && cp <= 0x36F))) return false;
    if (++label > 63) return false;
    prev = cp;
  }
  return label > 0 && prev != '-';
}

static bool is_idn_email(const char *s, size_t n) {
  const char *at = memchr(s, '@', n);
  if (!at || at == s) return false;
  for (const char *p = s; p < at; p++)
    if ((unsigned char)*p <= ' ') return false;
  return is_idn_hostname(at + 1, n - (size_t)(at + 1 - s));
}

static checker find(const char *format) {
  if (!strcmp(format, "uri")) return is_uri;
  if (!strcmp(format, "uri-reference")) return is_uri_reference;
  if (!strcmp(format, "iri")) return is_iri;
  if (!strcmp(format, "iri-reference")) return is_iri_reference;
  if (!strcmp(format, "uri-template")) return is_uri_template;
  if (!strcmp(format, "idn-hostname")) return is_idn_hostname;
  if (!strcmp(format, "idn-email")) return is_idn_email;
  for (size_t i = 0; i < sizeof FORMATS / sizeof *FORMATS; i++)
    if (!strcmp(format, FORMATS[i].name)) return FORMATS[i].fn;
  return NULL;
}

bool sc_format_known(const char *format) {
  return find(format) != NULL;
}

bool sc_format_check(const char *format, const char *s, size_t len) {
  checker fn = find(format);
  return !fn || fn(s, len);
}
