// /v1/events: one WebSocket for the page. Each topic remembers the last event id it saw and is
// subscribed again with it after a reconnect, so nothing is missed; `bookings` carries the token.
import { session } from './api.js';

const listeners = new Map(); // topic -> Set<fn(event)>
const lastIds = new Map(); // topic -> id
const statusListeners = new Set();
let ws = null;
let retry = 0;
let timer = null;

const url = () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/events`;

function setStatus(s) { statusListeners.forEach((f) => f(s)); }

function subscribe(topic) {
  if (ws?.readyState !== WebSocket.OPEN) return;
  const cmd = { type: 'subscribe', topic };
  if (lastIds.has(topic)) cmd.lastEventId = lastIds.get(topic);
  if (topic === 'bookings') cmd.token = session.get()?.token;
  ws.send(JSON.stringify(cmd));
}

function connect() {
  if (ws || listeners.size === 0) return;
  ws = new WebSocket(url());
  ws.onopen = () => { retry = 0; setStatus('live'); for (const t of listeners.keys()) subscribe(t); };
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.type === 'subscribed' && !lastIds.has(msg.topic)) lastIds.set(msg.topic, msg.lastEventId);
    else if (msg.type === 'event') {
      const e = msg.event;
      lastIds.set(e.stream, e.id);
      listeners.get(e.stream)?.forEach((f) => f(e));
    } else if (msg.type === 'error') setStatus(`events: ${msg.message}`);
  };
  ws.onclose = () => {
    ws = null;
    setStatus('reconnecting');
    clearTimeout(timer);
    timer = setTimeout(connect, Math.min(10000, 500 * 2 ** retry++));
  };
}

/** Calls fn with each event of the topic from now on; returns the unsubscribe function. */
export function on(topic, fn) {
  const fresh = !listeners.has(topic);
  if (fresh) listeners.set(topic, new Set());
  listeners.get(topic).add(fn);
  if (ws) { if (fresh) subscribe(topic); } else connect();
  return () => listeners.get(topic)?.delete(fn);
}

export function onStatus(fn) { statusListeners.add(fn); return () => statusListeners.delete(fn); }

/** After signing in or out: a new connection, so `bookings` is subscribed with the new token. */
export function reset() {
  lastIds.delete('bookings');
  if (ws) { ws.onclose = null; ws.close(); ws = null; }
  connect();
}
