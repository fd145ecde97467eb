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
      "cancel_unstake","unstake","slash","claim","open_token (escrow and vault bump 255)","settle_token","settle_token (used 0)",
      "reclaim_token","propose_admin (first: config grows)","propose_admin","accept_admin"];
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
  less costs 5,444 or more; 6 or more tries, about 1 address in 32, would exceed 10,000). The
  gateway picks rental ids, so it can pick ones whose escrow bump is 255 for the renter's key.
- \`initialize\` derives two PDAs (ProgramData and the config), once per deployment.
- \`open (address pre-funded)\`: someone sent lamports to the escrow address first; the program
  takes it over with transfer + allocate + assign (three CPIs instead of one).
- \`settle_many (n)\` is per batch: about 1,560 CU per rental after the first.
- Token escrows: every Token program call is a CPI (1,000 CU each plus the callee, ~100 with the
  pinocchio Token program litesvm ships). \`settle_token\` makes four (host, fee, refund, close the
  vault; a zero amount is skipped) and re-derives the vault address (1,500): it does not meet the
  5,000 aim and cannot with four CPIs (their base cost alone is 4,000). \`open_token\` creates the
  escrow and the vault (two system CPIs), initializes the vault and moves the deposit (two token
  CPIs) and finds two PDAs; the figure is for a rental id whose escrow and vault both have bump 255.
`);
