// Sinch's official Node SDK (@sinch/sdk-core, pinned in package.json) against the sandbox: every message kind, the
// message list with pagination, one message by id, fault switches, a rotated key, and the SDK's own webhook validator
// on the sandbox's signed callbacks. Run by SinchNodeSdkTests (dotnet test); by hand:
//   SANDBOX_URL=http://127.0.0.1:5180 node tests/sdk/sinch-node-sdk.mjs   (a sandbox with the sample settings)
// Prints one line per check and exits non-zero on the first failure.
import assert from 'node:assert/strict';
import http from 'node:http';
import { SinchClient, ConversationCallbackWebhooks } from '@sinch/sdk-core';

const env = (name, fallback) => process.env[name] ?? fallback;
const sandbox = env('SANDBOX_URL', 'http://127.0.0.1:5180').replace(/\/$/, '');
const projectId = env('SINCH_PROJECT_ID', 'sandbox-project');
const appId = env('SINCH_APP_ID', '01SANDBOXAPP00000000000001');
const keyId = env('SINCH_KEY_ID', 'sandbox-key-id');
const keySecret = env('SINCH_KEY_SECRET', 'sandbox-key-secret');
const webhookSecret = env('SINCH_WEBHOOK_SECRET', 'sandbox-webhook-secret');
const ulid = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const check = async (name, body) => {
  await body();
  console.log(`ok ${name}`);
};

// A webhook on 127.0.0.1 that keeps every callback's headers and raw body (the signature covers the raw bytes).
const callbacks = [];
const webhook = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    callbacks.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
    response.writeHead(200).end();
  });
});
await new Promise((resolve) => webhook.listen(0, '127.0.0.1', resolve));
const callbackUrl = `http://127.0.0.1:${webhook.address().port}/sinch`;

