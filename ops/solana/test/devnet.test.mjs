// The devnet through a standard client (@solana/kit's RPC): devnet.sh start on a free port with fast
// slots, airdrop, open, settle, commitment progression, events from getTransaction's logMessages,
// getProgramAccounts filters, preflight errors, expiry on the real clock, then a restart that
// keeps everything.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  appendTransactionMessageInstructions, createKeyPairSignerFromBytes, createSolanaRpc, createTransactionMessage,
  generateKeyPairSigner, getBase64EncodedWireTransaction, lamports, pipe, setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash, signTransactionMessageWithSigners,
} from '@solana/kit';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEVNET = path.join(HERE, '..', 'devnet.sh');
const rp = await import(path.join(HERE, '../../../contracts/solana/client/respool.mjs'));
const SOL = 1_000_000_000n;
// kit turns every JSON number into a bigint; compare error shapes as plain numbers
const plain = (v) => JSON.parse(JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? Number(x) : x)));
// a preflight refusal (-32002) whose logs show the program failing with custom error `code`
const preflight = (code) => (e) => {
  assert.equal(e.context?.__code, -32002, e.message);
  if (code !== undefined) assert.ok(e.context.logs.some((l) => l.endsWith(`custom program error: 0x${code.toString(16)}`)), e.context.logs.join('\n'));
  return true;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((res) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });

const state = fs.mkdtempSync(path.join(os.tmpdir(), 'respool-sol-'));
let port, env;
// async: a blocked event loop would keep the client's pooled keep-alive sockets to a stopped server
const devnet = async (...args) => (await promisify(execFile)('bash', [DEVNET, ...args], { env, encoding: 'utf8' })).stdout.trim();
const json = () => JSON.parse(fs.readFileSync(path.join(state, 'solana.json'), 'utf8'));
const keyFile = (f) => createKeyPairSignerFromBytes(new Uint8Array(JSON.parse(fs.readFileSync(f, 'utf8'))));

async function send(rpc, payer, instructions, { skipPreflight = false } = {}) {
  const { value: latest } = await rpc.getLatestBlockhash({ commitment: 'processed' }).send();
  const msg = pipe(createTransactionMessage({ version: 'legacy' }), (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(latest, m), (m) => appendTransactionMessageInstructions(instructions, m));
  const tx = await signTransactionMessageWithSigners(msg);
  return rpc.sendTransaction(getBase64EncodedWireTransaction(tx), { encoding: 'base64', skipPreflight }).send();
}
// Polls the signature's status until `want`; returns the statuses seen, in order.
async function waitFor(rpc, sig, want = 'confirmed', timeoutMs = 20_000) {
  const seen = [], order = ['processed', 'confirmed', 'finalized'];
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(20)) {
    const { value: [st] } = await rpc.getSignatureStatuses([sig]).send();
    if (st && seen[seen.length - 1] !== st.confirmationStatus) seen.push(st.confirmationStatus);
    if (st && order.indexOf(st.confirmationStatus) >= order.indexOf(want)) return { seen, status: st };
  }
  throw new Error(`${sig} not ${want} in time (seen: ${seen})`);
}

