___TERMS_OF_SERVICE___

By creating or modifying this file you agree to Google Tag Manager's Community
Template Gallery Developer Terms of Service available at
https://developers.google.com/tag-manager/gallery-tos (or such other URL as
Google may provide), as modified from time to time.


___INFO___

{
  "type": "TAG",
  "id": "cvt_temp_public_id",
  "version": 1,
  "securityGroups": [],
  "displayName": "Probr monitoring",
  "categories": [
    "ANALYTICS",
    "UTILITY"
  ],
  "description": "Sends the outcome of every tag of every event (status, execution time, name) to a Probr edge, with whether the event carried user data and e-commerce fields, never their values. Fire it on every event; give it the tag metadata exclude = true.",
  "containerContexts": [
    "SERVER"
  ]
}


___TEMPLATE_PARAMETERS___

[
  {
    "type": "TEXT",
    "name": "endpoint",
    "displayName": "Probr endpoint URL",
    "simpleValueType": true,
    "help": "Your edge's ingest URL, e.g. https://probr.example.com/ingest. Also allow it in the template's send_http permission.",
    "valueValidators": [
      {
        "type": "NON_EMPTY"
      },
      {
        "type": "REGEX",
        "args": [
          "^https?://[^\\s]+$"
        ],
        "errorMessage": "An http(s) URL, e.g. https://probr.example.com/ingest"
      }
    ]
  },
  {
    "type": "TEXT",
    "name": "ingestionKey",
    "displayName": "Ingestion key",
    "simpleValueType": true,
    "help": "The key Probr gave for this site (pk_live_...). Sent in the X-Probr-Key header.",
    "valueValidators": [
      {
        "type": "NON_EMPTY"
      }
    ]
  },
  {
    "type": "RADIO",
    "name": "sendMode",
    "displayName": "Send mode",
    "simpleValueType": true,
    "defaultValue": "per_event",
    "radioItems": [
      {
        "value": "per_event",
        "displayValue": "Per event: one request per event"
      },
      {
        "value": "batched",
        "displayValue": "Batched: counts per container, one request per batch"
      }
    ]
  },
  {
    "type": "TEXT",
    "name": "batchSize",
    "displayName": "Batch size (events)",
    "simpleValueType": true,
    "help": "A batch is sent once it counts this many events (1 to 10000).",
    "defaultValue": "50",
    "valueValidators": [
      {
        "type": "POSITIVE_NUMBER"
      }
    ],
    "enablingConditions": [
      {
        "paramName": "sendMode",
        "paramValue": "batched",
        "type": "EQUALS"
      }
    ]
  },
  {
    "type": "TEXT",
    "name": "maxWaitSeconds",
    "displayName": "Longest wait (seconds)",
    "simpleValueType": true,
    "help": "A batch is also sent when it is this old, at the next event: the server has no timer of its own.",
    "defaultValue": "60",
    "valueValidators": [
      {
        "type": "POSITIVE_NUMBER"
      }
    ],
    "enablingConditions": [
      {
        "paramName": "sendMode",
        "paramValue": "batched",
        "type": "EQUALS"
      }
    ]
  },
  {
    "type": "TEXT",
    "name": "nameMetadataKey",
    "displayName": "Tag metadata key holding the tag's name",
    "simpleValueType": true,
    "help": "Set the same key in each tag's Advanced Settings > Additional Tag Metadata > Include tag name.",
    "defaultValue": "name"
  },
  {
    "type": "TEXT",
    "name": "excludeMetadataKey",
    "displayName": "Tag metadata key that leaves a tag out",
    "simpleValueType": true,
    "help": "Tags whose metadata has this key set to true are not reported; give it to this tag itself.",
    "defaultValue": "exclude"
  },
  {
    "type": "TEXT",
    "name": "ignoredTagIds",
    "displayName": "Tag ids to leave out",
    "simpleValueType": true,
    "help": "Comma-separated tag ids not to report, e.g. 12, 31.",
    "defaultValue": ""
  }
]


___SANDBOXED_JS_FOR_SERVER___

const addEventCallback = require('addEventCallback');
const getEventData = require('getEventData');
const getTimestampMillis = require('getTimestampMillis');
const getType = require('getType');
const JSON = require('JSON');
const logToConsole = require('logToConsole');
const makeInteger = require('makeInteger');
const makeString = require('makeString');
const Math = require('Math');
const Object = require('Object');
const queryPermission = require('queryPermission');
const sendHttpRequest = require('sendHttpRequest');
const templateDataStorage = require('templateDataStorage');

