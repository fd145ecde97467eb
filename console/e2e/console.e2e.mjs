// End-to-end test of the web console in headless Chromium (Debian `chromium`, driven by playwright-core)
// against a running ResPool (console/test.sh starts one with `ops/respool up`).
//
// The browser wallet is an injected EIP-1193 provider backed by an anvil account: personal_sign and
// eth_sendTransaction go to anvil, which signs with that account's key (anvil's dev accounts are
// unlocked); no wallet extension can run headless. Everything else is real: the gateway, PostgreSQL,
// Redis, the escrow contracts on anvil, a host-worker running the booking as a process.
//
// Steps: sign in with the wallet → fleet (both hosts online) → quote → book → pay with the wallet →
// RUNNING (live cost chart, logs, terminal) → stop → SETTLED with its invoice → the host's payout
// account sees the earnings. Then the Solana path: a Wallet Standard wallet (solana:signMessage,
// solana:signAndSendTransaction) injected into the page, backed by a fresh ed25519 keypair held in this
// process and funded by the Solana devnet's faucet: sign in with it → book the SOL host paying on
// Solana → the wallet signs the gateway's transaction and sends it to the devnet → RUNNING → stop →
// SETTLED. A screenshot per step in $SCREENSHOTS; any browser console error fails.
import { chromium } from 'playwright-core';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
// the escrow program's client: base58 of a key (its @solana/kit comes with the devnet ops/respool up installs)
import { keyOf } from '../../contracts/solana/client/respool.mjs';

const BASE = process.env.CONSOLE_URL ?? 'http://127.0.0.1:8080';
const DEVNET = process.env.RESPOOL_DEVNET; // the devnet state of ops/respool up: ethereum.json, anvil-accounts.json
const SHOTS = process.env.SCREENSHOTS ?? 'target/screenshots';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const eth = JSON.parse(fs.readFileSync(path.join(DEVNET, 'ethereum.json'), 'utf8'));
const accounts = JSON.parse(fs.readFileSync(eth.testAccountsFile, 'utf8'));
const RENTER = accounts.available_accounts[2]; // as in the README's walkthrough
const HOST_PAYOUT = accounts.available_accounts[3]; // what ops/respool up gives the TUSD host

let rpcId = 0;
async function rpc(method, params = []) {
  const res = await fetch(eth.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params }) });
  return res.json();
}

async function mined(hash, what) {
  for (let i = 0; i < 60; i++) {
    const r = (await rpc('eth_getTransactionReceipt', [hash])).result;
    if (r) { if (r.status !== '0x1') throw new Error(`${what} reverted`); return r; }
    await new Promise((ok) => setTimeout(ok, 500));
  }
  throw new Error(`${what} not mined within 30 s`);
}

/** The test stablecoin's open faucet: mint(address,uint256), sent by the renter itself. */
async function mintTusd(to, amount) {
  const word = (hex) => hex.replace(/^0x/, '').toLowerCase().padStart(64, '0');
  const data = '0x40c10f19' + word(to) + word(BigInt(amount).toString(16));
  const sent = await rpc('eth_sendTransaction', [{ from: to, to: eth.stablecoin.address, data }]);
  if (sent.error) throw new Error(`mint: ${sent.error.message}`);
  await mined(sent.result, 'mint');
}

// --- the Solana test wallet's keypair and its devnet (ops/solana: solana.json) -----------------------
const sol = JSON.parse(fs.readFileSync(path.join(DEVNET, 'solana.json'), 'utf8'));
const solKeys = crypto.generateKeyPairSync('ed25519');
const solPublicKey = solKeys.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32); // the raw 32 bytes
const SOL_RENTER = keyOf(solPublicKey);
const ed25519Sign = (bytes) => crypto.sign(null, Buffer.from(bytes), solKeys.privateKey);

let solRpcId = 0;
async function solRpc(method, params = []) {
  const res = await fetch(sol.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++solRpcId, method, params }) });
  const j = await res.json();
  if (j.error) throw new Error(`${method}: ${j.error.message}`);
  return j.result;
}

/** compact-u16 (shortvec) at `at`: [value, bytes it took]. */
function shortvec(bytes, at) {
  let value = 0;
  for (let i = 0; i < 3; i++) {
    const b = bytes[at + i];
    value |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) return [value, i + 1];
  }
  throw new Error('bad compact-u16');
}

/**
 * Signs a wire transaction (signatures, then the legacy or v0 message) where its message names this
 * wallet among the signers, as a wallet does: the message's own bytes are what is signed.
 */
