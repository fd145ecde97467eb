// respool_escrow — ResPool's Solana escrow and host-stake program (the counterpart of
// contracts/ethereum RentalEscrow + HostStake). C for SBF v0; layouts, encodings, errors and
// events are specified in contracts/solana/README.md, which the gateway decodes against:
// change both together.
//
// Where a deposit can go, whoever signs:
//  - settle (the operator, once, used <= deposit): used - fee to the host the renter named at
//    open, fee = floor(used * feeBps / 10000) to the treasury fixed in the config (feeBps copied
//    into the escrow at open), the rest (deposit - used, plus the escrow's rent) to the renter;
//    the escrow account is closed in the same instruction.
//  - reclaim (the renter alone, from expiresAt + grace): all of it to the renter, closed.
// A host's stake can go back to the host (after request_unstake + delay) or, slashed by the
// operator, to the treasury. Nothing else moves lamports out of accounts this program owns.
#include "sbf.h"

// ---- errors (custom program errors, returned as the instruction's error code) -----------------
enum {
  E_INVALID_INSTRUCTION = 1,  // empty data or unknown tag
  E_INVALID_DATA_LENGTH,      // 2: data not exactly the instruction's length
  E_ACCOUNT_COUNT,            // 3: not exactly the instruction's accounts
  E_NOT_SIGNER,               // 4
  E_NOT_WRITABLE,             // 5
  E_WRONG_OWNER,              // 6: account not owned by the expected program
  E_WRONG_ADDRESS,            // 7: not the derived (PDA) or well-known address expected
  E_WRONG_KIND,               // 8: owned by this program but not that kind of account, or closed
  E_ALREADY_INITIALIZED,      // 9
  E_NOT_UPGRADE_AUTHORITY,    // 10: initialize not signed by the program's upgrade authority
  E_NOT_ADMIN,                // 11
  E_NOT_OPERATOR,             // 12
  E_ZERO_AMOUNT,              // 13
  E_INVALID_HOST,             // 14: host zero or the escrow itself
  E_EXPIRY_NOT_IN_FUTURE,     // 15
  E_RENTAL_EXISTS,            // 16
  E_NOT_RENTER,               // 17: signer is not the escrow's renter
  E_USED_EXCEEDS_DEPOSIT,     // 18
  E_RECLAIM_TOO_EARLY,        // 19
  E_EXPIRY_NOT_EXTENDED,      // 20
  E_OVERFLOW,                 // 21: checked arithmetic
  E_FEE_TOO_HIGH,             // 22: > 1000 bps
  E_GRACE_TOO_LONG,           // 23: > 30 days
  E_DELAY_TOO_LONG,           // 24: > 90 days
  E_WRONG_HOST,               // 25: host account is not the escrow's host
  E_WRONG_TREASURY,           // 26: treasury account is not the config's
  E_WRONG_RENTER,             // 27: renter account is not the escrow's renter
  E_NO_STAKE,                 // 28
  E_UNSTAKE_PENDING,          // 29
  E_NO_UNSTAKE_REQUESTED,     // 30
  E_UNSTAKE_TOO_EARLY,        // 31
  E_SLASH_EXCEEDS_STAKE,      // 32
  E_NOTHING_TO_CLAIM,         // 33
  E_UNSUPPORTED_RENT,         // 34: rent sysvar with an exemption threshold other than 1 or 2
  E_WRONG_MINT,               // 35: SOL instruction on a token escrow or the reverse, or wrong token mint
  E_TOO_MANY_ACCOUNTS,        // 36: more accounts than this program reads (64)
  E_ZERO_ADDRESS,             // 37: operator or treasury all zeroes
  E_WRONG_TOKEN_ACCOUNT,      // 38: token account of the wrong owner or mint
  E_NO_ESCROW,                // 39: nothing at the escrow address: settled, reclaimed or never opened
  E_NOT_PROPOSED_ADMIN,       // 40: accept_admin by someone other than the proposed admin (or none proposed)
};

// ---- instructions (first byte of the instruction data) ----------------------------------------
enum {
  IX_INITIALIZE = 0, IX_SET_OPERATOR = 1, IX_OPEN = 2, IX_TOP_UP = 3, IX_SETTLE = 4,
  IX_SETTLE_MANY = 5, IX_RECLAIM = 6, IX_STAKE = 7, IX_REQUEST_UNSTAKE = 8,
  IX_CANCEL_UNSTAKE = 9, IX_UNSTAKE = 10, IX_SLASH = 11, IX_CLAIM = 12,
  IX_OPEN_TOKEN = 13, IX_SETTLE_TOKEN = 14, IX_RECLAIM_TOKEN = 15, IX_PROPOSE_ADMIN = 16, IX_ACCEPT_ADMIN = 17,
  IX_TOP_UP_TOKEN = 18,
};

// ---- accounts owned by this program (byte offsets are the documented layout) ------------------
enum { KIND_CONFIG = 1, KIND_ESCROW = 2, KIND_HOST = 3 };
enum { STATUS_OPEN = 1 };

typedef struct {
  u8 kind, bump; u16 fee_bps; u32 reserved;  // 0
  u64 grace;                                 // 8   seconds after expires_at before reclaim
  u64 unstake_delay;                         // 16  seconds from request_unstake to unstake
  Pubkey admin;                              // 24  may replace the operator
  Pubkey operator;                           // 56  settles and slashes
  Pubkey treasury;                           // 88  receives fees and slashes
} Config;                                    // 120
// A config grows to 152 bytes the first time an admin transfer is proposed (two-step: propose by
// the admin, accept by the new admin); configs written before keep working at 120.
#define CONFIG_PENDING_ADMIN 120
#define CONFIG_SIZE_V2 152
typedef struct {
  u8 kind, bump; u16 fee_bps; u8 status, vault_bump; u16 reserved;  // 0
  Pubkey rental_id;                          // 8
  Pubkey renter;                             // 40
  Pubkey host;                               // 72
  Pubkey mint;                               // 104 all zero: SOL
  u64 deposit;                               // 136
  i64 expires_at;                            // 144
} Escrow;                                    // 152
typedef struct {
  u8 kind, bump; u8 reserved[6];             // 0
  Pubkey host;                               // 8
  u64 staked;                                // 40  slashable lamports (the rest is rent + claimable)
  i64 unlock_at;                             // 48  0: no unstake requested
} HostStake;                                 // 56
_Static_assert(sizeof(Config) == 120, "Config layout");
_Static_assert(sizeof(Escrow) == 152, "Escrow layout");
_Static_assert(sizeof(HostStake) == 56, "HostStake layout");

#define MAX_FEE_BPS 1000
#define MAX_GRACE (30L * 24 * 3600)
#define MAX_UNSTAKE_DELAY (90L * 24 * 3600)
#define MAX_ACCOUNTS 64
#define MAX_BATCH 20

