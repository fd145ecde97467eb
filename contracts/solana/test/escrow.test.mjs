// Rentals: initialize/set_operator, open, top_up, settle, settle_many, reclaim — happy paths with
// exact lamports (money conserved among the parties in every test) and the attacks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AccountRole } from '@solana/kit';
import { Env, SOL, T0, conserved, recordCu, rentalId, rentalIdWithBump, rp } from './harness.mjs';

const U64_MAX = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;
const ESCROW_RENT = 1_948_800n; // (128 + 152) * 6960: litesvm's rent (1.0 threshold)

// A fresh env with a renter, a host (funded: a payee must be rent exempt) and one open rental.
async function withRental({ amount = 2n * SOL, expiresIn = 3600n, id = 1, feeBps } = {}) {
  const env = await Env.create(feeBps === undefined ? {} : { feeBps });
  const renter = await env.wallet();
  const host = await env.wallet(1n);
  const rid = rentalId(id);
  const opened = env.ok(await env.send([await env.ix.open(renter, { rentalId: rid, host: host.address, amount, expiresAt: T0 + expiresIn })]));
  const escrow = await env.escrowOf(renter.address, rid);
  return { env, renter, host, rid, escrow, opened, amount, expiresAt: T0 + expiresIn };
}
const settleIx = (t, used, over = {}) => t.env.ix.settle(over.operator ?? t.env.operator, {
  escrow: over.escrow ?? t.escrow, host: over.host ?? t.host.address, treasury: over.treasury ?? t.env.treasury.address,
  renter: over.renter ?? t.renter.address, used,
});
const parties = (t, ...more) => [t.renter.address, t.host.address, t.env.treasury.address, t.escrow, ...more];
// Replaces the role of account `i` of an instruction (e.g. to drop a signer flag).
const withRole = (ix, i, role) => ({ ...ix, accounts: ix.accounts.map((a, k) => (k === i ? { address: a.address, role } : a)) });
const withData = (ix, data) => ({ ...ix, data });

describe('initialize and set_operator', () => {
  it('initializes the config once, signed by the upgrade authority', async () => {
    const env = await Env.create({ init: false });
    const r = env.ok(await env.send([env.ix.initialize(env.admin, env.params)]));
    recordCu('initialize', r);
    const cfg = rp.decodeConfig(env.account(env.ix.config).data);
    assert.deepEqual(cfg, { bump: cfg.bump, feeBps: 250, graceSeconds: 3600n, unstakeDelaySeconds: 86_400n,
      admin: env.admin.address, operator: env.operator.address, treasury: env.treasury.address });
    assert.equal(env.account(env.ix.config).programAddress, env.programId);
    assert.equal(env.balance(env.ix.config), env.rentExempt(rp.CONFIG_SIZE));
    assert.deepEqual(r.events.map((e) => e.name), ['Initialized']);
    assert.equal(r.events[0].operator, env.operator.address);
    env.fails(await env.send([env.ix.initialize(env.admin, env.params)]), 'AlreadyInitialized');
  });

  it('refuses anyone but the upgrade authority, a fake program data account, bad parameters', async () => {
    const env = await Env.create({ init: false });
    const mallory = await env.wallet();
    env.fails(await env.send([env.ix.initialize(mallory, { ...env.params, operator: mallory.address })]), 'NotUpgradeAuthority');
    // a look-alike ProgramData at another address, naming mallory
    const fake = (await env.key()).address;
    const pd = env.account(env.ix.programData);
    const d = new Uint8Array(pd.data); d.set(rp.keyBytes(mallory.address), 13);
    env.svm.setAccount({ ...pd, address: fake, data: d });
    const ix = env.ix.initialize(mallory, env.params);
    ix.accounts[2] = { address: fake, role: AccountRole.READONLY };
    env.fails(await env.send([ix]), 'WrongAddress');
    env.fails(await env.send([env.ix.initialize(env.admin, { ...env.params, feeBps: 1001 })]), 'FeeTooHigh');
    env.fails(await env.send([env.ix.initialize(env.admin, { ...env.params, graceSeconds: 30 * 86_400 + 1 })]), 'GraceTooLong');
    env.fails(await env.send([env.ix.initialize(env.admin, { ...env.params, unstakeDelaySeconds: 90 * 86_400 + 1 })]), 'DelayTooLong');
    env.fails(await env.send([env.ix.initialize(env.admin, { ...env.params, treasury: rp.SYSTEM_PROGRAM })]), 'ZeroAddress');
    env.fails(await env.send([withRole(env.ix.initialize(env.admin, env.params), 0, AccountRole.WRITABLE)]), 'NotSigner');
    assert.equal(env.account(env.ix.config), null);
  });

  it('initializes even if someone pre-funded the config address', async () => {
    const env = await Env.create({ init: false });
    env.airdrop(env.ix.config, 1_000_000n);
    env.ok(await env.send([env.ix.initialize(env.admin, env.params)]));
    assert.equal(rp.decodeConfig(env.account(env.ix.config).data).operator, env.operator.address);
  });

  it('lets only the admin replace the operator; the old operator can no longer settle', async () => {
    const t = await withRental();
    const { env } = t;
    const next = await env.wallet(1n);
    env.fails(await env.send([env.ix.setOperator(env.operator, env.operator.address)]), 'NotAdmin');
    env.fails(await env.send([withRole(env.ix.setOperator(env.admin, next.address), 0, AccountRole.READONLY)]), 'NotSigner');
    const r = env.ok(await env.send([env.ix.setOperator(env.admin, next.address)]));
    recordCu('set_operator', r);
    assert.deepEqual(r.events.map((e) => [e.name, e.previous, e.operator]), [['OperatorChanged', env.operator.address, next.address]]);
    env.fails(await env.send([settleIx(t, 1n)]), 'NotOperator');
    env.ok(await env.send([settleIx(t, 1n, { operator: next })]));
  });
});

