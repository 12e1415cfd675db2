/**
 * `npm start -- --once`: the README's main command, end to end (sandbox, n8n 2.8.4, bundled workflows run twice).
 * Runs the script itself in a child process, so what a user types is what is tested.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

import { hostVersions } from './harness';

const root = path.join(__dirname, '..', '..');
const run = hostVersions().includes('2.8.4') ? test : test.skip; // npm start uses the 2.8.4 host

run('npm start -- --once runs Daily Health Sync twice and the re-run writes nothing', async () => {
	const child = spawn(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/start.ts', '--once', '--no-build'], {
		cwd: root,
		env: { ...process.env, E2E_SKIP_BUILD: '1' },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	child.stdout.on('data', (d: Buffer) => (out += d.toString()));
	child.stderr.on('data', (d: Buffer) => (out += d.toString()));
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	expect({ code, out }).toMatchObject({ code: 0 });
	expect(out).toMatch(/Daily Health Sync, run 1: success .*Notion page writes 98/);
	expect(out).toMatch(/Health Score: 98 sites scored \(.*Critical 15, Unknown 0\); unmatched 2/);
	expect(out).toMatch(/Daily Health Sync, run 2: success .*Notion page writes 0 \(emulator: 0 created, 0 updated, 0 trashed; 0 writes in all/);
	expect(out).toMatch(/Upsert Site Health: unchanged 98/);
	expect(out).toContain('all runs succeeded, re-runs wrote nothing');
}, 15 * 60_000);
