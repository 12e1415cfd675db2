#!/usr/bin/env node
/**
 * `npm run scan`: n8n's community-package scanner (@n8n/scan-community-package), offline, on this checkout.
 *
 * The scanner's CLI only scans packages published to npm with provenance. Its analysis is the same ESLint run this
 * script makes with the scanner's own configuration (`buildScanConfig`): once over the source tree (the scanner's
 * SOURCE_FILE_PATTERNS: package.json, nodes/ and credentials/), once over the packed package (`npm pack` of the
 * current build: its .js files and package.json). Every finding fails the scan unless it is one of the documented
 * departures below, each also listed in the README's known limits. A departure that no longer occurs fails too, so
 * the list stays true.
 *
 * Usage: node scripts/scan.mjs [--no-pack] [--json]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import glob from 'fast-glob';
import { buildScanConfig, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));

/**
 * The design's departures: rule, where (a path pattern inside the scanned tree), and what it may report. Runtime
 * dependencies are the design card's choice for self-hosted n8n (the package is not meant for n8n Cloud).
 */
export const DEPARTURES = [
	{
		rule: '@n8n/community-nodes/no-runtime-dependencies',
		files: /(^|\/)package\.json$/,
		why: 'runtime dependencies (@notionhq/client, @supabase/supabase-js, ioredis, luxon, p-retry, zod) are the design: the package targets self-hosted n8n, not n8n Cloud',
	},
	{
		rule: '@n8n/community-nodes/valid-author',
		files: /(^|\/)package\.json$/,
		why: 'no maintainer email until the package is published: the publisher sets author.email',
	},
	{
		rule: '@n8n/community-nodes/no-credential-reuse',
		files: /^nodes\/[A-Za-z]+\/[A-Za-z]+\.node\.ts$/,
		message: /credential "supabaseApi"/,
		why: "the optional ops log uses n8n's own Supabase credential, so one credential serves these nodes and n8n's Supabase node in the same workflow",
	},
	{
		rule: '@n8n/community-nodes/valid-credential-references',
		files: /^nodes\/[A-Za-z]+\/[A-Za-z]+\.node\.ts$/,
		message: /Credential "supabaseApi"/,
		why: "same departure: supabaseApi is n8n's built-in Supabase credential, not one of this package",
	},
	{
		rule: '@n8n/community-nodes/node-usable-as-tool',
		files: /^nodes\/MakerCheckerGate\/MakerCheckerGate\.node\.ts$/,
		why: "approvals come from people, so the gate is not offered as an AI tool; n8n-workflow's type has no `usableAsTool: false`",
	},
	{
		rule: '@n8n/community-nodes/no-restricted-globals',
		files: /^dist\/lib\/http\/proxy\.js$/,
		message: /'process'/,
		why: 'HTTP_PROXY / HTTPS_PROXY / NO_PROXY are read from the environment, as n8n reads them',
	},
	{
		rule: '@n8n/community-nodes/no-restricted-globals',
		files: /^dist\/lib\/http\/rateLimitEnv\.js$/,
		message: /'process'/,
		why: "in n8n queue mode the rate-limit buckets are shared through n8n's own Redis, so EXECUTIONS_MODE and QUEUE_BULL_* (and MSP_OPS_RATE_LIMIT_*) are read from the environment, and a Redis outage is reported as a process warning (docs/rate-limits.md)",
	},
	{
		rule: '@n8n/community-nodes/no-restricted-imports',
		files: /^dist\/lib\/http\/sharedRateLimiter\.js$/,
		message: /'ioredis'/,
		why: 'rate-limit buckets shared by the workers of n8n queue mode live in Redis, reached with ioredis (the client n8n itself uses; docs/rate-limits.md)',
	},
	{
		rule: '@n8n/community-nodes/no-restricted-imports',
		files: /^dist\/lib\//,
		message: /'(p-retry|@notionhq\/client|@supabase\/supabase-js|luxon|zod|node:http|node:https|node:zlib|node:net|node:tls|http|https|zlib|net|tls)'/,
		why: 'lib/ uses the runtime dependencies and its own HTTP transport on node:http/https (proxy tunnels, per-credential self-signed TLS, exact timeouts; see CONTRIBUTING.md)',
	},
];

function lintableFiles(dir, patterns) {
	return glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
}

async function lint(dir, patterns) {
	const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await buildScanConfig() });
	const files = lintableFiles(dir, patterns);
	const results = await eslint.lintFiles(files);
	const findings = [];
	for (const result of results) {
		const file = path.relative(dir, result.filePath).split(path.sep).join('/');
		for (const m of result.messages) {
			if (m.severity !== 2) continue;
			findings.push({ file, line: m.line ?? 0, rule: m.ruleId ?? '(parse error)', message: m.message });
		}
	}
	return { files: files.length, findings };
}

function departureOf(finding) {
	return DEPARTURES.find((d) => d.rule === finding.rule && d.files.test(finding.file) && (!d.message || d.message.test(finding.message)));
}

function pack() {
	const out = fs.mkdtempSync(path.join(os.tmpdir(), 'msp-ops-scan-'));
	if (!fs.existsSync(path.join(root, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
	const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: root, encoding: 'utf8' });
	if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
	const tarball = path.join(out, packed.stdout.trim().split('\n').pop());
	const extracted = spawnSync('tar', ['-xzf', tarball, '-C', out], { encoding: 'utf8' });
	if (extracted.status !== 0) throw new Error(`tar failed: ${extracted.stderr}`);
	return { dir: path.join(out, 'package'), cleanup: () => fs.rmSync(out, { recursive: true, force: true }) };
}

const legs = [{ name: 'source', ...(await lint(root, SOURCE_FILE_PATTERNS)) }];
if (!args.has('--no-pack')) {
	const packed = pack();
	try {
		legs.push({ name: 'packed package', ...(await lint(packed.dir, ['**/*.js', 'package.json'])) });
	} finally {
		packed.cleanup();
	}
}

const used = new Set();
const failures = [];
let departed = 0;
for (const leg of legs) {
	for (const f of leg.findings) {
		const d = departureOf(f);
		if (d) {
			used.add(d);
			departed++;
		} else failures.push({ leg: leg.name, ...f });
	}
}
const stale = args.has('--no-pack') ? [] : DEPARTURES.filter((d) => !used.has(d));

if (args.has('--json')) {
	console.log(JSON.stringify({ legs: legs.map((l) => ({ name: l.name, files: l.files, findings: l.findings.length })), departed, failures, stale: stale.map((d) => d.rule) }));
} else {
	for (const leg of legs) console.log(`scan ${leg.name}: ${leg.files} files, ${leg.findings.length} findings`);
	console.log(`documented departures: ${departed} findings of ${used.size} rules`);
	for (const f of failures) console.log(`  ${f.leg}: ${f.file}:${f.line} ${f.rule}: ${f.message}`);
	for (const d of stale) console.log(`  departure no longer needed, remove it here and in the README: ${d.rule}`);
}
process.exitCode = failures.length || stale.length ? 1 : 0;
