// Reads a GTM custom template (.tpl): its sections, its parameters and the permissions it declares.
import { readFileSync } from 'node:fs';

export function readTemplate(path) {
  return parseTemplate(readFileSync(path, 'utf8'));
}

export function parseTemplate(text) {
  const sections = {};
  let current = null;
  for (const line of text.replace(/^\uFEFF/, '').split('\n')) {
    const header = line.match(/^___([A-Z_]+)___\s*$/);
    if (header) {
      current = header[1];
      sections[current] = [];
    } else if (current) {
      sections[current].push(line);
    }
  }
  const section = (name) => (sections[name] || []).join('\n').trim();
  return {
    info: JSON.parse(section('INFO')),
    parameters: JSON.parse(section('TEMPLATE_PARAMETERS')),
    code: section('SANDBOXED_JS_FOR_SERVER'),
    permissions: permissionsOf(JSON.parse(section('SERVER_PERMISSIONS'))),
    testsYaml: section('TESTS'), // GTM's test scenarios, YAML: read by gtm-tests.mjs
  };
}

/** { publicId: { param: plain value } }, values decoded from GTM's typed form (1 string, 2 list, 3 map, 8 boolean). */
function permissionsOf(entries) {
  const permissions = {};
  for (const entry of entries) {
    const params = {};
    for (const param of entry.instance.param || []) {
      params[param.key] = decode(param.value);
    }
    permissions[entry.instance.key.publicId] = params;
  }
  return permissions;
}

function decode(value) {
  switch (value.type) {
    case 1: return value.string;
    case 2: return (value.listItem || []).map(decode);
    case 3: return Object.fromEntries(value.mapKey.map((k, i) => [decode(k), decode(value.mapValue[i])]));
    case 8: return value.boolean;
    default: throw new Error(`unknown permission value type ${value.type}`);
  }
}

/** The default value of each parameter, as GTM fills them into `data` for a new tag. */
export function defaultData(template) {
  const data = {};
  for (const parameter of template.parameters) {
    if ('defaultValue' in parameter) data[parameter.name] = parameter.defaultValue;
  }
  return data;
}
