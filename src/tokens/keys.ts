import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';

/** The signing algorithms a key may be for: Ed25519 (generated here) or P-256. */
export type SigningAlgorithm = 'EdDSA' | 'ES256';

/** One key of the set: the private half signs, the public half is published at /.well-known/jwks.json. */
export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  /** What third parties see: no private part, with `kid`, `alg` and `use`. */
  publicJwk: JWK;
}

/** The keys in force: the first signs, all verify (and are published). */
export interface KeySet {
  signing: SigningKey;
  all: readonly SigningKey[];
}

export const KEY_FILE = 'jwt-keys.json';

const PEM_BLOCK = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]+?-----END \1PRIVATE KEY-----/g;

function algorithmOf(key: KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`a ${key.asymmetricKeyType ?? 'symmetric'} key: only Ed25519 and P-256 keys sign tokens`);
}

function privateKeyFrom(item: unknown): KeyObject {
  const key =
    typeof item === 'string'
      ? createPrivateKey(item)
      : createPrivateKey({
          key: item as Parameters<typeof createPrivateKey>[0] & object,
          format: 'jwk',
        } as never);
  algorithmOf(key);
  return key;
}

/**
 * The private keys a text names, in order, as private JWKs: a JSON array (of JWKs or PEM
 * strings), one JWK, a JWK Set (`{"keys": […]}`), or PEM blocks one after another.
 * Throws an Error saying what is wrong (never the key itself).
 */
export function parsePrivateKeys(text: string): JWK[] {
  const trimmed = text.trim();
  let items: unknown[];
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error('is neither valid JSON nor PEM');
    }
    const set = parsed as { keys?: unknown };
    items = Array.isArray(parsed) ? parsed : Array.isArray(set.keys) ? set.keys : [parsed];
  } else {
    items = trimmed.match(PEM_BLOCK) ?? [];
  }
  if (items.length === 0) throw new Error('names no private key');
  return items.map((item, index) => {
    try {
      return privateKeyFrom(item).export({ format: 'jwk' }) as JWK;
    } catch (error) {
      throw new Error(`key ${index + 1}: ${error instanceof Error ? error.message : 'unreadable'}`);
    }
  });
}

/** A new Ed25519 private key, as a JWK. */
export function newPrivateKey(): JWK {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as JWK;
}

/** The key set made of these private JWKs (the first signs); `kid` is each key's RFC 7638 thumbprint. */
export async function keySetOf(privateJwks: readonly JWK[]): Promise<KeySet> {
  const all = await Promise.all(
    privateJwks.map(async (jwk) => {
      const privateKey = privateKeyFrom(jwk);
      const alg = algorithmOf(privateKey);
      const { d: _d, ...publicPart } = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
      const kid = await calculateJwkThumbprint(publicPart);
      return { kid, alg, privateKey, publicJwk: { ...publicPart, kid, alg, use: 'sig' } };
    }),
  );
  const [signing] = all;
  if (signing === undefined) throw new Error('a key set needs at least one key');
  return { signing, all };
}

function writeKeyFile(file: string, keys: readonly JWK[], exclusive: boolean): boolean {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  try {
    // A new file is linked into place, so that two instances starting together keep one key set.
    if (exclusive) fs.linkSync(temporary, file);
    else fs.renameSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** The private keys kept in `<dataDir>/jwt-keys.json`, or none when there is no such file. */
export function readKeyFile(dataDir: string): JWK[] | null {
  const file = path.join(dataDir, KEY_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return parsePrivateKeys(text);
  } catch (error) {
    throw new Error(`${file} ${error instanceof Error ? error.message : ''}`, { cause: error });
  }
}

/**
 * Outside production the service needs no key setup: an Ed25519 key is generated on first
 * start into `<dataDir>/jwt-keys.json` (mode 0600), so tokens outlive a restart.
 */
export function keysFromDataDir(dataDir: string): JWK[] {
  const existing = readKeyFile(dataDir);
  if (existing !== null) return existing;
  const keys = [newPrivateKey()];
  if (writeKeyFile(path.join(dataDir, KEY_FILE), keys, true)) return keys;
  return readKeyFile(dataDir) ?? keys; // another instance wrote it first: use its key
}

/** Puts a new key first (it signs from the next start); the old ones stay, still verifying. */
export function rotateKeyFile(dataDir: string): JWK[] {
  const keys = [newPrivateKey(), ...(readKeyFile(dataDir) ?? [])];
  writeKeyFile(path.join(dataDir, KEY_FILE), keys, false);
  return keys;
}

/** Drops a key that no longer signs, so tokens it signed stop verifying; false when there is no such key. */
export async function removeKeyFromFile(dataDir: string, kid: string): Promise<boolean> {
  const keys = readKeyFile(dataDir) ?? [];
  const set = await keySetOf(keys);
  const at = set.all.findIndex((key) => key.kid === kid);
  if (at <= 0) return false; // unknown, or the key that signs: rotate first
  writeKeyFile(
    path.join(dataDir, KEY_FILE),
    keys.filter((_, i) => i !== at),
    false,
  );
  return true;
}
