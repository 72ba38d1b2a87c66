// What the recipient's app shows for each message kind of a messages:send body. Defensive throughout: a body the
// sandbox refused may hold any JSON type anywhere, and the page must still show it.
'use strict';

(() => {
  const { el, str, obj, arr } = Sandbox;

  const fileName = url => {
    const path = str(url).split(/[?#]/)[0];
    const last = path.substring(path.lastIndexOf('/') + 1);
    try { return decodeURIComponent(last) || str(url); } catch { return last || str(url); }
  };

  const isImage = url => /\.(png|jpe?g|gif|webp|bmp|svg)$/i.test(str(url).split(/[?#]/)[0]);

  const text = (value, className = 'bubble') => el('div', className, str(value));

  // An image frame: a placeholder naming the file unless the user asked the page to load remote images.
  const media = (m, caption) => {
    const url = str(m?.url);
    const name = str(m?.filename_override) || fileName(url);
    const preview = str(m?.thumbnail_url) || url;
    if (!isImage(preview)) {
      return el('div', 'media file', el('span', 'file-icon', '▤'), el('span', 'file-name', name || '(no url)'), caption ? el('div', 'caption', caption) : null);
    }
    let picture;
    if (Sandbox.showImages()) {
      picture = el('img', 'picture');
      picture.src = preview;
      picture.alt = name;
      picture.referrerPolicy = 'no-referrer';
      picture.loading = 'lazy';
    } else {
      picture = el('div', 'picture placeholder', el('span', 'image-icon', '▨'), el('span', 'file-name', name));
      picture.title = url;
    }
    return el('div', 'media image', picture, caption ? el('div', 'caption', caption) : null);
  };

  // A tappable choice, as apps draw suggestion chips and buttons: its label, and what tapping does in the tooltip.
  const choice = c => {
    const o = obj(c) || {};
    const [icon, label, does] =
      obj(o.text_message) ? ['', str(o.text_message.text), `replies "${str(o.text_message.text)}"`]
      : obj(o.url_message) ? ['↗', str(o.url_message.title), `opens ${str(o.url_message.url)}`]
      : obj(o.call_message) ? ['☎', str(o.call_message.title), `calls ${str(o.call_message.phone_number)}`]
      : obj(o.location_message) ? ['⚑', str(o.location_message.title), `shows ${coordinates(o.location_message.coordinates)}`]
      : obj(o.calendar_message) ? ['◷', str(o.calendar_message.title), `adds "${str(o.calendar_message.event_title)}" at ${str(o.calendar_message.event_start)}`]
      : obj(o.share_location_message) ? ['⚑', str(o.share_location_message.title), 'asks for the location']
      : ['?', JSON.stringify(o), 'an unknown choice'];
    const button = el('button', 'choice', icon ? el('span', 'icon', icon) : null, el('span', 'label', label));
    button.type = 'button';
    button.tabIndex = -1;
    button.title = does + (o.postback_data ? ` (postback ${str(o.postback_data)})` : '');
    return button;
  };

  const choices = list => arr(list).length ? el('div', 'choices', arr(list).map(choice)) : null;

  const coordinates = c => {
    const lat = obj(c)?.latitude, lon = obj(c)?.longitude;
    return typeof lat === 'number' && typeof lon === 'number' ? `${lat}, ${lon}` : `${str(lat) || '?'}, ${str(lon) || '?'}`;
  };

  const card = c => {
    const o = obj(c) || {};
    return el('div', `card height-${str(o.height).toLowerCase() || 'unspecified'}`,
      obj(o.media_message) ? media(o.media_message) : null,
      el('div', 'card-body', str(o.title) ? el('div', 'card-title', str(o.title)) : null, str(o.description) ? el('div', 'card-description', str(o.description)) : null),
      choices(o.choices));
  };

  const location = l => {
    const o = obj(l) || {};
    return el('div', 'location',
      el('div', 'map', el('span', 'pin', '⚑')),
      el('div', 'location-title', str(o.title)),
      str(o.label) ? el('div', 'location-label', str(o.label)) : null,
      el('div', 'coordinates', coordinates(o.coordinates)));
  };

  const contact = c => {
    const o = obj(c) || {};
    const name = obj(o.name) || {};
    const full = str(name.full_name) || [str(name.first_name), str(name.last_name)].filter(Boolean).join(' ');
    const line = (value, type) => el('div', 'contact-line', value, type ? el('span', 'type', ` ${type.toLowerCase()}`) : null);
    return el('div', 'contact-card',
      el('div', 'contact-name', el('span', 'avatar', (full || '?').substring(0, 1)), full),
      arr(o.phone_numbers).map(p => line(el('span', 'phone', str(p?.phone_number)), str(p?.type))),
      arr(o.email_addresses).map(e => line(el('span', 'email', str(e?.email_address)), str(e?.type))),
      arr(o.addresses).map(a => line([str(a?.address_line_1), str(a?.city), str(a?.country)].filter(Boolean).join(', '), str(a?.type))),
      obj(o.organization) ? line(str(o.organization.company), '') : null,
      str(o.birthday) ? line(`born ${str(o.birthday)}`, '') : null);
  };

  const list = l => {
    const o = obj(l) || {};
    const item = i => {
      const it = obj(i) || {};
      if (obj(it.product)) {
        const p = it.product;
        return el('li', 'list-item product', el('span', 'item-title', `Product ${str(p.id)}`), el('span', 'item-description', [str(p.quantity) && `× ${str(p.quantity)}`, str(p.item_price) && `${str(p.item_price)} ${str(p.currency)}`].filter(Boolean).join(' · ')));
      }
      const c = obj(it.choice) || {};
      return el('li', 'list-item', el('span', 'item-title', str(c.title)), str(c.description) ? el('span', 'item-description', str(c.description)) : null);
    };
    return el('div', 'list-message',
      el('div', 'bubble', el('div', 'list-title', str(o.title)), str(o.description) ? el('div', 'list-description', str(o.description)) : null),
      el('div', 'list-sheet', arr(o.sections).map(s => el('div', 'list-section', str(s?.title) ? el('div', 'section-title', str(s.title)) : null, el('ul', '', arr(s?.items).map(item))))));
  };

  const parameters = p => {
    const o = obj(p);
    return o ? el('dl', 'parameters', Object.entries(o).map(([k, v]) => [el('dt', '', k), el('dd', '', typeof v === 'string' ? v : JSON.stringify(v))])) : null;
  };

  const template = t => {
    const o = obj(t) || {};
    const omni = obj(o.omni_template);
    const perChannel = Object.entries(obj(o.channel_template) || {});
    return el('div', 'template bubble',
      omni ? el('div', 'template-ref', el('span', 'tag', 'template'), ` ${str(omni.template_id)} v${str(omni.version)}`, str(omni.language_code) ? ` (${str(omni.language_code)})` : '') : null,
      omni ? parameters(omni.parameters) : null,
      perChannel.map(([channel, c]) => el('div', 'template-channel',
        el('div', 'template-ref', el('span', 'tag', channel), ` ${str(c?.template_id)}`, str(c?.language_code) ? ` (${str(c.language_code)})` : ''),
        parameters(c?.parameters))));
  };

  const kinds = {
    text_message: m => text(obj(m)?.text),
    media_message: m => media(obj(m)),
    choice_message: m => el('div', 'choice-message', obj(m)?.text_message ? text(m.text_message.text) : null, choices(obj(m)?.choices)),
    card_message: card,
    carousel_message: m => el('div', 'carousel-message', el('div', 'carousel', arr(obj(m)?.cards).map(card)), choices(obj(m)?.choices)),
    location_message: location,
    contact_info_message: contact,
    list_message: list,
    template_message: template,
  };

  // Beside the content: the sender's name, and channels that get a payload of their own.
  const notes = message => {
    const out = [];
    const agent = obj(message.agent);
    if (agent) out.push(el('div', 'agent', `${str(agent.display_name)}${str(agent.type) ? ` · ${str(agent.type).toLowerCase()}` : ''}`));
    for (const [field, what] of [['explicit_channel_message', 'own payload'], ['explicit_channel_omni_message', 'own message'], ['channel_specific_message', 'channel-specific']]) {
      for (const [channel, value] of Object.entries(obj(message[field]) || {})) {
        const detail = field === 'channel_specific_message' ? ` ${str(value?.message_type)}` : '';
        out.push(el('div', 'override', el('span', 'tag', channel), ` ${what}${detail}`));
      }
    }
    return out;
  };

  /** The recipient's view of a messages:send body (its message), or of a refused body as far as it goes. */
  Sandbox.renderMessage = body => {
    const message = obj(obj(body)?.message);
    if (!message) return el('div', 'recipient unknown', el('pre', 'raw', JSON.stringify(body)));
    const agentNotes = notes(message);
    const agent = agentNotes.filter(n => n.className === 'agent');
    const content = Object.keys(message).filter(k => kinds[k]).map(k => {
      const part = kinds[k](message[k]);
      part.dataset.kind = k;
      return part;
    });
    const unknown = Object.keys(message).filter(k => !kinds[k] && !['agent', 'explicit_channel_message', 'explicit_channel_omni_message', 'channel_specific_message'].includes(k));
    return el('div', 'recipient', agent, content, unknown.map(k => el('pre', 'raw', `${k}: ${JSON.stringify(message[k])}`)), agentNotes.filter(n => n.className !== 'agent'));
  };

  /** Every string in the message: what the text search looks through. */
  Sandbox.textOf = body => {
    const out = [];
    const walk = v => {
      if (typeof v === 'string') out.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(obj(body)?.message);
    return out.join('\n');
  };
})();
