// What the tests share: the template, a server instance with a fake edge, the project's JSON Schemas.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { defaultData, readTemplate } from '../harness/tpl.mjs';
import { ServerInstance } from '../harness/sandbox.mjs';

export { aggregate, sumBatches } from '../harness/totals.mjs';

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
      const a = answer(parseOrText(body), { url, options, body });
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

function parseOrText(body) {
  try { return JSON.parse(body); } catch { return body; }
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

/** Where batched mode keeps a container's open batch for the default endpoint and key. */
export const batchKey = (container = 'GTM-TEST', endpoint = ENDPOINT, key = KEY) => `probr_batch|${endpoint}|${key}|${container}`;

export const OWN_ENTRY = { id: '99', name: 'Probr monitoring', exclude: 'true' };
