/* test_cleartext.c — a run refuses, before sending anything, to send a
 * profile's credential over plain http:// to a host that is not loopback
 * (harness/run/cleartext.c): unless the profile says the API is plain HTTP
 * or the run passes --allow-plain-http; an empty credential or a loopback
 * host is fine; the error names the suite file's base_url position and
 * never the credential. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "run/run.h"
#include "suite/suite.h"

static gt_suite *load(const char *base, const char *token, const char *transport) {
  char *yaml = NULL;
  if (asprintf(&yaml,
               "suite: s\nbase_url: %s\nprofile:\n  auth: { scheme: bearer, token: \"%s\" }\n%s"
               "scenarios:\n  - name: a\n    request: { method: GET, path: /x }\n",
               base, token, transport) < 0)
    return NULL;
  gt_err e = {0};
  gt_suite *s = gt_suite_load_string("clear.yaml", yaml, strlen(yaml), NULL, &e);
  cr_assert_not_null(s, "%s", e.msg);
  free(yaml);
  return s;
}

static bool allowed(const char *base, const char *token, const char *transport,
                    const gt_run_opts *o, gt_err *e) {
  gt_suite *s = load(base, token, transport);
  gt_suite *list[] = {s};
  bool ok = gt_run_check_cleartext(list, 1, o, e);
  gt_suite_free(s);
  return ok;
}

Test(cleartext, a_credential_over_plain_http_to_another_host_is_refused) {
  gt_run_opts o = {0};
  gt_err e = {0};
  cr_expect_not(allowed("http://api.example.com/v1", "s3cr3t-token", "", &o, &e));
  cr_expect_eq(e.kind, GT_ERR_INPUT);
  cr_expect_eq(e.line, 2);
  cr_expect(strstr(e.msg, "plain HTTP to http://api.example.com") &&
                strstr(e.msg, "nothing was sent") && !strstr(e.msg, "s3cr3t"),
            "%s", e.msg);
  /* user:password@ in the URL is not repeated */
  e = (gt_err){0};
  cr_expect_not(allowed("http://u:pw@10.1.2.3:8080/v1", "t", "", &o, &e));
  cr_expect(strstr(e.msg, "http://10.1.2.3:8080,") && !strstr(e.msg, "pw"), "%s", e.msg);
  /* --base-url: a usage error, no position */
  o.base_url = "http://192.0.2.7";
  e = (gt_err){0};
  cr_expect_not(allowed("https://api.example.com", "t", "", &o, &e));
  cr_expect_eq(e.kind, GT_ERR_USAGE);
}

Test(cleartext, https_loopback_no_credential_or_an_explicit_yes_are_allowed) {
  gt_run_opts o = {0};
  gt_err e = {0};
  cr_expect(allowed("https://api.example.com/v1", "t", "", &o, &e));
  cr_expect(allowed("http://127.0.0.1:8080/v1", "t", "", &o, &e));
  cr_expect(allowed("http://localhost:8080", "t", "", &o, &e));
  cr_expect(allowed("http://[::1]:8080", "t", "", &o, &e));
  cr_expect(allowed("http://api.example.com", "", "", &o, &e), "an empty credential");
  cr_expect(allowed("http://api.example.com", "${UNSET_IN_THIS_TEST:-}", "", &o, &e));
  cr_expect(allowed("http://api.example.com", "t", "  transport: { https_only: false }\n", &o, &e));
  cr_expect_not(
      allowed("http://api.example.com", "t", "  transport: { https_only: true }\n", &o, &e));
  o.allow_plain_http = true;
  cr_expect(allowed("http://api.example.com", "t", "", &o, &e));
}