describe('open', () => {
  it('creates the escrow at PDA(rental, renter, id) holding deposit + rent, emits Opened', async () => {
    const env = await Env.create();
    const renter = await env.wallet(), host = await env.wallet(1n);
    const rid = await rentalIdWithBump(env.programId, renter.address, 255), escrow = await env.escrowOf(renter.address, rid);
    const before = env.balance(renter.address);
    const r = env.ok(await env.send([await env.ix.open(renter, { rentalId: rid, host: host.address, amount: 3n * SOL, expiresAt: T0 + 60n })]));
    recordCu('open (escrow bump 255)', r);
    assert.equal(env.balance(renter.address), before - 3n * SOL - ESCROW_RENT);
    assert.equal(env.balance(escrow), 3n * SOL + ESCROW_RENT);
    assert.equal(env.rentExempt(rp.ESCROW_SIZE), ESCROW_RENT);
    const acc = env.account(escrow);
    assert.equal(acc.programAddress, env.programId);
    const e = rp.decodeEscrow(acc.data);
    assert.deepEqual({ ...e, rentalId: [...e.rentalId] }, { bump: (await rp.escrowPda(env.programId, renter.address, rid))[1], feeBps: 250,
      status: 1, vaultBump: 0, rentalId: [...rid], renter: renter.address, host: host.address, mint: rp.SYSTEM_PROGRAM,
      deposit: 3n * SOL, expiresAt: T0 + 60n });
    assert.equal(r.events.length, 1);
    const ev = r.events[0];
    assert.deepEqual({ ...ev, rentalId: [...ev.rentalId] }, { name: 'Opened', rentalId: [...rid], renter: renter.address, host: host.address,
      mint: rp.SYSTEM_PROGRAM, amount: 3n * SOL, expiresAt: T0 + 60n, feeBps: 250 });
    const rid2 = await rentalIdWithBump(env.programId, renter.address, 254);
    recordCu('open (escrow bump 254)', env.ok(await env.send([await env.ix.open(renter, { rentalId: rid2, host: host.address, amount: 1n, expiresAt: T0 + 60n })])));
  });

  it('refuses a second open of the same id by the same renter; another renter has its own escrow', async () => {
    const t = await withRental();
    const { env } = t;
    env.fails(await env.send([await env.ix.open(t.renter, { rentalId: t.rid, host: t.host.address, amount: SOL, expiresAt: T0 + 60n })]), 'RentalExists');
    // a "squatter" who saw the id in flight gets a different escrow: the renter's is untouched
    const squatter = await env.wallet();
    env.ok(await env.send([await env.ix.open(squatter, { rentalId: t.rid, host: squatter.address, amount: SOL, expiresAt: T0 + 60n })]));
    assert.notEqual(await env.escrowOf(squatter.address, t.rid), t.escrow);
    assert.equal(env.escrowState(t.escrow).renter, t.renter.address);
  });

  it('opens even if someone pre-funded the escrow address to block it', async () => {
    const env = await Env.create();
    const renter = await env.wallet(), host = await env.wallet(1n), griefer = await env.wallet();
    const rid = rentalId(9), escrow = await env.escrowOf(renter.address, rid);
    env.airdrop(escrow, 5_000_000n); // more than the rent: still a system account without data
    const before = env.balance(renter.address);
    const r = env.ok(await env.send([await env.ix.open(renter, { rentalId: rid, host: host.address, amount: SOL, expiresAt: T0 + 60n })]));
    recordCu('open (address pre-funded)', r);
    assert.equal(env.balance(escrow), 5_000_000n + SOL); // the gift covers the rent; the renter pays the deposit
    assert.equal(env.balance(renter.address), before - SOL);
    assert.equal(env.escrowState(escrow).deposit, SOL);
    // at settlement the gift goes to the renter with the escrow's other lamports
    const [h0, tr0] = env.balances([host.address, env.treasury.address]);
    env.ok(await env.send([env.ix.settle(env.operator, { escrow, host: host.address, treasury: env.treasury.address, renter: renter.address, used: SOL })]));
    assert.equal(env.balance(host.address) - h0 + env.balance(env.treasury.address) - tr0, SOL);
    assert.equal(env.balance(renter.address), before - SOL + 5_000_000n);
    void griefer;
  });

  it('refuses zero amount, zero or self host, a past expiry, overflow, a wrong escrow address', async () => {
    const env = await Env.create();
    const renter = await env.wallet(), host = await env.wallet(1n);
    const rid = rentalId(3), escrow = await env.escrowOf(renter.address, rid);
    const open = (o) => env.ix.open(renter, { rentalId: rid, host: host.address, amount: SOL, expiresAt: T0 + 60n, ...o });
    env.fails(await env.send([await open({ amount: 0n })]), 'ZeroAmount');
    env.fails(await env.send([await open({ host: rp.SYSTEM_PROGRAM })]), 'InvalidHost');
    env.fails(await env.send([await open({ host: escrow })]), 'InvalidHost');
    env.fails(await env.send([await open({ expiresAt: T0 })]), 'ExpiryNotInFuture');
    env.fails(await env.send([await open({ amount: U64_MAX })]), 'Overflow'); // rent + amount
    // the escrow of another id, or of another renter
    const other = await env.escrowOf(renter.address, rentalId(4));
    const ix = await open({}); ix.accounts[1] = { address: other, role: AccountRole.WRITABLE };
    env.fails(await env.send([ix]), 'WrongAddress');
    assert.equal(env.account(escrow), null);
  });

  it('refuses a missing renter signature, a fake config, a substituted system program', async () => {
    const env = await Env.create();
    const renter = await env.wallet(), host = await env.wallet(1n), mallory = await env.wallet();
    const args = { rentalId: rentalId(5), host: host.address, amount: SOL, expiresAt: T0 + 60n };
    // renter not signing: mallory (the fee payer) would spend the renter's lamports
    env.fails(await env.send([withRole(await env.ix.open(renter.address, args), 0, AccountRole.WRITABLE)], { feePayer: mallory }), 'NotSigner');
    // a config look-alike, owned by another program, with a 0 % fee
    const cfg = env.account(env.ix.config);
    const d = new Uint8Array(cfg.data); d[2] = 0; d[3] = 0;
    const fake = (await env.key()).address;
    env.svm.setAccount({ ...cfg, address: fake, data: d, programAddress: rp.LOADER_UPGRADEABLE });
    let ix = await env.ix.open(renter, args); ix.accounts[2] = { address: fake, role: AccountRole.READONLY };
    env.fails(await env.send([ix]), 'WrongOwner');
    ix = await env.ix.open(renter, args); ix.accounts[3] = { address: mallory.address, role: AccountRole.READONLY };
    env.fails(await env.send([ix]), 'WrongAddress');
  });
});

