#!/usr/bin/env node
// sbf-link.mjs IN.o OUT.so — links ONE relocatable BPF object (clang -target bpfel -mcpu=v1) into
// the shared object the Solana "SBPF v0" loader accepts (what the BPF upgradeable loader runs).
//
// Why not ld.lld: Debian's lld 14 does not know R_BPF_64_32, the relocation clang emits for a
// call to an external function. SBPF v0 needs exactly that: a syscall is `call -1` plus a dynamic
// R_BPF_64_32 relocation naming the syscall, which the loader resolves by the murmur3 hash of the
// name. (A `call <hash>` written directly is taken for a relative call by the v0 loader.) So this
// does the little an SBF link needs, deterministically, with nothing but node:
//   .text                 copied; calls to global functions resolved pc-relative
//   .rodata*              concatenated into one .rodata; lddw of their addresses become
//                         R_BPF_64_RELATIVE (the loader adds the VM's program base)
//   calls to undefined    R_BPF_64_32 against a .dynsym entry of that name; only names in
//   functions             SYSCALLS are accepted (a stray memcpy call fails the build, not the load)
// Layout (virtual address == file offset, as the loader requires): ELF header, 4 program
// headers, .text, .rodata, .dynamic, .dynsym, .dynstr, .rel.dyn, .shstrtab, section headers.
// Writable globals (.data/.bss) are refused: SBF programs have none.
import fs from 'node:fs';

const SYSCALLS = new Set([
  'sol_log_', 'sol_log_64_', 'sol_log_data', 'sol_log_pubkey', 'sol_log_compute_units_',
  'sol_create_program_address', 'sol_try_find_program_address', 'sol_invoke_signed_c',
  'sol_get_clock_sysvar', 'sol_get_rent_sysvar', 'sol_memcpy_', 'sol_memset_', 'sol_memcmp_',
  'sol_memmove_', 'sol_set_return_data', 'sol_panic_', 'abort',
]);

const [inPath, outPath] = process.argv.slice(2);
if (!inPath || !outPath) { console.error('usage: sbf-link.mjs IN.o OUT.so'); process.exit(2); }
const o = fs.readFileSync(inPath);
const fail = (m) => { console.error(`sbf-link: ${m}`); process.exit(1); };

// --- read the object ---------------------------------------------------------------------------
if (o.readUInt32BE(0) !== 0x7f454c46 || o[4] !== 2 || o[5] !== 1) fail('not a 64-bit little-endian ELF');
if (o.readUInt16LE(16) !== 1 || o.readUInt16LE(18) !== 247) fail('not a relocatable BPF object');
const shoff = Number(o.readBigUInt64LE(0x28)), shnum = o.readUInt16LE(0x3c), shstrndx = o.readUInt16LE(0x3e);
const sec = [];
for (let i = 0; i < shnum; i++) {
  const b = shoff + i * 64;
  sec.push({
    nameOff: o.readUInt32LE(b), type: o.readUInt32LE(b + 4), flags: Number(o.readBigUInt64LE(b + 8)),
    offset: Number(o.readBigUInt64LE(b + 24)), size: Number(o.readBigUInt64LE(b + 32)),
    link: o.readUInt32LE(b + 40), info: o.readUInt32LE(b + 44), align: Number(o.readBigUInt64LE(b + 48)) || 1,
  });
}
const cstr = (buf, off) => { let e = off; while (buf[e]) e++; return buf.toString('latin1', off, e); };
for (const s of sec) s.name = cstr(o, sec[shstrndx].offset + s.nameOff);
const SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXEC = 4;

const symtab = sec.find((s) => s.type === 2);
if (!symtab) fail('no symbol table');
const syms = [];
for (let off = symtab.offset; off < symtab.offset + symtab.size; off += 24) {
  syms.push({
    name: cstr(o, sec[symtab.link].offset + o.readUInt32LE(off)), info: o[off + 4],
    shndx: o.readUInt16LE(off + 6), value: Number(o.readBigUInt64LE(off + 8)), size: Number(o.readBigUInt64LE(off + 16)),
  });
}

const textIdx = sec.findIndex((s) => s.name === '.text');
if (textIdx < 0) fail('no .text');
sec.forEach((s, i) => {
  if (!(s.flags & SHF_ALLOC) || s.size === 0) return;
  if (s.flags & SHF_EXEC && i !== textIdx) fail(`code outside .text: ${s.name}`);
  if (s.flags & SHF_WRITE || s.type === 8 /* NOBITS */) fail(`writable global data is not supported: ${s.name}`);
});
const rodataIdx = sec.map((s, i) => i).filter((i) => i !== textIdx && sec[i].flags & SHF_ALLOC && sec[i].size > 0);
for (const i of rodataIdx) if (!sec[i].name.startsWith('.rodata')) fail(`unexpected section ${sec[i].name}`);
for (const s of sec) {
  if (s.type === 4) fail(`RELA relocations are not supported (${s.name})`);
  if (s.type === 9 && s.info !== textIdx && sec[s.info].flags & SHF_ALLOC) fail(`relocations in ${sec[s.info].name} (pointer tables) are not supported`);
}

