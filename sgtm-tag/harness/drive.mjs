#!/usr/bin/env node
// Drives generated GA4 events through the monitoring tag against a real Probr edge and prints, as JSON,
// what the edge accepted (in the batched shape), for a test to compare with ClickHouse.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { defaultData, readTemplate } from './tpl.mjs';
import { ServerInstance } from './sandbox.mjs';
import { generate } from './events.mjs';
import { aggregate, sumBatches } from './totals.mjs';

const USAGE = `Usage: node harness/drive.mjs --endpoint URL --key KEY [options]

Runs N generated events through sgtm-tag/template.tpl (under the harness) against a real edge, and prints
a JSON summary: the requests' status codes and the totals of what the edge accepted.

Options:
  --endpoint URL        the edge's ingest URL, e.g. http://127.0.0.1:8080/ingest (required)
  --key KEY             an ingestion key (required)
  --mode MODE           per_event (default) or batched
  --container ID        the container id the events come from (default GTM-DRIVE)
  --events N            how many events (default 300)
  --seed N              seed of the generated events (default 1)
  --batch-size N        batched mode: events per batch (default 50)
  --start-ms MS         time of the first event (default: now minus one step per event)
  --step-ms MS          time between events (default 1000)
  -h, --help            show this help and exit`;

function options(argv) {
  const { values } = parseArgs({ args: argv, options: {
    endpoint: { type: 'string' }, key: { type: 'string' }, mode: { type: 'string', default: 'per_event' },
    container: { type: 'string', default: 'GTM-DRIVE' }, events: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' }, 'batch-size': { type: 'string', default: '50' },
    'start-ms': { type: 'string' }, 'step-ms': { type: 'string', default: '1000' },
    help: { type: 'boolean', short: 'h' } } });
  return values;
}

export async function drive({ endpoint, key, mode, container, events, seed, batchSize, startMs, stepMs }) {
  const template = readTemplate(fileURLToPath(new URL('../template.tpl', import.meta.url)));
  const clock = { now: startMs ?? Date.now() - events * stepMs };
  // as a user does in GTM's template editor: allow the edge's URL in the send_http permission
  const permissions = { ...template.permissions, send_http: { allowedUrls: 'specific', urls: [endpoint] } };
  const server = new ServerInstance({ template, permissions, clock: () => clock.now, containerId: container });
  const data = { ...defaultData(template), endpoint, ingestionKey: key, sendMode: mode, batchSize: String(batchSize),
    maxWaitSeconds: '3600' };
  for (const [i, event] of generate(events, seed).entries()) {
    server.fireEvent({ data, ...event, ownEntry: { id: '999', exclude: 'true' } });
    clock.now += stepMs;
    if (i % 20 === 19) await server.settled(); // a few requests in flight at a time, as from one server
  }
  await server.settled();
  const statuses = {};
  for (const r of server.requests) {
    const code = String(r.response.statusCode ?? r.response.failed);
    statuses[code] = (statuses[code] || 0) + 1;
  }
  const ok = server.requests.filter((r) => r.response.statusCode === 200).map((r) => JSON.parse(r.body));
  const stored = server.storage.getItemCopy(`probr_batch|${endpoint}|${key}|${container}`);
  return { mode, container, events, requests: server.requests.length, statuses,
    unsent_events: stored ? stored.total_events : 0, logs: server.logs,
    accepted: mode === 'batched' ? sumBatches(ok) : aggregate(ok) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let values;
  try {
    values = options(process.argv.slice(2));
  } catch (e) {
    console.error(`${e.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 0) { console.error(`--${name} must be a whole number\n\n${USAGE}`); process.exit(2); }
    return n;
  };
  if (!values.endpoint || !values.key || !['per_event', 'batched'].includes(values.mode)) {
    console.error(`--endpoint and --key are required, --mode is per_event or batched\n\n${USAGE}`);
    process.exit(2);
  }
  const summary = await drive({ endpoint: values.endpoint, key: values.key, mode: values.mode,
    container: values.container, events: number('events'), seed: number('seed'), batchSize: number('batch-size'),
    startMs: values['start-ms'] === undefined ? undefined : number('start-ms'), stepMs: number('step-ms') });
  console.log(JSON.stringify(summary, null, 2));
}
