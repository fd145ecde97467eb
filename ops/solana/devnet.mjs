#!/usr/bin/env node
// A local Solana devnet for ResPool: a JSON-RPC 2.0 HTTP server (the cluster's method names and
// shapes) over litesvm (the real runtime: signature checks, system + SPL Token programs) with the
// respool_escrow program deployed and its config initialized. Started by ops/solana/devnet.sh.
//
//   node ops/solana/devnet.mjs --state DIR --port 8899 --json FILE [--so PATH] [--slot-ms 400]
//        [--finalize-slots 32] [--fee-bps 250] [--grace 3600] [--unstake-delay 3600]
//
// Slots advance on a timer; each slot gets a new blockhash, valid for 150 slots, and sets the
// clock sysvar to the wall clock (so expiry, grace and unstake delays run in real time). A
// transaction lands in the slot it was sent in: "processed" then, "confirmed" one slot later,
// "finalized" --finalize-slots later. Account reads always see the latest state, whatever the
// commitment asked (litesvm keeps one state).
//
// State in DIR, kept across restarts: keys/ (solana-keygen JSON arrays), ledger.bin (litesvm's
// snapshot of every account, sysvar and its transaction history), chain.json (slot, blockhashes)
// and transactions.jsonl (what getTransaction & co. answer, one line per landed transaction).
// All three are written together at the end of each slot in which something changed, and at
// stop: a kill -9 loses at most the last slot; a restart resumes at the saved slot.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { LiteSVM, Clock } from 'litesvm';
import {
  appendTransactionMessageInstructions, createKeyPairSignerFromBytes, createTransactionMessage, getBase58Decoder,
  getBase58Encoder, getBase64Encoder, getCompiledTransactionMessageDecoder, getTransactionDecoder, getTransactionEncoder,
  lamports as toLamports, pipe, setTransactionMessageFeePayerSigner, setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners, AccountRole,
} from '@solana/kit';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const rp = await import(path.join(ROOT, 'contracts/solana/client/respool.mjs'));

// ---- options ---------------------------------------------------------------------------------
const opt = { port: 8899, 'slot-ms': 400, 'finalize-slots': 32, 'fee-bps': 250, grace: 3600, 'unstake-delay': 3600,
  so: path.join(ROOT, 'contracts/solana/target/respool_escrow.so') };
for (let i = 2; i < process.argv.length; i += 2) opt[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!opt.state || !opt.json) { console.error('usage: devnet.mjs --state DIR --json FILE [--port N] …'); process.exit(2); }
const SLOT_MS = Number(opt['slot-ms']), FINALIZE = Number(opt['finalize-slots']), BLOCKHASH_SLOTS = 150;
const LAMPORTS_PER_SIGNATURE = 5000n;
const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
const STATE = path.resolve(opt.state);
const KEYS = path.join(STATE, 'keys');
const F = { ledger: path.join(STATE, 'ledger.bin'), chain: path.join(STATE, 'chain.json'), txs: path.join(STATE, 'transactions.jsonl') };
const log = (...a) => console.log(new Date().toISOString(), ...a);

const b58 = getBase58Decoder(), fromB58 = getBase58Encoder(), fromB64 = getBase64Encoder();
const txDecoder = getTransactionDecoder(), txEncoder = getTransactionEncoder(), msgDecoder = getCompiledTransactionMessageDecoder();
const b64 = (bytes) => Buffer.from(bytes).toString('base64');

// ---- keys (solana-keygen format: JSON array of the 32-byte seed then the 32-byte public key) ---
async function key(name) {
  const file = path.join(KEYS, `${name}.json`);
  if (!fs.existsSync(file)) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d, 'base64url');
    const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
    fs.mkdirSync(KEYS, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, JSON.stringify([...seed, ...pub]) + '\n', { mode: 0o600 });
  }
  FILE[name] = file;
  return createKeyPairSignerFromBytes(new Uint8Array(JSON.parse(fs.readFileSync(file, 'utf8'))));
}
const K = {}, FILE = {};
for (const n of ['program', 'admin', 'operator', 'treasury', 'faucet', 'mint', 'mint-authority']) K[n] = await key(n);
const programId = K.program.address;

