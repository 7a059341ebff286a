import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENTS, generate } from '../harness/events.mjs';
import { ENDPOINT, KEY, OWN_ENTRY, accepted, aggregate, batchKey, fakeEdge, sent, server, sumBatches, tagData, validBatched } from './support.mjs';

const batched = (overrides = {}) => tagData({ sendMode: 'batched', batchSize: '50', maxWaitSeconds: '60', ...overrides });

/** The same events through per-event mode: what the batches must add up to. */
async function perEventPayloads(events) {
  const instance = server();
  for (const e of events) {
    instance.fireEvent({ data: tagData(), ...e, ownEntry: OWN_ENTRY });
    instance.clock_.now += 1000;
  }
  await instance.settled();
  return sent(instance);
}

test('batched: batches are valid and their counters equal the per-event sums, every field', async () => {
  const events = generate(500, 7);
  const instance = server();
  for (const e of events) {
    instance.fireEvent({ data: batched(), ...e, ownEntry: OWN_ENTRY });
    instance.clock_.now += 1000;
  }
  await instance.settled();
  const batches = sent(instance);
  assert.equal(batches.length, 10, '500 events in batches of 50');
  for (const b of batches) {
    assert.ok(validBatched(b), JSON.stringify(validBatched.errors));
    assert.equal(b.container_id, 'GTM-TEST');
    assert.equal(b.batch, true);
    assert.equal(b.total_events, 50);
    assert.equal(b.window_end_ms - b.window_start_ms, 49_000, 'first and last event of the batch');
    assert.equal(b.user_data_quality.total, 50);
  }
  assert.deepEqual(instance.requests[0].options.timeout, 10000);
  assert.deepEqual(sumBatches(batches), aggregate(await perEventPayloads(events)));
  assert.deepEqual(instance.storage.keys(), [], 'nothing left behind');
});

test('batched: the longest wait sends a batch at the next event, with that event', async () => {
  const instance = server();
  const fire = () => instance.fireEvent({ data: batched({ maxWaitSeconds: '60' }), eventData: EVENTS.pageView, ownEntry: OWN_ENTRY });
  fire();
  instance.clock_.now += 59_999;
  fire();
  await instance.settled();
  assert.equal(instance.requests.length, 0);
  instance.clock_.now += 1;
  fire();
  await instance.settled();
  assert.deepEqual(sent(instance).map((b) => b.total_events), [3]);
});

test('batched: counts are kept per container', async () => {
  const instance = server();
  for (const container of ['GTM-A', 'GTM-B', 'GTM-A']) {
    instance.containerId = container;
    instance.fireEvent({ data: batched({ batchSize: '2' }), eventData: EVENTS.pageView, ownEntry: OWN_ENTRY });
  }
  await instance.settled();
  assert.deepEqual(sent(instance).map((b) => [b.container_id, b.total_events]), [['GTM-A', 2]]);
  assert.deepEqual(instance.storage.keys(), [batchKey('GTM-B')]);
});

test('batched: events arriving while a batch is sent start the next one; a retried batch is merged back', async () => {
  let fail = true;
  const transport = fakeEdge(() => (fail ? { statusCode: 500, body: '{"error":"internal_error"}' } : { statusCode: 200 }),
    { hold: true });
  const instance = server({ transport });
  const events = generate(130, 3);
  const fire = (e) => { instance.fireEvent({ data: batched(), ...e, ownEntry: OWN_ENTRY }); instance.clock_.now += 1000; };
  events.slice(0, 50).forEach(fire); // the first batch is taken and in flight
  events.slice(50, 80).forEach(fire); // meanwhile: a new batch
  assert.equal(transport.heldCount(), 1);
  transport.release(); // 500: the first batch goes back, merged with the 30 new events
  await instance.settled();
  assert.equal(instance.requests.length, 1);
  assert.deepEqual(instance.storage.getItemCopy(batchKey()).total_events, 80);
  assert.ok(instance.logs.includes('Probr: sending again in 1 s (failure 1 in a row)'), instance.logs.join('\n'));
  fail = false;
  instance.clock_.now += 1000; // the back-off after the failure
  events.slice(80, 81).forEach(fire); // due (80 ≥ 50): sent
  events.slice(81, 130).forEach(fire); // 49 more, while it is in flight
  transport.release();
  await instance.settled();
  fire(generate(1, 99)[0]); // the 50th of the next batch
  transport.release();
  await instance.settled();
  const ok = accepted(instance);
  assert.deepEqual(ok.map((b) => b.total_events), [81, 50]);
  ok.forEach((b) => assert.ok(validBatched(b), JSON.stringify(validBatched.errors)));
  assert.deepEqual(sumBatches(ok), aggregate(await perEventPayloads([...events, generate(1, 99)[0]])),
    'every event counted once: none lost to the failure, none twice');
});