// --- layout -----------------------------------------------------------------------------------
const align = (x, a) => Math.ceil(x / a) * a;
const EHDR = 64, PHDR = 56, PHNUM = 4;
const textAddr = align(EHDR + PHNUM * PHDR, 8);
const text = Buffer.from(o.subarray(sec[textIdx].offset, sec[textIdx].offset + sec[textIdx].size));
const rodataAddr = align(textAddr + text.length, 8);
const outAddr = new Map([[textIdx, textAddr]]); // input section index -> output address
let rodataLen = 0;
for (const i of rodataIdx) { rodataLen = align(rodataLen, sec[i].align); outAddr.set(i, rodataAddr + rodataLen); rodataLen += sec[i].size; }
const rodata = Buffer.alloc(rodataLen);
for (const i of rodataIdx) o.copy(rodata, outAddr.get(i) - rodataAddr, sec[i].offset, sec[i].offset + sec[i].size);

// --- relocate .text ----------------------------------------------------------------------------
const dynNames = ['entrypoint']; // .dynsym[1] is the entrypoint, syscalls follow
const rels = []; // [offset, type, dynsym index]
const relText = sec.find((s) => s.type === 9 && s.info === textIdx);
for (let off = relText ? relText.offset : 0; relText && off < relText.offset + relText.size; off += 16) {
  const at = Number(o.readBigUInt64LE(off)), info = o.readBigUInt64LE(off + 8);
  const sym = syms[Number(info >> 32n)], type = Number(info & 0xffffffffn);
  if (type === 1) { // R_BPF_64_64: lddw rX, <address of sym + addend>
    if (!outAddr.has(sym.shndx)) fail(`address of ${sym.name || 'a section'} outside .text/.rodata`);
    const addr = outAddr.get(sym.shndx) + sym.value + text.readUInt32LE(at + 4);
    text.writeUInt32LE(addr >>> 0, at + 4);
    text.writeUInt32LE(Math.floor(addr / 2 ** 32), at + 12);
    rels.push([textAddr + at, 8 /* R_BPF_64_RELATIVE */, 0]);
  } else if (type === 10) { // R_BPF_64_32: call
    if (sym.shndx === 0) {
      if (!SYSCALLS.has(sym.name)) fail(`call to unknown external function ${sym.name} (not a syscall)`);
      let k = dynNames.indexOf(sym.name);
      if (k < 0) k = dynNames.push(sym.name) - 1;
      text.writeInt32LE(-1, at + 4);
      rels.push([textAddr + at, 10, k + 1]);
    } else if (sym.shndx === textIdx) {
      text.writeInt32LE((sym.value - at) / 8 - 1, at + 4); // pc-relative, in instructions
    } else fail(`call into ${sec[sym.shndx].name}`);
  } else fail(`unsupported relocation type ${type} against ${sym.name}`);
}
const entry = syms.find((s) => s.name === 'entrypoint' && s.shndx === textIdx && (s.info >> 4) === 1);
if (!entry) fail('no global entrypoint in .text');

// --- dynamic tables ----------------------------------------------------------------------------
const dynstr = Buffer.concat([Buffer.from([0]), ...dynNames.map((n) => Buffer.from(n + '\0', 'latin1'))]);
const strOff = []; { let p = 1; for (const n of dynNames) { strOff.push(p); p += n.length + 1; } }
const dynsym = Buffer.alloc(24 * (dynNames.length + 1));
dynNames.forEach((n, i) => {
  const b = 24 * (i + 1);
  dynsym.writeUInt32LE(strOff[i], b);
  if (i === 0) { // entrypoint: GLOBAL FUNC in .text (output section 1)
    dynsym[b + 4] = 0x12; dynsym.writeUInt16LE(1, b + 6);
    dynsym.writeBigUInt64LE(BigInt(textAddr + entry.value), b + 8); dynsym.writeBigUInt64LE(BigInt(entry.size), b + 16);
  } else dynsym[b + 4] = 0x10; // GLOBAL NOTYPE, undefined: a syscall
});
const reldyn = Buffer.alloc(16 * rels.length);
rels.forEach(([at, type, s], i) => { reldyn.writeBigUInt64LE(BigInt(at), 16 * i); reldyn.writeBigUInt64LE((BigInt(s) << 32n) | BigInt(type), 16 * i + 8); });

const dynamicAddr = align(rodataAddr + rodata.length, 8);
const DYN_N = rels.length ? 10 : 6;
const dynsymAddr = dynamicAddr + 16 * DYN_N;
const dynstrAddr = dynsymAddr + dynsym.length;
const reldynAddr = align(dynstrAddr + dynstr.length, 8);
const dynEntries = [[6, dynsymAddr], [11, 24], [5, dynstrAddr], [10, dynstr.length]];
if (rels.length) dynEntries.push([17, reldynAddr], [18, reldyn.length], [19, 16], [30, 4 /* DF_TEXTREL */]);
dynEntries.push([22 /* DT_TEXTREL */, 0]); // keep the entry count fixed
while (dynEntries.length < DYN_N) dynEntries.push([0, 0]);
const dynamic = Buffer.alloc(16 * DYN_N);
dynEntries.forEach(([t, v], i) => { dynamic.writeBigUInt64LE(BigInt(t), 16 * i); dynamic.writeBigUInt64LE(BigInt(v), 16 * i + 8); });
dynamic.fill(0, 16 * (DYN_N - 1)); // DT_NULL last