// ---- chain state -----------------------------------------------------------------------------
let svm, slot, blockhashes, dirty = false;
const records = new Map();         // signature -> landed transaction (getTransaction's answer, minus status)
const byAddress = new Map();       // address -> [signature] oldest first
let pending = [];                  // records not yet appended to transactions.jsonl
let txCount = 0;

function index(rec) {
  records.set(rec.signature, rec);
  for (const a of rec.accountKeys) { if (!byAddress.has(a)) byAddress.set(a, []); byAddress.get(a).push(rec.signature); }
  txCount++;
}

const soBytes = fs.existsSync(opt.so) ? fs.readFileSync(opt.so) : null;
const soHash = soBytes && crypto.createHash('sha256').update(soBytes).digest('hex');

function deploy() {
  // what `solana program deploy` leaves: program + ProgramData naming the deployer (admin) as upgrade authority
  svm.addProgram(programId, soBytes);
  const pdAddr = programDataOf;
  const pd = svm.getAccount(pdAddr);
  const d = new Uint8Array(pd.data); d[12] = 1; d.set(rp.keyBytes(K.admin.address), 13);
  svm.setAccount({ ...pd, address: pdAddr, data: d });
}
const programDataOf = await rp.programDataAddress(programId);
const ix = await rp.instructions(programId);

function configure(s) {
  // blockhash ages are checked here (150 slots, like the cluster), not by litesvm (latest only)
  return s.withSigverify(true).withBlockhashCheck(false).withTransactionHistory(1_000_000n);
}

function tickClock() {
  svm.warpToSlot(BigInt(slot));
  const c = svm.getClock();
  svm.setClock(new Clock(BigInt(slot), c.epochStartTimestamp, c.epoch, c.leaderScheduleEpoch, BigInt(Math.floor(Date.now() / 1000))));
}
function newSlot() {
  slot++;
  svm.expireBlockhash();
  blockhashes.push([svm.latestBlockhash(), slot]);
  if (blockhashes.length > BLOCKHASH_SLOTS + FINALIZE + 10) blockhashes.shift();
  tickClock();
}

function save() {
  const tmp = (f) => f + '.tmp';
  svm.saveToFile(tmp(F.ledger));
  fs.writeFileSync(tmp(F.chain), JSON.stringify({ slot, blockhashes, soHash, txCount }) + '\n');
  if (pending.length) fs.appendFileSync(F.txs, pending.map((r) => JSON.stringify(r)).join('\n') + '\n');
  pending = [];
  fs.renameSync(tmp(F.ledger), F.ledger);
  fs.renameSync(tmp(F.chain), F.chain);
  dirty = false;
}

const genesis = !fs.existsSync(F.ledger);
if (genesis) {
  if (!soBytes) { console.error(`no program at ${opt.so}: run contracts/solana/build.sh`); process.exit(1); }
  svm = configure(new LiteSVM());
  slot = Number(svm.getClock().slot);
  blockhashes = [[svm.latestBlockhash(), slot]];
  tickClock();
  deploy();
  for (const [k, sol] of [['faucet', 500_000n], ['admin', 1000n], ['operator', 1000n], ['treasury', 1n]]) {
    const r = svm.airdrop(K[k].address, toLamports(sol * 1_000_000_000n));
    if (!r || typeof r.err === 'function') throw new Error(`genesis funding of ${k} failed: ${r}`);
    svm.expireBlockhash(); // litesvm refuses the same airdrop transaction twice within a blockhash
  }
  blockhashes.push([svm.latestBlockhash(), slot]);
} else {
  svm = configure(LiteSVM.loadFromFile(F.ledger));
  const chain = JSON.parse(fs.readFileSync(F.chain, 'utf8'));
  ({ slot, blockhashes } = chain);
  if (fs.existsSync(F.txs)) for (const l of fs.readFileSync(F.txs, 'utf8').split('\n')) if (l) index(JSON.parse(l));
  if (soBytes && chain.soHash !== soHash) { log('program changed since the last start: upgrading it in place'); deploy(); }
  newSlot();
  log(`resumed at slot ${slot} with ${records.size} transactions`);
}

