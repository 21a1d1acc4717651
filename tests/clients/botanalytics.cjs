// Drives the Botanalytics Node SDK (npm @botanalytics/core 3.0.0, unmodified)
// the way a bot does: log one message through UniversalClient. serve's audit
// of these requests is what tests/clients/clientaudit.c checks.
//   node botanalytics.cjs BASE_URL        (BA_API_KEY: the JWT API key)
// CommonJS on purpose: the package's ES module build throws at import
// ("Dynamic require of "fs" is not supported", its bundled dotenv), so a Node
// user of 3.0.0 can only require() it.
// The SDK catches its own errors and logs them (pino, on stdout); this script
// exits 0 unless the SDK throws.
'use strict';
const { UniversalClient } = require('@botanalytics/core');

const [baseUrl] = process.argv.slice(2);
const client = new UniversalClient({ apiKey: process.env.BA_API_KEY, baseUrl });
client
  .logMessage({
    id: 'm-1',
    conversation: { id: 'c-1' },
    timestamp: Date.now(), // the universal format: milliseconds since the epoch
    sender: { id: 'u-1', type: 'user' },
    content: { texts: [{ text: 'hello from the Botanalytics Node SDK' }] },
  })
  .catch((e) => {
    console.error('botanalytics SDK threw:', e);
    process.exit(2);
  });