describe('settle', () => {
  it('pays host used - fee, treasury fee, renter deposit - used + rent, closes the escrow', async () => {
    const t = await withRental({ amount: 2n * SOL });
    const { env } = t;
    const [r0, h0, tr0] = env.balances([t.renter.address, t.host.address, env.treasury.address]);
    const used = 1_234_567_891n, fee = used * 250n / 10_000n;
    const r = await conserved(env, parties(t), async () => env.ok(await env.send([settleIx(t, used)])));
    recordCu('settle', r);
    assert.equal(env.balance(t.host.address), h0 + used - fee);
    assert.equal(env.balance(env.treasury.address), tr0 + fee);
    assert.equal(env.balance(t.renter.address), r0 + 2n * SOL - used + ESCROW_RENT);
    assert.equal((used - fee) + fee + (2n * SOL - used), 2n * SOL);
    assert.equal(env.account(t.escrow), null, 'escrow closed');
    assert.deepEqual(r.events.map(({ name, hostAmount, fee: f, refund, renter, host }) => ({ name, hostAmount, f, refund, renter, host })),
      [{ name: 'Settled', hostAmount: used - fee, f: fee, refund: 2n * SOL - used, renter: t.renter.address, host: t.host.address }]);
  });

  it('rounds the fee down; used 0 and used = deposit are exact', async () => {
    for (const [amount, used] of [[10_000n, 9_999n], [5n * SOL, 0n], [5n * SOL, 5n * SOL], [39n, 39n]]) {
      const t = await withRental({ amount });
      const [r0, h0, tr0] = t.env.balances([t.renter.address, t.host.address, t.env.treasury.address]);
      await conserved(t.env, parties(t), async () => t.env.ok(await t.env.send([settleIx(t, used)])));
      const fee = used * 250n / 10_000n; // 9_999 -> 249 (not 250); 39 -> 0
      assert.equal(t.env.balance(t.env.treasury.address) - tr0, fee);
      assert.equal(t.env.balance(t.host.address) - h0, used - fee);
      assert.equal(t.env.balance(t.renter.address) - r0, amount - used + ESCROW_RENT);
    }
  });

  it('uses the fee copied at open, not the one of a later config', async () => {
    const t = await withRental({ feeBps: 1000, amount: SOL });
    const tr0 = t.env.balance(t.env.treasury.address);
    t.env.ok(await t.env.send([settleIx(t, SOL)]));
    assert.equal(t.env.balance(t.env.treasury.address) - tr0, SOL / 10n);
  });

  it('settles once: a second settle (later, or in the same transaction) fails with NoEscrow', async () => {
    const t = await withRental();
    const { env } = t;
    env.ok(await env.send([settleIx(t, 1000n)]));
    const b = env.balances(parties(t));
    env.fails(await env.send([settleIx(t, 1000n)]), 'NoEscrow');
    assert.deepEqual(env.balances(parties(t)), b);
    const u = await withRental({ id: 2 });
    const b2 = u.env.balances(parties(u));
    u.env.fails(await u.env.send([settleIx(u, 1000n), settleIx(u, 1000n)]), 'NoEscrow');
    assert.deepEqual(u.env.balances(parties(u)), b2, 'the whole transaction reverted');
    assert.equal(u.env.escrowState(u.escrow).deposit, u.amount);
  });

  it('refuses used above the deposit', async () => {
    const t = await withRental({ amount: SOL });
    t.env.fails(await t.env.send([settleIx(t, SOL + 1n)]), 'UsedExceedsDeposit');
    t.env.fails(await t.env.send([settleIx(t, U64_MAX)]), 'UsedExceedsDeposit');
    assert.equal(t.env.escrowState(t.escrow).status, 1);
  });

  it('refuses a non-operator, an unsigned operator, substituted host, treasury, renter or escrow', async () => {
    const t = await withRental();
    const { env } = t;
    const mallory = await env.wallet();
    const before = env.balances(parties(t, mallory.address));
    env.fails(await env.send([settleIx(t, 1n, { operator: mallory })]), 'NotOperator');
    env.fails(await env.send([settleIx(t, 1n, { operator: t.renter })]), 'NotOperator');
    env.fails(await env.send([withRole(settleIx(t, 1n), 0, AccountRole.READONLY)]), 'NotSigner');
    env.fails(await env.send([settleIx(t, SOL, { host: mallory.address })]), 'WrongHost');
    env.fails(await env.send([settleIx(t, SOL, { treasury: mallory.address })]), 'WrongTreasury');
    env.fails(await env.send([settleIx(t, SOL, { renter: mallory.address })]), 'WrongRenter');
    env.fails(await env.send([withRole(settleIx(t, 1n), 2, AccountRole.READONLY)]), 'NotWritable');
    // mallory's own rental cannot be settled to t's host, nor t's to mallory's host
    const mid = rentalId(66);
    env.ok(await env.send([await env.ix.open(mallory, { rentalId: mid, host: mallory.address, amount: SOL, expiresAt: T0 + 60n })]));
    const mEscrow = await env.escrowOf(mallory.address, mid);
    env.fails(await env.send([settleIx(t, SOL, { escrow: mEscrow })]), 'WrongHost');
    env.fails(await env.send([settleIx(t, SOL, { escrow: mEscrow, host: mallory.address })]), 'WrongRenter');
    // a look-alike escrow owned by another program (same bytes, mallory as host)
    const acc = env.account(t.escrow);
    const d = new Uint8Array(acc.data); d.set(rp.keyBytes(mallory.address), 72);
    const fake = (await env.key()).address;
    env.svm.setAccount({ ...acc, address: fake, data: d, programAddress: rp.LOADER_UPGRADEABLE });
    env.fails(await env.send([settleIx(t, SOL, { escrow: fake, host: mallory.address })]), 'WrongOwner');
    // our own config account passed as the escrow: right owner, wrong kind
    env.fails(await env.send([settleIx(t, SOL, { escrow: env.ix.config })]), 'WrongKind');
    assert.equal(env.escrowState(t.escrow).deposit, t.amount);
    assert.deepEqual(env.balances(parties(t, mallory.address)).slice(0, 4), before.slice(0, 4));
  });

  it('cannot pay a host account that does not exist yet a non-rent-exempt amount (stays open)', async () => {
    const env = await Env.create();
    const renter = await env.wallet();
    const host = (await env.key()).address; // never funded
    const rid = rentalId(11);
    env.ok(await env.send([await env.ix.open(renter, { rentalId: rid, host, amount: SOL, expiresAt: T0 + 60n })]));
    const escrow = await env.escrowOf(renter.address, rid);
    const t = { env, renter, host: { address: host }, escrow };
    const r = await env.send([settleIx(t, 1000n)]);
    assert.equal(r.ok, false);
    assert.match(r.error, /InsufficientFundsForRent|Rent/i);
    assert.equal(env.escrowState(escrow).status, 1);
    env.ok(await env.send([settleIx(t, SOL)])); // enough for the host account to be rent exempt
    assert.equal(env.balance(host), SOL - SOL / 40n);
  });
});