describe('solana devnet (JSON-RPC over litesvm)', () => {
  before(async () => {
    port = await freePort();
    env = { ...process.env, RESPOOL_SOL_STATE: state, RESPOOL_SOL_SLOT_MS: '100', RESPOOL_SOL_FINALIZE_SLOTS: '5', RESPOOL_SOL_GRACE: '1' };
    assert.equal(await devnet('start', '--port', String(port)), path.join(state, 'solana.json'));
  });
  after(async () => { try { await devnet('stop'); } finally { if (process.env.KEEP_STATE) console.log('state', state); else fs.rmSync(state, { recursive: true, force: true }); } });

  it('describes itself in solana.json and answers the basics', async () => {
    const j = json();
    assert.equal(j.rpcUrl, `http://127.0.0.1:${port}`);
    assert.equal(j.feeBasisPoints, 250);
    assert.equal(j.mintDecimals, 6);
    const op = await keyFile(j.operatorKeyFile);
    assert.equal(op.address, j.operator);
    assert.equal(JSON.parse(fs.readFileSync(j.operatorKeyFile, 'utf8')).length, 64);
    const rpc = createSolanaRpc(j.rpcUrl);
    assert.equal(await rpc.getHealth().send(), 'ok');
    assert.ok((await rpc.getVersion().send())['solana-core']);
    const cfg = await rpc.getAccountInfo(j.configAccount, { encoding: 'base64' }).send();
    assert.equal(cfg.value.owner, j.programId);
    const c = rp.decodeConfig(Buffer.from(cfg.value.data[0], 'base64'));
    assert.deepEqual([c.operator, c.treasury, c.feeBps, c.graceSeconds], [j.operator, j.treasury, 250, 1n]);
    const mint = await rpc.getAccountInfo(j.mint, { encoding: 'base64' }).send();
    assert.equal(mint.value.owner, 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
    assert.equal(Buffer.from(mint.value.data[0], 'base64')[44], 6);
    assert.equal(await rpc.getMinimumBalanceForRentExemption(152n).send(), 1_948_800n);
    const s0 = await rpc.getSlot({ commitment: 'processed' }).send();
    await sleep(350);
    assert.ok((await rpc.getSlot({ commitment: 'processed' }).send()) >= s0 + 2n, 'slots advance on their own');
    assert.ok((await rpc.getSlot({ commitment: 'finalized' }).send()) <= (await rpc.getSlot({ commitment: 'processed' }).send()) - 5n);
    const ep = await rpc.getEpochInfo().send();
    assert.ok(ep.absoluteSlot > 0n);
    const { value: bh } = await rpc.getLatestBlockhash({ commitment: 'processed' }).send();
    assert.equal((await rpc.isBlockhashValid(bh.blockhash, { commitment: 'processed' }).send()).value, true);
    assert.equal((await rpc.isBlockhashValid('11111111111111111111111111111111').send()).value, false);
  });

  it('airdrops, opens, settles with exact balances; statuses go processed → confirmed → finalized', async () => {
    const j = json();
    const rpc = createSolanaRpc(j.rpcUrl);
    const operator = await keyFile(j.operatorKeyFile);
    const [renter, host] = [await generateKeyPairSigner(), await generateKeyPairSigner()];
    const drop = await rpc.requestAirdrop(renter.address, lamports(10n * SOL)).send();
    await waitFor(rpc, drop);
    await waitFor(rpc, await rpc.requestAirdrop(host.address, lamports(SOL)).send());
    assert.equal((await rpc.getBalance(renter.address, { commitment: 'confirmed' }).send()).value, 10n * SOL);

    const ix = await rp.instructions(j.programId);
    const rentalId = new Uint8Array(32).fill(0xab);
    const [escrow] = await rp.escrowPda(j.programId, renter.address, rentalId);
    const now = BigInt(Math.floor(Date.now() / 1000));
    const openSig = await send(rpc, renter, [await ix.open(renter, { rentalId, host: host.address, amount: 2n * SOL, expiresAt: now + 3600n })]);
    const { seen } = await waitFor(rpc, openSig, 'finalized');
    assert.deepEqual(seen.filter((s, i) => seen.indexOf(s) === i), seen, 'no status goes back');
    assert.ok(seen.length >= 2 && seen[seen.length - 1] === 'finalized', `seen ${seen}`);
    assert.ok(['processed', 'confirmed'].includes(seen[0]));

    const tx = await rpc.getTransaction(openSig, { commitment: 'confirmed', encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
    assert.equal(tx.meta.err, null);
    assert.ok(tx.blockTime > 0n && tx.slot > 0n);
    const [opened] = rp.parseEvents(tx.meta.logMessages, j.programId);
    assert.deepEqual([opened.name, [...opened.rentalId], opened.renter, opened.host, opened.amount, opened.feeBps],
      ['Opened', [...rentalId], renter.address, host.address, 2n * SOL, 250]);
    assert.equal(tx.transaction.message.accountKeys[0], renter.address);
    assert.equal(tx.transaction.signatures[0], openSig);

    // the gateway can find open escrows of a renter with filters
    const found = await rpc.getProgramAccounts(j.programId, { encoding: 'base64', filters: [{ dataSize: 152n },
      { memcmp: { offset: 40n, bytes: renter.address, encoding: 'base58' } }] }).send();
    assert.deepEqual(found.map((a) => a.pubkey), [escrow]);
    assert.equal(rp.decodeEscrow(Buffer.from(found[0].account.data[0], 'base64')).deposit, 2n * SOL);

    const [h0, t0, r0] = await Promise.all([host.address, j.treasury, renter.address].map(async (a) => (await rpc.getBalance(a, { commitment: 'processed' }).send()).value));
    const used = 1_500_000_000n, fee = used * 250n / 10_000n;
    const settleSig = await send(rpc, operator, [ix.settle(operator, { escrow, host: host.address, treasury: j.treasury, renter: renter.address, used })]);
    await waitFor(rpc, settleSig, 'confirmed');
    const bal = async (a) => (await rpc.getBalance(a, { commitment: 'confirmed' }).send()).value;
    assert.equal(await bal(host.address), h0 + used - fee);
    assert.equal(await bal(j.treasury), t0 + fee);
    assert.equal(await bal(renter.address), r0 + 2n * SOL - used + 1_948_800n);
    assert.equal((await rpc.getAccountInfo(escrow).send()).value, null);
    const st = await rpc.getTransaction(settleSig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 }).send();
    assert.deepEqual(rp.parseEvents(st.meta.logMessages, j.programId).map((e) => [e.name, e.hostAmount, e.fee, e.refund]),
      [['Settled', used - fee, fee, 2n * SOL - used]]);
    const sigs = await rpc.getSignaturesForAddress(escrow, { commitment: 'confirmed' }).send();
    assert.deepEqual(sigs.map((s) => s.signature), [settleSig, openSig]);

    // a second settle: refused by preflight with the program's error; without preflight it lands, failed
    await assert.rejects(send(rpc, operator, [ix.settle(operator, { escrow, host: host.address, treasury: j.treasury, renter: renter.address, used })]),
      preflight(39));
    const failed = await send(rpc, operator, [ix.settle(operator, { escrow, host: host.address, treasury: j.treasury, renter: renter.address, used: used + 1n })], { skipPreflight: true });
    const { status } = await waitFor(rpc, failed, 'confirmed');
    assert.deepEqual(plain(status.err), { InstructionError: [0, { Custom: 39 }] });
    const ft = await rpc.getTransaction(failed, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 }).send();
    assert.deepEqual(plain(ft.meta.err), { InstructionError: [0, { Custom: 39 }] });
    assert.equal(ft.meta.preBalances[0] - ft.meta.postBalances[0], 5000n, 'a failed transaction still pays its fee');
  });

  it('refuses unknown blockhashes and bad signatures', async () => {
    const j = json();
    const rpc = createSolanaRpc(j.rpcUrl);
    const payer = await generateKeyPairSigner();
    await waitFor(rpc, await rpc.requestAirdrop(payer.address, lamports(SOL)).send());
    const msg = pipe(createTransactionMessage({ version: 'legacy' }), (m) => setTransactionMessageFeePayerSigner(payer, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: '4uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofM', lastValidBlockHeight: 1n }, m),
      (m) => appendTransactionMessageInstructions([], m));
    const tx = await signTransactionMessageWithSigners(msg);
    await assert.rejects(rpc.sendTransaction(getBase64EncodedWireTransaction(tx), { encoding: 'base64' }).send(), preflight());
    await assert.rejects(rpc.sendTransaction(getBase64EncodedWireTransaction(tx), { encoding: 'base64', skipPreflight: true }).send(), preflight());
    assert.equal((await rpc.getSignatureStatuses([Object.keys(tx.signatures).length && (await import('@solana/kit')).getSignatureFromTransaction(tx)]).send()).value[0], null);
    const { value: latest } = await rpc.getLatestBlockhash({ commitment: 'processed' }).send();
    const good = await signTransactionMessageWithSigners(pipe(createTransactionMessage({ version: 'legacy' }),
      (m) => setTransactionMessageFeePayerSigner(payer, m), (m) => setTransactionMessageLifetimeUsingBlockhash(latest, m)));
    const forged = { ...good, signatures: { [payer.address]: new Uint8Array(64).fill(1) } };
    await assert.rejects(rpc.sendTransaction(getBase64EncodedWireTransaction(forged), { encoding: 'base64', skipPreflight: true }).send());
  });

  it('runs the clock on wall time: a reclaim is refused until expires_at + grace, then accepted', async () => {
    const j = json();
    const rpc = createSolanaRpc(j.rpcUrl);
    const renter = await generateKeyPairSigner(), host = await generateKeyPairSigner();
    await waitFor(rpc, await rpc.requestAirdrop(renter.address, lamports(5n * SOL)).send());
    const ix = await rp.instructions(j.programId);
    const rentalId = new Uint8Array(32).fill(0xcd);
    const [escrow] = await rp.escrowPda(j.programId, renter.address, rentalId);
    const expiresAt = BigInt(Math.floor(Date.now() / 1000) + 2);
    await waitFor(rpc, await send(rpc, renter, [await ix.open(renter, { rentalId, host: host.address, amount: SOL, expiresAt })]));
    await assert.rejects(send(rpc, renter, [ix.reclaim(renter, escrow)]), preflight(19)); // ReclaimTooEarly
    while (Date.now() / 1000 < Number(expiresAt) + 1 + 1.2) await sleep(200); // grace 1 s, and a slot for the clock
    const sig = await send(rpc, renter, [ix.reclaim(renter, escrow)]);
    await waitFor(rpc, sig);
    assert.equal((await rpc.getAccountInfo(escrow).send()).value, null);
  });

  it('keeps the chain across a restart', async () => {
    const j = json();
    let rpc = createSolanaRpc(j.rpcUrl);
    const who = await generateKeyPairSigner();
    const sig = await rpc.requestAirdrop(who.address, lamports(SOL + 1234n)).send();
    await waitFor(rpc, sig, 'confirmed');
    await sleep(150); // at least one slot end: the ledger is written then
    const slotBefore = await rpc.getSlot({ commitment: 'processed' }).send();
    const cfgBefore = (await rpc.getAccountInfo(j.configAccount).send()).value.data[0];
    await devnet('stop');
    assert.ok(!fs.existsSync(path.join(state, 'solana.json')));
    await devnet('start', '--port', String(port));
    const j2 = json();
    assert.equal(j2.programId, j.programId);
    assert.equal(j2.operator, j.operator);
    rpc = createSolanaRpc(j2.rpcUrl);
    assert.equal((await rpc.getBalance(who.address, { commitment: 'processed' }).send()).value, SOL + 1234n);
    assert.ok((await rpc.getSlot({ commitment: 'processed' }).send()) > slotBefore);
    assert.equal((await rpc.getAccountInfo(j.configAccount).send()).value.data[0], cfgBefore);
    const tx = await rpc.getTransaction(sig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 }).send();
    assert.equal(tx.transaction.signatures[0], sig);
    assert.equal((await rpc.getSignatureStatuses([sig]).send()).value[0].confirmationStatus, 'finalized');
  });
});