// ---- the input, deserialized into the heap (too big for a 512-byte stack frame) ---------------
typedef struct {
  AccountInfo ka[MAX_ACCOUNTS];
  u64 ka_num;
  const u8 *data;
  u64 data_len;
  const Pubkey *program_id;
  u8 event[192];
} Ctx;
#define CTX ((Ctx *)HEAP_START)

// Reads the aligned serialization of the BPF loaders v2/v3 (what litesvm and mainnet use):
// u64 count; per account either [0xff, signer, writable, executable, pad4, key, owner,
// lamports, data_len, data, 10 KiB room, pad to 8, rent_epoch] or [index of the duplicate, pad7];
// then u64 data_len, data, program id.
static u64 deserialize(const u8 *in) {
  Ctx *c = CTX;
  u64 n = *(const u64 *)in;
  in += 8;
  if (n > MAX_ACCOUNTS) return E_TOO_MANY_ACCOUNTS;
  for (u64 i = 0; i < n; i++) {
    AccountInfo *a = &c->ka[i];
    u8 dup = in[0];
    if (dup != 0xff) {
      *a = c->ka[dup];  // same account again: same pointers into the buffer
      in += 8;
      continue;
    }
    a->is_signer = in[1];
    a->is_writable = in[2];
    a->executable = in[3];
    a->key = (Pubkey *)(in + 8);
    a->owner = (Pubkey *)(in + 40);
    a->lamports = (u64 *)(in + 72);
    a->data_len = *(const u64 *)(in + 80);
    a->data = (u8 *)(in + 88);
    in += 88 + a->data_len + MAX_PERMITTED_DATA_INCREASE;
    in = (const u8 *)(((u64)in + 7) & ~7UL);
    a->rent_epoch = *(const u64 *)in;
    in += 8;
  }
  c->ka_num = n;
  c->data_len = *(const u64 *)in;
  c->data = in + 8;
  c->program_id = (const Pubkey *)(in + 8 + c->data_len);
  return 0;
}

// ---- small helpers ----------------------------------------------------------------------------
#define TRY(x) do { u64 _e = (x); if (_e) return _e; } while (0)
#define RD64(off) (*(const u64 *)(c->data + (off)))
#define RDI64(off) (*(const i64 *)(c->data + (off)))
#define RDKEY(off) ((const Pubkey *)(c->data + (off)))

static const Pubkey SYSTEM_PROGRAM = {{0, 0, 0, 0}};
static const Pubkey LOADER_UPGRADEABLE = {{0xb0a1884e91f6a802UL, 0x2bae63f73e1510e2UL, 0xd224c1163db9c200UL, 0x8004107a53c0UL}};
// TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA, the SPL Token program (Token-2022 is not accepted)
static const Pubkey TOKEN_PROGRAM = {{0x93a165d7e1f6dd06UL, 0xac79ebce46e1cbd9UL, 0x91375b5fed85b41cUL, 0xa900ff7e85f58c3aUL}};

// Checks the instruction has exactly `accounts` accounts and `len` bytes of data.
static inline u64 shape(const Ctx *c, u64 accounts, u64 len) {
  if (c->data_len != len) return E_INVALID_DATA_LENGTH;
  if (c->ka_num != accounts) return E_ACCOUNT_COUNT;
  return 0;
}
static inline u64 signer(const AccountInfo *a) { return a->is_signer ? 0 : E_NOT_SIGNER; }
static inline u64 writable(const AccountInfo *a) { return a->is_writable ? 0 : E_NOT_WRITABLE; }
static inline u64 is_system_program(const AccountInfo *a) { return key_eq(a->key, &SYSTEM_PROGRAM) ? 0 : E_WRONG_ADDRESS; }

// An account of ours, of `kind`, at least `size` bytes (closed accounts have kind 0 / no data).
static u64 ours(const Ctx *c, const AccountInfo *a, u8 kind, u64 size) {
  if (!key_eq(a->owner, c->program_id)) return E_WRONG_OWNER;
  if (live_len(a) < size || a->data[0] != kind) return E_WRONG_KIND;
  return 0;
}

// The config, read-only. Ownership + kind is its proof of origin: only `initialize` writes a
// Config, and only at the PDA ["config"].
static u64 load_config(const Ctx *c, const AccountInfo *a, const Config **out) {
  TRY(ours(c, a, KIND_CONFIG, sizeof(Config)));
  *out = (const Config *)a->data;
  return 0;
}

// An open escrow, writable: of SOL (mint zero) or of a token. Only `open`/`open_token` write an
// Escrow, at PDA ["rental", renter, id], and settle/reclaim zero it when they close it.
static u64 load_any_escrow(const Ctx *c, const AccountInfo *a, bool token, Escrow **out) {
  TRY(writable(a));
  if (key_eq(a->owner, &SYSTEM_PROGRAM) && live_len(a) == 0) return E_NO_ESCROW;
  TRY(ours(c, a, KIND_ESCROW, sizeof(Escrow)));
  Escrow *e = (Escrow *)a->data;
  if (e->status != STATUS_OPEN) return E_WRONG_KIND;
  if (key_is_zero(&e->mint) == token) return E_WRONG_MINT;
  *out = e;
  return 0;
}
static u64 load_escrow(const Ctx *c, const AccountInfo *a, Escrow **out) { return load_any_escrow(c, a, false, out); }

static u64 operator_signed(const AccountInfo *op, const Config *cfg) {
  TRY(signer(op));
  return key_eq(op->key, &cfg->operator) ? 0 : E_NOT_OPERATOR;
}

static u64 load_host(const Ctx *c, const AccountInfo *a, HostStake **out) {
  TRY(writable(a));
  TRY(ours(c, a, KIND_HOST, sizeof(HostStake)));
  *out = (HostStake *)a->data;
  return 0;
}

static i64 now(void) {
  Clock clock;
  sol_get_clock_sysvar(&clock);
  return clock.unix_timestamp;
}

// Lamports for an account of `len` data bytes to be rent exempt: (128 + len) * lamports per byte
// * threshold. The threshold is an f64 (2.0 historically, 1.0 since rent was repriced); there is
// no float support here, so the two known values are matched by their bits.
static u64 rent_exempt(u64 len, u64 *out) {
  Rent rent;
  sol_get_rent_sysvar(&rent);
  u64 k;
  if (rent.exemption_threshold_f64_bits == 0x3ff0000000000000UL) k = 1;
  else if (rent.exemption_threshold_f64_bits == 0x4000000000000000UL) k = 2;
  else return E_UNSUPPORTED_RENT;
  if (rent.lamports_per_byte_year > (1UL << 40)) return E_UNSUPPORTED_RENT;  // keeps the product in 64 bits
  *out = (128 + len) * rent.lamports_per_byte_year * k;
  return 0;
}

// floor(amount * bps / 10000) without 128-bit arithmetic: amount = q*10000 + r.
static inline u64 fee_of(u64 amount, u64 bps) { return (amount / 10000) * bps + (amount % 10000) * bps / 10000; }