describe('settle_many', () => {
  async function three() {
    const env = await Env.create();
    const renters = [await env.wallet(), await env.wallet(), await env.wallet()];
    const hosts = [await env.wallet(1n), await env.wallet(1n)];
    const items = [];
    for (let i = 0; i < 3; i++) {
      const rid = rentalId(100 + i), host = hosts[i % 2];
      env.ok(await env.send([await env.ix.open(renters[i], { rentalId: rid, host: host.address, amount: BigInt(i + 1) * SOL, expiresAt: T0 + 60n })]));
      items.push({ escrow: await env.escrowOf(renters[i].address, rid), host: host.address, renter: renters[i].address, deposit: BigInt(i + 1) * SOL });
    }
    const all = [env.treasury.address, ...renters.map((r) => r.address), ...hosts.map((h) => h.address), ...items.map((i) => i.escrow)];
    return { env, items, all };
  }

  it('settles several rentals exactly, skipping one already settled (SettleSkipped)', async () => {
    const { env, items, all } = await three();
    const solo = { env, renter: { address: items[1].renter }, host: { address: items[1].host }, escrow: items[1].escrow };
    env.ok(await env.send([settleIx(solo, items[1].deposit)]));
    const used = [SOL / 2n, 123n, 3n * SOL];
    const before = new Map(all.map((a) => [a, env.balance(a)]));
    const r = await conserved(env, all, async () => env.ok(await env.send([env.ix.settleMany(env.operator, env.treasury.address,
      items.map((it, k) => ({ ...it, used: used[k] })))])));
    assert.deepEqual(r.events.map((e) => e.name), ['Settled', 'SettleSkipped', 'Settled']);
    assert.equal(r.events[1].escrow, items[1].escrow);
    const fee = (u) => u * 250n / 10_000n;
    const delta = (a) => env.balance(a) - before.get(a);
    assert.equal(delta(env.treasury.address), fee(used[0]) + fee(used[2]));
    assert.equal(delta(items[0].host), used[0] - fee(used[0]) + used[2] - fee(used[2])); // hosts[0] has items 0 and 2
    assert.equal(delta(items[0].renter), items[0].deposit - used[0] + ESCROW_RENT);
    assert.equal(delta(items[2].renter), items[2].deposit - used[2] + ESCROW_RENT);
    assert.equal(delta(items[1].renter), 0n);
    for (const it of items) assert.equal(env.account(it.escrow), null);
  });

  it('fails the whole batch on an invalid item (used > deposit, wrong host), moves nothing', async () => {
    const { env, items, all } = await three();
    const before = env.balances(all);
    env.fails(await env.send([env.ix.settleMany(env.operator, env.treasury.address,
      items.map((it, k) => ({ ...it, used: k === 2 ? it.deposit + 1n : 1n })))]), 'UsedExceedsDeposit');
    env.fails(await env.send([env.ix.settleMany(env.operator, env.treasury.address,
      items.map((it, k) => ({ ...it, used: 1n, host: k === 1 ? items[0].renter : it.host })))]), 'WrongHost');
    const mallory = await env.wallet();
    env.fails(await env.send([env.ix.settleMany(mallory, env.treasury.address, items.map((it) => ({ ...it, used: 1n })))]), 'NotOperator');
    assert.deepEqual(env.balances(all), before);
  });

  it('settles a rental listed twice once (the second is skipped)', async () => {
    const { env, items, all } = await three();
    const r = await conserved(env, all, async () => env.ok(await env.send([env.ix.settleMany(env.operator, env.treasury.address,
      [{ ...items[0], used: SOL }, { ...items[0], used: SOL }])])));
    assert.deepEqual(r.events.map((e) => e.name), ['Settled', 'SettleSkipped']);
  });

  it('checks counts and lengths', async () => {
    const { env, items } = await three();
    const ix = env.ix.settleMany(env.operator, env.treasury.address, items.map((it) => ({ ...it, used: 1n })));
    env.fails(await env.send([withData(ix, ix.data.slice(0, -1))]), 'InvalidDataLength');
    env.fails(await env.send([withData(ix, new Uint8Array([...ix.data, 0]))]), 'InvalidDataLength');
    const d = new Uint8Array(ix.data); d[1] = 2; // says 2, carries 3 amounts
    env.fails(await env.send([withData(ix, d)]), 'InvalidDataLength');
    env.fails(await env.send([{ ...ix, accounts: ix.accounts.slice(0, -1) }]), 'AccountCount');
    env.fails(await env.send([withData(ix, new Uint8Array([5, 0]))]), 'InvalidDataLength');
  });

  it('measures batches of 1, 5 and 10', async () => {
    for (const n of [1, 5, 10]) {
      const env = await Env.create();
      const host = await env.wallet(1n);
      const items = [];
      for (let i = 0; i < n; i++) {
        const renter = await env.wallet(2n), rid = rentalId(i);
        env.ok(await env.send([await env.ix.open(renter, { rentalId: rid, host: host.address, amount: SOL, expiresAt: T0 + 60n })]));
        items.push({ escrow: await env.escrowOf(renter.address, rid), host: host.address, renter: renter.address, used: SOL / 3n });
      }
      const r = env.ok(await env.send([env.ix.settleMany(env.operator, env.treasury.address, items)]));
      recordCu(`settle_many (${n})`, r);
      assert.equal(r.events.filter((e) => e.name === 'Settled').length, n);
    }
  });
});

