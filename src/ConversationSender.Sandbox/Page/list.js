// The list page: rows kept by id and redrawn only when their send changed, so a live update keeps the scroll
// position, the filters and whatever is half typed in the forms.
'use strict';

(() => {
  const { el, str } = Sandbox;
  const $ = id => document.getElementById(id);
  const faultKinds = ['rate_limited', 'rate_limited_no_retry_after', 'server_error', 'unavailable', 'token_expired', 'tokens_revoked', 'delay', 'accepted_then_reset', 'reset_before_processing', 'list_unavailable', 'channel_down'];
  const channels = ['SMS', 'WHATSAPP', 'RCS', 'MESSENGER', 'VIBER', 'VIBERBM', 'MMS', 'INSTAGRAM', 'TELEGRAM', 'KAKAOTALK', 'KAKAOTALKCHAT', 'LINE', 'WECHAT', 'APPLEBC'];
  const rows = new Map();
  let last = { captured: [], listed: [], pending_faults: [], consent: [] };
  // What Sinch would know of each identity's consent (its keyword replies, the consent events): key → state.
  let consent = new Map();

  const options = (select, values) => values.forEach(v => select.append(el('option', '', v)));
  options($('fault-kind'), faultKinds);
  options($('fault-channel'), channels);
  options($('reply-channel'), channels);
  options($('consent-channel'), channels);
  options($('filter-channel'), channels);
  $('show-images').checked = Sandbox.showImages();

  const parse = json => { try { return JSON.parse(json); } catch { return null; } };
  // The identities the send named, and the contact Sinch keeps them under (CONVERSATION mode, or a contact_id send).
  const identityOf = m => [Sandbox.arr(m.identities).join(', '), m.contact_id ? `contact ${m.contact_id}` : ''].filter(Boolean).join(' · ');
  // Phone-like identities compare by their digits (a reply from 46701234567 is the recipient of +46701234567), as the sandbox does.
  const consentKey = (channel, identity) => {
    const id = Sandbox.str(identity).trim();
    return `${Sandbox.str(channel).toUpperCase()}\n${/^[\d+\s\-().]+$/.test(id) ? id.replace(/\D/g, '') : id}`;
  };
  const optedOut = m => Sandbox.arr(m.channels).flatMap(c => Sandbox.arr(m.identities).map(i => consent.get(consentKey(c, i)))).find(s => s?.opted_out);
  const signature = m => `${m.outcome}|${m.message_id}|${Sandbox.arr(m.delivery_reports).length}|${Sandbox.showImages()}|${optedOut(m)?.since ?? ''}`;
  const consentBadge = s => {
    const badge = el('span', `consent-badge ${s.opted_out ? 'opted-out' : 'opted-in'}`, s.opted_out ? 'opted out' : 'opted in');
    badge.title = `${s.opted_out ? 'Opted out' : 'Opted in'} since ${s.since} (${s.source}: ${s.detail})`;
    return badge;
  };

  const row = m => {
    const body = parse(m.request_body);
    const outcome = Sandbox.outcomeOf(m);
    const link = el('a', 'message-id', m.message_id || (outcome.state === 'rejected' ? 'refused' : '—'));
    link.href = `/messages/${encodeURIComponent(m.id)}`;
    const tr = el('tr', `message ${outcome.state}`,
      el('td', 'time', Sandbox.time(m.received_at)),
      el('td', 'channel', Sandbox.arr(m.channels).join(' → ') || '—'),
      el('td', 'identity', Sandbox.arr(m.identities).join(', '), optedOut(m) ? el('div', '', consentBadge(optedOut(m))) : null, m.contact_id ? el('div', 'contact muted', `contact ${m.contact_id}`) : null),
      el('td', 'view', Sandbox.renderMessage(body ?? m.request_body)),
      el('td', 'ids', link, m.correlation_id ? el('div', 'correlation muted', m.correlation_id) : null, el('div', 'kind muted', m.kind)),
      el('td', 'outcome-cell', Sandbox.outcomeBadge(m), el('div', 'reports muted', Sandbox.arr(m.delivery_reports).map(r => r.status).join(' → '))));
    tr.dataset.id = m.id;
    tr.dataset.state = outcome.state;
    tr.dataset.channels = Sandbox.arr(m.channels).join(' ');
    tr.dataset.identity = identityOf(m).toLowerCase();
    tr.dataset.search = [Sandbox.textOf(body), m.kind, m.correlation_id, m.message_id, m.outcome, outcome.reason].map(str).join('\n').toLowerCase();
    tr.dataset.signature = signature(m);
    return tr;
  };

  const matches = tr => {
    const channel = $('filter-channel').value;
    const identity = $('filter-identity').value.trim().toLowerCase();
    const text = $('filter-text').value.trim().toLowerCase();
    const outcome = $('filter-outcome').value;
    const state = tr.dataset.state;
    return (!channel || tr.dataset.channels.split(' ').includes(channel))
      && (!identity || tr.dataset.identity.includes(identity))
      && (!text || tr.dataset.search.includes(text))
      && (!outcome || state === outcome || (outcome === 'problem' && ['failed', 'rejected', 'unconfirmed'].includes(state)));
  };

  const applyFilters = () => {
    let shown = 0;
    for (const tr of rows.values()) {
      tr.hidden = !matches(tr);
      if (!tr.hidden) shown++;
    }
    $('shown').textContent = rows.size === shown ? '' : `${shown} of ${rows.size} shown`;
    $('empty').hidden = rows.size > 0;
  };

  const renderConsent = states => {
    $('consent-states').replaceChildren(...states.map(s => {
      const chip = el('button', 'consent-chip', el('span', 'consent-identity', `${s.channel} ${s.identity}`), ' ', consentBadge(s));
      chip.type = 'button';
      chip.dataset.identity = s.identity;
      chip.addEventListener('click', () => { $('filter-identity').value = s.identity; applyFilters(); });
      return chip;
    }));
  };

  const render = snapshot => {
    last = snapshot;
    const states = Sandbox.arr(snapshot.consent);
    consent = new Map(states.map(s => [consentKey(s.channel, s.identity), s]));
    renderConsent(states);
    const captured = Sandbox.arr(snapshot.captured);
    const tbody = document.querySelector('#captured tbody');
    const keep = new Set(captured.map(m => m.id));
    for (const [id, tr] of rows) {
      if (!keep.has(id)) { tr.remove(); rows.delete(id); }
    }
    captured.forEach((m, i) => {
      let tr = rows.get(m.id);
      if (!tr || tr.dataset.signature !== signature(m)) {
        const fresh = row(m);
        if (tr) tr.replaceWith(fresh);
        tr = fresh;
        rows.set(m.id, tr);
      }
      if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] ?? null);
    });
    $('count').textContent = `— ${captured.length} captured`;
    $('base-url').textContent = snapshot.base_url;
    $('pending-faults').textContent = Sandbox.arr(snapshot.pending_faults).join(', ') || 'none';
    const listed = Sandbox.arr(snapshot.listed);
    $('listed-count').textContent = `— ${listed.length} shown`;
    document.querySelector('#listed tbody').replaceChildren(...listed.map(l => el('tr', 'listed',
      el('td', '', Sandbox.time(l.accept_time)), el('td', 'id', l.id), el('td', '', l.channel), el('td', '', l.identity), el('td', 'metadata', el('code', '', l.metadata)))));
    applyFilters();
  };

  // The forms post JSON to the sandbox's API and say what it answered, in place (no navigation).
  const submit = (form, status, send) => form.addEventListener('submit', async e => {
    e.preventDefault();
    status.textContent = '…';
    try {
      const answer = await send(new FormData(form));
      const detail = answer.ok ? '' : `: ${await answer.text()}`;
      status.textContent = `${answer.status} ${answer.ok ? 'done' : 'refused'}${detail}`;
      status.className = `status ${answer.ok ? 'ok' : 'bad'}`;
    } catch (error) {
      status.textContent = `failed: ${error.message}`;
      status.className = 'status bad';
    }
  });
  const json = (url, value, method = 'POST') => fetch(url, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) });
  submit($('fault-form'), $('fault-status'), f => json('/api/faults', {
    kind: f.get('kind'), count: Number(f.get('count')), delay_ms: Number(f.get('delay_ms')), channel: f.get('kind') === 'channel_down' ? f.get('channel') : null,
  }));
  submit($('reply-form'), $('reply-status'), f => json('/api/inbound', { channel: f.get('channel'), identity: f.get('identity'), text: f.get('text') }));
  submit($('consent-form'), $('consent-status'), f => json('/api/consent-event', { kind: f.get('kind'), channel: f.get('channel'), identity: f.get('identity') }));
  submit($('clear-form'), $('fault-status'), () => fetch('/api/captured', { method: 'DELETE' }));

  for (const id of ['filter-channel', 'filter-identity', 'filter-text', 'filter-outcome']) $(id).addEventListener('input', applyFilters);
  $('show-images').addEventListener('change', e => {
    localStorage.setItem('sandbox.showImages', e.target.checked ? '1' : '0');
    render(last);
  });

  Sandbox.live(render);
})();
