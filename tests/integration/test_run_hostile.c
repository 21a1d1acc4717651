/* test_run_hostile.c — hostile servers (target_api --hostile MODE): for each
 * answer, the exact outcome (failure or error), the check or transport type
 * named, the reason, a bounded wall time and peak memory of the gauntlet
 * process, how many requests reached the target, and a report that still
 * validates and shows hostile bytes as visible escapes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "support.h"

#define MAX_TEXTS 6
#define RSS_LIMIT_KB (100L * 1024) /* "memory stays bounded": 100 MB */

typedef struct hostile_spec {
  const char *mode;
  bool raw;            /* served by target_api's raw listener (no request count there) */
  const char *fixture; /* under tests/fixtures/integration/ */
  ts_outcome outcome;
  const char *type;                    /* exact type attribute */
  const char *message;                 /* substring of the (unescaped) message */
  const char *detail[MAX_TEXTS];       /* substrings of the failure/error body */
  const char *report[MAX_TEXTS];       /* substrings of the raw XML (escaped forms) */
  const char *report_never[MAX_TEXTS]; /* must not appear in the raw XML */
  double min_s, max_s;                 /* wall time of the whole gauntlet run */
  const char *extra_arg;               /* one more gauntlet option, or NULL */
  int requests;                        /* requests the target must see (0: exactly 1) */
} hostile_spec;

static void expect_texts(const char *mode, const char *what, const char *hay,
                         const char *const needles[], bool present) {
  for (size_t i = 0; i < MAX_TEXTS && needles[i]; i++) {
    bool found = hay && strstr(hay, needles[i]) != NULL;
    cr_expect(found == present, "[%s] %s %s '%s'\n--- %s:\n%s", mode, what,
              present ? "lacks" : "contains", needles[i], what, hay ? hay : "(none)");
  }
}

static void run_hostile(const hostile_spec *s) {
  char *dir = ts_tempdir();
  cr_assert(dir);
  ts_target t;
  int port;
  int raw_port = s->raw ? ts_free_port() : 0;
  char rp[16];
  snprintf(rp, sizeof rp, "%d", raw_port);
  const char *args[] = {"--hostile", s->mode, s->raw ? "--raw-http-port" : NULL, rp, NULL};
  cr_assert(ts_api_start(&t, dir, &port, args), "target_api did not start");
  if (s->raw) cr_assert(ts_port_open(raw_port, 3000));
  char *junit = ts_fmt("%s/junit.xml", dir);
  char *suite = ts_fmt("%s/tests/fixtures/integration/%s", SOURCE_DIR, s->fixture);
  char *base = ts_fmt("BASE_URL=http://127.0.0.1:%d", s->raw ? raw_port : port);
  const char *env[] = {base, NULL};
  const char *gargs[] = {"run",
                         "--junit",
                         junit,
                         "--timeout",
                         "2s",
                         s->extra_arg ? s->extra_arg : suite,
                         s->extra_arg ? suite : NULL,
                         NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, gargs, env, 60000);

  cr_expect(!g.timed_out, "[%s] gauntlet hung", s->mode);
  /* Hostile bytes reach the console only as escapes (a `near:` snippet of a
   * binary body once printed raw invalid UTF-8). */
  size_t out_len = g.out ? strlen(g.out) : 0;
  size_t bad = g.out ? gt_utf8_invalid_at(g.out, out_len) : 0;
  cr_expect(bad == out_len, "[%s] console output has invalid UTF-8 at byte %zu: %s", s->mode, bad,
            g.out ? g.out : "");
  cr_expect(g.elapsed >= s->min_s && g.elapsed <= s->max_s, "[%s] took %.2f s, expected %.1f-%.1f",
            s->mode, g.elapsed, s->min_s, s->max_s);
  cr_expect_eq(g.exit_code, 1, "[%s] exit %d\nstderr: %s", s->mode, g.exit_code, g.err);
  cr_expect(g.max_rss_kb > 0 && g.max_rss_kb < RSS_LIMIT_KB, "[%s] gauntlet peak RSS %ld kB",
            s->mode, g.max_rss_kb);
  /* One request, no retry, no redirect followed. */
  if (!s->raw)
    cr_expect_eq(ts_api_count(port), s->requests ? s->requests : 1,
                 "[%s] requests seen by the target", s->mode);

  ts_junit j;
  if (ts_junit_load(junit, &j)) {
    cr_expect_eq(j.n, 1, "[%s] %zu cases", s->mode, j.n);
    const ts_case *c = ts_junit_find(&j, "hostile [valid]");
    cr_expect(c, "[%s] case missing", s->mode);
    if (c) {
      cr_expect(c->outcome == s->outcome, "[%s] expected %s, got %s (%s)", s->mode,
                ts_outcome_name(s->outcome), ts_outcome_name(c->outcome),
                c->message ? c->message : "");
      cr_expect(c->type && !strcmp(c->type, s->type), "[%s] type '%s', expected '%s'", s->mode,
                c->type ? c->type : "(none)", s->type);
      cr_expect(c->message && strstr(c->message, s->message), "[%s] message '%s' lacks '%s'",
                s->mode, c->message ? c->message : "(none)", s->message);
      cr_expect(c->message && !strchr(c->message, '\n'), "[%s] message spans lines", s->mode);
      expect_texts(s->mode, "failure body", c->body, s->detail, true);
    }
    expect_texts(s->mode, "report", j.raw, s->report, true);
    expect_texts(s->mode, "report", j.raw, s->report_never, false);
    /* "]]>" may never appear in XML character data. */
    cr_expect(!strstr(j.raw, "]]>"), "[%s] raw ]]> in the report", s->mode);
    cr_expect(ts_junit_validates(junit), "[%s] report does not validate", s->mode);
    ts_junit_free(&j);
  } else {
    cr_expect_fail("[%s] no report written\nstderr: %s", s->mode, g.err);
  }
  cr_expect(ts_target_stop(&t), "[%s] target died", s->mode);
  ts_gauntlet_free(&g);
  ts_rmtree(dir);
  free(dir);
  free(junit);
  free(suite);
  free(base);
}

