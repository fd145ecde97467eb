#!/usr/bin/env node
// cu-report.mjs CU.jsonl OUT.md — the compute-unit table of test.sh (lines {"ix","cu"} -> min–max per instruction).
import fs from "node:fs";
    
    const rows = new Map();
    for (const l of fs.readFileSync(process.argv[2], "utf8").split("\n").filter(Boolean)) {
      const { ix, cu } = JSON.parse(l);
      const r = rows.get(ix) || { min: Infinity, max: 0 };
      rows.set(ix, { min: Math.min(r.min, cu), max: Math.max(r.max, cu) });
    }
    const order = ["initialize","set_operator","open (escrow bump 255)","open (escrow bump 254)","open (address pre-funded)","top_up",
      "settle","settle_many (1)","settle_many (5)","settle_many (10)","reclaim","stake (first)","stake (more)","request_unstake",
      "cancel_unstake","unstake","slash","claim"];
    const names = [...order.filter((n) => rows.has(n)), ...[...rows.keys()].filter((n) => !order.includes(n)).sort()];
    const fmt = (n) => n.toLocaleString("en-US");
    const lines = ["| instruction | compute units |", "|---|---:|",
      ...names.map((n) => { const r = rows.get(n); return `| ${n} | ${r.min === r.max ? fmt(r.min) : fmt(r.min) + " – " + fmt(r.max)} |`; })];
    const table = lines.join("\n");
    console.log("\n" + table + "\n");
    fs.writeFileSync(process.argv[3], `# Compute units (respool_escrow on litesvm 1.5.0)

Written by \`contracts/solana/test.sh\` from the transactions the tests send (one instruction per
transaction; \`computeUnitsConsumed\`, which includes the CPIs the instruction makes). Aims: open
≤ 10,000, settle ≤ 5,000.

${table}

- \`open\` and \`stake (first)\` find the canonical bump of a new PDA with
  \`sol_try_find_program_address\`: 1,500 CU per candidate bump tried. Bump 255 (half of all
  addresses) is the cheapest; each lower bump adds 1,500 (a rental id whose escrow has bump 254 or
  less costs 5,415 or more; 6 or more tries, about 1 address in 32, would exceed 10,000). The
  gateway picks rental ids, so it can pick ones whose escrow bump is 255 for the renter's key.
- \`initialize\` derives two PDAs (ProgramData and the config), once per deployment.
- \`open (address pre-funded)\`: someone sent lamports to the escrow address first; the program
  takes it over with transfer + allocate + assign (three CPIs instead of one).
- \`settle_many (n)\` is per batch: about 1,560 CU per rental after the first.
`);
