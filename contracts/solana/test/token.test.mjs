// Token escrows (open_token, settle_token, reclaim_token) on litesvm's built-in SPL Token and
// associated-token-account programs, and the two-step admin transfer. Every happy path checks
// exact token amounts and lamports, and that both sum to the same among the parties.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AccountRole } from '@solana/kit';
import { Env, SOL, T0, conserved, recordCu, rentalId, rp } from './harness.mjs';

const USD = 1_000_000n; // the test stablecoin has 6 decimals
const ESCROW_RENT = 1_948_800n;
const VAULT_RENT = 2_039_280n; // (128 + 165) * 6960

// A mint (6 decimals, no freeze authority) written straight into the bank, as the devnet's genesis does
// with InitializeMint2; `authority` mints.
async function createMint(env) {
  const mint = (await env.key()).address, authority = await env.key();
  const d = new Uint8Array(82);
  new DataView(d.buffer).setUint32(0, 1, true); d.set(rp.keyBytes(authority.address), 4); d[44] = 6; d[45] = 1;
  env.svm.setAccount({ address: mint, lamports: env.rentExempt(82), data: d, programAddress: rp.TOKEN_PROGRAM, executable: false, space: 82n });
  return { mint, authority };
}
// The associated token account of `owner` (created by the real ATA program), holding `amount`.
async function ata(env, m, owner, amount = 0n) {
  const a = await rp.associatedTokenAddress(owner, m.mint);
  const ixs = [await rp.token.createAta(env.payer, owner, m.mint)];
  if (amount) ixs.push(rp.token.mintTo(m.mint, a, m.authority, amount));
  env.ok(await env.send(ixs), 'create ATA');
  return a;
}
const tokens = (env, a) => rp.tokenAmount(env.account(a)?.data);

// A token rental: renter with 1,000 TUSD, host and treasury with their token accounts, opened for `amount`.
async function withTokenRental({ amount = 100n * USD, expiresIn = 3600n, id = 1, feeBps } = {}) {
  const env = await Env.create(feeBps === undefined ? {} : { feeBps });
  const m = await createMint(env);
  const renter = await env.wallet(), host = await env.wallet(1n);
  const renterToken = await ata(env, m, renter.address, 1000n * USD);
  const hostToken = await ata(env, m, host.address), treasuryToken = await ata(env, m, env.treasury.address);
  const rid = rentalId(id);
  const opened = env.ok(await env.send([await env.ix.openToken(renter, { rentalId: rid, host: host.address, amount, expiresAt: T0 + expiresIn, mint: m.mint })]));
  const escrow = await env.escrowOf(renter.address, rid);
  const [vault] = await rp.vaultPda(env.programId, escrow);
  return { env, m, renter, host, rid, escrow, vault, renterToken, hostToken, treasuryToken, opened, amount, expiresAt: T0 + expiresIn };
}
const settleArgs = (t, used, over = {}) => ({ escrow: t.escrow, vault: t.vault, hostToken: t.hostToken, treasuryToken: t.treasuryToken,
  renterToken: t.renterToken, renter: t.renter.address, used, ...over });
const settleTok = (t, used, over = {}) => t.env.ix.settleToken(over.operator ?? t.env.operator, settleArgs(t, used, over));
const tokenParties = (t, ...more) => [t.renterToken, t.hostToken, t.treasuryToken, t.vault, ...more];
const lamportParties = (t, ...more) => [t.renter.address, t.host.address, t.env.treasury.address, t.escrow, t.vault, ...more];
// both the tokens among the token accounts and the lamports among the parties stay the same
async function conservedBoth(t, fn, { tokensOf = tokenParties(t), lamportsOf = lamportParties(t) } = {}) {
  const sum = () => tokensOf.reduce((s, a) => s + (tokens(t.env, a) ?? 0n), 0n);
  const before = sum();
  const r = await conserved(t.env, lamportsOf, fn);
  assert.equal(sum(), before, 'tokens not conserved among the parties');
  return r;
}
const withAccount = (ix, i, address, role = ix.accounts[i].role) => ({ ...ix, accounts: ix.accounts.map((a, k) => (k === i ? { address, role } : a)) });
// A copy of a token account at a new address, with its authority (and optionally mint) replaced and owned by `owner`.
async function tokenAccountCopy(env, of, { authority, mint, owner = rp.TOKEN_PROGRAM } = {}) {
  const a = env.account(of), d = new Uint8Array(a.data), addr = (await env.key()).address;
  if (authority) d.set(rp.keyBytes(authority), 32);
  if (mint) d.set(rp.keyBytes(mint), 0);
  env.svm.setAccount({ ...a, address: addr, data: d, programAddress: owner });
  return addr;
}