test('batched: a 429 keeps the batch and waits for Retry-After; the next send holds everything', async () => {
  let limited = true;
  const instance = server({ transport: fakeEdge(() => (limited
    ? { statusCode: 429, headers: { 'Retry-After': '120' } } : { statusCode: 200 })) });
  const fire = () => { instance.fireEvent({ data: batched({ batchSize: '2' }), eventData: EVENTS.purchaseHashed, ownEntry: OWN_ENTRY }); };
  fire(); fire();
  await instance.settled();
  limited = false;
  instance.clock_.now += 119_000;
  fire();
  await instance.settled();
  assert.equal(instance.requests.length, 1, 'nothing sent within the 120 s');
  instance.clock_.now += 1_000;
  fire();
  await instance.settled();
  assert.deepEqual(accepted(instance).map((b) => b.total_events), [4]);
});

test('batched: a refused batch (401) is logged and dropped, not sent again and again', async () => {
  const instance = server({ transport: fakeEdge(() => ({ statusCode: 401, body: '{"error":"unauthorized","message":"unknown key"}' })) });
  const fire = () => instance.fireEvent({ data: batched({ batchSize: '1' }), eventData: EVENTS.pageView, ownEntry: OWN_ENTRY });
  fire();
  await instance.settled();
  fire();
  await instance.settled();
  assert.deepEqual(sent(instance).map((b) => b.total_events), [1, 1]);
  assert.equal(instance.logs.length, 2);
  assert.match(instance.logs[0], /401 unauthorized: unknown key/);
});

test('batched: a timed-out batch is kept for the next send (the edge may not have it)', async () => {
  let answer = { reason: 'timed_out' };
  const instance = server({ transport: fakeEdge(() => answer) });
  const fire = () => instance.fireEvent({ data: batched({ batchSize: '2' }), eventData: EVENTS.pageView, ownEntry: OWN_ENTRY });
  fire(); fire();
  await instance.settled();
  assert.match(instance.logs[0], /within 10000 ms/);
  answer = { statusCode: 200 };
  instance.clock_.now += 1000; // the back-off after the failure
  fire();
  await instance.settled();
  assert.deepEqual(accepted(instance).map((b) => b.total_events), [3]);
});

test('batched: parameters out of range fall back to sensible values', async () => {
  const instance = server();
  for (let i = 0; i < 50; i++) {
    instance.fireEvent({ data: batched({ batchSize: 'abc', maxWaitSeconds: '' }), eventData: EVENTS.pageView, ownEntry: OWN_ENTRY });
  }
  await instance.settled();
  assert.deepEqual(sent(instance).map((b) => b.total_events), [50], 'batch size 50 by default');
});

test('batched: two Probr tags with different keys keep their batches apart, each sent with its own key', async () => {
  const instance = server();
  const other = { ingestionKey: 'pk_live_other' };
  instance.fireEvent({ data: batched({ batchSize: '2' }), eventData: EVENTS.pageView, ownEntry: OWN_ENTRY });
  instance.fireEvent({ data: batched({ batchSize: '2', ...other }), eventData: EVENTS.purchaseHashed, ownEntry: OWN_ENTRY });
  instance.fireEvent({ data: batched({ batchSize: '2' }), eventData: EVENTS.pageView, ownEntry: OWN_ENTRY });
  await instance.settled();
  assert.deepEqual(instance.requests.map((r) => [r.options.headers['X-Probr-Key'], JSON.parse(r.body).event_counts]),
    [[KEY, { page_view: 2 }]]);
  assert.deepEqual(instance.storage.keys(), [batchKey('GTM-TEST', ENDPOINT, 'pk_live_other')]);
});

