// ajv_verdicts.mjs — the reference side of gauntlet's JSON Schema differential test.
//
// Generates schema/instance pairs with a deterministic generator (a seeded
// PRNG: the same --seed always gives the same pairs) for the 2020-12, draft-07
// and draft-04 dialects, validates each pair with ajv (ajv/dist/2020, ajv,
// ajv-draft-04; compiled validators, formats as annotations) and prints one
// JSON line per schema:
//   {"n": 17, "dialect": "draft-07", "schema": {...}, "instances": [...], "valid": [true, ...]}
// tests/schema-diff/schema_diff.c reads these lines and compares gauntlet's
// verdict on every pair.
//
//   node ajv_verdicts.mjs [--seed N] [--schemas N] [--instances N]
//
// What the generator leaves out, and why (each is a documented difference,
// not a bug on either side; see docs/schema.md and
// tests/fixtures/schema/diff-regressions.json):
//   - fractional multipleOf divisors other than powers of two, and numbers
//     beyond 2^53: ajv divides in IEEE doubles without tolerance, gauntlet
//     accepts a quotient within 1e-9 of an integer;
//   - strings holding U+0000: cJSON ends strings at the NUL;
//   - $ref next to other keywords in draft-04/07: ajv applies the siblings,
//     the drafts say they are ignored;
//   - regexes outside the list below (ECMA-262 and PCRE2 differ in corners).
// Nor what ajv 8.20 gets wrong (found by this test, replayed against gauntlet
// by tests/fixtures/schema/diff-regressions/, where each case says why the
// specification is on gauntlet's side); see avoided() below:
//   - `contains` in the same schema object as `prefixItems` / array `items`:
//     ajv accepts an empty array although `contains` needs a matching item;
//   - `unevaluatedItems` in a schema that also uses `contains`, `if`, `anyOf`
//     or `oneOf`: ajv ignores the items `contains` matched and the
//     annotations of a passing `if`, and counts those of a `then` whose `if`
//     failed and of failed `oneOf` / `anyOf` branches;
//   - `unevaluatedProperties` with `if`: ajv counts the properties of an
//     `if` that failed;
//   - `contains` below a keyword that applies it to several values (items,
//     additionalItems, additionalProperties, patternProperties,
//     unevaluated*, contains) or in a definition: ajv's contains state carries
//     over from one value to the next.
import Ajv2020 from "ajv/dist/2020.js";
import Ajv07 from "ajv";
import Ajv04 from "ajv-draft-04";

const args = process.argv.slice(2);
function opt(name, def) {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
}
const SEED = opt("--seed", 1);
const N_SCHEMAS = opt("--schemas", 1000);
const N_INSTANCES = opt("--instances", 8);

// mulberry32: small, fast, deterministic.
let state = SEED >>> 0;
function rnd() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = (a) => a[Math.floor(rnd() * a.length)];
const chance = (p) => rnd() < p;

const TYPES = ["null", "boolean", "integer", "number", "string", "array", "object"];
const KEYS = ["a", "b", "c", "d", "é", "ab"];
const STRINGS = ["", "a", "b", "ab", "abc", "aaaa", "é", "éé", "😀", "a😀", "1", "12", "x y", "A1", "zzzzzzz", "b$"];
const NUMBERS = [0, 1, 2, 3, -1, -5, 7, 10, 0.5, 1.5, 2.25, -0.5, 12, 100, 4];
// Valid ECMA-262 (u flag) regexes that mean the same under gauntlet's PCRE2 translation.
const PATTERNS = ["^a", "b$", "^[a-c]+$", "\\d", "^\\w+$", "x|y", "^.{2,4}$", "é", "^[^a]*$",
  "(ab)+", "\\s", "^\\p{L}+$", "^$", "a{2}", "[😀]", "^\\S+$", "^(a|b)*$", "\\bab"];
const FORMATS = ["email", "date-time", "uuid", "ipv4", "hostname", "nonsense-format"];