describe('open_token', () => {
  it('moves the deposit into a vault held by the escrow; the renter pays both rents', async () => {
    const env = await Env.create();
    const m = await createMint(env);
    const renter = await env.wallet(), host = await env.wallet(1n);
    const renterToken = await ata(env, m, renter.address, 500n * USD);
    // a rental id whose escrow and vault both have bump 255: the cheapest open
    let rid, escrow, vault;
    for (let n = 0; ; n++) {
      rid = rentalId(n);
      const [e, b] = await rp.escrowPda(env.programId, renter.address, rid);
      if (b !== 255) continue;
      const [v, vb] = await rp.vaultPda(env.programId, e);
      if (vb === 255) { escrow = e; vault = v; break; }
    }
    const before = env.balance(renter.address);
    const r = env.ok(await env.send([await env.ix.openToken(renter, { rentalId: rid, host: host.address, amount: 120n * USD, expiresAt: T0 + 60n, mint: m.mint })]));
    recordCu('open_token (escrow and vault bump 255)', r);
    assert.equal(tokens(env, renterToken), 380n * USD);
    assert.equal(tokens(env, vault), 120n * USD);
    assert.equal(env.balance(renter.address), before - ESCROW_RENT - VAULT_RENT);
    assert.equal(env.balance(escrow), ESCROW_RENT);
    assert.equal(env.balance(vault), VAULT_RENT);
    const va = env.account(vault);
    assert.equal(va.programAddress, rp.TOKEN_PROGRAM);
    assert.equal(rp.keyOf(va.data.subarray(0, 32)), m.mint);
    assert.equal(rp.keyOf(va.data.subarray(32, 64)), escrow); // the escrow PDA is the vault's authority
    const e = env.escrowState(escrow);
    assert.equal(e.mint, m.mint);
    assert.equal(e.deposit, 120n * USD);
    assert.equal(e.vaultBump, 255);
    assert.deepEqual(r.events.map((x) => [x.name, x.mint, x.amount, x.host]), [['Opened', m.mint, 120n * USD, host.address]]);
  });

  it('refuses a wrong mint, a fake mint, another authority\'s token account, a substituted vault, a fake token program', async () => {
    const env = await Env.create();
    const m = await createMint(env), other = await createMint(env);
    const renter = await env.wallet(), host = await env.wallet(1n), mallory = await env.wallet();
    await ata(env, m, renter.address, 500n * USD);
    const otherToken = await ata(env, other, renter.address, 500n * USD);
    const malloryToken = await ata(env, m, mallory.address, 500n * USD);
    const rid = rentalId(3);
    const open = (over = {}) => env.ix.openToken(renter, { rentalId: rid, host: host.address, amount: 10n * USD, expiresAt: T0 + 60n, mint: m.mint, ...over });
    // the renter's token account is of another mint than the one named
    env.fails(await env.send([await open({ from: otherToken })]), 'WrongMint');
    // a "mint" owned by another program
    const fakeMint = (await env.key()).address;
    env.svm.setAccount({ ...env.account(m.mint), address: fakeMint, programAddress: env.programId });
    env.fails(await env.send([await open({ mint: fakeMint, from: otherToken })]), 'WrongOwner');
    // a token account of someone else (mallory has not signed; the renter cannot spend it)
    env.fails(await env.send([await open({ from: malloryToken })]), 'WrongTokenAccount');
    // a vault address other than PDA ["vault", escrow]
    env.fails(await env.send([withAccount(await open(), 3, (await env.key()).address)]), 'WrongAddress');
    // a token program that is not the Token program (our own program, executable, in its place)
    env.fails(await env.send([withAccount(await open(), 6, env.programId)]), 'WrongAddress');
    // no signature of the renter
    env.fails(await env.send([withAccount(await open(), 0, renter.address, AccountRole.WRITABLE)]), 'NotSigner');
    // more than the renter holds: the Token program refuses, nothing is created
    const r = await env.send([await open({ amount: 501n * USD })]);
    assert.equal(r.ok, false);
    assert.equal(env.account(await env.escrowOf(renter.address, rid)), null);
    // the right accounts open once; a second open is RentalExists
    env.ok(await env.send([await open()]));
    env.fails(await env.send([await open()]), 'RentalExists');
    // the SOL instructions refuse a token escrow
    const escrow = await env.escrowOf(renter.address, rid);
    env.fails(await env.send([env.ix.topUp(renter, escrow, 1n, 0n)]), 'WrongMint');
    env.fails(await env.send([env.ix.settle(env.operator, { escrow, host: host.address, treasury: env.treasury.address, renter: renter.address, used: 1n })]), 'WrongMint');
    env.fails(await env.send([env.ix.reclaim(renter, escrow)]), 'WrongMint');
  });
});