function signTransaction(wire) {
  const [count, n] = shortvec(wire, 0);
  const message = wire.subarray(n + 64 * count);
  const header = message[0] & 0x80 ? 1 : 0; // a v0 message starts with its version byte
  const required = message[header];
  const [keys, k] = shortvec(message, header + 3);
  const first = header + 3 + k;
  for (let i = 0; i < Math.min(required, keys); i++) {
    if (Buffer.compare(Buffer.from(message.subarray(first + 32 * i, first + 32 * i + 32)), solPublicKey) === 0) {
      const signed = Uint8Array.from(wire);
      signed.set(ed25519Sign(message), n + 64 * i);
      return signed;
    }
  }
  throw new Error('the transaction does not ask this wallet to sign');
}

async function solConfirmed(signature) {
  for (let i = 0; i < 120; i++) {
    const s = (await solRpc('getSignatureStatuses', [[signature]])).value[0];
    if (s && (s.confirmationStatus === 'confirmed' || s.confirmationStatus === 'finalized')) {
      if (s.err) throw new Error(`transaction ${signature} failed: ${JSON.stringify(s.err)}`);
      return signature;
    }
    await new Promise((ok) => setTimeout(ok, 250));
  }
  throw new Error(`transaction ${signature} not confirmed within 30 s`);
}

const failures = [];
let step = 0;

/** A browser context whose page has window.ethereum for `account`, and the console's errors collected. */
async function walletPage(browser, account, name) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  pages.push([name, page]);
  page.on('console', (m) => { if (m.type() === 'error') failures.push(`${name} console error: ${m.text()}`); });
  page.on('pageerror', (e) => failures.push(`${name} page error: ${e.message}`));
  await page.exposeFunction('__respoolTestWallet', async (method, params) => {
    const same = (a) => typeof a === 'string' && a.toLowerCase() === account.toLowerCase();
    switch (method) {
      case 'eth_requestAccounts': case 'eth_accounts': return { result: [account] };
      case 'personal_sign': if (!same(params[1])) return { error: { code: 4100, message: 'not this wallet\'s account' } }; break;
      case 'eth_sendTransaction': if (!same(params[0]?.from)) return { error: { code: 4100, message: 'not this wallet\'s account' } }; break;
      case 'eth_chainId': case 'eth_getTransactionReceipt': case 'eth_blockNumber': break;
      default: return { error: { code: 4200, message: `the test wallet does not offer ${method}` } };
    }
    return rpc(method, params);
  });
  await page.addInitScript(() => {
    window.ethereum = {
      isRespoolTestWallet: true,
      async request({ method, params }) {
        const r = await window.__respoolTestWallet(method, params ?? []);
        if (r.error) throw Object.assign(new Error(r.error.message), { code: r.error.code });
        return r.result;
      },
      on() {}, removeListener() {},
    };
  });
  return page;
}

/**
 * A browser context whose page has a Wallet Standard Solana wallet for SOL_RENTER (registered both ways
 * round, as wallet extensions do); signing happens here, in the test process.
 */
async function solanaWalletPage(browser, name) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  pages.push([name, page]);
  page.on('console', (m) => { if (m.type() === 'error') failures.push(`${name} console error: ${m.text()}`); });
  page.on('pageerror', (e) => failures.push(`${name} page error: ${e.message}`));
  await page.exposeFunction('__respoolSolanaWallet', async (method, bytes) => {
    try {
      if (method === 'signMessage') return { result: Array.from(ed25519Sign(Uint8Array.from(bytes))) };
      if (method === 'signAndSendTransaction') {
        const signed = signTransaction(Uint8Array.from(bytes));
        const signature = await solRpc('sendTransaction', [Buffer.from(signed).toString('base64'), { encoding: 'base64' }]);
        await solConfirmed(signature);
        return { result: Array.from(Buffer.from(signed.subarray(shortvec(signed, 0)[1], shortvec(signed, 0)[1] + 64))) };
      }
      return { error: `the test wallet does not offer ${method}` };
    } catch (e) {
      return { error: e.message };
    }
  });
  await page.addInitScript(({ address, publicKey }) => {
    const call = async (method, bytes) => {
      const r = await window.__respoolSolanaWallet(method, Array.from(bytes));
      if (r.error) throw new Error(r.error);
      return Uint8Array.from(r.result);
    };
    const account = { address, publicKey: Uint8Array.from(publicKey), chains: ['solana:devnet'],
      features: ['solana:signMessage', 'solana:signAndSendTransaction'] };
    const wallet = {
      version: '1.0.0', name: 'ResPool test wallet', icon: 'data:image/svg+xml;base64,PHN2Zy8+', chains: ['solana:devnet'],
      accounts: [account],
      features: {
        'standard:connect': { version: '1.0.0', connect: async () => ({ accounts: [account] }) },
        'solana:signMessage': { version: '1.0.0',
          signMessage: async (...inputs) => Promise.all(inputs.map(async (i) => ({ signedMessage: i.message, signature: await call('signMessage', i.message) }))) },
        'solana:signAndSendTransaction': { version: '1.0.0', supportedTransactionVersions: ['legacy', 0],
          signAndSendTransaction: async (...inputs) => Promise.all(inputs.map(async (i) => ({ signature: await call('signAndSendTransaction', i.transaction) }))) },
      },
    };
    const register = (api) => api.register(wallet);
    window.addEventListener('wallet-standard:app-ready', (e) => register(e.detail));
    window.dispatchEvent(new CustomEvent('wallet-standard:register-wallet', { detail: register }));
  }, { address: SOL_RENTER, publicKey: Array.from(solPublicKey) });
  return page;
}

