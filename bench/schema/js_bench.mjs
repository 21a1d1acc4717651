// js_bench.mjs — one JavaScript validator on one task of the JSON Schema
// benchmark (bench/schema/run.sh). Prints one JSON line:
//   {"validator", "task", "validations", "cpu_s", "per_s", "valid", ...}
// CPU time (process.cpuUsage) of the timed part only: the machine may be shared.
//   node js_bench.mjs ajv|cfworker suite|big|compile WORK_DIR REPEAT
//   suite:   compile every official-suite schema once, then validate all its
//            instances REPEAT times
//   big:     compile big-schema.json, validate big.json REPEAT times
//   compile: compile schema-10k.json REPEAT times (ajv: generated code;
//            cfworker: the Validator plus its first validation, as it works lazily)
import fs from "fs";
import path from "path";
import { createRequire } from "module";

const require = createRequire(new URL("../../tests/schema-diff/package.json", import.meta.url));
const load = (name) => {
  const m = require(name);
  return m.default || m;
};
const Ajv07 = load("ajv");
const Ajv2020 = load("ajv/dist/2020");
const { Validator } = await import(require.resolve("@cfworker/json-schema"));

const [which, task, dir, repeatText] = process.argv.slice(2);
const repeat = Number(repeatText);
const read = (f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const opts = { strict: false, validateFormats: false };

// A compiled validator: instance -> boolean.
function compile(schema, draft) {
  if (which === "ajv") {
    const ajv = draft === "2020-12" ? new Ajv2020(opts) : new Ajv07(opts);
    return ajv.compile(schema);
  }
  const v = new Validator(schema, draft === "2020-12" ? "2020-12" : "7", true);
  return (x) => v.validate(x).valid;
}

const result = { validator: which === "ajv" ? "ajv 8.20.0 (compiled)" : "@cfworker/json-schema 4.1.6", task };
if (task === "suite") {
  const groups = read("suite.json");
  const fns = groups.map((g) => compile(g.schema, "7"));
  let valid = 0, agree = 0, n = 0;
  groups.forEach((g, i) => g.instances.forEach((x, k) => { const v = fns[i](x); valid += v; agree += v === g.valid[k]; n++; }));
  const t0 = cpu();
  let count = 0, validTotal = 0; // the verdicts are summed so no call can be dropped
  for (let r = 0; r < repeat; r++)
    for (let i = 0; i < groups.length; i++) {
      const f = fns[i];
      for (const x of groups[i].instances) { validTotal += f(x) ? 1 : 0; count++; }
    }
  const s = cpu() - t0;
  Object.assign(result, { validations: count, cpu_s: s, per_s: count / s, valid, agree_with_suite: agree, instances: n, valid_total: validTotal });
} else if (task === "big") {
  const f = compile(read("big-schema.json"), "2020-12");
  const doc = read("big.json");
  const valid = f(doc);
  const t0 = cpu();
  let validRuns = 0;
  for (let r = 0; r < repeat; r++) validRuns += f(doc) ? 1 : 0;
  const s = cpu() - t0;
  Object.assign(result, { validations: repeat, cpu_s: s, per_s: repeat / s, ms_each: (s / repeat) * 1000, valid, valid_runs: validRuns });
} else {
  const text = fs.readFileSync(path.join(dir, "schema-10k.json"), "utf8");
  const times = [];
  for (let r = 0; r < repeat; r++) {
    const t0 = cpu();
    const f = compile(JSON.parse(text), "2020-12");
    f({ root: { field_0: "x" } });
    times.push(cpu() - t0);
  }
  times.sort((a, b) => a - b);
  Object.assign(result, { compiles: repeat, median_ms: times[Math.floor(times.length / 2)] * 1000, lines: text.split("\n").length });
}
console.log(JSON.stringify(result));
