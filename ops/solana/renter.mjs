#!/usr/bin/env node
// A renter paying on Solana, end to end, against a gateway and the devnet (what README's "Paying on
// Solana" runs): a wallet (an ed25519 key kept in a solana-keygen file) funded by the devnet's faucet
// (and, for TUSD, minted test stablecoin by the devnet's mint authority), sign-in with the wallet,
// a booking, each transaction of GET /payment signed by the wallet and sent to the devnet, the
// booking run for a few seconds and stopped, then the settlement and the wallet's balances printed.
//
//   node ops/solana/renter.mjs [--gateway http://127.0.0.1:8080] [--devnet ~/.respool/devnet/solana.json]
//        [--currency TUSD|SOL] [--seconds 10] [--wallet FILE] [--cpu 0.5]
//
// Devnet only: the faucet and the mint authority's key file are the devnet's. Needs the packages of
// ops/solana/install.sh (@solana/kit).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import {
  createKeyPairSignerFromPrivateKeyBytes, getBase58Decoder, getBase64EncodedWireTransaction, getTransactionDecoder, partiallySignTransaction,
} from '@solana/kit';
import * as rp from '../../contracts/solana/client/respool.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const home = process.env.RESPOOL_HOME || path.join(os.homedir(), '.respool');
const gateway = (args.gateway || `http://127.0.0.1:${process.env.RESPOOL_PORT || 8080}`).replace(/\/$/, '');
const devnet = JSON.parse(fs.readFileSync(args.devnet || path.join(home, 'devnet', 'solana.json'), 'utf8'));
const currency = (args.currency || 'TUSD').toUpperCase();
const seconds = Number(args.seconds || 10);
const walletFile = args.wallet || path.join(home, 'devnet', 'solana-renter.json');
const log = (...m) => console.log(...m);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const b58 = getBase58Decoder();

// ---- keys (solana-keygen files: a JSON array of seed[32] + public key[32]) ---------------------------
async function keyFile(file, create = false) {
  if (!fs.existsSync(file)) {
    if (!create) throw new Error(`no key file ${file}`);
    const seed = crypto.randomBytes(32);
    const s = await createKeyPairSignerFromPrivateKeyBytes(seed);
    fs.writeFileSync(file, JSON.stringify([...seed, ...rp.keyBytes(s.address)]), { mode: 0o600 });
  }
  const bytes = Uint8Array.from(JSON.parse(fs.readFileSync(file, 'utf8')).slice(0, 32));
  return createKeyPairSignerFromPrivateKeyBytes(bytes);
}

// ---- JSON-RPC to the devnet and HTTP to the gateway -----------------------------------------------
let rpcId = 0;
async function rpc(method, params = []) {
  const r = await fetch(devnet.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params }) });
  const j = await r.json();
  if (j.error) throw new Error(`${method}: ${j.error.message}${j.error.data ? ' ' + JSON.stringify(j.error.data) : ''}`);
  return j.result;
}
async function confirmed(signature) {
  for (let i = 0; i < 150; i++) {
    const s = (await rpc('getSignatureStatuses', [[signature]])).value[0];
    if (s && (s.confirmationStatus === 'confirmed' || s.confirmationStatus === 'finalized')) {
      if (s.err) throw new Error(`transaction ${signature} failed: ${JSON.stringify(s.err)}`);
      return signature;
    }
    await sleep(200);
  }
  throw new Error(`transaction ${signature} not confirmed in 30 s`);
}
const sendSigned = async (tx) => confirmed(await rpc('sendTransaction', [getBase64EncodedWireTransaction(tx), { encoding: 'base64' }]));