describe('top_up', () => {
  it('adds to the deposit and extends; never shortens; only the renter', async () => {
    const t = await withRental({ amount: SOL });
    const { env } = t;
    const r0 = env.balance(t.renter.address);
    const r = env.ok(await env.send([env.ix.topUp(t.renter, t.escrow, SOL / 2n, t.expiresAt + 600n)]));
    recordCu('top_up', r);
    assert.equal(env.balance(t.renter.address), r0 - SOL / 2n);
    assert.equal(env.balance(t.escrow), SOL + SOL / 2n + ESCROW_RENT);
    const e = env.escrowState(t.escrow);
    assert.equal(e.deposit, SOL + SOL / 2n);
    assert.equal(e.expiresAt, t.expiresAt + 600n);
    assert.deepEqual(r.events.map(({ name, amount, deposit, expiresAt }) => ({ name, amount, deposit, expiresAt })),
      [{ name: 'ToppedUp', amount: SOL / 2n, deposit: SOL + SOL / 2n, expiresAt: t.expiresAt + 600n }]);
    env.ok(await env.send([env.ix.topUp(t.renter, t.escrow, 0n, t.expiresAt + 700n)])); // extend only
    env.ok(await env.send([env.ix.topUp(t.renter, t.escrow, 5n, 0n)]));                // amount only
    assert.equal(env.escrowState(t.escrow).expiresAt, t.expiresAt + 700n);
    env.fails(await env.send([env.ix.topUp(t.renter, t.escrow, 1n, t.expiresAt + 699n)]), 'ExpiryNotExtended');
    env.fails(await env.send([env.ix.topUp(t.renter, t.escrow, 0n, 0n)]), 'ZeroAmount');
    const mallory = await env.wallet();
    env.fails(await env.send([env.ix.topUp(mallory, t.escrow, 1n, t.expiresAt + 9999n)]), 'NotRenter');
    env.fails(await env.send([withRole(env.ix.topUp(t.renter.address, t.escrow, 1n, 0n), 0, AccountRole.WRITABLE)], { feePayer: mallory }), 'NotSigner');
    // the settlement then splits the topped-up deposit
    const used = SOL + 5n, [h0, tr0] = env.balances([t.host.address, env.treasury.address]);
    await conserved(env, parties(t), async () => env.ok(await env.send([settleIx(t, used)])));
    const fee = used * 250n / 10_000n;
    assert.equal(env.balance(t.host.address) - h0 + env.balance(env.treasury.address) - tr0, used);
    assert.equal(env.balance(env.treasury.address) - tr0, fee);
  });

  it('refuses a deposit overflow', async () => {
    const t = await withRental({ amount: SOL });
    const acc = t.env.account(t.escrow);
    const d = new Uint8Array(acc.data);
    new DataView(d.buffer).setBigUint64(136, U64_MAX - 10n, true); // a (test-only) huge recorded deposit
    t.env.svm.setAccount({ ...acc, address: t.escrow, data: d });
    t.env.fails(await t.env.send([t.env.ix.topUp(t.renter, t.escrow, 11n, 0n)]), 'Overflow');
  });
});

