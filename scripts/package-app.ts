// Builds the Teams app package for one environment, offline:
//   node --import tsx scripts/package-app.ts [env]        (default env: dev)
//
// 1. reads env/.env.<env>, then env/.env.<env>.user if present, then process.env (later wins);
// 2. fills every ${{NAME}} placeholder in appPackage/manifest.json, and fails naming any that is unset or empty;
// 3. validates the filled manifest against the JSON schema bundled in @microsoft/app-manifest for its
//    manifestVersion (no download: ManifestUtil.validateManifest would fetch $schema, so it is not used);
// 4. checks the icons (color 192x192; outline 32x32, white on transparent);
// 5. writes appPackage/build/appPackage.<env>.zip (manifest.json, color.png, outline.png at the root)
//    and appPackage/build/manifest.<env>.json.
// Exit code 1 with a plain message on any failure.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ManifestUtil } from '@microsoft/app-manifest';
import { PNG } from 'pngjs';

export class PackageError extends Error {
  override name = 'PackageError';
}

export interface PackageOptions {
  /** Environment name: reads <envDir>/.env.<env> (required) and <envDir>/.env.<env>.user (optional). */
  env: string;
  /** Folder of the .env files. Default: <repo>/env. */
  envDir?: string;
  /** Folder holding manifest.json and the icons. Default: <repo>/appPackage. */
  appPackageDir?: string;
  /** Where the zip and the filled manifest go. Default: <appPackageDir>/build. */
  outDir?: string;
  /** Extra variables, highest precedence. The CLI passes process.env; tests pass their own. */
  extraVars?: Record<string, string | undefined>;
}

export interface PackageResult {
  zipPath: string;
  manifestPath: string;
  manifest: Record<string, unknown>;
  /** The names of the placeholders that were filled. */
  placeholders: string[];
}

const REPO_ROOT = path.resolve(__dirname, '..');
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
/** Placeholders whose value may legitimately be empty (e.g. no name suffix in production). */
const MAY_BE_EMPTY = /_SUFFIX$/;

/** Parses a dotenv-style file: KEY=VALUE lines, `#` comments, optional single or double quotes, `export ` prefix. */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1] as string;
    let value = (m[2] as string).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      // unquoted: an inline comment starts at " #"
      const hash = value.search(/\s#/);
      if (hash >= 0) value = value.slice(0, hash).trim();
    }
    vars[key] = value;
  }
  return vars;
}

/** Loads <envDir>/.env.<env> and, when present, <envDir>/.env.<env>.user (the .user file wins). */
export function loadEnv(envDir: string, env: string): { vars: Record<string, string>; files: string[] } {
  if (!/^[A-Za-z0-9_-]+$/.test(env)) throw new PackageError(`invalid environment name "${env}"`);
  const main = path.join(envDir, `.env.${env}`);
  if (!fs.existsSync(main)) {
    throw new PackageError(`environment file ${main} not found (create it, or pick another environment: ${listEnvs(envDir)})`);
  }
  const files = [main];
  let vars = parseEnvFile(fs.readFileSync(main, 'utf8'));
  const user = `${main}.user`;
  if (fs.existsSync(user)) {
    files.push(user);
    vars = { ...vars, ...parseEnvFile(fs.readFileSync(user, 'utf8')) };
  }
  return { vars, files };
}

function listEnvs(envDir: string): string {
  try {
    const names = fs
      .readdirSync(envDir)
      .filter((f) => f.startsWith('.env.') && !f.endsWith('.user'))
      .map((f) => f.slice(5));
    return names.length ? names.join(', ') : 'none found';
  } catch {
    return 'none found';
  }
}

/**
 * Replaces ${{NAME}} in every string of a JSON value. Throws a PackageError naming every placeholder that is
 * unset (or empty, unless its name ends in _SUFFIX). Works on the parsed JSON, so values need no escaping.
 */