/* 200 MiB sent chunked: the size in the reason can only come from counting;
 * 1 MiB is kept (default --body-cap), so memory stays far below the body. */
Test(run_hostile, huge_body, .timeout = 120) {
  hostile_spec s = {
      .mode = "huge_body",
      .fixture = "hostile.yaml",
      .outcome = TS_CASE_FAILURE,
      .type = "json_parses",
      .message = "json_parses $: expected valid JSON, got body larger than cap (209715200 bytes)",
      .detail = {"json_parses at $\n  expected: valid JSON\n"
                 "  actual:   body larger than cap (209715200 bytes)"},
      .report = {"Transfer-Encoding: chunked", "[... 209711104 more bytes of body not shown]"},
      .max_s = 30,
  };
  run_hostile(&s);
}

Test(run_hostile, binary_json, .timeout = 120) {
  hostile_spec s = {
      .mode = "binary_json",
      .fixture = "hostile.yaml",
      .outcome = TS_CASE_FAILURE,
      .type = "json_parses",
      .message = "got invalid JSON at byte 0 (unexpected character) near: \\xff",
      .detail =
          {"json_parses at $\n  expected: valid JSON\n  actual:   invalid JSON at byte 0",
           "utf8 at body\n  expected: valid UTF-8\n  actual:   invalid byte 0xff at offset 0"},
      .report = {"Content-Length: 4096", "&lt;\n\\xff"},
      .max_s = 15,
  };
  run_hostile(&s);
}

/* NUL, ]]>, invalid UTF-8 and C0 controls in the body (and X-Weird). */
Test(run_hostile, control_chars, .timeout = 120) {
  hostile_spec s = {
      .mode = "control_chars",
      .fixture = "hostile.yaml",
      .outcome = TS_CASE_FAILURE,
      .type = "json_parses",
      .message = "invalid JSON at byte 8 (control character in string)",
      .detail =
          {"json_parses at $\n  expected: valid JSON\n  actual:   invalid JSON at byte 8",
           "utf8 at body\n  expected: valid UTF-8\n  actual:   invalid byte 0xff at offset 15"},
      /* The whole body, NUL included, escaped; the header too. */
      .report = {"{&quot;s&quot;: &quot;a#x00b ]]&gt; \\xff\\xfe #x01#x1B end&quot;}",
                 "X-Weird: a#x01b\\xffc]]&gt; &lt;&amp;&quot; #x1Bend"},
      .max_s = 15,
  };
  run_hostile(&s);
}

/* A valid body under a header value with controls, ]]>, \xff and XML
 * metacharacters: the header expectation fails and shows the bytes. */
Test(run_hostile, header_chars, .timeout = 120) {
  hostile_spec s = {
      .mode = "header_chars",
      .fixture = "hostile_header.yaml",
      .outcome = TS_CASE_FAILURE,
      .type = "headers",
      .message = "headers header X-Weird: expected plain, got a\\x01b\\xffc]]> <&\" \\x1bend",
      .detail = {"headers at header X-Weird\n  expected: plain\n"
                 "  actual:   a\\x01b\\xffc]]> <&\" \\x1bend\n"},
      .report = {"X-Weird: a#x01b\\xffc]]&gt; &lt;&amp;&quot; #x1Bend", "{&quot;ok&quot;:true}"},
      .report_never = {"json at", "json_parses at"},
      .max_s = 15,
  };
  run_hostile(&s);
}

/* A NUL inside a header value: libcurl refuses the response. */
Test(run_hostile, header_nul, .timeout = 120) {
  hostile_spec s = {
      .mode = "header_nul",
      .raw = true,
      .fixture = "hostile.yaml",
      .outcome = TS_CASE_ERROR,
      .type = "transport",
      .message = "transport: Weird server reply: Nul byte in header",
      .detail = {"transport at connection\n  expected: a response with status 200\n"},
      .max_s = 15,
  };
  run_hostile(&s);
}