// Moves lamports out of an account this program owns (no CPI needed) into any writable account.
static u64 pay(AccountInfo *from, AccountInfo *to, u64 amount) {
  if (*from->lamports < amount) return E_OVERFLOW;
  u64 sum;
  if (__builtin_add_overflow(*to->lamports, amount, &sum)) return E_OVERFLOW;
  *from->lamports -= amount;
  *to->lamports = sum;
  return 0;
}

// Closes an account of ours: everything left goes to `to`, the data is zeroed and dropped and the
// account handed back to the system program, so it is as if it never existed (a later `open` of
// the same address starts afresh, and a second settle in the same transaction finds no escrow).
static u64 close_account(AccountInfo *a, AccountInfo *to) {
  TRY(pay(a, to, *a->lamports));
  bytes_zero(a->data, live_len(a));
  live_len(a) = 0;
  key_copy(a->owner, &SYSTEM_PROGRAM);
  return 0;
}

// ---- system program CPIs ----------------------------------------------------------------------
static u64 system_call(const AccountMeta *metas, u64 n_metas, const u8 *data, u64 len,
                       const AccountInfo *infos, u64 n_infos, const SignerSeeds *signer_seeds) {
  const Instruction ix = {&SYSTEM_PROGRAM, metas, n_metas, data, len};
  return sol_invoke_signed_c(&ix, infos, n_infos, signer_seeds, signer_seeds ? 1 : 0);
}

static u64 transfer(AccountInfo *from, AccountInfo *to, u64 lamports) {
  u8 d[12];
  *(u32 *)d = 2;
  *(u64 *)(d + 4) = lamports;
  const AccountMeta m[2] = {{from->key, true, true}, {to->key, true, false}};
  AccountInfo infos[2] = {*from, *to};
  return system_call(m, 2, d, 12, infos, 2, NULL);
}

// Creates the PDA `target` (seeds `s`) with `space` bytes owned by this program, holding its rent
// plus `amount`, both paid by `payer`. If someone already sent lamports to the address (to block
// it), the account is taken over instead: the payer adds `amount` and whatever rent is missing,
// then allocate + assign — so pre-funding an address cannot squat it, and the gift stays in the
// account (it goes to whoever the account is closed to).
static u64 create_owned(AccountInfo *payer, AccountInfo *target, u64 space, u64 amount,
                        const Pubkey *owner, const SignerSeeds *s) {
  AccountInfo infos[2] = {*payer, *target};
  u64 rent, pay_in;
  TRY(rent_exempt(space, &rent));
  u64 have = *target->lamports;
  if (__builtin_add_overflow(have < rent ? rent - have : 0, amount, &pay_in)) return E_OVERFLOW;
  if (have == 0) {
    u8 d[52];
    *(u32 *)d = 0;  // CreateAccount { lamports, space, owner }
    *(u64 *)(d + 4) = pay_in;
    *(u64 *)(d + 12) = space;
    key_copy((Pubkey *)(d + 20), owner);
    const AccountMeta m[2] = {{payer->key, true, true}, {target->key, true, true}};
    return system_call(m, 2, d, 52, infos, 2, s);
  }
  if (pay_in) TRY(transfer(payer, target, pay_in));
  const AccountMeta m[1] = {{target->key, true, true}};
  u8 d[36];
  *(u32 *)d = 8;  // Allocate { space }
  *(u64 *)(d + 4) = space;
  TRY(system_call(m, 1, d, 12, infos + 1, 1, s));
  *(u32 *)d = 1;  // Assign { owner }
  key_copy((Pubkey *)(d + 4), owner);
  return system_call(m, 1, d, 36, infos + 1, 1, s);
}
static u64 create_pda(const Ctx *c, AccountInfo *payer, AccountInfo *target, u64 space, u64 amount,
                      const SignerSeeds *s) {
  return create_owned(payer, target, space, amount, c->program_id, s);
}

// ---- events -----------------------------------------------------------------------------------
// One `sol_log_data` per event with two fields: the event name (ASCII) and a fixed little-endian
// payload. In the transaction's logMessages: "Program data: <base64 name> <base64 payload>".
static void emit(const char *name, u64 name_len, u64 payload_len) {
  const Slice f[2] = {{name, name_len}, {CTX->event, payload_len}};
  sol_log_data(f, 2);
}
#define EV_KEY(off, k) key_copy((Pubkey *)(CTX->event + (off)), (k))
#define EV_U64(off, v) (*(u64 *)(CTX->event + (off)) = (u64)(v))
#define EV_U8(off, v) (CTX->event[off] = (u8)(v))

// ---- config -----------------------------------------------------------------------------------
// initialize: [admin (signer, writable, the program's upgrade authority), config (writable),
// program data (the program's ProgramData account), system program]
// data: operator[32] treasury[32] fee_bps u16 grace u64 unstake_delay u64
static u64 initialize(Ctx *c) {
  TRY(shape(c, 4, 83));
  AccountInfo *admin = &c->ka[0], *config = &c->ka[1], *pdata = &c->ka[2];
  TRY(signer(admin)); TRY(writable(admin)); TRY(writable(config)); TRY(is_system_program(&c->ka[3]));

  // Only the upgrade authority may initialize: else anyone could front-run the deployer and
  // name themselves admin. ProgramData lives at PDA([program id], upgradeable loader) and reads
  // u32 3, u64 slot, u8 1 (Some), authority[32], ELF...
  Pubkey expected; u8 pbump;
  const Slice ps[1] = {{c->program_id, 32}};
  if (sol_try_find_program_address(ps, 1, &LOADER_UPGRADEABLE, &expected, &pbump) != 0) return E_WRONG_ADDRESS;
  if (!key_eq(pdata->key, &expected)) return E_WRONG_ADDRESS;
  if (!key_eq(pdata->owner, &LOADER_UPGRADEABLE)) return E_WRONG_OWNER;
  if (live_len(pdata) < 45 || *(u32 *)pdata->data != 3 || pdata->data[12] != 1 ||
      !key_eq((const Pubkey *)(pdata->data + 13), admin->key))
    return E_NOT_UPGRADE_AUTHORITY;

  const Pubkey *operator = RDKEY(1), *treasury = RDKEY(33);
  u16 fee_bps = *(const u16 *)(c->data + 65);
  u64 grace = RD64(67), delay = RD64(75);
  if (key_is_zero(operator) || key_is_zero(treasury)) return E_ZERO_ADDRESS;
  if (fee_bps > MAX_FEE_BPS) return E_FEE_TOO_HIGH;
  if (grace > MAX_GRACE) return E_GRACE_TOO_LONG;
  if (delay > MAX_UNSTAKE_DELAY) return E_DELAY_TOO_LONG;

  if (key_eq(config->owner, c->program_id)) return E_ALREADY_INITIALIZED;
  Pubkey addr; u8 bump;
  Slice seeds[2] = {{"config", 6}, {&bump, 1}};
  if (sol_try_find_program_address(seeds, 1, c->program_id, &addr, &bump) != 0) return E_WRONG_ADDRESS;
  if (!key_eq(config->key, &addr)) return E_WRONG_ADDRESS;
  const SignerSeeds ss = {seeds, 2};
  TRY(create_pda(c, admin, config, sizeof(Config), 0, &ss));

  Config *cfg = (Config *)config->data;
  cfg->kind = KIND_CONFIG; cfg->bump = bump; cfg->fee_bps = fee_bps;
  cfg->grace = grace; cfg->unstake_delay = delay;
  key_copy(&cfg->admin, admin->key); key_copy(&cfg->operator, operator); key_copy(&cfg->treasury, treasury);

  EV_KEY(0, admin->key); EV_KEY(32, operator); EV_KEY(64, treasury);
  *(u16 *)(CTX->event + 96) = fee_bps; EV_U64(98, grace); EV_U64(106, delay);
  emit("Initialized", 11, 114);
  return 0;
}