// GA4's recommended e-commerce events; any other event that carries items counts as one too.
const ECOMMERCE_EVENTS = ['add_payment_info', 'add_shipping_info', 'add_to_cart', 'add_to_wishlist',
  'begin_checkout', 'purchase', 'refund', 'remove_from_cart', 'select_item', 'select_promotion', 'view_cart',
  'view_item', 'view_item_list', 'view_promotion'];
const STATUSES = ['success', 'failure', 'timeout', 'exception'];
// The contract's limits (schemas/*.schema.json): beyond them the edge would refuse the whole payload.
const MAX_TAGS = 500;
const MAX_TEXT = 256;
const MAX_EXECUTION_MS = 4294967295;
const PER_EVENT_TIMEOUT_MS = 5000;
const BATCHED_TIMEOUT_MS = 10000;
const MAX_RETRY_AFTER_S = 3600;
const MAX_BACKOFF_S = 300;
// Distinct names per batch: beyond, counted under (other), so a batch stays far below the edge's 1 MiB.
const MAX_NAMES = 1000;
const OTHER = '(other)';

const mode = data.sendMode === 'batched' ? 'batched' : 'per_event';
const nameKey = text(data.nameMetadataKey) || 'name';
const excludeKey = text(data.excludeMetadataKey) || 'exclude';
const ignoredIds = idList(data.ignoredTagIds);
const batchSize = bounded(data.batchSize, 50, 1, 10000);
const maxWaitMs = bounded(data.maxWaitSeconds, 60, 1, 86400) * 1000;
// Storage is shared by every tag of this template in the server: each endpoint and key has its own.
const scope = makeString(data.endpoint) + '|' + makeString(data.ingestionKey);
const RETRY_AT_KEY = 'probr_retry_at|' + scope;
const FAILURES_KEY = 'probr_failures|' + scope;

// What the event carries is read now; the tags' outcomes once they all ran.
const eventTimeMs = getTimestampMillis();
const eventName = text(getEventData('event_name')) || '(not set)';
const userData = userDataPresence(getEventData('user_data'));
const ecommerce = ecommercePresence(eventName);

addEventCallback((containerId, eventData) => {
  const event = {
    container_id: text(containerId) || '(not set)',
    event_name: eventName,
    timestamp_ms: eventTimeMs,
    tags: tagResults(eventData ? eventData.tags : undefined)
  };
  if (userData) event.user_data = userData;
  if (ecommerce) event.ecommerce = ecommerce;
  if (mode === 'batched') {
    addToBatch(event);
  } else {
    sendEvent(event);
  }
});
data.gtmOnSuccess();

function tagResults(tags) {
  const results = [];
  if (getType(tags) !== 'array') return results;
  tags.forEach((tag) => {
    if (getType(tag) !== 'object') return;
    const id = text(tag.id);
    if (!id || ignoredIds.indexOf(id) >= 0 || isTrue(tag[excludeKey])) return;
    if (STATUSES.indexOf(tag.status) < 0) {
      log('tag ' + id + ' left out: unknown status ' + tag.status);
      return;
    }
    if (results.length >= MAX_TAGS) {
      log('tag ' + id + ' left out: an event carries at most ' + MAX_TAGS + ' tags');
      return;
    }
    const result = {id: id, status: tag.status};
    const name = text(tag[nameKey]);
    if (name) result.name = name;
    if (getType(tag.executionTime) === 'number' && tag.executionTime >= 0) {
      result.execution_time = Math.min(makeInteger(tag.executionTime), MAX_EXECUTION_MS);
    }
    results.push(result);
  });
  return results;
}

// Only whether each field is there, hashed or not: never its value.
function userDataPresence(value) {
  if (getType(value) !== 'object') return undefined;
  const addresses = getType(value.address) === 'array' ? value.address : [value.address];
  return {
    has_email: present(value.email_address) || present(value.email) || present(value.sha256_email_address),
    has_phone: present(value.phone_number) || present(value.sha256_phone_number),
    has_first_name: inAnyAddress(addresses, 'first_name') || inAnyAddress(addresses, 'sha256_first_name'),
    has_last_name: inAnyAddress(addresses, 'last_name') || inAnyAddress(addresses, 'sha256_last_name'),
    has_city: inAnyAddress(addresses, 'city'),
    has_country: inAnyAddress(addresses, 'country')
  };
}