/* Status line and headers one byte per second: --timeout 2s ends it. */
Test(run_hostile, slow_headers, .timeout = 120) {
  hostile_spec s = {
      .mode = "slow_headers",
      .raw = true,
      .fixture = "hostile.yaml",
      .outcome = TS_CASE_ERROR,
      .type = "timeout",
      .message = "timeout: Timeout was reached",
      .detail = {"transport at connection\n  expected: a response with status 200\n"
                 "  actual:   timed out"},
      .min_s = 1.9,
      .max_s = 5,
  };
  run_hostile(&s);
}

Test(run_hostile, trickle_body, .timeout = 120) {
  hostile_spec s = {
      .mode = "trickle_body",
      .fixture = "hostile.yaml",
      .outcome = TS_CASE_ERROR,
      .type = "timeout",
      .message = "timeout: Timeout was reached: Operation timed out after 2",
      .detail = {"  actual:   timed out"},
      .min_s = 1.9,
      .max_s = 5,
  };
  run_hostile(&s);
}

/* Content-Length 10000, 100 bytes, then the connection closes (FIN). */
Test(run_hostile, reset_mid_body, .timeout = 120) {
  hostile_spec s = {
      .mode = "reset_mid_body",
      .fixture = "hostile.yaml",
      .outcome = TS_CASE_ERROR,
      .type = "connection",
      .message = "transfer closed with 9900 bytes remaining to read",
      .detail = {"  actual:   connection reset: "},
      .max_s = 15,
  };
  run_hostile(&s);
}

/* Content-Length 10000, 100 bytes, then a TCP RST. */
Test(run_hostile, rst_mid_body, .timeout = 120) {
  hostile_spec s = {
      .mode = "rst_mid_body",
      .raw = true,
      .fixture = "hostile.yaml",
      .outcome = TS_CASE_ERROR,
      .type = "connection",
      .message = "Connection reset by peer",
      .detail = {"  actual:   connection reset: "},
      .max_s = 15,
  };
  run_hostile(&s);
}

/* 302 to itself: not followed; the case judges the 302 (count == 1 above). */
Test(run_hostile, redirect_loop, .timeout = 120) {
  hostile_spec s = {
      .mode = "redirect_loop",
      .fixture = "hostile.yaml",
      .outcome = TS_CASE_FAILURE,
      .type = "status",
      .message = "status: expected 200, got 302",
      .report = {"&lt; HTTP/1.1 302\n", "Location: /v1/hostile"},
      .max_s = 15,
  };
  run_hostile(&s);
}

/* Asked to follow: bounded at 5 redirects, then the case errors. */
Test(run_hostile, redirect_loop_followed_is_bounded, .timeout = 120) {
  hostile_spec s = {
      .mode = "redirect_loop",
      .fixture = "hostile.yaml",
      .outcome = TS_CASE_ERROR,
      .type = "transport",
      .message = "Maximum (5) redirects followed",
      .extra_arg = "--follow-redirects",
      .requests = 6,
      .max_s = 15,
  };
  run_hostile(&s);
}

/* 200 MiB of zeros gzip'd (about 200 KB on the wire): decoded only up to the
 * 1 MiB cap, then the transfer is stopped; the case fails with the reason,
 * in bounded time and memory. */
Test(run_hostile, gzip_bomb, .timeout = 120) {
  hostile_spec s = {
      .mode = "gzip_bomb",
      .fixture = "hostile.yaml",
      .outcome = TS_CASE_FAILURE,
      .type = "json_parses",
      .message = "got body decoded from Content-Encoding gzip grew past the cap (1048576 bytes): "
                 "decoding stopped (a compression bomb?)",
      .detail = {"json_parses at $\n  expected: valid JSON\n  actual:   body decoded from "
                 "Content-Encoding gzip grew past the cap"},
      .report = {"Content-Encoding: gzip", "X-Seen-Accept-Encoding: gzip, deflate",
                 "[body decoded from Content-Encoding: gzip; decoding stopped at the cap]",
                 "#x00#x00#x00"},
      .max_s = 15,
  };
  run_hostile(&s);
}

Test(run_hostile, trailing_garbage, .timeout = 120) {
  hostile_spec s = {
      .mode = "trailing_garbage",
      .fixture = "hostile.yaml",
      .outcome = TS_CASE_FAILURE,
      .type = "json_parses",
      .message = "got invalid JSON at byte 12 (trailing data after the JSON value) near: {\"ok\": "
                 "true}garbage",
      .detail = {"json_parses at $\n  expected: valid JSON\n"
                 "  actual:   invalid JSON at byte 12 (trailing data after the JSON value)"},
      .report = {"{&quot;ok&quot;: true}garbage\n"},
      .report_never = {"utf8 at"},
      .max_s = 15,
  };
  run_hostile(&s);
}
