// The Teams app package: manifest placeholders, offline schema validation, icons, and the zip's layout.
// Run: node --import tsx --test test/unit/app-package.test.ts
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { PNG } from 'pngjs';
import { PackageError, checkIcon, createZip, packageApp, parseEnvFile, validateAgainstBundledSchema } from '../../scripts/package-app';

const ROOT = path.resolve(__dirname, '..', '..');
const APP_DIR = path.join(ROOT, 'appPackage');
const ENV_DIR = path.join(ROOT, 'env');

interface ZipFile {
  name: string;
  method: number;
  data: Buffer;
}

/** An independent zip reader: finds the end record, walks the central directory, inflates each entry. */
function readZip(buf: Buffer): ZipFile[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, 'zip has an end of central directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const files: ZipFile[] = [];
  for (let n = 0; n < count; n++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'central directory header signature');
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;

    assert.equal(buf.readUInt32LE(localOffset), 0x04034b50, `local header signature of ${name}`);
    const localNameLen = buf.readUInt16LE(localOffset + 26);
    const localExtraLen = buf.readUInt16LE(localOffset + 28);
    const start = localOffset + 30 + localNameLen + localExtraLen;
    const raw = buf.subarray(start, start + compressedSize);
    const data = method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
    assert.ok(method === 0 || method === 8, `${name} is stored or deflated`);
    assert.equal(data.length, size, `${name} has its declared size`);
    assert.equal(zlib.crc32(data) >>> 0, crc, `${name} matches its CRC-32`);
    files.push({ name, method, data });
  }
  return files;
}

const created: string[] = [];
function tmpDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `guest-pass-${label}-`));
  created.push(dir);
  return dir;
}