function ecommercePresence(name) {
  const items = getEventData('items');
  const hasItems = getType(items) === 'array' && items.length > 0;
  if (ECOMMERCE_EVENTS.indexOf(name) < 0 && !hasItems) return undefined;
  return {
    has_value: present(getEventData('value')),
    has_currency: present(getEventData('currency')),
    has_transaction_id: present(getEventData('transaction_id')),
    has_items: hasItems
  };
}

function sendEvent(event) {
  if (!allowed()) return;
  const waitMs = retryAtMs() - getTimestampMillis();
  if (waitMs > 0) {
    log('event ' + event.event_name + ' not sent: the edge asked to wait ' + Math.ceil(waitMs / 1000) + ' s more (429)');
    return;
  }
  post(event, PER_EVENT_TIMEOUT_MS, () => {});
}

function addToBatch(event) {
  const key = 'probr_batch|' + scope + '|' + event.container_id;
  const batch = templateDataStorage.getItemCopy(key) || emptyBatch(event.container_id, getTimestampMillis());
  count(batch, event);
  templateDataStorage.setItemCopy(key, batch);
  flushIfDue(key, batch);
}

// Taking the batch out of storage before sending makes the events that arrive meanwhile start the next
// batch; a send that may be retried puts the batch back, merged, so nothing is lost or counted twice.
function flushIfDue(key, batch) {
  const now = getTimestampMillis();
  if ((batch.total_events < batchSize && now - batch.opened_at_ms < maxWaitMs)) return;
  if (now < retryAtMs() || !allowed()) return;
  templateDataStorage.removeItem(key);
  post(payloadOf(batch), BATCHED_TIMEOUT_MS, (retry, statusCode) => {
    if (!retry) {
      templateDataStorage.removeItem(FAILURES_KEY);
      return;
    }
    const current = templateDataStorage.getItemCopy(key);
    templateDataStorage.setItemCopy(key, current ? merged(batch, current) : batch);
    if (statusCode !== 429) backOff();
  });
}

function emptyBatch(containerId, now) {
  return {
    container_id: containerId, batch: true, window_start_ms: -1, window_end_ms: -1, total_events: 0,
    event_counts: {}, tag_metrics: {},
    user_data_quality: {email: 0, phone: 0, address: 0, total: 0},
    ecommerce_quality: {value: 0, currency: 0, transaction_id: 0, items: 0, total: 0},
    opened_at_ms: now
  };
}

// The aggregator's rules (docs/windows.md), so a tag's batch and a stream window count alike.
function count(batch, event) {
  const time = event.timestamp_ms;
  batch.window_start_ms = batch.window_start_ms < 0 ? time : Math.min(batch.window_start_ms, time);
  batch.window_end_ms = Math.max(batch.window_end_ms, time);
  batch.total_events += 1;
  const name = counterKey(batch.event_counts, event.event_name);
  batch.event_counts[name] = (batch.event_counts[name] || 0) + 1;
  event.tags.forEach((tag) => {
    const key = counterKey(batch.tag_metrics, tag.name || tag.id);
    const metrics = batch.tag_metrics[key] || {success: 0, failure: 0, timeout: 0, exception: 0, total_exec_ms: 0, count: 0};
    metrics[tag.status] += 1;
    metrics.total_exec_ms += tag.execution_time || 0;
    metrics.count += 1;
    batch.tag_metrics[key] = metrics;
  });
  const users = batch.user_data_quality;
  const u = event.user_data;
  users.total += 1;
  if (u) {
    users.email += u.has_email ? 1 : 0;
    users.phone += u.has_phone ? 1 : 0;
    users.address += u.has_first_name && u.has_last_name && u.has_country ? 1 : 0;
  }
  const e = event.ecommerce;
  if (e) {
    const shop = batch.ecommerce_quality;
    shop.total += 1;
    shop.value += e.has_value ? 1 : 0;
    shop.currency += e.has_currency ? 1 : 0;
    shop.transaction_id += e.has_transaction_id ? 1 : 0;
    shop.items += e.has_items ? 1 : 0;
  }
}

