// validate-report.cjs KIND FILE... — validates gauntlet's own JSON documents
// against the schemas shipped in docs/ with ajv (JSON Schema 2020-12) and
// ajv-formats: KIND `report` (docs/report.schema.json, `--json FILE`) or
// `coverage` (docs/coverage.schema.json, `--coverage FILE`, which refers to
// report.schema.json's $defs/coverage: both are loaded). Exit 0 when every
// file is valid, 1 when one is not (the errors are printed), 2 on bad usage
// or an unreadable file.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv2020 = require('ajv/dist/2020');
const addFormats = require('ajv-formats');

const [kind, ...files] = process.argv.slice(2);
if (!['report', 'coverage'].includes(kind) || files.length === 0) {
  console.error('usage: node validate-report.cjs report|coverage FILE...');
  process.exit(2);
}
const docs = path.join(__dirname, '..', '..', 'docs');
const load = (name) => JSON.parse(fs.readFileSync(path.join(docs, name), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const report = load('report.schema.json');
ajv.addSchema(report);
const validate = kind === 'report' ? ajv.getSchema(report.$id) : ajv.compile(load('coverage.schema.json'));
let bad = 0;
for (const f of files) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(f, 'utf8'));
  } catch (e) {
    console.error(`${f}: ${e.message}`);
    process.exit(2);
  }
  if (validate(doc)) {
    console.log(`${f}: valid ${kind}`);
  } else {
    bad++;
    console.log(`${f}: INVALID ${kind}`);
    for (const e of validate.errors) console.log(`  ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
process.exit(bad ? 1 : 0);