/** The Book form filled and quoted (0.5 cores, 64 MB, 600 s). */
async function quote(page, currency, payOn, command) {
  await page.getByRole('link', { name: 'Book', exact: true }).click();
  await page.getByLabel('CPU cores').fill('0.5');
  await page.getByLabel('Memory (MB)').fill('64');
  await page.getByLabel('Duration (seconds)').fill('600');
  await page.getByLabel('Currency').fill(currency);
  await page.getByLabel('Pay on').selectOption(payOn);
  await page.getByLabel('Command (words, or a JSON array)').fill(JSON.stringify(command));
  await page.getByRole('button', { name: 'Get quote' }).click();
  await page.getByRole('list', { name: 'Quoted plans' }).locator('li').first().waitFor();
}

/** Books the quoted plan; returns the booking id once it waits for its payment. */
async function book(page) {
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  await page.locator('[data-testid=booking-state][data-state=PENDING_PAYMENT]').waitFor({ timeout: 30_000 });
  return decodeURIComponent(page.url().split('#/bookings/')[1]);
}

async function shot(page, name) {
  step += 1;
  const file = path.join(SHOTS, `${String(step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`  screenshot ${file}`);
  // usable at phone width: nothing wider than the screen (a wide table scrolls inside its own box)
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  if (scroll > client) failures.push(`${name}: the page is ${scroll} px wide on a ${client} px screen`);
  if (failures.length) throw new Error(failures.join('\n'));
}

async function signIn(page) {
  await page.goto(BASE + '/#/signin');
  await page.getByRole('button', { name: 'Sign in with an Ethereum wallet' }).click();
  await page.waitForFunction(() => location.hash === '#/fleet');
  await page.getByText('Signed in as', { exact: false }).waitFor();
}

const started = Date.now();
const log = (m) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${m}`);

fs.mkdirSync(SHOTS, { recursive: true });
const pages = [];
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
try {
  await mintTusd(RENTER, 100_000_000); // 100 TUSD for the deposit
  const page = await walletPage(browser, RENTER, 'renter');

  log('sign in with the wallet');
  await page.goto(BASE + '/');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await shot(page, 'sign-in');
  await signIn(page);
  const who = await page.locator('#who').textContent();
  if (!who.toLowerCase().includes(RENTER.toLowerCase())) throw new Error(`signed in as '${who}', not ${RENTER}`);

  log('fleet: both hosts of ops/respool up, the TUSD one online, live');
  await page.getByText(/^2 hosts, [12] online$/).waitFor({ timeout: 30_000 });
  // the row by its price's currency, case-sensitive: a plain hasText matches any case, and a random base58 host id may hold 'tusd' or 'SoL'
  await page.locator('tr', { hasText: / TUSD\/core·h/ }).locator('.badge.online').waitFor({ timeout: 30_000 });
  await page.getByText('live: online status follows /v1/events').waitFor({ timeout: 15_000 });
  await shot(page, 'fleet');

  log('quote, then book');
  await quote(page, 'TUSD', 'ethereum', ['sh', '-c', 'echo hello from the console; exec sleep 600']);
  await shot(page, 'quote');
  const bookingId = await book(page);
  log(`booking ${bookingId} waits for its payment`);
  await shot(page, 'pending-payment');

  log('pay with the wallet (approve, then open on the escrow)');
  await page.getByRole('button', { name: 'Pay with wallet' }).click();
  await page.getByTestId('pay-progress').getByText('Paid in', { exact: false }).waitFor({ timeout: 120_000 });
  await shot(page, 'paid');
  await page.locator('[data-testid=booking-state][data-state=RUNNING]').waitFor({ timeout: 120_000 });
  log('RUNNING');
  await page.locator('figure[data-chart="Cost so far"] figcaption', { hasText: 'points' }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Show logs' }).click();
  await page.locator('pre.log', { hasText: 'hello from the console' }).waitFor({ timeout: 30_000 });
  await shot(page, 'running');

  log('terminal');
  await page.getByRole('button', { name: 'Open terminal' }).click();
  await page.locator('.xterm-helper-textarea').waitFor({ timeout: 30_000 });
  const rows = page.locator('.xterm-rows');
  await rows.waitFor();
  await page.locator('.xterm-helper-textarea').focus();
  // a bounded wait for the shell, then a command whose answer cannot be the echo of what was typed
  await page.keyboard.type('echo console-$((6*7))\r');
  await rows.getByText('console-42', { exact: false }).first().waitFor({ timeout: 30_000 });
  await shot(page, 'terminal');
  await page.getByRole('button', { name: 'Close terminal' }).click();

  log('stop, then SETTLED with the invoice');
  await page.getByRole('button', { name: 'Stop booking' }).click();
  await page.locator('[data-testid=booking-state][data-state=SETTLED]').waitFor({ timeout: 180_000 });
  await page.locator('[data-testid=invoice][data-settled=true][data-state=SETTLED]').waitFor({ timeout: 30_000 });
  const invoice = await page.getByTestId('invoice').textContent();
  if (!/Settled \(SETTLED\): billed \d/.test(invoice)) throw new Error(`invoice reads '${invoice}'`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download invoice (CSV)' }).click()]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  if (!csv.includes(bookingId)) throw new Error(`the CSV invoice does not name the booking:\n${csv}`);
  await shot(page, 'settled');
  log(`SETTLED: ${invoice}`);
  await page.getByRole('link', { name: 'My bookings' }).click();
  await page.locator(`tr[data-booking-id="${bookingId}"] .badge.SETTLED`).waitFor();
  await shot(page, 'my-bookings');

  log('the host\'s payout account sees what it earned');
  const host = await walletPage(browser, HOST_PAYOUT, 'host');
  await signIn(host);
  await host.getByRole('link', { name: 'Hosting' }).click();
  await host.getByText('Settled: ', { exact: false }).waitFor({ timeout: 30_000 });
  const earned = await host.locator('main').textContent();
  if (!/Settled: \d[\d.]* \S+ \(1 bookings\)/.test(earned)) throw new Error(`hosting page reads '${earned}'`);
  await shot(host, 'host-earnings');

  log(`Solana: a Wallet Standard wallet (${SOL_RENTER}) funded by the devnet's faucet`);
  const airdrop = await solRpc('requestAirdrop', [SOL_RENTER, 2_000_000_000]);
  await solConfirmed(airdrop);
  const solPage = await solanaWalletPage(browser, 'solana-renter');
  await solPage.goto(BASE + '/#/signin');
  await solPage.getByRole('button', { name: 'Sign in with a Solana wallet' }).click();
  await solPage.waitForFunction(() => location.hash === '#/fleet');
  const solWho = await solPage.locator('#who').textContent();
  if (!solWho.includes(SOL_RENTER)) throw new Error(`signed in as '${solWho}', not ${SOL_RENTER}`);
  await solPage.locator('tr', { hasText: / SOL\/core·h/ }).locator('.badge.online').waitFor({ timeout: 120_000 });
  await shot(solPage, 'solana-signed-in');

  log('Solana: book the SOL host, pay with the wallet');
  await quote(solPage, 'SOL', 'solana', ['sh', '-c', 'echo hello from solana; exec sleep 600']);
  const solBookingId = await book(solPage);
  const lamportsBefore = (await solRpc('getBalance', [SOL_RENTER])).value;
  await solPage.getByRole('button', { name: 'Pay with wallet' }).click();
  // the deposit lands at once on the devnet: the page may go on to FUNDED before the progress line shows
  await solPage.locator('[data-testid=booking-state][data-state=RUNNING]').waitFor({ timeout: 120_000 });
  await solPage.getByRole('list', { name: 'Transitions' }).getByText('open in the solana escrow program', { exact: false }).waitFor();
  const paid = lamportsBefore - (await solRpc('getBalance', [SOL_RENTER])).value;
  if (paid <= 0) throw new Error(`the wallet paid nothing (${paid} lamports) yet ${solBookingId} runs`);
  log(`Solana booking ${solBookingId} RUNNING; the wallet paid ${paid} lamports (deposit, rent and fee)`);
  await shot(solPage, 'solana-running');
  await solPage.getByRole('button', { name: 'Stop booking' }).click();
  await solPage.locator('[data-testid=booking-state][data-state=SETTLED]').waitFor({ timeout: 180_000 });
  await shot(solPage, 'solana-settled');
  if (failures.length) throw new Error(failures.join('\n'));
  log('passed');
} catch (e) {
  // what the browser showed when it failed, and what it said
  for (const [name, p] of pages) {
    await p.screenshot({ path: path.join(SHOTS, `failed-${name}.png`), fullPage: true }).catch(() => {});
    console.error(`${name} page: toast '${await p.locator('#toast').textContent().catch(() => '')}'`);
  }
  if (failures.length) console.error(failures.join('\n'));
  throw e;
} finally {
  await browser.close();
}