describe('settle_token', () => {
  it('pays host used − fee, treasury the fee, refunds the rest; closes vault and escrow; exact and conserved', async () => {
    const t = await withTokenRental({ amount: 100n * USD });
    const { env } = t;
    const lamports0 = env.balance(t.renter.address);
    const used = 33_333_333n; // fee = floor(used * 250 / 10000) = 833,333
    const r = await conservedBoth(t, async () => env.ok(await env.send([await settleTok(t, used)])));
    recordCu('settle_token', r);
    assert.equal(tokens(env, t.hostToken), used - 833_333n);
    assert.equal(tokens(env, t.treasuryToken), 833_333n);
    assert.equal(tokens(env, t.renterToken), 900n * USD + 100n * USD - used);
    assert.equal(env.account(t.vault), null);
    assert.equal(env.account(t.escrow), null);
    assert.equal(env.balance(t.renter.address), lamports0 + ESCROW_RENT + VAULT_RENT);
    assert.deepEqual(r.events.map((e) => [e.name, e.hostAmount, e.fee, e.refund]), [['Settled', used - 833_333n, 833_333n, 100n * USD - used]]);
    // a second settle finds nothing
    env.fails(await env.send([await settleTok(t, used)]), 'NoEscrow');
  });

  it('settles nothing used (all back) and everything used (no refund); stray tokens in the vault go to the renter', async () => {
    const t0 = await withTokenRental({ amount: 10n * USD });
    const r0 = await conservedBoth(t0, async () => t0.env.ok(await t0.env.send([await settleTok(t0, 0n)])));
    recordCu('settle_token (used 0)', r0);
    assert.equal(tokens(t0.env, t0.renterToken), 1000n * USD);
    assert.equal(tokens(t0.env, t0.hostToken), 0n);

    const t = await withTokenRental({ amount: 10n * USD, id: 2 });
    const { env } = t;
    env.ok(await env.send([rp.token.mintTo(t.m.mint, t.vault, t.m.authority, 7n)])); // someone sends 7 units to the vault
    await conservedBoth(t, async () => env.ok(await env.send([await settleTok(t, 10n * USD)])));
    assert.equal(tokens(env, t.hostToken), 10n * USD - 250_000n);
    assert.equal(tokens(env, t.treasuryToken), 250_000n);
    assert.equal(tokens(env, t.renterToken), 990n * USD + 7n);
  });

  it('refuses attacks: non-operator, above deposit, wrong mint, other authority, other owner, substituted vault, fake token program, wrong renter', async () => {
    const t = await withTokenRental({ amount: 50n * USD });
    const { env } = t;
    const mallory = await env.wallet();
    const before = [tokens(env, t.vault), env.balance(t.escrow)];
    env.fails(await env.send([await settleTok(t, 1n, { operator: mallory })]), 'NotOperator');
    env.fails(await env.send([await settleTok(t, 50n * USD + 1n)]), 'UsedExceedsDeposit');
    // the host's token account of another mint
    const other = await createMint(env);
    env.fails(await env.send([await settleTok(t, 1n, { hostToken: await ata(env, other, t.host.address) })]), 'WrongMint');
    // a token account of mallory's in the host's, treasury's or renter's place
    const malloryToken = await ata(env, t.m, mallory.address);
    env.fails(await env.send([await settleTok(t, 1n, { hostToken: malloryToken })]), 'WrongTokenAccount');
    env.fails(await env.send([await settleTok(t, 1n, { treasuryToken: malloryToken })]), 'WrongTokenAccount');
    env.fails(await env.send([await settleTok(t, 1n, { renterToken: malloryToken })]), 'WrongTokenAccount');
    // a look-alike of the host's token account owned by another program
    env.fails(await env.send([await settleTok(t, 1n, { hostToken: await tokenAccountCopy(env, t.hostToken, { owner: env.programId }) })]), 'WrongOwner');
    // a substituted vault: a token account whose authority is the escrow but not at the derived address
    const fakeVault = await tokenAccountCopy(env, t.vault);
    env.fails(await env.send([await settleTok(t, 1n, { vault: fakeVault })]), 'WrongAddress');
    // another rental's vault (its authority is that escrow)
    const t2vault = await tokenAccountCopy(env, t.vault, { authority: mallory.address });
    env.fails(await env.send([await settleTok(t, 1n, { vault: t2vault })]), 'WrongTokenAccount');
    // a fake token program
    env.fails(await env.send([withAccount(await settleTok(t, 1n), 8, env.programId)]), 'WrongAddress');
    // the rent to someone other than the renter
    env.fails(await env.send([await settleTok(t, 1n, { renter: mallory.address })]), 'WrongRenter');
    // the config's treasury is fixed: a token account of the treasury is required
    assert.deepEqual([tokens(env, t.vault), env.balance(t.escrow)], before);
    env.ok(await env.send([await settleTok(t, 1n)]));
  });
});