// ---- errors in the cluster's JSON shape -----------------------------------------------------------
const IX_ERRORS = ['GenericError', 'InvalidArgument', 'InvalidInstructionData', 'InvalidAccountData', 'AccountDataTooSmall',
  'InsufficientFunds', 'IncorrectProgramId', 'MissingRequiredSignature', 'AccountAlreadyInitialized', 'UninitializedAccount',
  'UnbalancedInstruction', 'ModifiedProgramId', 'ExternalAccountLamportSpend', 'ExternalAccountDataModified',
  'ReadonlyLamportChange', 'ReadonlyDataModified', 'DuplicateAccountIndex', 'ExecutableModified', 'RentEpochModified',
  'NotEnoughAccountKeys', 'AccountDataSizeChanged', 'AccountNotExecutable', 'AccountBorrowFailed', 'AccountBorrowOutstanding',
  'DuplicateAccountOutOfSync', 'InvalidError', 'ExecutableDataModified', 'ExecutableLamportChange',
  'ExecutableAccountNotRentExempt', 'UnsupportedProgramId', 'CallDepth', 'MissingAccount', 'ReentrancyNotAllowed',
  'MaxSeedLengthExceeded', 'InvalidSeeds', 'InvalidRealloc', 'ComputationalBudgetExceeded', 'PrivilegeEscalation',
  'ProgramEnvironmentSetupFailure', 'ProgramFailedToComplete', 'ProgramFailedToCompile', 'Immutable', 'IncorrectAuthority',
  'AccountNotRentExempt', 'InvalidAccountOwner', 'ArithmeticOverflow', 'UnsupportedSysvar', 'IllegalOwner',
  'MaxAccountsDataAllocationsExceeded', 'MaxAccountsExceeded', 'MaxInstructionTraceLengthExceeded',
  'BuiltinProgramsMustConsumeComputeUnits', 'BorshIoError'];
const TX_ERRORS = ['AccountInUse', 'AccountLoadedTwice', 'AccountNotFound', 'ProgramAccountNotFound', 'InsufficientFundsForFee',
  'InvalidAccountForFee', 'AlreadyProcessed', 'BlockhashNotFound', 'CallChainTooDeep', 'MissingSignatureForFee',
  'InvalidAccountIndex', 'SignatureFailure', 'InvalidProgramForExecution', 'SanitizeFailure', 'ClusterMaintenance',
  'AccountBorrowOutstanding', 'WouldExceedMaxBlockCostLimit', 'UnsupportedVersion', 'InvalidWritableAccount',
  'WouldExceedMaxAccountCostLimit', 'WouldExceedAccountDataBlockLimit', 'TooManyAccountLocks', 'AddressLookupTableNotFound',
  'InvalidAddressLookupTableOwner', 'InvalidAddressLookupTableData', 'InvalidAddressLookupTableIndex',
  'InvalidRentPayingAccount', 'WouldExceedMaxVoteCostLimit', 'WouldExceedAccountDataTotalLimit',
  'MaxLoadedAccountsDataSizeExceeded', 'ResanitizationNeeded', 'InvalidLoadedAccountsDataSizeLimit', 'UnbalancedTransaction',
  'ProgramCacheHitMaxLimit', 'CommitCancelled'];
function rpcErr(err) {
  if (typeof err === 'number') return TX_ERRORS[err] ?? `TransactionError(${err})`;
  if (err && typeof err.err === 'function' && 'index' in err) {
    const ie = err.err();
    return { InstructionError: [err.index, typeof ie === 'object' && 'code' in ie ? { Custom: ie.code } : IX_ERRORS[ie] ?? String(ie)] };
  }
  if (err && 'accountIndex' in err) {
    const name = String(err).includes('Restricted') ? 'ProgramExecutionTemporarilyRestricted' : 'InsufficientFundsForRent';
    return { [name]: { account_index: err.accountIndex } };
  }
  return String(err);
}
const errText = (e) => (typeof e === 'string' ? e : JSON.stringify(e));
class RpcError extends Error { constructor(code, message, data) { super(message); this.code = code; this.data = data; } }

