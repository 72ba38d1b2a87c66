// npm run queue -- put <queue> <json|file>   sends one message, base64-encoded as the Functions queue trigger expects
// npm run queue -- peek <queue> [count]      prints up to count (32) messages, decoded, without taking them
// Against Azurite's well-known development account by default, so no Azure CLI is needed locally;
// AZURE_STORAGE_CONNECTION_STRING points it elsewhere.
import { existsSync, readFileSync } from 'node:fs';
import { QueueClient } from '@azure/storage-queue';

// Azurite's published development account (https://learn.microsoft.com/azure/storage/common/storage-use-azurite):
// a fixed, public key, not a secret.
const azurite = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;'
  + 'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;'
  + 'QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;';

const usage = 'usage: npm run queue -- put <queue> <json|file>\n       npm run queue -- peek <queue> [count]';
const [command, queueName, argument] = process.argv.slice(2);
if (!queueName || !['put', 'peek'].includes(command) || (command === 'put' && !argument)) {
  console.error(usage);
  process.exit(2);
}

const queue = new QueueClient(process.env.AZURE_STORAGE_CONNECTION_STRING || azurite, queueName);

try {
  if (command === 'put') {
    const text = existsSync(argument) ? readFileSync(argument, 'utf8') : argument;
    JSON.parse(text); // a typo is reported here, not dead-lettered later
    await queue.createIfNotExists();
    const sent = await queue.sendMessage(Buffer.from(text, 'utf8').toString('base64'));
    console.log(JSON.stringify({ queue: queueName, message_id: sent.messageId }));
  } else {
    const count = Math.min(Number(argument ?? 32) || 32, 32);
    const exists = await queue.exists();
    const peeked = exists ? (await queue.peekMessages({ numberOfMessages: count })).peekedMessageItems : [];
    for (const message of peeked) {
      console.log(Buffer.from(message.messageText, 'base64').toString('utf8'));
    }

    console.error(`${peeked.length} message(s) on ${queueName}${exists ? '' : ' (no such queue yet)'}`);
  }
} catch (error) {
  const cause = error instanceof SyntaxError ? `the message is not JSON (${error.message})`
    : error.code === 'ECONNREFUSED' ? 'Azurite is not running (start it with npm start or npm run azurite)'
    : error.message;
  console.error(`npm run queue ${command} ${queueName}: ${cause}`);
  process.exit(1);
}
