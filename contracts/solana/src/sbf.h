// sbf.h — the little of the Solana SBF ABI this program uses (SBPF v0, BPF upgradeable loader).
//
// Built with upstream clang (`-target bpfel -mcpu=v1`), not Solana's LLVM fork, which means:
//  - a stack frame is limited to 512 bytes by clang: big things (the account table, event
//    buffers) live in the SBF heap, HEAP_START, 32 KiB, zeroed for every instruction;
//  - syscalls are plain extern functions: clang emits `call -1` + R_BPF_64_32, and
//    tools/sbf-link.mjs turns that into the dynamic relocation the loader resolves by name;
//  - no libc, no compiler-rt: no 128-bit multiplication, no signed division, no memcpy calls.
// Unaligned loads are fine in the SBF VM, so fields are read through plain typed pointers.
#pragma once

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long i64;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

// A 32-byte address as four words, so comparing and copying is four loads, not 32.
typedef struct { u64 w[4]; } Pubkey;

// Layout required by sol_invoke_signed_c (the C SDK's SolAccountInfo).
typedef struct {
  Pubkey *key;
  u64 *lamports;   // points into the input buffer: writing it moves lamports
  u64 data_len;    // as serialized at entry; see live_len()
  u8 *data;
  Pubkey *owner;   // points into the input buffer: writing it reassigns (data must be zeroed)
  u64 rent_epoch;
  bool is_signer;
  bool is_writable;
  bool executable;
} AccountInfo;

typedef struct { const Pubkey *pubkey; bool is_writable; bool is_signer; } AccountMeta;
typedef struct {
  const Pubkey *program_id;
  const AccountMeta *accounts;
  u64 account_len;
  const u8 *data;
  u64 data_len;
} Instruction;
typedef struct { const void *addr; u64 len; } Slice;     // a seed, or a field of sol_log_data
typedef struct { const Slice *addr; u64 len; } SignerSeeds;

typedef struct {
  u64 slot;
  i64 epoch_start_timestamp;
  u64 epoch;
  u64 leader_schedule_epoch;
  i64 unix_timestamp;
} Clock;

typedef struct {
  u64 lamports_per_byte_year;
  u64 exemption_threshold_f64_bits; // an f64: we only compare its bits (no soft-float here)
  u8 burn_percent;
} Rent;

extern void sol_log_(const char *, u64);
extern void sol_log_data(const Slice *, u64);
extern u64 sol_create_program_address(const Slice *, u64, const Pubkey *, Pubkey *);
extern u64 sol_try_find_program_address(const Slice *, u64, const Pubkey *, Pubkey *, u8 *);
extern u64 sol_invoke_signed_c(const Instruction *, const AccountInfo *, u64, const SignerSeeds *, u64);
extern u64 sol_get_clock_sysvar(void *);
extern u64 sol_get_rent_sysvar(void *);

#define HEAP_START 0x300000000UL
// Per account in the input buffer the runtime leaves this much room to grow the data.
#define MAX_PERMITTED_DATA_INCREASE (10 * 1024)
// The account's data length as it is now in the input buffer (it sits just before the data);
// AccountInfo.data_len is the value at entry and goes stale once an account is closed.
#define live_len(a) (*(u64 *)((a)->data - 8))

static inline bool key_eq(const Pubkey *a, const Pubkey *b) {
  return ((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1]) | (a->w[2] ^ b->w[2]) | (a->w[3] ^ b->w[3])) == 0;
}
static inline bool key_is_zero(const Pubkey *a) { return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0; }
static inline void key_copy(Pubkey *dst, const Pubkey *src) {
  dst->w[0] = src->w[0]; dst->w[1] = src->w[1]; dst->w[2] = src->w[2]; dst->w[3] = src->w[3];
}
static inline void bytes_zero(u8 *p, u64 n) { for (u64 i = 0; i < n; i++) p[i] = 0; }
static inline void bytes_copy(u8 *dst, const u8 *src, u64 n) { for (u64 i = 0; i < n; i++) dst[i] = src[i]; }