function randomValue(depth) {
  const r = rnd();
  if (depth <= 0 || r < 0.55) {
    const s = rnd();
    if (s < 0.1) return null;
    if (s < 0.2) return chance(0.5);
    if (s < 0.55) return pick(NUMBERS);
    return pick(STRINGS);
  }
  if (r < 0.78) {
    const n = int(0, 4);
    const a = [];
    for (let i = 0; i < n; i++) a.push(randomValue(depth - 1));
    return a;
  }
  const o = {};
  const n = int(0, 4);
  for (let i = 0; i < n; i++) o[pick(KEYS)] = randomValue(depth - 1);
  return o;
}

class Gen {
  constructor(dialect) {
    this.d = dialect;
    this.d4 = dialect === "draft-04";
    this.d2020 = dialect === "2020-12";
    this.defs = null; // names of the root's definitions
  }
  defsKey() {
    return this.d2020 ? "$defs" : "definitions";
  }
  // A subschema. `descends`: it applies to a part of the instance (items,
  // property values...), so a $ref there cannot loop on the same value;
  // elsewhere (allOf, not, if...) no $ref is generated.
  sub(depth, descends) {
    if (!this.d4 && chance(0.08)) return chance(0.7);
    if (descends && this.defs && chance(0.15)) return this.ref(true);
    return this.schema(depth - 1);
  }
  ref(anyTarget) {
    const name = pick(anyTarget ? this.defs : this.defs.filter((d) => d !== "#"));
    return { $ref: name === "#" ? "#" : `#/${this.defsKey()}/${name}` };
  }
  schema(depth) {
    const s = {};
    const n = depth <= 0 ? int(1, 2) : int(1, 4);
    for (let i = 0; i < n; i++) this.keyword(s, depth);
    return s;
  }
  keyword(s, depth) {
    const groups = ["type", "type", "enum", "num", "str", "arr", "arr", "obj", "obj", "obj"];
    if (depth > 0) groups.push("comb", "comb", "not");
    if (!this.d4) groups.push("const");
    if (this.d === "draft-07" || this.d2020) groups.push("if");
    if (this.d2020 && depth > 0) groups.push("uneval", "refsib");
    groups.push("format");
    switch (pick(groups)) {
      case "type":
        s.type = chance(0.7) ? pick(TYPES) : [...new Set([pick(TYPES), pick(TYPES)])];
        break;
      case "enum": {
        const vals = [];
        const seen = new Set();
        for (let i = int(1, 4); i > 0; i--) {
          const v = randomValue(1);
          const k = JSON.stringify(v);
          if (!seen.has(k)) seen.add(k), vals.push(v);
        }
        s.enum = vals;
        break;
      }
      case "const":
        s.const = randomValue(1);
        break;
      case "num": {
        const k = pick(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]);
        if (k === "multipleOf") s.multipleOf = pick([1, 2, 3, 5, 0.5, 0.25]);
        else if (this.d4 && k.startsWith("exclusive")) {
          const base = k === "exclusiveMinimum" ? "minimum" : "maximum";
          s[base] = pick(NUMBERS);
          s[k] = chance(0.6);
        } else s[k] = pick(NUMBERS);
        break;
      }
      case "str": {
        const k = pick(["minLength", "maxLength", "pattern", "pattern"]);
        s[k] = k === "pattern" ? pick(PATTERNS) : int(0, 5);
        break;
      }
      case "format":
        s.format = pick(FORMATS);
        break;
      case "arr":
        this.arrayKeyword(s, depth);
        break;
      case "obj":
        this.objectKeyword(s, depth);
        break;
      case "comb": {
        const k = pick(["allOf", "anyOf", "oneOf"]);
        s[k] = [];
        for (let i = int(1, 3); i > 0; i--) s[k].push(this.sub(depth));
        break;
      }
      case "not":
        s.not = this.sub(depth);
        break;
      case "if":
        s.if = this.sub(depth);
        if (chance(0.8)) s.then = this.sub(depth);
        if (chance(0.6)) s.else = this.sub(depth);
        break;
      case "uneval":
        if (chance(0.5)) s.unevaluatedProperties = this.sub(depth, true);
        else s.unevaluatedItems = this.sub(depth, true);
        break;
      case "refsib": // 2020-12 only: $ref with sibling keywords (never to "#" or from a definition: no loop)
        if (this.defs && !this.inDefs) Object.assign(s, this.ref(false));
        break;
    }
  }
  arrayKeyword(s, depth) {
    const k = pick(["items", "items", "tuple", "minItems", "maxItems", "uniqueItems", "contains"]);
    if (k === "items") s.items = this.sub(depth, true);
    else if (k === "tuple") {
      const t = [];
      for (let i = int(1, 3); i > 0; i--) t.push(this.sub(depth, true));
      if (this.d2020) {
        s.prefixItems = t;
        if (chance(0.5)) s.items = this.sub(depth, true);
      } else {
        s.items = t;
        if (chance(0.5)) s.additionalItems = chance(0.5) ? chance(0.5) : this.sub(depth, true);
      }
    } else if (k === "minItems" || k === "maxItems") s[k] = int(0, 4);
    else if (k === "uniqueItems") s.uniqueItems = chance(0.8);
    else if (!this.d4) {
      s.contains = this.sub(depth, true);
      if (this.d2020 && chance(0.5)) s.minContains = int(0, 3);
      if (this.d2020 && chance(0.4)) s.maxContains = int(0, 3);
    }
  }
  objectKeyword(s, depth) {
    const ks = ["properties", "properties", "required", "additionalProperties", "patternProperties",
      "minProperties", "maxProperties", "deps"];
    if (!this.d4) ks.push("propertyNames");
    const k = pick(ks);
    if (k === "properties") {
      s.properties = {};
      for (let i = int(1, 3); i > 0; i--) s.properties[pick(KEYS)] = this.sub(depth, true);
    } else if (k === "required") {
      const r = [...new Set([pick(KEYS), pick(KEYS)])];
      s.required = this.d4 ? r : chance(0.1) ? [] : r; // draft-04: at least one name
    } else if (k === "additionalProperties") {
      s.additionalProperties = chance(0.5) ? chance(0.4) : this.sub(depth, true);
      if (chance(0.7)) {
        s.properties = s.properties || {};
        s.properties[pick(KEYS)] = this.sub(depth, true);
      }
    } else if (k === "patternProperties") {
      s.patternProperties = { [pick(["^a", "^[bc]$", "d", "é", "^.$"])]: this.sub(depth, true) };
    } else if (k === "minProperties" || k === "maxProperties") s[k] = int(0, 3);
    else if (k === "propertyNames") {
      s.propertyNames = chance(0.3)
        ? chance(0.5)
        : { [pick(["maxLength", "pattern", "enum"])]: pick([1, "^a", ["a", "b", "é"]]) };
      const v = s.propertyNames;
      if (v.maxLength !== undefined && typeof v.maxLength !== "number") v.maxLength = 1;
      if (v.pattern !== undefined && typeof v.pattern !== "string") v.pattern = "^a";
      if (v.enum !== undefined && !Array.isArray(v.enum)) v.enum = ["a", "b"];
    } else {
      const on = pick(KEYS);
      const arrayForm = chance(0.5);
      const names = [...new Set([pick(KEYS), pick(KEYS)])];
      if (this.d2020) {
        if (arrayForm) s.dependentRequired = { [on]: names };
        else s.dependentSchemas = { [on]: this.sub(depth) };
      } else {
        s.dependencies = { [on]: arrayForm ? names : this.sub(depth) };
      }
    }
  }
  root() {
    this.defs = null;
    const defs = {};
    if (chance(0.35)) {
      this.defs = ["#"];
      const gen2 = int(1, 2);
      for (let i = 0; i < gen2; i++) {
        const name = `d${i}`;
        this.defs.push(name);
      }
      this.inDefs = true;
      for (const name of this.defs) if (name !== "#") defs[name] = this.schema(1);
      this.inDefs = false;
    }
    const s = this.schema(int(1, 3));
    if (this.defs) s[this.defsKey()] = defs;
    return s;
  }
}