function merged(a, b) {
  const result = emptyBatch(a.container_id, Math.min(a.opened_at_ms, b.opened_at_ms));
  result.window_start_ms = Math.min(a.window_start_ms, b.window_start_ms);
  result.window_end_ms = Math.max(a.window_end_ms, b.window_end_ms);
  result.total_events = a.total_events + b.total_events;
  [a, b].forEach((batch) => {
    Object.keys(batch.event_counts).forEach((key) => {
      const target = counterKey(result.event_counts, key.substring(2));
      result.event_counts[target] = (result.event_counts[target] || 0) + batch.event_counts[key];
    });
    Object.keys(batch.tag_metrics).forEach((key) => {
      const target = counterKey(result.tag_metrics, key.substring(2));
      result.tag_metrics[target] = result.tag_metrics[target] || {success: 0, failure: 0, timeout: 0, exception: 0, total_exec_ms: 0, count: 0};
      addCounts(result.tag_metrics[target], batch.tag_metrics[key]);
    });
    addCounts(result.user_data_quality, batch.user_data_quality);
    addCounts(result.ecommerce_quality, batch.ecommerce_quality);
  });
  return result;
}

function addCounts(into, from) {
  Object.keys(from).forEach((key) => {
    into[key] = (into[key] || 0) + from[key];
  });
}

function payloadOf(batch) {
  const payload = {};
  Object.keys(batch).forEach((key) => {
    if (key === 'event_counts' || key === 'tag_metrics') {
      payload[key] = {};
      Object.keys(batch[key]).forEach((counter) => {
        payload[key][outputName(counter)] = batch[key][counter];
      });
    } else if (key !== 'opened_at_ms') {
      payload[key] = batch[key];
    }
  });
  return payload;
}

// Counters are kept under 'k:' + name, so no event or tag name (constructor, toString...) meets a property
// every object has; at most MAX_NAMES of them, the rest under (other).
function counterKey(counters, name) {
  const key = 'k:' + name;
  if (counters[key] || Object.keys(counters).length < MAX_NAMES) return key;
  return 'k:' + OTHER;
}

// A name that would set the object's prototype instead of a key is renamed.
function outputName(key) {
  const name = key.substring(2);
  return name === '__proto__' ? '(__proto__)' : name;
}

function backOff() {
  const failures = (templateDataStorage.getItemCopy(FAILURES_KEY) || 0) + 1;
  templateDataStorage.setItemCopy(FAILURES_KEY, failures);
  const waitS = Math.min(Math.pow(2, failures - 1), MAX_BACKOFF_S);
  templateDataStorage.setItemCopy(RETRY_AT_KEY, getTimestampMillis() + waitS * 1000);
  log('sending again in ' + waitS + ' s (failure ' + failures + ' in a row)');
}

function allowed() {
  if (queryPermission('send_http', data.endpoint)) return true;
  log('nothing sent: ' + data.endpoint + ' is not allowed by the template\'s send_http permission (Templates > Probr monitoring > Permissions)');
  return false;
}

// onDone(retry, statusCode): retry when the payload may be sent again (429, 5xx, no answer); refused ones (4xx) never are.
function post(payload, timeoutMs, onDone) {
  sendHttpRequest(data.endpoint, (statusCode, headers, body) => {
    if (statusCode === 200) {
      onDone(false, statusCode);
      return;
    }
    if (statusCode === 429) {
      const waitS = retryAfterSeconds(headers);
      templateDataStorage.setItemCopy(RETRY_AT_KEY, getTimestampMillis() + waitS * 1000);
      log('rate limited (429): sending again in ' + waitS + ' s');
    } else {
      log(failure(statusCode, body, timeoutMs));
    }
    onDone(statusCode === 429 || statusCode === 408 || statusCode >= 500 || statusCode <= 0, statusCode);
  }, {
    method: 'POST',
    timeout: timeoutMs,
    headers: {'Content-Type': 'application/json', 'X-Probr-Key': data.ingestionKey}
  }, JSON.stringify(payload));
}