// ---- transactions ------------------------------------------------------------------------------
function decodeWire(encoded, encoding = 'base58') {
  let wire;
  try { wire = encoding === 'base64' ? Buffer.from(encoded, 'base64') : Buffer.from(fromB58.encode(encoded)); } catch {
    throw new RpcError(-32602, `invalid transaction: not ${encoding}`);
  }
  let tx, msg;
  try { tx = txDecoder.decode(wire); msg = msgDecoder.decode(tx.messageBytes); } catch (e) {
    throw new RpcError(-32602, `invalid transaction: failed to deserialize: ${e.message}`);
  }
  if (msg.addressTableLookups?.length) throw new RpcError(-32602, 'address lookup tables are not supported by this devnet');
  const sigs = Object.values(tx.signatures);
  const signature = sigs[0] ? b58.decode(sigs[0]) : null;
  return { wire: new Uint8Array(wire), tx, msg, signature, version: msg.version };
}
const slotOfBlockhash = (bh) => blockhashes.find(([h]) => h === bh)?.[1];
const blockhashValid = (bh) => { const s = slotOfBlockhash(bh); return s !== undefined && slot - s <= BLOCKHASH_SLOTS; };
const runner = () => svm.inner;

function simulate(d) {
  const res = d.version === 'legacy' ? runner().simulateLegacyTransaction(d.wire) : runner().simulateVersionedTransaction(d.wire);
  const failed = typeof res.err === 'function';
  const meta = failed ? res.meta() : res.meta();
  return { err: failed ? rpcErr(res.err()) : null, logs: meta.logs(), unitsConsumed: Number(meta.computeUnitsConsumed()) };
}

function landed(d, res, pre, post) {
  const failed = typeof res.err === 'function';
  const meta = failed ? res.meta() : res;
  const keys = d.msg.staticAccounts;
  const rec = {
    signature: d.signature, slot, blockTime: Math.floor(Date.now() / 1000), version: d.version,
    err: failed ? rpcErr(res.err()) : null,
    fee: Number(LAMPORTS_PER_SIGNATURE) * d.msg.header.numSignerAccounts,
    logs: meta.logs(), cu: Number(meta.computeUnitsConsumed()), pre, post, accountKeys: keys,
    signatures: Object.values(d.tx.signatures).map((s) => (s ? b58.decode(s) : null)),
    header: { numRequiredSignatures: d.msg.header.numSignerAccounts, numReadonlySignedAccounts: d.msg.header.numReadonlySignerAccounts,
      numReadonlyUnsignedAccounts: d.msg.header.numReadonlyNonSignerAccounts },
    recentBlockhash: d.msg.lifetimeToken,
    instructions: d.msg.instructions.map((i) => ({ programIdIndex: i.programAddressIndex, accounts: i.accountIndices ?? [],
      data: b58.decode(i.data ?? new Uint8Array()), stackHeight: null })),
    innerInstructions: (meta.innerInstructions?.() ?? []).map((list, index) => ({ index, instructions: list.map((ii) => {
      const c = ii.instruction();
      return { programIdIndex: c.programIdIndex(), accounts: [...c.accounts()], data: b58.decode(c.data()), stackHeight: ii.stackHeight() };
    }) })).filter((x) => x.instructions.length),
  };
  index(rec);
  pending.push(rec);
  dirty = true;
  return rec;
}