describe('reclaim', () => {
  it('is refused before expires_at + grace and to anyone but the renter; then returns everything', async () => {
    const t = await withRental({ amount: 3n * SOL, expiresIn: 600n });
    const { env } = t;
    const mallory = await env.wallet();
    env.setTime(t.expiresAt + 3600n - 1n);
    env.fails(await env.send([env.ix.reclaim(t.renter, t.escrow)]), 'ReclaimTooEarly');
    env.setTime(t.expiresAt + 3600n);
    env.fails(await env.send([env.ix.reclaim(mallory, t.escrow)]), 'NotRenter');
    env.fails(await env.send([withRole(env.ix.reclaim(t.renter.address, t.escrow), 0, AccountRole.WRITABLE)], { feePayer: mallory }), 'NotSigner');
    const r0 = env.balance(t.renter.address);
    const r = await conserved(env, parties(t, mallory.address), async () => env.ok(await env.send([env.ix.reclaim(t.renter, t.escrow)])));
    recordCu('reclaim', r);
    assert.equal(env.balance(t.renter.address), r0 + 3n * SOL + ESCROW_RENT);
    assert.equal(env.account(t.escrow), null);
    assert.deepEqual(r.events.map(({ name, amount, renter }) => ({ name, amount, renter })), [{ name: 'Reclaimed', amount: 3n * SOL, renter: t.renter.address }]);
    env.fails(await env.send([env.ix.reclaim(t.renter, t.escrow)]), 'NoEscrow');
    env.fails(await env.send([settleIx(t, 1n)]), 'NoEscrow'); // the operator came too late
  });

  it('is refused after settlement; settle still works after the grace if not reclaimed', async () => {
    const t = await withRental({ expiresIn: 60n });
    t.env.setTime(T0 + 100_000n);
    t.env.ok(await t.env.send([settleIx(t, 1n)]));
    t.env.fails(await t.env.send([t.env.ix.reclaim(t.renter, t.escrow)]), 'NoEscrow');
  });

  it('refuses expires_at + grace overflowing', async () => {
    const env = await Env.create();
    const renter = await env.wallet(), host = await env.wallet(1n), rid = rentalId(1);
    env.ok(await env.send([await env.ix.open(renter, { rentalId: rid, host: host.address, amount: SOL, expiresAt: I64_MAX })]));
    env.fails(await env.send([env.ix.reclaim(renter, await env.escrowOf(renter.address, rid))]), 'Overflow');
  });
});

