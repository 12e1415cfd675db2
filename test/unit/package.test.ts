import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The package as n8n sees it: every entry of package.json's `n8n` section exists in dist/ after a build, each
 * exports the class n8n expects, every *.node.ts is listed, and the package has no install-time scripts.
 * Builds once if dist/ is missing or older than the sources (CI builds before testing).
 */
const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function newestMtime(dir: string): number {
	let newest = 0;
	if (!fs.existsSync(dir)) return 0;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
	}
	return newest;
}

beforeAll(() => {
	const sources = Math.max(...['nodes', 'credentials', 'lib'].map((d) => newestMtime(path.join(root, d))));
	if (newestMtime(path.join(root, 'dist')) < sources) {
		execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
	}
}, 240_000);

describe('package.json n8n section', () => {
	it('lists at least one node and one credential', () => {
		expect(pkg.n8n.n8nNodesApiVersion).toBe(1);
		expect(pkg.n8n.nodes.length).toBeGreaterThan(0);
		expect(pkg.n8n.credentials.length).toBeGreaterThan(0);
	});

	it.each([...pkg.n8n.nodes, ...pkg.n8n.credentials])('%s exists in dist and exports its class', (entry: string) => {
		const file = path.join(root, entry);
		expect(fs.existsSync(file)).toBe(true);
		const className = path.basename(entry).split('.')[0];
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(file);
		expect(typeof mod[className]).toBe('function');
		const instance = new mod[className]();
		if (entry.endsWith('.node.js')) {
			expect(instance.description.name).toBeTruthy();
			const icon = instance.description.icon;
			const icons = typeof icon === 'string' ? [icon] : [icon.light, icon.dark];
			for (const i of icons) expect(fs.existsSync(path.join(path.dirname(file), i.replace(/^file:/, '')))).toBe(true);
			expect(fs.existsSync(file.replace(/\.js$/, '.json'))).toBe(true);
		} else {
			expect(instance.name).toBeTruthy();
		}
	});

	it('lists every node source file', () => {
		const nodeSources = fs
			.readdirSync(path.join(root, 'nodes'), { recursive: true, encoding: 'utf8' })
			.filter((f) => f.endsWith('.node.ts'))
			.map((f) => `dist/nodes/${f.replace(/\.ts$/, '.js')}`)
			.sort();
		expect([...pkg.n8n.nodes].sort()).toEqual(nodeSources);
	});

	it('has no install-time lifecycle scripts and ships dist only', () => {
		for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts[script]).toBeUndefined();
		expect(pkg.files).toEqual(['dist']);
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});

	it('npm pack holds dist/ plus package.json, README.md and LICENSE, including icons, codex files and workflows', () => {
		const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
		const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
		expect(files.filter((f) => !f.startsWith('dist/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
		for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(files).toContain(entry);
		expect(files.some((f) => f.endsWith('.svg'))).toBe(true);
		expect(files.some((f) => /^dist\/nodes\/.+\.node\.json$/.test(f))).toBe(true);
		const workflows = fs.existsSync(path.join(root, 'workflows')) ? fs.readdirSync(path.join(root, 'workflows')).filter((f) => f.endsWith('.json')) : [];
		for (const wf of workflows) expect(files).toContain(`dist/workflows/${wf}`);
		expect(files.some((f) => f.startsWith('dist/test/') || f.includes('.test.'))).toBe(false);
	});

	it('names no file it does not ship and no placeholder owner, and depends at run time on exactly what dist/ requires', () => {
		if (pkg.main !== undefined) expect(fs.existsSync(path.join(root, pkg.main))).toBe(true);
		const placeholders = /example\.(com|org)|msp-ops\/n8n-nodes-msp-ops|your-?name|nathan@n8n\.io/i;
		expect(JSON.stringify([pkg.author, pkg.homepage, pkg.repository ?? null])).not.toMatch(placeholders);
		// The codex files' documentation links end up in the n8n editor.
		for (const codex of fs.readdirSync(path.join(root, 'nodes'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.node.json'))) {
			expect(fs.readFileSync(path.join(root, 'nodes', codex), 'utf8')).not.toMatch(placeholders);
		}
		const required = new Set<string>();
		const walk = (dir: string): void => {
			for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
				const p = path.join(dir, entry.name);
				if (entry.isDirectory()) walk(p);
				else if (entry.name.endsWith('.js')) {
					for (const m of fs.readFileSync(p, 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) {
						const name = m[1].startsWith('@') ? m[1].split('/').slice(0, 2).join('/') : m[1].split('/')[0];
						if (!name.startsWith('node:')) required.add(name);
					}
				}
			}
		};
		walk(path.join(root, 'dist'));
		required.delete('n8n-workflow');
		expect([...required].sort()).toEqual(Object.keys(pkg.dependencies).sort());
	});
});