function failure(statusCode, body, timeoutMs) {
  if (statusCode === -1) return 'no answer from ' + data.endpoint + ' within ' + timeoutMs + ' ms';
  if (statusCode === 0) return 'could not reach ' + data.endpoint;
  const answer = JSON.parse(body || '');
  const detail = getType(answer) === 'object'
      ? makeString(answer.error) + (answer.message ? ': ' + makeString(answer.message) : '') : '';
  if (statusCode === 401) return 'the edge refused the ingestion key (401 ' + detail + '): check the "Ingestion key" field';
  if (statusCode === 403) return 'the ingestion key is revoked or its site disabled (403 ' + detail + ')';
  return 'the edge answered ' + statusCode + (detail ? ' (' + detail + ')' : '');
}

function retryAfterSeconds(headers) {
  let value;
  Object.keys(headers || {}).forEach((name) => {
    if (name.toLowerCase() === 'retry-after') value = headers[name];
  });
  const seconds = makeInteger(value);
  return seconds >= 1 ? Math.min(seconds, MAX_RETRY_AFTER_S) : 1;
}

function retryAtMs() {
  return templateDataStorage.getItemCopy(RETRY_AT_KEY) || 0;
}

function log(message) {
  logToConsole('Probr: ' + message);
}

function inAnyAddress(addresses, field) {
  return addresses.some((address) => getType(address) === 'object' && present(address[field]));
}

function present(value) {
  const type = getType(value);
  if (type === 'string') return value.trim().length > 0;
  if (type === 'number' || type === 'boolean') return true;
  if (type === 'array') return value.some(present);
  return false;
}

function text(value) {
  const type = getType(value);
  if (type !== 'string' && type !== 'number') return '';
  const s = makeString(value).trim();
  return s.length > MAX_TEXT ? s.substring(0, MAX_TEXT) : s;
}

function isTrue(value) {
  return value === true || makeString(value).toLowerCase() === 'true';
}

function idList(value) {
  return makeString(value || '').split(',').map((id) => id.trim()).filter((id) => id.length > 0);
}

function bounded(value, fallback, min, max) {
  const n = makeInteger(value);
  if (getType(value) === 'undefined' || value === '' || !(n >= min)) return fallback;
  return Math.min(n, max);
}


___SERVER_PERMISSIONS___

