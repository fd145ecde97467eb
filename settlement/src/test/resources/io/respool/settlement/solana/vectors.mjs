// Known vectors for the Java adapter's encodings (SolanaEncodingTest), produced by the program's own JS
// client (contracts/solana/client/respool.mjs) and @solana/kit. Deterministic: fixed seeds, a fixed
// blockhash. Regenerate (after `ops/solana/install.sh`) with
//   node settlement/src/test/resources/io/respool/settlement/solana/vectors.mjs > settlement/src/test/resources/io/respool/settlement/solana/vectors.json
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../../../../../../..');
const kit = await import(path.join(ROOT, 'ops/solana/node_modules/@solana/kit/dist/index.node.mjs'));
const rp = await import(path.join(ROOT, 'contracts/solana/client/respool.mjs'));
const {
  appendTransactionMessageInstructions, compileTransaction, createKeyPairSignerFromPrivateKeyBytes, createTransactionMessage,
  getBase64EncodedWireTransaction, getBase58Decoder, pipe, setTransactionMessageFeePayer, setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash, signTransactionMessageWithSigners,
} = kit;

const hex = (b) => Buffer.from(b).toString('hex');
const b64 = (b) => Buffer.from(b).toString('base64');
const seed = (n) => { const s = new Uint8Array(32); s.fill(n); return s; };
const signer = (n) => createKeyPairSignerFromPrivateKeyBytes(seed(n));
const b58 = getBase58Decoder();

const keys = {};
for (const [name, n] of [['renter', 1], ['operator', 2], ['host', 3], ['treasury', 4], ['program', 5], ['renter2', 6], ['host2', 7]]) {
  keys[name] = { seed: hex(seed(n)), address: (await signer(n)).address };
}
const programId = keys.program.address;
const blockhash = b58.decode(seed(9)); // any 32 bytes
const rentalId = (n) => { const b = new Uint8Array(32); b.fill(n); b[0] = 0x52; return b; };

const pdas = { config: (await rp.configPda(programId)), escrows: [], hostStakes: [] };
pdas.config = { address: pdas.config[0], bump: pdas.config[1] };
for (let n = 1; n <= 12; n++) {
  const [address, bump] = await rp.escrowPda(programId, keys.renter.address, rentalId(n));
  pdas.escrows.push({ renter: keys.renter.address, rentalId: hex(rentalId(n)), address, bump });
}
const [hs, hsBump] = await rp.hostStakePda(programId, keys.host.address);
pdas.hostStakes.push({ host: keys.host.address, address: hs, bump: hsBump });

const data = {
  open: hex(rp.data.open({ rentalId: rentalId(1), host: keys.host.address, amount: 123_456_789_012n, expiresAt: 1_800_000_000n })),
  topUp: hex(rp.data.topUp({ amount: 5_000_000n, newExpiresAt: 1_800_003_600n })),
  settle: hex(rp.data.settle(987_654_321n)),
  settleMany: hex(rp.data.settleMany([1n, 0n, 18_446_744_073_709_551_615n])),
  reclaim: hex(rp.data.reclaim()),
};

async function tx(feePayerSigner, instructions, { sign = true } = {}) {
  const msg = pipe(createTransactionMessage({ version: 'legacy' }),
    (m) => (sign ? setTransactionMessageFeePayerSigner(feePayerSigner, m) : setTransactionMessageFeePayer(feePayerSigner.address, m)),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash, lastValidBlockHeight: 1000n }, m),
    (m) => appendTransactionMessageInstructions(instructions, m));
  const compiled = sign ? await signTransactionMessageWithSigners(msg) : compileTransaction(msg);
  return { message: b64(compiled.messageBytes), wire: getBase64EncodedWireTransaction(compiled) };
}

const renter = await signer(1), operator = await signer(2);
const ix = await rp.instructions(programId);
const [escrow1] = await rp.escrowPda(programId, renter.address, rentalId(1));
const [escrow2] = await rp.escrowPda(programId, renter.address, rentalId(2));
const openArgs = { rentalId: rentalId(1), host: keys.host.address, amount: 2_000_000_000n, expiresAt: 1_800_000_000n };
const transactions = {
  blockhash,
  // what GET /payment returns: unsigned, the renter as fee payer (a bare address: the wallet signs)
  openUnsigned: await tx(renter, [await ix.open(renter.address, openArgs)], { sign: false }),
  openSigned: await tx(renter, [await ix.open(renter, openArgs)]),
  topUpUnsigned: await tx(renter, [ix.topUp(renter.address, escrow1, 5_000_000n, 1_800_003_600n)], { sign: false }),
  settleManySigned: await tx(operator, [ix.settleMany(operator, keys.treasury.address, [
    { escrow: escrow1, host: keys.host.address, renter: renter.address, used: 1_500_000n },
    { escrow: escrow2, host: keys.host2.address, renter: renter.address, used: 0n }])]),
};

