// Runs the scenarios of a template's ___TESTS___ section with GTM's test API (runCode, mock, assertApi,
// assertThat, fail), as Google's "Write tests for templates" page describes it: setup runs before each
// scenario, in the same scope; mocked APIs skip the permission check; runCode injects gtmOnSuccess/Failure.
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { ServerInstance, checkSandboxSyntax } from './sandbox.mjs';

export class AssertionFailed extends Error {}

export function scenariosOf(template) {
  const tests = parse(template.testsYaml || 'scenarios: []') || {};
  return { setup: tests.setup || '', scenarios: tests.scenarios || [] };
}

/** Runs one scenario; throws AssertionFailed (or the code's own error) when it fails. */
export function runScenario(template, scenario, setup = '') {
  const code = `${setup}\n${scenario.code}`;
  const problems = checkSandboxSyntax(code);
  if (problems.length) throw new Error(`test code is not sandboxed JavaScript: ${problems.join(', ')}`);
  const instance = new ServerInstance({ template, transport: () => Promise.reject({ reason: 'failed' }) });
  const mocks = {};
  const calls = [];
  const api = {
    runCode: (data) => {
      const run = instance.runTag(data, {}, mocks);
      calls.push(...run.calls);
      if (run.outcome) calls.push({ name: run.outcome === 'success' ? 'gtmOnSuccess' : 'gtmOnFailure', args: [] });
      return undefined;
    },
    mock: (name, value) => { mocks[name] = typeof value === 'function' ? value : () => value; },
    assertApi: (name) => {
      const made = () => calls.filter((c) => c.name === name);
      const withArgs = (args) => made().some((c) => isDeepStrictEqual(c.args, plain(args)));
      return {
        wasCalled: () => check(made().length > 0, `${name} was not called`),
        wasNotCalled: () => check(made().length === 0, `${name} was called`),
        wasCalledWith: (...args) => check(withArgs(args), `${name} was not called with ${JSON.stringify(args)}; calls: ${JSON.stringify(made())}`),
        wasNotCalledWith: (...args) => check(!withArgs(args), `${name} was called with ${JSON.stringify(args)}`),
      };
    },
    assertThat: (actual, message) => subject(actual, message),
    fail: (message) => { throw new AssertionFailed(message || 'fail() called'); },
    // test code reaches the real APIs, and the same template storage as the code under test
    require: (name) => instance.api(name),
  };
  const names = Object.keys(api);
  // eslint-disable-next-line no-new-func
  new Function(...names, `'use strict';\n${code}`)(...names.map((n) => api[n]));
}

function subject(actual, message) {
  const say = (what) => `${message ? `${message}: ` : ''}${what}`;
  const show = (v) => JSON.stringify(v);
  return {
    isEqualTo: (expected) => check(isDeepStrictEqual(plain(actual), plain(expected)), say(`expected ${show(expected)}, got ${show(actual)}`)),
    isNotEqualTo: (expected) => check(!isDeepStrictEqual(plain(actual), plain(expected)), say(`expected anything but ${show(expected)}`)),
    isTrue: () => check(actual === true, say(`expected true, got ${show(actual)}`)),
    isFalse: () => check(actual === false, say(`expected false, got ${show(actual)}`)),
    isUndefined: () => check(actual === undefined, say(`expected undefined, got ${show(actual)}`)),
    isDefined: () => check(actual !== undefined, say('expected a value, got undefined')),
    isNull: () => check(actual === null, say(`expected null, got ${show(actual)}`)),
    hasLength: (n) => check(actual != null && actual.length === n, say(`expected length ${n}, got ${actual && actual.length}`)),
    contains: (...values) => check(values.every((v) => [...actual].some((a) => isDeepStrictEqual(plain(a), plain(v)))),
      say(`expected ${show(actual)} to contain ${show(values)}`)),
    isGreaterThan: (n) => check(actual > n, say(`expected more than ${n}, got ${show(actual)}`)),
  };
}

function check(ok, message) {
  if (!ok) throw new AssertionFailed(message);
}

/** Deep equality as GTM's tests see values: plain data, key order ignored. */
function plain(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