// set_operator: [admin (signer), config (writable)]; data: new operator[32]
static u64 set_operator(Ctx *c) {
  TRY(shape(c, 2, 33));
  AccountInfo *admin = &c->ka[0], *config = &c->ka[1];
  TRY(signer(admin)); TRY(writable(config));
  TRY(ours(c, config, KIND_CONFIG, sizeof(Config)));
  Config *cfg = (Config *)config->data;
  if (!key_eq(admin->key, &cfg->admin)) return E_NOT_ADMIN;
  if (key_is_zero(RDKEY(1))) return E_ZERO_ADDRESS;
  EV_KEY(0, &cfg->operator); EV_KEY(32, RDKEY(1));
  key_copy(&cfg->operator, RDKEY(1));
  emit("OperatorChanged", 15, 64);
  return 0;
}

// propose_admin: [admin (signer, writable: pays the config's growth to 152 bytes once), config
// (writable), system program]; data: new admin[32] (all zero: withdraw the proposal).
// The admin changes only when the proposed key accepts (accept_admin): a typo cannot lock it out.
static u64 propose_admin(Ctx *c) {
  TRY(shape(c, 3, 33));
  AccountInfo *admin = &c->ka[0], *config = &c->ka[1];
  TRY(signer(admin)); TRY(writable(admin)); TRY(writable(config)); TRY(is_system_program(&c->ka[2]));
  TRY(ours(c, config, KIND_CONFIG, sizeof(Config)));
  if (!key_eq(admin->key, &((const Config *)config->data)->admin)) return E_NOT_ADMIN;
  if (live_len(config) < CONFIG_SIZE_V2) {
    u64 rent;
    TRY(rent_exempt(CONFIG_SIZE_V2, &rent));
    if (*config->lamports < rent) TRY(transfer(admin, config, rent - *config->lamports));
    bytes_zero(config->data + sizeof(Config), CONFIG_SIZE_V2 - sizeof(Config));
    live_len(config) = CONFIG_SIZE_V2;
  }
  key_copy((Pubkey *)(config->data + CONFIG_PENDING_ADMIN), RDKEY(1));
  EV_KEY(0, admin->key); EV_KEY(32, RDKEY(1));
  emit("AdminProposed", 13, 64);
  return 0;
}

// accept_admin: [proposed admin (signer), config (writable)]; no data
static u64 accept_admin(Ctx *c) {
  TRY(shape(c, 2, 1));
  AccountInfo *next = &c->ka[0], *config = &c->ka[1];
  TRY(signer(next)); TRY(writable(config));
  TRY(ours(c, config, KIND_CONFIG, sizeof(Config)));
  Config *cfg = (Config *)config->data;
  Pubkey *pending = (Pubkey *)(config->data + CONFIG_PENDING_ADMIN);
  if (live_len(config) < CONFIG_SIZE_V2 || key_is_zero(pending) || !key_eq(pending, next->key)) return E_NOT_PROPOSED_ADMIN;
  EV_KEY(0, &cfg->admin); EV_KEY(32, next->key);
  key_copy(&cfg->admin, next->key);
  bytes_zero((u8 *)pending, 32);
  emit("AdminChanged", 12, 64);
  return 0;
}

// ---- rentals ----------------------------------------------------------------------------------
// What open and open_token share. The terms (data after the tag: rental_id[32] host[32] amount
// u64 expires_at i64) are checked and the escrow's address derived; `seeds` is left holding its
// seeds and bump, to sign its creation. The renter is in the seeds: nobody else can take "their"
// rental id, whatever they see in flight.
static u64 open_terms(const Ctx *c, const AccountInfo *renter, const AccountInfo *escrow, Slice seeds[4], u8 *bump) {
  const Pubkey *host = RDKEY(33);
  if (RD64(65) == 0) return E_ZERO_AMOUNT;
  if (key_is_zero(host) || key_eq(host, escrow->key)) return E_INVALID_HOST;
  if (RDI64(73) <= now()) return E_EXPIRY_NOT_IN_FUTURE;
  if (key_eq(escrow->owner, c->program_id)) return E_RENTAL_EXISTS;
  seeds[0] = (Slice){"rental", 6}; seeds[1] = (Slice){renter->key, 32}; seeds[2] = (Slice){RDKEY(1), 32}; seeds[3] = (Slice){bump, 1};
  Pubkey addr;
  if (sol_try_find_program_address(seeds, 3, c->program_id, &addr, bump) != 0) return E_WRONG_ADDRESS;
  return key_eq(escrow->key, &addr) ? 0 : E_WRONG_ADDRESS;
}

// Writes the escrow just created from the terms (mint zero for SOL) and emits Opened.
static void record_open(const Ctx *c, const Config *cfg, const AccountInfo *renter, const AccountInfo *escrow, u8 bump,
                        const Pubkey *mint, u8 vault_bump) {
  const Pubkey *id = RDKEY(1), *host = RDKEY(33);
  u64 amount = RD64(65);
  i64 expires_at = RDI64(73);
  Escrow *e = (Escrow *)escrow->data;
  e->kind = KIND_ESCROW; e->bump = bump; e->fee_bps = cfg->fee_bps; e->status = STATUS_OPEN; e->vault_bump = vault_bump;
  key_copy(&e->rental_id, id); key_copy(&e->renter, renter->key); key_copy(&e->host, host); key_copy(&e->mint, mint);
  e->deposit = amount; e->expires_at = expires_at;
  EV_KEY(0, id); EV_KEY(32, renter->key); EV_KEY(64, host); EV_KEY(96, mint);
  EV_U64(128, amount); EV_U64(136, expires_at); *(u16 *)(CTX->event + 144) = cfg->fee_bps;
  emit("Opened", 6, 146);
}