// token escrows: the vault PDA, associated token accounts, open_token / settle_token data and whole transactions
const mint = (await signer(8)).address;
const [vault1, vault1Bump] = await rp.vaultPda(programId, escrow1);
const token = {
  mint,
  vault: { escrow: escrow1, address: vault1, bump: vault1Bump },
  atas: await Promise.all(['renter', 'host', 'treasury'].map(async (n) => ({ owner: keys[n].address, address: await rp.associatedTokenAddress(keys[n].address, mint) }))),
  data: {
    openToken: hex(rp.data.openToken({ rentalId: rentalId(1), host: keys.host.address, amount: 25_000_000n, expiresAt: 1_800_000_000n })),
    settleToken: hex(rp.data.settleToken(12_345_678n)),
    reclaimToken: hex(rp.data.reclaimToken()),
    topUpToken: hex(rp.data.topUpToken({ amount: 7_000_000n, newExpiresAt: 1_800_003_600n })),
  },
  topUpTokenUnsigned: await tx(renter, [await ix.topUpToken(renter.address, { escrow: escrow1,
    renterToken: await rp.associatedTokenAddress(renter.address, mint), amount: 7_000_000n, newExpiresAt: 1_800_003_600n })], { sign: false }),
  openTokenUnsigned: await tx(renter, [await ix.openToken(renter.address, { ...openArgs, amount: 25_000_000n, mint })], { sign: false }),
  settleTokenSigned: await tx(operator, [
    await rp.token.createAta(operator, keys.host.address, mint), await rp.token.createAta(operator, keys.treasury.address, mint),
    await rp.token.createAta(operator, renter.address, mint),
    await ix.settleToken(operator, { escrow: escrow1, hostToken: await rp.associatedTokenAddress(keys.host.address, mint),
      treasuryToken: await rp.associatedTokenAddress(keys.treasury.address, mint), renterToken: await rp.associatedTokenAddress(renter.address, mint),
      renter: renter.address, used: 12_345_678n })]),
  reclaimTokenUnsigned: await tx(renter, [await ix.reclaimToken(renter.address, { escrow: escrow1,
    renterToken: await rp.associatedTokenAddress(renter.address, mint) })], { sign: false }),
};

// events: a transaction's logs with our program's frames, a nested frame of another program that logs look-alike
// lines, a truncated payload, an unknown name, and a failed inner frame
const u8 = (n) => new Uint8Array(n);
const le64 = (v) => { const b = u8(8); new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true); return b; };
const le16 = (v) => { const b = u8(2); new DataView(b.buffer).setUint16(0, v, true); return b; };
const cat = (...xs) => { const out = u8(xs.reduce((a, x) => a + x.length, 0)); let o = 0; for (const x of xs) { out.set(x, o); o += x.length; } return out; };
const key = (a) => rp.keyBytes(a);
const line = (name, payload) => `Program data: ${b64(Buffer.from(name, 'latin1'))} ${b64(payload)}`;
const opened = cat(rentalId(1), key(keys.renter.address), key(keys.host.address), u8(32), le64(2_000_000_000n), le64(1_800_000_000n), le16(250));
const settled = cat(rentalId(1), key(keys.renter.address), key(keys.host.address), le64(1_462_500n), le64(37_500n), le64(1_998_500_000n));
const reclaimed = cat(rentalId(2), key(keys.renter.address), le64(777n));
const toppedUp = cat(rentalId(1), key(keys.renter.address), le64(5_000_000n), le64(2_005_000_000n), le64(1_800_003_600n));
const skipped = key(escrow2);
const other = keys.host2.address; // "another program"
const logs = [
  `Program ${other} invoke [1]`,
  line('Opened', opened), // another program's frame: not ours
  `Program ${programId} invoke [2]`,
  line('Opened', opened),
  'Program log: something',
  `Program ${programId} consumed 3915 of 200000 compute units`,
  `Program ${programId} success`,
  line('Settled', settled), // back in the other program's frame
  `Program ${other} success`,
  `Program ${programId} invoke [1]`,
  `Program 11111111111111111111111111111111 invoke [2]`,
  line('Reclaimed', reclaimed), // inside the system program's frame: not ours
  `Program 11111111111111111111111111111111 success`,
  line('Settled', settled),
  line('Settled', settled.subarray(0, 119)), // truncated: dropped
  line('Unknown', settled), // unknown name: dropped
  line('SettleSkipped', skipped),
  line('ToppedUp', toppedUp),
  line('Reclaimed', reclaimed),
  `Program ${programId} success`,
];
const json = (v) => JSON.parse(JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? hex(x) : x)));
const events = { programId, logs, parsed: json(rp.parseEvents(logs, programId)) };

process.stdout.write(JSON.stringify({ keys, programId, pdas, data, transactions, events, token }, null, 2) + '\n');
