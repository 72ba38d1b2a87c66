// Shared by the list and the detail page: building DOM safely (text nodes only, never innerHTML with message
// content), the live feed, and what a message's outcome means.
'use strict';

const Sandbox = {};

/** el('div', 'class names', child, 'text', …): an element; null/false children are skipped. */
Sandbox.el = (tag, className, ...children) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
};

/** A value of the message as a string, or '' when it is absent or of another JSON type (Sinch would refuse it). */
Sandbox.str = value => (typeof value === 'string' || typeof value === 'number') ? String(value) : '';
Sandbox.obj = value => (value && typeof value === 'object' && !Array.isArray(value)) ? value : null;
Sandbox.arr = value => Array.isArray(value) ? value : [];

Sandbox.time = iso => {
  const d = new Date(iso);
  return isNaN(d) ? '' : d.toISOString().substring(11, 23);
};

/**
 * What happened to a send, from the sandbox's answer and the delivery reports: delivered, accepted (no final
 * report yet), unconfirmed (Sinch took it but the sender never got the answer), failed (a FAILED report) or
 * rejected (an error answer: the message did not go out).
 */
Sandbox.outcomeOf = m => {
  const reports = Sandbox.arr(m.delivery_reports);
  const outcome = Sandbox.str(m.outcome);
  if (outcome === 'accepted') {
    const failed = reports.find(r => r.status === 'FAILED');
    if (failed) return { state: 'failed', label: 'FAILED', reason: failed.reason || `delivery failed on ${failed.channel}` };
    const delivered = reports.find(r => r.status === 'DELIVERED');
    if (delivered) return { state: 'delivered', label: 'delivered', reason: delivered.channel ? `on ${delivered.channel}` : '' };
    const last = reports[reports.length - 1];
    return { state: 'accepted', label: 'accepted', reason: last ? `${last.status.toLowerCase().replaceAll('_', ' ')} ${last.channel}` : 'no delivery report yet' };
  }
  if (outcome === 'received') return { state: 'accepted', label: 'received', reason: 'no answer yet' };
  if (outcome.startsWith('accepted')) return { state: 'unconfirmed', label: 'unconfirmed', reason: `${outcome}: Sinch took it, the sender never got the answer` };
  const fields = Sandbox.arr(m.field_errors);
  const reason = fields.length > 0 ? `${fields[0].field}: ${fields[0].description}${fields.length > 1 ? ` (+${fields.length - 1} more)` : ''}`
    : (m.reason || 'the message did not go out');
  return { state: 'rejected', label: `rejected · ${outcome}`, reason };
};

Sandbox.outcomeBadge = m => {
  const o = Sandbox.outcomeOf(m);
  return Sandbox.el('div', `outcome ${o.state}`, Sandbox.el('span', 'badge', o.label), o.reason ? Sandbox.el('span', 'reason', o.reason) : null);
};

/** Calls onSnapshot with the page state now and after every change (server-sent events; the browser reconnects). */
Sandbox.live = onSnapshot => {
  const status = document.getElementById('live');
  const events = new EventSource('/api/events');
  events.addEventListener('snapshot', e => onSnapshot(JSON.parse(e.data)));
  events.onopen = () => { if (status) { status.textContent = 'live'; status.className = 'live on'; } };
  events.onerror = () => { if (status) { status.textContent = 'reconnecting…'; status.className = 'live off'; } };
  return events;
};

/** Remote images only when asked for: the page itself loads nothing from outside this machine. */
Sandbox.showImages = () => localStorage.getItem('sandbox.showImages') === '1';