/** A copy of appPackage/ whose manifest.json is edited by `edit`. */
function appPackageCopy(edit: (manifest: Record<string, unknown>) => void): string {
  const dir = tmpDir('app');
  for (const f of ['manifest.json', 'color.png', 'outline.png']) fs.copyFileSync(path.join(APP_DIR, f), path.join(dir, f));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  edit(manifest);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

void describe('Teams app package', () => {
  let outDir: string;
  let result: Awaited<ReturnType<typeof packageApp>>;
  let files: ZipFile[];

  before(async () => {
    outDir = tmpDir('out');
    // extraVars {} keeps this test independent of the shell's environment
    result = await packageApp({ env: 'local', envDir: ENV_DIR, appPackageDir: APP_DIR, outDir, extraVars: {} });
    files = readZip(fs.readFileSync(result.zipPath));
  });

  after(() => {
    for (const d of created) fs.rmSync(d, { recursive: true, force: true });
  });

  void it('builds appPackage.local.zip and manifest.local.json from env/.env.local', () => {
    assert.equal(result.zipPath, path.join(outDir, 'appPackage.local.zip'));
    assert.equal(result.manifestPath, path.join(outDir, 'manifest.local.json'));
    assert.ok(fs.statSync(result.zipPath).size > 0);
  });

  void it('fills every ${{NAME}} placeholder with the values of the local environment', () => {
    const text = fs.readFileSync(result.manifestPath, 'utf8');
    assert.doesNotMatch(text, /\$\{\{/);
    const env = parseEnvFile(fs.readFileSync(path.join(ENV_DIR, '.env.local'), 'utf8'));
    const m = result.manifest as {
      id: string;
      bots: { botId: string }[];
      validDomains: string[];
    };
    assert.equal(m.id, env['TEAMS_APP_ID']);
    assert.equal(m.bots[0]?.botId, env['BOT_ID']);
    assert.deepEqual(m.validDomains, [env['BOT_DOMAIN']]);
    assert.deepEqual(result.placeholders, [
      'APP_NAME_SUFFIX',
      'BOT_DOMAIN',
      'BOT_ID',
      'DEVELOPER_NAME',
      'DEVELOPER_PRIVACY_URL',
      'DEVELOPER_TERMS_URL',
      'DEVELOPER_WEBSITE_URL',
      'TEAMS_APP_ID',
    ]);
  });

  void it('uses the newest manifest schema @microsoft/app-manifest bundles, and validates against it offline', async () => {
    const schemaDir = path.join(path.dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', 'json-schemas', 'teams');
    const newest = fs
      .readdirSync(schemaDir)
      .filter((d) => /^v\d+\.\d+$/.test(d))
      .map((d) => d.slice(1))
      .sort((a, b) => Number(a.split('.')[0]) - Number(b.split('.')[0]) || Number(a.split('.')[1]) - Number(b.split('.')[1]))
      .pop();
    const template = JSON.parse(fs.readFileSync(path.join(APP_DIR, 'manifest.json'), 'utf8')) as { manifestVersion: string; $schema: string };
    assert.equal(template.manifestVersion, newest, `manifestVersion is the newest bundled schema (v${newest})`);
    assert.equal(template.$schema, `https://developer.microsoft.com/en-us/json-schemas/teams/v${newest}/MicrosoftTeams.schema.json`);
    assert.deepEqual(await validateAgainstBundledSchema(result.manifest), [], 'the filled manifest is valid against the bundled schema');
  });

  void it('asks for nothing the bot does not use: no webApplicationInfo, no resource-specific consent', () => {
    const m = result.manifest as Record<string, unknown>;
    assert.equal(m['webApplicationInfo'], undefined, 'no Entra app: the bot signs nobody in');
    assert.equal(m['authorization'], undefined, 'no RSC permission: the roster comes from the Bot Framework API, which needs none');
    assert.deepEqual(m['permissions'], ['identity', 'messageTeamMembers']);
  });

  void it('declares the bot in team, personal and group chat scopes with its commands', () => {
    const m = result.manifest as {
      manifestVersion: string;
      bots: { scopes: string[]; commandLists: { scopes: string[]; commands: { title: string }[] }[] }[];
    };
    assert.ok(Number(m.manifestVersion) >= 1.25, `manifestVersion ${m.manifestVersion} is 1.25 or later`);
    const bot = m.bots[0];
    assert.ok(bot);
    assert.deepEqual([...bot.scopes].sort(), ['groupChat', 'personal', 'team']);
    const team = bot.commandLists.find((l) => l.scopes.includes('team'));
    assert.deepEqual(team?.commands.map((c) => c.title), ['invite', 'status', 'guests', 'requests', 'audit', 'remove', 'help']);
    const covered = new Set(bot.commandLists.flatMap((l) => l.scopes));
    assert.deepEqual([...covered].sort(), ['groupChat', 'personal', 'team']);
  });

  void it('puts exactly manifest.json, color.png and outline.png at the root of the zip', () => {
    assert.deepEqual(files.map((f) => f.name).sort(), ['color.png', 'manifest.json', 'outline.png']);
    const manifest = files.find((f) => f.name === 'manifest.json');
    assert.deepEqual(JSON.parse(manifest?.data.toString('utf8') ?? 'null'), result.manifest);
    assert.deepEqual(files.find((f) => f.name === 'color.png')?.data, fs.readFileSync(path.join(APP_DIR, 'color.png')));
    assert.deepEqual(files.find((f) => f.name === 'outline.png')?.data, fs.readFileSync(path.join(APP_DIR, 'outline.png')));
  });

  void it('ships a 192x192 colour icon and a 32x32 outline icon that is white on transparent', () => {
    const color = PNG.sync.read(files.find((f) => f.name === 'color.png')?.data ?? Buffer.alloc(0));
    assert.equal(color.width, 192);
    assert.equal(color.height, 192);
    // full colour: opaque everywhere, and more than one colour
    const colours = new Set<number>();
    for (let i = 0; i < color.data.length; i += 4) {
      assert.equal(color.data[i + 3], 255, 'colour icon is opaque');
      colours.add(color.data.readUInt32BE(i));
    }
    assert.ok(colours.size > 2, 'colour icon has a mark on its background');

    const outline = PNG.sync.read(files.find((f) => f.name === 'outline.png')?.data ?? Buffer.alloc(0));
    assert.equal(outline.width, 32);
    assert.equal(outline.height, 32);
    let transparent = 0;
    let white = 0;
    for (let i = 0; i < outline.data.length; i += 4) {
      const [r, g, b, a] = [outline.data[i], outline.data[i + 1], outline.data[i + 2], outline.data[i + 3]];
      if (a === 0) transparent++;
      else {
        assert.deepEqual([r, g, b], [255, 255, 255], 'every visible outline pixel is white');
        white++;
      }
    }
    assert.ok(transparent > 0 && white > 0, 'outline icon has a white mark on a transparent background');
  });

  void it('refuses a manifest with an unfilled placeholder and names it', async () => {
    const appDir = appPackageCopy((m) => {
      m['version'] = '${{APP_VERSION}}';
    });
    await assert.rejects(
      packageApp({ env: 'local', envDir: ENV_DIR, appPackageDir: appDir, outDir: tmpDir('out'), extraVars: {} }),
      (e: unknown) => e instanceof PackageError && /unfilled placeholder/.test(e.message) && e.message.includes('${{APP_VERSION}}'),
    );
  });

  void it('refuses an environment that leaves an id empty and names the empty variable', async () => {
    const envDir = tmpDir('env');
    const local = fs.readFileSync(path.join(ENV_DIR, '.env.local'), 'utf8').replace(/^BOT_ID=.*$/m, 'BOT_ID=');
    fs.writeFileSync(path.join(envDir, '.env.local'), local);
    await assert.rejects(
      packageApp({ env: 'local', envDir, appPackageDir: APP_DIR, outDir: tmpDir('out'), extraVars: {} }),
      (e: unknown) => e instanceof PackageError && e.message.includes('${{BOT_ID}}') && !e.message.includes('TEAMS_APP_ID'),
    );
  });

  void it('lets env/.env.<env>.user and then extra variables override the committed environment file', async () => {
    const envDir = tmpDir('env');
    fs.copyFileSync(path.join(ENV_DIR, '.env.local'), path.join(envDir, '.env.local'));
    fs.writeFileSync(path.join(envDir, '.env.local.user'), 'BOT_DOMAIN=from-user-file.example.com\nDEVELOPER_NAME="Fabrikam # Ltd"\n');
    const out = tmpDir('out');
    const r = await packageApp({ env: 'local', envDir, appPackageDir: APP_DIR, outDir: out, extraVars: { APP_NAME_SUFFIX: ' CI' } });
    const m = r.manifest as { validDomains: string[]; developer: { name: string }; name: { short: string } };
    assert.deepEqual(m.validDomains, ['from-user-file.example.com']);
    assert.equal(m.developer.name, 'Fabrikam # Ltd');
    assert.equal(m.name.short, 'Guest Pass CI');
  });

  void it('refuses a manifest that breaks the bundled schema (13 commands) with the schema error', async () => {
    const appDir = appPackageCopy((m) => {
      const bots = m['bots'] as { commandLists: { commands: { title: string; description: string }[] }[] }[];
      const list = bots[0]?.commandLists[0];
      assert.ok(list);
      list.commands = Array.from({ length: 13 }, (_, i) => ({ title: `cmd${i}`, description: `command ${i}` }));
    });
    await assert.rejects(
      packageApp({ env: 'local', envDir: ENV_DIR, appPackageDir: appDir, outDir: tmpDir('out'), extraVars: {} }),
      (e: unknown) =>
        e instanceof PackageError &&
        /does not match the Teams manifest schema 1\.\d+/.test(e.message) &&
        e.message.includes('/bots/0/commandLists/0/commands') &&
        /must NOT have more than 12 items/.test(e.message),
    );
  });

  void it('refuses an outline icon that is not white on transparent', () => {
    const dir = tmpDir('icon');
    const png = new PNG({ width: 32, height: 32 });
    png.data.fill(0);
    for (let i = 0; i < 64 * 4; i += 4) png.data.set([0, 0, 0, 255], i); // two rows of opaque black
    const file = path.join(dir, 'outline.png');
    fs.writeFileSync(file, PNG.sync.write(png));
    const errors = checkIcon({ file, size: 32, whiteOnTransparent: true });
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /white on transparent; 64 visible pixel/);
    assert.match(checkIcon({ file, size: 192, whiteOnTransparent: false })[0] ?? '', /must be 192x192 pixels, is 32x32/);
  });

  void it('writes zips that stay readable for stored and deflated entries alike', () => {
    const entries = [
      { name: 'a.txt', data: Buffer.from('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa') },
      { name: 'b.bin', data: Buffer.from([1, 2, 3]) },
      { name: 'empty', data: Buffer.alloc(0) },
    ];
    const back = readZip(createZip(entries));
    assert.deepEqual(
      back.map((f) => [f.name, f.method, f.data.toString('hex')]),
      [
        ['a.txt', 8, entries[0]?.data.toString('hex')],
        ['b.bin', 0, '010203'],
        ['empty', 0, ''],
      ],
    );
  });
});
