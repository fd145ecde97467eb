// A terminal into a running booking: xterm.js over GET /v1/bookings/{id}/terminal, a WebSocket in the
// Kubernetes v5.channel.k8s.io framing (first byte of every binary frame = channel). A browser cannot
// set Authorization on a WebSocket, so the token rides as the subprotocol the gateway accepts:
// base64url.bearer.authorization.k8s.io.<token as base64url, unpadded>.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { session } from './api.js';

const STDIN = 0, STDOUT = 1, STDERR = 2, STATUS = 3, RESIZE = 4;

const b64url = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Opens the terminal in `container`; returns a function that closes it. */
export function openTerminal(container, bookingId, onEnd) {
  const term = new Terminal({ convertEol: false, cursorBlink: true, fontSize: 13, screenReaderMode: true });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(container);
  fit.fit();
  const proto = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
  const ws = new WebSocket(`${proto}/v1/bookings/${encodeURIComponent(bookingId)}/terminal?tty=true`,
    ['v5.channel.k8s.io', `base64url.bearer.authorization.k8s.io.${b64url(session.get()?.token ?? '')}`]);
  ws.binaryType = 'arraybuffer';
  const enc = new TextEncoder();
  const frame = (channel, bytes) => { const f = new Uint8Array(bytes.length + 1); f[0] = channel; f.set(bytes, 1); return f; };
  const resize = () => { if (ws.readyState === WebSocket.OPEN) ws.send(frame(RESIZE, enc.encode(JSON.stringify({ Width: term.cols, Height: term.rows })))); };
  ws.onopen = () => { resize(); term.focus(); };
  ws.onmessage = (m) => {
    const data = new Uint8Array(m.data);
    if (data[0] === STDOUT || data[0] === STDERR) term.write(data.subarray(1));
    else if (data[0] === STATUS) {
      const st = JSON.parse(new TextDecoder().decode(data.subarray(1)));
      term.write(`\r\n[${st.status}${st.details?.causes?.[0]?.message ? ' exit ' + st.details.causes[0].message : ''}]\r\n`);
    }
  };
  ws.onclose = (e) => { term.write(`\r\n[closed${e.reason ? ': ' + e.reason : ''}]\r\n`); onEnd?.(e); };
  const input = term.onData((d) => { if (ws.readyState === WebSocket.OPEN) ws.send(frame(STDIN, enc.encode(d))); });
  const onResize = () => { fit.fit(); resize(); };
  window.addEventListener('resize', onResize);
  return () => {
    window.removeEventListener('resize', onResize);
    input.dispose();
    if (ws.readyState <= WebSocket.OPEN) ws.close(1000, 'closed by the user');
    term.dispose();
  };
}
