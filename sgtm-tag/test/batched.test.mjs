import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENTS, generate } from '../harness/events.mjs';
import { OWN_ENTRY, accepted, aggregate, fakeEdge, sent, server, sumBatches, tagData, validBatched } from './support.mjs';

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
  assert.deepEqual(instance.storage.keys(), ['probr_batch_GTM-B']);
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
  assert.deepEqual(instance.storage.getItemCopy('probr_batch_GTM-TEST').total_events, 80);
  fail = false;
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