const shstrNames = ['', '.text', '.rodata', '.dynamic', '.dynsym', '.dynstr', '.rel.dyn', '.shstrtab'];
const shstrtab = Buffer.from(shstrNames.join('\0') + '\0', 'latin1');
const shstrAddr = reldynAddr + reldyn.length;
const shAddr = align(shstrAddr + shstrtab.length, 8);
const size = shAddr + 64 * shstrNames.length;

// --- write -------------------------------------------------------------------------------------
const out = Buffer.alloc(size);
out.write('\x7fELF', 0, 'latin1'); out[4] = 2; out[5] = 1; out[6] = 1; // 64-bit, LE, version 1, OSABI 0
out.writeUInt16LE(3, 16); out.writeUInt16LE(247, 18); out.writeUInt32LE(1, 20); // ET_DYN, EM_BPF
out.writeBigUInt64LE(BigInt(textAddr + entry.value), 24);
out.writeBigUInt64LE(BigInt(EHDR), 32); out.writeBigUInt64LE(BigInt(shAddr), 40);
out.writeUInt16LE(EHDR, 52); out.writeUInt16LE(PHDR, 54); out.writeUInt16LE(PHNUM, 56);
out.writeUInt16LE(64, 58); out.writeUInt16LE(shstrNames.length, 60); out.writeUInt16LE(shstrNames.length - 1, 62);
const phdr = (i, type, flags, addr, len) => {
  const b = EHDR + i * PHDR;
  out.writeUInt32LE(type, b); out.writeUInt32LE(flags, b + 4);
  for (const k of [8, 16, 24]) out.writeBigUInt64LE(BigInt(addr), b + k); // offset, vaddr, paddr
  out.writeBigUInt64LE(BigInt(len), b + 32); out.writeBigUInt64LE(BigInt(len), b + 40); out.writeBigUInt64LE(8n, b + 48);
};
phdr(0, 1, 5, textAddr, text.length);                          // PT_LOAD r-x .text
phdr(1, 1, 4, rodataAddr, rodata.length);                      // PT_LOAD r-- .rodata
phdr(2, 1, 4, dynamicAddr, reldynAddr + reldyn.length - dynamicAddr); // PT_LOAD r-- dynamic tables
phdr(3, 2, 4, dynamicAddr, dynamic.length);                    // PT_DYNAMIC
text.copy(out, textAddr); rodata.copy(out, rodataAddr); dynamic.copy(out, dynamicAddr);
dynsym.copy(out, dynsymAddr); dynstr.copy(out, dynstrAddr); reldyn.copy(out, reldynAddr); shstrtab.copy(out, shstrAddr);
const shdr = (i, type, flags, addr, len, link, info, al, entsize) => {
  const b = shAddr + 64 * i;
  out.writeUInt32LE(shstrtab.indexOf(Buffer.from('\0' + shstrNames[i] + '\0', 'latin1')) + 1, b);
  out.writeUInt32LE(type, b + 4); out.writeBigUInt64LE(BigInt(flags), b + 8);
  out.writeBigUInt64LE(BigInt(flags & SHF_ALLOC ? addr : 0), b + 16); out.writeBigUInt64LE(BigInt(addr), b + 24);
  out.writeBigUInt64LE(BigInt(len), b + 32); out.writeUInt32LE(link, b + 40); out.writeUInt32LE(info, b + 44);
  out.writeBigUInt64LE(BigInt(al), b + 48); out.writeBigUInt64LE(BigInt(entsize), b + 56);
};
shdr(1, 1, SHF_ALLOC | SHF_EXEC, textAddr, text.length, 0, 0, 8, 0);
shdr(2, 1, SHF_ALLOC, rodataAddr, rodata.length, 0, 0, 8, 0);
shdr(3, 6, SHF_ALLOC | SHF_WRITE, dynamicAddr, dynamic.length, 5, 0, 8, 16);
shdr(4, 11, SHF_ALLOC, dynsymAddr, dynsym.length, 5, 1, 8, 24);
shdr(5, 3, SHF_ALLOC, dynstrAddr, dynstr.length, 0, 0, 1, 0);
shdr(6, 9, SHF_ALLOC, reldynAddr, reldyn.length, 4, 0, 8, 16);
shdr(7, 3, 0, shstrAddr, shstrtab.length, 0, 0, 1, 0);
fs.writeFileSync(outPath, out);
console.error(`sbf-link: ${outPath}: ${out.length} bytes, .text ${text.length}, .rodata ${rodata.length}, ` +
  `${rels.length} relocations, syscalls: ${dynNames.slice(1).join(' ') || 'none'}`);