export function fillPlaceholders<T>(template: T, vars: Record<string, string | undefined>): { value: T; names: string[] } {
  const names = new Set<string>();
  const missing = new Set<string>();
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      return node.replace(PLACEHOLDER, (_whole, name: string) => {
        names.add(name);
        const v = vars[name];
        if (v === undefined || (v === '' && !MAY_BE_EMPTY.test(name))) {
          missing.add(name);
          return '';
        }
        return v;
      });
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    }
    return node;
  };
  const value = fill(template) as T;
  if (missing.size > 0) {
    const list = [...missing].sort();
    throw new PackageError(
      `unfilled placeholder${list.length > 1 ? 's' : ''} in the manifest: ${list.map((n) => `\${{${n}}}`).join(', ')}; ` +
        `set ${list.length > 1 ? 'them' : 'it'} in the environment file (or run the toolkit's provision, which fills the ids)`,
    );
  }
  return { value, names: [...names].sort() };
}

/** Path of the JSON schema that @microsoft/app-manifest bundles for a manifest version ("1.25" -> .../v1.25/...). */
export function bundledSchemaPath(manifestVersion: string): string {
  if (!/^(\d+\.\d+|devPreview)$/.test(manifestVersion)) {
    throw new PackageError(`manifestVersion "${manifestVersion}" is not a schema version`);
  }
  const pkgDir = path.dirname(require.resolve('@microsoft/app-manifest/package.json'));
  const dir = manifestVersion === 'devPreview' ? 'vDevPreview' : `v${manifestVersion}`;
  const file = path.join(pkgDir, 'build', 'json-schemas', 'teams', dir, 'MicrosoftTeams.schema.json');
  if (!fs.existsSync(file)) {
    throw new PackageError(`@microsoft/app-manifest bundles no schema for manifestVersion ${manifestVersion} (looked for ${file})`);
  }
  return file;
}

/** Validates a filled manifest against the bundled schema of its manifestVersion. Returns the error list. */
export async function validateAgainstBundledSchema(manifest: Record<string, unknown>): Promise<string[]> {
  const version = manifest['manifestVersion'];
  if (typeof version !== 'string') return ['/manifestVersion is missing or not a string'];
  const schema = JSON.parse(fs.readFileSync(bundledSchemaPath(version), 'utf8')) as Record<string, unknown>;
  // Offline by construction: the schema object is handed over, nothing is fetched.
  return ManifestUtil.validateManifestAgainstSchema(manifest as never, schema as never);
}

export interface IconSpec {
  file: string;
  size: number;
  whiteOnTransparent: boolean;
}

/** Checks one icon's size and, for the outline icon, that every pixel is white or fully transparent. */
export function checkIcon(spec: IconSpec): string[] {
  const errors: string[] = [];
  const name = path.basename(spec.file);
  if (!fs.existsSync(spec.file)) return [`${name}: file not found (${spec.file}); run node --import tsx scripts/make-icons.ts`];
  let png: PNG;
  try {
    png = PNG.sync.read(fs.readFileSync(spec.file));
  } catch (e) {
    return [`${name}: not a readable PNG (${(e as Error).message})`];
  }
  if (png.width !== spec.size || png.height !== spec.size) {
    errors.push(`${name}: must be ${spec.size}x${spec.size} pixels, is ${png.width}x${png.height}`);
  }
  if (spec.whiteOnTransparent) {
    let bad = 0;
    let opaque = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b, a] = [png.data[i], png.data[i + 1], png.data[i + 2], png.data[i + 3]];
      if (a === 0) continue;
      opaque++;
      if (r !== 255 || g !== 255 || b !== 255) bad++;
    }
    if (bad > 0) errors.push(`${name}: must be white on transparent; ${bad} visible pixel(s) are not white`);
    if (opaque === 0) errors.push(`${name}: is fully transparent`);
    if (opaque === png.width * png.height) errors.push(`${name}: has no transparent pixel; the background must be transparent`);
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------------------------
// A small zip writer (PKZIP APPNOTE 6.3: local headers, central directory, end of central directory record).
// Deflate via node:zlib, stored when deflate does not help. Fixed timestamps make the output reproducible.

export interface ZipEntry {
  name: string;
  data: Buffer;
}

const DOS_TIME = 0; // 00:00:00
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01