describe('top_up_token', () => {
  it('adds tokens and extends the expiry, renter only, never earlier; the settlement counts the new deposit', async () => {
    const t = await withTokenRental({ amount: 20n * USD, expiresIn: 600n });
    const { env } = t;
    const mallory = await env.wallet();
    const malloryToken = await ata(env, t.m, mallory.address, 100n * USD);
    const other = await createMint(env);
    const otherToken = await ata(env, other, t.renter.address, 100n * USD);
    const topUp = (over = {}) => env.ix.topUpToken(over.who ?? t.renter, { escrow: t.escrow, renterToken: t.renterToken, amount: 5n * USD,
      newExpiresAt: T0 + 1200n, ...over });
    env.fails(await env.send([await topUp({ who: mallory, renterToken: malloryToken })]), 'NotRenter');
    env.fails(await env.send([await topUp({ renterToken: otherToken })]), 'WrongMint');
    env.fails(await env.send([await topUp({ renterToken: malloryToken })]), 'WrongTokenAccount');
    env.fails(await env.send([await topUp({ vault: await tokenAccountCopy(env, t.vault) })]), 'WrongAddress');
    env.fails(await env.send([await topUp({ newExpiresAt: T0 + 599n })]), 'ExpiryNotExtended');
    env.fails(await env.send([await topUp({ amount: 0n, newExpiresAt: 0n })]), 'ZeroAmount');
    env.fails(await env.send([withAccount(await topUp(), 4, env.programId)]), 'WrongAddress');
    env.fails(await env.send([env.ix.topUp(t.renter, t.escrow, 1n, 0n)]), 'WrongMint'); // the SOL top_up
    const r = await conservedBoth(t, async () => env.ok(await env.send([await topUp()])));
    recordCu('top_up_token', r);
    assert.equal(tokens(env, t.vault), 25n * USD);
    assert.equal(tokens(env, t.renterToken), 975n * USD);
    const e = env.escrowState(t.escrow);
    assert.equal(e.deposit, 25n * USD);
    assert.equal(e.expiresAt, T0 + 1200n);
    assert.deepEqual(r.events.map((x) => [x.name, x.amount, x.deposit, x.expiresAt]), [['ToppedUp', 5n * USD, 25n * USD, T0 + 1200n]]);
    // only the expiry
    env.ok(await env.send([await topUp({ amount: 0n, newExpiresAt: T0 + 1800n })]));
    assert.equal(env.escrowState(t.escrow).expiresAt, T0 + 1800n);
    // used up to the new deposit
    env.fails(await env.send([await settleTok(t, 25n * USD + 1n)]), 'UsedExceedsDeposit');
    await conservedBoth(t, async () => env.ok(await env.send([await settleTok(t, 22n * USD)])));
    assert.equal(tokens(env, t.renterToken), 975n * USD + 3n * USD);
  });
});

