// Totals in the batched shape: what per-event payloads add up to by the aggregator's rules, or batches sum to.

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

