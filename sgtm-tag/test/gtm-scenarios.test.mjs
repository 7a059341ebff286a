import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScenario, scenariosOf } from '../harness/gtm-tests.mjs';
import { template } from './support.mjs';

const { setup, scenarios } = scenariosOf(template);

test('the template carries GTM test scenarios for the main paths', () => {
  assert.ok(scenarios.length >= 5, `${scenarios.length} scenarios`);
});

for (const scenario of scenarios) {
  test(`GTM scenario: ${scenario.name}`, () => runScenario(template, scenario, setup));
}

test('a scenario whose assertion is wrong fails', () => {
  const broken = { name: 'broken', code: scenarios[0].code.replace("'GA4 - Event'", "'GA4 - Renamed'") };
  assert.throws(() => runScenario(template, broken, setup), /expected .*GA4 - Renamed/);
});