// open: [renter (signer, writable), escrow (writable, PDA ["rental", renter, rental id]),
// config, system program]; data: rental_id[32] host[32] amount u64 expires_at i64
static u64 open(Ctx *c) {
  TRY(shape(c, 4, 81));
  AccountInfo *renter = &c->ka[0], *escrow = &c->ka[1];
  TRY(signer(renter)); TRY(writable(renter)); TRY(writable(escrow)); TRY(is_system_program(&c->ka[3]));
  const Config *cfg;
  TRY(load_config(c, &c->ka[2], &cfg));
  Slice seeds[4]; u8 bump;
  TRY(open_terms(c, renter, escrow, seeds, &bump));
  const SignerSeeds ss = {seeds, 4};
  TRY(create_pda(c, renter, escrow, sizeof(Escrow), RD64(65), &ss));  // rent + deposit in one CPI
  record_open(c, cfg, renter, escrow, bump, &SYSTEM_PROGRAM, 0);
  return 0;
}

// top_up: [renter (signer, writable), escrow (writable), system program]
// data: amount u64 (0: none), new_expires_at i64 (0: keep; never earlier)
static u64 top_up(Ctx *c) {
  TRY(shape(c, 3, 17));
  AccountInfo *renter = &c->ka[0], *escrow = &c->ka[1];
  TRY(signer(renter)); TRY(writable(renter)); TRY(is_system_program(&c->ka[2]));
  Escrow *e;
  TRY(load_escrow(c, escrow, &e));
  if (!key_eq(renter->key, &e->renter)) return E_NOT_RENTER;
  u64 amount = RD64(1);
  i64 new_expires_at = RDI64(9);
  if (amount == 0 && new_expires_at == 0) return E_ZERO_AMOUNT;
  if (new_expires_at != 0) {
    if (new_expires_at < e->expires_at) return E_EXPIRY_NOT_EXTENDED;
    e->expires_at = new_expires_at;
  }
  u64 deposit;
  if (__builtin_add_overflow(e->deposit, amount, &deposit)) return E_OVERFLOW;
  e->deposit = deposit;
  if (amount) TRY(transfer(renter, escrow, amount));

  EV_KEY(0, &e->rental_id); EV_KEY(32, &e->renter);
  EV_U64(64, amount); EV_U64(72, deposit); EV_U64(80, e->expires_at);
  emit("ToppedUp", 8, 88);
  return 0;
}

// Settles one open escrow: host and renter accounts must be the escrow's; the fee is left in
// `fees` for the caller to pay the treasury. Closes the escrow (its rent goes to the renter).
static u64 settle_one(Ctx *c, AccountInfo *escrow, AccountInfo *host, AccountInfo *renter, u64 used, u64 *fees) {
  Escrow *e;
  TRY(load_escrow(c, escrow, &e));
  TRY(writable(host)); TRY(writable(renter));
  if (!key_eq(host->key, &e->host)) return E_WRONG_HOST;
  if (!key_eq(renter->key, &e->renter)) return E_WRONG_RENTER;
  if (used > e->deposit) return E_USED_EXCEEDS_DEPOSIT;
  u64 fee = fee_of(used, e->fee_bps);
  u64 host_amount = used - fee, refund = e->deposit - used;
  if (__builtin_add_overflow(*fees, fee, fees)) return E_OVERFLOW;

  EV_KEY(0, &e->rental_id); EV_KEY(32, &e->renter); EV_KEY(64, &e->host);
  EV_U64(96, host_amount); EV_U64(104, fee); EV_U64(112, refund);
  TRY(pay(escrow, host, host_amount));
  // the fee stays in the escrow's lamports until the caller moves it: take it out first
  if (*escrow->lamports < fee) return E_OVERFLOW;
  *escrow->lamports -= fee;
  TRY(close_account(escrow, renter));  // refund + the escrow's rent
  emit("Settled", 7, 120);
  return 0;
}

// settle: [operator (signer), config, escrow (writable), host (writable), treasury (writable),
// renter (writable)]; data: used u64
static u64 settle(Ctx *c) {
  TRY(shape(c, 6, 9));
  const Config *cfg;
  TRY(load_config(c, &c->ka[1], &cfg));
  TRY(operator_signed(&c->ka[0], cfg));
  AccountInfo *treasury = &c->ka[4];
  TRY(writable(treasury));
  if (!key_eq(treasury->key, &cfg->treasury)) return E_WRONG_TREASURY;
  u64 fees = 0;
  TRY(settle_one(c, &c->ka[2], &c->ka[3], &c->ka[5], RD64(1), &fees));
  u64 sum;
  if (__builtin_add_overflow(*treasury->lamports, fees, &sum)) return E_OVERFLOW;
  *treasury->lamports = sum;
  return 0;
}

// settle_many: [operator (signer), config, treasury (writable), then per rental: escrow
// (writable), host (writable), renter (writable)]; data: count u8 (1..20), count x used u64.
// An escrow that no longer exists (settled or reclaimed before, or earlier in this batch) is
// skipped with a "SettleSkipped" event; any other invalid item fails the whole transaction.
static u64 settle_many(Ctx *c) {
  if (c->data_len < 2) return E_INVALID_DATA_LENGTH;
  u64 n = c->data[1];
  if (n == 0 || n > MAX_BATCH) return E_INVALID_DATA_LENGTH;
  TRY(shape(c, 3 + 3 * n, 2 + 8 * n));
  const Config *cfg;
  TRY(load_config(c, &c->ka[1], &cfg));
  TRY(operator_signed(&c->ka[0], cfg));
  AccountInfo *treasury = &c->ka[2];
  TRY(writable(treasury));
  if (!key_eq(treasury->key, &cfg->treasury)) return E_WRONG_TREASURY;
  u64 fees = 0;
  for (u64 i = 0; i < n; i++) {
    AccountInfo *escrow = &c->ka[3 + 3 * i];
    if (*escrow->lamports == 0 && live_len(escrow) == 0 && key_eq(escrow->owner, &SYSTEM_PROGRAM)) {
      EV_KEY(0, escrow->key);
      emit("SettleSkipped", 13, 32);
      continue;
    }
    TRY(settle_one(c, escrow, &c->ka[4 + 3 * i], &c->ka[5 + 3 * i], RD64(2 + 8 * i), &fees));
  }
  u64 sum;
  if (__builtin_add_overflow(*treasury->lamports, fees, &sum)) return E_OVERFLOW;
  *treasury->lamports = sum;
  return 0;
}

// reclaim: [renter (signer, writable), escrow (writable), config]; no data.
// From expires_at + grace the renter takes back everything (deposit + rent); the escrow closes.
static u64 reclaim(Ctx *c) {
  TRY(shape(c, 3, 1));
  AccountInfo *renter = &c->ka[0], *escrow = &c->ka[1];
  TRY(signer(renter)); TRY(writable(renter));
  const Config *cfg;
  TRY(load_config(c, &c->ka[2], &cfg));
  Escrow *e;
  TRY(load_escrow(c, escrow, &e));
  if (!key_eq(renter->key, &e->renter)) return E_NOT_RENTER;
  i64 at;
  if (__builtin_add_overflow(e->expires_at, (i64)cfg->grace, &at)) return E_OVERFLOW;
  if (now() < at) return E_RECLAIM_TOO_EARLY;
  EV_KEY(0, &e->rental_id); EV_KEY(32, &e->renter); EV_U64(64, e->deposit);
  TRY(close_account(escrow, renter));
  emit("Reclaimed", 9, 72);
  return 0;
}