export function createZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) throw new PackageError(`duplicate zip entry ${entry.name}`);
    seen.add(entry.name);
    const name = Buffer.from(entry.name, 'utf8');
    const crc = zlib.crc32(entry.data) >>> 0;
    const deflated = zlib.deflateRawSync(entry.data, { level: 9 });
    const useDeflate = deflated.length < entry.data.length;
    const body = useDeflate ? deflated : entry.data;
    const method = useDeflate ? 8 : 0;
    const flags = 0x0800; // names are UTF-8

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // extra length
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by: 2.0, MS-DOS attributes
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(0, 38); // external attributes
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, cd, end]);
}

// ---------------------------------------------------------------------------------------------------------------

export async function packageApp(options: PackageOptions): Promise<PackageResult> {
  const env = options.env;
  const envDir = options.envDir ?? path.join(REPO_ROOT, 'env');
  const appDir = options.appPackageDir ?? path.join(REPO_ROOT, 'appPackage');
  const outDir = options.outDir ?? path.join(appDir, 'build');

  const { vars: fileVars } = loadEnv(envDir, env);
  const vars: Record<string, string | undefined> = { ...fileVars };
  for (const [k, v] of Object.entries(options.extraVars ?? {})) if (v !== undefined) vars[k] = v;

  const templatePath = path.join(appDir, 'manifest.json');
  let template: Record<string, unknown>;
  try {
    template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new PackageError(`cannot read ${templatePath}: ${(e as Error).message}`);
  }
  const { value: manifest, names } = fillPlaceholders(template, vars);

  const schemaErrors = await validateAgainstBundledSchema(manifest);
  if (schemaErrors.length > 0) {
    throw new PackageError(
      `the manifest for "${env}" does not match the Teams manifest schema ${String(manifest['manifestVersion'])}:\n  - ${schemaErrors.join('\n  - ')}`,
    );
  }

  const icons = (manifest['icons'] ?? {}) as { color?: string; outline?: string };
  if (!icons.color || !icons.outline) throw new PackageError('the manifest must name icons.color and icons.outline');
  for (const rel of [icons.color, icons.outline]) {
    if (path.isAbsolute(rel) || rel.includes('..') || rel.includes('/') || rel.includes('\\')) {
      throw new PackageError(`icon path "${rel}" must be a plain file name next to manifest.json (the zip keeps files at its root)`);
    }
  }
  const colorFile = path.join(appDir, icons.color);
  const outlineFile = path.join(appDir, icons.outline);
  const iconErrors = [
    ...checkIcon({ file: colorFile, size: 192, whiteOnTransparent: false }),
    ...checkIcon({ file: outlineFile, size: 32, whiteOnTransparent: true }),
  ];
  if (iconErrors.length > 0) throw new PackageError(`icon check failed:\n  - ${iconErrors.join('\n  - ')}`);

  const manifestJson = `${JSON.stringify(manifest, null, 2)}\n`;
  const zip = createZip([
    { name: 'manifest.json', data: Buffer.from(manifestJson, 'utf8') },
    { name: icons.color, data: fs.readFileSync(colorFile) },
    { name: icons.outline, data: fs.readFileSync(outlineFile) },
  ]);

  fs.mkdirSync(outDir, { recursive: true });
  const zipPath = path.join(outDir, `appPackage.${env}.zip`);
  const manifestPath = path.join(outDir, `manifest.${env}.json`);
  fs.writeFileSync(zipPath, zip);
  fs.writeFileSync(manifestPath, manifestJson);
  return { zipPath, manifestPath, manifest, placeholders: names };
}

async function main(): Promise<void> {
  const env = process.argv[2] ?? 'dev';
  try {
    const result = await packageApp({ env, extraVars: process.env });
    const rel = (p: string): string => path.relative(process.cwd(), p);
    console.log(`Teams app package for "${env}" (manifest ${String(result.manifest['manifestVersion'])}, schema-valid):`);
    console.log(`  ${rel(result.zipPath)}`);
    console.log(`  ${rel(result.manifestPath)}`);
  } catch (e) {
    console.error(`package-app: ${e instanceof PackageError ? e.message : (e as Error).stack ?? String(e)}`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  void main();
}
