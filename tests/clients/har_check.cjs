// Checks a HAR file the way a HAR consumer does: har-validator (the HAR 1.2
// JSON Schema used by the `request` library and HAR tools).
//   node har_check.cjs FILE     exit 0 valid, 1 invalid (errors printed)
'use strict';
const fs = require('fs');
const validate = require('har-validator');

const har = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
validate.har(har).then(
  () => console.log('valid HAR', har.log.version, 'with', har.log.entries.length, 'entries'),
  (e) => {
    console.log('invalid HAR:', JSON.stringify(e.errors || e.message));
    process.exit(1);
  },
);