describe('reclaim_token', () => {
  it('refuses early and by someone else; from expiry + grace gives the renter every token and both rents', async () => {
    const t = await withTokenRental({ amount: 40n * USD, expiresIn: 600n });
    const { env } = t;
    const mallory = await env.wallet();
    const malloryToken = await ata(env, t.m, mallory.address);
    const reclaim = (who = t.renter, renterToken = t.renterToken) => env.ix.reclaimToken(who, { escrow: t.escrow, renterToken });
    env.setTime(T0 + 600n + 3599n);
    env.fails(await env.send([await reclaim()]), 'ReclaimTooEarly');
    env.setTime(T0 + 600n + 3600n);
    env.fails(await env.send([await reclaim(mallory, malloryToken)]), 'NotRenter');
    env.fails(await env.send([await reclaim(t.renter, malloryToken)]), 'WrongTokenAccount');
    env.fails(await env.send([withAccount(await reclaim(), 5, env.programId)]), 'WrongAddress');
    const lamports0 = env.balance(t.renter.address);
    const r = await conservedBoth(t, async () => env.ok(await env.send([await reclaim()]), 'reclaim_token'));
    recordCu('reclaim_token', r);
    assert.equal(tokens(env, t.renterToken), 1000n * USD);
    assert.equal(env.balance(t.renter.address), lamports0 + ESCROW_RENT + VAULT_RENT);
    assert.equal(env.account(t.vault), null);
    assert.deepEqual(r.events.map((e) => [e.name, e.amount]), [['Reclaimed', 40n * USD]]);
    env.fails(await env.send([await reclaim()]), 'NoEscrow');
    env.fails(await env.send([await settleTok(t, 1n)]), 'NoEscrow');
  });
});

describe('two-step admin transfer', () => {
  it('changes the admin only when the proposed key accepts', async () => {
    const env = await Env.create();
    const next = await env.wallet(1n), mallory = await env.wallet(1n), op2 = await env.wallet(1n);
    env.fails(await env.send([env.ix.proposeAdmin(mallory, mallory.address)]), 'NotAdmin');
    env.fails(await env.send([env.ix.acceptAdmin(next)]), 'NotProposedAdmin'); // nothing proposed yet
    const p = await conserved(env, [env.admin.address, env.ix.config], async () => env.ok(await env.send([env.ix.proposeAdmin(env.admin, next.address)])));
    recordCu('propose_admin (first: config grows)', p);
    assert.equal(env.account(env.ix.config).data.length, rp.CONFIG_SIZE_V2);
    assert.equal(env.balance(env.ix.config), env.rentExempt(rp.CONFIG_SIZE_V2));
    assert.equal(rp.decodeConfig(env.account(env.ix.config).data).pendingAdmin, next.address);
    assert.deepEqual(p.events.map((e) => [e.name, e.admin, e.proposed]), [['AdminProposed', env.admin.address, next.address]]);
    // until accepted the old admin is the admin
    env.fails(await env.send([env.ix.setOperator(next, op2.address)]), 'NotAdmin');
    env.fails(await env.send([env.ix.acceptAdmin(mallory)]), 'NotProposedAdmin');
    env.fails(await env.send([{ ...env.ix.acceptAdmin(next), accounts: [{ address: next.address, role: AccountRole.READONLY }, env.ix.acceptAdmin(next).accounts[1]] }]), 'NotSigner');
    const a = env.ok(await env.send([env.ix.acceptAdmin(next)]));
    recordCu('accept_admin', a);
    assert.deepEqual(a.events.map((e) => [e.name, e.previous, e.admin]), [['AdminChanged', env.admin.address, next.address]]);
    const cfg = rp.decodeConfig(env.account(env.ix.config).data);
    assert.equal(cfg.admin, next.address);
    assert.equal(cfg.pendingAdmin, undefined);
    env.fails(await env.send([env.ix.acceptAdmin(next)]), 'NotProposedAdmin');
    env.fails(await env.send([env.ix.setOperator(env.admin, op2.address)]), 'NotAdmin');
    env.ok(await env.send([env.ix.setOperator(next, op2.address)]));
    // a second proposal costs no growth; the zero key withdraws it
    recordCu('propose_admin', env.ok(await env.send([env.ix.proposeAdmin(next, mallory.address)])));
    env.ok(await env.send([env.ix.proposeAdmin(next, rp.SYSTEM_PROGRAM)]));
    env.fails(await env.send([env.ix.acceptAdmin(mallory)]), 'NotProposedAdmin');
    assert.equal(rp.decodeConfig(env.account(env.ix.config).data).admin, next.address);
    // the grown config still serves rentals
    const renter = await env.wallet(), host = await env.wallet(1n);
    env.ok(await env.send([await env.ix.open(renter, { rentalId: rentalId(1), host: host.address, amount: SOL, expiresAt: T0 + 60n })]));
  });
});