test('batched: event and tag names that every object has as properties count like any other', async () => {
  const instance = server();
  const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];
  for (const name of names) {
    instance.fireEvent({ data: batched({ batchSize: '5' }), eventData: { event_name: name }, ownEntry: OWN_ENTRY,
      tagResults: [{ id: '1', name, status: 'success', executionTime: 5 }] });
  }
  await instance.settled();
  const [batch] = sent(instance);
  assert.ok(validBatched(batch), JSON.stringify(validBatched.errors));
  assert.deepEqual(Object.keys(batch.event_counts).sort(),
    ['(__proto__)', 'constructor', 'hasOwnProperty', 'toString', 'valueOf']);
  assert.ok(Object.values(batch.event_counts).every((n) => n === 1));
  assert.equal(batch.tag_metrics.constructor.count, 1);
  assert.equal(batch.tag_metrics['(__proto__)'].total_exec_ms, 5);
});

test('batched: beyond 1000 distinct names a batch counts the rest under (other) and stays small', async () => {
  const instance = server();
  for (let i = 0; i < 1500; i++) {
    instance.fireEvent({ data: batched({ batchSize: '1500' }), eventData: { event_name: `bot_${i}_${'x'.repeat(240)}` },
      ownEntry: OWN_ENTRY, tagResults: [{ id: String(i), name: `tag ${i} ${'y'.repeat(240)}`, status: 'success' }] });
  }
  await instance.settled();
  const [request] = instance.requests;
  const batch = JSON.parse(request.body);
  assert.ok(validBatched(batch), JSON.stringify(validBatched.errors));
  assert.equal(Object.keys(batch.event_counts).length, 1001);
  assert.equal(batch.event_counts['(other)'], 500);
  assert.equal(batch.tag_metrics['(other)'].count, 500);
  assert.ok(request.body.length < 1_048_576, `${request.body.length} bytes`);
});

test('batched: an edge down for a long time gets few requests, and every event once it is back', async () => {
  let down = true;
  const instance = server({ transport: fakeEdge(() => (down ? { statusCode: 503, body: '{"error":"unavailable"}' } : { statusCode: 200 })) });
  const events = generate(400, 5);
  for (const e of events.slice(0, 399)) {
    instance.fireEvent({ data: batched({ batchSize: '10' }), ...e, ownEntry: OWN_ENTRY });
    instance.clock_.now += 1000;
    await instance.settled();
  }
  assert.ok(instance.requests.length <= 10, `${instance.requests.length} requests in 400 s of outage`);
  down = false;
  instance.clock_.now += 300_000; // past the longest back-off
  instance.fireEvent({ data: batched({ batchSize: '10' }), ...events[399], ownEntry: OWN_ENTRY });
  await instance.settled();
  const ok = accepted(instance);
  assert.equal(ok.length, 1);
  assert.ok(validBatched(ok[0]), JSON.stringify(validBatched.errors));
  assert.deepEqual(sumBatches(ok), aggregate(await perEventPayloads(events)));
  assert.equal(ok[0].window_start_ms, 1_790_000_000_000, 'the merged batch starts at its first event');
});

test('batched: an endpoint the send_http permission does not allow is logged and the batch kept', async () => {
  const instance = server();
  const elsewhere = batched({ batchSize: '1', endpoint: 'https://other.example.com/ingest' });
  instance.fireEvent({ data: elsewhere, eventData: EVENTS.pageView, ownEntry: OWN_ENTRY });
  instance.fireEvent({ data: elsewhere, eventData: EVENTS.pageView, ownEntry: OWN_ENTRY });
  await instance.settled();
  assert.equal(instance.requests.length, 0);
  assert.match(instance.logs[0], /not allowed by the template's send_http permission/);
  assert.equal(instance.storage.getItemCopy(batchKey('GTM-TEST', 'https://other.example.com/ingest')).total_events, 2);
});

test('batched: a clock that steps back still gives the earliest and latest event times', async () => {
  const instance = server();
  for (const step of [0, -5000, 12_000]) {
    instance.clock_.now += step;
    instance.fireEvent({ data: batched({ batchSize: '3' }), eventData: EVENTS.pageView, ownEntry: OWN_ENTRY });
  }
  await instance.settled();
  const [batch] = sent(instance);
  assert.equal(batch.window_start_ms, 1_790_000_000_000 - 5000);
  assert.equal(batch.window_end_ms, 1_790_000_000_000 + 7000);
});
