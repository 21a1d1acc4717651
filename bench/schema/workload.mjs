// workload.mjs — the inputs of the JSON Schema benchmark (bench/schema/run.sh),
// written to OUT_DIR, deterministic:
//   suite.json      every required draft-07 test of the official
//                   JSON-Schema-Test-Suite (Debian's json-schema-test-suite)
//                   whose schema all three validators compile, as
//                   [{schema, instances, valid}] (remote refs and format.json left out)
//   big-schema.json a deep 2020-12 schema of an API's order list ($defs, $ref,
//                   nested objects 6 levels down, patterns, enums, uniqueItems,
//                   oneOf, additionalProperties: false)
//   big.json        a response valid against it, at least 1 MB
//   schema-10k.json a schema of more than 10,000 lines (pretty-printed): 250
//                   resources in $defs, each with a dozen typed properties
//   node workload.mjs SUITE_DIR OUT_DIR
import fs from "fs";
import path from "path";
import { createRequire } from "module";
// The validators installed for the differential test (scripts/install-schema-diff.sh).
const require = createRequire(new URL("../../tests/schema-diff/package.json", import.meta.url));
const ajvModule = require("ajv");
const Ajv07 = ajvModule.default || ajvModule;
const { Validator } = await import(require.resolve("@cfworker/json-schema"));

const [suiteDir, out] = process.argv.slice(2);
fs.mkdirSync(out, { recursive: true });

// ---- the official suite, draft-07 required tests
const skipFiles = new Set(["refRemote.json", "format.json"]);
const groups = [];
let total = 0;
for (const f of fs.readdirSync(path.join(suiteDir, "tests/draft7")).sort()) {
  if (!f.endsWith(".json") || skipFiles.has(f)) continue;
  for (const g of JSON.parse(fs.readFileSync(path.join(suiteDir, "tests/draft7", f)))) {
    if (JSON.stringify(g.schema).includes("localhost:1234")) continue;
    try {
      new Ajv07({ strict: false, validateFormats: false }).compile(g.schema);
      new Validator(g.schema, "7").validate(null);
    } catch {
      continue;
    }
    groups.push({ file: f, schema: g.schema, instances: g.tests.map((t) => t.data), valid: g.tests.map((t) => t.valid) });
    total += g.tests.length;
  }
}
fs.writeFileSync(path.join(out, "suite.json"), JSON.stringify(groups));