describe('instruction data', () => {
  it('refuses unknown tags, empty, truncated and oversized data for every instruction', async () => {
    const t = await withRental();
    const { env } = t;
    const host = await env.wallet(2n);
    env.ok(await env.send([await env.ix.stake(host, SOL)]));
    const all = {
      initialize: env.ix.initialize(env.admin, env.params),
      set_operator: env.ix.setOperator(env.admin, env.operator.address),
      open: await env.ix.open(t.renter, { rentalId: rentalId(50), host: t.host.address, amount: SOL, expiresAt: T0 + 60n }),
      top_up: env.ix.topUp(t.renter, t.escrow, 1n, 0n),
      settle: settleIx(t, 1n),
      reclaim: env.ix.reclaim(t.renter, t.escrow),
      stake: await env.ix.stake(host, 1n),
      request_unstake: await env.ix.requestUnstake(host),
      cancel_unstake: await env.ix.cancelUnstake(host),
      unstake: await env.ix.unstake(host),
      slash: await env.ix.slash(env.operator, host.address, env.treasury.address, 1n, new Uint8Array(32)),
      claim: await env.ix.claim(host),
      open_token: await env.ix.openToken(t.renter, { rentalId: rentalId(51), host: t.host.address, amount: 1n, expiresAt: T0 + 60n, mint: t.host.address }),
      settle_token: await env.ix.settleToken(env.operator, { escrow: t.escrow, hostToken: t.host.address, treasuryToken: t.host.address,
        renterToken: t.host.address, renter: t.renter.address, used: 1n }),
      reclaim_token: await env.ix.reclaimToken(t.renter, { escrow: t.escrow, renterToken: t.host.address }),
      top_up_token: await env.ix.topUpToken(t.renter, { escrow: t.escrow, renterToken: t.host.address, amount: 1n, newExpiresAt: 0n }),
      propose_admin: env.ix.proposeAdmin(env.admin, env.admin.address),
      accept_admin: env.ix.acceptAdmin(env.admin),
    };
    for (const [name, ix] of Object.entries(all)) {
      if (ix.data.length > 1) env.fails(await env.send([withData(ix, ix.data.slice(0, -1))]), 'InvalidDataLength');
      env.fails(await env.send([withData(ix, new Uint8Array([...ix.data, 0]))]), 'InvalidDataLength');
      assert.ok(name);
    }
    env.fails(await env.send([withData(all.settle, new Uint8Array([]))]), 'InvalidInstruction');
    env.fails(await env.send([withData(all.settle, new Uint8Array([19]))]), 'InvalidInstruction');
    env.fails(await env.send([withData(all.settle, new Uint8Array([255, 1, 2]))]), 'InvalidInstruction');
    env.fails(await env.send([{ ...all.settle, accounts: all.settle.accounts.slice(0, 5) }]), 'AccountCount');
    env.fails(await env.send([{ ...all.settle, accounts: [...all.settle.accounts, { address: t.host.address, role: AccountRole.READONLY }] }]), 'AccountCount');
  });
});