// Executes a transaction; it lands (fee charged, in the history) if it got as far as running its
// instructions, as on the cluster; anything earlier (signatures, blockhash, fee payer) is refused.
function execute(d, { preflight = true } = {}) {
  if (!d.signature) throw new RpcError(-32003, 'Transaction signature verification failure');
  if (records.has(d.signature)) throw new RpcError(-32002, 'Transaction simulation failed: This transaction has already been processed', { err: 'AlreadyProcessed', logs: [] });
  if (!blockhashValid(d.msg.lifetimeToken)) throw new RpcError(-32002, 'Transaction simulation failed: Blockhash not found', { err: 'BlockhashNotFound', logs: [] });
  if (preflight) {
    const sim = simulate(d);
    if (sim.err) {
      const e = sim.err;
      const what = e.InstructionError ? `Error processing Instruction ${e.InstructionError[0]}: ${errText(e.InstructionError[1])}` : errText(e);
      throw new RpcError(-32002, `Transaction simulation failed: ${what}`, { err: e, logs: sim.logs, accounts: null, unitsConsumed: sim.unitsConsumed, returnData: null });
    }
  }
  const keys = d.msg.staticAccounts;
  const pre = keys.map((k) => Number(svm.getBalance(k) ?? 0n));
  const res = d.version === 'legacy' ? runner().sendLegacyTransaction(d.wire) : runner().sendVersionedTransaction(d.wire);
  const post = keys.map((k) => Number(svm.getBalance(k) ?? 0n));
  if (typeof res.err === 'function') {
    const e = rpcErr(res.err());
    const ran = e?.InstructionError || e?.InsufficientFundsForRent || post[0] !== pre[0];
    if (!ran) throw new RpcError(e === 'SignatureFailure' ? -32003 : -32002, `Transaction failed: ${errText(e)}`, { err: e, logs: res.meta().logs() });
  }
  return landed(d, res, pre, post);
}

async function sendInstructions(payer, instructions) {
  const msg = pipe(createTransactionMessage({ version: 'legacy' }), (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: svm.latestBlockhash(), lastValidBlockHeight: BigInt(slot + BLOCKHASH_SLOTS) }, m),
    (m) => appendTransactionMessageInstructions(instructions, m));
  const tx = await signTransactionMessageWithSigners(msg);
  const wire = txEncoder.encode(tx);
  const d = decodeWire(b64(wire), 'base64');
  const rec = execute(d, { preflight: false });
  if (rec.err) throw new Error(`devnet setup transaction failed: ${errText(rec.err)}\n${rec.logs.join('\n')}`);
  return rec;
}

async function airdrop(to, amount) {
  const d = new Uint8Array(12); const v = new DataView(d.buffer);
  v.setUint32(0, 2, true); v.setBigUint64(4, BigInt(amount), true);
  return (await sendInstructions(K.faucet, [{ programAddress: rp.SYSTEM_PROGRAM, accounts: [
    { address: K.faucet.address, role: AccountRole.WRITABLE_SIGNER, signer: K.faucet }, { address: to, role: AccountRole.WRITABLE }], data: d }])).signature;
}

if (genesis) {
  // the test stablecoin: an SPL Token mint (6 decimals) whose mint authority key is in keys/
  const space = 82n, rent = svm.minimumBalanceForRentExemption(space);
  const create = new Uint8Array(52); const cv = new DataView(create.buffer);
  cv.setUint32(0, 0, true); cv.setBigUint64(4, rent, true); cv.setBigUint64(12, space, true); create.set(rp.keyBytes(TOKEN_PROGRAM), 20);
  const init = new Uint8Array(35); init[0] = 20; init[1] = 6; init.set(rp.keyBytes(K['mint-authority'].address), 2); // InitializeMint2, no freeze authority
  await sendInstructions(K.admin, [
    { programAddress: rp.SYSTEM_PROGRAM, accounts: [{ address: K.admin.address, role: AccountRole.WRITABLE_SIGNER, signer: K.admin },
      { address: K.mint.address, role: AccountRole.WRITABLE_SIGNER, signer: K.mint }], data: create },
    { programAddress: TOKEN_PROGRAM, accounts: [{ address: K.mint.address, role: AccountRole.WRITABLE }], data: init },
  ]);
  await sendInstructions(K.admin, [ix.initialize(K.admin, { operator: K.operator.address, treasury: K.treasury.address,
    feeBps: Number(opt['fee-bps']), graceSeconds: Number(opt.grace), unstakeDelaySeconds: Number(opt['unstake-delay']) })]);
  save();
  log(`genesis: program ${programId} deployed and initialized at slot ${slot}`);
}
const config = rp.decodeConfig(svm.getAccount(ix.config).data);

