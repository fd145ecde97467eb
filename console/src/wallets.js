// Browser wallets: an EIP-1193 provider (window.ethereum) and Solana wallets announced through the
// Wallet Standard (wallet-standard:register-wallet events). Only what the console needs: accounts,
// personal_sign / signMessage for sign-in, and sending the payment calls the gateway lists.

const solanaWallets = [];

function register(...wallets) {
  for (const w of wallets) if (w?.features?.['solana:signMessage'] && !solanaWallets.includes(w)) solanaWallets.push(w);
  return () => {};
}

// the Wallet Standard handshake, both ways round: wallets already loaded answer app-ready, later
// ones announce themselves
window.addEventListener('wallet-standard:register-wallet', (e) => { try { e.detail({ register }); } catch { /* a broken wallet */ } });
window.dispatchEvent(new CustomEvent('wallet-standard:app-ready', { detail: { register } }));

export const ethereumProvider = () => window.ethereum ?? null;
export const solanaWallet = () => solanaWallets[0] ?? null;

const utf8Hex = (text) => '0x' + Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('');

export async function ethereumAccount() {
  const provider = ethereumProvider();
  if (!provider) throw new Error('no Ethereum wallet in this browser');
  const accounts = await provider.request({ method: 'eth_requestAccounts' });
  if (!accounts?.length) throw new Error('the wallet gave no account');
  return accounts[0];
}

/** EIP-191 personal_sign of the text, as MetaMask and others take it: [hex of the UTF-8 bytes, address]. */
export async function ethereumSign(address, message) {
  return ethereumProvider().request({ method: 'personal_sign', params: [utf8Hex(message), address] });
}

export async function solanaAccount() {
  const w = solanaWallet();
  if (!w) throw new Error('no Solana wallet in this browser');
  const connected = w.accounts?.length ? { accounts: w.accounts } : await w.features['standard:connect'].connect();
  if (!connected.accounts?.length) throw new Error('the wallet gave no account');
  return connected.accounts[0];
}

export async function solanaSign(account, message) {
  const [out] = await solanaWallet().features['solana:signMessage'].signMessage({ account, message: new TextEncoder().encode(message) });
  return base58(out.signature);
}

/**
 * Sends one call of GET /v1/bookings/{id}/payment from the wallet and returns its transaction id.
 * Ethereum: eth_sendTransaction with value in hex wei; Solana: the unsigned transaction (base64) signed
 * and sent by a wallet offering solana:signAndSendTransaction.
 */
export async function sendCall(chain, from, call) {
  if (chain === 'ethereum') {
    const tx = { from, to: call.to, data: call.data, value: '0x' + BigInt(call.value ?? '0').toString(16) };
    if (call.chainId) tx.chainId = '0x' + call.chainId.toString(16);
    return ethereumProvider().request({ method: 'eth_sendTransaction', params: [tx] });
  }
  const w = solanaWallet();
  const send = w?.features?.['solana:signAndSendTransaction'];
  if (!send) throw new Error('this Solana wallet cannot sign and send transactions');
  const account = await solanaAccount();
  const transaction = Uint8Array.from(atob(call.transaction), (c) => c.charCodeAt(0));
  const [out] = await send.signAndSendTransaction({ account, transaction, chain: account.chains?.[0] ?? 'solana:devnet' });
  return base58(out.signature);
}

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
export function base58(bytes) {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let out = '';
  while (n > 0n) { out = ALPHABET[Number(n % 58n)] + out; n /= 58n; }
  for (const b of bytes) { if (b !== 0) break; out = '1' + out; }
  return out;
}
