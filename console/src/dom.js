// A few DOM helpers: h() builds elements, fmt formats money and times.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** A labelled input: <label>text <input …></label>. */
export function field(text, attrs) {
  return h('label', {}, text, h('input', attrs));
}

export function select(text, name, options, value) {
  return h('label', {}, text, h('select', { name },
    options.map(([v, t]) => h('option', { value: v, selected: v === value }, t))));
}

let toastTimer;
export function toast(message) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('show'), 4000);
}

export function badge(text, cls = text) {
  return h('span', { class: `badge ${cls}` }, text);
}

/** Integer minor units: 6 decimals for the dollar stablecoins, 9 for SOL, 18 for ETH. */
const DECIMALS = { USDC: 6, TUSD: 6, USDT: 6, SOL: 9, ETH: 18 };
export function money(amount, currency) {
  const d = DECIMALS[currency];
  if (d === undefined || amount === null || amount === undefined) return `${amount} ${currency ?? ''}`.trim();
  const v = BigInt(amount);
  const base = 10n ** BigInt(d);
  const whole = v / base;
  const frac = (v % base).toString().padStart(d, '0').slice(0, Math.min(d, 6)).replace(/0+$/, '');
  return `${whole}${frac ? '.' + frac : ''} ${currency}`;
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

export function formData(form) {
  const out = {};
  for (const [k, v] of new FormData(form).entries()) out[k] = typeof v === 'string' ? v.trim() : v;
  return out;
}