// ---- a deep schema and a large response
let seed = 42;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
const pick = (a) => a[Math.floor(rnd() * a.length)];
const big = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://bench.invalid/orders.json",
  type: "object",
  required: ["data", "meta"],
  additionalProperties: false,
  properties: {
    data: { type: "array", items: { $ref: "#/$defs/order" } },
    meta: {
      type: "object",
      required: ["total", "page"],
      properties: { total: { type: "integer", minimum: 0 }, page: { type: "integer", minimum: 1 }, next: { type: ["string", "null"], format: "uri" } },
    },
  },
  $defs: {
    id: { type: "string", pattern: "^[0-9a-f]{24}$" },
    money: {
      type: "object",
      required: ["amount", "currency"],
      additionalProperties: false,
      properties: { amount: { type: "number", minimum: 0 }, currency: { enum: ["EUR", "USD", "GBP", "CHF"] } },
    },
    address: {
      type: "object",
      required: ["street", "city", "country", "geo"],
      additionalProperties: false,
      properties: {
        street: { type: "string", minLength: 1, maxLength: 200 },
        city: { type: "string", minLength: 1 },
        postcode: { type: "string", pattern: "^[0-9A-Z -]{3,10}$" },
        country: { type: "string", pattern: "^[A-Z]{2}$" },
        geo: {
          type: "object",
          required: ["lat", "lon"],
          properties: {
            lat: { type: "number", minimum: -90, maximum: 90 },
            lon: { type: "number", minimum: -180, maximum: 180 },
            precision: { type: "object", properties: { meters: { type: "integer", minimum: 0 }, source: { enum: ["gps", "ip", "manual"] } } },
          },
        },
      },
    },
    line: {
      type: "object",
      required: ["sku", "qty", "price"],
      additionalProperties: false,
      properties: {
        sku: { type: "string", pattern: "^[A-Z]{3}-[0-9]{4}$" },
        qty: { type: "integer", minimum: 1, maximum: 1000 },
        price: { $ref: "#/$defs/money" },
        tags: { type: "array", items: { type: "string", maxLength: 20 }, uniqueItems: true, maxItems: 8 },
        options: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } },
      },
    },
    payment: {
      oneOf: [
        { type: "object", required: ["kind", "card"], properties: { kind: { const: "card" }, card: { type: "object", required: ["last4"], properties: { last4: { type: "string", pattern: "^[0-9]{4}$" } } } } },
        { type: "object", required: ["kind", "iban"], properties: { kind: { const: "sepa" }, iban: { type: "string", pattern: "^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$" } } },
        { type: "object", required: ["kind"], properties: { kind: { const: "invoice" } } },
      ],
    },
    order: {
      type: "object",
      required: ["id", "status", "customer", "lines", "total", "created_at"],
      additionalProperties: false,
      properties: {
        id: { $ref: "#/$defs/id" },
        status: { enum: ["new", "paid", "shipped", "delivered", "cancelled"] },
        created_at: { type: "string", format: "date-time" },
        customer: {
          type: "object",
          required: ["id", "name", "email", "address"],
          properties: { id: { $ref: "#/$defs/id" }, name: { type: "string", minLength: 1 }, email: { type: "string", format: "email" }, address: { $ref: "#/$defs/address" } },
        },
        lines: { type: "array", minItems: 1, items: { $ref: "#/$defs/line" } },
        total: { $ref: "#/$defs/money" },
        payment: { $ref: "#/$defs/payment" },
        notes: { type: ["string", "null"] },
      },
    },
  },
};
const hex = () => Array.from({ length: 24 }, () => "0123456789abcdef"[Math.floor(rnd() * 16)]).join("");
const letters = (n) => Array.from({ length: n }, () => "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[Math.floor(rnd() * 26)]).join("");
const money = () => ({ amount: Math.round(rnd() * 100000) / 100, currency: pick(["EUR", "USD", "GBP", "CHF"]) });
const orders = [];
for (let i = 0; orders.length < 2600; i++) {
  const lines = [];
  for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--)
    lines.push({ sku: `${letters(3)}-${String(1000 + Math.floor(rnd() * 9000))}`, qty: 1 + Math.floor(rnd() * 20), price: money(), tags: [...new Set([pick(["red", "blue", "sale", "new"]), pick(["xl", "s", "m"])])], options: { gift: rnd() < 0.2, engraving: "none" } });
  orders.push({
    id: hex(),
    status: pick(["new", "paid", "shipped", "delivered", "cancelled"]),
    created_at: "2026-11-30T12:34:56Z",
    customer: { id: hex(), name: `Customer ${i}`, email: `c${i}@example.com`, address: { street: `${i} Main Street`, city: pick(["Berlin", "Paris", "Bern"]), postcode: String(10000 + i), country: pick(["DE", "FR", "CH"]), geo: { lat: rnd() * 180 - 90, lon: rnd() * 360 - 180, precision: { meters: Math.floor(rnd() * 100), source: pick(["gps", "ip", "manual"]) } } } },
    lines,
    total: money(),
    payment: pick([{ kind: "card", card: { last4: "4242" } }, { kind: "sepa", iban: "DE89370400440532013000" }, { kind: "invoice" }]),
    notes: rnd() < 0.5 ? null : "leave at the door",
  });
}
const doc = { data: orders, meta: { total: orders.length, page: 1, next: null } };
fs.writeFileSync(path.join(out, "big-schema.json"), JSON.stringify(big, null, 2));
fs.writeFileSync(path.join(out, "big.json"), JSON.stringify(doc));

// ---- a schema of more than 10,000 lines
const defs = {};
for (let r = 0; r < 150; r++) {
  const props = {};
  for (let p = 0; p < 12; p++) {
    const kind = (r + p) % 6;
    props[`field_${p}`] =
      kind === 0 ? { type: "string", minLength: 1, maxLength: 64 } :
      kind === 1 ? { type: "integer", minimum: 0 } :
      kind === 2 ? { type: "string", pattern: `^[a-z]{1,${p + 2}}$` } :
      kind === 3 ? { enum: ["a", "b", "c", p] } :
      kind === 4 ? { $ref: `#/$defs/resource_${(r + 1) % 150}` } :
      { type: "array", items: { type: "number" }, maxItems: 10 };
  }
  defs[`resource_${r}`] = { type: "object", properties: props, required: ["field_0"], additionalProperties: false };
}
const tenK = { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", properties: { root: { $ref: "#/$defs/resource_0" } }, $defs: defs };
const tenKText = JSON.stringify(tenK, null, 2);
fs.writeFileSync(path.join(out, "schema-10k.json"), tenKText);
process.stderr.write(`workload: ${groups.length} suite groups, ${total} instances; big.json ${fs.statSync(path.join(out, "big.json")).size} bytes; schema-10k.json ${tenKText.split("\n").length} lines\n`);