let token = null;
async function api(method, p, body) {
  const r = await fetch(gateway + p, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  const j = text ? JSON.parse(text) : null;
  if (r.status >= 400) throw new Error(`${method} ${p}: ${r.status} ${j?.detail ?? text}`);
  return j;
}
const tokenBalance = async (owner) => {
  const ata = await rp.associatedTokenAddress(owner, devnet.mint);
  const a = (await rpc('getAccountInfo', [ata, { encoding: 'base64', commitment: 'confirmed' }])).value;
  return a ? rp.tokenAmount(Buffer.from(a.data[0], 'base64')) : 0n;
};
const lamports = async (a) => BigInt((await rpc('getBalance', [a, { commitment: 'confirmed' }])).value);

// ---- 1. the wallet, funded --------------------------------------------------------------------
const wallet = await keyFile(walletFile, true);
log(`wallet ${wallet.address} (${walletFile})`);
if (await lamports(wallet.address) < 1_000_000_000n) await confirmed(await rpc('requestAirdrop', [wallet.address, 2_000_000_000]));
if (currency !== 'SOL' && await tokenBalance(wallet.address) < 100_000_000n) {
  // devnet only: the mint authority's key is in the devnet's state directory
  const authority = await keyFile(devnet.mintAuthorityKeyFile);
  if (await lamports(authority.address) < 100_000_000n) await confirmed(await rpc('requestAirdrop', [authority.address, 1_000_000_000]));
  const { createTransactionMessage, pipe, setTransactionMessageFeePayerSigner, setTransactionMessageLifetimeUsingBlockhash,
    appendTransactionMessageInstructions, signTransactionMessageWithSigners } = await import('@solana/kit');
  const { value: hash } = await rpc('getLatestBlockhash', [{ commitment: 'confirmed' }]);
  const ata = await rp.associatedTokenAddress(wallet.address, devnet.mint);
  const create = await rp.token.createAta(authority, wallet.address, devnet.mint);
  const msg = pipe(createTransactionMessage({ version: 'legacy' }), (m) => setTransactionMessageFeePayerSigner(authority, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: hash.blockhash, lastValidBlockHeight: BigInt(hash.lastValidBlockHeight) }, m),
    (m) => appendTransactionMessageInstructions([create, rp.token.mintTo(devnet.mint, ata, authority, 1_000_000_000n)], m));
  await sendSigned(await signTransactionMessageWithSigners(msg));
  log(`minted 1,000 ${currency} to the wallet's token account ${ata}`);
}

// ---- 2. sign in with the wallet ---------------------------------------------------------------
const challenge = await api('POST', '/v1/auth/challenge', { chain: 'solana', address: wallet.address });
const signature = crypto.sign(null, Buffer.from(challenge.message, 'utf8'),
  crypto.createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'),
    Buffer.from(JSON.parse(fs.readFileSync(walletFile, 'utf8')).slice(0, 32))]), format: 'der', type: 'pkcs8' }));
token = (await api('POST', '/v1/auth/verify', { chain: 'solana', address: wallet.address, message: challenge.message,
  signature: b58.decode(signature) })).token;
log('signed in');

// ---- 3. book, pay -----------------------------------------------------------------------------
const before = { lamports: await lamports(wallet.address), tokens: currency === 'SOL' ? 0n : await tokenBalance(wallet.address) };
const booking = await api('POST', '/v1/bookings', { cpu: Number(args.cpu || 0.5), memoryMb: 64, durationSeconds: 600, currency,
  paymentChain: 'solana', command: ['/bin/sh', '-c', 'exec sleep 600'] });
log(`booking ${booking.id}: ${booking.state}, cost ${booking.cost} ${currency === 'SOL' ? 'lamports' : currency + ' base units'}`);
const pay = await api('GET', `/v1/bookings/${booking.id}/payment`);
const txDecoder = getTransactionDecoder();
for (const d of pay.deposits) {
  for (const c of d.calls) {
    const tx = await partiallySignTransaction([wallet.keyPair], txDecoder.decode(Buffer.from(c.transaction, 'base64')));
    log(`${c.description}: ${await sendSigned(tx)}`);
  }
}
const state = async () => (await api('GET', `/v1/bookings/${booking.id}`)).state;
const until = async (want) => { for (let s; (s = await state()) !== want;) { if (['FAILED', 'CANCELLED', 'EXPIRED'].includes(s)) throw new Error(`booking ${s}`); await sleep(500); } };
await until('RUNNING');
log(`running; stopping in ${seconds} s`);
await sleep(seconds * 1000);
await api('POST', `/v1/bookings/${booking.id}/stop`, {});
await until('SETTLED');

// ---- 4. what the chain says --------------------------------------------------------------------
const settled = await api('GET', `/v1/bookings/${booking.id}/payment`);
for (const d of settled.deposits) log(JSON.stringify({ host: d.hostId, state: d.state, used: d.used, fee: d.fee, hostAmount: d.hostAmount, refund: d.refund, settleTx: d.settleTx }));
const used = settled.deposits.reduce((s, d) => s + BigInt(d.used), 0n);
if (currency === 'SOL') log(`wallet: ${before.lamports - await lamports(wallet.address)} lamports spent = used ${used} + transaction fees`);
else log(`wallet: ${before.tokens - await tokenBalance(wallet.address)} ${currency} base units spent = used ${used}; ${before.lamports - await lamports(wallet.address)} lamports spent on fees (escrow and vault rent came back)`);
