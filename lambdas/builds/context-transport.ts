/**
 * Carries the build context to the build as environment variables: the files are packed in a
 * gzipped tar, base64-encoded and cut into numbered parts (BUILD_CONTEXT_PART_1..n). The buildspec
 * joins them and runs `base64 -d | tar -xz`, tools every build image has.
 *
 * Why variables and not an S3 source: no bucket, no object lifecycle, and the local runner passes
 * the same variables. Bound: CodeBuild refuses a variable longer than 4096 characters
 * ("EnvironmentVariable should be at most 4096 characters"), hence parts of CONTEXT_PART_MAX_CHARS.
 * The largest valid spec (3 x MAX_ENTRIES_PER_MANAGER entries of MAX_ENTRY_LENGTH random characters)
 * needs fewer than MAX_CONTEXT_PARTS parts (a test computes it); real specs need one.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { BUILDSPEC_ENV } from './buildspec-env.ts';

/** Characters per part: under CodeBuild's 4096 per variable, with room for the name. */
export const CONTEXT_PART_MAX_CHARS = 4000;
/** Parts the worst-case valid spec fits in, with margin; more means a bug, so packing refuses. */
export const MAX_CONTEXT_PARTS = 24;

const BLOCK = 512;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The files as base64 parts, each at most CONTEXT_PART_MAX_CHARS long. */
export function packBuildContext(files: Record<string, string>): string[] {
  const encoded = gzipSync(tar(files), { level: 9 }).toString('base64');
  const parts: string[] = [];
  for (let i = 0; i < encoded.length; i += CONTEXT_PART_MAX_CHARS) parts.push(encoded.slice(i, i + CONTEXT_PART_MAX_CHARS));
  if (parts.length > MAX_CONTEXT_PARTS) throw new Error(`build context needs ${parts.length} parts; at most ${MAX_CONTEXT_PARTS} are allowed`);
  return parts;
}

/** The environment variables that carry the files: BUILD_CONTEXT_PART_COUNT and BUILD_CONTEXT_PART_<n>. */
export function buildContextVariables(files: Record<string, string>): Record<string, string> {
  const parts = packBuildContext(files);
  const vars: Record<string, string> = { [BUILDSPEC_ENV.contextPartCount]: String(parts.length) };
  parts.forEach((part, i) => (vars[`${BUILDSPEC_ENV.contextPartPrefix}${i + 1}`] = part));
  return vars;
}

/** The inverse of packBuildContext (for dry runs and tests). */
export function unpackBuildContext(parts: readonly string[]): Record<string, string> {
  const archive = gunzipSync(Buffer.from(parts.join(''), 'base64'));
  const files: Record<string, string> = {};
  for (let at = 0; at + BLOCK <= archive.length;) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const name = cString(header, 0, 100);
    const size = parseInt(cString(header, 124, 12).trim() || '0', 8);
    if (cString(header, 257, 6) !== 'ustar' || !FILE_NAME.test(name) || !Number.isFinite(size)) throw new Error('damaged build context archive');
    files[name] = archive.subarray(at + BLOCK, at + BLOCK + size).toString('utf8');
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}

/** A POSIX ustar archive of regular files, mode 0644, owner 0, mtime 0: the same files give the same bytes. */
function tar(files: Record<string, string>): Buffer {
  const chunks: Buffer[] = [];
  for (const name of Object.keys(files).sort()) {
    if (!FILE_NAME.test(name)) throw new Error(`unsupported build context file name: ${name}`);
    const data = Buffer.from(files[name], 'utf8');
    chunks.push(header(name, data.length), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  chunks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(chunks);
}

function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const put = (offset: number, text: string) => h.write(text, offset, 'ascii');
  put(0, name);
  put(100, '0000644\0');
  put(108, '0000000\0');
  put(116, '0000000\0');
  put(124, `${size.toString(8).padStart(11, '0')}\0`);
  put(136, '00000000000\0');
  put(148, '        ');
  put(156, '0');
  put(257, 'ustar\0');
  put(263, '00');
  const sum = h.reduce((acc, b) => acc + b, 0);
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

function cString(buf: Buffer, offset: number, length: number): string {
  const field = buf.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('ascii');
}
