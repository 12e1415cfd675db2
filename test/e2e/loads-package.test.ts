/**
 * Every node and credential listed in package.json's `n8n` section is loaded by each pinned n8n host when the
 * packed package is installed the Community Nodes way. The server's /types/nodes.json and /types/credentials.json
 * are what the editor uses, so a type missing there is missing for users.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { createN8nInstance, hostVersions, readManifest, type N8nInstance } from './harness';

const manifest = readManifest();
const nodeEntries = manifest.n8n?.nodes ?? [];
const credentialEntries = manifest.n8n?.credentials ?? [];

/**
 * Reads the type name each installed entry file declares, with the host's own node and n8n-workflow (as n8n
 * requires them): `description.name` of nodes, `name` of credentials. The class is the one named like the file.
 */
function declaredNames(instance: N8nInstance, entries: string[], kind: 'node' | 'credential'): Record<string, string> {
	const script = `
		const path = require('path');
		const out = {};
		for (const entry of JSON.parse(process.argv[1])) {
			try {
				const mod = require(path.join(process.argv[2], entry));
				const cls = mod[path.basename(entry).split('.')[0]];
				if (typeof cls !== 'function') throw new Error('no exported class ' + path.basename(entry).split('.')[0]);
				const obj = new cls();
				out[entry] = ${kind === 'node' ? 'obj.description && obj.description.name' : 'obj.name'};
			} catch (e) { out[entry] = 'ERROR: ' + (e && e.message); }
		}
		console.log(JSON.stringify(out));`;
	const res = spawnSync(instance.host.nodeBin, ['-e', script, JSON.stringify(entries), instance.packageDir], {
		encoding: 'utf8',
		env: { ...instance.env(), NODE_PATH: path.join(instance.host.dir, 'node_modules') },
	});
	if (res.status !== 0) throw new Error(`reading ${kind} names failed: ${res.stderr}`);
	return JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as Record<string, string>;
}

test('package.json declares nodes and credentials', () => {
	expect(nodeEntries.length).toBeGreaterThan(0);
	expect(credentialEntries.length).toBeGreaterThan(0);
	expect(manifest.keywords).toContain('n8n-community-node-package');
});

describe.each(hostVersions())('n8n %s', (version) => {
	let instance: N8nInstance;
	let loaded: { nodes: string[]; credentials: string[] };
	let nodeNames: Record<string, string>;
	let credentialNames: Record<string, string>;

	beforeAll(async () => {
		instance = await createN8nInstance(version);
		nodeNames = declaredNames(instance, nodeEntries, 'node');
		credentialNames = declaredNames(instance, credentialEntries, 'credential');
		await instance.startServer();
		loaded = await instance.loadedTypes();
	}, 15 * 60_000);

	afterAll(async () => {
		await instance?.stop();
	});

	test('the host loaded its own built-in types (sanity)', () => {
		expect(loaded.nodes).toContain('n8n-nodes-base.manualTrigger');
		expect(loaded.credentials).toContain('httpHeaderAuth');
	});

	test.each(nodeEntries)('node %s is loaded as n8n-nodes-msp-ops.<name>', (entry) => {
		const name = nodeNames[entry];
		expect(name).toMatch(/^[a-zA-Z][a-zA-Z0-9]*$/);
		expect(loaded.nodes).toContain(`${manifest.name}.${name}`);
	});

	test.each(credentialEntries)('credential %s is loaded', (entry) => {
		const name = credentialNames[entry];
		expect(name).toMatch(/^[a-zA-Z][a-zA-Z0-9]*$/);
		expect(loaded.credentials).toContain(name);
	});

	test('the server logged no error about loading the package', () => {
		const problems = instance
			.serverLog()
			.split('\n')
			.filter((line) => line.includes(manifest.name) && /error|cannot|fail|unrecognized/i.test(line));
		expect(problems).toEqual([]);
	});

	test('no other types of the package were loaded than package.json lists', () => {
		// n8n adds a `<name>Tool` variant of every node marked usableAsTool (for AI agents); those are ours too.
		const declared = Object.values(nodeNames).filter((n) => !n.startsWith('ERROR'));
		const ours = loaded.nodes.filter((n) => n.startsWith(`${manifest.name}.`) && !(n.endsWith('Tool') && declared.includes(n.slice(manifest.name.length + 1, -4))));
		expect(ours.sort()).toEqual(declared.map((n) => `${manifest.name}.${n}`).sort());
	});
});