// true when the schema holds a pattern ajv 8.20 judges wrongly (see the top).
const LOOPING = new Set(["items", "additionalItems", "additionalProperties", "patternProperties",
  "unevaluatedItems", "unevaluatedProperties", "contains", "definitions", "$defs"]);
function avoided(root) {
  let tupleContains = false, loopedContains = false;
  const seen = new Set();
  (function walk(x, looped) {
    if (!x || typeof x !== "object") return;
    if (Array.isArray(x)) {
      for (const v of x) walk(v, looped);
      return;
    }
    if (x.contains !== undefined && (x.prefixItems || Array.isArray(x.items))) tupleContains = true;
    if (x.contains !== undefined && looped) loopedContains = true;
    for (const [k, v] of Object.entries(x)) {
      seen.add(k);
      walk(v, looped || LOOPING.has(k));
    }
  })(root, false);
  const unevalItemsTrap = ["contains", "if", "anyOf", "oneOf"].some((k) => seen.has(k));
  return (
    tupleContains ||
    loopedContains ||
    (seen.has("unevaluatedItems") && unevalItemsTrap) ||
    (seen.has("unevaluatedProperties") && seen.has("if"))
  );
}

// An instance: half random, half guided by the schema (so both verdicts are common).
function guided(s, depth) {
  if (s === true || s === false || !s || typeof s !== "object") return randomValue(depth);
  if (s.const !== undefined && chance(0.7)) return s.const;
  if (s.enum && chance(0.7)) return pick(s.enum);
  const t = Array.isArray(s.type) ? pick(s.type) : s.type;
  const wantObject = t === "object" || s.properties || s.required || s.patternProperties;
  const wantArray = t === "array" || s.items || s.prefixItems || s.contains;
  if (depth > 0 && wantObject && chance(0.8)) {
    const o = {};
    for (const [k, v] of Object.entries(s.properties || {})) if (chance(0.75)) o[k] = guided(v, depth - 1);
    for (const k of s.required || []) if (!(k in o) && chance(0.8)) o[k] = randomValue(depth - 1);
    if (chance(0.3)) o[pick(KEYS)] = randomValue(depth - 1);
    return o;
  }
  if (depth > 0 && wantArray && chance(0.8)) {
    const a = [];
    const tuple = s.prefixItems || (Array.isArray(s.items) ? s.items : null);
    if (tuple) for (const sub of tuple) if (chance(0.85)) a.push(guided(sub, depth - 1));
    const each = Array.isArray(s.items) ? null : s.items;
    for (let i = int(0, 3); i > 0; i--) a.push(each ? guided(each, depth - 1) : randomValue(depth - 1));
    if (s.uniqueItems && chance(0.3) && a.length) a.push(a[0]);
    return a;
  }
  if (t === "integer") return pick([0, 1, 2, 3, -1, 4, 10, 12, 100, -5]);
  if (t === "number") return pick(NUMBERS);
  if (t === "string") return pick(STRINGS);
  if (t === "boolean") return chance(0.5);
  if (t === "null") return null;
  for (const k of ["allOf", "anyOf", "oneOf"]) if (s[k] && chance(0.6)) return guided(pick(s[k]), depth);
  return randomValue(depth);
}