// ---- SPL token escrows -------------------------------------------------------------------------
// A token escrow is the same Escrow account (mint = the token's mint, deposit in the token's base
// units, lamports = its rent only) plus a vault: an SPL Token account at PDA ["vault", escrow]
// whose authority is the escrow PDA, so only this program, signing with the escrow's seeds, moves
// the deposit out. Token account (165 bytes): mint[0..32], authority ("owner")[32..64], amount u64
// at 64, …, state u8 at 108 (1 initialized, 2 frozen). Mint (82 bytes): is_initialized at 45.
#define TOKEN_ACCOUNT_LEN 165
#define MINT_LEN 82
#define TOKEN_AMOUNT(a) (*(const u64 *)((a)->data + 64))

static inline u64 is_token_program(const AccountInfo *a) { return key_eq(a->key, &TOKEN_PROGRAM) ? 0 : E_WRONG_ADDRESS; }

// A writable, initialized, unfrozen token account of `mint` whose authority is `authority`.
static u64 token_account(const AccountInfo *a, const Pubkey *mint, const Pubkey *authority) {
  TRY(writable(a));
  if (!key_eq(a->owner, &TOKEN_PROGRAM)) return E_WRONG_OWNER;
  if (live_len(a) != TOKEN_ACCOUNT_LEN || a->data[108] != 1) return E_WRONG_TOKEN_ACCOUNT;
  if (!key_eq((const Pubkey *)a->data, mint)) return E_WRONG_MINT;
  if (!key_eq((const Pubkey *)(a->data + 32), authority)) return E_WRONG_TOKEN_ACCOUNT;
  return 0;
}

// The escrow's vault: a token account of the escrow's mint held by the escrow, at the address
// derived from the escrow and the bump stored at open.
static u64 load_vault(const Ctx *c, const AccountInfo *escrow, const Escrow *e, const AccountInfo *vault) {
  TRY(token_account(vault, &e->mint, escrow->key));
  Pubkey addr;
  const Slice seeds[3] = {{"vault", 5}, {escrow->key, 32}, {&e->vault_bump, 1}};
  if (sol_create_program_address(seeds, 3, c->program_id, &addr) != 0 || !key_eq(&addr, vault->key)) return E_WRONG_ADDRESS;
  return 0;
}

// The escrow's seeds, to sign for its vault. They point into the escrow's data: use them before it is closed.
static void escrow_seeds(const Escrow *e, Slice seeds[4]) {
  seeds[0] = (Slice){"rental", 6}; seeds[1] = (Slice){&e->renter, 32}; seeds[2] = (Slice){&e->rental_id, 32}; seeds[3] = (Slice){&e->bump, 1};
}

// CPIs into the Token program get the instruction's whole account table (the runtime picks the
// ones the callee names), which saves copying AccountInfos onto the 512-byte stack. Each entry's
// data_len is refreshed first: the runtime takes it as our view of the length, and an account
// created by an earlier CPI (the vault) would otherwise look truncated to its length at entry.
static u64 token_call(Ctx *c, const AccountMeta *m, u64 n, const u8 *d, u64 len, const SignerSeeds *s) {
  for (u64 i = 0; i < c->ka_num; i++) c->ka[i].data_len = live_len(&c->ka[i]);
  const Instruction ix = {&TOKEN_PROGRAM, m, n, d, len};
  return sol_invoke_signed_c(&ix, c->ka, c->ka_num, s, s ? 1 : 0);
}
// Transfer { amount } (tag 3): [source W, destination W, authority S]; nothing to do for 0.
static u64 token_transfer(Ctx *c, const AccountInfo *from, const AccountInfo *to, const AccountInfo *authority,
                          u64 amount, const SignerSeeds *s) {
  if (amount == 0) return 0;
  u8 d[9];
  d[0] = 3;
  *(u64 *)(d + 1) = amount;
  const AccountMeta m[3] = {{from->key, true, false}, {to->key, true, false}, {authority->key, false, true}};
  return token_call(c, m, 3, d, 9, s);
}
// CloseAccount (tag 9): [account W, destination W, authority S]; the account's rent to destination.
static u64 token_close(Ctx *c, const AccountInfo *account, const AccountInfo *to, const AccountInfo *authority,
                       const SignerSeeds *s) {
  const u8 d[1] = {9};
  const AccountMeta m[3] = {{account->key, true, false}, {to->key, true, false}, {authority->key, false, true}};
  return token_call(c, m, 3, d, 1, s);
}

// open_token: [renter (signer, writable), escrow (writable, PDA ["rental", renter, rental id]),
// config, vault (writable, PDA ["vault", escrow]), mint, renter's token account (writable), token
// program, system program]; data: rental_id[32] host[32] amount u64 expires_at i64.
// The renter pays the escrow's and the vault's rent and moves `amount` tokens into the vault.
static u64 open_token(Ctx *c) {
  TRY(shape(c, 8, 81));
  AccountInfo *renter = &c->ka[0], *escrow = &c->ka[1], *vault = &c->ka[3], *mint = &c->ka[4], *from = &c->ka[5];
  TRY(signer(renter)); TRY(writable(renter)); TRY(writable(escrow)); TRY(writable(vault));
  TRY(is_token_program(&c->ka[6])); TRY(is_system_program(&c->ka[7]));
  const Config *cfg;
  TRY(load_config(c, &c->ka[2], &cfg));
  if (!key_eq(mint->owner, &TOKEN_PROGRAM)) return E_WRONG_OWNER;
  if (live_len(mint) != MINT_LEN || mint->data[45] != 1) return E_WRONG_MINT;
  TRY(token_account(from, mint->key, renter->key));
  Slice seeds[4]; u8 bump, vbump;
  TRY(open_terms(c, renter, escrow, seeds, &bump));
  Pubkey addr;
  Slice vseeds[3] = {{"vault", 5}, {escrow->key, 32}, {&vbump, 1}};
  if (sol_try_find_program_address(vseeds, 2, c->program_id, &addr, &vbump) != 0) return E_WRONG_ADDRESS;
  if (!key_eq(vault->key, &addr)) return E_WRONG_ADDRESS;
  const SignerSeeds ss = {seeds, 4}, vss = {vseeds, 3};
  TRY(create_pda(c, renter, escrow, sizeof(Escrow), 0, &ss));
  TRY(create_owned(renter, vault, TOKEN_ACCOUNT_LEN, 0, &TOKEN_PROGRAM, &vss));
  {  // InitializeAccount3 { owner } (tag 18): [account W, mint]; the escrow is the vault's authority
    u8 d[33];
    d[0] = 18;
    key_copy((Pubkey *)(d + 1), escrow->key);
    const AccountMeta m[2] = {{vault->key, true, false}, {mint->key, false, false}};
    TRY(token_call(c, m, 2, d, 33, NULL));
  }
  TRY(token_transfer(c, from, vault, renter, RD64(65), NULL));
  record_open(c, cfg, renter, escrow, bump, mint->key, vbump);
  return 0;
}

