// The ResPool console: a hash-routed single page over the gateway's own API (same origin).
// Views: sign in, fleet, book, my bookings (and one booking), hosting.
import { api, get, post, session, query, ApiError } from './api.js';
import { h, field, select, toast, badge, money, when, formData } from './dom.js';
import * as events from './events.js';
import * as wallets from './wallets.js';
import { lineChart, bar } from './charts.js';

const view = document.getElementById('view');
let cleanups = [];
const onLeave = (f) => cleanups.push(f);

const ROUTES = { signin: signInView, fleet: fleetView, book: bookView, bookings: bookingsView, host: hostView };

function route() {
  cleanups.forEach((f) => { try { f(); } catch { /* already gone */ } });
  cleanups = [];
  const [name, arg] = location.hash.replace(/^#\/?/, '').split('/');
  const key = ROUTES[name] ? name : (session.get() ? 'fleet' : 'signin');
  document.querySelectorAll('nav a').forEach((a) => { if (a.dataset.view === key) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current'); });
  view.replaceChildren();
  Promise.resolve(ROUTES[key](arg ? decodeURIComponent(arg) : undefined)).catch(showError);
  view.focus({ preventScroll: true });
}

function showError(e) {
  const text = e instanceof ApiError ? `${e.status}: ${e.message}` : (e?.message ?? String(e));
  toast(text);
  return text;
}

/** Runs an action from a button: disabled meanwhile, errors shown in `out` (and the toast). */
function action(button, out, fn) {
  return async (ev) => {
    ev?.preventDefault();
    button.disabled = true;
    if (out) out.textContent = '';
    try { await fn(); } catch (e) { const t = showError(e); if (out) { out.textContent = t; out.className = 'error'; } } finally { button.disabled = false; }
  };
}

function renderWho() {
  const s = session.get();
  document.getElementById('who').textContent = s ? `Signed in as ${s.address ?? s.accountId} (${s.roles?.join(', ') || 'renter'}, ${s.via})` : 'Not signed in';
}

function needSignIn() {
  if (session.get()) return false;
  view.append(h('section', { class: 'card' }, h('p', {}, 'Sign in first: ', h('a', { href: '#/signin' }, 'sign in'))));
  return true;
}

// --- sign in ---------------------------------------------------------------------------------

async function walletSignIn(chain) {
  let address, signature, message;
  if (chain === 'ethereum') {
    address = await wallets.ethereumAccount();
    ({ message } = await post('/v1/auth/challenge', { chain, address }));
    signature = await wallets.ethereumSign(address, message);
  } else {
    const account = await wallets.solanaAccount();
    address = account.address;
    ({ message } = await post('/v1/auth/challenge', { chain, address }));
    signature = await wallets.solanaSign(account, message);
  }
  const t = await post('/v1/auth/verify', { chain, address, message, signature });
  session.set({ token: t.token, accountId: t.accountId, roles: t.roles, address, chain, via: `${chain} wallet` });
}

function signInView() {
  const out = h('p', { 'aria-live': 'polite' });
  const eth = h('button', { type: 'button', disabled: !wallets.ethereumProvider() }, 'Sign in with an Ethereum wallet');
  const sol = h('button', { type: 'button', disabled: !wallets.solanaWallet() }, 'Sign in with a Solana wallet');
  const done = () => { renderWho(); events.reset(); location.hash = '#/fleet'; };
  eth.addEventListener('click', action(eth, out, async () => { await walletSignIn('ethereum'); done(); }));
  sol.addEventListener('click', action(sol, out, async () => { await walletSignIn('solana'); done(); }));
  const keyForm = h('form', { class: 'grid', 'aria-label': 'Sign in with an API key' },
    field('API key', { name: 'key', type: 'password', autocomplete: 'off', required: true, placeholder: 'rp_…' }),
    h('button', { type: 'submit' }, 'Use API key'));
  keyForm.addEventListener('submit', action(keyForm.querySelector('button'), out, async () => {
    const key = formData(keyForm).key;
    session.set({ token: key, via: 'API key' });
    try {
      const a = await get('/v1/account');
      session.set({ token: key, accountId: a.accountId, roles: a.roles, address: a.wallets?.[0]?.address, chain: a.wallets?.[0]?.chain, via: 'API key' });
    } catch (e) { session.clear(); throw e; }
    done();
  }));
  const signOut = h('button', { type: 'button', class: 'secondary', disabled: !session.get() }, 'Sign out');
  signOut.addEventListener('click', () => { session.clear(); renderWho(); events.reset(); route(); });
  view.append(h('section', { class: 'card' }, h('h2', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'Sign the gateway\'s one-time message with your wallet (nothing is sent on chain), or paste an API key.'),
    h('div', { class: 'row' }, eth, sol, signOut),
    !wallets.ethereumProvider() && !wallets.solanaWallet() ? h('p', { class: 'muted' }, 'No browser wallet found.') : null,
    keyForm, out));
}

// --- fleet -----------------------------------------------------------------------------------

function hostRow(x) {
  const p = x.prices ?? {};
  return h('tr', { 'data-host-id': x.id },
    h('td', {}, h('span', { class: 'mono ellipsis', title: x.id }, x.id)),
    h('td', { 'data-col': 'status' }, badge(x.online ? 'online' : 'offline')),
    h('td', {}, x.region ?? ''),
    h('td', {}, `${x.free?.cpu ?? 0} / ${x.total?.cpu ?? 0}`),
    h('td', {}, `${x.free?.memoryMb ?? 0} / ${x.total?.memoryMb ?? 0}`),
    h('td', {}, String(x.total?.gpus ?? 0), x.gpus?.length ? ` ${x.gpus[0].model ?? ''}` : ''),
    h('td', {}, p.currency ? `${money(p.cpuCoreHour, p.currency)}/core·h` : ''),
    h('td', {}, (x.drivers ?? []).join(', ')),
    h('td', {}, when(x.lastSeen)));
}

function fleetView() {
  const live = h('span', { class: 'muted', 'aria-live': 'polite' }, 'connecting…');
  const filters = h('form', { class: 'grid', 'aria-label': 'Host filters' },
    select('Status', 'online', [['', 'any'], ['true', 'online'], ['false', 'offline']], ''),
    field('Min free CPU', { name: 'minCpu', type: 'number', min: 0, step: 'any' }),
    field('Min free memory (MB)', { name: 'minMemoryMb', type: 'number', min: 0 }),
    field('Min GPUs', { name: 'minGpus', type: 'number', min: 0 }),
    field('GPU model', { name: 'gpuModel' }),
    field('Region', { name: 'region' }),
    select('Driver', 'driver', [['', 'any'], ['docker', 'docker'], ['process', 'process']], ''),
    h('button', { type: 'submit' }, 'Filter'));
  const body = h('tbody');
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  const hosts = new Map();
  const load = async () => {
    const f = formData(filters);
    const items = [];
    let after;
    do {
      const page = await get('/v1/hosts' + query({ ...f, after, limit: 500 }));
      items.push(...page.items);
      after = page.next;
    } while (after && items.length < 5000);
    hosts.clear();
    items.forEach((x) => hosts.set(x.id, x));
    body.replaceChildren(...items.map(hostRow));
    count.textContent = `${items.length} host${items.length === 1 ? '' : 's'}, ${items.filter((x) => x.online).length} online`;
  };
  filters.addEventListener('submit', action(filters.querySelector('button'), count, load));
  onLeave(events.onStatus((s) => { live.textContent = s === 'live' ? 'live: online status follows /v1/events' : s; }));
  onLeave(events.on('hosts', (e) => {
    const x = JSON.parse(JSON.stringify(e.data));
    if (!x?.id || !hosts.has(x.id)) return; // a host outside the filter (refresh to see new ones)
    hosts.set(x.id, { ...hosts.get(x.id), ...x });
    body.querySelector(`tr[data-host-id="${CSS.escape(x.id)}"]`)?.replaceWith(hostRow(hosts.get(x.id)));
    count.textContent = `${hosts.size} host${hosts.size === 1 ? '' : 's'}, ${[...hosts.values()].filter((y) => y.online).length} online`;
  }));
  view.append(h('section', { class: 'card' }, h('h2', {}, 'Fleet'), filters, h('div', { class: 'row' }, count, live),
    h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Hosts' },
      h('thead', {}, h('tr', {}, ...['Host', 'Status', 'Region', 'CPU free/total', 'Memory MB free/total', 'GPUs', 'Price', 'Drivers', 'Last seen'].map((t) => h('th', { scope: 'col' }, t)))),
      body))));
  return load();
}

// --- book ------------------------------------------------------------------------------------

function bookingRequest(f) {
  const num = (v) => (v === '' || v === undefined ? undefined : Number(v));
  const r = {
    cpu: num(f.cpu), memoryMb: num(f.memoryMb), storageGb: num(f.storageGb), gpus: num(f.gpus), gpuModel: f.gpuModel || undefined,
    region: f.region || undefined, currency: f.currency || undefined, maxPricePerHour: num(f.maxPricePerHour),
    replicas: num(f.replicas), durationSeconds: num(f.durationSeconds), strategy: f.strategy || undefined,
  };
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
}

function bookView() {
  if (needSignIn()) return;
  const form = h('form', { class: 'grid', 'aria-label': 'What to book' },
    field('CPU cores', { name: 'cpu', type: 'number', min: 0, step: 'any', value: '0.5' }),
    field('Memory (MB)', { name: 'memoryMb', type: 'number', min: 0, value: '64' }),
    field('Storage (GB)', { name: 'storageGb', type: 'number', min: 0 }),
    field('GPUs', { name: 'gpus', type: 'number', min: 0 }),
    field('GPU model', { name: 'gpuModel' }),
    field('Region', { name: 'region' }),
    field('Replicas', { name: 'replicas', type: 'number', min: 1, value: '1' }),
    field('Duration (seconds)', { name: 'durationSeconds', type: 'number', min: 1, value: '600', required: true }),
    field('Currency', { name: 'currency', value: 'TUSD' }),
    field('Max price per hour (minor units)', { name: 'maxPricePerHour', type: 'number', min: 0 }),
    select('Strategy', 'strategy', [['', 'default'], ['cheapest', 'cheapest'], ['best-fit', 'best fit'], ['spread', 'spread']], ''),
    select('Pay on', 'paymentChain', [['ethereum', 'Ethereum'], ['solana', 'Solana']], session.get()?.chain === 'solana' ? 'solana' : 'ethereum'),
    field('Image (empty: a plain process)', { name: 'image' }),
    field('Command (words, or a JSON array)', { name: 'command', value: 'sleep 3600' }),
    h('button', { type: 'submit' }, 'Get quote'));
  const out = h('div', { 'aria-live': 'polite' });
  form.addEventListener('submit', action(form.querySelector('button'), out, async () => {
    const f = formData(form);
    const q = await post('/v1/quotes', { ...bookingRequest(f), image: f.image || undefined, alternatives: 3 });
    if (!q.plans?.length) {
      out.replaceChildren(h('p', { class: 'error' }, `No plan: ${q.refusal?.reason ?? ''} ${q.refusal?.message ?? ''}`));
      return;
    }
    const book = h('button', { type: 'button' }, 'Book');
    const result = h('p', { 'aria-live': 'polite' });
    book.addEventListener('click', action(book, result, async () => {
      const body = { ...bookingRequest(f), paymentChain: f.paymentChain };
      if (f.image) body.image = f.image;
      if (f.command) body.command = f.command.startsWith('[') ? JSON.parse(f.command) : f.command.split(/\s+/);
      const b = await post('/v1/bookings', body);
      location.hash = `#/bookings/${encodeURIComponent(b.id)}`;
    }));
    out.replaceChildren(h('h3', {}, 'Plans, best first'), h('ol', { class: 'plans', 'aria-label': 'Quoted plans' }, q.plans.map((p, i) => h('li', { 'data-plan': i },
      `${money(p.pricePerHour, p.currency)} per hour, ${money(p.cost, p.currency)} for ${p.durationSeconds} s on `,
      p.placements.map((x) => h('span', { class: 'mono ellipsis', title: x.hostId }, x.hostId)),
      i === 0 ? ' (best)' : ' (alternative)'))),
    h('p', { class: 'muted' }, 'Booking places it on the best plan still free when it is made; the capacity is held until the payment deadline.'),
    book, result);
  }));
  view.append(h('section', { class: 'card' }, h('h2', {}, 'Book capacity'), form, out));
}

// --- my bookings -----------------------------------------------------------------------------

const ENDED = new Set(['STOPPED', 'FAILED', 'EXPIRED', 'SETTLED']);

async function bookingsView(id) {
  if (needSignIn()) return;
  if (id) return bookingView(id);
  const body = h('tbody');
  const list = await get('/v1/bookings' + query({ limit: 100 }));
  body.replaceChildren(...list.items.map((b) => h('tr', { 'data-booking-id': b.id },
    h('td', {}, h('a', { href: `#/bookings/${encodeURIComponent(b.id)}` }, b.id)),
    h('td', {}, badge(b.state)), h('td', {}, `${b.cpu} cores, ${b.memoryMb} MB × ${b.replicas}`),
    h('td', {}, money(b.cost, b.currency)), h('td', {}, when(b.createdAt)))));
  onLeave(events.on('bookings', (e) => {
    const row = body.querySelector(`tr[data-booking-id="${CSS.escape(e.data?.bookingId ?? '')}"] td:nth-child(2)`);
    if (row && e.type !== 'booking.cost' && e.type !== 'booking.task') row.replaceChildren(badge(e.data.state));
  }));
  view.append(h('section', { class: 'card' }, h('h2', {}, 'My bookings'), list.items.length ? h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'My bookings' },
    h('thead', {}, h('tr', {}, ...['Booking', 'State', 'Resources', 'Cost', 'Created'].map((t) => h('th', { scope: 'col' }, t)))), body))
    : h('p', {}, 'No bookings yet. ', h('a', { href: '#/book' }, 'Book some capacity'), '.')));
}

