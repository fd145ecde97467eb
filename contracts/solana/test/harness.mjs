// Test harness: a litesvm with the program deployed (as `solana program deploy` would leave it:
// ProgramData naming an upgrade authority), keys, transactions and exact balance checks.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { Clock, FailedTransactionMetadata, LiteSVM } from 'litesvm';
import {
  appendTransactionMessageInstructions, createKeyPairSignerFromPrivateKeyBytes, createTransactionMessage, lamports, pipe,
  setTransactionMessageFeePayerSigner, signTransactionMessageWithSigners,
} from '@solana/kit';
import * as rp from '../client/respool.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SO = path.join(HERE, '..', 'target', 'respool_escrow.so');
const CU_LOG = process.env.RESPOOL_CU_LOG || path.join(HERE, '..', 'target', 'cu.jsonl');
export const SOL = 1_000_000_000n;
export const T0 = 1_750_000_000n; // the tests' "now" (unix seconds)

export { rp };

// Keys from a counter per Env: the same test run gives the same addresses, PDA bumps and so the
// same compute units every time.
async function seededKey(env) {
  const seed = new Uint8Array(32);
  new DataView(seed.buffer).setUint32(0, ++env.keys);
  seed[31] = 0x5a;
  return createKeyPairSignerFromPrivateKeyBytes(seed);
}

export class Env {
  keys = 0;
  key() { return seededKey(this); }
  static async create({ feeBps = 250, graceSeconds = 3600, unstakeDelaySeconds = 86_400, init = true } = {}) {
    const e = new Env();
    e.svm = new LiteSVM();
    e.programKey = await e.key();
    e.programId = e.programKey.address;
    e.payer = await e.key(); e.admin = await e.key(); e.operator = await e.key(); e.treasury = await e.key();
    e.svm.addProgram(e.programId, fs.readFileSync(SO));
    e.ix = await rp.instructions(e.programId);
    // litesvm deploys without an upgrade authority; a real deploy names the deployer: do the same
    const pd = e.svm.getAccount(e.ix.programData);
    const d = new Uint8Array(pd.data);
    d[12] = 1; d.set(rp.keyBytes(e.admin.address), 13);
    e.svm.setAccount({ ...pd, address: e.ix.programData, data: d });
    e.airdrop(e.payer.address, 1000n * SOL);
    e.airdrop(e.admin.address, 10n * SOL);
    e.airdrop(e.operator.address, 10n * SOL);
    e.airdrop(e.treasury.address, 1n * SOL); // a payee must exist (be rent exempt) to receive small amounts
    e.setTime(T0);
    e.params = { operator: e.operator.address, treasury: e.treasury.address, feeBps, graceSeconds, unstakeDelaySeconds };
    if (init) e.ok(await e.send([e.ix.initialize(e.admin, e.params)]), 'initialize');
    return e;
  }

  airdrop(addr, amount) {
    const r = this.svm.airdrop(addr, lamports(amount));
    if (!r || r instanceof FailedTransactionMetadata) throw new Error(`airdrop failed: ${r}`);
    this.svm.expireBlockhash();
  }
  async wallet(sol = 100n) { const k = await this.key(); this.airdrop(k.address, sol * SOL); return k; }
  balance(addr) { return this.svm.getBalance(addr) ?? 0n; }
  balances(addrs) { return addrs.map((a) => this.balance(a)); }
  account(addr) { const a = this.svm.getAccount(addr); return a.exists ? a : null; }
  now() { return this.svm.getClock().unixTimestamp; }
  setTime(t) { const c = this.svm.getClock(); this.svm.setClock(new Clock(c.slot, c.epochStartTimestamp, c.epoch, c.leaderScheduleEpoch, BigInt(t))); }
  rentExempt(len) { return this.svm.minimumBalanceForRentExemption(BigInt(len)); }
  escrowOf(renter, rentalId) { return rp.escrowPda(this.programId, renter, rentalId).then(([a]) => a); }
  escrowState(addr) { const a = this.account(addr); return a && rp.decodeEscrow(a.data); }
  hostState(addr) { const a = this.account(addr); return a && rp.decodeHostStake(a.data); }

  // Sends one transaction paid by `payer` (not a party to any rental, so parties' balances move
  // only by what the program does). Signers come from the instructions' account metas.
  async send(instructions, { feePayer = this.payer } = {}) {
    const msg = pipe(
      createTransactionMessage({ version: 'legacy' }),
      (m) => setTransactionMessageFeePayerSigner(feePayer, m),
      (m) => this.svm.setTransactionMessageLifetimeUsingLatestBlockhash(m),
      (m) => appendTransactionMessageInstructions(instructions, m),
    );
    const tx = await signTransactionMessageWithSigners(msg);
    const res = this.svm.sendTransaction(tx);
    this.svm.expireBlockhash(); // a fresh blockhash: the same instructions again make a new transaction
    return result(res, this.programId);
  }

  ok(r, what = 'transaction') {
    if (!r.ok) assert.fail(`${what} failed: ${r.error}\n${r.logs.join('\n')}`);
    return r;
  }
  // Asserts the transaction failed with our custom error `name` (see rp.ERRORS).
  fails(r, name) {
    assert.equal(r.ok, false, `expected ${name}, but it succeeded\n${r.logs.join('\n')}`);
    assert.equal(r.error, name, `expected ${name}, got ${r.error}\n${r.logs.join('\n')}`);
    return r;
  }
}

function result(res, programId) {
  const failed = res instanceof FailedTransactionMetadata;
  const meta = failed ? res.meta() : res;
  const out = { ok: !failed, logs: meta.logs(), cu: Number(meta.computeUnitsConsumed()), error: null };
  out.events = rp.parseEvents(out.logs, programId);
  if (failed) {
    const err = res.err();
    // litesvm does not export its error classes: an instruction error has index + err(), a custom one a code
    if (typeof err === 'object' && err !== null && 'index' in err && typeof err.err === 'function') {
      const ie = err.err();
      out.error = typeof ie === 'object' && 'code' in ie ? (rp.ERRORS[ie.code] || `Custom(${ie.code})`) : `InstructionError(${ie})`;
    } else out.error = typeof err === 'number' ? `TransactionError(${err})` : String(err);
  }
  return out;
}

// Records the compute units of a successful instruction for cu-report.md (test.sh aggregates).
export function recordCu(name, r) {
  assert.ok(r.ok);
  fs.mkdirSync(path.dirname(CU_LOG), { recursive: true });
  fs.appendFileSync(CU_LOG, JSON.stringify({ ix: name, cu: r.cu }) + '\n');
}

// Runs `fn` and asserts the lamports of `addrs` (all parties but the fee payer) sum to the same
// before and after: the program only moves money between them.
export async function conserved(env, addrs, fn) {
  const sum = () => env.balances(addrs).reduce((a, b) => a + b, 0n);
  const before = sum();
  const r = await fn();
  assert.equal(sum(), before, 'lamports not conserved among the parties');
  return r;
}

// A rental id whose escrow PDA for `renter` has bump `bump` (255: found at the first try, the
// cheapest open; each lower bump costs one more 1,500-CU hash in the program).
export async function rentalIdWithBump(programId, renter, bump = 255, from = 0) {
  for (let n = from; ; n++) if ((await rp.escrowPda(programId, renter, rentalId(n)))[1] === bump) return rentalId(n);
}
export const rentalId = (n) => { const b = new Uint8Array(32); new DataView(b.buffer).setBigUint64(24, BigInt(n)); b[0] = 0x52; return b; };