const clientWith = (secret) => new SinchClient({
  projectId, keyId, keySecret: secret, authHostname: sandbox, conversationHostname: sandbox,
});
let sinch = clientWith(keySecret);
const sms = (identity) => ({ identified_by: { channel_identities: [{ channel: 'SMS', identity }] } });
const body = (message, extra = {}) => ({
  sendMessageRequestBody: { app_id: appId, recipient: sms('+46701234567'), message, callback_url: callbackUrl, ...extra },
});
const sandboxApi = async (method, path, json) => {
  const response = await fetch(`${sandbox}${path}`, {
    method, headers: { 'Content-Type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json),
  });
  assert.ok(response.ok, `${method} ${path} answered ${response.status}`);
};

const sent = [];
const send = async (kind, promise) => {
  const answer = await promise;
  assert.match(answer.message_id, ulid, `${kind}: message_id`);
  sent.push(answer.message_id);
};

const messages = () => sinch.conversation.messages;
const url = 'https://example.com/sandbox.png';
const choice = { text_message: { text: 'Yes' }, postback_data: 'yes' };
const card = { title: 'A card', description: 'Described', media_message: { url }, height: 'MEDIUM', choices: [choice] };

await check('every send helper is accepted', async () => {
  await send('text', messages().sendTextMessage(body({ text_message: { text: 'Hello +46 & <you>' } })));
  await send('media', messages().sendMediaMessage(body({ media_message: { url, thumbnail_url: url } })));
  await send('template', messages().sendTemplateMessage(body({
    template_message: { omni_template: { template_id: 'welcome', version: '1', language_code: 'en', parameters: { name: 'Ann' } } },
  })));
  await send('choice', messages().sendChoiceMessage(body({
    choice_message: { text_message: { text: 'Pick one' }, choices: [choice, { url_message: { title: 'Site', url: 'https://example.com' } }] },
  })));
  await send('card', messages().sendCardMessage(body({ card_message: card })));
  await send('carousel', messages().sendCarouselMessage(body({ carousel_message: { cards: [card, card], choices: [choice] } })));
  await send('location', messages().sendLocationMessage(body({
    location_message: { coordinates: { latitude: 59.33, longitude: 18.06 }, title: 'Stockholm', label: 'Office' },
  })));
  await send('contact info', messages().sendContactInfoMessage(body({
    contact_info_message: { name: { full_name: 'Ann Andersson' }, phone_numbers: [{ phone_number: '+46701234567', type: 'MOBILE' }] },
  })));
  await send('list', messages().sendListMessage(body({
    list_message: { title: 'Menu', sections: [{ title: 'Mains', items: [{ choice: { title: 'Soup', postback_data: 'soup' } }] }] },
  })));
  await send('send with every option', messages().send({
    sendMessageRequestBody: {
      app_id: appId, recipient: { contact_id: '01SDKCONTACT00000000000001' }, message: { text_message: { text: 'To a contact' } },
      callback_url: callbackUrl, channel_priority_order: ['SMS'], channel_properties: { SMS_SENDER: 'Shop' },
      message_metadata: 'meta', conversation_metadata: { plan: 'gold' }, correlation_id: 'sdk-1', queue: 'HIGH_PRIORITY',
      ttl: 60, processing_strategy: 'DEFAULT', message_content_type: 'CONTENT_NOTIFICATION',
    },
  }));
});

await check('a body the sandbox refuses is a 400 with Sinch\'s envelope', async () => {
  await assert.rejects(
    messages().sendLocationMessage(body({ location_message: { coordinates: { latitude: 500, longitude: 0 }, title: 'Nowhere' } })),
    (error) => error.statusCode === 400 && /INVALID_ARGUMENT/.test(JSON.stringify(error.data ?? error.message)));
});

await check('the message list pages newest first', async () => {
  const listed = [];
  for await (const message of messages().list({ app_id: appId, page_size: 4 })) {
    listed.push(message);
  }

  assert.deepEqual(listed.map((m) => m.id).filter((id) => sent.includes(id)), [...sent].reverse());
  const times = listed.map((m) => Date.parse(m.accept_time));
  assert.deepEqual(times, [...times].sort((a, b) => b - a));
  const first = await messages().list({ app_id: appId, page_size: 4 });
  assert.equal(first.data.length, 4);
  assert.ok(first.hasNextPage);
  const second = await first.nextPage();
  assert.notEqual(second.data[0].id, first.data[0].id);
  const filtered = await messages().list({ app_id: appId, direction: 'TO_CONTACT', contact_id: '01SDKCONTACT00000000000001' });
  assert.equal(filtered.data.length, 1);
});

await check('one message is read back by its id, and an unknown id is a 404', async () => {
  const last = await messages().get({ message_id: sent[sent.length - 1] });
  assert.equal(last.id, sent[sent.length - 1]);
  assert.equal(last.metadata, 'meta');
  assert.deepEqual(last.app_message.text_message, { text: 'To a contact' });
  await assert.rejects(messages().get({ message_id: '01NOSUCHMESSAGE00000000000' }), (error) => error.statusCode === 404);
});

await check('an expired token is refreshed and the send retried once (401 with "expired")', async () => {
  await sandboxApi('POST', '/api/faults', { kind: 'token_expired', count: 1 });
  await send('after expiry', messages().sendTextMessage(body({ text_message: { text: 'after expiry' } })));
});

await check('fault switches reach the SDK as Sinch errors', async () => {
  await sandboxApi('POST', '/api/faults', { kind: 'server_error', count: 1 });
  await assert.rejects(messages().sendTextMessage(body({ text_message: { text: 'fails' } })), (error) => error.statusCode === 500);
  await sandboxApi('POST', '/api/faults', { kind: 'rate_limited', count: 1, retry_after_seconds: 0 });
  await assert.rejects(messages().sendTextMessage(body({ text_message: { text: 'limited' } })), (error) => error.statusCode === 429);
  await send('after the faults', messages().sendTextMessage(body({ text_message: { text: 'works again' } })));
});

let switched;
await check('a channel that is down switches to the next of channel_priority_order', async () => {
  await sandboxApi('POST', '/api/faults', { kind: 'channel_down', channel: 'WHATSAPP' });
  const answer = await messages().send({
    sendMessageRequestBody: {
      app_id: appId, message: { text_message: { text: 'WhatsApp first' } }, callback_url: callbackUrl,
      recipient: { identified_by: { channel_identities: [{ channel: 'WHATSAPP', identity: '46701231111' }, { channel: 'SMS', identity: '+46701231111' }] } },
      channel_priority_order: ['WHATSAPP', 'SMS'],
    },
  });
  // The channel stays down until the reports are in: Sinch finds it down when it delivers, not when it accepts.
  switched = answer.message_id;
});

await check('a rotated key: the old secret stops working, the new one works', async () => {
  await sandboxApi('POST', '/api/key', { key_secret: 'rotated-secret' });
  await assert.rejects(messages().sendTextMessage(body({ text_message: { text: 'old key' } })), (error) => error.statusCode === 401);
  sinch = clientWith('rotated-secret');
  await send('new key', messages().sendTextMessage(body({ text_message: { text: 'new key' } })));
  await sandboxApi('POST', '/api/key', { key_secret: keySecret });
});

await check('the SDK\'s webhook validator accepts every signed callback, and refuses a tampered one', async () => {
  const finals = () => callbacks.filter((c) => /"status":"(DELIVERED|FAILED)"/.test(c.body));
  for (let i = 0; i < 300 && finals().length < sent.length + 1; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  assert.equal(finals().length, sent.length + 1, 'a final delivery report for every accepted send');
  const validator = new ConversationCallbackWebhooks(webhookSecret);
  for (const callback of callbacks) {
    assert.ok(validator.validateAuthenticationHeader(callback.headers, callback.body), 'signature valid');
    assert.equal(validator.validateAuthenticationHeader(callback.headers, callback.body.replace('"', '"x')), false);
    const event = validator.parseEvent(JSON.parse(callback.body));
    assert.equal(event.trigger, 'MESSAGE_DELIVERY');
    assert.match(JSON.parse(callback.body).event_time, /Z$/);
  }

  assert.equal(new ConversationCallbackWebhooks('wrong-secret').validateAuthenticationHeader(callbacks[0].headers, callbacks[0].body), false);
  assert.ok(callbacks.some((c) => c.body.includes('"identity":"+46701234567"')), 'a + is written as itself, not \\u002B');
  const route = callbacks.map((c) => JSON.parse(c.body).message_delivery_report).filter((r) => r.message_id === switched);
  assert.deepEqual(route.map((r) => `${r.status} ${r.channel_identity.channel}`),
    ['QUEUED_ON_CHANNEL WHATSAPP', 'SWITCHING_CHANNEL WHATSAPP', 'QUEUED_ON_CHANNEL SMS', 'DELIVERED SMS']);
});

await sandboxApi('DELETE', '/api/faults');
webhook.close();
console.log(`${sent.length + 1} messages sent through @sinch/sdk-core, ${callbacks.length} signed callbacks validated`);
