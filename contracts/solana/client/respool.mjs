// JS client of the respool_escrow program: PDAs, instruction encoders, account decoders and the
// event parser. The tests and the devnet use it; the Java adapter mirrors it (README.md has the
// same layouts as tables). Depends only on @solana/kit (for base58 and PDA derivation).
import {
  AccountRole, address, getAddressDecoder, getAddressEncoder, getProgramDerivedAddress,
} from '@solana/kit';

export const SYSTEM_PROGRAM = address('11111111111111111111111111111111');
export const LOADER_UPGRADEABLE = address('BPFLoaderUpgradeab1e11111111111111111111111');
export const TOKEN_PROGRAM = address('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
export const ATA_PROGRAM = address('ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL');

const enc = getAddressEncoder();
const dec = getAddressDecoder();
export const keyBytes = (a) => enc.encode(a);
export const keyOf = (bytes) => dec.decode(bytes);

export const IX = {
  initialize: 0, setOperator: 1, open: 2, topUp: 3, settle: 4, settleMany: 5, reclaim: 6,
  stake: 7, requestUnstake: 8, cancelUnstake: 9, unstake: 10, slash: 11, claim: 12,
  openToken: 13, settleToken: 14, reclaimToken: 15, proposeAdmin: 16, acceptAdmin: 17, topUpToken: 18,
};

export const ERRORS = {
  1: 'InvalidInstruction', 2: 'InvalidDataLength', 3: 'AccountCount', 4: 'NotSigner', 5: 'NotWritable',
  6: 'WrongOwner', 7: 'WrongAddress', 8: 'WrongKind', 9: 'AlreadyInitialized', 10: 'NotUpgradeAuthority',
  11: 'NotAdmin', 12: 'NotOperator', 13: 'ZeroAmount', 14: 'InvalidHost', 15: 'ExpiryNotInFuture',
  16: 'RentalExists', 17: 'NotRenter', 18: 'UsedExceedsDeposit', 19: 'ReclaimTooEarly',
  20: 'ExpiryNotExtended', 21: 'Overflow', 22: 'FeeTooHigh', 23: 'GraceTooLong', 24: 'DelayTooLong',
  25: 'WrongHost', 26: 'WrongTreasury', 27: 'WrongRenter', 28: 'NoStake', 29: 'UnstakePending',
  30: 'NoUnstakeRequested', 31: 'UnstakeTooEarly', 32: 'SlashExceedsStake', 33: 'NothingToClaim',
  34: 'UnsupportedRent', 35: 'WrongMint', 36: 'TooManyAccounts', 37: 'ZeroAddress', 38: 'WrongTokenAccount', 39: 'NoEscrow',
  40: 'NotProposedAdmin',
};
export const ERROR_CODE = Object.fromEntries(Object.entries(ERRORS).map(([k, v]) => [v, Number(k)]));

export const CONFIG_SIZE = 120;
export const CONFIG_SIZE_V2 = 152; // after the first propose_admin: + pending_admin[32]
export const TOKEN_ACCOUNT_SIZE = 165;
export const ESCROW_SIZE = 152;
export const HOST_STAKE_SIZE = 56;

// ---- PDAs ---------------------------------------------------------------------------------------
const ascii = (s) => new TextEncoder().encode(s);
export async function configPda(programId) {
  return getProgramDerivedAddress({ programAddress: programId, seeds: [ascii('config')] });
}
export async function escrowPda(programId, renter, rentalId) {
  return getProgramDerivedAddress({ programAddress: programId, seeds: [ascii('rental'), keyBytes(renter), rentalId] });
}
export async function vaultPda(programId, escrow) {
  return getProgramDerivedAddress({ programAddress: programId, seeds: [ascii('vault'), keyBytes(escrow)] });
}
// The associated token account of `owner` for `mint` (what wallets hold tokens in).
export async function associatedTokenAddress(owner, mint) {
  return (await getProgramDerivedAddress({ programAddress: ATA_PROGRAM, seeds: [keyBytes(owner), keyBytes(TOKEN_PROGRAM), keyBytes(mint)] }))[0];
}
export async function hostStakePda(programId, host) {
  return getProgramDerivedAddress({ programAddress: programId, seeds: [ascii('host'), keyBytes(host)] });
}
export async function programDataAddress(programId) {
  return (await getProgramDerivedAddress({ programAddress: LOADER_UPGRADEABLE, seeds: [keyBytes(programId)] }))[0];
}

// ---- instruction data ---------------------------------------------------------------------------
class W {
  constructor(n) { this.b = new Uint8Array(n); this.v = new DataView(this.b.buffer); this.o = 0; }
  u8(x) { this.v.setUint8(this.o, x); this.o += 1; return this; }
  u16(x) { this.v.setUint16(this.o, x, true); this.o += 2; return this; }
  u64(x) { this.v.setBigUint64(this.o, BigInt(x), true); this.o += 8; return this; }
  i64(x) { this.v.setBigInt64(this.o, BigInt(x), true); this.o += 8; return this; }
  bytes(x) { if (x.length !== 32) throw new Error('32 bytes expected'); this.b.set(x, this.o); this.o += 32; return this; }
  key(a) { return this.bytes(keyBytes(a)); }
  done() { if (this.o !== this.b.length) throw new Error('encoding length'); return this.b; }
}
export const data = {
  initialize: ({ operator, treasury, feeBps, graceSeconds, unstakeDelaySeconds }) =>
    new W(83).u8(IX.initialize).key(operator).key(treasury).u16(feeBps).u64(graceSeconds).u64(unstakeDelaySeconds).done(),
  setOperator: (operator) => new W(33).u8(IX.setOperator).key(operator).done(),
  open: ({ rentalId, host, amount, expiresAt }) => new W(81).u8(IX.open).bytes(rentalId).key(host).u64(amount).i64(expiresAt).done(),
  topUp: ({ amount, newExpiresAt }) => new W(17).u8(IX.topUp).u64(amount).i64(newExpiresAt).done(),
  settle: (used) => new W(9).u8(IX.settle).u64(used).done(),
  settleMany: (used) => { const w = new W(2 + 8 * used.length).u8(IX.settleMany).u8(used.length); used.forEach((u) => w.u64(u)); return w.done(); },
  reclaim: () => new Uint8Array([IX.reclaim]),
  stake: (amount) => new W(9).u8(IX.stake).u64(amount).done(),
  requestUnstake: () => new Uint8Array([IX.requestUnstake]),
  cancelUnstake: () => new Uint8Array([IX.cancelUnstake]),
  unstake: () => new Uint8Array([IX.unstake]),
  slash: (amount, reason) => new W(41).u8(IX.slash).u64(amount).bytes(reason).done(),
  claim: () => new Uint8Array([IX.claim]),
  openToken: ({ rentalId, host, amount, expiresAt }) => new W(81).u8(IX.openToken).bytes(rentalId).key(host).u64(amount).i64(expiresAt).done(),
  settleToken: (used) => new W(9).u8(IX.settleToken).u64(used).done(),
  reclaimToken: () => new Uint8Array([IX.reclaimToken]),
  topUpToken: ({ amount, newExpiresAt }) => new W(17).u8(IX.topUpToken).u64(amount).i64(newExpiresAt).done(),
  proposeAdmin: (admin) => new W(33).u8(IX.proposeAdmin).key(admin).done(),
  acceptAdmin: () => new Uint8Array([IX.acceptAdmin]),
};

// ---- instructions (kit shape: { programAddress, accounts: [{ address, role, signer? }], data }) ---
// A signer may be given as a kit signer (then it signs) or as a bare address (then the transaction
// must be signed by it some other way — or, in the tests, not at all).
const addr = (x) => (typeof x === 'string' ? x : x.address);
const acct = (x, role) => (typeof x === 'string' || !(role & 2) ? { address: addr(x), role } : { address: x.address, role, signer: x });
const R = AccountRole;

export async function instructions(programId) {
  const [config] = await configPda(programId);
  const programData = await programDataAddress(programId);
  const ix = (accounts, d) => ({ programAddress: programId, accounts, data: d });
  return {
    config,
    programData,
    initialize: (admin, args) => ix([acct(admin, R.WRITABLE_SIGNER), acct(config, R.WRITABLE),
      acct(programData, R.READONLY), acct(SYSTEM_PROGRAM, R.READONLY)], data.initialize(args)),
    setOperator: (admin, operator) => ix([acct(admin, R.READONLY_SIGNER), acct(config, R.WRITABLE)], data.setOperator(operator)),
    open: async (renter, { rentalId, host, amount, expiresAt }) => {
      const [escrow] = await escrowPda(programId, addr(renter), rentalId);
      return ix([acct(renter, R.WRITABLE_SIGNER), acct(escrow, R.WRITABLE), acct(config, R.READONLY),
        acct(SYSTEM_PROGRAM, R.READONLY)], data.open({ rentalId, host, amount, expiresAt }));
    },
    topUp: (renter, escrow, amount, newExpiresAt) => ix([acct(renter, R.WRITABLE_SIGNER), acct(escrow, R.WRITABLE),
      acct(SYSTEM_PROGRAM, R.READONLY)], data.topUp({ amount, newExpiresAt })),
    settle: (operator, { escrow, host, treasury, renter, used }) => ix([acct(operator, R.READONLY_SIGNER),
      acct(config, R.READONLY), acct(escrow, R.WRITABLE), acct(host, R.WRITABLE), acct(treasury, R.WRITABLE),
      acct(renter, R.WRITABLE)], data.settle(used)),
    settleMany: (operator, treasury, items) => ix([acct(operator, R.READONLY_SIGNER), acct(config, R.READONLY),
      acct(treasury, R.WRITABLE), ...items.flatMap((i) => [acct(i.escrow, R.WRITABLE), acct(i.host, R.WRITABLE),
        acct(i.renter, R.WRITABLE)])], data.settleMany(items.map((i) => i.used))),
    reclaim: (renter, escrow) => ix([acct(renter, R.WRITABLE_SIGNER), acct(escrow, R.WRITABLE), acct(config, R.READONLY)], data.reclaim()),
    stake: async (host, amount) => {
      const [hs] = await hostStakePda(programId, addr(host));
      return ix([acct(host, R.WRITABLE_SIGNER), acct(hs, R.WRITABLE), acct(SYSTEM_PROGRAM, R.READONLY)], data.stake(amount));
    },
    requestUnstake: async (host) => ix([acct(host, R.READONLY_SIGNER), acct((await hostStakePda(programId, addr(host)))[0], R.WRITABLE),
      acct(config, R.READONLY)], data.requestUnstake()),
    cancelUnstake: async (host) => ix([acct(host, R.READONLY_SIGNER), acct((await hostStakePda(programId, addr(host)))[0], R.WRITABLE)], data.cancelUnstake()),
    unstake: async (host) => ix([acct(host, R.WRITABLE_SIGNER), acct((await hostStakePda(programId, addr(host)))[0], R.WRITABLE)], data.unstake()),
    slash: async (operator, host, treasury, amount, reason) => ix([acct(operator, R.READONLY_SIGNER), acct(config, R.READONLY),
      acct((await hostStakePda(programId, addr(host)))[0], R.WRITABLE), acct(treasury, R.WRITABLE)], data.slash(amount, reason)),
    claim: async (host) => ix([acct(host, R.WRITABLE_SIGNER), acct((await hostStakePda(programId, addr(host)))[0], R.WRITABLE)], data.claim()),
    proposeAdmin: (admin, next) => ix([acct(admin, R.WRITABLE_SIGNER), acct(config, R.WRITABLE), acct(SYSTEM_PROGRAM, R.READONLY)],
      data.proposeAdmin(next)),
    acceptAdmin: (next) => ix([acct(next, R.READONLY_SIGNER), acct(config, R.WRITABLE)], data.acceptAdmin()),
    // token escrows: `from` is the renter's token account of `mint` (default: its associated one)
    openToken: async (renter, { rentalId, host, amount, expiresAt, mint, from }) => {
      const [escrow] = await escrowPda(programId, addr(renter), rentalId);
      const [vault] = await vaultPda(programId, escrow);
      from = from ?? await associatedTokenAddress(addr(renter), mint);
      return ix([acct(renter, R.WRITABLE_SIGNER), acct(escrow, R.WRITABLE), acct(config, R.READONLY), acct(vault, R.WRITABLE),
        acct(mint, R.READONLY), acct(from, R.WRITABLE), acct(TOKEN_PROGRAM, R.READONLY), acct(SYSTEM_PROGRAM, R.READONLY)],
      data.openToken({ rentalId, host, amount, expiresAt }));
    },
    settleToken: async (operator, { escrow, vault, hostToken, treasuryToken, renterToken, renter, used }) => ix([
      acct(operator, R.READONLY_SIGNER), acct(config, R.READONLY), acct(escrow, R.WRITABLE),
      acct(vault ?? (await vaultPda(programId, escrow))[0], R.WRITABLE), acct(hostToken, R.WRITABLE), acct(treasuryToken, R.WRITABLE),
      acct(renterToken, R.WRITABLE), acct(renter, R.WRITABLE), acct(TOKEN_PROGRAM, R.READONLY)], data.settleToken(used)),
    topUpToken: async (renter, { escrow, vault, renterToken, amount, newExpiresAt }) => ix([acct(renter, R.READONLY_SIGNER),
      acct(escrow, R.WRITABLE), acct(vault ?? (await vaultPda(programId, escrow))[0], R.WRITABLE), acct(renterToken, R.WRITABLE),
      acct(TOKEN_PROGRAM, R.READONLY)], data.topUpToken({ amount, newExpiresAt })),
    reclaimToken: async (renter, { escrow, vault, renterToken }) => ix([acct(renter, R.WRITABLE_SIGNER), acct(escrow, R.WRITABLE),
      acct(config, R.READONLY), acct(vault ?? (await vaultPda(programId, escrow))[0], R.WRITABLE), acct(renterToken, R.WRITABLE),
      acct(TOKEN_PROGRAM, R.READONLY)], data.reclaimToken()),
  };
}

// ---- SPL Token helpers (tests and the devnet's faucet) ---------------------------------------------
// Token program instructions encoded by hand (a handful of bytes each; no extra package needed).
export const token = {
  // InitializeAccount3 { owner } (18): [account W, mint]
  initializeAccount: (account, mint, owner) => ({ programAddress: TOKEN_PROGRAM, accounts: [acct(account, R.WRITABLE), acct(mint, R.READONLY)],
    data: new W(33).u8(18).key(owner).done() }),
  // MintTo { amount } (7): [mint W, account W, mint authority S]
  mintTo: (mint, account, authority, amount) => ({ programAddress: TOKEN_PROGRAM, accounts: [acct(mint, R.WRITABLE), acct(account, R.WRITABLE),
    acct(authority, R.READONLY_SIGNER)], data: new W(9).u8(7).u64(amount).done() }),
  // Transfer { amount } (3): [source W, destination W, authority S]
  transfer: (from, to, authority, amount) => ({ programAddress: TOKEN_PROGRAM, accounts: [acct(from, R.WRITABLE), acct(to, R.WRITABLE),
    acct(authority, R.READONLY_SIGNER)], data: new W(9).u8(3).u64(amount).done() }),
  // ATA program CreateIdempotent (1): [payer S W, ata W, owner, mint, system program, token program]
  createAta: async (payer, owner, mint) => ({ programAddress: ATA_PROGRAM, accounts: [acct(payer, R.WRITABLE_SIGNER),
    acct(await associatedTokenAddress(addr(owner), mint), R.WRITABLE), acct(addr(owner), R.READONLY), acct(mint, R.READONLY),
    acct(SYSTEM_PROGRAM, R.READONLY), acct(TOKEN_PROGRAM, R.READONLY)], data: new Uint8Array([1]) }),
};
// amount of a token account's data (165 bytes), or null
export function tokenAmount(d) { return d && d.length === TOKEN_ACCOUNT_SIZE ? view(d).getBigUint64(64, true) : null; }

// ---- account decoders ---------------------------------------------------------------------------
const view = (d) => new DataView(d.buffer, d.byteOffset, d.byteLength);
export function decodeConfig(d) {
  if ((d.length !== CONFIG_SIZE && d.length !== CONFIG_SIZE_V2) || d[0] !== 1) return null;
  const v = view(d);
  return {
    bump: d[1], feeBps: v.getUint16(2, true), graceSeconds: v.getBigUint64(8, true), unstakeDelaySeconds: v.getBigUint64(16, true),
    admin: keyOf(d.subarray(24, 56)), operator: keyOf(d.subarray(56, 88)), treasury: keyOf(d.subarray(88, 120)),
    ...(d.length === CONFIG_SIZE_V2 && d.subarray(120, 152).some((x) => x) ? { pendingAdmin: keyOf(d.subarray(120, 152)) } : {}),
  };
}
export function decodeEscrow(d) {
  if (d.length !== ESCROW_SIZE || d[0] !== 2) return null;
  const v = view(d);
  return {
    bump: d[1], feeBps: v.getUint16(2, true), status: d[4], vaultBump: d[5], rentalId: d.slice(8, 40),
    renter: keyOf(d.subarray(40, 72)), host: keyOf(d.subarray(72, 104)), mint: keyOf(d.subarray(104, 136)),
    deposit: v.getBigUint64(136, true), expiresAt: v.getBigInt64(144, true),
  };
}
export function decodeHostStake(d) {
  if (d.length !== HOST_STAKE_SIZE || d[0] !== 3) return null;
  const v = view(d);
  return { bump: d[1], host: keyOf(d.subarray(8, 40)), staked: v.getBigUint64(40, true), unlockAt: v.getBigInt64(48, true) };
}

// ---- events -------------------------------------------------------------------------------------
// Events are `Program data: <base64 name> <base64 payload>` lines. Only lines logged while this
// program is the innermost running program count: another program can log look-alike lines.
const EVENTS = {
  Initialized: (p, v) => ({ admin: keyOf(p.subarray(0, 32)), operator: keyOf(p.subarray(32, 64)), treasury: keyOf(p.subarray(64, 96)),
    feeBps: v.getUint16(96, true), graceSeconds: v.getBigUint64(98, true), unstakeDelaySeconds: v.getBigUint64(106, true) }),
  OperatorChanged: (p) => ({ previous: keyOf(p.subarray(0, 32)), operator: keyOf(p.subarray(32, 64)) }),
  Opened: (p, v) => ({ rentalId: p.slice(0, 32), renter: keyOf(p.subarray(32, 64)), host: keyOf(p.subarray(64, 96)),
    mint: keyOf(p.subarray(96, 128)), amount: v.getBigUint64(128, true), expiresAt: v.getBigInt64(136, true), feeBps: v.getUint16(144, true) }),
  ToppedUp: (p, v) => ({ rentalId: p.slice(0, 32), renter: keyOf(p.subarray(32, 64)), amount: v.getBigUint64(64, true),
    deposit: v.getBigUint64(72, true), expiresAt: v.getBigInt64(80, true) }),
  Settled: (p, v) => ({ rentalId: p.slice(0, 32), renter: keyOf(p.subarray(32, 64)), host: keyOf(p.subarray(64, 96)),
    hostAmount: v.getBigUint64(96, true), fee: v.getBigUint64(104, true), refund: v.getBigUint64(112, true) }),
  SettleSkipped: (p) => ({ escrow: keyOf(p.subarray(0, 32)) }),
  Reclaimed: (p, v) => ({ rentalId: p.slice(0, 32), renter: keyOf(p.subarray(32, 64)), amount: v.getBigUint64(64, true) }),
  HostStaked: (p, v) => ({ host: keyOf(p.subarray(0, 32)), amount: v.getBigUint64(32, true), total: v.getBigUint64(40, true) }),
  UnstakeRequested: (p, v) => ({ host: keyOf(p.subarray(0, 32)), amount: v.getBigUint64(32, true), unlockAt: v.getBigInt64(40, true) }),
  UnstakeCancelled: (p) => ({ host: keyOf(p.subarray(0, 32)) }),
  HostUnstaked: (p, v) => ({ host: keyOf(p.subarray(0, 32)), amount: v.getBigUint64(32, true), paid: v.getBigUint64(40, true) }),
  HostSlashed: (p, v) => ({ host: keyOf(p.subarray(0, 32)), amount: v.getBigUint64(32, true), reason: p.slice(40, 72),
    remaining: v.getBigUint64(72, true) }),
  HostClaimed: (p, v) => ({ host: keyOf(p.subarray(0, 32)), amount: v.getBigUint64(32, true) }),
  AdminProposed: (p) => ({ admin: keyOf(p.subarray(0, 32)), proposed: keyOf(p.subarray(32, 64)) }),
  AdminChanged: (p) => ({ previous: keyOf(p.subarray(0, 32)), admin: keyOf(p.subarray(32, 64)) }),
};
export const EVENT_SIZES = {
  Initialized: 114, OperatorChanged: 64, Opened: 146, ToppedUp: 88, Settled: 120, SettleSkipped: 32, Reclaimed: 72,
  HostStaked: 48, UnstakeRequested: 48, UnstakeCancelled: 32, HostUnstaked: 48, HostSlashed: 80, HostClaimed: 40,
  AdminProposed: 64, AdminChanged: 64,
};

export function parseEvents(logs, programId) {
  const stack = [], out = [];
  for (const line of logs) {
    let m;
    if ((m = /^Program (\S+) invoke \[\d+\]$/.exec(line))) stack.push(m[1]);
    else if ((m = /^Program (\S+) (success|failed: .*)$/.exec(line))) stack.pop();
    else if (line.startsWith('Program data: ') && stack[stack.length - 1] === programId) {
      const [n, p] = line.slice(14).split(' ').map((x) => Buffer.from(x, 'base64'));
      const name = n.toString('latin1');
      if (!EVENTS[name] || !p || p.length !== EVENT_SIZES[name]) continue;
      out.push({ name, ...EVENTS[name](new Uint8Array(p), new DataView(p.buffer, p.byteOffset, p.byteLength)) });
    }
  }
  return out;
}
