// Host registry: stake, request_unstake, cancel_unstake, unstake after the delay, slash by the
// operator (to the treasury only), claim of what is not locked — exact lamports, and the attacks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AccountRole } from '@solana/kit';
import { Env, SOL, T0, conserved, recordCu, rp } from './harness.mjs';

const STAKE_RENT = 1_280_640n; // (128 + 56) * 6960
const DELAY = 86_400n;
const reason = new Uint8Array(32).fill(7);

async function staked(amount = 5n * SOL) {
  const env = await Env.create({ unstakeDelaySeconds: Number(DELAY) });
  const host = await env.wallet(20n);
  const [acct] = await rp.hostStakePda(env.programId, host.address);
  env.ok(await env.send([await env.ix.stake(host, amount)]));
  return { env, host, acct };
}
const transferIx = (from, to, amount) => {
  const d = new Uint8Array(12); const v = new DataView(d.buffer); v.setUint32(0, 2, true); v.setBigUint64(4, amount, true);
  return { programAddress: rp.SYSTEM_PROGRAM, accounts: [{ address: from.address, role: AccountRole.WRITABLE_SIGNER, signer: from },
    { address: to, role: AccountRole.WRITABLE }], data: d };
};

describe('host stake', () => {
  it('stakes into PDA(host, host) and adds to it; emits HostStaked', async () => {
    const env = await Env.create();
    const host = await env.wallet(20n);
    const [acct] = await rp.hostStakePda(env.programId, host.address);
    const h0 = env.balance(host.address);
    const r = env.ok(await env.send([await env.ix.stake(host, 5n * SOL)]));
    recordCu('stake (first)', r);
    assert.equal(env.balance(host.address), h0 - 5n * SOL - STAKE_RENT);
    assert.equal(env.balance(acct), 5n * SOL + STAKE_RENT);
    assert.equal(env.rentExempt(rp.HOST_STAKE_SIZE), STAKE_RENT);
    assert.deepEqual(env.hostState(acct), { bump: env.hostState(acct).bump, host: host.address, staked: 5n * SOL, unlockAt: 0n });
    const r2 = env.ok(await env.send([await env.ix.stake(host, 2n * SOL)]));
    recordCu('stake (more)', r2);
    assert.equal(env.hostState(acct).staked, 7n * SOL);
    assert.deepEqual(r2.events.map(({ name, amount, total }) => ({ name, amount, total })), [{ name: 'HostStaked', amount: 2n * SOL, total: 7n * SOL }]);
    env.fails(await env.send([await env.ix.stake(host, 0n)]), 'ZeroAmount');
  });

  it('refuses early unstake; unstakes everything after the delay', async () => {
    const { env, host, acct } = await staked();
    env.fails(await env.send([await env.ix.unstake(host)]), 'NoUnstakeRequested');
    const r = env.ok(await env.send([await env.ix.requestUnstake(host)]));
    recordCu('request_unstake', r);
    assert.equal(env.hostState(acct).unlockAt, T0 + DELAY);
    assert.deepEqual(r.events.map(({ name, amount, unlockAt }) => ({ name, amount, unlockAt })), [{ name: 'UnstakeRequested', amount: 5n * SOL, unlockAt: T0 + DELAY }]);
    env.fails(await env.send([await env.ix.requestUnstake(host)]), 'UnstakePending');
    env.fails(await env.send([await env.ix.stake(host, SOL)]), 'UnstakePending');
    env.setTime(T0 + DELAY - 1n);
    env.fails(await env.send([await env.ix.unstake(host)]), 'UnstakeTooEarly');
    env.setTime(T0 + DELAY);
    const h0 = env.balance(host.address);
    const u = await conserved(env, [host.address, acct], async () => env.ok(await env.send([await env.ix.unstake(host)])));
    recordCu('unstake', u);
    assert.equal(env.balance(host.address), h0 + 5n * SOL + STAKE_RENT);
    assert.equal(env.account(acct), null);
    assert.deepEqual(u.events.map(({ name, amount, paid }) => ({ name, amount, paid })), [{ name: 'HostUnstaked', amount: 5n * SOL, paid: 5n * SOL + STAKE_RENT }]);
  });

  it('cancels a pending unstake', async () => {
    const { env, host, acct } = await staked();
    env.fails(await env.send([await env.ix.cancelUnstake(host)]), 'NoUnstakeRequested');
    env.ok(await env.send([await env.ix.requestUnstake(host)]));
    const r = env.ok(await env.send([await env.ix.cancelUnstake(host)]));
    recordCu('cancel_unstake', r);
    assert.equal(env.hostState(acct).unlockAt, 0n);
    env.setTime(T0 + DELAY * 2n);
    env.fails(await env.send([await env.ix.unstake(host)]), 'NoUnstakeRequested');
  });

  it('lets the operator slash up to the stake, to the treasury only, also during the delay', async () => {
    const { env, host, acct } = await staked(5n * SOL);
    env.ok(await env.send([await env.ix.requestUnstake(host)]));
    const tr0 = env.balance(env.treasury.address);
    const r = await conserved(env, [host.address, acct, env.treasury.address], async () =>
      env.ok(await env.send([await env.ix.slash(env.operator, host.address, env.treasury.address, 2n * SOL, reason)])));
    recordCu('slash', r);
    assert.equal(env.balance(env.treasury.address), tr0 + 2n * SOL);
    assert.equal(env.balance(acct), 3n * SOL + STAKE_RENT);
    assert.equal(env.hostState(acct).staked, 3n * SOL);
    const ev = r.events[0];
    assert.deepEqual({ name: ev.name, amount: ev.amount, remaining: ev.remaining, reason: [...ev.reason], host: ev.host },
      { name: 'HostSlashed', amount: 2n * SOL, remaining: 3n * SOL, reason: [...reason], host: host.address });
    env.fails(await env.send([await env.ix.slash(env.operator, host.address, env.treasury.address, 3n * SOL + 1n, reason)]), 'SlashExceedsStake');
    env.fails(await env.send([await env.ix.slash(env.operator, host.address, env.treasury.address, 0n, reason)]), 'ZeroAmount');
    const mallory = await env.wallet();
    env.fails(await env.send([await env.ix.slash(mallory, host.address, env.treasury.address, SOL, reason)]), 'NotOperator');
    env.fails(await env.send([await env.ix.slash(env.operator, host.address, mallory.address, SOL, reason)]), 'WrongTreasury');
    const unsigned = await env.ix.slash(env.operator.address, host.address, env.treasury.address, SOL, reason);
    env.fails(await env.send([{ ...unsigned, accounts: unsigned.accounts.map((a, i) => (i ? a : { address: a.address, role: AccountRole.READONLY })) }]), 'NotSigner');
    // the whole remaining stake, then the host leaves with the rent only
    env.ok(await env.send([await env.ix.slash(env.operator, host.address, env.treasury.address, 3n * SOL, reason)]));
    env.setTime(T0 + DELAY);
    const h0 = env.balance(host.address);
    env.ok(await env.send([await env.ix.unstake(host)]));
    assert.equal(env.balance(host.address), h0 + STAKE_RENT);
    assert.equal(env.balance(env.treasury.address), tr0 + 5n * SOL);
  });

  it('claims what was sent to the stake account beyond stake + rent, nothing more', async () => {
    const { env, host, acct } = await staked(5n * SOL);
    env.fails(await env.send([await env.ix.claim(host)]), 'NothingToClaim');
    const payer = await env.wallet();
    env.ok(await env.send([transferIx(payer, acct, 777n)])); // e.g. a reward
    const h0 = env.balance(host.address);
    const r = await conserved(env, [host.address, acct], async () => env.ok(await env.send([await env.ix.claim(host)])));
    recordCu('claim', r);
    assert.equal(env.balance(host.address), h0 + 777n);
    assert.equal(env.balance(acct), 5n * SOL + STAKE_RENT);
    assert.deepEqual(r.events.map(({ name, amount }) => ({ name, amount })), [{ name: 'HostClaimed', amount: 777n }]);
    env.fails(await env.send([await env.ix.claim(host)]), 'NothingToClaim');
  });

  it('refuses another host acting on a stake account, unsigned hosts, stake overflow', async () => {
    const { env, host, acct } = await staked();
    const mallory = await env.wallet(20n);
    const swap = async (ixp) => { const ix = await ixp; ix.accounts[1] = { address: acct, role: AccountRole.WRITABLE }; return ix; };
    env.fails(await env.send([await swap(env.ix.requestUnstake(mallory))]), 'WrongAddress');
    env.fails(await env.send([await swap(env.ix.claim(mallory))]), 'WrongAddress');
    env.fails(await env.send([await swap(env.ix.unstake(mallory))]), 'WrongAddress');
    env.fails(await env.send([await swap(env.ix.stake(mallory, SOL))]), 'WrongAddress');
    const unsigned = await env.ix.requestUnstake(host.address);
    env.fails(await env.send([{ ...unsigned, accounts: unsigned.accounts.map((a, i) => (i ? a : { address: a.address, role: AccountRole.READONLY })) }], { feePayer: mallory }), 'NotSigner');
    // a new stake account must be at the host's PDA
    const [mAcct] = await rp.hostStakePda(env.programId, mallory.address);
    const ix = await env.ix.stake(mallory, SOL); ix.accounts[1] = { address: (await rp.hostStakePda(env.programId, env.admin.address))[0], role: AccountRole.WRITABLE };
    env.fails(await env.send([ix]), 'WrongAddress');
    assert.equal(env.account(mAcct), null);
    // a (test-only) near-full stake cannot overflow
    const a = env.account(acct); const d = new Uint8Array(a.data);
    new DataView(d.buffer).setBigUint64(40, (1n << 64n) - 2n, true);
    env.svm.setAccount({ ...a, address: acct, data: d });
    env.fails(await env.send([await env.ix.stake(host, 2n)]), 'Overflow');
  });
});
