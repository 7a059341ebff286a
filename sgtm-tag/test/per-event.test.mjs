import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENTS, STATUSES, TAGS } from '../harness/events.mjs';
import { ENDPOINT, KEY, OWN_ENTRY, fakeEdge, sent, server, tagData, validPerEvent } from './support.mjs';

const ALL_STATUSES = STATUSES.map((status, i) => ({ ...TAGS[i], status, executionTime: 100 * (i + 1) }))
  .concat([{ ...TAGS[4], status: 'success' }]); // no execution time

// event → [user_data flags or undefined, ecommerce flags or undefined], in the contract's field order
const EXPECTED = {
  purchaseHashed: [[1, 1, 1, 1, 1, 1], [1, 1, 1, 1]],
  purchasePlain: [[1, 0, 1, 1, 0, 1], [1, 1, 1, 1]],
  purchaseWithoutTransaction: [[0, 1, 0, 0, 1, 0], [1, 0, 0, 0]],
  pageView: [undefined, undefined],
  addToCart: [undefined, [1, 1, 0, 1]],
  viewItem: [undefined, [0, 0, 0, 1]],
  customWithItems: [undefined, [0, 0, 0, 1]],
  generateLead: [[1, 0, 0, 0, 0, 0], undefined],
  noName: [undefined, undefined],
  emptyUserData: [[0, 0, 0, 0, 0, 0], undefined],
};
const USER_FIELDS = ['has_email', 'has_phone', 'has_first_name', 'has_last_name', 'has_city', 'has_country'];
const SHOP_FIELDS = ['has_value', 'has_currency', 'has_transaction_id', 'has_items'];
const flags = (fields, bits) => bits && Object.fromEntries(fields.map((f, i) => [f, bits[i] === 1]));

for (const [name, eventData] of Object.entries(EVENTS)) {
  test(`per event: ${name} gives a valid payload with the presence flags and no values`, async () => {
    const instance = server();
    const run = instance.fireEvent({ data: tagData(), eventData, tagResults: ALL_STATUSES, ownEntry: OWN_ENTRY });
    assert.equal(run.outcome, 'success', 'the tag itself succeeds at once');
    await instance.settled();
    assert.equal(instance.requests.length, 1);
    const [request] = instance.requests;
    assert.equal(request.url, ENDPOINT);
    assert.deepEqual(request.options, { method: 'POST', timeout: 5000,
      headers: { 'Content-Type': 'application/json', 'X-Probr-Key': KEY } });
    const payload = JSON.parse(request.body);
    assert.ok(validPerEvent(payload), JSON.stringify(validPerEvent.errors));
    assert.equal(payload.container_id, 'GTM-TEST');
    assert.equal(payload.event_name, eventData.event_name || '(not set)');
    assert.equal(payload.timestamp_ms, instance.clock_.now);
    assert.deepEqual(payload.tags, [
      { id: '15', name: 'GA4 - Event', status: 'success', execution_time: 100 },
      { id: '22', name: 'Meta CAPI', status: 'failure', execution_time: 200 },
      { id: '31', name: 'TikTok Events API', status: 'timeout', execution_time: 300 },
      { id: '40', status: 'exception', execution_time: 400 },
      { id: '57', name: 'Google Ads Conversion', status: 'success' },
    ], 'every status, names only from metadata, the monitoring tag left out');
    assert.deepEqual(payload.user_data, flags(USER_FIELDS, EXPECTED[name][0]));
    assert.deepEqual(payload.ecommerce, flags(SHOP_FIELDS, EXPECTED[name][1]));
    for (const secret of ['ada@example.com', 'Lovelace', 'aaaaaaaa', 'T-100', '129.9', '+33600', 'lyon', 'SKU-']) {
      assert.ok(!request.body.includes(secret), `${secret} must not leave the container`);
    }
  });
}

test('per event: ignored ids and tags marked by the exclude metadata are left out; odd entries too', async () => {
  const instance = server();
  instance.fireEvent({ data: tagData({ ignoredTagIds: ' 22 ,31' }), eventData: EVENTS.pageView, ownEntry: OWN_ENTRY,
    tagResults: [{ id: '15', status: 'success' }, { id: '22', status: 'failure' }, { id: '31', status: 'success' },
      { id: '44', status: 'success', exclude: true }, { id: '45', status: 'paused' }, null, { status: 'success' },
      { id: '46', status: 'success', name: 'x'.repeat(300), executionTime: -5 }] });
  await instance.settled();
  const [payload] = sent(instance);
  assert.ok(validPerEvent(payload), JSON.stringify(validPerEvent.errors));
  assert.deepEqual(payload.tags, [{ id: '15', status: 'success' }, { id: '46', status: 'success', name: 'x'.repeat(256) }]);
  assert.ok(instance.logs.some((l) => l.includes('tag 45 left out: unknown status paused')), instance.logs.join('\n'));
});

