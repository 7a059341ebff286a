// The stand-ins behave as Google's documentation of each server-side API says (harness/README.md lists
// the sources), and refuse what the template's permissions do not allow.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { PermissionError, ServerInstance, checkSandboxSyntax, nodeTransport } from '../harness/sandbox.mjs';
import { fakeEdge, tagData, template } from './support.mjs';

/** Runs a snippet of sandboxed code with the template's permissions (or edited ones); returns what it returned via data.out. */
function sandboxed(code, { permissions = template.permissions, eventData = {}, transport = fakeEdge() } = {}) {
  const instance = new ServerInstance({ template: { ...template, code }, permissions, transport });
  const out = {};
  instance.runTag({}, eventData, { capture: (v) => { out.value = v; } });
  return { instance, out };
}

test('the template is sandboxed JavaScript; other constructs are caught', () => {
  assert.deepEqual(checkSandboxSyntax(template.code), []);
  assert.deepEqual(checkSandboxSyntax("const d = new Date(); if (typeof d === 'x') {}"), ['new', 'typeof (use getType)']);
  assert.deepEqual(checkSandboxSyntax('const s = `x`; // new thing in a comment'), ['template literals']);
});

test('globals are not there: everything comes through require', () => {
  assert.throws(() => sandboxed('Object.keys({});'), TypeError);
  const { out } = sandboxed("require('capture')(require('Object').keys({a: 1}));");
  assert.deepEqual(out.value, ['a']);
});

test('templateDataStorage: copies in and out, null when missing, null removes, functions stored as null', () => {
  const { out } = sandboxed(`
    const storage = require('templateDataStorage');
    const item = {n: 1, f: require('getType')};
    const missing = storage.getItemCopy('k');
    storage.setItemCopy('k', item);
    item.n = 2;
    const first = storage.getItemCopy('k');
    first.n = 3;
    const second = storage.getItemCopy('k');
    storage.setItemCopy('k', null);
    require('capture')([missing, second, storage.getItemCopy('k')]);`);
  assert.deepEqual(out.value, [null, { n: 1, f: null }, null]);
});

test('JSON.parse and JSON.stringify answer undefined instead of throwing', () => {
  const { out } = sandboxed("const JSON = require('JSON'); const o = {}; o.o = o; require('capture')([JSON.parse('{'), JSON.stringify(o)]);");
  assert.deepEqual(out.value, [undefined, undefined]);
});

test('getEventData: dotted paths through objects and arrays, copies, undefined when missing', () => {
  const eventData = { user_data: { address: [{ city: 'Lyon' }] }, items: [1] };
  const permissions = { ...template.permissions, read_event_data: { eventDataAccess: 'any' } };
  const { out } = sandboxed(`const get = require('getEventData');
    const items = get('items'); items.push(2);
    require('capture')([get('user_data.address.0.city'), get('user_data.nothing.here'), get('items')]);`,
  { permissions, eventData });
  assert.deepEqual(out.value, ['Lyon', undefined, [1]]);
});

test('read_event_data "specific": only the declared keys; getAllEventData needs "any"', () => {
  assert.throws(() => sandboxed("require('getEventData')('page_location');"), PermissionError);
  assert.throws(() => sandboxed("require('getAllEventData')();"), PermissionError);
  sandboxed("require('getEventData')('user_data');");
});

test('each API is refused when its permission is not declared', () => {
  const without = (id) => Object.fromEntries(Object.entries(template.permissions).filter(([k]) => k !== id));
  const cases = [
    ['read_event_metadata', "require('addEventCallback')(() => {});"],
    ['logging', "require('logToConsole')('x');"],
    ['access_template_storage', "require('templateDataStorage').getItemCopy('x');"],
    ['send_http', "require('sendHttpRequest')('https://probr.example.com/ingest', () => {}, {}, '');"],
  ];
  for (const [id, code] of cases) {
    assert.throws(() => sandboxed(code, { permissions: without(id) }), (e) => e instanceof PermissionError && e.message.includes(id), id);
    sandboxed(code); // and allowed with it
  }
  assert.throws(() => sandboxed("require('getCookieValues')('x');"), /not a server-side sandboxed API this harness knows/);
});

