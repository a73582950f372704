/**
 * @module core/crypto/fernet
 *
 * Fernet (https://github.com/fernet/spec) on `node:crypto`, as OpenMetadata's `db` provider uses
 * it: tokens are version 0x80, a 64-bit big-endian timestamp, a 128-bit IV, AES-128-CBC with PKCS#7
 * padding, and an HMAC-SHA256 over all of that; base64url with padding. The configured key is
 * standard base64 (upstream converts it to base64url); several keys separated by commas rotate:
 * encrypt with the first, decrypt with any. Upstream applies no TTL when decrypting, so neither
 * does omsm unless a caller asks (the spec vectors do). `no_encryption_at_rest` turns it off.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { omsmError } from '../errors.js';

/** The key value that disables encryption at rest (upstream's spelling). */
export const NO_ENCRYPTION = 'no_encryption_at_rest';
/** Prefix of a Fernet token as the database stores it. */
export const FERNET_PREFIX = 'fernet:';

const VERSION = 0x80;
const HEADER = 1 + 8 + 16;
const HMAC_LEN = 32;
const MAX_CLOCK_SKEW_S = 60;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

interface Key {
  readonly signing: Buffer;
  readonly encryption: Buffer;
}

export interface EncryptOptions {
  /** Token timestamp (default now). For tests and the spec vectors. */
  readonly now?: Date;
  /** IV (default 16 random bytes). For tests and the spec vectors. */
  readonly iv?: Uint8Array;
}

export interface DecryptOptions {
  /** Reject tokens older than this many seconds (and too far in the future). Default: no TTL. */
  readonly ttlSeconds?: number;
  readonly now?: Date;
}

/** Whether a stored value is a Fernet stored form (`fernet:<token>`). */
export function isFernetStored(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(FERNET_PREFIX);
}

/**
 * A set of Fernet keys (first encrypts, all decrypt).
 * @example const f = Fernet.fromConfig('jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA='); f.decrypt(f.encrypt('x')) === 'x'
 */
export class Fernet {
  readonly #keys: readonly Key[];

  private constructor(keys: readonly Key[]) {
    this.#keys = keys;
  }

  /**
   * Parses `fernetConfiguration.fernetKey`: one key or a comma-separated list, each 32 bytes in
   * standard base64 or base64url. Returns undefined for `no_encryption_at_rest`.
   * @throws OmsmError OMSM_ERR_FERNET_KEY naming the position of the bad key (never its value).
   */
  static fromConfig(fernetKey: string): Fernet | undefined {
    const raw = fernetKey.trim();
    if (raw === NO_ENCRYPTION) return undefined;
    const parts = raw.split(',').map((k) => k.trim());
    const keys = parts.map((k, i) => {
      const where = parts.length > 1 ? `key ${i + 1} of ${parts.length}` : 'the key';
      if (k === '') throw keyError(`${where} is empty`);
      const url = k.replace(/\+/g, '-').replace(/\//g, '_');
      if (!BASE64URL.test(url)) throw keyError(`${where} is not base64`);
      const bytes = Buffer.from(url, 'base64url');
      if (bytes.length !== 32) throw keyError(`${where} decodes to ${bytes.length} bytes, not 32`);
      return { signing: bytes.subarray(0, 16), encryption: bytes.subarray(16) };
    });
    return new Fernet(keys);
  }

  /** A new random key in standard base64 (what FERNET_KEY expects). */
  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  /** Encrypts with the first key; returns the bare token (no `fernet:` prefix). */
  encrypt(plaintext: string, options: EncryptOptions = {}): string {
    const key = this.#keys[0]!;
    const iv = options.iv ? Buffer.from(options.iv) : randomBytes(16);
    const seconds = BigInt(Math.floor((options.now ?? new Date()).getTime() / 1000));
    const cipher = createCipheriv('aes-128-cbc', key.encryption, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const header = Buffer.alloc(9);
    header[0] = VERSION;
    header.writeBigUInt64BE(seconds, 1);
    const body = Buffer.concat([header, iv, ciphertext]);
    const mac = createHmac('sha256', key.signing).update(body).digest();
    return padBase64url(Buffer.concat([body, mac]).toString('base64url'));
  }

  /**
   * Decrypts a bare token or a `fernet:` stored form with whichever key opens it.
   * @throws OmsmError OMSM_ERR_FERNET_TOKEN when the token is malformed, no key verifies it, or
   *   (with ttlSeconds) it is expired or from the future.
   */
  decrypt(token: string, options: DecryptOptions = {}): string {
    const bare = token.startsWith(FERNET_PREFIX) ? token.slice(FERNET_PREFIX.length) : token;
    if (!BASE64URL.test(bare) || bare.length % 4 === 1) throw tokenError('is not base64url');
    const data = Buffer.from(bare, 'base64url');
    if (data.length < HEADER + 16 + HMAC_LEN || (data.length - HEADER - HMAC_LEN) % 16 !== 0) {
      throw tokenError('has the wrong length');
    }
    if (data[0] !== VERSION) throw tokenError('has an unknown version');
    const body = data.subarray(0, data.length - HMAC_LEN);
    const mac = data.subarray(data.length - HMAC_LEN);
    const key = this.#keys.find((k) =>
      timingSafeEqual(createHmac('sha256', k.signing).update(body).digest(), mac),
    );
    if (!key) throw tokenError('was not made with any configured key');
    if (options.ttlSeconds !== undefined) {
      const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
      const stamp = Number(data.readBigUInt64BE(1));
      if (stamp + options.ttlSeconds < now) throw tokenError('has expired');
      if (stamp > now + MAX_CLOCK_SKEW_S) throw tokenError('is from the future');
    }
    try {
      const decipher = createDecipheriv('aes-128-cbc', key.encryption, body.subarray(9, HEADER));
      return Buffer.concat([decipher.update(body.subarray(HEADER)), decipher.final()]).toString('utf8');
    } catch (err) {
      throw tokenError('has bad padding', err);
    }
  }
}

function padBase64url(s: string): string {
  return s + '='.repeat((4 - (s.length % 4)) % 4);
}

function keyError(problem: string) {
  return omsmError('OMSM_ERR_FERNET_KEY', `fernetConfiguration.fernetKey: ${problem}`, {
    path: 'fernetConfiguration.fernetKey',
  });
}

function tokenError(problem: string, cause?: unknown) {
  return omsmError('OMSM_ERR_FERNET_TOKEN', `the Fernet token ${problem}`, {}, cause);
}