// ---- RPC methods -----------------------------------------------------------------------------------
const COMMITMENT_LAG = { processed: 0, confirmed: 1, finalized: FINALIZE };
const lagOf = (cfg) => COMMITMENT_LAG[cfg?.commitment ?? 'finalized'] ?? FINALIZE;
const ctx = (value) => ({ context: { slot, apiVersion: '2.2.0' }, value });
const statusOf = (rec) => {
  const age = slot - rec.slot;
  return age >= FINALIZE ? 'finalized' : age >= 1 ? 'confirmed' : 'processed';
};
const reached = (rec, cfg) => slot - rec.slot >= Math.max(1, lagOf(cfg)); // getTransaction & co: confirmed at least
function accountJson(acc, cfg = {}) {
  const data = acc.data;
  const enc = cfg.encoding ?? 'base64';
  let d = data;
  if (cfg.dataSlice) d = data.subarray(cfg.dataSlice.offset, cfg.dataSlice.offset + cfg.dataSlice.length);
  return { data: enc === 'base58' ? b58.decode(d) : [b64(d), 'base64'], executable: acc.executable, lamports: BigInt(acc.lamports),
    owner: acc.programAddress, rentEpoch: 18446744073709551615n, space: data.length };
}
function matches(acc, filters = []) {
  for (const f of filters) {
    if (f.dataSize !== undefined && acc.data.length !== f.dataSize) return false;
    if (f.memcmp) {
      const want = f.memcmp.encoding === 'base64' ? Buffer.from(f.memcmp.bytes, 'base64') : Buffer.from(fromB58.encode(f.memcmp.bytes));
      const got = Buffer.from(acc.data.subarray(f.memcmp.offset, f.memcmp.offset + want.length));
      if (!got.equals(want)) return false;
    }
  }
  return true;
}
function txJson(rec) {
  const status = rec.err ? { Err: rec.err } : { Ok: null };
  return {
    slot: rec.slot, blockTime: rec.blockTime, version: rec.version === 'legacy' ? 'legacy' : rec.version,
    meta: { err: rec.err, status, fee: rec.fee, preBalances: rec.pre, postBalances: rec.post, innerInstructions: rec.innerInstructions,
      logMessages: rec.logs, preTokenBalances: [], postTokenBalances: [], rewards: [], loadedAddresses: { writable: [], readonly: [] },
      computeUnitsConsumed: rec.cu },
    transaction: { signatures: rec.signatures, message: { accountKeys: rec.accountKeys, header: rec.header,
      recentBlockhash: rec.recentBlockhash, instructions: rec.instructions } },
  };
}
const blockhashAt = (lag) => {
  const want = slot - lag;
  let best = blockhashes[0];
  for (const b of blockhashes) if (b[1] <= want) best = b;
  return best;
};