[
  {
    "instance": {
      "key": {
        "publicId": "logging",
        "versionId": "1"
      },
      "param": [
        {
          "key": "environments",
          "value": {
            "type": 1,
            "string": "debug"
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "read_event_data",
        "versionId": "1"
      },
      "param": [
        {
          "key": "keyPatterns",
          "value": {
            "type": 2,
            "listItem": [
              {
                "type": 1,
                "string": "event_name"
              },
              {
                "type": 1,
                "string": "user_data"
              },
              {
                "type": 1,
                "string": "items"
              },
              {
                "type": 1,
                "string": "value"
              },
              {
                "type": 1,
                "string": "currency"
              },
              {
                "type": 1,
                "string": "transaction_id"
              }
            ]
          }
        },
        {
          "key": "eventDataAccess",
          "value": {
            "type": 1,
            "string": "specific"
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "send_http",
        "versionId": "1"
      },
      "param": [
        {
          "key": "allowedUrls",
          "value": {
            "type": 1,
            "string": "specific"
          }
        },
        {
          "key": "urls",
          "value": {
            "type": 2,
            "listItem": [
              {
                "type": 1,
                "string": "https://probr.example.com/ingest"
              }
            ]
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "read_event_metadata",
        "versionId": "1"
      },
      "param": []
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "access_template_storage",
        "versionId": "1"
      },
      "param": []
    },
    "isRequired": true
  }
]


___TESTS___

scenarios:
- name: Per event - sends the contract's payload, values never
  code: |-
    runCode(mockData);

    assertApi('gtmOnSuccess').wasCalled();
    assertThat(requests).hasLength(1);
    assertThat(requests[0].url).isEqualTo('https://probr.example.com/ingest');
    assertThat(requests[0].options).isEqualTo({method: 'POST', timeout: 5000,
      headers: {'Content-Type': 'application/json', 'X-Probr-Key': 'pk_live_test'}});
    assertThat(requests[0].body).isEqualTo({
      container_id: 'GTM-ABC123',
      event_name: 'purchase',
      timestamp_ms: 1708790400000,
      tags: [
        {id: '15', name: 'GA4 - Event', status: 'success', execution_time: 120},
        {id: '22', status: 'failure', execution_time: 5000}
      ],
      user_data: {has_email: true, has_phone: false, has_first_name: true, has_last_name: true,
        has_city: false, has_country: true},
      ecommerce: {has_value: true, has_currency: true, has_transaction_id: true, has_items: true}
    });
- name: Per event - a page view has no e-commerce and no user data
  code: |-
    eventData = {event_name: 'page_view'};

    runCode(mockData);

    assertThat(requests[0].body.event_name).isEqualTo('page_view');
    assertThat(requests[0].body.user_data).isUndefined();
    assertThat(requests[0].body.ecommerce).isUndefined();
- name: Batched - one request per batch, with the counters
  code: |-
    mockData.sendMode = 'batched';

    runCode(mockData);
    assertThat(requests).hasLength(0);
    runCode(mockData);

    assertThat(requests).hasLength(1);
    assertThat(requests[0].options.timeout).isEqualTo(10000);
    assertThat(requests[0].body).isEqualTo({
      container_id: 'GTM-ABC123',
      batch: true,
      window_start_ms: 1708790400000,
      window_end_ms: 1708790400000,
      total_events: 2,
      event_counts: {purchase: 2},
      tag_metrics: {
        'GA4 - Event': {success: 2, failure: 0, timeout: 0, exception: 0, total_exec_ms: 240, count: 2},
        '22': {success: 0, failure: 2, timeout: 0, exception: 0, total_exec_ms: 10000, count: 2}
      },
      user_data_quality: {email: 2, phone: 0, address: 2, total: 2},
      ecommerce_quality: {value: 2, currency: 2, transaction_id: 2, items: 2, total: 2}
    });
- name: A 429 stops sending until Retry-After has passed
  code: |-
    answer = {status: 429, headers: {'retry-after': '30'}, body: '{"error":"rate_limited"}'};

    runCode(mockData);
    answer = {status: 200, headers: {}, body: '{"status":"ok"}'};
    runCode(mockData);

    assertThat(requests).hasLength(1);
    assertApi('logToConsole').wasCalledWith('Probr: rate limited (429): sending again in 30 s');
    now = now + 30000;
    runCode(mockData);
    assertThat(requests).hasLength(2);
- name: A wrong key is logged with the edge's message
  code: |-
    answer = {status: 401, headers: {}, body: '{"error":"unauthorized","message":"unknown key"}'};

    runCode(mockData);

    assertApi('gtmOnSuccess').wasCalled();
    assertApi('logToConsole').wasCalledWith('Probr: the edge refused the ingestion key (401 unauthorized: unknown key): check the "Ingestion key" field');
setup: |-
  const JSON = require('JSON');
  require('templateDataStorage').clear();

  const mockData = {
    endpoint: 'https://probr.example.com/ingest',
    ingestionKey: 'pk_live_test',
    sendMode: 'per_event',
    batchSize: '2',
    maxWaitSeconds: '60',
    nameMetadataKey: 'name',
    excludeMetadataKey: 'exclude',
    ignoredTagIds: '31'
  };
  let eventData = {
    event_name: 'purchase',
    value: 42,
    currency: 'EUR',
    transaction_id: 'T-1',
    items: [{item_id: 'SKU-1'}],
    user_data: {sha256_email_address: 'f1e2', address: {first_name: 'Ada', last_name: 'Lovelace', country: 'FR'}}
  };
  const tags = [
    {id: '15', name: 'GA4 - Event', status: 'success', executionTime: 120},
    {id: '22', status: 'failure', executionTime: 5000},
    {id: '31', name: 'Left out by id', status: 'success', executionTime: 1},
    {id: '99', name: 'Probr monitoring', exclude: 'true', status: 'success', executionTime: 0}
  ];
  let now = 1708790400000;
  let answer = {status: 200, headers: {}, body: '{"status":"ok"}'};
  const requests = [];

  mock('getEventData', (key) => eventData[key]);
  mock('getTimestampMillis', () => now);
  mock('addEventCallback', (callback) => {
    callback('GTM-ABC123', {tags: tags});
  });
  mock('sendHttpRequest', (url, callback, options, body) => {
    requests.push({url: url, options: options, body: JSON.parse(body)});
    callback(answer.status, answer.headers, answer.body);
  });


___NOTES___

Probr monitoring tag: see sgtm-tag/README.md in the Probr repository.
