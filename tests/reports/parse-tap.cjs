// parse-tap.cjs FILE — parses a TAP stream with tap-parser (strict mode: a
// line that is not TAP is an error) and prints its verdict as JSON:
// { ok, count, pass, fail, skip, plan, failures: [{ name, diag }], errors }.
// Exit 0 when it parsed (whatever the verdict), 2 on bad usage.
'use strict';
const fs = require('fs');
const { Parser } = require('tap-parser');

if (process.argv.length !== 3) {
  console.error('usage: node parse-tap.cjs FILE');
  process.exit(2);
}
const p = new Parser({ strict: true }, (r) => {
  const out = {
    ok: r.ok,
    count: r.count,
    pass: r.pass,
    fail: r.fail,
    skip: r.skip,
    plan: { start: r.plan.start, end: r.plan.end },
    failures: r.failures.map((f) => ({ name: f.name, diag: f.diag || null, tapError: f.tapError || null })),
    comments: [],
  };
  process.stdout.write(JSON.stringify(out) + '\n');
});
p.on('comment', (c) => {});
p.end(fs.readFileSync(process.argv[2]));
