// `npm run lint`: n8n's community-node rules (@n8n/eslint-plugin-community-nodes, recommended) and the
// eslint-plugin-n8n-nodes-base sets, as `n8n-node lint` and n8n's package scanner apply them, plus the package's own
// layering rule. `npm run scan` (scripts/scan.mjs) runs the scanner's exact configuration on the source and on the
// packed package; the rules switched off below are its documented departures (listed there and in the README).
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { defineConfig } from 'eslint/config';

export default defineConfig(
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'bench/**', 'scripts/**', 'workflows/**', 'eslint.config.mjs', 'gulpfile.js', 'jest.config.js'] },
	{
		files: ['**/*.ts', '**/*.json'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
	},
	{ files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'], ...n8nCommunityNodesPlugin.configs.recommended },
	{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
	{
		files: ['package.json'],
		rules: {
			...n8nNodesBase.configs.community.rules,
			// Departures (scripts/scan.mjs): runtime dependencies are the design; the maintainer email is set on publishing.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
			'@n8n/community-nodes/valid-author': 'off',
		},
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
			// The package's own choices (as before the move to flat config): execution goes through one per-item helper
			// with Continue On Fail (nodes/shared/n8nAdapter.ts); actions follow Airtable V2's folder layout.
			'n8n-nodes-base/node-execute-block-missing-continue-on-fail': 'off',
			'n8n-nodes-base/node-resource-description-filename-against-convention': 'off',
			'n8n-nodes-base/node-param-fixed-collection-type-unsorted-items': 'off',
			// Departure (scripts/scan.mjs): the ops log uses n8n's own Supabase credential, one credential for these
			// nodes and n8n's Supabase node.
			'@n8n/community-nodes/no-credential-reuse': 'off',
			'@n8n/community-nodes/valid-credential-references': 'off',
		},
	},
	{
		files: ['nodes/MakerCheckerGate/MakerCheckerGate.node.ts'],
		// Departure (scripts/scan.mjs): approvals come from people, so the gate is not an AI tool, and n8n-workflow's
		// type has no `usableAsTool: false` to say so.
		rules: { '@n8n/community-nodes/node-usable-as-tool': 'off' },
	},
	{
		files: ['lib/**/*.ts'],
		// lib/ ships in the package, so the scanner's rules on globals apply to it (its imports are checked by the
		// scan: lib/ uses the design's runtime packages and its own HTTP transport on node:http/https, a departure).
		plugins: { '@n8n/community-nodes': n8nCommunityNodesPlugin },
		rules: {
			// lib/ is plain TypeScript: no n8n imports (nodes/ hand it what it needs, such as n8n's sleep).
			'no-restricted-imports': ['error', { patterns: ['n8n-workflow', 'n8n-core', 'n8n-workflow/*'] }],
			'@n8n/community-nodes/no-restricted-globals': 'error',
		},
	},
	{
		files: ['lib/http/proxy.ts'],
		// Departure (scripts/scan.mjs): HTTP(S)_PROXY / NO_PROXY come from the environment, as n8n reads them.
		rules: { '@n8n/community-nodes/no-restricted-globals': 'off' },
	},
	{
		files: ['lib/http/rateLimitEnv.ts'],
		// Departure (scripts/scan.mjs): in queue mode the rate-limit buckets live in n8n's Redis, whose settings
		// (EXECUTIONS_MODE, QUEUE_BULL_*) come from the environment; Redis outages are reported as process warnings.
		rules: { '@n8n/community-nodes/no-restricted-globals': 'off' },
	},
);
