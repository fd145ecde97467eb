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
// account sees the earnings. A screenshot per step in $SCREENSHOTS; any browser console error fails.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

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
  await page.locator('tr', { hasText: 'TUSD' }).locator('.badge.online').waitFor({ timeout: 30_000 });
  await page.getByText('live: online status follows /v1/events').waitFor({ timeout: 15_000 });
  await shot(page, 'fleet');

  log('quote, then book');
  await page.getByRole('link', { name: 'Book', exact: true }).click();
  await page.getByLabel('CPU cores').fill('0.5');
  await page.getByLabel('Memory (MB)').fill('64');
  await page.getByLabel('Duration (seconds)').fill('600');
  await page.getByLabel('Currency').fill('TUSD');
  await page.getByLabel('Pay on').selectOption('ethereum');
  await page.getByLabel('Command (words, or a JSON array)').fill('["sh","-c","echo hello from the console; exec sleep 600"]');
  await page.getByRole('button', { name: 'Get quote' }).click();
  await page.getByRole('list', { name: 'Quoted plans' }).locator('li').first().waitFor();
  await shot(page, 'quote');
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  await page.locator('[data-testid=booking-state][data-state=PENDING_PAYMENT]').waitFor({ timeout: 30_000 });
  const bookingId = decodeURIComponent(page.url().split('#/bookings/')[1]);
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
