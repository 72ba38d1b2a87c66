// One send: its outcome (with Sinch's field errors when it was refused), the recipient's view, the delivery reports
// as they arrive, and the exact request.
'use strict';

(() => {
  const { el, str, arr } = Sandbox;
  const $ = id => document.getElementById(id);
  const id = decodeURIComponent(location.pathname.split('/').pop());
  let shown = '';

  const pretty = json => { try { return JSON.stringify(JSON.parse(json), null, 2); } catch { return json; } };
  const parse = json => { try { return JSON.parse(json); } catch { return json; } };

  const render = m => {
    const signature = `${m.outcome}|${arr(m.delivery_reports).length}`;
    if (signature === shown) return;
    shown = signature;
    const to = m.contact_id ? `contact ${m.contact_id}` : arr(m.identities).join(', ');
    $('title').textContent = `${m.kind} to ${to}`;
    document.title = `Sinch sandbox: ${m.kind} to ${to}`;
    $('verdict').replaceChildren(Sandbox.outcomeBadge(m));
    $('summary').textContent = `Received ${m.received_at} on ${arr(m.channels).join(' → ') || 'the contact\'s channels'}, region ${m.region}, project ${m.project_id}; outcome ${m.outcome}; message id ${m.message_id || '—'}${m.correlation_id ? `; correlation id ${m.correlation_id}` : ''}.`;
    const fields = arr(m.field_errors);
    $('field-errors-section').hidden = fields.length === 0 && !m.reason;
    $('field-errors').querySelector('tbody').replaceChildren(...(fields.length ? fields.map(f => el('tr', 'field-error', el('td', 'field', el('code', '', f.field)), el('td', 'description', f.description)))
      : [el('tr', 'field-error', el('td', 'field', '—'), el('td', 'description', str(m.reason)))]));
    $('preview').replaceChildren(Sandbox.renderMessage(parse(m.request_body)));
    const reports = arr(m.delivery_reports);
    $('no-reports').hidden = reports.length > 0;
    $('reports').querySelector('tbody').replaceChildren(...reports.map(r => el('tr', `report ${r.status === 'FAILED' ? 'failed' : ''}`,
      el('td', '', Sandbox.time(r.sent_at)), el('td', 'status', r.status), el('td', '', r.channel), el('td', 'reason', str(r.reason)),
      el('td', '', r.webhook_status ? `${r.webhook_status} from ${r.url}` : `unreachable: ${r.url}`))));
    $('body').textContent = pretty(m.request_body);
    $('headers').textContent = Object.entries(m.request_headers || {}).map(([k, v]) => `${k}: ${v}`).join('\n');
  };

  Sandbox.live(snapshot => {
    const m = arr(snapshot.captured).find(c => c.id === id);
    if (m) render(m);
    else $('verdict').replaceChildren(el('div', 'outcome rejected', el('span', 'badge', 'gone'), el('span', 'reason', 'This send was cleared from the sandbox.')));
  });
})();