const methods = {
  getHealth: () => 'ok',
  getVersion: () => ({ 'solana-core': '2.2.0-respool-litesvm', 'feature-set': 0 }),
  getGenesisHash: () => blockhashes[0][0],
  getIdentity: () => ({ identity: K.faucet.address }),
  getSlot: ([cfg] = []) => Math.max(0, slot - lagOf(cfg)),
  getBlockHeight: ([cfg] = []) => Math.max(0, slot - lagOf(cfg)),
  getTransactionCount: () => txCount,
  getEpochInfo: ([cfg] = []) => {
    const s = Math.max(0, slot - lagOf(cfg)), per = 432_000;
    return { absoluteSlot: s, blockHeight: s, epoch: Math.floor(s / per), slotIndex: s % per, slotsInEpoch: per, transactionCount: txCount };
  },
  getLatestBlockhash: ([cfg] = []) => { const [h, s] = blockhashAt(lagOf(cfg)); return ctx({ blockhash: h, lastValidBlockHeight: s + BLOCKHASH_SLOTS }); },
  getRecentBlockhash: () => { const [h] = blockhashAt(0); return ctx({ blockhash: h, feeCalculator: { lamportsPerSignature: Number(LAMPORTS_PER_SIGNATURE) } }); },
  isBlockhashValid: ([bh]) => ctx(blockhashValid(bh)),
  getFeeForMessage: ([m]) => {
    try { return ctx(Number(LAMPORTS_PER_SIGNATURE) * msgDecoder.decode(Buffer.from(m, 'base64')).header.numSignerAccounts); } catch { return ctx(null); }
  },
  getMinimumBalanceForRentExemption: ([len]) => svm.minimumBalanceForRentExemption(BigInt(len ?? 0)),
  getBalance: ([a]) => ctx(svm.getBalance(a) ?? 0n),
  getAccountInfo: ([a, cfg]) => { const acc = svm.getAccount(a); return ctx(acc.exists ? accountJson(acc, cfg) : null); },
  getMultipleAccounts: ([as, cfg]) => ctx(as.map((a) => { const acc = svm.getAccount(a); return acc.exists ? accountJson(acc, cfg) : null; })),
  getProgramAccounts: ([p, cfg = {}]) => {
    const list = svm.getProgramAccounts(p).filter((acc) => matches(acc, cfg.filters))
      .map((acc) => ({ pubkey: acc.address, account: accountJson(acc, cfg) }));
    return cfg.withContext ? ctx(list) : list;
  },
  getTokenAccountBalance: ([a]) => {
    const acc = svm.getAccount(a);
    if (!acc.exists || acc.programAddress !== TOKEN_PROGRAM || acc.data.length !== 165) throw new RpcError(-32602, 'Invalid param: not a Token account');
    const amount = new DataView(acc.data.buffer, acc.data.byteOffset).getBigUint64(64, true);
    const mint = svm.getAccount(rp.keyOf(acc.data.subarray(0, 32)));
    const decimals = mint.exists ? mint.data[44] : 0;
    return ctx({ amount: amount.toString(), decimals, uiAmount: Number(amount) / 10 ** decimals, uiAmountString: String(Number(amount) / 10 ** decimals) });
  },
  requestAirdrop: async ([a, amount]) => airdrop(a, amount),
  sendTransaction: ([encoded, cfg = {}]) => execute(decodeWire(encoded, cfg.encoding), { preflight: !cfg.skipPreflight }).signature,
  simulateTransaction: ([encoded, cfg = {}]) => {
    const d = decodeWire(encoded, cfg.encoding);
    if (!cfg.replaceRecentBlockhash && !blockhashValid(d.msg.lifetimeToken)) return ctx({ err: 'BlockhashNotFound', logs: [], accounts: null, unitsConsumed: 0, returnData: null });
    const sim = simulate(d);
    return ctx({ err: sim.err, logs: sim.logs, accounts: null, unitsConsumed: sim.unitsConsumed, returnData: null });
  },
  getSignatureStatuses: ([sigs]) => ctx(sigs.map((s) => {
    const rec = records.get(s);
    if (!rec) return null;
    const st = statusOf(rec);
    return { slot: rec.slot, confirmations: st === 'finalized' ? null : slot - rec.slot, err: rec.err,
      status: rec.err ? { Err: rec.err } : { Ok: null }, confirmationStatus: st };
  })),
  getTransaction: ([s, cfg]) => {
    const rec = records.get(s);
    if (!rec || !reached(rec, typeof cfg === 'string' ? { commitment: cfg } : cfg)) return null;
    return txJson(rec);
  },
  getSignaturesForAddress: ([a, cfg = {}]) => {
    const all = (byAddress.get(a) ?? []).map((s) => records.get(s)).filter((r) => reached(r, cfg)).reverse();
    let start = 0;
    if (cfg.before) { const i = all.findIndex((r) => r.signature === cfg.before); start = i < 0 ? all.length : i + 1; }
    let list = all.slice(start);
    if (cfg.until) { const i = list.findIndex((r) => r.signature === cfg.until); if (i >= 0) list = list.slice(0, i); }
    return list.slice(0, Math.min(cfg.limit ?? 1000, 1000)).map((r) => ({ signature: r.signature, slot: r.slot, err: r.err, memo: null,
      blockTime: r.blockTime, confirmationStatus: statusOf(r) }));
  },
};