test('per event: a name from another metadata key, and more than 500 tags cut to 500', async () => {
  const instance = server();
  const many = Array.from({ length: 510 }, (_, i) => ({ id: String(i + 1), label: `Tag ${i + 1}`, status: 'success' }));
  instance.fireEvent({ data: tagData({ nameMetadataKey: 'label' }), eventData: EVENTS.pageView, tagResults: many, ownEntry: OWN_ENTRY });
  await instance.settled();
  const [payload] = sent(instance);
  assert.equal(payload.tags.length, 500);
  assert.deepEqual(payload.tags[0], { id: '1', name: 'Tag 1', status: 'success' });
  assert.ok(validPerEvent(payload));
});

test('per event: 400, 401 and 403 are logged with the edge\'s message, in debug mode only', async () => {
  for (const [status, error, expected] of [
    [400, 'invalid_payload', 'the edge answered 400 (invalid_payload: $.tags[0].status: bad)'],
    [401, 'unauthorized', 'the edge refused the ingestion key (401 unauthorized: unknown key): check the "Ingestion key" field'],
    [403, 'forbidden', 'the ingestion key is revoked or its site disabled (403 forbidden: key revoked)']]) {
    const message = { 400: '$.tags[0].status: bad', 401: 'unknown key', 403: 'key revoked' }[status];
    const answer = () => ({ statusCode: status, body: JSON.stringify({ error, message }) });
    const preview = server({ transport: fakeEdge(answer) });
    preview.fireEvent({ data: tagData(), eventData: EVENTS.pageView, ownEntry: OWN_ENTRY });
    await preview.settled();
    assert.deepEqual(preview.logs, [`Probr: ${expected}`]);
    const live = server({ transport: fakeEdge(answer), debug: false });
    const run = live.fireEvent({ data: tagData(), eventData: EVENTS.pageView, ownEntry: OWN_ENTRY });
    await live.settled();
    assert.deepEqual(live.logs, [], 'outside preview the logging permission ("debug") logs nothing');
    assert.equal(run.outcome, 'success');
  }
});

test('per event: no answer within 5 s and an unreachable edge are logged; nothing is retried', async () => {
  for (const [reason, expected] of [['timed_out', `no answer from ${ENDPOINT} within 5000 ms`],
    ['failed', `could not reach ${ENDPOINT}`]]) {
    const instance = server({ transport: fakeEdge(() => ({ reason })) });
    instance.fireEvent({ data: tagData(), eventData: EVENTS.pageView, ownEntry: OWN_ENTRY });
    await instance.settled();
    assert.equal(instance.requests.length, 1);
    assert.deepEqual(instance.logs, [`Probr: ${expected}`]);
  }
});

test('per event: after a 429 nothing is sent until Retry-After has passed', async () => {
  let limited = true;
  const instance = server({ transport: fakeEdge(() => (limited
    ? { statusCode: 429, headers: { 'retry-after': '30' }, body: '{"error":"rate_limited"}' }
    : { statusCode: 200, body: '{"status":"ok"}' })) });
  const fire = () => instance.fireEvent({ data: tagData(), eventData: EVENTS.pageView, ownEntry: OWN_ENTRY });
  fire();
  await instance.settled();
  limited = false;
  instance.clock_.now += 29_000;
  fire();
  await instance.settled();
  assert.equal(instance.requests.length, 1, 'the second event came within the 30 s');
  assert.ok(instance.logs.includes('Probr: rate limited (429): sending again in 30 s'), instance.logs.join('\n'));
  instance.clock_.now += 1_000;
  fire();
  await instance.settled();
  assert.equal(instance.requests.length, 2);
  assert.equal(instance.requests[1].response.statusCode, 200);
});

test('per event: an endpoint the send_http permission does not allow is logged, not sent', async () => {
  const instance = server();
  const run = instance.fireEvent({ data: tagData({ endpoint: 'https://other.example.com/ingest' }), eventData: EVENTS.pageView, ownEntry: OWN_ENTRY });
  await instance.settled();
  assert.equal(run.outcome, 'success');
  assert.equal(instance.requests.length, 0);
  assert.deepEqual(instance.logs, ["Probr: nothing sent: https://other.example.com/ingest is not allowed by the template's"
    + " send_http permission (Templates > Probr monitoring > Permissions)"]);
});