/** Sends every call GET /payment lists for the booking from the wallet, each mined before the next. */
async function pay(id, progress) {
  const p = await get(`/v1/bookings/${encodeURIComponent(id)}/payment`);
  const calls = (p.deposits ?? []).flatMap((d) => d.calls ?? []);
  if (calls.length === 0) { progress(`Nothing to pay (${p.state}).`); return; }
  if (p.chain !== 'ethereum') {
    for (const [i, c] of calls.entries()) { progress(`Signing ${i + 1}/${calls.length}: ${c.description}…`); await wallets.sendCall(p.chain, null, c); }
    progress('Sent; waiting for the gateway to see the deposit…');
    return;
  }
  const from = await wallets.ethereumAccount();
  for (const [i, c] of calls.entries()) {
    progress(`Transaction ${i + 1}/${calls.length}: ${c.description}…`);
    const hash = await wallets.sendCall('ethereum', from, c);
    const deadline = Date.now() + 120_000;
    for (;;) { // the next call (open after approve) is only valid once this one is mined
      const receipt = await wallets.ethereumProvider().request({ method: 'eth_getTransactionReceipt', params: [hash] });
      if (receipt) { if (receipt.status !== '0x1') throw new Error(`${c.description} failed on chain (${hash})`); break; }
      if (Date.now() > deadline) throw new Error(`${c.description} was not mined within 2 minutes (${hash})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  progress(`Paid in ${calls.length} transaction${calls.length === 1 ? '' : 's'}; waiting for confirmations…`);
}

async function bookingView(id) {
  const path = `/v1/bookings/${encodeURIComponent(id)}`;
  const state = h('span', { 'data-testid': 'booking-state', 'aria-live': 'polite' });
  const summary = h('div');
  const transitions = h('ol', { 'aria-label': 'Transitions' });
  const payBox = h('div');
  const controls = h('div');
  const costPoints = [];
  const costFig = h('div');
  const usageFigs = h('div', { class: 'charts' });
  const invoiceBox = h('div');
  const logsBox = h('div');
  const termBox = h('div');
  let b = null;
  let closeTerm = null;

  const drawCost = () => costFig.replaceChildren(lineChart('Cost so far', costPoints.map((p) => ({ t: p.t, v: p.v })), (v) => money(Math.round(v), b?.currency)));

  const renderBooking = () => {
    state.replaceChildren(badge(b.state));
    state.dataset.state = b.state;
    summary.replaceChildren(h('p', {}, `${b.cpu} cores, ${b.memoryMb} MB, ${b.storageGb} GB × ${b.replicas}; ${money(b.pricePerHour, b.currency)}/h; `,
      `${money(b.cost, b.currency)} for ${b.durationSeconds} s; pay on ${b.paymentChain ?? '—'}; ends ${when(b.endsAt)}`),
    b.reason ? h('p', { class: 'muted' }, b.reason) : null,
    h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Tasks' }, h('thead', {}, h('tr', {}, ...['Task', 'Host', 'Replica', 'State', 'Exit'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, (b.tasks ?? []).filter((t) => t.current).map((t) => h('tr', {}, h('td', { class: 'mono' }, t.taskId), h('td', {}, h('span', { class: 'mono ellipsis', title: t.hostId }, t.hostId)),
        h('td', {}, String(t.replica)), h('td', {}, badge(t.state)), h('td', {}, t.exitCode ?? '')))))));
    transitions.replaceChildren(...(b.transitions ?? []).map((t) => h('li', {}, `${t.from ?? '—'} → ${t.to} `, h('span', { class: 'muted' }, `${when(t.at)} ${t.reason ?? ''}`))));
    if (b.state === 'PENDING_PAYMENT') {
      const btn = h('button', { type: 'button' }, 'Pay with wallet');
      const progress = h('p', { 'aria-live': 'polite', 'data-testid': 'pay-progress' });
      btn.addEventListener('click', action(btn, progress, () => pay(id, (t) => { progress.textContent = t; progress.className = ''; })));
      payBox.replaceChildren(h('h3', {}, 'Payment'), b.payment ? h('p', {}, `${money(b.payment.amount, b.payment.currency)} on ${b.payment.chain} before ${when(b.payment.deadline)}`) : null, btn, progress);
    } else if (!payBox.querySelector('[data-topup]')) payBox.replaceChildren();
    renderControls();
    if (ENDED.has(b.state)) loadInvoice().catch(showError);
  };

  const renderControls = () => {
    if (controls.dataset.for === b.state) return;
    controls.dataset.for = b.state;
    if (ENDED.has(b.state) || b.state === 'STOPPING') { controls.replaceChildren(); if (closeTerm) { closeTerm(); closeTerm = null; termBox.replaceChildren(); } return; }
    const out = h('p', { 'aria-live': 'polite' });
    const stop = h('button', { type: 'button', class: 'danger' }, 'Stop booking');
    stop.addEventListener('click', action(stop, out, async () => { b = await post(`${path}/stop`); renderBooking(); }));
    const extend = h('form', { class: 'grid', 'aria-label': 'Extend' }, field('Extend by (seconds)', { name: 'seconds', type: 'number', min: 1, value: '600', required: true }), h('button', { type: 'submit' }, 'Extend'));
    extend.addEventListener('submit', action(extend.querySelector('button'), out, async () => {
      b = await post(`${path}/extend`, { seconds: Number(formData(extend).seconds) });
      renderBooking();
      if (b.paymentChain) {
        const topUp = h('button', { type: 'button', 'data-topup': '1' }, 'Pay the top-up with wallet');
        const progress = h('p', { 'aria-live': 'polite' });
        topUp.addEventListener('click', action(topUp, progress, () => pay(id, (t) => { progress.textContent = t; })));
        payBox.replaceChildren(h('h3', {}, 'Top-up'), topUp, progress);
      }
      out.textContent = 'Extension asked.';
    }));
    const resize = h('form', { class: 'grid', 'aria-label': 'Resize' },
      field('CPU cores', { name: 'cpu', type: 'number', min: 0, step: 'any', value: String(b.cpu) }),
      field('Memory (MB)', { name: 'memoryMb', type: 'number', min: 0, value: String(b.memoryMb) }),
      field('Storage (GB)', { name: 'storageGb', type: 'number', min: 0, value: String(b.storageGb) }),
      h('button', { type: 'submit' }, 'Resize'));
    resize.addEventListener('submit', action(resize.querySelector('button'), out, async () => {
      const f = formData(resize);
      b = await api('PATCH', path, { cpu: Number(f.cpu), memoryMb: Number(f.memoryMb), storageGb: Number(f.storageGb) });
      controls.dataset.for = '';
      renderBooking();
      out.textContent = 'Resized.';
    }));
    const termBtn = h('button', { type: 'button', class: 'secondary', disabled: b.state !== 'RUNNING' }, 'Open terminal');
    termBtn.addEventListener('click', () => {
      if (closeTerm) { closeTerm(); closeTerm = null; termBox.replaceChildren(); termBtn.textContent = 'Open terminal'; return; }
      const box = h('div', { class: 'term', role: 'region', 'aria-label': 'Terminal' });
      termBox.replaceChildren(box);
      closeTerm = openTerminal(box, id);
      termBtn.textContent = 'Close terminal';
    });
    const logsBtn = h('button', { type: 'button', class: 'secondary', disabled: b.state !== 'RUNNING' }, 'Show logs');
    logsBtn.addEventListener('click', action(logsBtn, out, async () => {
      const l = await get(`${path}/logs`);
      logsBox.replaceChildren(h('h3', {}, 'Logs'), ...l.tasks.map((t) => h('div', {}, h('p', { class: 'mono' }, t.taskId, t.error ? ` — ${t.error}` : ''),
        h('pre', { class: 'log', 'aria-label': `stdout of ${t.taskId}` }, t.stdout || '(no output)'), t.stderr ? h('pre', { class: 'log', 'aria-label': `stderr of ${t.taskId}` }, t.stderr) : null)));
    }));
    controls.replaceChildren(h('h3', {}, 'Manage'), h('div', { class: 'row' }, stop, termBtn, logsBtn), extend, resize, out);
  };

  const loadUsage = async () => {
    if (!b?.startedAt) return;
    const u = await get(`${path}/usage` + query({ step: 10 }));
    const pts = (k, scale = 1) => u.points.map((p) => ({ t: Date.parse(p.at), v: (p[k] ?? 0) / scale }));
    usageFigs.replaceChildren(lineChart('CPU (cores)', pts('cpuCores'), (v) => v.toFixed(2)),
      lineChart('Memory (MB)', pts('memoryBytes', 1048576), (v) => v.toFixed(1)),
      lineChart('Network in (KB)', pts('netRxBytes', 1024), (v) => v.toFixed(1)));
  };

  const loadInvoice = async () => {
    const inv = await get(`${path}/invoice`);
    const csv = h('button', { type: 'button', class: 'secondary' }, 'Download invoice (CSV)');
    csv.addEventListener('click', action(csv, null, async () => {
      const res = await api('GET', `${path}/invoice`, undefined, { accept: 'text/csv', raw: true });
      // a data: URL (an invoice is small): blob: downloads did not start in headless Chromium 156
      const a = h('a', { href: `data:text/csv;charset=utf-8,${encodeURIComponent(await res.text())}`, download: `invoice-${id}.csv` });
      document.body.append(a); a.click(); a.remove();
    }));
    invoiceBox.parentElement.hidden = false;
    invoiceBox.replaceChildren(h('h3', {}, 'Invoice'), h('div', { 'data-testid': 'invoice', 'data-settled': String(inv.settled), 'data-state': inv.state },
      h('p', {}, `${inv.settled ? 'Settled' : 'So far'} (${inv.state}): billed ${money(inv.billed, inv.currency)} of a ${money(inv.deposit, inv.currency)} deposit; `,
        `fee ${money(inv.fee, inv.currency)}, refund ${money(inv.refund, inv.currency)}`),
      h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Invoice lines' }, h('thead', {}, h('tr', {}, ...['Task', 'Host', 'Seconds', 'Price/h', 'Amount'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, inv.lines.map((l) => h('tr', {}, h('td', { class: 'mono' }, l.taskId), h('td', {}, h('span', { class: 'mono ellipsis', title: l.hostId }, l.hostId)),
          h('td', {}, String(l.billedSeconds)), h('td', {}, money(l.pricePerHour, inv.currency)), h('td', {}, money(l.amount, inv.currency))))))),
      csv));
  };

  const refresh = async () => {
    b = await get(path);
    renderBooking();
  };

  view.append(h('section', { class: 'card' }, h('h2', {}, 'Booking ', h('span', { class: 'mono' }, id), ' ', state), summary, payBox, controls, termBox, logsBox),
    h('section', { class: 'card' }, h('h2', {}, 'Cost and usage'), h('div', { class: 'charts' }, costFig), usageFigs),
    h('section', { class: 'card', hidden: true }, invoiceBox),
    h('section', { class: 'card' }, h('h2', {}, 'Transitions'), transitions));
  await refresh();
  drawCost();
  onLeave(events.on('bookings', (e) => {
    if (e.data?.bookingId !== id) return;
    if (e.type === 'booking.cost' || e.type === 'booking.low-balance') {
      costPoints.push({ t: Date.parse(e.time), v: Number(e.data.billed) });
      drawCost();
      if (e.type === 'booking.low-balance') toast(`Deposit ${e.data.percent} % used: extend to keep it running`);
    } else refresh().catch(showError);
  }));
  // a safety net beside the events: the state is read again every 5 s while it can still change
  const poll = setInterval(() => { if (b && b.state !== 'SETTLED') refresh().catch(() => {}); }, 5000);
  const usage = setInterval(() => { if (b?.state === 'RUNNING') loadUsage().catch(() => {}); }, 15000);
  onLeave(() => { clearInterval(poll); clearInterval(usage); if (closeTerm) closeTerm(); });
  loadUsage().catch(() => {});
}

// --- hosting ---------------------------------------------------------------------------------

async function hostView() {
  if (needSignIn()) return;
  const account = await get('/v1/account');
  const mine = new Set((account.wallets ?? []).map((w) => w.address.toLowerCase()));
  const hosts = [];
  let after;
  do {
    const page = await get('/v1/hosts' + query({ after, limit: 500 }));
    hosts.push(...page.items.filter((x) => mine.has((x.payout?.ethereum ?? '').toLowerCase()) || mine.has((x.payout?.solana ?? '').toLowerCase())));
    after = page.next;
  } while (after);
  const section = h('section', { class: 'card' }, h('h2', {}, 'Hosting'),
    h('p', { class: 'muted' }, 'Hosts that pay out to your wallets: what they earned (settled bookings) and are earning, and how much of them is rented.'));
  if (hosts.length === 0) section.append(h('p', {}, 'None of the registered hosts pays out to this account\'s wallets.'));
  for (const x of hosts) {
    const e = await get(`/v1/hosts/${encodeURIComponent(x.id)}/earnings`);
    const used = (k) => (x.total?.[k] ? 1 - (x.free?.[k] ?? 0) / x.total[k] : 0);
    section.append(h('h3', {}, h('span', { class: 'mono ellipsis', title: x.id }, x.id), ' ', badge(x.online ? 'online' : 'offline')),
      h('div', { class: 'row' }, 'CPU rented', bar(`CPU rented on ${x.id}`, used('cpu')), 'Memory rented', bar(`Memory rented on ${x.id}`, used('memoryMb'))),
      h('p', {}, 'Settled: ', e.settled.map((s) => `${money(s.amount, s.currency)} (${s.bookings} bookings)`).join(', ') || 'nothing yet',
        '; accruing: ', e.accruing.map((s) => `${money(s.amount, s.currency)} (${s.bookings})`).join(', ') || 'nothing'));
  }
  view.append(section);
}

// terminal code (xterm.js) is loaded only when a terminal is opened
async function openTerminalLazy(box, id) {
  const m = await import('./terminal.js');
  return m.openTerminal(box, id);
}
function openTerminal(box, id) {
  let close = null;
  let cancelled = false;
  openTerminalLazy(box, id).then((c) => { if (cancelled) c(); else close = c; }).catch(showError);
  return () => { cancelled = true; if (close) close(); };
}

window.addEventListener('hashchange', route);
renderWho();
route();
