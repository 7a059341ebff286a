// What the tests share: the template, a server instance with a fake edge, the project's JSON Schemas.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { defaultData, readTemplate } from '../harness/tpl.mjs';
import { ServerInstance } from '../harness/sandbox.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const template = readTemplate(`${root}/sgtm-tag/template.tpl`);
export const ENDPOINT = 'https://probr.example.com/ingest';
export const KEY = 'pk_live_test';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const schema = (name) => ajv.compile(JSON.parse(readFileSync(`${root}/schemas/src/main/resources/schemas/${name}`, 'utf8')));
export const validPerEvent = schema('per-event.schema.json');
export const validBatched = schema('batched.schema.json');

export function tagData(overrides = {}) {
  return { ...defaultData(template), endpoint: ENDPOINT, ingestionKey: KEY, ...overrides };
}

/**
 * A fake edge: answers each request with `answer(payload, request)` (default 200), or holds it until
 * release() when `hold` is set, so a test decides when a send completes.
 */
export function fakeEdge(answer = () => ({ statusCode: 200, body: '{"status":"ok"}' }), { hold = false } = {}) {
  const held = [];
  const transport = (url, options, body) => {
    const respond = () => {
      const a = answer(JSON.parse(body), { url, options, body });
      if (a.reason) return Promise.reject({ reason: a.reason });
      return Promise.resolve({ statusCode: a.statusCode, headers: a.headers || {}, body: a.body || '' });
    };
    if (!hold) return respond();
    return new Promise((resolve, reject) => held.push(() => respond().then(resolve, reject)));
  };
  transport.release = () => held.splice(0).forEach((go) => go());
  transport.heldCount = () => held.length;
  return transport;
}

export function server({ transport = fakeEdge(), start = 1_790_000_000_000, ...rest } = {}) {
  const clock = { now: start };
  const instance = new ServerInstance({ template, transport, clock: () => clock.now, ...rest });
  instance.clock_ = clock;
  return instance;
}

/** The payloads a server sent (every request, whatever its answer), parsed. */
export const sent = (instance) => instance.requests.map((r) => JSON.parse(r.body));
export const accepted = (instance) => instance.requests.filter((r) => r.response.statusCode === 200)
  .map((r) => JSON.parse(r.body));

/** The aggregator's rules (docs/windows.md) over per-event payloads: what their batch must hold. */
export function aggregate(payloads) {
  const totals = { total_events: 0, event_counts: {}, tag_metrics: {},
    user_data_quality: { email: 0, phone: 0, address: 0, total: 0 },
    ecommerce_quality: { value: 0, currency: 0, transaction_id: 0, items: 0, total: 0 } };
  for (const p of payloads) {
    totals.total_events += 1;
    totals.event_counts[p.event_name] = (totals.event_counts[p.event_name] || 0) + 1;
    for (const tag of p.tags) {
      const key = tag.name || tag.id;
      const m = totals.tag_metrics[key] ||= { success: 0, failure: 0, timeout: 0, exception: 0, total_exec_ms: 0, count: 0 };
      m[tag.status] += 1;
      m.total_exec_ms += tag.execution_time || 0;
      m.count += 1;
    }
    const u = totals.user_data_quality;
    u.total += 1;
    if (p.user_data) {
      u.email += +p.user_data.has_email;
      u.phone += +p.user_data.has_phone;
      u.address += +(p.user_data.has_first_name && p.user_data.has_last_name && p.user_data.has_country);
    }
    if (p.ecommerce) {
      const e = totals.ecommerce_quality;
      e.total += 1;
      e.value += +p.ecommerce.has_value;
      e.currency += +p.ecommerce.has_currency;
      e.transaction_id += +p.ecommerce.has_transaction_id;
      e.items += +p.ecommerce.has_items;
    }
  }
  return totals;
}

/** The sum of batched payloads' counters, in the same shape as aggregate(). */
export function sumBatches(batches) {
  const totals = aggregate([]);
  const add = (into, from) => { for (const [k, v] of Object.entries(from || {})) into[k] = (into[k] || 0) + v; };
  for (const b of batches) {
    totals.total_events += b.total_events;
    add(totals.event_counts, b.event_counts);
    for (const [tag, m] of Object.entries(b.tag_metrics)) add(totals.tag_metrics[tag] ||= {}, m);
    add(totals.user_data_quality, b.user_data_quality);
    add(totals.ecommerce_quality, b.ecommerce_quality);
  }
  return totals;
}

export const OWN_ENTRY = { id: '99', name: 'Probr monitoring', exclude: 'true' };
