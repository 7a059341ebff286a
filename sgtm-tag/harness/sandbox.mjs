// Runs a server-side GTM template's sandboxed code under Node with stand-ins for the server APIs it requires,
// each as Google's documentation describes it (see README.md in this folder), refusing any API whose
// permission the template does not declare.
import http from 'node:http';
import https from 'node:https';

/** Names the sandbox does not have: the code must reach everything through require(). */
const HIDDEN_GLOBALS = ['Object', 'JSON', 'Math', 'Date', 'Array', 'Number', 'String', 'Boolean', 'Promise',
  'parseInt', 'parseFloat', 'isNaN', 'setTimeout', 'setInterval', 'console', 'globalThis', 'process', 'fetch',
  'eval', 'Function', 'Symbol', 'Reflect', 'Proxy', 'Map', 'Set', 'RegExp', 'Error', 'module'];

/** Constructs sandboxed JavaScript does not have (ES5.1 plus arrow functions, const and let). */
const UNSUPPORTED = [
  [/\bnew\s/, 'new'], [/\bclass\s/, 'class'], [/\basync\b/, 'async'], [/\bawait\b/, 'await'], [/`/, 'template literals'],
  [/\btypeof\b/, 'typeof (use getType)'], [/\binstanceof\b/, 'instanceof'], [/\bthis\b/, 'this'],
  [/\bdelete\s/, 'delete (use Object.delete)'], [/(^|[^.\w])try\s*\{/, 'try'], [/\bthrow\s/, 'throw'],
  [/\.\.\./, 'spread'], [/\bfor\s*\(\s*(const|let|var)\s+\w+\s+of\b/, 'for...of'],
];

export function checkSandboxSyntax(code) {
  const stripped = code.replace(/\/\/.*$/gm, '').replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"/g, "''");
  return UNSUPPORTED.filter(([pattern]) => pattern.test(stripped)).map(([, what]) => what);
}

export class PermissionError extends Error {}

/** What templateDataStorage keeps for one template in one server instance: copies in, copies out. */
export class TemplateStorage {
  #items = new Map();
  getItemCopy(key) { return this.#items.has(key) ? copy(this.#items.get(key)) : null; }
  setItemCopy(key, value) { value === null ? this.#items.delete(key) : this.#items.set(key, copy(value)); }
  removeItem(key) { this.#items.delete(key); }
  clear() { this.#items.clear(); }
  keys() { return [...this.#items.keys()]; }
}

/**
 * One server instance running the template: shared template storage, a clock, an HTTP transport, and the
 * permissions (the template's own unless `permissions` edits them, as a user may in GTM's editor).
 */
export class ServerInstance {
  constructor({ template, permissions = template.permissions, clock = () => Date.now(), transport = nodeTransport,
                debug = true, containerId = 'GTM-TEST' }) {
    const problems = checkSandboxSyntax(template.code);
    if (problems.length) throw new Error(`not sandboxed JavaScript: ${problems.join(', ')}`);
    this.template = template;
    this.permissions = permissions;
    this.clock = clock;
    this.transport = transport;
    this.debug = debug;
    this.containerId = containerId;
    this.storage = new TemplateStorage();
    this.logs = [];
    this.requests = []; // { url, options, body, response } of every sendHttpRequest, once answered
    this.pending = new Set();
    this.compiled = compile(template.code);
  }

  /**
   * One event through the container: the tag runs with `data` over `eventData`, then the other tags'
   * `tagResults` (plus the tag's own entry) reach the callbacks it registered, as they would once every tag ran.
   */
  fireEvent({ data, eventData = {}, tagResults = [], ownEntry, mocks = {} }) {
    const run = this.runTag(data, eventData, mocks);
    const own = { id: 'probr', status: run.outcome === 'success' ? 'success' : 'failure', executionTime: 0,
      ...ownEntry };
    for (const callback of run.callbacks) {
      callback(this.containerId, copy({ tags: [...tagResults, own] }));
    }
    return run;
  }

  /** Runs the tag's code once; returns which of gtmOnSuccess / gtmOnFailure it called and what it registered. */
  runTag(data, eventData = {}, mocks = {}) {
    const run = { outcome: null, callbacks: [], calls: [] };
    const apis = this.#apis(eventData, run);
    const require = (name) => {
      if (name in mocks) return recorded(run, name, mocks[name]);
      if (!(name in apis)) throw new Error(`${name} is not a server-side sandboxed API this harness knows`);
      return recorded(run, name, apis[name]());
    };
    const tagData = { ...copy(data),
      gtmOnSuccess: () => { this.#finish(run, 'success'); },
      gtmOnFailure: () => { this.#finish(run, 'failure'); } };
    this.compiled(require, tagData);
    return run;
  }

  /** One API as the template's require() gives it, outside a run (for test code). */
  api(name) {
    const apis = this.#apis({}, { outcome: null, callbacks: [], calls: [] });
    if (!(name in apis)) throw new Error(`${name} is not a server-side sandboxed API this harness knows`);
    return apis[name]();
  }

  /** Resolves once every request sent so far (and any they caused) is answered. */
  async settled() {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  #finish(run, outcome) {
    if (run.outcome) throw new Error(`the tag called gtmOn${outcome === 'success' ? 'Success' : 'Failure'} after ${run.outcome}`);
    run.outcome = outcome;
  }

  #allowed(publicId, api, detail = () => null) {
    const params = this.permissions[publicId];
    if (!params) throw new PermissionError(`${api} needs the ${publicId} permission, which the template does not declare`);
    const refusal = detail(params);
    if (refusal) throw new PermissionError(`${api}: ${refusal} (${publicId})`);
  }

  #apis(eventData, run) {
    const instance = this;
    return {
      addEventCallback: () => (callback) => {
        instance.#allowed('read_event_metadata', 'addEventCallback');
        run.callbacks.push(callback);
      },
      getEventData: () => (keyPath) => {
        instance.#allowed('read_event_data', 'getEventData', (p) => readableKey(p, keyPath));
        return copy(valueAt(eventData, keyPath));
      },
      getAllEventData: () => () => {
        instance.#allowed('read_event_data', 'getAllEventData',
          (p) => p.eventDataAccess === 'any' ? null : 'reading all event data needs eventDataAccess "any"');
        return copy(eventData);
      },
      getTimestampMillis: () => () => instance.clock(),
      getType: () => getType,
      JSON: () => Object.freeze({
        parse: (text) => { try { return JSON.parse(text); } catch { return undefined; } },
        stringify: (value) => { try { return JSON.stringify(value); } catch { return undefined; } },
      }),
      makeInteger: () => (value) => Math.trunc(Number(value)),
      makeNumber: () => (value) => Number(value),
      makeString: () => (value) => String(value),
      Math: () => Object.freeze({ abs: Math.abs, ceil: Math.ceil, floor: Math.floor, round: Math.round,
        max: Math.max, min: Math.min, pow: Math.pow, sqrt: Math.sqrt }),
      Object: () => Object.freeze({ keys: Object.keys, values: Object.values, entries: Object.entries,
        freeze: Object.freeze, delete: (object, key) => Object.isFrozen(object) ? false : delete object[key] }),
      logToConsole: () => (...args) => {
        instance.#allowed('logging', 'logToConsole');
        // "debug": logs only in preview and debug mode; elsewhere the call does nothing
        if (instance.debug || instance.permissions.logging.environments === 'all') {
          instance.logs.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
        }
      },
      templateDataStorage: () => {
        const guard = (method) => (...args) => {
          instance.#allowed('access_template_storage', `templateDataStorage.${method}`);
          return instance.storage[method](...args);
        };
        return Object.freeze({ getItemCopy: guard('getItemCopy'), setItemCopy: guard('setItemCopy'),
          removeItem: guard('removeItem'), clear: guard('clear') });
      },
      sendHttpRequest: () => (url, ...rest) => {
        instance.#allowed('send_http', 'sendHttpRequest', (p) => allowedUrl(p, url));
        const callback = typeof rest[0] === 'function' ? rest.shift() : null;
        const options = rest[0] || {};
        const body = rest[1];
        const sent = instance.#send(url, options, body);
        if (!callback) {
          return sent.then((r) => (r.failed ? Promise.reject({ reason: r.failed }) : r.response));
        }
        // Callback form: 0 when the request failed, -1 when it timed out, "no headers, and an undefined body".
        sent.then((r) => {
          if (r.failed) callback(r.failed === 'timed_out' ? -1 : 0, {}, undefined);
          else callback(r.response.statusCode, r.response.headers, r.response.body);
        });
        return undefined;
      },
      callLater: () => (fn) => { setImmediate(fn); },
      // Whether the template's permissions allow this call: no permission needed to ask
      queryPermission: () => (permission, ...args) => {
        const params = instance.permissions[permission];
        if (!params) return false;
        if (permission === 'send_http') return allowedUrl(params, args[0]) === null;
        if (permission === 'read_event_data' && args.length) return readableKey(params, args[0]) === null;
        return true;
      },
    };
  }

  #send(url, options, body) {
    const request = { url, options: copy(options), body };
    const sent = this.transport(url, { method: options.method || 'GET', headers: options.headers || {},
      timeout: options.timeout }, body)
      .then((response) => ({ response }), (error) => ({ failed: error && error.reason === 'timed_out' ? 'timed_out' : 'failed' }))
      .then((result) => {
        request.response = result.response || { failed: result.failed };
        this.requests.push(request);
        return result;
      });
    const tracked = sent.then(() => new Promise((resolve) => setImmediate(resolve)));
    this.pending.add(tracked);
    tracked.finally(() => this.pending.delete(tracked));
    return sent;
  }
}

function compile(code) {
  // Parameters hide the globals; the inner function lets the code declare its own (const JSON = require('JSON')).
  // eslint-disable-next-line no-new-func
  const outer = new Function('require', 'data', ...HIDDEN_GLOBALS, `return function () { 'use strict';\n${code}\n};`);
  return (require, data) => outer(require, data)();
}

function recorded(run, name, api) {
  if (typeof api !== 'function') return api;
  return (...args) => {
    run.calls.push({ name, args: copy(args.filter((a) => typeof a !== 'function')) });
    return api(...args);
  };
}

export function getType(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Dotted path; components are object keys or array indices. */
function valueAt(object, keyPath) {
  let value = object;
  for (const part of String(keyPath).split('.')) {
    if (value === null || typeof value !== 'object' || !(part in value)) return undefined;
    value = value[part];
  }
  return value;
}

function readableKey(params, keyPath) {
  if (params.eventDataAccess === 'any') return null;
  const patterns = params.keyPatterns || [];
  const ok = patterns.some((p) => p === keyPath || (p.endsWith('.*') && keyPath.startsWith(p.slice(0, -1))));
  return ok ? null : `event data key ${keyPath} is not among the permission's key patterns`;
}

/** "specific" URLs: exact, or a prefix when the pattern ends with *; a host may start with *. for subdomains. */
function allowedUrl(params, url) {
  if (params.allowedUrls === 'any') return null;
  const ok = (params.urls || []).some((pattern) => {
    const escaped = pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    return new RegExp(`^${escaped}$`).test(url);
  });
  return ok ? null : `URL ${url} is not among the permission's URLs`;
}

/** Deep copy of plain data; functions become null, as in template storage. */
function copy(value) {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value, (k, v) => (typeof v === 'function' ? null : v)));
}

/** The real network, for the local stack: Node's http client with the request's timeout. */
export function nodeTransport(url, { method, headers, timeout }, body) {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    const request = client.request(url, { method, headers }, (response) => {
      const chunks = [];
      response.on('data', (c) => chunks.push(c));
      response.on('end', () => resolve({ statusCode: response.statusCode, headers: response.headers,
        body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', () => reject({ reason: 'failed' }));
    });
    if (timeout) request.setTimeout(timeout, () => { request.destroy(); reject({ reason: 'timed_out' }); });
    request.on('error', () => reject({ reason: 'failed' }));
    request.end(body);
  });
}
