// Realistic GA4 events as a server container sees them (event data), and the outcomes of its other tags.

const HASH = 'a'.repeat(64); // a SHA-256 in hex: the tag only checks presence

export const EVENTS = {
  purchaseHashed: {
    event_name: 'purchase', value: 129.9, currency: 'EUR', transaction_id: 'T-1001',
    items: [{ item_id: 'SKU-1', price: 64.95, quantity: 2 }],
    user_data: { sha256_email_address: HASH, sha256_phone_number: HASH,
      address: { sha256_first_name: HASH, sha256_last_name: HASH, city: 'lyon', country: 'FR' } },
  },
  purchasePlain: {
    event_name: 'purchase', value: 0, currency: 'EUR', transaction_id: 'T-1002',
    items: [{ item_id: 'SKU-2' }],
    user_data: { email_address: 'ada@example.com', address: [{ first_name: 'Ada', last_name: 'Lovelace', country: 'GB' }] },
  },
  purchaseWithoutTransaction: {
    event_name: 'purchase', value: '49.00', currency: '', items: [],
    user_data: { phone_number: '+33600000000', address: { city: 'Paris' } },
  },
  pageView: { event_name: 'page_view', page_location: 'https://shop.example.com/', client_id: '123.456' },
  addToCart: { event_name: 'add_to_cart', currency: 'USD', value: 10, items: [{ item_id: 'SKU-3' }] },
  viewItem: { event_name: 'view_item', items: [{ item_id: 'SKU-4' }] },
  customWithItems: { event_name: 'wishlist_share', items: [{ item_id: 'SKU-5' }] },
  generateLead: { event_name: 'generate_lead', value: 5, currency: 'EUR', user_data: { email: ['', 'x@example.com'] } },
  noName: { page_location: 'https://shop.example.com/cart' },
  emptyUserData: { event_name: 'sign_up', user_data: {} },
};

/** The other tags of the container: named through metadata or not. */
export const TAGS = [
  { id: '15', name: 'GA4 - Event' },
  { id: '22', name: 'Meta CAPI' },
  { id: '31', name: 'TikTok Events API' },
  { id: '40' }, // no name metadata
  { id: 57, name: 'Google Ads Conversion' }, // an id GTM gives as a number
];

export const STATUSES = ['success', 'failure', 'timeout', 'exception'];

/** A small deterministic generator, so a run can be repeated exactly. */
export function random(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 4294967296;
  };
}

/** n events: which event data, which tags fired and how each ended (mostly success). */
export function generate(n, seed = 1) {
  const next = random(seed);
  const names = Object.keys(EVENTS);
  const events = [];
  for (let i = 0; i < n; i++) {
    const eventData = EVENTS[names[Math.floor(next() * names.length)]];
    const tagResults = TAGS.filter(() => next() < 0.7).map((tag) => {
      const roll = next();
      const status = roll < 0.85 ? 'success' : STATUSES[1 + Math.floor(next() * 3)];
      const result = { id: tag.id, status, executionTime: Math.floor(next() * 3000) };
      if (tag.name) result.name = tag.name;
      if (next() < 0.05) delete result.executionTime;
      return result;
    });
    events.push({ eventData, tagResults });
  }
  return events;
}
