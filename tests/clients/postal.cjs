// Drives the Postal Node client (npm @atech/postal 1.0.0, unmodified) the way
// an application sends mail: one SendMessage. The client always speaks HTTPS
// to port 443 of the host it is given, so clientaudit.c runs serve there.
//   node postal.cjs HOST              (POSTAL_KEY: the server API key)
// Exit 0 with "sent ..." when the client resolved; 3 with "rejected ..." when
// it rejected (an error answer); any other exit is the client crashing.
'use strict';
const Postal = require('@atech/postal');

const [host] = process.argv.slice(2);
const client = new Postal.Client(host, process.env.POSTAL_KEY);
const message = new Postal.SendMessage(client);
message.to('rcpt@example.com');
message.from('sender@example.com');
message.subject('gauntlet');
message.plainBody('Hello from the Postal Node client.');
message.send().then(
  (result) => console.log('sent', JSON.stringify(result.result)),
  (error) => {
    console.log('rejected', JSON.stringify(error));
    process.exit(3);
  },
);