const opts = { strict: false, validateFormats: false, allErrors: false };
const validators = {
  "2020-12": new Ajv2020(opts),
  "draft-07": new Ajv07(opts),
  "draft-04": new Ajv04(opts),
};
const dialects = ["2020-12", "draft-07", "draft-04"];
const out = [];
for (let n = 0; n < N_SCHEMAS; n++) {
  const dialect = dialects[n % 3];
  let schema = new Gen(dialect).root();
  while (avoided(schema)) schema = new Gen(dialect).root();
  let validate;
  try {
    validate = validators[dialect].compile(schema);
  } catch (e) {
    // ajv rejects it: not a pair to compare (recorded so the C side can count it)
    out.push(JSON.stringify({ n, dialect, schema, rejected: String(e.message || e) }));
    continue;
  }
  const instances = [];
  for (let i = 0; i < N_INSTANCES; i++) instances.push(chance(0.5) ? guided(schema, 3) : randomValue(3));
  let valid;
  try {
    valid = instances.map((x) => validate(x) === true);
  } catch (e) {
    out.push(JSON.stringify({ n, dialect, schema, rejected: "ajv threw: " + String(e.message || e) }));
    continue;
  }
  out.push(JSON.stringify({ n, dialect, schema, instances, valid }));
  if (out.length >= 500) {
    process.stdout.write(out.join("\n") + "\n");
    out.length = 0;
  }
}
if (out.length) process.stdout.write(out.join("\n") + "\n");