// ---- JSON-RPC over HTTP ---------------------------------------------------------------------------
// BigInts are written as plain JSON numbers (lamports and rentEpoch can exceed 2^53).
const stringify = (v) => JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? `__big${x}__` : x)).replace(/"__big(\d+)__"/g, '$1');
async function call(req) {
  const id = req?.id ?? null;
  if (!req || req.jsonrpc !== '2.0' || typeof req.method !== 'string') return { jsonrpc: '2.0', id, error: { code: -32600, message: 'Invalid request' } };
  const m = methods[req.method];
  if (!m) return { jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } };
  try {
    return { jsonrpc: '2.0', id, result: await m(req.params ?? []) };
  } catch (e) {
    if (e instanceof RpcError) return { jsonrpc: '2.0', id, error: { code: e.code, message: e.message, ...(e.data ? { data: e.data } : {}) } };
    return { jsonrpc: '2.0', id, error: { code: -32602, message: `Invalid params: ${e.message}` } };
  }
}
// one request at a time: litesvm is single-threaded state, and so is a slot
let chain = Promise.resolve();
const serial = (fn) => (chain = chain.then(fn, fn));

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') { res.end('ok'); return; }
  if (req.method !== 'POST') { res.writeHead(405).end(); return; }
  let body = '';
  req.on('data', (c) => { body += c; if (body.length > 5e6) req.destroy(); });
  req.on('end', () => serial(async () => {
    let parsed;
    try { parsed = JSON.parse(body); } catch {
      res.writeHead(200, { 'content-type': 'application/json' }).end(stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }));
      return;
    }
    const out = Array.isArray(parsed) ? await Promise.all(parsed.map(call)) : await call(parsed);
    res.writeHead(200, { 'content-type': 'application/json' }).end(stringify(out));
  }));
});

const timer = setInterval(() => serial(() => { newSlot(); if (dirty || slot % 25 === 0) save(); }), SLOT_MS);
function stop() {
  clearInterval(timer);
  server.close();
  serial(() => { save(); log(`stopped at slot ${slot}`); process.exit(0); });
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(Number(opt.port), '127.0.0.1', () => {
  const rpcUrl = `http://127.0.0.1:${server.address().port}`;
  const j = {
    rpcUrl, programId, configAccount: ix.config, programDataAccount: programDataOf,
    admin: K.admin.address, adminKeyFile: FILE.admin,
    operator: config.operator, operatorKeyFile: FILE.operator,
    treasury: config.treasury, treasuryKeyFile: FILE.treasury,
    mint: K.mint.address, mintDecimals: 6, mintAuthorityKeyFile: FILE['mint-authority'],
    feeBasisPoints: config.feeBps, graceSeconds: Number(config.graceSeconds), unstakeDelaySeconds: Number(config.unstakeDelaySeconds),
    commitment: 'confirmed', slotMs: SLOT_MS, finalizeSlots: FINALIZE, blockhashValiditySlots: BLOCKHASH_SLOTS,
    faucet: 'requestAirdrop', stateDir: STATE, pid: process.pid,
  };
  fs.writeFileSync(opt.json + '.tmp', JSON.stringify(j, null, 2) + '\n');
  fs.renameSync(opt.json + '.tmp', opt.json);
  log(`listening on ${rpcUrl}, program ${programId}, slot ${slot}`);
});
