/**
 * Four projects: fast unit/contract tests, the real-n8n e2e suite (installs n8n hosts on first run), the browser
 * suite (the n8n editor in headless Chromium, against the same real hosts), and the reliability suite (generated and
 * long-running cases, `npm run test:reliability`; test/reliability/README.md).
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: { warnOnly: false } }];
// p-retry 7 and its dependency are ESM-only; transform them to CommonJS for jest's module system.
const esmPackages = ['p-retry', 'is-network-error'];
const base = {
	testEnvironment: 'node',
	transform: {
		'^.+\\.ts$': tsJest,
		'^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', esModuleInterop: true } }],
	},
	transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`, '<rootDir>/dist/'],
	moduleFileExtensions: ['ts', 'js', 'json'],
};
module.exports = {
	projects: [
		{
			...base,
			displayName: 'unit',
			testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/sandbox/**/*.test.ts'],
			// Loopback in NO_PROXY: the sandbox is never reached through a proxy the machine may have configured.
			setupFiles: ['<rootDir>/test/unit/jest.setup.ts'],
		},
		{
			...base,
			displayName: 'e2e',
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			// Installs the pinned n8n hosts (cached outside the repo) and builds + packs the package once per run.
			globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
			// jest.setup.ts sets the e2e test timeout (testTimeout is not a per-project option).
			setupFilesAfterEnv: ['<rootDir>/test/e2e/jest.setup.ts'],
		},
		{
			...base,
			displayName: 'browser',
			testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
			// The same hosts and packed tarball as the e2e project; the tests drive the system Chromium (see test/browser/README.md).
			globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
			setupFilesAfterEnv: ['<rootDir>/test/e2e/jest.setup.ts'],
		},
		{
			...base,
			displayName: 'reliability',
			testMatch: ['<rootDir>/test/reliability/**/*.test.ts'],
			setupFiles: ['<rootDir>/test/unit/jest.setup.ts'],
			// Most areas run the bundled pipelines in real n8n: the same hosts, packed tarball and timeouts as e2e.
			globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
			setupFilesAfterEnv: ['<rootDir>/test/e2e/jest.setup.ts'],
		},
	],
};