// top_up_token: [renter (signer), escrow (writable), vault (writable), renter's token account
// (writable), token program]; data: amount u64 (0: none), new_expires_at i64 (0: keep; never earlier)
static u64 top_up_token(Ctx *c) {
  TRY(shape(c, 5, 17));
  AccountInfo *renter = &c->ka[0], *escrow = &c->ka[1], *vault = &c->ka[2], *from = &c->ka[3];
  TRY(signer(renter)); TRY(is_token_program(&c->ka[4]));
  Escrow *e;
  TRY(load_any_escrow(c, escrow, true, &e));
  if (!key_eq(renter->key, &e->renter)) return E_NOT_RENTER;
  TRY(load_vault(c, escrow, e, vault));
  TRY(token_account(from, &e->mint, renter->key));
  u64 amount = RD64(1);
  i64 new_expires_at = RDI64(9);
  if (amount == 0 && new_expires_at == 0) return E_ZERO_AMOUNT;
  if (new_expires_at != 0 && new_expires_at < e->expires_at) return E_EXPIRY_NOT_EXTENDED;
  u64 deposit;
  if (__builtin_add_overflow(e->deposit, amount, &deposit)) return E_OVERFLOW;
  TRY(token_transfer(c, from, vault, renter, amount, NULL));  // before the escrow is written: the CPI sees it unchanged
  if (new_expires_at != 0) e->expires_at = new_expires_at;
  e->deposit = deposit;
  EV_KEY(0, &e->rental_id); EV_KEY(32, &e->renter);
  EV_U64(64, amount); EV_U64(72, deposit); EV_U64(80, e->expires_at);
  emit("ToppedUp", 8, 88);
  return 0;
}

// settle_token: [operator (signer), config, escrow (writable), vault (writable), host's token
// account (writable), treasury's token account (writable), renter's token account (writable),
// renter (writable: gets the escrow's and the vault's rent), token program]; data: used u64.
// Tokens: used − fee to the host, fee to the treasury, the rest of the vault (deposit − used, plus
// anything sent to it) to the renter; the vault and the escrow are closed.
static u64 settle_token(Ctx *c) {
  TRY(shape(c, 9, 9));
  const Config *cfg;
  TRY(load_config(c, &c->ka[1], &cfg));
  TRY(operator_signed(&c->ka[0], cfg));
  AccountInfo *escrow = &c->ka[2], *vault = &c->ka[3], *renter = &c->ka[7];
  TRY(is_token_program(&c->ka[8]));
  Escrow *e;
  TRY(load_any_escrow(c, escrow, true, &e));
  TRY(load_vault(c, escrow, e, vault));
  TRY(token_account(&c->ka[4], &e->mint, &e->host));
  TRY(token_account(&c->ka[5], &e->mint, &cfg->treasury));
  TRY(token_account(&c->ka[6], &e->mint, &e->renter));
  TRY(writable(renter));
  if (!key_eq(renter->key, &e->renter)) return E_WRONG_RENTER;
  u64 used = RD64(1);
  if (used > e->deposit) return E_USED_EXCEEDS_DEPOSIT;
  u64 held = TOKEN_AMOUNT(vault);
  if (held < e->deposit) return E_OVERFLOW;  // cannot happen: only the escrow's seeds move tokens out
  u64 fee = fee_of(used, e->fee_bps), host_amount = used - fee;

  EV_KEY(0, &e->rental_id); EV_KEY(32, &e->renter); EV_KEY(64, &e->host);
  EV_U64(96, host_amount); EV_U64(104, fee); EV_U64(112, e->deposit - used);
  Slice seeds[4];
  escrow_seeds(e, seeds);
  const SignerSeeds ss = {seeds, 4};
  TRY(token_transfer(c, vault, &c->ka[4], escrow, host_amount, &ss));
  TRY(token_transfer(c, vault, &c->ka[5], escrow, fee, &ss));
  TRY(token_transfer(c, vault, &c->ka[6], escrow, held - used, &ss));
  TRY(token_close(c, vault, renter, escrow, &ss));
  TRY(close_account(escrow, renter));
  emit("Settled", 7, 120);
  return 0;
}

// reclaim_token: [renter (signer, writable), escrow (writable), config, vault (writable), renter's
// token account (writable), token program]; no data. From expires_at + grace: all the vault's
// tokens to the renter's token account, the vault's and the escrow's rent to the renter; closed.
static u64 reclaim_token(Ctx *c) {
  TRY(shape(c, 6, 1));
  AccountInfo *renter = &c->ka[0], *escrow = &c->ka[1], *vault = &c->ka[3], *to = &c->ka[4];
  TRY(signer(renter)); TRY(writable(renter)); TRY(is_token_program(&c->ka[5]));
  const Config *cfg;
  TRY(load_config(c, &c->ka[2], &cfg));
  Escrow *e;
  TRY(load_any_escrow(c, escrow, true, &e));
  if (!key_eq(renter->key, &e->renter)) return E_NOT_RENTER;
  TRY(load_vault(c, escrow, e, vault));
  TRY(token_account(to, &e->mint, &e->renter));
  i64 at;
  if (__builtin_add_overflow(e->expires_at, (i64)cfg->grace, &at)) return E_OVERFLOW;
  if (now() < at) return E_RECLAIM_TOO_EARLY;
  EV_KEY(0, &e->rental_id); EV_KEY(32, &e->renter); EV_U64(64, e->deposit);
  Slice seeds[4];
  escrow_seeds(e, seeds);
  const SignerSeeds ss = {seeds, 4};
  TRY(token_transfer(c, vault, to, escrow, TOKEN_AMOUNT(vault), &ss));
  TRY(token_close(c, vault, renter, escrow, &ss));
  TRY(close_account(escrow, renter));
  emit("Reclaimed", 9, 72);
  return 0;
}

