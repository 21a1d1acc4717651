// validate-sarif.cjs SARIF_FILE... — validates each file against the OASIS
// SARIF 2.1.0 JSON schema (sarif-schema-2.1.0.json beside this file) with
// ajv (draft-07) and ajv-formats. Exit 0 when every file is valid, 1 when
// one is not (the errors are printed), 2 on bad usage or an unreadable file.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node validate-sarif.cjs SARIF_FILE...');
  process.exit(2);
}
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'sarif-schema-2.1.0.json'), 'utf8'));
// One `pattern` of the OASIS schema is not a valid ECMAScript regular
// expression under the `u` flag: compile patterns without it.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);
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
    console.log(`${f}: valid SARIF 2.1.0`);
  } else {
    bad++;
    console.log(`${f}: INVALID`);
    for (const e of validate.errors) console.log(`  ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
process.exit(bad ? 1 : 0);