test('send_http "specific": the template may only call its declared URL until the user edits the permission', () => {
  const call = "require('sendHttpRequest')(data.url, () => {}, {method: 'POST'}, '{}');";
  const instance = new ServerInstance({ template: { ...template, code: call }, transport: fakeEdge() });
  assert.throws(() => instance.runTag({ url: 'https://elsewhere.example.com/ingest' }), /not among the permission's URLs/);
  assert.throws(() => instance.runTag({ url: 'https://probr.example.com/ingest/other' }), /not among/);
  instance.runTag({ url: 'https://probr.example.com/ingest' });
  const edited = { ...template.permissions, send_http: { allowedUrls: 'specific', urls: ['https://probr.mycompany.com/*'] } };
  new ServerInstance({ template: { ...template, code: call }, permissions: edited, transport: fakeEdge() })
    .runTag({ url: 'https://probr.mycompany.com/ingest' });
});

test('sendHttpRequest callback form: 0 when the request failed, -1 when it timed out; promise form rejects with a reason', async () => {
  for (const [reason, status] of [['failed', 0], ['timed_out', -1]]) {
    const { instance, out } = sandboxed(`require('sendHttpRequest')('https://probr.example.com/ingest',
      (code, headers, body) => { require('capture')([code, headers, body]); }, {timeout: 10}, 'x');`,
    { transport: fakeEdge(() => ({ reason })) });
    await instance.settled();
    assert.deepEqual(out.value, [status, {}, undefined]);
  }
  const resolved = sandboxed(`const send = require('sendHttpRequest');
    send('https://probr.example.com/ingest', {method: 'POST'}, 'x').then((r) => { require('capture')(r); });`,
  { transport: fakeEdge(() => ({ statusCode: 503, headers: { a: 'b' }, body: 'busy' })) });
  await resolved.instance.settled();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(resolved.out.value, { statusCode: 503, headers: { a: 'b' }, body: 'busy' },
    'a non-2xx answer resolves the promise');
  const failing = sandboxed(`require('sendHttpRequest')('https://probr.example.com/ingest', {}, 'x')
    .then(() => {}, (e) => { require('capture')(e); });`, { transport: fakeEdge(() => ({ reason: 'timed_out' })) });
  await failing.instance.settled();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(failing.out.value, { reason: 'timed_out' });
});

test('queryPermission answers what the permissions allow, without needing one itself', () => {
  const { out } = sandboxed(`const query = require('queryPermission');
    require('capture')([query('send_http', 'https://probr.example.com/ingest'), query('send_http', 'https://x.example.com/'),
      query('read_event_data', 'user_data'), query('read_event_data', 'page_location'), query('get_cookies', 'x')]);`);
  assert.deepEqual(out.value, [true, false, true, false, false]);
});

test('the tag calls gtmOnSuccess at once, whatever happens to its sends', () => {
  const instance = new ServerInstance({ template, transport: fakeEdge(() => ({ reason: 'failed' })) });
  assert.equal(instance.runTag(tagData()).outcome, 'success');
});

test('the real transport: an answer, a timeout, a refused connection', async () => {
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') return; // never answers
    res.writeHead(429, { 'Retry-After': '7' });
    res.end('{"error":"rate_limited"}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const answer = await nodeTransport(`${base}/ingest`, { method: 'POST', headers: {}, timeout: 2000 }, '{}');
    assert.equal(answer.statusCode, 429);
    assert.equal(answer.headers['retry-after'], '7');
    await assert.rejects(nodeTransport(`${base}/slow`, { method: 'POST', headers: {}, timeout: 100 }, '{}'), { reason: 'timed_out' });
  } finally {
    server.closeAllConnections();
    server.close();
  }
  await assert.rejects(nodeTransport(`${base}/ingest`, { method: 'POST', headers: {}, timeout: 1000 }, '{}'), { reason: 'failed' });
});
