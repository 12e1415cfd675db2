#!/usr/bin/env node
/**
 * Runs the tests whose results could depend on the host's time zone again under two zones far from UTC (one with
 * daylight saving time, one with a half-hour offset). A date rule that used the server's local zone passes under
 * UTC and fails here. Part of `npm run test:unit`.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ZONES = ['America/New_York', 'Asia/Kolkata'];
const TESTS = [
	'test/unit/datetime.test.ts',
	'test/unit/notion/properties.test.ts',
	'test/unit/notion/plan.test.ts',
	'test/unit/notion/sync.emulator.test.ts',
	'test/unit/gate/stages.test.ts',
	'test/unit/gate/node.test.ts',
	'test/unit/opslog/schema.test.ts',
];

const jest = path.join(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js');
for (const zone of ZONES) {
	process.stderr.write(`\n== tests under TZ=${zone}\n`);
	const run = spawnSync(process.execPath, [jest, '--selectProjects', 'unit', '--runTestsByPath', ...TESTS], {
		stdio: 'inherit',
		env: { ...process.env, TZ: zone },
	});
	if (run.status !== 0) process.exit(run.status ?? 1);
}