// ---- host stake -------------------------------------------------------------------------------
// stake: [host (signer, writable), host stake (writable, PDA ["host", host]), system program]
// data: amount u64. Refused while an unstake is pending (cancel it first).
static u64 stake(Ctx *c) {
  TRY(shape(c, 3, 9));
  AccountInfo *host = &c->ka[0], *acct = &c->ka[1];
  TRY(signer(host)); TRY(writable(host)); TRY(writable(acct)); TRY(is_system_program(&c->ka[2]));
  u64 amount = RD64(1);
  if (amount == 0) return E_ZERO_AMOUNT;
  HostStake *h;
  if (key_eq(acct->owner, c->program_id)) {
    TRY(load_host(c, acct, &h));
    if (!key_eq(&h->host, host->key)) return E_WRONG_ADDRESS;
    if (h->unlock_at != 0) return E_UNSTAKE_PENDING;
    u64 total;
    if (__builtin_add_overflow(h->staked, amount, &total)) return E_OVERFLOW;
    TRY(transfer(host, acct, amount));
    h->staked = total;
  } else {
    Pubkey addr; u8 bump;
    Slice seeds[3] = {{"host", 4}, {host->key, 32}, {&bump, 1}};
    if (sol_try_find_program_address(seeds, 2, c->program_id, &addr, &bump) != 0) return E_WRONG_ADDRESS;
    if (!key_eq(acct->key, &addr)) return E_WRONG_ADDRESS;
    const SignerSeeds ss = {seeds, 3};
    TRY(create_pda(c, host, acct, sizeof(HostStake), amount, &ss));
    h = (HostStake *)acct->data;
    h->kind = KIND_HOST; h->bump = bump; key_copy(&h->host, host->key);
    h->staked = amount;
  }
  EV_KEY(0, host->key); EV_U64(32, amount); EV_U64(40, h->staked);
  emit("HostStaked", 10, 48);
  return 0;
}

// The host's own stake account, the host signing.
static u64 own_stake(Ctx *c, HostStake **h) {
  TRY(signer(&c->ka[0]));
  TRY(load_host(c, &c->ka[1], h));
  return key_eq(&(*h)->host, c->ka[0].key) ? 0 : E_WRONG_ADDRESS;
}

// request_unstake: [host (signer), host stake (writable), config]; no data
static u64 request_unstake(Ctx *c) {
  TRY(shape(c, 3, 1));
  HostStake *h;
  TRY(own_stake(c, &h));
  const Config *cfg;
  TRY(load_config(c, &c->ka[2], &cfg));
  if (h->staked == 0) return E_NO_STAKE;
  if (h->unlock_at != 0) return E_UNSTAKE_PENDING;
  if (__builtin_add_overflow(now(), (i64)cfg->unstake_delay, &h->unlock_at)) return E_OVERFLOW;
  EV_KEY(0, &h->host); EV_U64(32, h->staked); EV_U64(40, h->unlock_at);
  emit("UnstakeRequested", 16, 48);
  return 0;
}

// cancel_unstake: [host (signer), host stake (writable)]; no data
static u64 cancel_unstake(Ctx *c) {
  TRY(shape(c, 2, 1));
  HostStake *h;
  TRY(own_stake(c, &h));
  if (h->unlock_at == 0) return E_NO_UNSTAKE_REQUESTED;
  h->unlock_at = 0;
  EV_KEY(0, &h->host);
  emit("UnstakeCancelled", 16, 32);
  return 0;
}

// unstake: [host (signer, writable), host stake (writable)]; no data.
// From unlock_at on: everything in the account (stake, unclaimed, rent) to the host; closed.
static u64 unstake(Ctx *c) {
  TRY(shape(c, 2, 1));
  HostStake *h;
  TRY(own_stake(c, &h));
  TRY(writable(&c->ka[0]));
  if (h->unlock_at == 0) return E_NO_UNSTAKE_REQUESTED;
  if (now() < h->unlock_at) return E_UNSTAKE_TOO_EARLY;
  EV_KEY(0, &h->host); EV_U64(32, h->staked); EV_U64(40, *c->ka[1].lamports);
  TRY(close_account(&c->ka[1], &c->ka[0]));
  emit("HostUnstaked", 12, 48);
  return 0;
}

// slash: [operator (signer), config, host stake (writable), treasury (writable)]
// data: amount u64, reason[32] (e.g. sha256 of the incident record kept off chain)
static u64 slash(Ctx *c) {
  TRY(shape(c, 4, 41));
  const Config *cfg;
  TRY(load_config(c, &c->ka[1], &cfg));
  TRY(operator_signed(&c->ka[0], cfg));
  HostStake *h;
  TRY(load_host(c, &c->ka[2], &h));
  AccountInfo *treasury = &c->ka[3];
  TRY(writable(treasury));
  if (!key_eq(treasury->key, &cfg->treasury)) return E_WRONG_TREASURY;
  u64 amount = RD64(1);
  if (amount == 0) return E_ZERO_AMOUNT;
  if (amount > h->staked) return E_SLASH_EXCEEDS_STAKE;
  h->staked -= amount;
  TRY(pay(&c->ka[2], treasury, amount));
  EV_KEY(0, &h->host); EV_U64(32, amount); EV_KEY(40, RDKEY(9)); EV_U64(72, h->staked);
  emit("HostSlashed", 11, 80);
  return 0;
}

// claim: [host (signer, writable), host stake (writable)]; no data.
// Pays the host what its stake account holds beyond the stake and its rent (e.g. rewards
// anyone sent there); the stake itself only leaves through unstake or slash.
static u64 claim(Ctx *c) {
  TRY(shape(c, 2, 1));
  HostStake *h;
  TRY(own_stake(c, &h));
  TRY(writable(&c->ka[0]));
  u64 rent, locked;
  TRY(rent_exempt(sizeof(HostStake), &rent));
  if (__builtin_add_overflow(rent, h->staked, &locked)) return E_OVERFLOW;
  u64 have = *c->ka[1].lamports;
  if (have <= locked) return E_NOTHING_TO_CLAIM;
  TRY(pay(&c->ka[1], &c->ka[0], have - locked));
  EV_KEY(0, &h->host); EV_U64(32, have - locked);
  emit("HostClaimed", 11, 40);
  return 0;
}

u64 entrypoint(const u8 *input) {
  TRY(deserialize(input));
  Ctx *c = CTX;
  if (c->data_len == 0) return E_INVALID_INSTRUCTION;
  switch (c->data[0]) {
    case IX_INITIALIZE: return initialize(c);
    case IX_SET_OPERATOR: return set_operator(c);
    case IX_OPEN: return open(c);
    case IX_TOP_UP: return top_up(c);
    case IX_SETTLE: return settle(c);
    case IX_SETTLE_MANY: return settle_many(c);
    case IX_RECLAIM: return reclaim(c);
    case IX_STAKE: return stake(c);
    case IX_REQUEST_UNSTAKE: return request_unstake(c);
    case IX_CANCEL_UNSTAKE: return cancel_unstake(c);
    case IX_UNSTAKE: return unstake(c);
    case IX_SLASH: return slash(c);
    case IX_CLAIM: return claim(c);
    case IX_OPEN_TOKEN: return open_token(c);
    case IX_SETTLE_TOKEN: return settle_token(c);
    case IX_RECLAIM_TOKEN: return reclaim_token(c);
    case IX_PROPOSE_ADMIN: return propose_admin(c);
    case IX_ACCEPT_ADMIN: return accept_admin(c);
    case IX_TOP_UP_TOKEN: return top_up_token(c);
    default: return E_INVALID_INSTRUCTION;
  }
}
